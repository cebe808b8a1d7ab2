/* health.c: the state of every active partnership on a day. */
#include "health.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cadence.h"

/* The date a partnership counts from: the last check-in, else its start. */
static int
since_date(const struct partner *p, struct tb_date *d)
{
	const char *s = p->last_checkin ? p->last_checkin : p->start_date;

	return s == NULL ? -1 : date_parse(s, d, NULL);
}

/* p's stage at now, and its local date. */
static int
stage_of(struct book *b, const struct partner *p, time_t now,
    struct tb_date *today, struct stage *stage, char **err)
{
	struct tb_date due, until;

	if (book_today(b, p, now, today, err) != 0)
		return -1;
	if (p->next_due && date_parse(p->next_due, &due, err) != 0)
		return -1;
	if (p->snooze_until && date_parse(p->snooze_until, &until, err) != 0)
		return -1;
	*stage = state_stage(b->cfg, p->next_due ? &due : NULL, *today,
	    !str_empty(p->sponsor_email), p->snooze_until ? &until : NULL);
	return 0;
}

/* Most urgent first: escalated, overdue, due, ok, then unscheduled. */
static int
urgency_rank(enum partner_state s)
{
	return s == STATE_UNSCHEDULED ? -1 : (int)s;
}

/* Fill row for p at now; answers and undelivered mail only where the
 * store says there may be some.  Free with row_reset. */
static int
row_fill(struct book *b, const struct partner *p, time_t now, bool outbox,
    bool answers, struct health_row *row, char **err)
{
	struct stage stage;
	struct tb_date since;
	struct cadence c;

	memset(row, 0, sizeof *row);
	if (stage_of(b, p, now, &row->today, &stage, err) != 0)
		return -1;
	row->snoozed = stage.snoozed;
	row->state = stage.state;
	row->late = stage.late;
	row->days_since = since_date(p, &since) == 0 ?
	    date_diff(since, row->today) : -1;
	if (row->days_since < 0)
		row->days_since = -1;
	if ((outbox && outbox_undelivered_count(b->store, p->id,
	    &row->undelivered, err) != 0) || (answers && health_answers(b, p,
	    &row->answers, err) != 0))
		return -1;
	row->cadence = cadence_describe_spec(p->cadence);
	if (cadence_parse(p->cadence, &c, NULL) == 0) {
		row->period_days = (long)(cadence_period_days(&c) + 0.5);
		cadence_reset(&c);
	}
	if (row->period_days <= 0)
		row->period_days = 30;
	partner_copy(&row->p, p);
	return 0;
}

static void
row_reset(struct health_row *row)
{
	partner_reset(&row->p);
	free(row->cadence);
	free(row->answers);
	memset(row, 0, sizeof *row);
}

struct health_walk {
	struct book		*book;
	time_t			 now;
	struct store_order	*order;
	health_fn		 fn;
	void			*arg;
	char			**err;
};

/* First pass: p's place in the order. */
static int
place(const struct partner *p, void *arg)
{
	struct health_walk *hw = arg;
	struct tb_date today;
	struct stage stage;

	if (stage_of(hw->book, p, hw->now, &today, &stage, hw->err) != 0)
		return -1;
	return store_order_add(hw->order, p->id, urgency_rank(stage.state),
	    stage.late, hw->err);
}

/* Second pass: p's row, handed on. */
static int
hand_on(const struct partner *p, bool outbox, bool answers, void *arg)
{
	struct health_walk *hw = arg;
	struct health_row row;
	int rc;

	if (row_fill(hw->book, p, hw->now, outbox, answers, &row,
	    hw->err) != 0) {
		row_reset(&row);
		return -1;
	}
	rc = hw->fn(&row, hw->arg);
	row_reset(&row);
	return rc;
}

int
health_foreach(struct book *b, time_t now, const char *owner, health_fn fn,
    void *arg, char **err)
{
	struct health_walk hw = { b, now, NULL, fn, arg, err };
	int rc;

	if (store_order_new(b->store, &hw.order, err) != 0)
		return -1;
	rc = owner != NULL ? store_partner_foreach_owner(b->store, owner,
	    place, &hw, err) : store_partner_foreach(b->store, false, place,
	    &hw, err);
	if (rc == 0)
		rc = store_order_foreach(hw.order, hand_on, &hw, err);
	store_order_free(hw.order);
	return rc;
}

static int
keep_row(const struct health_row *r, void *arg)
{
	struct health *h = arg;

	h->rows = xreallocarray(h->rows, h->nrows + 1, sizeof *h->rows);
	h->rows[h->nrows] = *r;
	partner_copy(&h->rows[h->nrows].p, &r->p);
	h->rows[h->nrows].cadence = xstrdup(r->cadence);
	h->rows[h->nrows].answers = xstrdup(r->answers);
	h->nrows++;
	return 0;
}

int
health_load(struct book *b, time_t now, const char *owner,
    struct health *out, char **err)
{
	memset(out, 0, sizeof *out);
	if (health_foreach(b, now, owner, keep_row, out, err) != 0) {
		health_reset(out);
		return -1;
	}
	return 0;
}

void
health_reset(struct health *h)
{
	for (size_t i = 0; i < h->nrows; i++) {
		partner_reset(&h->rows[i].p);
		free(h->rows[i].cadence);
		free(h->rows[i].answers);
	}
	free(h->rows);
	memset(h, 0, sizeof *h);
}

struct health_owner *
health_owners_add(struct health_owners *o, const struct health_row *row)
{
	const struct partner *p = &row->p;
	size_t lo = 0, hi = o->n, mid;
	struct health_owner *w;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcasecmp(p->owner_email, o->v[mid].email)) == 0)
			break;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < hi)
		w = &o->v[mid];
	else {
		o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
		memmove(o->v + lo + 1, o->v + lo, (o->n - lo) * sizeof *o->v);
		w = &o->v[lo];
		memset(w, 0, sizeof *w);
		w->email = xstrdup(p->owner_email);
		o->n++;
	}
	if (w->name == NULL && !str_empty(p->owner_name))
		w->name = xstrdup(p->owner_name);
	w->n[row->state]++;
	w->total++;
	return w;
}

void
health_owners_reset(struct health_owners *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].email);
		free(o->v[i].name);
	}
	free(o->v);
	memset(o, 0, sizeof *o);
}

void
health_count(const struct health *h, long counts[STATE_UNSCHEDULED + 1])
{
	memset(counts, 0, sizeof(long) * (STATE_UNSCHEDULED + 1));
	for (size_t i = 0; i < h->nrows; i++)
		counts[h->rows[i].state]++;
}

struct answers {
	struct book		*book;
	const struct partner	*p;
	const char		*uid;
	struct buf		 text;
};

const char *
health_partstat_verb(const char *partstat)
{
	static const char *const verbs[][2] = {
		{ "ACCEPTED", "accepted" }, { "DECLINED", "declined" },
		{ "TENTATIVE", "accepted tentatively" },
		{ "DELEGATED", "delegated" },
	};

	for (size_t i = 0; partstat != NULL && i < sizeof verbs /
	    sizeof verbs[0]; i++)
		if (strcasecmp(partstat, verbs[i][0]) == 0)
			return verbs[i][1];
	return NULL;
}

static int
add_answer(const struct reply_rec *r, void *arg)
{
	struct answers *a = arg;
	const char *verb = health_partstat_verb(r->partstat);
	char *name = NULL;

	if (verb == NULL || strcmp(r->uid, a->uid) != 0)
		return 0;
	/* The name as the book has it now. */
	if (strcasecmp(r->attendee, a->p->owner_email) == 0)
		name = xstrdup(a->p->owner_name);
	else if (book_contact_name(a->book, a->p, r->attendee, &name,
	    NULL) != 0)
		name = NULL;
	if (name == NULL)
		name = xstrdup(r->attendee);
	buf_printf(&a->text, "%s%s %s", a->text.len ? ", " : "", name, verb);
	free(name);
	return 0;
}

int
health_answers(struct book *b, const struct partner *p, char **text,
    char **err)
{
	struct answers a = { b, p, NULL, { NULL, 0, 0 } };
	struct invite_rec inv;
	int rc;

	*text = NULL;
	rc = store_invite_get_open(b->store, p->id, &inv, err);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != 0)
		return -1;
	a.uid = inv.uid;
	buf_init(&a.text);
	rc = store_reply_foreach_partner(b->store, p->id, add_answer, &a,
	    err) < 0 ? -1 : 0;
	if (rc == 0 && a.text.len > 0)
		*text = buf_steal(&a.text);
	buf_reset(&a.text);
	invite_rec_reset(&inv);
	return rc;
}
