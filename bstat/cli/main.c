/* main.c — the bstat program; everything happens in bs_main (cli.c). */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return bs_main(argc, argv, stdout, stderr);
}
