/* cmd_status.c: touchbase status. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "cmd.h"
#include "exchange.h"
#include "log.h"
#include "health.h"
#include "text.h"

static const struct cmd_usage status_usage = {
	"status [--json] [--wide] [--due] [--overdue] [--owner EMAIL] "
	"[--tier T]\n"
	"                        [--state STATE] [--now DATETIME]",
	"Every active partner, most urgent first: owner, cadence, last\n"
	"check-in, next due date and state: ok, due (inside the reminder\n"
	"window), overdue (grace_days past due), escalated\n"
	"(escalate_after_days past due).\n\n"
	"On a terminal the table fits its width (long names are cut with\n"
	"\"...\") and the state is coloured (not with NO_COLOR set); into a\n"
	"pipe or file it is printed whole.\n\n"
	"  --wide           every column, nothing cut, on a terminal too\n"
	"  --due            only partners that are due, overdue or escalated\n"
	"  --overdue        only overdue and escalated partners\n"
	"  --owner EMAIL    only partners this person owns\n"
	"  --tier T         only partners of this tier\n"
	"  --state STATE    only partners in this state (ok, due, overdue,\n"
	"                   escalated, unscheduled)\n"
	"  --json           a JSON array instead of the table\n"
	"  --now DATETIME   as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

struct status_state {
	struct book		*book;
	enum partner_state	 min_state;
	int			 state;		/* --state; -1: any */
	const char		*tier;		/* --tier */
	bool			 json;
	bool			 compact;	/* fitted to the terminal */
	struct table		 table;		/* the text's rows */
	size_t			 nrows;		/* those shown */
	int			 shown_mail;
	size_t			 width;		/* of the terminal; 0: none */
	bool			 stopped;	/* a write failed */
	enum cmd_status		 written;	/* how: CMD_OK for a closed pipe */
	char			*err;
};

static bool
shown(const struct status_state *ss, const struct health_row *r)
{
	enum partner_state st = r->state;

	if (ss->state >= 0 && (int)st != ss->state)
		return false;
	if (ss->tier != NULL && (r->p.tier == NULL || strcasecmp(ss->tier,
	    r->p.tier) != 0))
		return false;
	return st == STATE_UNSCHEDULED ? ss->min_state == STATE_OK :
	    st >= ss->min_state;
}

/* "2027-01-04 (in 32 days)", or compact "2027-01-04 (in 32d)". */
static char *
when_text(const struct health_row *r, bool compact)
{
	char *phrase, *text;

	if (r->p.next_due == NULL)
		return xstrdup("-");
	if (compact)
		phrase = r->late == 0 ? xstrdup("today") : xasprintf("%s%ldd%s",
		    r->late < 0 ? "in " : "", r->late < 0 ? -r->late : r->late,
		    r->late > 0 ? " late" : "");
	else
		phrase = date_days_phrase(r->late, " late");
	text = xasprintf("%s (%s)", r->p.next_due, phrase);
	free(phrase);
	return text;
}

/* The state's colour on a terminal: green, yellow, red, bold red. */
static const char *
state_color(const char *cell)
{
	static const struct {
		const char	*state;
		const char	*sgr;
	} colors[] = {
		{ "ok", "\033[32m" }, { "due", "\033[33m" },
		{ "overdue", "\033[31m" }, { "escalated", "\033[1;31m" },
	};

	for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
		if (strcmp(cell, colors[i].state) == 0)
			return colors[i].sgr;
	return NULL;
}

/*
 * The table: on a terminal (width > 0) without --wide, compact (no
 * cadence column, short phrases) and fitted to the width, names, owners
 * and notes cut first; else every column whole.
 */
static void
table_start(struct status_state *ss, size_t width, bool color)
{
	static const char *const header[] = { "STATE", "KEY", "NAME", "OWNER",
	    "CADENCE", "LAST CHECK-IN", "NEXT DUE", "MAIL", "NOTE" };
	static const char *const compact_header[] = { "STATE", "KEY", "NAME",
	    "OWNER", "LAST", "NEXT DUE", "MAIL", "NOTE" };
	/* How narrow the compact columns may go; 0: kept whole. */
	static const size_t compact_min[] = { 0, 6, 6, 6, 0, 0, 0, 4 };

	ss->compact = width > 0;
	table_init(&ss->table, ss->compact ? 8 : 9, ss->compact ?
	    compact_header : header);
	if (ss->compact) {
		ss->table.width = width;
		ss->table.min_width = compact_min;
	}
	if (color)
		ss->table.color = state_color;
}

static void
table_row(struct status_state *ss, const struct health_row *r)
{
	bool compact = ss->compact;
	char *when = when_text(r, compact), *mail = r->undelivered ?
	    xasprintf(compact ? "%ld unsent" : "%ld undelivered",
	    r->undelivered) : xstrdup("ok");
	/* What came back: a snooze, the invitees' answers. */
	char *note = xasprintf("%s%s%s%s%s", r->snoozed ?
	    "snoozed until " : "", r->snoozed ? r->p.snooze_until : "",
	    r->snoozed && r->answers ? "; " : "",
	    r->answers ? r->answers : "",
	    !r->snoozed && !r->answers ? "-" : "");
	const char *owner = r->p.owner_name ? r->p.owner_name :
	    r->p.owner_email;
	const char *last = r->p.last_checkin ? r->p.last_checkin : "never";
	const char *row[] = { state_name(r->state), r->p.key, r->p.name,
	    owner, r->cadence, last, when, mail, note };
	const char *compact_row[] = { state_name(r->state), r->p.key,
	    r->p.name, owner, last, when, mail, note };

	table_add(&ss->table, compact ? compact_row : row);
	free(when);
	free(mail);
	free(note);
}

/* Text to standard output, flushed at the end; a failed write ends the
 * listing (cmd_write says why, or nothing for a closed pipe). */
static int
status_write(struct status_state *ss, const struct buf *out)
{
	if (ss->stopped)
		return -1;
	if (fwrite(buf_str(out), 1, out->len, stdout) == out->len)
		return 0;
	ss->written = cmd_write("", 0);
	ss->stopped = true;
	return -1;
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
		{ "days_until_due", r->p.next_due ? JSON_INT : JSON_NULL, NULL,
		    r->late < 0 ? -r->late : 0 },
		{ "undelivered", JSON_INT, NULL, r->undelivered },
	};
	struct buf out;
	int rc;

	buf_init(&out);
	buf_adds(&out, ss->nrows > 1 ? ",\n  " : "\n  ");
	rc = exchange_partner_json(ss->book, &r->p, false, 0, state,
	    sizeof state / sizeof state[0], &out, &ss->err);
	if (rc == 0)
		rc = status_write(ss, &out);
	buf_reset(&out);
	return rc;
}

static int
status_row(const struct health_row *r, void *arg)
{
	struct status_state *ss = arg;

	if (!shown(ss, r))
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
	char next[DATE_TIMESTAMP_STRLEN] = "";
	bool waits = r->state == OUTBOX_DEFERRED && r->next_attempt != 0;
	char *note = NULL, *why, *line, *shown;

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
	line = xasprintf("  %-8s %-10s %s to %s (due %s)%s%s%s%s",
	    outbox_state_name(r->state), outbox_kind_name(r->kind),
	    r->partner_key, r->recipient, r->occurrence,
	    waits ? ", next try " : "", next, *why ? ": " : "", why);
	shown = ss->width > 0 ? text_fit(line, ss->width) : xstrdup(line);
	printf("%s\n", shown);
	free(shown);
	free(line);
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
		{ "wide", no_argument, NULL, 'w' },
		{ "owner", required_argument, NULL, 'O' },
		{ "tier", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 's' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct status_state ss;
	const char *now_arg = NULL, *owner = NULL;
	time_t now;
	bool json = false, wide = false;
	struct book book;
	struct buf out;
	enum cmd_status st;
	int ch;

	memset(&ss, 0, sizeof ss);
	ss.min_state = STATE_OK;
	ss.state = -1;
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
		case 'w':
			wide = true;
			break;
		case 'O':
			owner = optarg;
			break;
		case 't':
			ss.tier = optarg;
			break;
		case 's':
			ss.state = cmd_parse_state(&status_usage, optarg);
			if (ss.state < 0)
				return CMD_USAGE;
			if (ss.state == CMD_STATE_ARCHIVED)
				return cmd_usage_error(&status_usage, "--state: "
				    "status shows active partners; \"partner "
				    "list --state archived\" lists the others");
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
	buf_init(&out);
	if (json) {
		cmd_json_open(&out, ctx->cfg.timezone, now, "partners");
		(void)status_write(&ss, &out);
	} else {
		ss.width = wide ? 0 : cmd_term_width();
		table_start(&ss, ss.width, cmd_color());
	}
	/* The rows come most urgent first, one at a time. */
	if (!ss.stopped && health_foreach(&book, now, owner, status_row,
	    &ss, &ss.err) != 0 && !ss.stopped) {
		st = cmd_book_status(&book, BOOK_ERROR, ss.err);
		goto done;
	}
	if (ss.stopped) {
		st = ss.written;
		goto done;
	}
	if (json) {
		buf_reset(&out);
		cmd_json_close(&out, ss.nrows == 0);
		st = cmd_write(buf_str(&out), out.len);
	} else if (ss.nrows == 0) {
		char *as_of = cmd_as_of(ctx->cfg.timezone, now);

		log_info("%s %s", owner || ss.tier || ss.state >= 0 ?
		    "no partner matches" : ss.min_state == STATE_OK ?
		    "no active partners" : "nothing is due", as_of);
		free(as_of);
	} else {
		char *as_of = cmd_as_of(ctx->cfg.timezone, now);

		printf("%s\n", as_of);
		free(as_of);
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
	buf_reset(&out);
	cmd_close_book(&book);
	return st;
}
