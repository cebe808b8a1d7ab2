/* health.c: the state of every active partnership on a day. */
#include "health.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cadence.h"

struct health_load {
	struct book	*book;
	time_t		 now;
	const char	*owner;
	struct health	*out;
	char		**err;
};

/* The date a partnership counts from: the last check-in, else its start. */
static int
since_date(const struct partner *p, struct tb_date *d)
{
	const char *s = p->last_checkin ? p->last_checkin : p->start_date;

	return s == NULL ? -1 : date_parse(s, d, NULL);
}

static int
collect(const struct partner *p, void *arg)
{
	struct health_load *hl = arg;
	struct health_row row;
	struct stage stage;
	struct tb_date due, since, until;
	struct cadence c;

	if (hl->owner != NULL && strcasecmp(p->owner_email, hl->owner) != 0)
		return 0;
	memset(&row, 0, sizeof row);
	if (book_today(hl->book, p, hl->now, &row.today, hl->err) != 0)
		return -1;
	if (p->next_due && date_parse(p->next_due, &due, hl->err) != 0)
		return -1;
	if (p->snooze_until && date_parse(p->snooze_until, &until,
	    hl->err) != 0)
		return -1;
	stage = state_stage(hl->book->cfg, p->next_due ? &due : NULL,
	    row.today, !str_empty(p->sponsor_email),
	    p->snooze_until ? &until : NULL);
	row.snoozed = stage.snoozed;
	row.state = stage.state;
	row.late = stage.late;
	row.days_since = since_date(p, &since) == 0 ?
	    date_diff(since, row.today) : -1;
	if (row.days_since < 0)
		row.days_since = -1;
	if (outbox_undelivered_count(hl->book->store, p->id, &row.undelivered,
	    hl->err) != 0 || health_answers(hl->book, p, &row.answers,
	    hl->err) != 0)
		return -1;
	row.cadence = cadence_describe_spec(p->cadence);
	if (cadence_parse(p->cadence, &c, NULL) == 0) {
		row.period_days = (long)(cadence_period_days(&c) + 0.5);
		cadence_reset(&c);
	}
	if (row.period_days <= 0)
		row.period_days = 30;
	partner_copy(&row.p, p);
	hl->out->rows = xreallocarray(hl->out->rows, hl->out->nrows + 1,
	    sizeof *hl->out->rows);
	hl->out->rows[hl->out->nrows++] = row;
	return 0;
}

/* Most urgent first: state, then days past due, then key. */
static int
by_urgency(const void *a, const void *b)
{
	const struct health_row *x = a, *y = b;
	int sx = x->state == STATE_UNSCHEDULED ? -1 : (int)x->state;
	int sy = y->state == STATE_UNSCHEDULED ? -1 : (int)y->state;

	if (sx != sy)
		return sy - sx;
	if (x->late != y->late)
		return x->late < y->late ? 1 : -1;
	return strcmp(x->p.key, y->p.key);
}

int
health_load(struct book *b, time_t now, const char *owner,
    struct health *out, char **err)
{
	/* cppcheck-suppress ctuuninitvar ; out is kept, not read */
	struct health_load hl = { b, now, owner, out, err };

	memset(out, 0, sizeof *out);
	if (store_partner_foreach(b->store, false, collect, &hl, err) != 0) {
		health_reset(out);
		return -1;
	}
	if (out->nrows > 1)
		qsort(out->rows, out->nrows, sizeof *out->rows, by_urgency);
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
