/*
 * digest.c: the leadership digest's view: the health of every partnership
 * as a template context (digest_plan.c puts digests in the outbox).
 */
#include "digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health.h"
#include "message.h"
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
	if (r->answers != NULL)
		tvalue_set_str(m, "answers", r->answers);
	else
		tvalue_set_null(m, "answers");
	if (r->snoozed)
		tvalue_set_str(m, "snoozed_until", r->p.snooze_until);
	else
		tvalue_set_null(m, "snoozed_until");
	owner = tvalue_set_map(m, "owner");
	tvalue_set_str(owner, "name", !str_empty(r->p.owner_name) ?
	    r->p.owner_name : r->p.owner_email);
	tvalue_set_str(owner, "email", r->p.owner_email);
}

/* "all partnerships", or "partnerships owned by NAME" (name: the one
 * the owner's partners give, else the address asked for). */
static char *
scope_text(const char *owner, const char *name)
{
	if (owner == NULL)
		return xstrdup("all partnerships");
	return xasprintf("partnerships owned by %s", name ? name : owner);
}

/* What the rows of one digest add up to. */
struct digest_walk {
	struct tvalue		*lists[NGROUPS];
	long			 n[NGROUPS];
	long			 total;
	long			 listed;
	long			 list_max;	/* 0: no limit */
	char			*name;		/* an owner's name, once seen */
	struct health_owners	 owners;
};

static int
walk_row(const struct health_row *r, void *arg)
{
	struct digest_walk *dw = arg;
	enum digest_group g = group_of(r->state);

	if (dw->name == NULL && !str_empty(r->p.owner_name))
		dw->name = xstrdup(r->p.owner_name);
	/* Rows come most urgent first: the first ones are listed. */
	if (dw->list_max == 0 || dw->listed < dw->list_max) {
		add_item(dw->lists[g], r);
		dw->listed++;
	}
	dw->n[g]++;
	dw->total++;
	if (dw->list_max > 0)
		health_owners_add(&dw->owners, r);
	return 0;
}

/* counts, and for a digest that lists only the most urgent partners,
 * summarized, listed and the counts of each owner. */
static void
set_counts(struct tvalue *ctx, const struct digest_walk *dw)
{
	struct tvalue *counts = tvalue_set_map(ctx, "counts"), *owners, *m;

	for (int g = 0; g < NGROUPS; g++)
		tvalue_set_int(counts, group_names[g], dw->n[g]);
	tvalue_set_int(counts, "total", dw->total);
	tvalue_set_bool(ctx, "summarized", dw->listed < dw->total);
	tvalue_set_int(ctx, "listed", dw->listed);
	owners = tvalue_set_list(ctx, "owners");
	for (size_t i = 0; dw->listed < dw->total && i < dw->owners.n; i++) {
		const struct health_owner *o = &dw->owners.v[i];
		long n[NGROUPS] = { 0 };

		for (int st = 0; st <= STATE_UNSCHEDULED; st++)
			n[group_of((enum partner_state)st)] += o->n[st];
		m = tvalue_list_add_map(owners);
		tvalue_set_str(m, "name", o->name ? o->name : o->email);
		tvalue_set_str(m, "email", o->email);
		for (int g = 0; g < NGROUPS; g++)
			tvalue_set_int(m, group_names[g], n[g]);
		tvalue_set_int(m, "total", o->total);
	}
}

static void
walk_reset(struct digest_walk *dw)
{
	health_owners_reset(&dw->owners);
	free(dw->name);
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
	struct digest_walk dw;
	struct tvalue *ctx;
	char *scope;
	int rc;

	*out = NULL;
	memset(&dw, 0, sizeof dw);
	/* An owner's digest lists every partner of theirs; the
	 * leadership's, over a large book, the most urgent and counts. */
	dw.list_max = owner == NULL ? b->cfg->digest_list_max : 0;
	ctx = tvalue_new_map();
	if (set_day(ctx, b->cfg, now, err) != 0) {
		tvalue_free(ctx);
		return -1;
	}
	for (int g = 0; g < NGROUPS; g++)
		dw.lists[g] = tvalue_set_list(ctx, group_names[g]);
	rc = health_foreach(b, now, owner, walk_row, &dw, err);
	if (rc == 0) {
		scope = scope_text(owner, dw.name);
		tvalue_set_str(ctx, "scope", scope);
		free(scope);
		set_counts(ctx, &dw);
		*out = ctx;
	} else
		tvalue_free(ctx);
	walk_reset(&dw);
	return rc;
}
