/* plan.c: due occurrences -> outbox rows. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "digest.h"
#include "invite.h"
#include "lifecycle.h"
#include "message.h"
#include "state.h"
#include "tz.h"

struct plan_state {
	struct book		*book;
	time_t			 now;
	char			 now_ts[21];
	char			*domain;
	struct plan_stats	*stats;
	char			**err;
	struct lifecycle	 lc;
	/* the partner being planned */
	const struct partner	*partner;
};

char *
plan_domain(const struct config *cfg)
{
	char *name = NULL, *email = NULL, *domain;

	if (message_address_parse(cfg->from, &name, &email, NULL) != 0)
		return xstrdup("localhost");
	domain = xstrdup(strrchr(email, '@') + 1);
	free(name);
	free(email);
	return domain;
}

char *
plan_message_id(const char *kind, const char *key, const char *occurrence,
    const char *domain)
{
	unsigned char rnd[8];
	char hex[17];

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		fatal("getrandom failed");
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	return xasprintf("%s.%s.%s.%s@%s", occurrence, key, kind, hex, domain);
}

/* Fill r (allocated copies) as planning would for one recipient of a
 * message that carries no invite. */
static void
fill_row(struct plan_state *ps, const char *kind, const char *occurrence,
    const char *recipient, struct outbox_row *r)
{
	memset(r, 0, sizeof *r);
	r->partner_id = ps->partner->id;
	r->partner_key = xstrdup(ps->partner->key);
	r->kind = xstrdup(kind);
	r->occurrence = xstrdup(occurrence);
	r->recipient = xstrdup(recipient);
	r->state = xstrdup("pending");
	r->message_id = plan_message_id(kind, ps->partner->key, occurrence,
	    ps->domain);
}

static int
add_row(struct plan_state *ps, const char *kind, const char *occurrence,
    const char *recipient)
{
	struct outbox_row r;
	bool inserted;
	int rc;

	fill_row(ps, kind, occurrence, recipient, &r);
	rc = store_outbox_insert(ps->book->store, &r, ps->now_ts, &inserted,
	    ps->err);
	outbox_row_reset(&r);
	if (rc == 0 && inserted)
		ps->stats->planned++;
	return rc;
}

static int
plan_partner(const struct partner *p, void *arg)
{
	struct plan_state *ps = arg;
	const struct config *cfg = ps->book->cfg;
	struct tb_date today, due;
	long late;

	ps->stats->partners++;
	if (book_today(ps->book, p, ps->now, &today, ps->err) != 0 ||
	    date_parse(p->next_due, &due, ps->err) != 0)
		return -1;
	late = date_diff(due, today);
	ps->partner = p;
	if (late < -(long)cfg->lead_days)
		return 0;
	/* With owners' digests, owners read their partners there instead
	 * of in a message each; partner contacts are still invited. */
	if (late < cfg->grace_days)
		return lifecycle_invite(&ps->lc, p, !cfg->digest_owners,
		    late <= 0, ps->err);
	if (late < cfg->escalate_after_days || str_empty(p->sponsor_email))
		return cfg->digest_owners ? 0 :
		    add_row(ps, "overdue", p->next_due, p->owner_email);
	return add_row(ps, "escalation", p->next_due, p->sponsor_email);
}

int
plan_run(struct book *b, time_t now, struct plan_stats *stats, char **err)
{
	struct plan_state ps;
	struct tb_date horizon;
	char text[DATE_STRLEN];
	int rc;

	memset(stats, 0, sizeof *stats);
	memset(&ps, 0, sizeof ps);
	ps.book = b;
	ps.now = now;
	ps.stats = stats;
	ps.err = err;
	book_timestamp(now, ps.now_ts);
	/* Local dates differ from UTC by at most a day: look one further. */
	if (tz_local_date(now, "UTC", &horizon, err) != 0)
		return -1;
	horizon = date_add_days(horizon, b->cfg->lead_days + 1);
	ps.domain = plan_domain(b->cfg);
	lifecycle_init(&ps.lc, b, now, ps.domain);
	if (store_begin(b->store, err) != 0) {
		free(ps.domain);
		return -1;
	}
	/* Due dates follow the business-day calendar as configured now;
	 * then what was sent is brought up to date before anything new is
	 * invited. */
	rc = book_sync_calendar(b, NULL, err);
	if (rc == 0)
		rc = lifecycle_reconcile(&ps.lc, err);
	if (rc == 0)
		rc = store_partner_foreach_due(b->store, date_format(horizon,
		    text), plan_partner, &ps, err);
	if (rc == 0)
		rc = digest_plan(b, now, false, &stats->planned, err);
	stats->planned += ps.lc.planned;
	free(ps.domain);
	if (rc != 0) {
		store_rollback(b->store);
		return -1;
	}
	if (store_commit(b->store, err) != 0) {
		store_rollback(b->store);
		return -1;
	}
	return 0;
}

int
plan_preview_row(struct book *b, const struct partner *p, const char *kind,
    time_t now, struct outbox_row *row, char **err)
{
	struct plan_stats stats;
	struct plan_state ps;
	char **invitees = NULL;
	size_t ninvitees = 0;
	int rc = 0;

	memset(row, 0, sizeof *row);
	if (p->next_due == NULL)
		return set_err(err, "%s has nothing scheduled", p->key);
	memset(&ps, 0, sizeof ps);
	ps.book = b;
	ps.now = now;
	ps.partner = p;
	ps.stats = &stats;
	ps.err = err;
	ps.domain = plan_domain(b->cfg);
	lifecycle_init(&ps.lc, b, now, ps.domain);
	if (strcmp(kind, "reminder") == 0)
		rc = lifecycle_preview_row(&ps.lc, p, kind, p->owner_email, row,
		    err);
	else if (strcmp(kind, "invitation") == 0) {
		if (lifecycle_invitees(b, p, &invitees, &ninvitees, err) != 0)
			rc = -1;
		else if (ninvitees == 0)
			rc = set_err(err, "%s has no contact invited to "
			    "check-ins (contact add --invite)", p->key);
		else
			rc = lifecycle_preview_row(&ps.lc, p, kind,
			    invitees[0], row, err);
	} else if (strcmp(kind, "escalation") == 0) {
		if (str_empty(p->sponsor_email))
			rc = set_err(err, "%s has no sponsor to escalate to",
			    p->key);
		else
			fill_row(&ps, kind, p->next_due, p->sponsor_email, row);
	} else if (strcmp(kind, "overdue") == 0)
		fill_row(&ps, kind, p->next_due, p->owner_email, row);
	else
		rc = set_err(err, "kind \"%s\": preview knows reminder, "
		    "invitation, overdue and escalation", kind);
	if (rc != 0)
		outbox_row_reset(row);
	for (size_t i = 0; i < ninvitees; i++)
		free(invitees[i]);
	free(invitees);
	free(ps.domain);
	return rc;
}

const char *
plan_kind_now(struct book *b, const struct partner *p, time_t now)
{
	struct tb_date today, due;
	long late;

	if (p->next_due == NULL || book_today(b, p, now, &today, NULL) != 0 ||
	    date_parse(p->next_due, &due, NULL) != 0)
		return "reminder";
	late = date_diff(due, today);
	if (late < b->cfg->grace_days)
		return "reminder";
	if (late < b->cfg->escalate_after_days || str_empty(p->sponsor_email))
		return "overdue";
	return "escalation";
}
