/* cmd_init.c: touchbase init. */
#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"

static const struct cmd_usage init_usage = {
	"init",
	"Create the database named by -d or database.path, or upgrade an\n"
	"existing one to this version's schema.  Running it again is safe.\n",
};

enum cmd_status
cmd_init(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct book book;
	enum fault fault;
	char *err = NULL;
	int ch, from, to;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'h')
			return cmd_print_usage(&init_usage, true);
		return cmd_print_usage(&init_usage, false);
	}
	if (optind != argc)
		return cmd_usage_error(&init_usage, "init takes no arguments");
	if (book_open(&book, ctx->db_path, true, &ctx->cfg, &from, &to, &fault,
	    &err) == BOOK_ERROR) {
		cmd_error("%s", err);
		free(err);
		/* no directory to create it in, or no reason known */
		if (fault == FAULT_MISSING || fault == FAULT_INTERNAL)
			return CMD_CANTCREAT;
		return cmd_fault_status(fault);
	}
	/* A bad holiday calendar is check's to report, not init's. */
	free(err);
	book_close(&book);
	if (from == 0)
		log_info("created %s (schema version %d)", ctx->db_path, to);
	else if (from < to)
		log_info("upgraded %s from schema version %d to %d",
		    ctx->db_path, from, to);
	else
		log_info("%s is up to date (schema version %d)", ctx->db_path,
		    to);
	return CMD_OK;
}
