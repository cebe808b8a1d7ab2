/* deliver.c: outbox rows through a transport, one committed step at a time. */
#include "deliver.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store.h"

#define BACKOFF_FIRST	(5 * 60)	/* seconds before the first retry */
#define BACKOFF_MAX	(6 * 60 * 60)

struct ready {
	struct outbox_row	*rows;
	size_t			 n;
};

/* Rows are collected first so that no read is open while each step is
 * committed. */
static int
collect(const struct outbox_row *r, void *arg)
{
	struct ready *ready = arg;

	ready->rows = xreallocarray(ready->rows, ready->n + 1,
	    sizeof *ready->rows);
	outbox_row_copy(&ready->rows[ready->n++], r);
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

static void
set_state(struct outbox_row *r, const char *state, const char *error,
    const char *reply)
{
	free(r->state);
	r->state = xstrdup(state);
	if (error != NULL) {
		free(r->last_error);
		r->last_error = xstrdup(error);
	}
	if (reply != NULL) {
		free(r->reply);
		r->reply = xstrdup(reply);
	}
}

/* Parse our own "YYYY-MM-DDTHH:MM:SSZ". */
static time_t
parse_timestamp(const char *ts)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (ts == NULL || strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return timegm(&tm);
}

/* A temporary failure: retry later, or give up past retry_max_hours. */
static void
defer_row(struct composer *c, struct outbox_row *r, time_t now,
    const char *why, struct deliver_stats *stats)
{
	time_t planned = parse_timestamp(r->created_at);
	char ts[21];

	if (planned != 0 && now - planned >= (time_t)c->book->cfg->
	    retry_max_hours * 3600) {
		char *msg = xasprintf("%s (gave up after %d hours)", why,
		    c->book->cfg->retry_max_hours);

		set_state(r, "failed", msg, NULL);
		free(msg);
		stats->failed++;
		return;
	}
	set_state(r, "deferred", why, NULL);
	free(r->next_attempt);
	r->next_attempt = xstrdup(book_timestamp(now + deliver_backoff(
	    r->attempts), ts));
	stats->deferred++;
}

/* Report a row's outcome to the caller's callback. */
static void
report(deliver_event_fn fn, void *arg, const struct outbox_row *r,
    const char *outcome, const char *detail, const char *subject,
    const struct composed *msg)
{
	struct deliver_event ev = { r, outcome, detail, subject, msg, false };

	if (fn != NULL)
		fn(&ev, arg);
}

/*
 * Compose a row.  Returns 1 when it is ready to send (marked sending and
 * committed), 0 when it was settled without sending (skipped, failed, or
 * reported on a dry run), -1 on a database error.
 */
static int
prepare_row(struct composer *c, bool dry_run, struct outbox_row *r,
    struct composed *msg, time_t now, deliver_event_fn fn, void *arg,
    struct deliver_stats *stats, char **err)
{
	char ts[21], *why = NULL;
	int rc;

	book_timestamp(now, ts);
	rc = compose_row(c, r, now, msg, &why);
	if (dry_run) {
		report(fn, arg, r, rc == 0 ? "would-send" : rc == COMPOSE_STALE ?
		    "would-skip" : "would-fail", why, msg->subject,
		    rc == 0 ? msg : NULL);
		free(why);
		return 0;
	}
	if (rc != 0) {
		/* A bad row fails alone and does not stop the others. */
		set_state(r, rc == COMPOSE_STALE ? "skipped" : "failed", why,
		    NULL);
		if (rc == COMPOSE_STALE)
			stats->skipped++;
		else
			stats->failed++;
		rc = store_outbox_update(c->book->store, r, ts, err);
		if (rc == 0)
			report(fn, arg, r, r->state, why, NULL, NULL);
		free(why);
		return rc == 0 ? 0 : -1;
	}
	/* Committed before sending: a crash from here on resends this row
	 * with the same Message-ID. */
	set_state(r, "sending", NULL, NULL);
	r->attempts++;
	return store_outbox_update(c->book->store, r, ts, err) == 0 ? 1 : -1;
}

static int
settle_row(struct composer *c, struct outbox_row *r,
    const struct transport_job *job, const char *subject, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	char ts[21];
	const char *reply = job->reply;

	switch (job->result) {
	case TRANSPORT_SENT:
		set_state(r, "sent", NULL, reply);
		free(r->last_error);
		r->last_error = NULL;
		stats->sent++;
		break;
	case TRANSPORT_FAIL:
		set_state(r, "failed", reply ? reply : "rejected", reply);
		stats->failed++;
		break;
	case TRANSPORT_UNAVAILABLE:
		stats->unavailable = true;
		/* FALLTHROUGH */
	case TRANSPORT_DEFER:
		defer_row(c, r, now, reply ? reply : "temporary failure",
		    stats);
		break;
	}
	if (store_outbox_update(c->book->store, r, book_timestamp(now, ts),
	    err) != 0)
		return -1;
	report(fn, arg, r, r->state, reply, subject, NULL);
	return 0;
}

/* Compose, send and settle rows[0..n) as one transport batch. */
static int
deliver_chunk(struct composer *c, struct transport *t, struct outbox_row *rows,
    size_t n, time_t now, deliver_event_fn fn, void *arg,
    struct deliver_stats *stats, char **err)
{
	struct composed *msgs = xcalloc(n, sizeof *msgs);
	struct transport_job *jobs = xcalloc(n, sizeof *jobs);
	size_t *which = xcalloc(n, sizeof *which), njobs = 0;
	int rc = 0;

	for (size_t i = 0; rc >= 0 && i < n; i++) {
		composed_init(&msgs[i]);
		rc = prepare_row(c, t == NULL, &rows[i], &msgs[i], now, fn, arg,
		    stats, err);
		if (rc == 1) {
			jobs[njobs].msg.from = c->org_email;
			jobs[njobs].msg.rcpt = (const char *const *)msgs[i].rcpt;
			jobs[njobs].msg.nrcpt = msgs[i].nrcpt;
			jobs[njobs].msg.data = msgs[i].text.data;
			jobs[njobs].msg.len = msgs[i].text.len;
			which[njobs++] = i;
		}
	}
	if (rc >= 0 && njobs > 0)
		transport_send_batch(t, jobs, njobs);
	for (size_t j = 0; j < njobs; j++) {
		if (rc >= 0)
			rc = settle_row(c, &rows[which[j]], &jobs[j],
			    msgs[which[j]].subject, now, fn, arg, stats, err);
		free(jobs[j].reply);
	}
	for (size_t i = 0; i < n; i++)
		composed_reset(&msgs[i]);
	free(msgs);
	free(jobs);
	free(which);
	return rc < 0 ? -1 : 0;
}

int
deliver_run(struct composer *c, struct transport *t, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err)
{
	struct ready ready = { NULL, 0 };
	char ts[21];
	size_t batch, i;
	int rc;

	memset(stats, 0, sizeof *stats);
	rc = store_outbox_foreach_ready(c->book->store, book_timestamp(now, ts),
	    collect, &ready, err);
	/*
	 * A batch is as large as the parallel SMTP sessions, no larger: every
	 * row of a batch is marked sending before it goes, so a crash can
	 * resend at most that many messages (with their Message-IDs).
	 */
	batch = c->book->cfg->transport == TRANSPORT_SMTP &&
	    c->book->cfg->connections > 1 ? (size_t)c->book->cfg->connections : 1;
	for (i = 0; rc == 0 && i < ready.n && !stats->unavailable; i += batch)
		rc = deliver_chunk(c, t, &ready.rows[i], ready.n - i < batch ?
		    ready.n - i : batch, now, fn, arg, stats, err);
	/* A server that cannot be reached is not tried once per message (each
	 * try could wait the whole timeout): the rest stay queued as they
	 * are for the next run. */
	for (; rc == 0 && i < ready.n; i++) {
		struct deliver_event ev = { &ready.rows[i], "deferred",
		    "not tried: the server is unavailable", NULL, NULL, true };

		stats->deferred++;
		if (fn != NULL)
			fn(&ev, arg);
	}
	for (i = 0; i < ready.n; i++)
		outbox_row_reset(&ready.rows[i]);
	free(ready.rows);
	return rc;
}
