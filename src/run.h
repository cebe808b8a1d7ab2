/*
 * run.h: the cron pipeline, for run and digest --send: take the run lock,
 * plan into the outbox, then deliver the outbox through the configured
 * transport (DESIGN.md: inbox, plan, deliver; delivery never calls back
 * into planning).
 */
#ifndef TB_RUN_H
#define TB_RUN_H

#include <stdbool.h>
#include <time.h>

#include "book.h"
#include "compose.h"
#include "deliver.h"
#include "inbox.h"

/* What a run found wrong, for main.c to map to an exit code. */
enum run_error {
	RUN_OK = 0,
	RUN_LOCKED,		/* another run holds the lock */
	RUN_NO_LOCK,		/* the lock file cannot be created */
	RUN_CONFIG,		/* what delivery needs is missing (the
				 * configuration's fault, see
				 * delivery_check.h) */
	RUN_TRANSPORT,		/* the transport cannot be set up */
	RUN_DATABASE		/* planning or delivery hit the database */
};

/* Plan into the outbox at now, adding the messages planned to *planned.
 * Returns 0 or -1 with *err. */
typedef int (*run_plan_fn)(struct book *b, time_t now, long *planned,
    void *arg, char **err);

/* The planner of `touchbase run`: plan_run(). */
int run_plan_due(struct book *b, time_t now, long *planned, void *arg,
    char **err);

struct run_result {
	struct inbox_stats	inbox;
	bool			inbox_down;	/* the inbox could not be read
						 * (reported; planning went on) */
	long			planned;
	struct deliver_stats	delivered;
};

/* What the run reports as it reads the inbox (NULL: no inbox). */
struct run_inbox {
	inbox_event_fn	 fn;
	void		*arg;
	/* Called once when the inbox cannot be read, with why. */
	void		(*down)(const char *why, void *arg);
};

/* How the outcome of a run's deliveries reads, worst first: a message
 * failed for good, the server could not be reached, some deferred. */
enum run_outcome { RUN_ALL_SENT, RUN_SOME_DEFERRED, RUN_SERVER_DOWN,
    RUN_SOME_FAILED };
enum run_outcome run_outcome(const struct run_result *r);

/*
 * One run at now on the composer's book (db_path names the lock): read
 * the inbox (when inbox is not NULL and inbox.source is set: a check-in
 * by email cancels the reminder in the same run), plan with plan, then
 * deliver each ready message, reporting each to fn.  Before anything,
 * a run that delivers checks what delivery needs (delivery_check)
 * and refuses with RUN_CONFIG.  A dry run takes no lock and no
 * transport, and rolls everything back.  Returns RUN_OK with
 * *result filled, or another run_error with *err.
 */
enum run_error run_pipeline(struct composer *c, const char *db_path,
    time_t now, bool dry_run, const struct run_inbox *inbox,
    run_plan_fn plan, void *plan_arg, deliver_event_fn fn, void *fn_arg,
    struct run_result *result, char **err);

#endif
