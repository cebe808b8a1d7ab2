/* cmd_ics.c: touchbase ics. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "feed.h"
#include "log.h"

static const struct cmd_usage ics_usage = {
	"ics [KEY] [--days N] [--owner EMAIL] [--now DATETIME]",
	"Print an iCalendar feed (METHOD:PUBLISH) of the check-ins of every\n"
	"active partner due within N days, and of those overdue, for calendar\n"
	"subscription.  Each event has the UID and SEQUENCE of the invite run\n"
	"sends for it, so a calendar holding both shows one meeting; its\n"
	"description gives the partnership's state, and an alarm rings\n"
	"schedule.lead_days before (none when lead_days is 0).\n\n"
	"  KEY              only this partner\n"
	"  --days N         check-ins due within N days (default 60)\n"
	"  --owner EMAIL    only partners this person owns\n"
	"  --now DATETIME   as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

/* --days: a whole number of days, 1 to FEED_DAYS_MAX. */
static enum cmd_status
parse_days(const char *arg, int *days)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || n < 1 ||
	    n > FEED_DAYS_MAX)
		return cmd_usage_error(&ics_usage, "--days: \"%s\" is not a "
		    "number of days from 1 to %d", arg, FEED_DAYS_MAX);
	*days = (int)n;
	return CMD_OK;
}

/* Options and KEY into f and *now; *help set when --help was printed. */
static enum cmd_status
parse_args(int argc, char **argv, struct feed_filter *f, const char **now,
    bool *help)
{
	static const struct option longopts[] = {
		{ "days", required_argument, NULL, 'D' },
		{ "owner", required_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cmd_status st;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			if ((st = parse_days(optarg, &f->days)) != CMD_OK)
				return st;
			break;
		case 'o':
			f->owner = optarg;
			break;
		case 'N':
			*now = optarg;
			break;
		case 'h':
			*help = true;
			return cmd_print_usage(&ics_usage, true);
		default:
			return cmd_print_usage(&ics_usage, false);
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error(&ics_usage, "ics takes at most one KEY");
	if (argc - optind == 1)
		f->key = argv[optind];
	return CMD_OK;
}

static int
owned_by(const struct partner *p, void *arg)
{
	return strcasecmp(p->owner_email, arg) == 0;
}

/* An --owner of no active partner is most likely a typo: say so, as the
 * feed alone (empty) would not. */
static void
warn_owner_of_nothing(struct book *book, const char *owner)
{
	char *err = NULL;
	int rc = book_partner_foreach(book, false, owned_by, (void *)owner,
	    &err);

	if (rc == 0)
		log_warnx("warning: %s owns no active partner; the feed is "
		    "empty", owner);
	free(err);
}

/* feed_write's writer: standard output; *arg the status once it fails. */
static int
write_out(const char *text, size_t len, void *arg)
{
	enum cmd_status *st = arg;

	if ((*st = cmd_write(text, len)) == CMD_OK)
		return 0;
	return -1;
}

enum cmd_status
cmd_ics(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct feed_filter f = { NULL, NULL, FEED_DAYS_DEFAULT };
	const char *now_arg = NULL;
	struct book book;
	enum cmd_status st, wst = CMD_OK;
	char *err = NULL;
	size_t n = 0;
	bool help = false;
	time_t now;
	int rc;

	if ((st = parse_args(argc, argv, &f, &now_arg, &help)) != CMD_OK ||
	    help)
		return st;
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = feed_write(&book, &f, now, write_out, &wst, &n, &err);
	if (wst != CMD_OK) {
		/* cmd_write said why (or nothing, for a closed pipe). */
		free(err);
		st = wst;
	} else if (rc != BOOK_OK)
		st = cmd_key_status(&book, f.key, rc, err);
	else {
		log_debug("ics: %zu check-in%s within %d days", n,
		    n == 1 ? "" : "s", f.days);
		if (f.owner != NULL && n == 0)
			warn_owner_of_nothing(&book, f.owner);
	}
	cmd_close_book(&book);
	return st;
}
