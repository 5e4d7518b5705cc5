/* cb_defmain.c: the main() libcbench.a supplies. It sits alone in its object
 * so that a program with its own main never pulls it from the archive. */
#include "cbench.h"

int main(int argc, char **argv)
{
	return cbench_main(argc, argv);
}
