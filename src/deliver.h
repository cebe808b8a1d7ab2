/*
 * deliver.h: the outbox -> the transport.  Rows are marked sending (a
 * batch in one commit, synced), sent, and marked sent (or deferred,
 * failed, skipped; the batch in a second commit), so that a crash between
 * steps loses nothing and a row found "sending" at the next run is sent
 * again with the same Message-ID and invite UID.
 */
#ifndef TB_DELIVER_H
#define TB_DELIVER_H

#include <stdbool.h>
#include <time.h>

#include "compose.h"
#include "outbox.h"
#include "transport.h"

struct deliver_stats {
	long	sent;
	long	deferred;
	long	failed;
	long	skipped;
	bool	unavailable;	/* the transport could not be reached */
};

/* What happened to one row, for -v and --dry-run output. */
struct deliver_event {
	const struct outbox_msg	*row;
	enum outbox_state	 outcome;	/* sent, deferred, failed or
						 * skipped: what the row became
						 * (on a dry run, would) */
	bool			 dry_run;
	const char		*detail;	/* reply or reason, may be NULL */
	const char		*subject;	/* may be NULL */
	const struct composed	*message;	/* dry run: the message */
	bool			 untried;	/* left queued: server down */
};
typedef void (*deliver_event_fn)(const struct deliver_event *ev, void *arg);

/* "sent", "deferred", ...; on a dry run "would-send", "would-skip",
 * "would-fail". */
const char *deliver_event_name(const struct deliver_event *ev);

/*
 * Deliver every ready row at `now` through t (NULL on a dry run, which
 * composes each message, reports it as "would-send" and changes
 * nothing).  Deferred rows are retried with exponential backoff and
 * jitter until retry_max_hours after they were planned, then fail.  A
 * message with a Cc records each recipient's answer; a Cc refused for
 * now is then sent alone (same Message-ID, envelope to the Cc only),
 * after the messages, with the same backoff and limit.
 * Returns 0 or -1 with *err (a database failure).
 */
int deliver_run(struct composer *c, struct transport *t, time_t now,
    deliver_event_fn fn, void *arg, struct deliver_stats *stats, char **err);

/* Seconds to wait before attempt number `attempts` + 1 (>= 1). */
long deliver_backoff(int attempts);

#endif
