/* cmd_outbox.c: touchbase outbox, retry and discard (mailq for touchbase). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "outbox.h"
#include "tz.h"

static const struct cmd_usage outbox_usage = {
	"outbox [KEY] [--state STATE] [--since DATE] [--json]",
	"What was planned, sent, deferred, failed or skipped, oldest first:\n"
	"each message's id, state, kind, partner, recipient, attempts, last\n"
	"time and the server's reply or the error.  Ids are what retry and\n"
	"discard take.\n\n"
	"  KEY              only this partner's messages (\"all\" or \"owner\"\n"
	"                   for digests)\n"
	"  --state STATE    pending, sending, sent, deferred, failed or "
	"skipped\n"
	"  --since DATE     planned on or after DATE (YYYY-MM-DD, in\n"
	"                   schedule.timezone)\n"
	"  --json           a JSON array with every field, Message-IDs too\n",
};

static const struct cmd_usage retry_usage = {
	"retry ID... | KEY | --failed",
	"Send failed or deferred messages again: each goes back to pending\n"
	"and the next run sends it with its original Message-ID and invite\n"
	"UID, so mail and calendar clients recognize it.  A sent message\n"
	"whose Cc was refused: that Cc alone goes back to pending.\n\n"
	"  ID...            these messages (ids from touchbase outbox)\n"
	"  KEY              every failed or deferred message of this partner,\n"
	"                   and every failed or deferred Cc\n"
	"  --failed         every failed message and failed Cc\n",
};

static const struct cmd_usage discard_usage = {
	"discard ID...",
	"Settle messages not yet sent (pending, deferred or failed) without\n"
	"sending them: they become skipped and are never sent.  A sent\n"
	"message whose Cc waits for a retry or failed: that Cc is settled.\n",
};

/* Messages gathered from the outbox, to list or to change. */
struct msgs {
	struct outbox_msg	*v;
	size_t			 n;
};

static int
keep_msg(const struct outbox_msg *m, void *arg)
{
	struct msgs *l = arg;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	outbox_msg_copy(&l->v[l->n++], m);
	return 0;
}

static void
msgs_reset(struct msgs *l)
{
	for (size_t i = 0; i < l->n; i++)
		outbox_msg_reset(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The last thing that happened to m, and when. */
static void
last_event(const struct outbox_msg *m, char *when, const char **what)
{
	time_t t = m->sent_at ? m->sent_at : m->state == OUTBOX_DEFERRED ?
	    m->next_attempt : m->queued_at;

	/* Why it did not go, else what the server said. */
	*what = m->state != OUTBOX_SENT && m->last_error ? m->last_error :
	    m->reply ? m->reply : m->last_error ? m->last_error : "";
	if (t == 0)
		strcpy(when, "-");
	else
		date_timestamp(t, when);
}

static enum cmd_status
print_table(struct book *book, const struct msgs *l)
{
	static const char *const header[] = { "ID", "STATE", "KIND",
	    "PARTNER", "TO", "DUE", "TRIES", "WHEN", "REPLY OR ERROR" };
	char id[24], tries[16], when[DATE_TIMESTAMP_STRLEN];
	struct table t;
	const char *what;
	char *err = NULL;

	table_init(&t, sizeof header / sizeof header[0], header);
	for (size_t i = 0; i < l->n; i++) {
		const struct outbox_msg *m = &l->v[i];
		char *shown, *note = NULL, *sent_note = NULL;

		snprintf(id, sizeof id, "%ld", m->id);
		snprintf(tries, sizeof tries, "%d", m->attempts);
		last_event(m, when, &what);
		/* A sent message: what became of its Cc, when it did not
		 * simply get it. */
		if (m->state == OUTBOX_SENT) {
			if (outbox_rcpt_note(book->store, m, &note,
			    &err) != 0) {
				table_reset(&t);
				return cmd_book_status(book, BOOK_ERROR, err);
			}
			if (note != NULL)
				what = sent_note = xasprintf("sent; %s", note);
		}
		shown = log_escape(what);
		free(note);
		free(sent_note);
		{
			const char *row[] = { id, outbox_state_name(m->state),
			    outbox_kind_name(m->kind), m->partner_key,
			    m->recipient, m->occurrence, tries, when, shown };

			table_add(&t, row);
		}
		free(shown);
	}
	table_print(&t, stdout);
	table_reset(&t);
	return CMD_OK;
}

static enum cmd_status
print_json(struct book *book, const struct msgs *l)
{
	enum cmd_status st;
	struct buf out;
	char *err = NULL;

	buf_init(&out);
	cmd_json_open(&out, NULL, 0, "messages");
	for (size_t i = 0; i < l->n; i++) {
		buf_adds(&out, i ? ",\n  " : "\n  ");
		if (outbox_json(book->store, &l->v[i], &out, &err) != 0) {
			buf_reset(&out);
			return cmd_book_status(book, BOOK_ERROR, err);
		}
	}
	cmd_json_close(&out, l->n == 0);
	st = cmd_write(buf_str(&out), out.len);
	buf_reset(&out);
	return st;
}

/* --since DATE: midnight of DATE in schedule.timezone. */
static enum cmd_status
parse_since(const struct cmd_ctx *ctx, const char *arg, time_t *since)
{
	struct tb_date d;
	char *err = NULL;

	if (date_parse(arg, &d, &err) != 0 ||
	    tz_local_to_utc(d, 0, 0, ctx->cfg.timezone, since, NULL,
	    &err) != 0) {
		cmd_error("--since: %s", err);
		free(err);
		return CMD_USAGE;
	}
	return CMD_OK;
}

enum cmd_status
cmd_outbox(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct outbox_filter f = { .any_state = true };
	struct msgs l = { NULL, 0 };
	struct book book;
	enum cmd_status st;
	bool json = false;
	char *err = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (outbox_state_parse(optarg, &f.state, &err) != 0) {
				st = cmd_usage_error(&outbox_usage, "--state: %s",
				    err);
				free(err);
				return st;
			}
			f.any_state = false;
			break;
		case 'S':
			if ((st = parse_since(ctx, optarg, &f.since)) != CMD_OK)
				return st;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cmd_print_usage(&outbox_usage, true);
		default:
			return cmd_print_usage(&outbox_usage, false);
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error(&outbox_usage, "outbox takes one KEY at "
		    "most");
	f.partner_key = argc > optind ? argv[optind] : NULL;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (outbox_foreach(book.store, &f, keep_msg, &l, &err) != 0)
		st = cmd_book_status(&book, BOOK_ERROR, err);
	else if (json)
		st = print_json(&book, &l);
	else if (l.n == 0)
		log_info("the outbox has no such message");
	else
		st = print_table(&book, &l);
	msgs_reset(&l);
	cmd_close_book(&book);
	return st;
}

/* An id as typed: a positive whole number. */
static bool
parse_id(const char *s, long *id)
{
	char *end;

	if (*s < '1' || *s > '9')
		return false;
	*id = strtol(s, &end, 10);
	return *end == '\0' && *id > 0;
}

typedef int (*change_fn)(struct store *s, struct outbox_msg *m, time_t now,
    char **err);

/* Apply change to each of l, saying what it did; the first refusal
 * makes the status CMD_DATAERR, and the others are still tried. */
static enum cmd_status
change_each(struct cmd_ctx *ctx, struct book *book, struct msgs *l,
    change_fn change, const char *verb)
{
	enum cmd_status st = CMD_OK;
	enum outbox_state was;
	char *err = NULL;

	for (size_t i = 0; i < l->n; i++) {
		struct outbox_msg *m = &l->v[i];
		char *note = NULL, *shown;

		was = m->state;
		if (change(book->store, m, ctx->now, &err) != 0) {
			cmd_error("%s", err);
			free(err);
			err = NULL;
			st = CMD_DATAERR;
			continue;
		}
		/* A sent message: the change was its Cc's. */
		if (was == OUTBOX_SENT && outbox_rcpt_note(book->store, m,
		    &note, &err) != 0)
			return cmd_book_status(book, BOOK_ERROR, err);
		shown = note ? log_escape(note) : NULL;
		if (shown != NULL)
			printf("%s %ld: %s %s to %s (sent; %s)\n", verb, m->id,
			    outbox_kind_name(m->kind), m->partner_key,
			    m->recipient, shown);
		else
			printf("%s %ld: %s %s to %s (%s, now %s)\n", verb, m->id,
			    outbox_kind_name(m->kind), m->partner_key,
			    m->recipient, outbox_state_name(was),
			    outbox_state_name(m->state));
		free(note);
		free(shown);
	}
	return st;
}

/* The messages named by ids, or st != CMD_OK. */
static enum cmd_status
load_ids(struct book *book, char **ids, int n, struct msgs *l)
{
	struct outbox_msg m;
	char *err = NULL;
	long id;
	int rc;

	for (int i = 0; i < n; i++) {
		if (!parse_id(ids[i], &id)) {
			cmd_error("\"%s\" is not a message id (see touchbase "
			    "outbox)", ids[i]);
			return CMD_USAGE;
		}
		if ((rc = outbox_get(book->store, id, &m, &err)) ==
		    STORE_NOT_FOUND) {
			cmd_error("no message %ld in the outbox", id);
			return CMD_DATAERR;
		}
		if (rc != 0)
			return cmd_book_status(book, BOOK_ERROR, err);
		keep_msg(&m, l);
		outbox_msg_reset(&m);
	}
	return CMD_OK;
}

static int
keep_retryable(const struct outbox_msg *m, void *arg)
{
	return m->state == OUTBOX_FAILED || m->state == OUTBOX_DEFERRED ?
	    keep_msg(m, arg) : 0;
}


enum cmd_status
cmd_retry(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct outbox_filter f = { .any_state = true };
	struct msgs l = { NULL, 0 };
	struct book book;
	enum cmd_status st;
	bool failed = false;
	char *err = NULL;
	long id;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			failed = true;
			break;
		case 'h':
			return cmd_print_usage(&retry_usage, true);
		default:
			return cmd_print_usage(&retry_usage, false);
		}
	}
	if (failed == (argc > optind))
		return cmd_usage_error(&retry_usage, "retry needs message ids, "
		    "one KEY or --failed");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (failed) {
		f.any_state = false;
		f.state = OUTBOX_FAILED;
	} else if (argc - optind == 1 && !parse_id(argv[optind], &id))
		f.partner_key = argv[optind];
	if (failed || f.partner_key != NULL) {
		/* Then the sent messages with a Cc refused: their Cc. */
		struct outbox_filter cc = { .partner_key = f.partner_key,
		    .any_state = true, .cc_failed = true,
		    .cc_deferred = !failed };

		if (outbox_foreach(book.store, &f, keep_retryable, &l,
		    &err) != 0 ||
		    outbox_foreach(book.store, &cc, keep_msg, &l, &err) != 0)
			st = cmd_book_status(&book, BOOK_ERROR, err);
		else if (l.n == 0)
			log_info("nothing to retry");
	} else
		st = load_ids(&book, argv + optind, argc - optind, &l);
	if (st == CMD_OK)
		st = change_each(ctx, &book, &l, outbox_retry, "retried");
	msgs_reset(&l);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_discard(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msgs l = { NULL, 0 };
	struct book book;
	enum cmd_status st;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		return cmd_print_usage(&discard_usage, ch == 'h');
	if (argc == optind)
		return cmd_usage_error(&discard_usage, "discard needs message "
		    "ids");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	st = load_ids(&book, argv + optind, argc - optind, &l);
	if (st == CMD_OK)
		st = change_each(ctx, &book, &l, outbox_discard, "discarded");
	msgs_reset(&l);
	cmd_close_book(&book);
	return st;
}
