/* run.c: lock, plan, deliver. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "delivery_check.h"
#include "inbox_source.h"
#include "lock.h"
#include "plan.h"
#include "transport.h"

int
run_plan_due(struct book *b, time_t now, long *planned, void *arg,
    char **err)
{
	struct plan_stats ps;

	(void)arg;
	if (plan_run(b, now, &ps, err) != 0)
		return -1;
	*planned += ps.planned;
	return 0;
}

enum run_outcome
run_outcome(const struct run_result *r)
{
	if (r->delivered.failed > 0 || r->inbox.unreadable > 0)
		return RUN_SOME_FAILED;
	if (r->delivered.unavailable || r->inbox_down)
		return RUN_SERVER_DOWN;
	if (r->delivered.deferred > 0)
		return RUN_SOME_DEFERRED;
	return RUN_ALL_SENT;
}

/*
 * Read the inbox first.  A source that cannot be read is reported and the
 * run goes on (reminders must not wait for the mail server); only a
 * database failure stops it.
 */
static enum run_error
read_inbox(struct composer *c, time_t now, bool dry_run,
    const struct run_inbox *hooks, struct run_result *result, char **err)
{
	struct inbox_source *src = NULL;
	struct inbox in;
	char *why = NULL;
	int rc;

	rc = inbox_source_open(c->book->cfg, &src, &why);
	if (rc == INBOX_OK && src != NULL) {
		if (inbox_init(&in, c->book, now, err) != 0) {
			inbox_source_close(src);
			return RUN_DATABASE;
		}
		rc = inbox_drain(&in, src, dry_run, hooks->fn, hooks->arg,
		    &result->inbox, &why);
		inbox_reset(&in);
		inbox_source_close(src);
		/* A database failure is the run's; a source's is reported. */
		if (rc == INBOX_DATABASE) {
			*err = why;
			return RUN_DATABASE;
		}
	}
	if (rc != INBOX_OK) {
		result->inbox_down = true;
		if (hooks->down != NULL)
			hooks->down(why ? why : "cannot be read", hooks->arg);
	}
	free(why);
	return RUN_OK;
}

enum run_error
run_pipeline(struct composer *c, const char *db_path, time_t now,
    bool dry_run, const struct run_inbox *inbox, run_plan_fn plan,
    void *plan_arg, deliver_event_fn fn, void *fn_arg,
    struct run_result *result, char **err)
{
	struct store *store = c->book->store;
	struct transport *transport = NULL;
	struct run_lock *lock = NULL;
	enum run_error re = RUN_OK;
	int rc;

	memset(result, 0, sizeof *result);
	/* The password is got when the transport opens, not twice. */
	if (!dry_run && delivery_check(c->book->cfg, 0, err) > 0)
		return RUN_CONFIG;
	/* One run at a time; a dry run changes nothing and needs no lock. */
	if (!dry_run && (rc = run_lock_take(db_path, &lock, err)) != 0)
		return rc == LOCK_BUSY ? RUN_LOCKED : RUN_NO_LOCK;
	if (!dry_run &&
	    (transport = transport_open(c->book->cfg, err)) == NULL) {
		delivery_check_place(c->book->cfg, err);
		run_lock_release(lock);
		return RUN_TRANSPORT;
	}
	/* A dry run plans inside a transaction that is rolled back. */
	if (dry_run && store_begin(store, err) != 0)
		return RUN_DATABASE;
	if (inbox != NULL)
		re = read_inbox(c, now, dry_run, inbox, result, err);
	if (re == RUN_OK && (plan(c->book, now, &result->planned, plan_arg,
	    err) != 0 || deliver_run(c, transport, now, fn, fn_arg,
	    &result->delivered, err) != 0))
		re = RUN_DATABASE;
	if (dry_run)
		store_rollback(store);
	transport_close(transport);
	run_lock_release(lock);
	return re;
}
