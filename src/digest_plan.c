/*
 * digest_plan.c: planning the leadership and owners' digests into the
 * outbox (the view they show is digest.c's).
 */
#include "digest_plan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "digest.h"
#include "message.h"
#include "outbox.h"
#include "tz.h"

/* The owners of active partners, each once (case aside), sorted. */
struct owners {
	char	**emails;
	size_t	  n;
};

static void
collect_owner(struct owners *o, const char *email)
{
	size_t lo = 0, hi = o->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcasecmp(email, o->emails[mid])) == 0)
			return;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	o->emails = xreallocarray(o->emails, o->n + 1, sizeof *o->emails);
	memmove(o->emails + lo + 1, o->emails + lo,
	    (o->n - lo) * sizeof *o->emails);
	o->emails[lo] = xstrdup(email);
	o->n++;
}

static void
owners_reset(struct owners *o)
{
	strv_free(o->emails, o->n);
	memset(o, 0, sizeof *o);
}

/* What the rows of one planning share. */
struct digest_planner {
	struct book	*book;
	time_t		 now;
	char		 occurrence[21];	/* ISO week or timestamp */
	struct outbox_ids ids;
	long		*planned;
	char		**err;
};

/* One row of scope "all" or "owner" to recipient, unless it exists. */
static int
add_row(struct digest_planner *dp, const char *scope, const char *recipient)
{
	struct outbox_msg m;
	bool added;
	int rc;

	outbox_msg_init(&m, OUTBOX_DIGEST, 0, scope, dp->occurrence,
	    recipient, &dp->ids);
	rc = outbox_add(dp->book->store, &m, dp->now, &added, dp->err);
	if (rc == 0 && added)
		(*dp->planned)++;
	outbox_msg_reset(&m);
	return rc;
}

/* The digest to digest.to, then one per owner when digest.owners. */
static int
add_rows(struct digest_planner *dp)
{
	const struct config *cfg = dp->book->cfg;
	struct owners o;
	char *name = NULL, *email = NULL, **v;
	size_t n;
	int rc = 0;

	if (!str_empty(cfg->digest_to)) {
		if (message_address_parse(cfg->digest_to, &name, &email,
		    dp->err) != 0)
			return prefix_err(dp->err, "digest.to");
		rc = add_row(dp, "all", email);
		free(name);
		free(email);
	}
	if (rc != 0 || !cfg->digest_owners)
		return rc;
	memset(&o, 0, sizeof o);
	rc = store_owners_list(dp->book->store, &v, &n, dp->err);
	for (size_t i = 0; i < n; i++)
		collect_owner(&o, v[i]);
	strv_free(v, n);
	for (size_t i = 0; rc == 0 && i < o.n; i++)
		rc = add_row(dp, "owner", o.emails[i]);
	owners_reset(&o);
	return rc;
}

/* Name the rows of a digest sent by hand after now. */
static void
planner_init_now(struct digest_planner *dp, time_t now)
{
	book_timestamp(now, dp->occurrence);
}

/* Plan the configured rows, or with owner only that owner's, inside a
 * transaction of their own or the caller's. */
static int
planner_run(struct digest_planner *dp, const char *owner)
{
	int rc;

	if (outbox_ids_load(dp->book->store, dp->book->cfg, &dp->ids,
	    dp->err) != 0)
		return -1;
	if (store_begin(dp->book->store, dp->err) != 0) {
		outbox_ids_reset(&dp->ids);
		return -1;
	}
	rc = owner != NULL ? add_row(dp, "owner", owner) : add_rows(dp);
	if (rc == 0 && store_commit(dp->book->store, dp->err) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(dp->book->store);
	outbox_ids_reset(&dp->ids);
	return rc;
}

int
digest_plan(struct book *b, time_t now, bool force, long *planned,
    char **err)
{
	const struct config *cfg = b->cfg;
	struct digest_planner dp;
	struct tb_date today;

	if (str_empty(cfg->digest_to) && !cfg->digest_owners)
		return 0;
	memset(&dp, 0, sizeof dp);
	dp.book = b;
	dp.planned = planned;
	dp.err = err;
	dp.now = now;
	if (force)
		planner_init_now(&dp, now);
	else {
		if (tz_local_date(now, cfg->timezone, &today, err) != 0)
			return -1;
		/* Any day from the weekday to Sunday: a missed run catches
		 * up; the week as occurrence keeps it to once. */
		if (date_weekday(today) < cfg->digest_weekday)
			return 0;
		digest_iso_week(today, dp.occurrence);
	}
	return planner_run(&dp, NULL);
}

int
digest_plan_owner(struct book *b, time_t now, const char *owner,
    long *planned, char **err)
{
	struct digest_planner dp;
	char *email;
	int rc;

	if (digest_owner(b, owner, &email, NULL, err) != 0)
		return -1;
	if (email == NULL) {
		set_err(err, "%s owns no active partner", owner);
		return BOOK_NOT_FOUND;
	}
	memset(&dp, 0, sizeof dp);
	dp.book = b;
	dp.planned = planned;
	dp.err = err;
	dp.now = now;
	planner_init_now(&dp, now);
	rc = planner_run(&dp, email);
	free(email);
	return rc;
}
