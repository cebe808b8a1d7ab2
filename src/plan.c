/* plan.c: due occurrences -> outbox rows. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "digest_plan.h"
#include "invite.h"
#include "lifecycle.h"
#include "message.h"
#include "state.h"
#include "tz.h"

struct plan_state {
	struct book		*book;
	time_t			 now;
	struct outbox_ids	 ids;
	struct plan_stats	*stats;
	char			**err;
	struct lifecycle	 lc;
};

/* A message without an invite about p's due occurrence, as planning
 * writes it. */
static void
plain_msg(struct plan_state *ps, const struct partner *p,
    enum outbox_kind kind, const char *recipient, struct outbox_msg *m)
{
	outbox_msg_init(m, kind, p->id, p->key, p->next_due, recipient,
	    &ps->ids);
}

static int
add_plain(struct plan_state *ps, const struct partner *p,
    enum outbox_kind kind, const char *recipient)
{
	struct outbox_msg m;
	bool added;
	int rc;

	plain_msg(ps, p, kind, recipient, &m);
	rc = outbox_add(ps->book->store, &m, ps->now, &added, ps->err);
	outbox_msg_reset(&m);
	if (rc == 0 && added)
		ps->stats->planned++;
	return rc;
}

/* The stage of p with today its date (see state.h). */
static int
stage_on(struct book *b, const struct partner *p, struct tb_date today,
    struct stage *st, char **err)
{
	struct tb_date due, until;

	if ((p->next_due != NULL && date_parse(p->next_due, &due, err) != 0) ||
	    (p->snooze_until != NULL && date_parse(p->snooze_until, &until,
	    err) != 0))
		return -1;
	*st = state_stage(b->cfg, p->next_due ? &due : NULL, today,
	    !str_empty(p->sponsor_email), p->snooze_until ? &until : NULL);
	return 0;
}

static int
plan_partner(const struct partner *p, void *arg)
{
	struct plan_state *ps = arg;
	const struct config *cfg = ps->book->cfg;
	struct tb_date today;
	struct stage st;

	ps->stats->partners++;
	if (book_today(ps->book, p, ps->now, &today, ps->err) != 0 ||
	    stage_on(ps->book, p, today, &st, ps->err) != 0)
		return -1;
	if (!st.sends)
		return 0;
	switch (st.kind) {
	case OUTBOX_REMINDER:
		/* With owners' digests, owners read their partners there
		 * instead of in a message each; contacts are still invited. */
		return lifecycle_invite(&ps->lc, p, !cfg->digest_owners,
		    st.invite_contacts, ps->err);
	case OUTBOX_OVERDUE:
		return cfg->digest_owners ? 0 :
		    add_plain(ps, p, OUTBOX_OVERDUE, p->owner_email);
	default:
		return add_plain(ps, p, OUTBOX_ESCALATION, p->sponsor_email);
	}
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
	/* Local dates differ from UTC by at most a day: look one further. */
	if (tz_local_date(now, "UTC", &horizon, err) != 0)
		return -1;
	horizon = date_add_days(horizon, b->cfg->lead_days + 1);
	if (outbox_ids_load(b->store, b->cfg, &ps.ids, err) != 0)
		return -1;
	lifecycle_init(&ps.lc, b, now, &ps.ids);
	if (store_begin(b->store, err) != 0) {
		outbox_ids_reset(&ps.ids);
		return -1;
	}
	/* Due dates follow the business-day calendar as configured now;
	 * then what was sent is brought up to date before anything new is
	 * invited. */
	rc = book_sync_calendar(b, NULL, err);
	if (rc == 0)
		rc = lifecycle_reconcile(&ps.lc, err);
	/* A forecast only counts: the order does not matter, and reading
	 * most of a book in date order costs a sort. */
	if (rc == 0)
		rc = (ps.ids.counting ? store_partner_foreach_due_any :
		    store_partner_foreach_due)(b->store, date_format(horizon,
		    text), plan_partner, &ps, err);
	if (rc == 0)
		rc = digest_plan(b, now, false, &stats->planned, err);
	stats->planned += ps.lc.planned;
	outbox_ids_reset(&ps.ids);
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
plan_preview_row(struct book *b, const struct partner *p,
    enum outbox_kind kind, time_t now, struct outbox_msg *msg, char **err)
{
	struct plan_state ps;
	char **invitees = NULL;
	size_t ninvitees = 0;
	int rc = 0;

	memset(msg, 0, sizeof *msg);
	if (p->next_due == NULL)
		return set_err(err, "%s has nothing scheduled", p->key);
	memset(&ps, 0, sizeof ps);
	ps.book = b;
	ps.now = now;
	ps.err = err;
	if (outbox_ids_load(b->store, b->cfg, &ps.ids, err) != 0)
		return -1;
	lifecycle_init(&ps.lc, b, now, &ps.ids);
	switch (kind) {
	case OUTBOX_REMINDER:
		rc = lifecycle_preview_row(&ps.lc, p, kind, p->owner_email, msg,
		    err);
		break;
	case OUTBOX_INVITATION:
		if (lifecycle_invitees(b, p, &invitees, &ninvitees, err) != 0)
			rc = -1;
		else if (ninvitees == 0)
			rc = set_err(err, "%s has no contact invited to "
			    "check-ins (contact add --invite)", p->key);
		else
			rc = lifecycle_preview_row(&ps.lc, p, kind,
			    invitees[0], msg, err);
		break;
	case OUTBOX_ESCALATION:
		if (str_empty(p->sponsor_email))
			rc = set_err(err, "%s has no sponsor to escalate to",
			    p->key);
		else
			plain_msg(&ps, p, kind, p->sponsor_email, msg);
		break;
	case OUTBOX_OVERDUE:
		plain_msg(&ps, p, kind, p->owner_email, msg);
		break;
	default:
		rc = set_err(err, "kind \"%s\": preview knows reminder, "
		    "invitation, overdue and escalation",
		    outbox_kind_name(kind));
	}
	if (rc != 0)
		outbox_msg_reset(msg);
	strv_free(invitees, ninvitees);
	outbox_ids_reset(&ps.ids);
	return rc;
}

enum outbox_kind
plan_kind_now(struct book *b, const struct partner *p, time_t now)
{
	struct tb_date today;
	struct stage st;

	if (book_today(b, p, now, &today, NULL) != 0 ||
	    stage_on(b, p, today, &st, NULL) != 0 || !st.sends)
		return OUTBOX_REMINDER;
	return st.kind;
}
