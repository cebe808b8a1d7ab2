/* cmd_digest.c: touchbase digest. */
#include "cmd.h"

enum cmd_status
cmd_digest(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	cmd_error("digest: not built yet");
	return CMD_SOFTWARE;
}
