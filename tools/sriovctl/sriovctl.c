// SPDX-License-Identifier: MIT
/* sriovctl's main(): the command line is sriovctl_main()'s (main.c). */
#include "cli.h"

int main(int argc, char **argv)
{
	return sriovctl_main(argc, argv);
}
