/* cmd_ics.c: touchbase ics. */
#include "cmd.h"

enum cmd_status
cmd_ics(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	cmd_error("ics: not built yet");
	return CMD_SOFTWARE;
}
