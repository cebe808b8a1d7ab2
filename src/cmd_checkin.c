/* cmd_checkin.c: touchbase checkin. */
#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"

static const struct cmd_usage checkin_usage = {
	"checkin KEY [--date DATE] [--note TEXT] [--by EMAIL]",
	"Record that a check-in with partner KEY happened (today, or on\n"
	"DATE).  A rolling cadence starts again from the check-in; on a fixed\n"
	"schedule it satisfies the occurrence it falls in.\n\n"
	"  --date DATE   when it happened (YYYY-MM-DD), not in the future\n"
	"  --note TEXT   what was discussed\n"
	"  --by EMAIL    who met the partner\n",
};

enum cmd_status
cmd_checkin(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, NULL, 'D' },
		{ "note", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *date = NULL, *note = NULL, *by = NULL;
	struct book book;
	struct partner p;
	enum cmd_status st;
	char *err = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			date = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'b':
			by = optarg;
			break;
		case 'h':
			return cmd_print_usage(&checkin_usage, true);
		default:
			return cmd_print_usage(&checkin_usage, false);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&checkin_usage, "checkin needs one KEY");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = book_checkin(&book, argv[optind], date, note, by, ctx->now, &err);
	if (rc == 0 && book_partner_get(&book, argv[optind], &p, &err) == 0) {
		log_info("checked in with %s on %s; next check-in due %s",
		    p.name, p.last_checkin, p.next_due ? p.next_due : "never");
		partner_reset(&p);
	}
	st = cmd_key_status(&book, argv[optind], rc, err);
	cmd_close_book(&book);
	return st;
}
