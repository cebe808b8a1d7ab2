/*
 * feed.c: upcoming check-ins as a METHOD:PUBLISH calendar.  Partners come
 * from the next_due index (the cost grows with what is due, as in
 * plan.c); each becomes the meeting its invite carries, or would carry.
 */
#include "feed.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cadence.h"
#include "invite.h"
#include "message.h"
#include "outbox.h"
#include "state.h"
#include "tz.h"

/* One event and the strings it points to. */
struct feed_item {
	struct invite_event	 ev;
	char			*uid;
	char			*summary;
	char			*description;
	char			*tzid;
};

struct feed_state {
	struct book		 *book;
	const struct feed_filter *filter;
	time_t			  now;
	char			 *domain;	/* of smtp.from, for UIDs */
	char			 *org_name;	/* may be NULL */
	char			 *org_email;
	struct invite_stream	 *stream;
	bool			  writing;	/* the second pass: events
						 * written, not noted */
	size_t			  nitems;
	struct buf		  out;		/* written at FEED_FLUSH */
	feed_write_fn		  write;
	void			 *write_arg;
	char			**err;
};

#define FEED_FLUSH	65536

/* The meeting of one partner's next check-in, as it is or will be sent. */
struct meeting {
	char		*uid;
	int		 sequence;
	struct tb_date	 date;
	int		 hour, minute;
	char		*tzid;
};

static void
item_reset(struct feed_item *it)
{
	free(it->uid);
	free(it->summary);
	free(it->description);
	free(it->tzid);
	memset(it, 0, sizeof *it);
}

/*
 * What an open invite put on calendars: its UID and SEQUENCE, and its
 * meeting, with the configuration filling what an invite recorded
 * before schema 3 lacks (time and zone).
 */
static int
meeting_from_invite(const struct invite_rec *inv, struct meeting *m,
    char **err)
{
	m->uid = xstrdup(inv->uid);
	m->sequence = inv->sequence;
	if (!str_empty(inv->meeting_date) &&
	    date_parse(inv->meeting_date, &m->date, err) != 0)
		return prefix_err(err, "invite %s: meeting date", inv->uid);
	if (!str_empty(inv->meeting_time) &&
	    date_hhmm_parse(inv->meeting_time, &m->hour, &m->minute,
	    NULL) != 0)
		return set_err(err, "invite %s: meeting time \"%s\" is not "
		    "HH:MM", inv->uid, inv->meeting_time);
	if (!str_empty(inv->meeting_tz)) {
		free(m->tzid);
		m->tzid = xstrdup(inv->meeting_tz);
	}
	return 0;
}

/*
 * Whether a check-in logged since inv was planned moved the due date off
 * its meeting: that check-in satisfied the occurrence, and the next run
 * cancels the invite (lifecycle.c), so the feed shows the next one.
 */
static int
invite_settled(struct feed_state *fs, const struct partner *p,
    const struct invite_rec *inv, bool *settled)
{
	const char *date = !str_empty(inv->meeting_date) ? inv->meeting_date :
	    inv->occurrence;
	long latest;

	*settled = false;
	if (store_checkin_latest_id(fs->book->store, p->id, &latest,
	    fs->err) != 0)
		return -1;
	*settled = latest > inv->checkin_id &&
	    strcmp(p->next_due, date ? date : "") != 0;
	return 0;
}

/*
 * The meeting for p due on due: the open invite's when the partner has
 * one, else the one run's reminder would create (lifecycle.c: the UID of
 * the due date, meeting_time on it in the partner's zone).  The caller
 * frees m's strings, on failure too.
 */
static int
meeting_of(struct feed_state *fs, const struct partner *p,
    struct tb_date due, const char *tz, struct meeting *m)
{
	const struct config *cfg = fs->book->cfg;
	struct invite_rec inv;
	bool settled = false;
	int rc;

	memset(m, 0, sizeof *m);
	m->date = due;
	m->hour = cfg->meeting_hour;
	m->minute = cfg->meeting_minute;
	m->tzid = xstrdup(tz);
	rc = store_invite_get_open(fs->book->store, p->id, &inv, fs->err);
	if (rc == 0 && (rc = invite_settled(fs, p, &inv, &settled)) == 0 &&
	    settled)
		rc = STORE_NOT_FOUND;
	if (rc == 0)
		rc = meeting_from_invite(&inv, m, fs->err);
	else if (rc == STORE_NOT_FOUND) {
		m->uid = invite_uid(p->key, due, fs->domain);
		rc = 0;
	}
	invite_rec_reset(&inv);
	return rc == 0 ? 0 : -1;
}

/* The last check-in (or the start, when there was none) and its age. */
static void
add_since(struct buf *b, const struct partner *p, struct tb_date today)
{
	const char *since = p->last_checkin ? p->last_checkin : p->start_date;
	struct tb_date d;
	char *ago;

	if (since == NULL || date_parse(since, &d, NULL) != 0) {
		buf_adds(b, "Last check-in: none yet\n");
		return;
	}
	ago = date_days_phrase(date_diff(d, today), " ago");
	if (p->last_checkin != NULL)
		buf_printf(b, "Last check-in: %s (%s)\n", since, ago);
	else
		buf_printf(b, "Last check-in: none yet (start %s, %s)\n",
		    since, ago);
	free(ago);
}

/* DESCRIPTION: where the partnership stands, for whoever opens it. */
static char *
describe(const struct partner *p, enum partner_state st,
    struct tb_date today, const char *tz, struct tb_date due)
{
	struct buf b;
	char *cad = cadence_describe_spec(p->cadence), *when;
	char text[DATE_STRLEN];

	when = date_days_phrase(date_diff(due, today), " late");
	buf_init(&b);
	buf_printf(&b, "Partner: %s (%s)\n", p->name, p->key);
	buf_printf(&b, "State: %s\n", state_name(st));
	if (p->owner_name != NULL)
		buf_printf(&b, "Owner: %s <%s>\n", p->owner_name,
		    p->owner_email);
	else
		buf_printf(&b, "Owner: %s\n", p->owner_email);
	if (!str_empty(p->sponsor_email))
		buf_printf(&b, "Sponsor: %s\n", p->sponsor_email);
	buf_printf(&b, "Cadence: %s\n", cad);
	add_since(&b, p, today);
	buf_printf(&b, "Due: %s (%s)\n", date_format(due, text), when);
	/* The feed is read days after it was made: the counts say when. */
	buf_printf(&b, "As of: %s (%s)\n", date_format(today, text),
	    str_empty(tz) ? "UTC" : tz);
	buf_printf(&b, "\nOnce it has happened: touchbase checkin %s", p->key);
	free(cad);
	free(when);
	return buf_steal(&b);
}

static char *
summary_of(const struct partner *p, enum partner_state st)
{
	const char *prefix = st == STATE_ESCALATED ? "Escalated: " :
	    st == STATE_OVERDUE ? "Overdue: " : "";

	return xasprintf("%sCheck-in: %s", prefix, p->name);
}

/* The calendar so far to the writer. */
static int
flush_out(struct feed_state *fs)
{
	int rc = 0;

	if (fs->out.len > 0 && fs->write(buf_str(&fs->out), fs->out.len,
	    fs->write_arg) != 0)
		rc = set_err(fs->err, "writing the feed failed");
	buf_reset(&fs->out);
	buf_init(&fs->out);
	return rc;
}

/* The event of p's check-in due on due: noted on the first pass,
 * written on the second. */
static int
add_item(struct feed_state *fs, const struct partner *p, struct tb_date due,
    struct tb_date today, const char *tz)
{
	const struct config *cfg = fs->book->cfg;
	enum partner_state st = state_stage(cfg, &due, today,
	    !str_empty(p->sponsor_email), NULL).state;
	struct feed_item item, *it = &item;
	struct meeting m;
	int rc;

	if (meeting_of(fs, p, due, tz, &m) != 0) {
		free(m.uid);
		free(m.tzid);
		return -1;
	}
	memset(it, 0, sizeof *it);
	it->uid = m.uid;
	it->tzid = m.tzid;
	it->summary = summary_of(p, st);
	/* The first pass needs the meeting's zone and years only. */
	if (fs->writing)
		it->description = describe(p, st, today, tz, due);
	it->ev.uid = it->uid;
	it->ev.sequence = m.sequence;
	it->ev.summary = it->summary;
	it->ev.description = it->description;
	it->ev.tzid = it->tzid;
	it->ev.date = m.date;
	it->ev.hour = m.hour;
	it->ev.minute = m.minute;
	it->ev.minutes = cfg->meeting_minutes;
	it->ev.organizer_name = fs->org_name;
	it->ev.organizer_email = fs->org_email;
	it->ev.alarm_days = cfg->lead_days;
	if (!fs->writing)
		rc = invite_stream_note(fs->stream, &it->ev, fs->err);
	else if ((rc = invite_stream_event(fs->stream, &it->ev, fs->now,
	    &fs->out, fs->err)) == 0 && fs->out.len >= FEED_FLUSH)
		rc = flush_out(fs);
	if (rc == 0 && fs->writing)
		fs->nitems++;
	item_reset(it);
	return rc;
}

/* store_partner_foreach_due callback: keep p if the filter lets it in. */
static int
consider(const struct partner *p, void *arg)
{
	struct feed_state *fs = arg;
	const struct feed_filter *f = fs->filter;
	const char *tz = book_partner_tz(fs->book, p);
	struct tb_date today, due;

	if (p->archived || p->next_due == NULL)
		return 0;
	if (f->owner != NULL && strcasecmp(p->owner_email, f->owner) != 0)
		return 0;
	if (book_today(fs->book, p, fs->now, &today, fs->err) != 0 ||
	    date_parse(p->next_due, &due, fs->err) != 0)
		return prefix_err(fs->err, "partner %s", p->key);
	if (date_diff(today, due) > f->days)
		return 0;
	if (add_item(fs, p, due, today, tz) != 0)
		return prefix_err(fs->err, "partner %s", p->key);
	return 0;
}

/* Only partner f->key: BOOK_NOT_FOUND when there is none. */
static int
consider_key(struct feed_state *fs)
{
	struct partner p;
	int rc;

	memset(&p, 0, sizeof p);
	rc = book_partner_get(fs->book, fs->filter->key, &p, fs->err);
	if (rc == BOOK_OK)
		rc = consider(&p, fs) == 0 ? BOOK_OK : BOOK_ERROR;
	partner_reset(&p);
	return rc;
}

/* The partners' events, from the next_due index or the one key. */
static int
collect(struct feed_state *fs)
{
	struct tb_date horizon;
	char text[DATE_STRLEN];

	if (fs->filter->key != NULL)
		return consider_key(fs);
	/* Local dates differ from UTC by at most a day: look one further. */
	if (tz_local_date(fs->now, "UTC", &horizon, fs->err) != 0)
		return BOOK_ERROR;
	horizon = date_add_days(horizon, fs->filter->days + 1);
	return store_partner_foreach_due(fs->book->store,
	    date_format(horizon, text), consider, fs, fs->err) == 0 ?
	    BOOK_OK : BOOK_ERROR;
}

static int
check_filter(const struct feed_filter *f, char **err)
{
	if (f->days < 1 || f->days > FEED_DAYS_MAX)
		return set_err(err, "days: %d is not between 1 and %d",
		    f->days, FEED_DAYS_MAX), BOOK_INVALID;
	if (f->owner != NULL && book_check_email("owner", f->owner, err) != 0)
		return BOOK_INVALID;
	return BOOK_OK;
}

static void
feed_state_reset(struct feed_state *fs)
{
	invite_stream_free(fs->stream);
	buf_reset(&fs->out);
	free(fs->domain);
	free(fs->org_name);
	free(fs->org_email);
}

int
feed_write(struct book *b, const struct feed_filter *f, time_t now,
    feed_write_fn write, void *arg, size_t *nevents, char **err)
{
	struct feed_state fs;
	int rc;

	if ((rc = check_filter(f, err)) != BOOK_OK)
		return rc;
	memset(&fs, 0, sizeof fs);
	fs.book = b;
	fs.filter = f;
	fs.now = now;
	fs.err = err;
	fs.write = write;
	fs.write_arg = arg;
	buf_init(&fs.out);
	if (message_address_parse(b->cfg->from, &fs.org_name, &fs.org_email,
	    err) != 0) {
		feed_state_reset(&fs);
		return prefix_err(err, "smtp.from"), BOOK_ERROR;
	}
	fs.domain = outbox_domain(b->cfg);
	if ((fs.stream = invite_stream_new("PUBLISH", err)) == NULL ||
	    store_begin_read(b->store, err) != 0) {
		feed_state_reset(&fs);
		return BOOK_ERROR;
	}
	/* Twice over the due index: the zones and years first, since the
	 * VTIMEZONEs come before the events, then the events, written as
	 * they come; nothing holds the whole feed. */
	if (rc == BOOK_OK)
		rc = collect(&fs);
	if (rc == BOOK_OK && invite_stream_head(fs.stream, &fs.out, err) != 0)
		rc = BOOK_ERROR;
	fs.writing = true;
	if (rc == BOOK_OK)
		rc = collect(&fs);
	if (rc == BOOK_OK) {
		invite_stream_tail(&fs.out);
		if (flush_out(&fs) != 0)
			rc = BOOK_ERROR;
	}
	/* Both passes read one snapshot: a check-in between them cannot
	 * move an event out of the zones noted. */
	store_rollback(b->store);
	if (rc == BOOK_OK && nevents != NULL)
		*nevents = fs.nitems;
	feed_state_reset(&fs);
	return rc;
}
