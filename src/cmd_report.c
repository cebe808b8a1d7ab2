/* cmd_report.c: touchbase report. */
#include "cmd.h"

enum cmd_status
cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	cmd_error("report: not built yet");
	return CMD_SOFTWARE;
}
