/* book_memo.c: zones and cadences a book has looked at, kept. */
#include "book_memo.h"

#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "util.h"

struct memo_zone {
	char		*tzid;
	time_t		 at;		/* the instant today is the date of */
	struct tb_date	 today;
	bool		 dated;
};

struct memo_cadence {
	char		*spec;
	struct cadence	 cadence;
};

struct book_memo {
	struct memo_zone	 zones[BOOK_MEMO_MAX];
	size_t			 nzones, next_zone;
	struct memo_cadence	 cadences[BOOK_MEMO_MAX];
	size_t			 ncadences, next_cadence;
};

struct book_memo *
book_memo_new(void)
{
	return xcalloc(1, sizeof(struct book_memo));
}

void
book_memo_free(struct book_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nzones; i++)
		free(m->zones[i].tzid);
	for (size_t i = 0; i < m->ncadences; i++) {
		free(m->cadences[i].spec);
		cadence_reset(&m->cadences[i].cadence);
	}
	free(m);
}

/* The slot for a new entry: a free one, else the oldest taken (*n of
 * BOOK_MEMO_MAX in use, *next the oldest). */
static size_t
memo_slot(size_t *n, size_t *next, bool *taken)
{
	size_t i;

	*taken = *n == BOOK_MEMO_MAX;
	if (!*taken)
		return (*n)++;
	i = *next;
	*next = (*next + 1) % BOOK_MEMO_MAX;
	return i;
}

/* tzid's entry, made when tzid is a zone; NULL when it is none. */
static struct memo_zone *
memo_zone(struct book_memo *m, const char *tzid)
{
	struct memo_zone *z;
	bool taken;

	for (size_t i = 0; i < m->nzones; i++)
		if (strcmp(m->zones[i].tzid, tzid) == 0)
			return &m->zones[i];
	if (!tz_valid(tzid))
		return NULL;
	z = &m->zones[memo_slot(&m->nzones, &m->next_zone, &taken)];
	if (taken)
		free(z->tzid);
	memset(z, 0, sizeof *z);
	z->tzid = xstrdup(tzid);
	return z;
}

bool
book_memo_zone_valid(struct book_memo *m, const char *tzid)
{
	if (m == NULL || tzid == NULL)
		return tz_valid(tzid);
	return memo_zone(m, tzid) != NULL;
}

int
book_memo_today(struct book_memo *m, const char *tzid, time_t now,
    struct tb_date *today, char **err)
{
	struct memo_zone *z;

	/* A zone that is none: tz_local_date says why. */
	if (m == NULL || tzid == NULL || (z = memo_zone(m, tzid)) == NULL)
		return tz_local_date(now, tzid, today, err);
	if (!z->dated || z->at != now) {
		if (tz_local_date(now, tzid, &z->today, err) != 0)
			return -1;
		z->at = now;
		z->dated = true;
	}
	*today = z->today;
	return 0;
}

static void
cadence_copy(struct cadence *dst, const struct cadence *src)
{
	*dst = *src;
	dst->rrule = xstrdup(src->rrule);
}

int
book_memo_cadence(struct book_memo *m, const char *spec, struct cadence *out,
    char **err)
{
	struct memo_cadence *c;
	bool taken;

	if (m == NULL || spec == NULL)
		return cadence_parse(spec, out, err);
	for (size_t i = 0; i < m->ncadences; i++)
		if (strcmp(m->cadences[i].spec, spec) == 0) {
			cadence_copy(out, &m->cadences[i].cadence);
			return 0;
		}
	if (cadence_parse(spec, out, err) != 0)
		return -1;
	c = &m->cadences[memo_slot(&m->ncadences, &m->next_cadence, &taken)];
	if (taken) {
		free(c->spec);
		cadence_reset(&c->cadence);
	}
	c->spec = xstrdup(spec);
	cadence_copy(&c->cadence, out);
	return 0;
}
