/* cbprof.c: the cbprof program; everything is in pf_main (main.c). */
#include "prof.h"

int main(int argc, char **argv)
{
	return pf_main(argc, argv, stdout, stderr);
}
