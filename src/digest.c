/*
 * digest.c: the leadership digest: the health of every partnership as a
 * template context, and the outbox rows that send it each week.
 */
#include "digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health.h"
#include "message.h"
#include "plan.h"
#include "tz.h"

/* The lists of the template, in the order the digest shows them. */
enum digest_group {
	GROUP_ESCALATED,
	GROUP_OVERDUE,
	GROUP_DUE,
	GROUP_HEALTHY,
	NGROUPS
};

static const char *const group_names[NGROUPS] = {
	"escalated", "overdue", "due", "healthy"
};

/* Nothing scheduled is nothing to chase: such partners count as healthy. */
static enum digest_group
group_of(enum partner_state s)
{
	switch (s) {
	case STATE_ESCALATED:
		return GROUP_ESCALATED;
	case STATE_OVERDUE:
		return GROUP_OVERDUE;
	case STATE_DUE:
		return GROUP_DUE;
	default:
		return GROUP_HEALTHY;
	}
}

char *
digest_iso_week(struct tb_date d, char out[9])
{
	/* A week belongs to the year that holds its Thursday. */
	struct tb_date thu = date_add_days(d, 4 - date_weekday(d));
	struct tb_date jan1 = { thu.year, 1, 1 };
	unsigned week = (unsigned)(date_diff(jan1, thu) / 7) + 1;

	/* The ranges are for the compiler: years are 1..9999, weeks 1..53. */
	snprintf(out, 9, "%04u-W%02u", (unsigned)thu.year % 10000u,
	    week % 100u);
	return out;
}

static void
add_item(struct tvalue *list, const struct health_row *r)
{
	struct tvalue *m = tvalue_list_add_map(list), *owner;

	tvalue_set_str(m, "key", r->p.key);
	tvalue_set_str(m, "name", r->p.name);
	tvalue_set_str(m, "cadence", r->cadence);
	/* Null, not absent, so that a section on it never looks outward. */
	if (r->p.last_checkin != NULL) {
		tvalue_set_str(m, "last_checkin", r->p.last_checkin);
		tvalue_set_int(m, "days_since", r->days_since > 0 ?
		    r->days_since : 0);
	} else {
		tvalue_set_null(m, "last_checkin");
		tvalue_set_null(m, "days_since");
	}
	if (r->p.next_due != NULL)
		tvalue_set_str(m, "next_due", r->p.next_due);
	else
		tvalue_set_null(m, "next_due");
	tvalue_set_int(m, "days_overdue", r->late > 0 ? r->late : 0);
	tvalue_set_int(m, "days_until_due", r->late < 0 ? -r->late : 0);
	owner = tvalue_set_map(m, "owner");
	tvalue_set_str(owner, "name", !str_empty(r->p.owner_name) ?
	    r->p.owner_name : r->p.owner_email);
	tvalue_set_str(owner, "email", r->p.owner_email);
}

/* "all partnerships", or "partnerships owned by NAME" (the name the
 * owner's partners give, else the address asked for). */
static char *
scope_text(const struct health *h, const char *owner)
{
	if (owner == NULL)
		return xstrdup("all partnerships");
	for (size_t i = 0; i < h->nrows; i++)
		if (!str_empty(h->rows[i].p.owner_name))
			return xasprintf("partnerships owned by %s",
			    h->rows[i].p.owner_name);
	return xasprintf("partnerships owned by %s", owner);
}

/* today, today_long and week: the digest's day in schedule.timezone. */
static int
set_day(struct tvalue *ctx, const struct config *cfg, time_t now,
    char **err)
{
	char text[DATE_STRLEN], lng[DATE_LONG_STRLEN], week[9];
	struct tb_date today;

	if (tz_local_date(now, cfg->timezone, &today, err) != 0)
		return -1;
	tvalue_set_str(ctx, "today", date_format(today, text));
	tvalue_set_str(ctx, "today_long", date_format_long(today, lng));
	tvalue_set_str(ctx, "week", digest_iso_week(today, week));
	return 0;
}

/* Stops the walk at the first partner of the owner sought. */
struct owner_search {
	const char	*owner;
	char		*found;		/* the address as the book spells it */
	char		*name;		/* the first name given for it */
};

static int
match_owner(const struct partner *p, void *arg)
{
	struct owner_search *os = arg;

	if (strcasecmp(p->owner_email, os->owner) != 0)
		return 0;
	if (os->found == NULL)
		os->found = xstrdup(p->owner_email);
	if (!str_empty(p->owner_name)) {
		os->name = xstrdup(p->owner_name);
		return 1;
	}
	return 0;
}

int
digest_owner(struct book *b, const char *owner, char **email, char **name,
    char **err)
{
	struct owner_search os = { owner, NULL, NULL };

	*email = NULL;
	if (name != NULL)
		*name = NULL;
	if (store_partner_foreach(b->store, false, match_owner, &os,
	    err) < 0) {
		free(os.found);
		free(os.name);
		return -1;
	}
	*email = os.found;
	if (name != NULL)
		*name = os.name;
	else
		free(os.name);
	return 0;
}

int
digest_check_owner(struct book *b, const char *owner, char **err)
{
	char *email;

	if (digest_owner(b, owner, &email, NULL, err) != 0)
		return -1;
	if (email == NULL) {
		set_err(err, "%s owns no active partner", owner);
		return BOOK_NOT_FOUND;
	}
	free(email);
	return 0;
}

int
digest_context(struct book *b, time_t now, const char *owner,
    struct tvalue **out, char **err)
{
	struct tvalue *ctx, *lists[NGROUPS], *counts;
	long n[NGROUPS] = { 0 };
	struct health h;
	char *scope;

	*out = NULL;
	if (health_load(b, now, owner, &h, err) != 0)
		return -1;
	ctx = tvalue_new_map();
	if (set_day(ctx, b->cfg, now, err) != 0) {
		tvalue_free(ctx);
		health_reset(&h);
		return -1;
	}
	scope = scope_text(&h, owner);
	tvalue_set_str(ctx, "scope", scope);
	free(scope);
	for (int g = 0; g < NGROUPS; g++)
		lists[g] = tvalue_set_list(ctx, group_names[g]);
	/* health_load sorted the rows most urgent first; each list keeps
	 * that order. */
	for (size_t i = 0; i < h.nrows; i++) {
		enum digest_group g = group_of(h.rows[i].state);

		add_item(lists[g], &h.rows[i]);
		n[g]++;
	}
	counts = tvalue_set_map(ctx, "counts");
	for (int g = 0; g < NGROUPS; g++)
		tvalue_set_int(counts, group_names[g], n[g]);
	tvalue_set_int(counts, "total", (long)h.nrows);
	health_reset(&h);
	*out = ctx;
	return 0;
}

/* The owners of active partners, each once (case aside), sorted. */
struct owners {
	char	**emails;
	size_t	  n;
};

static int
collect_owner(const struct partner *p, void *arg)
{
	struct owners *o = arg;
	size_t lo = 0, hi = o->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcasecmp(p->owner_email, o->emails[mid])) == 0)
			return 0;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	o->emails = xreallocarray(o->emails, o->n + 1, sizeof *o->emails);
	memmove(o->emails + lo + 1, o->emails + lo,
	    (o->n - lo) * sizeof *o->emails);
	o->emails[lo] = xstrdup(p->owner_email);
	o->n++;
	return 0;
}

static void
owners_reset(struct owners *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->emails[i]);
	free(o->emails);
	memset(o, 0, sizeof *o);
}

/* What the rows of one planning share. */
struct digest_planner {
	struct book	*book;
	char		 now_ts[21];
	char		 occurrence[21];	/* ISO week or timestamp */
	char		 id_part[21];		/* the same, fit for a
						 * Message-ID */
	char		*domain;
	long		*planned;
	char		**err;
};

/* One row of scope "all" or "owner" to recipient, unless it exists. */
static int
add_row(struct digest_planner *dp, const char *scope, const char *recipient)
{
	struct outbox_row r;
	bool inserted;
	int rc;

	memset(&r, 0, sizeof r);
	r.partner_key = xstrdup(scope);
	r.kind = xstrdup("digest");
	r.occurrence = xstrdup(dp->occurrence);
	r.recipient = xstrdup(recipient);
	r.state = xstrdup("pending");
	r.message_id = plan_message_id("digest", scope, dp->id_part,
	    dp->domain);
	rc = store_outbox_insert(dp->book->store, &r, dp->now_ts, &inserted,
	    dp->err);
	if (rc == 0 && inserted)
		(*dp->planned)++;
	outbox_row_reset(&r);
	return rc;
}

/* The digest to digest.to, then one per owner when digest.owners. */
static int
add_rows(struct digest_planner *dp)
{
	const struct config *cfg = dp->book->cfg;
	struct owners o;
	char *name = NULL, *email = NULL;
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
	rc = store_partner_foreach(dp->book->store, false, collect_owner, &o,
	    dp->err);
	for (size_t i = 0; rc == 0 && i < o.n; i++)
		rc = add_row(dp, "owner", o.emails[i]);
	owners_reset(&o);
	return rc;
}

/* Name the rows of a digest sent by hand after now: a Message-ID may
 * not hold the timestamp's colons. */
static void
planner_init_now(struct digest_planner *dp, time_t now)
{
	size_t j = 0;

	book_timestamp(now, dp->occurrence);
	for (size_t i = 0; dp->occurrence[i] != '\0'; i++)
		if (dp->occurrence[i] != ':')
			dp->id_part[j++] = dp->occurrence[i];
	dp->id_part[j] = '\0';
}

/* Plan the configured rows, or with owner only that owner's, inside a
 * transaction of their own or the caller's. */
static int
planner_run(struct digest_planner *dp, const char *owner)
{
	int rc;

	dp->domain = plan_domain(dp->book->cfg);
	if (store_begin(dp->book->store, dp->err) != 0) {
		free(dp->domain);
		return -1;
	}
	rc = owner != NULL ? add_row(dp, "owner", owner) : add_rows(dp);
	if (rc == 0 && store_commit(dp->book->store, dp->err) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(dp->book->store);
	free(dp->domain);
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
	book_timestamp(now, dp.now_ts);
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
		memcpy(dp.id_part, dp.occurrence, sizeof dp.id_part);
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
	book_timestamp(now, dp.now_ts);
	planner_init_now(&dp, now);
	rc = planner_run(&dp, email);
	free(email);
	return rc;
}
