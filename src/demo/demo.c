/* demo: `moka demo` (placeholder until the demo company lands). */
#include "cli/cli.h"

#include <stdio.h>

int cli_demo(int argc, char **argv, struct config *cfg)
{
	(void)argc;
	(void)argv;
	(void)cfg;
	fprintf(stderr, "moka demo: not available yet\n");
	return 1;
}
