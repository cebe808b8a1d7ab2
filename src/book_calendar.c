/* book_calendar.c: the partners' due dates kept to the business-day
 * calendar as configured, recomputing only what a change can move. */
#include "book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* The business-day calendar as text, to tell when it changes. */
static char *
calendar_fingerprint(const struct cadence_calendar *cal)
{
	char text[DATE_STRLEN];
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "skip_weekends=%d lead_days=%d holidays=",
	    cal->skip_weekends, cal->lead_days);
	for (size_t i = 0; i < cal->nholidays; i++)
		buf_printf(&b, "%s%s", i ? "," : "",
		    date_format(cal->holidays[i], text));
	return buf_steal(&b);
}

/* The calendar a fingerprint describes, into *cal (free cal->holidays);
 * -1 for text that is none. */
static int
calendar_parse(const char *text, struct cadence_calendar *cal)
{
	const char *list, *s;
	int skip, lead, n = 0;
	struct tb_date d;
	char day[DATE_STRLEN];

	memset(cal, 0, sizeof *cal);
	if (sscanf(text, "skip_weekends=%d lead_days=%d holidays=%n", &skip,
	    &lead, &n) != 2 || n == 0)
		return -1;
	cal->skip_weekends = skip != 0;
	cal->lead_days = lead;
	for (list = text + n; *list != '\0'; list = *s ? s + 1 : s) {
		s = list + strcspn(list, ",");
		if ((size_t)(s - list) >= sizeof day)
			goto bad;
		memcpy(day, list, (size_t)(s - list));
		day[s - list] = '\0';
		if (date_parse(day, &d, NULL) != 0)
			goto bad;
		cal->holidays = xreallocarray(cal->holidays, cal->nholidays + 1,
		    sizeof *cal->holidays);
		cal->holidays[cal->nholidays++] = d;
	}
	return 0;
bad:
	free(cal->holidays);
	memset(cal, 0, sizeof *cal);
	return -1;
}

/* Whether the sorted holidays of cal hold d. */
static bool
calendar_has(const struct cadence_calendar *cal, struct tb_date d)
{
	for (size_t i = 0; i < cal->nholidays; i++)
		if (date_cmp(cal->holidays[i], d) == 0)
			return true;
	return false;
}

/*
 * The stored due dates a change of holidays alone can move: a due date is
 * the first business day on or after a date the holidays do not touch, so
 * it moves only when a day added or dropped lies between the two; the old
 * due date is then the first old business day on or after that day.  Into
 * *out (sorted, caller frees), *n of them.
 */
static void
moved_dates(const struct cadence_calendar *was,
    const struct cadence_calendar *now, struct tb_date **out, size_t *n)
{
	const struct cadence_calendar *cals[2] = { was, now };
	struct tb_date d;

	*out = NULL;
	*n = 0;
	for (int c = 0; c < 2; c++)
		for (size_t i = 0; i < cals[c]->nholidays; i++) {
			if (calendar_has(cals[1 - c], cals[c]->holidays[i]))
				continue;
			d = cadence_business_day(cals[c]->holidays[i], was);
			*out = xreallocarray(*out, *n + 1, sizeof **out);
			(*out)[(*n)++] = d;
		}
}

struct calendar_sync {
	struct book	*book;
	long		*changed;
	char		**err;
};

/* Recompute p's next_due under the book's calendar; store it if moved. */
static int
sync_partner(const struct partner *p, void *arg)
{
	struct calendar_sync *cs = arg;
	struct partner q = *p;
	bool same;
	int rc;

	q.next_due = xstrdup(p->next_due);
	if (book_next_due(cs->book, &q, cs->err) != 0) {
		free(q.next_due);
		return -1;
	}
	same = q.next_due == NULL || p->next_due == NULL ?
	    q.next_due == p->next_due : strcmp(q.next_due, p->next_due) == 0;
	rc = same ? 0 : store_partner_set_next_due(cs->book->store, p->id,
	    q.next_due, cs->err);
	if (rc == 0 && !same && cs->changed != NULL)
		(*cs->changed)++;
	free(q.next_due);
	return rc == 0 ? 0 : -1;
}

int
book_sync_calendar(struct book *b, long *changed, char **err)
{
	struct calendar_sync cs = { b, changed, err };
	struct cadence_calendar was;
	struct tb_date *dates = NULL;
	char *now = calendar_fingerprint(&b->cal), *stored = NULL;
	char text[DATE_STRLEN];
	size_t n = 0;
	int rc;

	if (changed != NULL)
		*changed = 0;
	rc = store_setting_get(b->store, "calendar", &stored, err);
	if (rc == 0 && strcmp(stored, now) == 0)
		goto done;
	if (rc != 0 && rc != STORE_NOT_FOUND) {
		rc = -1;
		goto done;
	}
	if (rc != 0 || calendar_parse(stored, &was) != 0) {
		/* None remembered: every date is computed again. */
		memset(&was, 0, sizeof was);
		was.lead_days = -1;
	}
	if (was.skip_weekends == b->cal.skip_weekends &&
	    was.lead_days == b->cal.lead_days) {
		/* Only holidays changed: only a few due dates can move. */
		moved_dates(&was, &b->cal, &dates, &n);
		rc = 0;
		/* A date twice is harmless: its partners have moved. */
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = store_partner_foreach_due_on(b->store,
			    date_format(dates[i], text), sync_partner, &cs,
			    err);
	} else
		rc = store_partner_foreach(b->store, false, sync_partner, &cs,
		    err);
	free(was.holidays);
	if (rc == 0)
		rc = store_setting_set(b->store, "calendar", now, err);
	rc = rc == 0 ? 0 : -1;
done:
	free(dates);
	free(stored);
	free(now);
	return rc;
}
