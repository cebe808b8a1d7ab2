/* cmd_status.c: touchbase status. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "cmd.h"
#include "exchange.h"
#include "log.h"
#include "health.h"

static const struct cmd_usage status_usage = {
	"status [--json] [--due] [--overdue] [--now DATETIME]",
	"Every active partner, most urgent first: owner, cadence, last\n"
	"check-in, next due date and state: ok, due (inside the reminder\n"
	"window), overdue (grace_days past due), escalated\n"
	"(escalate_after_days past due).\n\n"
	"  --due            only partners that are due, overdue or escalated\n"
	"  --overdue        only overdue and escalated partners\n"
	"  --json           a JSON array instead of the table\n"
	"  --now DATETIME   as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

struct status_state {
	struct book		*book;
	enum partner_state	 min_state;
	bool			 json;
	struct table		 table;		/* the text's rows */
	size_t			 nrows;		/* those shown */
	int			 shown_mail;
	enum cmd_status		 written;	/* CMD_IOERR once a write failed */
	char			*err;
};

static bool
shown(const struct status_state *ss, enum partner_state st)
{
	return st == STATE_UNSCHEDULED ? ss->min_state == STATE_OK :
	    st >= ss->min_state;
}

static char *
when_text(const struct health_row *r)
{
	char *phrase, *text;

	if (r->p.next_due == NULL)
		return xstrdup("-");
	phrase = date_days_phrase(r->late, " late");
	text = xasprintf("%s (%s)", r->p.next_due, phrase);
	free(phrase);
	return text;
}

static void
table_row(struct status_state *ss, const struct health_row *r)
{
	char *when = when_text(r), *mail = r->undelivered ?
	    xasprintf("%ld undelivered", r->undelivered) : xstrdup("ok");
	/* What came back: a snooze, the invitees' answers. */
	char *note = xasprintf("%s%s%s%s%s", r->snoozed ?
	    "snoozed until " : "", r->snoozed ? r->p.snooze_until : "",
	    r->snoozed && r->answers ? "; " : "",
	    r->answers ? r->answers : "",
	    !r->snoozed && !r->answers ? "-" : "");
	const char *row[] = { state_name(r->state), r->p.key, r->p.name,
	    r->p.owner_name ? r->p.owner_name : r->p.owner_email,
	    r->cadence, r->p.last_checkin ? r->p.last_checkin : "never",
	    when, mail, note };

	table_add(&ss->table, row);
	free(when);
	free(mail);
	free(note);
}

/* One partner of the JSON array, written as it comes. */
static int
json_row(struct status_state *ss, const struct health_row *r)
{
	/* The partner as partner list --json shows it, and where it
	 * stands. */
	struct json_field state[] = {
		{ "state", JSON_TEXT, state_name(r->state), 0 },
		{ "days_overdue", JSON_INT, NULL, r->late > 0 ? r->late : 0 },
		{ "undelivered", JSON_INT, NULL, r->undelivered },
	};
	struct buf out;
	int rc;

	buf_init(&out);
	buf_adds(&out, ss->nrows > 1 ? ",\n  " : "[\n  ");
	rc = exchange_partner_json(ss->book, &r->p, false, 0, state,
	    sizeof state / sizeof state[0], &out, &ss->err);
	/* Flushed at the end, by the last cmd_write. */
	if (rc == 0 && fwrite(buf_str(&out), 1, out.len, stdout) != out.len) {
		cmd_error("writing to standard output failed");
		ss->written = CMD_IOERR;
		rc = -1;
	}
	buf_reset(&out);
	return rc;
}

static int
status_row(const struct health_row *r, void *arg)
{
	struct status_state *ss = arg;

	if (!shown(ss, r->state))
		return 0;
	ss->nrows++;
	if (ss->json)
		return json_row(ss, r);
	table_row(ss, r);
	return 0;
}

/* Undelivered mail, with the reason, under the table. */
static int
print_undelivered(const struct outbox_msg *r, void *arg)
{
	struct status_state *ss = arg;
	char *why = log_escape(r->last_error ? r->last_error : "");
	char next[DATE_TIMESTAMP_STRLEN] = "";
	bool waits = r->state == OUTBOX_DEFERRED && r->next_attempt != 0;

	if (waits)
		date_timestamp(r->next_attempt, next);
	if (ss->shown_mail++ == 0)
		printf("\nUndelivered mail:\n");
	printf("  %-8s %-10s %s to %s (due %s)%s%s%s%s\n",
	    outbox_state_name(r->state), outbox_kind_name(r->kind),
	    r->partner_key, r->recipient, r->occurrence,
	    waits ? ", next try " : "", next, *why ? ": " : "", why);
	free(why);
	return 0;
}

enum cmd_status
cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "due", no_argument, NULL, 'd' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_state ss;
	const char *now_arg = NULL;
	time_t now;
	bool json = false;
	struct book book;
	enum cmd_status st;
	int ch;

	memset(&ss, 0, sizeof ss);
	ss.min_state = STATE_OK;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'd':
			if (ss.min_state < STATE_DUE)
				ss.min_state = STATE_DUE;
			break;
		case 'o':
			ss.min_state = STATE_OVERDUE;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&status_usage, true);
		default:
			return cmd_print_usage(&status_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&status_usage, "status takes no arguments");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	ss.book = &book;
	ss.json = json;
	if (!json) {
		static const char *const header[] = { "STATE", "KEY", "NAME",
		    "OWNER", "CADENCE", "LAST CHECK-IN", "NEXT DUE", "MAIL",
		    "NOTE" };

		table_init(&ss.table, 9, header);
	}
	if (health_foreach(&book, now, NULL, status_row, &ss, &ss.err) != 0) {
		st = ss.written != CMD_OK ? ss.written :
		    cmd_book_status(&book, BOOK_ERROR, ss.err);
		goto done;
	}
	if (json)
		st = cmd_write(ss.nrows ? "\n]\n" : "[]\n", 3);
	else if (ss.nrows == 0)
		log_info(ss.min_state == STATE_OK ? "no active partners" :
		    "nothing is due");
	else {
		table_print(&ss.table, stdout);
		struct outbox_filter f = { .any_state = true,
		    .undelivered = true };

		if (outbox_foreach(book.store, &f, print_undelivered, &ss,
		    &ss.err) != 0)
			st = cmd_book_status(&book, BOOK_ERROR, ss.err);
	}
done:
	if (!json)
		table_reset(&ss.table);
	cmd_close_book(&book);
	return st;
}
