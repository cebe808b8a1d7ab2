/* cmd_inbox.c: touchbase inbox, receive and snooze. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "inbox.h"
#include "inbox_source.h"
#include "log.h"
#include "owner_cmd.h"

static const struct cmd_usage inbox_usage = {
	"inbox [--dry-run] [--now DATETIME]",
	"Read the configured inbox (inbox.source) now: calendar answers,\n"
	"owners' replies (done, snooze, note) and bounces.  Prints one line\n"
	"per message: what it was and what touchbase did.  run does this\n"
	"first.\n\n"
	"  --dry-run        show what would be done; change nothing\n"
	"  --now DATETIME   as if it were then\n",
};

static const struct cmd_usage receive_usage = {
	"receive [--now DATETIME]",
	"Process one message on standard input, for an MTA alias or .forward\n"
	"pipe (partnerships: \"|/usr/local/bin/touchbase receive\").  Exits 0\n"
	"when it was handled or deliberately ignored, 75 when it could not\n"
	"be processed now (the MTA tries again later).\n",
};

static const struct cmd_usage snooze_usage = {
	"snooze KEY (N days | N weeks | until DATE | --clear)",
	"Hold a partner's reminders, overdue notices and escalations until\n"
	"then; --clear sends them again as due.  Owners can do the same by\n"
	"replying \"snooze 2 weeks\" to any touchbase message.\n",
};

/* Print what became of each message (untrusted text escaped). */
static void
print_event(const char *id, const struct inbox_report *res, void *arg)
{
	const bool *quiet = arg;
	char *sender = log_escape(res->sender ? res->sender : "-");
	char *outcome = log_escape(res->outcome ? res->outcome : "");
	char *name = log_escape(id ? id : "-");

	/* The fixed-width fields first; the sender, of any length, last. */
	if (!*quiet || res->status == INBOX_UNREADABLE)
		printf("%-16s %-18s %s (from %s)\n", res->kind ? res->kind : "-",
		    res->partner_key ? res->partner_key : "-", outcome, sender);
	if (res->status == INBOX_UNREADABLE)
		log_warnx("%s: left in the inbox: %s", name, outcome);
	free(sender);
	free(outcome);
	free(name);
}

/* Drain src into book at now: the status inbox and receive end with. */
static enum cmd_status
drain(struct book *book, struct inbox_source *src, time_t now, bool dry_run,
    bool quiet, struct inbox_stats *stats)
{
	struct inbox in;
	enum cmd_status st = CMD_OK;
	char *err = NULL;
	int rc;

	if (inbox_init(&in, book, now, &err) != 0)
		return cmd_book_status(book, BOOK_ERROR, err);
	/* A dry run does it all inside a transaction it rolls back. */
	if (dry_run && book_begin(book, &err) != 0) {
		inbox_reset(&in);
		return cmd_book_status(book, BOOK_ERROR, err);
	}
	rc = inbox_drain(&in, src, dry_run, print_event, &quiet, stats, &err);
	if (dry_run)
		book_rollback(book);
	if (rc == INBOX_UNAVAILABLE || rc == INBOX_ERROR) {
		cmd_error("%s: %s", inbox_source_name(src), err);
		free(err);
		st = rc == INBOX_UNAVAILABLE ? CMD_UNAVAILABLE : CMD_IOERR;
	} else if (rc != 0)
		st = cmd_book_status(book, BOOK_ERROR, err);
	else if (stats->unreadable > 0)
		st = CMD_DATAERR;
	inbox_reset(&in);
	return st;
}

enum cmd_status
cmd_inbox(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inbox_source *src = NULL;
	struct inbox_stats stats = { 0 };
	const char *now_arg = NULL;
	bool dry_run = false;
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	time_t now;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&inbox_usage, true);
		default:
			return cmd_print_usage(&inbox_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&inbox_usage, "inbox takes no arguments");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if ((rc = inbox_source_open(&ctx->cfg, &src, &err)) != INBOX_OK) {
		cmd_error("inbox: %s", err);
		free(err);
		cmd_close_book(&book);
		return rc == INBOX_UNAVAILABLE ? CMD_UNAVAILABLE : CMD_CONFIG;
	}
	if (src == NULL)
		log_info("inbox.source is none: nothing to read");
	else {
		st = drain(&book, src, now, dry_run, false, &stats);
		if (st == CMD_OK && (ctx->tty || ctx->verbose))
			log_info("inbox: %ld message%s read from %s, %ld acted "
			    "on", stats.read, stats.read == 1 ? "" : "s",
			    inbox_source_name(src), stats.acted);
	}
	inbox_source_close(src);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_receive(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inbox_source *src = NULL;
	struct inbox_stats stats = { 0 };
	const char *now_arg = NULL;
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	time_t now;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&receive_usage, true);
		default:
			return cmd_print_usage(&receive_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&receive_usage, "receive takes no "
		    "arguments");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	/* Anything but 0 or 75 makes the MTA bounce to the sender. */
	if (cmd_open_book(ctx, &book) != CMD_OK)
		return CMD_TEMPFAIL;
	if (inbox_source_open_stdin(STDIN_FILENO, &src, &err) != INBOX_OK) {
		cmd_error("receive: %s", err);
		free(err);
		cmd_close_book(&book);
		return CMD_TEMPFAIL;
	}
	st = drain(&book, src, now, false, !ctx->verbose, &stats);
	inbox_source_close(src);
	cmd_close_book(&book);
	/* Not mail at all: reported, and nothing the sender can fix. */
	if (st == CMD_DATAERR)
		return CMD_OK;
	return st == CMD_OK ? CMD_OK : CMD_TEMPFAIL;
}

enum cmd_status
cmd_snooze(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "clear", no_argument, NULL, 'c' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char date[DATE_STRLEN], lng[DATE_LONG_STRLEN], *err = NULL, *line;
	const char *now_arg = NULL;
	struct owner_cmd cmd;
	struct tb_date today;
	struct partner p;
	struct buf words;
	struct book book;
	enum cmd_status st;
	bool clear = false;
	time_t now;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			clear = true;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&snooze_usage, true);
		default:
			return cmd_print_usage(&snooze_usage, false);
		}
	}
	if (argc - optind < 1 || (clear && argc - optind != 1) ||
	    (!clear && argc - optind < 3))
		return cmd_usage_error(&snooze_usage, "snooze needs KEY and N "
		    "days, N weeks, until DATE, or --clear");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if ((rc = book_partner_get(&book, argv[optind], &p, &err)) != 0) {
		st = cmd_key_status(&book, argv[optind], rc, err);
		cmd_close_book(&book);
		return st;
	}
	if (clear) {
		rc = book_snooze(&book, p.key, NULL, now, &err);
		if (rc == 0)
			log_info("%s: reminders are sent again as due", p.key);
		goto done;
	}
	/* The owners' reply grammar is the one rule for what "snooze
	 * 2 weeks" means. */
	buf_init(&words);
	buf_adds(&words, "snooze");
	for (int i = optind + 1; i < argc; i++)
		buf_printf(&words, " %s", argv[i]);
	line = buf_steal(&words);
	rc = book_today(&book, &p, now, &today, &err);
	if (rc == 0 && owner_cmd_parse(line, today, &cmd, &err) != 0) {
		rc = BOOK_INVALID;
		/* Whose today: the partner's zone. */
		if (strstr(err, "today") != NULL) {
			char *zoned = xasprintf("%s; dates are in %s", err,
			    book_partner_tz(&book, &p));

			free(err);
			err = zoned;
		}
	} else if (rc == 0) {
		rc = book_snooze(&book, p.key, date_format(cmd.date, date), now,
		    &err);
		if (rc == 0)
			log_info("%s: reminders are held until %s", p.key,
			    date_format_long(cmd.date, lng));
		owner_cmd_reset(&cmd);
	}
	free(line);
done:
	st = cmd_book_status(&book, rc, err);
	partner_reset(&p);
	cmd_close_book(&book);
	return st;
}
