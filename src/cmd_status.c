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
	struct health		 health;
	enum partner_state	 min_state;
	int			 state;		/* --state; -1: any */
	const char		*tier;		/* --tier */
	struct health_row	**rows;		/* those shown */
	size_t			 nrows;
	int			 shown_mail;
	size_t			 width;		/* of the terminal; 0: none */
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
print_table(const struct status_state *ss, size_t width, bool color)
{
	static const char *const header[] = { "STATE", "KEY", "NAME", "OWNER",
	    "CADENCE", "LAST CHECK-IN", "NEXT DUE", "MAIL", "NOTE" };
	static const char *const compact_header[] = { "STATE", "KEY", "NAME",
	    "OWNER", "LAST", "NEXT DUE", "MAIL", "NOTE" };
	/* How narrow the compact columns may go; 0: kept whole. */
	static const size_t compact_min[] = { 0, 6, 6, 6, 0, 0, 0, 4 };
	bool compact = width > 0;
	struct table t;

	table_init(&t, compact ? 8 : 9, compact ? compact_header : header);
	if (compact) {
		t.width = width;
		t.min_width = compact_min;
	}
	if (color)
		t.color = state_color;
	for (size_t i = 0; i < ss->nrows; i++) {
		const struct health_row *r = ss->rows[i];
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
		const char *last = r->p.last_checkin ? r->p.last_checkin :
		    "never";
		const char *row[] = { state_name(r->state), r->p.key, r->p.name,
		    owner, r->cadence, last, when, mail, note };
		const char *compact_row[] = { state_name(r->state), r->p.key,
		    r->p.name, owner, last, when, mail, note };

		table_add(&t, compact ? compact_row : row);
		free(when);
		free(mail);
		free(note);
	}
	table_print(&t, stdout);
	table_reset(&t);
}

static int
print_json(struct status_state *ss, const char *tz, time_t now,
    struct buf *out)
{
	cmd_json_open(out, tz, now, "partners");
	for (size_t i = 0; i < ss->nrows; i++) {
		const struct health_row *r = ss->rows[i];
		/* The partner as partner list --json shows it, and where
		 * it stands. */
		struct json_field state[] = {
			{ "state", JSON_TEXT, state_name(r->state), 0 },
			{ "days_overdue", JSON_INT, NULL,
			    r->late > 0 ? r->late : 0 },
			{ "days_until_due", r->p.next_due ? JSON_INT :
			    JSON_NULL, NULL, r->late < 0 ? -r->late : 0 },
			{ "undelivered", JSON_INT, NULL, r->undelivered },
		};

		buf_adds(out, i ? ",\n  " : "\n  ");
		if (exchange_partner_json(ss->book, &r->p, false, 0, state,
		    sizeof state / sizeof state[0], out, &ss->err) != 0)
			return -1;
	}
	cmd_json_close(out, ss->nrows == 0);
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
	buf_init(&out);
	if (health_load(&book, now, owner, &ss.health, &ss.err) != 0) {
		st = cmd_book_status(&book, BOOK_ERROR, ss.err);
		goto done;
	}
	ss.rows = xcalloc(ss.health.nrows + 1, sizeof *ss.rows);
	for (size_t i = 0; i < ss.health.nrows; i++)
		if (shown(&ss, &ss.health.rows[i]))
			ss.rows[ss.nrows++] = &ss.health.rows[i];
	if (json) {
		if (print_json(&ss, ctx->cfg.timezone, now, &out) != 0)
			st = cmd_book_status(&book, BOOK_ERROR, ss.err);
		else
			st = cmd_write(buf_str(&out), out.len);
	} else if (ss.nrows == 0) {
		char *as_of = cmd_as_of(ctx->cfg.timezone, now);

		log_info("%s %s", owner || ss.tier || ss.state >= 0 ?
		    "no partner matches" : ss.min_state == STATE_OK ?
		    "no active partners" : "nothing is due", as_of);
		free(as_of);
	} else {
		char *as_of = cmd_as_of(ctx->cfg.timezone, now);

		ss.width = wide ? 0 : cmd_term_width();
		printf("%s\n", as_of);
		free(as_of);
		print_table(&ss, ss.width, cmd_color());
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
