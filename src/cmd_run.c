/* cmd_run.c: touchbase run and preview. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compose.h"
#include "deliver.h"
#include "log.h"
#include "plan.h"
#include "run.h"

static const struct cmd_usage run_usage = {
	"run [--dry-run] [--now DATETIME]",
	"The cron entry point: plan what is due (reminders with calendar\n"
	"invites, overdue notices, escalations) into the outbox, then deliver\n"
	"the outbox through delivery.transport.  Nothing is sent twice: a\n"
	"second run on the same day sends nothing new.\n\n"
	"  --dry-run        show what would be sent; change nothing\n"
	"  --now DATETIME   run as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

static const struct cmd_usage preview_usage = {
	"preview KEY [--kind KIND] [--now DATETIME]",
	"Print the exact message (RFC 5322, with its calendar invite) that run\n"
	"would send about partner KEY's next check-in.\n\n"
	"  --kind KIND      reminder, invitation, overdue or escalation\n"
	"                   (default: what is due at --now, else reminder)\n"
	"  --now DATETIME   as if it were then\n",
};

struct run_report {
	struct cmd_ctx	*ctx;
	bool		 dry_run;
};

static void
report_event(const struct deliver_event *ev, void *arg)
{
	struct run_report *rr = arg;
	char *subject = log_escape(ev->subject ? ev->subject : "");
	char *detail = log_escape(ev->detail ? ev->detail : "");
	const char *kind = outbox_kind_name(ev->row->kind);

	if (rr->dry_run)
		printf("%-11s %-10s %-24s to %s: %s%s%s\n",
		    deliver_event_name(ev), kind, ev->row->partner_key,
		    ev->row->recipient, subject, *detail ? " -- " : "", detail);
	else if (ev->outcome == OUTBOX_SKIPPED && rr->ctx->tty)
		log_info("skipped kind=%s partner=%s occurrence=%s to=%s: %s",
		    kind, ev->row->partner_key, ev->row->occurrence,
		    ev->row->recipient, detail);
	else if (ev->outcome == OUTBOX_SENT) {
		/* The mail log's line: on syslog always, on a terminal with
		 * -v.  The reply is the server's, so untrusted. */
		char *to = log_escape(ev->row->recipient);
		char *reply = log_escape_quoted(ev->detail ? ev->detail : "");

		log_record("sent kind=%s partner=%s occurrence=%s to=%s "
		    "message-id=<%s> reply=\"%s\"", kind, ev->row->partner_key,
		    ev->row->occurrence, to, ev->row->message_id, reply);
		free(to);
		free(reply);
	} else if (ev->outcome == OUTBOX_SKIPPED || ev->untried)
		/* A skip is the outbox working as meant (a check-in came
		 * first, a later message replaced it): silent under cron. */
		log_debug("%s kind=%s partner=%s occurrence=%s to=%s "
		    "message-id=<%s> reply=\"%s\"", deliver_event_name(ev), kind,
		    ev->row->partner_key, ev->row->occurrence,
		    ev->row->recipient, ev->row->message_id, detail);
	else
		log_warnx("%s kind=%s partner=%s occurrence=%s to=%s: %s",
		    deliver_event_name(ev), kind, ev->row->partner_key,
		    ev->row->occurrence, ev->row->recipient, detail);
	free(subject);
	free(detail);
}

/* What run read from the inbox: on a dry run printed as inbox does;
 * else an info line on a terminal (or -v), a warning for what is left. */
static void
inbox_event(const char *id, const struct inbox_report *res, void *arg)
{
	struct run_report *rr = arg;
	char *sender = log_escape(res->sender ? res->sender : "-");
	char *outcome = log_escape(res->outcome ? res->outcome : "");

	if (rr->dry_run)
		printf("%-11s %-16s %s: %s\n", "inbox", res->kind, sender,
		    outcome);
	else if (res->status == INBOX_UNREADABLE)
		log_warnx("inbox: %s left in the inbox: %s", id, outcome);
	else if (rr->ctx->tty || rr->ctx->verbose)
		log_info("inbox: %s from %s: %s", res->kind, sender, outcome);
	free(sender);
	free(outcome);
}

static void
inbox_down(const char *why, void *arg)
{
	char *shown = log_escape(why);

	(void)arg;
	log_warnx("inbox: %s; the run goes on", shown);
	free(shown);
}

/* A permanent failure wins over a server that is down, which wins over
 * a deferral. */
static enum cmd_status
run_status(const struct run_result *r)
{
	switch (run_outcome(r)) {
	case RUN_SOME_FAILED:
		return CMD_DATAERR;
	case RUN_SERVER_DOWN:
		return CMD_UNAVAILABLE;
	case RUN_SOME_DEFERRED:
		return CMD_TEMPFAIL;
	default:
		return CMD_OK;
	}
}

enum cmd_status
cmd_plan_deliver(struct cmd_ctx *ctx, time_t now, bool dry_run,
    bool with_inbox, run_plan_fn plan, void *arg, const char *what)
{
	static const enum cmd_status by_error[] = {
		[RUN_LOCKED] = CMD_TEMPFAIL,
		[RUN_NO_LOCK] = CMD_CANTCREAT,
		/* What delivery needs is the configuration's to give. */
		[RUN_TRANSPORT] = CMD_CONFIG,
		[RUN_CONFIG] = CMD_CONFIG,
	};
	struct run_report rr = { ctx, dry_run };
	const struct run_inbox hooks = { inbox_event, &rr, inbox_down };
	const struct deliver_stats *ds;
	struct run_result result;
	struct composer composer;
	struct book book;
	enum run_error re;
	enum cmd_status st;
	char *err = NULL, *as_of;

	if ((st = cmd_open_composer(ctx, &book, &composer)) != CMD_OK)
		return st;
	re = run_pipeline(&composer, ctx->db_path, now, dry_run,
	    with_inbox ? &hooks : NULL, plan, arg, report_event, &rr, &result,
	    &err);
	/* A database failure says why in its exit code (locked: 75). */
	if (re == RUN_DATABASE)
		st = cmd_book_status(&book, BOOK_ERROR, err);
	else if (re != RUN_OK) {
		cmd_error_lines(err);
		st = by_error[re];
	}
	if (re != RUN_DATABASE)
		free(err);
	cmd_close_composer(&book, &composer);
	if (re != RUN_OK)
		return st;
	/* Each partner's day is in its own zone; the office's says when. */
	as_of = cmd_as_of(ctx->cfg.timezone, now);
	if (dry_run) {
		if (ctx->tty || ctx->verbose)
			log_info("%s --dry-run: would send %ld, %s", what,
			    result.planned, as_of);
		free(as_of);
		return CMD_OK;
	}
	st = run_status(&result);
	ds = &result.delivered;
	/* Silent under cron unless something needs the admin's eye. */
	if (st != CMD_OK)
		log_warnx("%s: planned %ld, sent %ld, deferred %ld, failed "
		    "%ld, skipped %ld, %s", what, result.planned, ds->sent,
		    ds->deferred, ds->failed, ds->skipped, as_of);
	else if (ctx->tty || ctx->verbose)
		log_info("%s: planned %ld, sent %ld, deferred %ld, failed %ld, "
		    "skipped %ld, %s%s%s", what, result.planned, ds->sent,
		    ds->deferred, ds->failed, ds->skipped, as_of,
		    ctx->cfg.transport == TRANSPORT_MAILDIR && ds->sent ?
		    "; messages are in the Maildir " : "",
		    ctx->cfg.transport == TRANSPORT_MAILDIR && ds->sent ?
		    ctx->cfg.maildir : "");
	free(as_of);
	return st;
}

enum cmd_status
cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *now_arg = NULL;
	bool dry_run = false;
	enum cmd_status st;
	time_t now;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&run_usage, true);
		default:
			return cmd_print_usage(&run_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&run_usage, "run takes no arguments");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	return cmd_plan_deliver(ctx, now, dry_run, true, run_plan_due, NULL,
	    "run");
}

enum cmd_status
cmd_preview(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kind_arg = NULL, *now_arg = NULL;
	enum outbox_kind kind;
	struct composer composer;
	struct outbox_msg row;
	struct composed msg;
	struct partner p;
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	time_t now;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			kind_arg = optarg;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&preview_usage, true);
		default:
			return cmd_print_usage(&preview_usage, false);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&preview_usage, "preview needs one KEY");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if (kind_arg != NULL && outbox_kind_parse(kind_arg, &kind, &err) != 0) {
		st = cmd_usage_error(&preview_usage, "--kind: %s", err);
		free(err);
		return st;
	}
	if ((st = cmd_open_composer(ctx, &book, &composer)) != CMD_OK)
		return st;
	composed_init(&msg);
	if ((rc = book_partner_get(&book, argv[optind], &p, &err)) != 0) {
		st = cmd_key_status(&book, argv[optind], rc, err);
		goto done;
	}
	if (kind_arg == NULL)
		kind = plan_kind_now(&book, &p, now);
	{
		/* The partner's dates are in its own zone. */
		char *as_of = cmd_as_of(book_partner_tz(&book, &p), now);

		log_info("%s for %s, %s", outbox_kind_name(kind), p.key, as_of);
		free(as_of);
	}
	if (plan_preview_row(&book, &p, kind, now, &row, &err) != 0)
		st = cmd_book_status(&book, BOOK_INVALID, err);
	else {
		rc = compose_row(&composer, &row, now, &msg, &err);
		if (rc != 0)
			st = cmd_book_status(&book, rc == COMPOSE_STALE ?
			    BOOK_INVALID : BOOK_ERROR, err);
		else
			st = cmd_write(msg.text.data, msg.text.len);
		outbox_msg_reset(&row);
	}
	partner_reset(&p);
done:
	composed_reset(&msg);
	cmd_close_composer(&book, &composer);
	return st;
}
