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
	struct health		 health;
	enum partner_state	 min_state;
	struct health_row	**rows;		/* those shown */
	size_t			 nrows;
	int			 shown_mail;
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
print_table(const struct status_state *ss)
{
	static const char *const header[] = { "STATE", "KEY", "NAME", "OWNER",
	    "CADENCE", "LAST CHECK-IN", "NEXT DUE", "MAIL", "NOTE" };
	struct table t;

	table_init(&t, 9, header);
	for (size_t i = 0; i < ss->nrows; i++) {
		const struct health_row *r = ss->rows[i];
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

		table_add(&t, row);
		free(when);
		free(mail);
		free(note);
	}
	table_print(&t, stdout);
	table_reset(&t);
}

static int
print_json(struct status_state *ss, struct buf *out)
{
	buf_addc(out, '[');
	for (size_t i = 0; i < ss->nrows; i++) {
		const struct health_row *r = ss->rows[i];
		/* The partner as partner list --json shows it, and where
		 * it stands. */
		struct json_field state[] = {
			{ "state", JSON_TEXT, state_name(r->state), 0 },
			{ "days_overdue", JSON_INT, NULL,
			    r->late > 0 ? r->late : 0 },
			{ "undelivered", JSON_INT, NULL, r->undelivered },
		};

		buf_adds(out, i ? ",\n  " : "\n  ");
		if (exchange_partner_json(ss->book, &r->p, false, 0, state,
		    sizeof state / sizeof state[0], out, &ss->err) != 0)
			return -1;
	}
	buf_adds(out, ss->nrows ? "\n]\n" : "]\n");
	return 0;
}

/* Undelivered mail, with the reason, under the table. */
static int
print_undelivered(const struct outbox_msg *r, void *arg)
{
	struct status_state *ss = arg;
	char next[DATE_TIMESTAMP_STRLEN] = "";
	bool waits = r->state == OUTBOX_DEFERRED && r->next_attempt != 0;
	char *note = NULL, *why;

	/* A sent message is listed for its Cc that did not get it. */
	if (r->state == OUTBOX_SENT && outbox_rcpt_note(ss->book->store, r,
	    &note, &ss->err) != 0)
		return -1;
	why = log_escape(note ? note : r->last_error ? r->last_error : "");
	free(note);
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
	struct buf out;
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
	buf_init(&out);
	if (health_load(&book, now, NULL, &ss.health, &ss.err) != 0) {
		st = cmd_book_status(&book, BOOK_ERROR, ss.err);
		goto done;
	}
	ss.rows = xcalloc(ss.health.nrows + 1, sizeof *ss.rows);
	for (size_t i = 0; i < ss.health.nrows; i++)
		if (shown(&ss, ss.health.rows[i].state))
			ss.rows[ss.nrows++] = &ss.health.rows[i];
	if (json) {
		if (print_json(&ss, &out) != 0)
			st = cmd_book_status(&book, BOOK_ERROR, ss.err);
		else
			st = cmd_write(buf_str(&out), out.len);
	} else if (ss.nrows == 0)
		log_info(ss.min_state == STATE_OK ? "no active partners" :
		    "nothing is due");
	else {
		print_table(&ss);
		struct outbox_filter f = { .any_state = true,
		    .undelivered = true };

		if (outbox_foreach(book.store, &f, print_undelivered, &ss,
		    &ss.err) != 0)
			st = cmd_book_status(&book, BOOK_ERROR, ss.err);
	}
done:
	free(ss.rows);
	health_reset(&ss.health);
	buf_reset(&out);
	cmd_close_book(&book);
	return st;
}
