/* deliver.c: outbox rows through a transport, one committed step at a time. */
#include "deliver.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "outbox.h"

#define BACKOFF_FIRST	(5 * 60)	/* seconds before the first retry */
#define BACKOFF_MAX	(6 * 60 * 60)
#define DELIVER_BATCH	64		/* rows marked sending, and settled,
					 * in one commit */
#define READY_CHUNK	(16 * DELIVER_BATCH) /* ready rows read at a time:
					 * a run's memory does not grow
					 * with what is due */

struct ready {
	struct outbox_msg	*rows;
	size_t			 n;
};

/* Rows are collected first so that no read is open while each step is
 * committed. */
static int
collect(const struct outbox_msg *m, void *arg)
{
	struct ready *ready = arg;

	ready->rows = xreallocarray(ready->rows, ready->n + 1,
	    sizeof *ready->rows);
	outbox_msg_copy(&ready->rows[ready->n++], m);
	return 0;
}

long
deliver_backoff(int attempts)
{
	long wait = BACKOFF_FIRST;
	unsigned short rnd = 0;

	for (int i = 1; i < attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	/* Up to a quarter more, so that many deferred rows spread out. */
	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = 0;
	return wait + (long)(rnd % (unsigned)(wait / 4 + 1));
}

/* A message or recipient queued at queued_at has been retried long
 * enough (retry_max_hours). */
static bool
gave_up(const struct composer *c, time_t queued_at, time_t now)
{
	return queued_at != 0 && now - queued_at >=
	    (time_t)c->book->cfg->retry_max_hours * 3600;
}

/*
 * A temporary failure: deferred until a later attempt, or failed once it
 * has been retried for retry_max_hours.  Returns 0 or -1 with *err.
 */
static int
defer_row(struct composer *c, struct outbox_msg *m, time_t now,
    const char *why, struct deliver_stats *stats, char **err)
{
	int max_hours = c->book->cfg->retry_max_hours;
	char *msg;
	int rc;

	if (gave_up(c, m->queued_at, now)) {
		msg = xasprintf("%s (gave up after %d hours)", why, max_hours);
		rc = outbox_move(c->book->store, m, OUTBOX_FAILED, msg, NULL,
		    now, err);
		free(msg);
		stats->failed++;
		return rc;
	}
	m->next_attempt = now + deliver_backoff(m->attempts);
	stats->deferred++;
	return outbox_move(c->book->store, m, OUTBOX_DEFERRED, why, NULL, now,
	    err);
}

const char *
deliver_event_name(const struct deliver_event *ev)
{
	if (!ev->dry_run)
		return outbox_state_name(ev->outcome);
	return ev->outcome == OUTBOX_SENT ? "would-send" :
	    ev->outcome == OUTBOX_SKIPPED ? "would-skip" : "would-fail";
}

/* Report a row's outcome to the caller's callback. */
static void
report(deliver_event_fn fn, void *arg, const struct outbox_msg *r,
    enum outbox_state outcome, bool dry_run, const char *detail,
    const char *subject, const struct composed *msg)
{
	struct deliver_event ev = { r, outcome, dry_run, detail, subject, msg,
	    false };

	if (fn != NULL)
		fn(&ev, arg);
}

/*
 * Compose a row.  Returns 1 when it is ready to send (marked sending and
 * committed), 0 when it was settled without sending (skipped, failed, or
 * reported on a dry run), -1 on a database error.
 */
static int
prepare_row(struct composer *c, bool dry_run, struct outbox_msg *r,
    struct composed *msg, time_t now, deliver_event_fn fn, void *arg,
    struct deliver_stats *stats, char **err)
{
	char *why = NULL;
	int rc;

	rc = compose_row(c, r, now, msg, &why);
	if (dry_run) {
		report(fn, arg, r, rc == 0 ? OUTBOX_SENT : rc == COMPOSE_STALE ?
		    OUTBOX_SKIPPED : OUTBOX_FAILED, true, why, msg->subject,
		    rc == 0 ? msg : NULL);
		free(why);
		return 0;
	}
	if (rc != 0) {
		/* A bad row fails alone and does not stop the others. */
		if (rc == COMPOSE_STALE)
			stats->skipped++;
		else
			stats->failed++;
		rc = outbox_move(c->book->store, r, rc == COMPOSE_STALE ?
		    OUTBOX_SKIPPED : OUTBOX_FAILED, why ? why : "", NULL, now,
		    err);
		if (rc == 0)
			report(fn, arg, r, r->state, false, why, NULL, NULL);
		free(why);
		return rc == 0 ? 0 : -1;
	}
	/* Committed before sending: a crash from here on resends this row
	 * with the same Message-ID. */
	return outbox_move(c->book->store, r, OUTBOX_SENDING, NULL, NULL, now,
	    err) == 0 ? 1 : -1;
}

/*
 * A message the server took for some of its recipients only.  The first
 * recipient is the To, the others Cc (compose.c's order).  A To refused
 * fails the message (5xx) or defers it (4xx; the retry goes to the Cc
 * again, with the same Message-ID).  A Cc refused leaves the message sent
 * to the others, with the refusal in its reply; record_rcpts keeps the
 * Cc's own state.  Returns the message's result; *note (allocated)
 * replaces the reply when not NULL.
 */
static enum transport_result
refused_rcpt(const struct transport_job *job, char **note)
{
	const struct transport_rcpt *to = &job->rcpt[0];
	struct buf b;

	buf_init(&b);
	for (size_t i = 1; i < job->msg.nrcpt; i++) {
		const struct transport_rcpt *cc = &job->rcpt[i];

		if (cc->code < 400)
			continue;
		buf_printf(&b, "; Cc %s refused: %s", job->msg.rcpt[i],
		    cc->reply);
	}
	if (to->code >= 400) {
		*note = xasprintf("To %s refused: %s%s", job->msg.rcpt[0],
		    to->reply, buf_str(&b));
		buf_reset(&b);
		return to->code < 500 ? TRANSPORT_DEFER : TRANSPORT_FAIL;
	}
	*note = b.len > 0 ? xasprintf("sent%s", buf_str(&b)) : NULL;
	buf_reset(&b);
	return TRANSPORT_SENT;
}

/*
 * A recipient's state after a temporary refusal: deferred until its next
 * attempt, or failed once retried for retry_max_hours (*why then says
 * so, allocated).
 */
static enum outbox_state
rcpt_deferred(struct composer *c, struct outbox_rcpt *rcpt, time_t now,
    const char *reply, char **why)
{
	*why = NULL;
	if (gave_up(c, rcpt->queued_at, now)) {
		*why = xasprintf("%s (gave up after %d hours)", reply ? reply :
		    "temporary failure", c->book->cfg->retry_max_hours);
		return OUTBOX_FAILED;
	}
	rcpt->next_attempt = now + deliver_backoff(rcpt->attempts);
	return OUTBOX_DEFERRED;
}

/*
 * Each envelope recipient's answer of a message with a Cc that went to
 * its To, recorded before the message is marked sent (a crash in between
 * sends the message again, and records again).  A Cc refused with 4xx
 * is deferred, to be sent alone by a later run; with 5xx it failed.
 * Counted in stats as the messages are.  Returns 0 or -1 with *err.
 */
static int
record_rcpts(struct composer *c, const struct outbox_msg *r,
    const struct transport_job *job, time_t now, struct deliver_stats *stats,
    char **err)
{
	for (size_t i = 0; i < job->msg.nrcpt; i++) {
		const struct transport_rcpt *tr = &job->rcpt[i];
		struct outbox_rcpt rcpt = { .outbox_id = r->id,
		    .address = (char *)job->msg.rcpt[i],
		    .role = i == 0 ? OUTBOX_ROLE_TO : OUTBOX_ROLE_CC,
		    .state = tr->code < 400 ? OUTBOX_SENT : tr->code < 500 ?
		    OUTBOX_DEFERRED : OUTBOX_FAILED,
		    .reply = tr->reply, .attempts = r->attempts,
		    .queued_at = r->queued_at };
		char *why = NULL;
		int rc;

		if (rcpt.state == OUTBOX_DEFERRED)
			rcpt.state = rcpt_deferred(c, &rcpt, now, tr->reply,
			    &why);
		if (why != NULL)
			rcpt.reply = why;
		if (i > 0 && rcpt.state == OUTBOX_DEFERRED)
			stats->deferred++;
		else if (i > 0 && rcpt.state == OUTBOX_FAILED)
			stats->failed++;
		rc = outbox_rcpt_record(c->book->store, r, &rcpt, now, err);
		free(why);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
settle_row(struct composer *c, struct outbox_msg *r,
    const struct transport_job *job, const char *subject, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	enum transport_result result = job->result;
	const char *reply = job->reply;
	char *note = NULL;
	int rc = 0;

	if (result == TRANSPORT_SENT && job->rcpt != NULL &&
	    job->msg.nrcpt > 0) {
		result = refused_rcpt(job, &note);
		if (note != NULL)
			reply = note;
	}
	switch (result) {
	case TRANSPORT_SENT:
		if (job->rcpt != NULL && job->msg.nrcpt > 1)
			rc = record_rcpts(c, r, job, now, stats, err);
		if (rc == 0)
			rc = outbox_move(c->book->store, r, OUTBOX_SENT, NULL,
			    reply, now, err);
		stats->sent++;
		break;
	case TRANSPORT_FAIL:
		rc = outbox_move(c->book->store, r, OUTBOX_FAILED,
		    reply ? reply : "rejected", reply, now, err);
		stats->failed++;
		break;
	case TRANSPORT_UNAVAILABLE:
		stats->unavailable = true;
		/* FALLTHROUGH */
	case TRANSPORT_DEFER:
		if (reply != NULL) {
			free(r->reply);
			r->reply = xstrdup(reply);
		}
		rc = defer_row(c, r, now, reply ? reply : "temporary failure",
		    stats, err);
		break;
	}
	if (rc == 0)
		report(fn, arg, r, r->state, false, reply, subject, NULL);
	free(note);
	return rc != 0 ? -1 : 0;
}

/* End the transaction deliver_batch opened (none on a dry run): rolled
 * back after a failure (rc < 0), else committed.  Returns rc, or -1 with
 * *err. */
static int
batch_commit(struct store *s, bool dry_run, int rc, char **err)
{
	if (dry_run)
		return rc;
	if (rc >= 0 && store_commit(s, err) == 0)
		return rc;
	store_rollback(s);
	return -1;
}

/* A row marked sending that never reached the transport (the server went
 * away first): back in the queue as it was, ready for the next run. */
static int
untried_row(struct composer *c, struct outbox_msg *r, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	const char *why = "not tried: the server is unavailable";
	struct deliver_event ev = { r, OUTBOX_DEFERRED, false, why, NULL, NULL,
	    true };

	r->attempts--;
	r->next_attempt = now;
	if (outbox_move(c->book->store, r, OUTBOX_DEFERRED, why, NULL, now,
	    err) != 0)
		return -1;
	stats->deferred++;
	if (fn != NULL)
		fn(&ev, arg);
	return 0;
}

/*
 * Compose rows[0..n) and mark them sending in one commit, synced to disk;
 * send them per_send at a time (the parallel sessions) until the server
 * is unavailable; settle them in a second commit, not synced.  A crash
 * before the first commit leaves the rows as they were; after it, every
 * row is "sending" and the next run sends it again with its Message-ID:
 * only a message the server took before the second commit reached the
 * disk can arrive twice.  A power failure can lose the second commit
 * (then the same), never the first.
 */
static int
deliver_batch(struct composer *c, struct transport *t, struct outbox_msg *rows,
    size_t n, size_t per_send, time_t now, deliver_event_fn fn, void *arg,
    struct deliver_stats *stats, char **err)
{
	struct store *store = c->book->store;
	struct composed *msgs = xcalloc(n, sizeof *msgs);
	struct transport_job *jobs = xcalloc(n, sizeof *jobs);
	size_t *which = xcalloc(n, sizeof *which), njobs = 0, tried = 0;
	bool dry_run = t == NULL;
	int rc = dry_run ? 0 : store_begin(store, err);

	for (size_t i = 0; rc >= 0 && i < n; i++) {
		composed_init(&msgs[i]);
		rc = prepare_row(c, dry_run, &rows[i], &msgs[i], now, fn, arg,
		    stats, err);
		if (rc == 1) {
			jobs[njobs].msg.from = msgs[i].envelope_from ?
			    msgs[i].envelope_from : c->org_email;
			jobs[njobs].msg.rcpt = (const char *const *)msgs[i].rcpt;
			jobs[njobs].msg.nrcpt = msgs[i].nrcpt;
			jobs[njobs].msg.data = msgs[i].text.data;
			jobs[njobs].msg.len = msgs[i].text.len;
			which[njobs++] = i;
		}
	}
	rc = batch_commit(store, dry_run, rc, err);
	while (rc >= 0 && tried < njobs) {
		size_t k = njobs - tried < per_send ? njobs - tried : per_send;
		bool down = false;

		transport_send_batch(t, &jobs[tried], k);
		for (size_t j = tried; j < tried + k; j++)
			down |= jobs[j].result == TRANSPORT_UNAVAILABLE;
		tried += k;
		if (down)
			break;
	}
	if (rc >= 0 && njobs > 0)
		rc = store_begin_unsynced(store, err);
	for (size_t j = 0; rc >= 0 && j < njobs; j++)
		rc = j < tried ? settle_row(c, &rows[which[j]], &jobs[j],
		    msgs[which[j]].subject, now, fn, arg, stats, err) :
		    untried_row(c, &rows[which[j]], now, fn, arg, stats, err);
	if (njobs > 0)
		rc = batch_commit(store, false, rc, err);
	for (size_t j = 0; j < njobs; j++)
		transport_job_reset(&jobs[j]);
	for (size_t i = 0; i < n; i++)
		composed_reset(&msgs[i]);
	free(msgs);
	free(jobs);
	free(which);
	return rc < 0 ? -1 : 0;
}

/* Recipients to send alone, with their messages. */
struct ready_rcpts {
	struct outbox_msg	*msgs;
	struct outbox_rcpt	*rcpts;
	size_t			 n;
};

static int
collect_rcpt(const struct outbox_msg *m, const struct outbox_rcpt *r,
    void *arg)
{
	struct ready_rcpts *ready = arg;

	ready->msgs = xreallocarray(ready->msgs, ready->n + 1,
	    sizeof *ready->msgs);
	ready->rcpts = xreallocarray(ready->rcpts, ready->n + 1,
	    sizeof *ready->rcpts);
	outbox_msg_copy(&ready->msgs[ready->n], m);
	outbox_rcpt_copy(&ready->rcpts[ready->n++], r);
	return 0;
}

/* Where recipient r stands after the transport's answer to a job sent to
 * it alone; *reply (not allocated) what to record. */
static enum outbox_state
rcpt_outcome(struct composer *c, struct outbox_rcpt *r,
    const struct transport_job *job, time_t now, struct deliver_stats *stats,
    const char **reply, char **why)
{
	enum transport_result result = job->result;
	enum outbox_state to;

	*reply = job->reply;
	*why = NULL;
	/* The recipient's own answer, when it was refused. */
	if (job->rcpt != NULL && job->rcpt[0].code >= 400) {
		*reply = job->rcpt[0].reply;
		if (result == TRANSPORT_SENT)
			result = job->rcpt[0].code < 500 ? TRANSPORT_DEFER :
			    TRANSPORT_FAIL;
	}
	switch (result) {
	case TRANSPORT_SENT:
		stats->sent++;
		return OUTBOX_SENT;
	case TRANSPORT_FAIL:
		stats->failed++;
		return OUTBOX_FAILED;
	case TRANSPORT_UNAVAILABLE:
		stats->unavailable = true;
		/* FALLTHROUGH */
	case TRANSPORT_DEFER:
		break;
	}
	to = rcpt_deferred(c, r, now, *reply, why);
	if (*why != NULL)
		*reply = *why;
	if (to == OUTBOX_FAILED)
		stats->failed++;
	else
		stats->deferred++;
	return to;
}

/*
 * Send m again to its recipient r alone (a Cc refused with 4xx, or
 * retried by hand): the same Message-ID and content, the envelope to r
 * only.  r is marked sending and committed first, as rows are.  Returns
 * 0 or -1 with *err.
 */
static int
deliver_rcpt(struct composer *c, struct transport *t, struct outbox_msg *m,
    struct outbox_rcpt *r, time_t now, deliver_event_fn fn, void *arg,
    struct deliver_stats *stats, char **err)
{
	struct transport_job job;
	struct composed msg;
	enum outbox_state to;
	const char *reply;
	char *why = NULL, *detail;
	int rc;

	composed_init(&msg);
	rc = compose_row(c, m, now, &msg, &why);
	if (rc == 0) {
		strv_free(msg.rcpt, msg.nrcpt);
		msg.rcpt = NULL;
		msg.nrcpt = 0;
		strv_add(&msg.rcpt, &msg.nrcpt, xstrdup(r->address));
	}
	if (t == NULL || rc != 0) {
		to = rc == 0 ? OUTBOX_SENT : rc == COMPOSE_STALE ?
		    OUTBOX_SKIPPED : OUTBOX_FAILED;
		detail = xasprintf("Cc %s alone%s%s", r->address, why ? ": " :
		    "", why ? why : "");
		rc = 0;
		if (t != NULL) {
			*(to == OUTBOX_SKIPPED ? &stats->skipped :
			    &stats->failed) += 1;
			rc = outbox_rcpt_move(c->book->store, r, to, why ? why :
			    "", now, err);
		}
		if (rc == 0)
			report(fn, arg, m, to, t == NULL, detail, msg.subject,
			    t == NULL && to == OUTBOX_SENT ? &msg : NULL);
		free(detail);
		free(why);
		composed_reset(&msg);
		return rc;
	}
	if (outbox_rcpt_move(c->book->store, r, OUTBOX_SENDING, NULL, now,
	    err) != 0) {
		composed_reset(&msg);
		return -1;
	}
	memset(&job, 0, sizeof job);
	job.msg.from = msg.envelope_from ? msg.envelope_from : c->org_email;
	job.msg.rcpt = (const char *const *)msg.rcpt;
	job.msg.nrcpt = msg.nrcpt;
	job.msg.data = msg.text.data;
	job.msg.len = msg.text.len;
	transport_send_batch(t, &job, 1);
	to = rcpt_outcome(c, r, &job, now, stats, &reply, &why);
	rc = outbox_rcpt_move(c->book->store, r, to, reply ? reply : "", now,
	    err);
	if (rc == 0) {
		detail = xasprintf("Cc %s alone: %s", r->address, reply ?
		    reply : "");
		report(fn, arg, m, to, false, detail, msg.subject, NULL);
		free(detail);
	}
	free(why);
	transport_job_reset(&job);
	composed_reset(&msg);
	return rc;
}

/* Send each recipient due to go alone, until the server is unavailable. */
static int
deliver_rcpts(struct composer *c, struct transport *t, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	struct ready_rcpts ready = { NULL, NULL, 0 };
	int rc;

	rc = outbox_rcpt_foreach_ready(c->book->store, now, collect_rcpt,
	    &ready, err);
	for (size_t i = 0; rc == 0 && i < ready.n && !stats->unavailable; i++)
		rc = deliver_rcpt(c, t, &ready.msgs[i], &ready.rcpts[i], now,
		    fn, arg, stats, err);
	for (size_t i = 0; i < ready.n; i++) {
		outbox_msg_reset(&ready.msgs[i]);
		outbox_rcpt_reset(&ready.rcpts[i]);
	}
	free(ready.msgs);
	free(ready.rcpts);
	return rc;
}

int
deliver_run(struct composer *c, struct transport *t, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	struct ready ready = { NULL, 0 };
	const struct config *cfg = c->book->cfg;
	size_t batch, per_send, i;
	long after = 0;
	bool first = true, more = true;
	int rc = 0;

	memset(stats, 0, sizeof *stats);
	/*
	 * Rows go as many at a time as there are parallel SMTP sessions, a
	 * whole batch at a time into a Maildir (which syncs new/ once for
	 * it), one at a time through sendmail.  They are marked sending and
	 * settled DELIVER_BATCH at a time, one commit each, so a crash can
	 * resend at most that many messages (with their Message-IDs).  The
	 * first batch is only one send of SMTP or sendmail large: a server
	 * down from the start leaves the rest untouched.
	 */
	per_send = cfg->transport == TRANSPORT_MAILDIR ? DELIVER_BATCH :
	    cfg->transport == TRANSPORT_SMTP && cfg->connections > 1 ?
	    (size_t)cfg->connections : 1;
	while (rc == 0 && more) {
		/* READY_CHUNK rows at a time, past the last one handled:
		 * what was settled meanwhile is not read again. */
		rc = outbox_foreach_ready(c->book->store, now, after,
		    READY_CHUNK, collect, &ready, err);
		more = ready.n == READY_CHUNK;
		if (ready.n > 0)
			after = ready.rows[ready.n - 1].id;
		for (i = 0; rc == 0 && i < ready.n && !stats->unavailable;
		    i += batch) {
			batch = first ? per_send : per_send > DELIVER_BATCH ?
			    per_send : DELIVER_BATCH;
			first = false;
			rc = deliver_batch(c, t, &ready.rows[i], ready.n - i <
			    batch ? ready.n - i : batch, per_send, now, fn, arg,
			    stats, err);
		}
		/* A server that cannot be reached is not tried once per
		 * message (each try could wait the whole timeout): the rest
		 * stay queued as they are for the next run. */
		for (; rc == 0 && i < ready.n; i++) {
			struct deliver_event ev = { &ready.rows[i],
			    OUTBOX_DEFERRED, false, "not tried: the server is "
			    "unavailable", NULL, NULL, true };

			stats->deferred++;
			if (fn != NULL)
				fn(&ev, arg);
		}
		for (i = 0; i < ready.n; i++)
			outbox_msg_reset(&ready.rows[i]);
		ready.n = 0;
	}
	free(ready.rows);
	/* Then the Cc recipients that go alone. */
	if (rc == 0 && !stats->unavailable)
		rc = deliver_rcpts(c, t, now, fn, arg, stats, err);
	return rc;
}
