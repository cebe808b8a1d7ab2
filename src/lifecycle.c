/* lifecycle.c: invites planned, updated and cancelled. */
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "invite.h"
#include "outbox.h"
#include "tz.h"

/* A set of email addresses, compared without case. */
struct emails {
	char	**v;
	size_t	  n;
};

static void
emails_reset(struct emails *e)
{
	strv_free(e->v, e->n);
	e->v = NULL;
	e->n = 0;
}

static bool
emails_has(const struct emails *e, const char *email)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcasecmp(e->v[i], email) == 0)
			return true;
	return false;
}

static void
emails_add(struct emails *e, const char *email)
{
	if (emails_has(e, email))
		return;
	strv_add(&e->v, &e->n, xstrdup(email));
}

/* The meeting an invite puts on calendars. */
struct meeting {
	char	date[DATE_STRLEN];
	char	time[16];		/* HH:MM */
	char	tz[64];
};

static void
meeting_set(struct meeting *m, const char *date, const char *time,
    const char *tz)
{
	/* cppcheck-suppress ctuuninitvar ; snprintf writes m, not reads */
	snprintf(m->date, sizeof m->date, "%s", date);
	snprintf(m->time, sizeof m->time, "%s", time);
	snprintf(m->tz, sizeof m->tz, "%s", tz);
}

/* Where p's next check-in goes when the invite is sent in time: its due
 * date at meeting_time in its zone. */
static void
meeting_on_time(const struct book *b, const struct partner *p,
    struct meeting *m)
{
	char time[DATE_HHMM_STRLEN];

	date_hhmm_format(b->cfg->meeting_hour, b->cfg->meeting_minute, time);
	meeting_set(m, p->next_due, time, !str_empty(p->timezone) ?
	    p->timezone : b->cfg->timezone);
}

/* Whether the meeting starts after now. */
static int
meeting_future(const struct meeting *m, time_t now, bool *future, char **err)
{
	struct tb_date d;
	int hour, minute;
	time_t start;

	if (date_parse(m->date, &d, err) != 0 ||
	    date_hhmm_parse(m->time, &hour, &minute, err) != 0)
		return -1;
	if (tz_local_to_utc(d, hour, minute, m->tz, &start, NULL, err) != 0)
		return -1;
	*future = start > now;
	return 0;
}

/* A meeting that would start by now is late: it goes to the next business
 * day after today (in its zone), at the same time, as due dates do. */
static int
meeting_not_past(struct book *b, time_t now, struct meeting *m, char **err)
{
	struct tb_date today, day;
	char text[DATE_STRLEN];
	bool future;

	if (meeting_future(m, now, &future, err) != 0)
		return -1;
	if (future)
		return 0;
	if (tz_local_date(now, m->tz, &today, err) != 0)
		return -1;
	day = cadence_business_day(date_add_days(today, 1), &b->cal);
	snprintf(m->date, sizeof m->date, "%s", date_format(day, text));
	return 0;
}

/* Where p's next check-in would be put now. */
static int
meeting_of(struct book *b, const struct partner *p, time_t now,
    struct meeting *m, char **err)
{
	meeting_on_time(b, p, m);
	return meeting_not_past(b, now, m, err);
}

static bool
meeting_same(const struct meeting *a, const struct meeting *b)
{
	return strcmp(a->date, b->date) == 0 && strcmp(a->time, b->time) == 0 &&
	    strcmp(a->tz, b->tz) == 0;
}

void
lifecycle_init(struct lifecycle *lc, struct book *b, time_t now,
    const struct outbox_ids *ids)
{
	memset(lc, 0, sizeof *lc);
	lc->book = b;
	lc->now = now;
	lc->ids = ids;
	book_timestamp(now, lc->now_ts);
}

static int
collect_invitee(const struct contact *c, void *arg)
{
	/* An address that bounced for good is left off until it is edited. */
	if (c->invite && c->bounced_at == NULL)
		emails_add(arg, c->email);
	return 0;
}

int
lifecycle_invitees(struct book *b, const struct partner *p, char ***emails,
    size_t *n, char **err)
{
	struct emails e = { NULL, 0 };

	if (store_contact_foreach(b->store, p->id, collect_invitee, &e,
	    err) != 0) {
		emails_reset(&e);
		return -1;
	}
	/* The owner is on every invite already, as the first attendee. */
	for (size_t i = 0; i < e.n; i++)
		if (strcasecmp(e.v[i], p->owner_email) == 0) {
			free(e.v[i]);
			memmove(&e.v[i], &e.v[i + 1], (e.n - i - 1) *
			    sizeof *e.v);
			e.n--;
			break;
		}
	*emails = e.v;
	*n = e.n;
	return 0;
}

/* Everyone on p's invite: the owner, then the invited contacts. */
static int
attendees_of(struct book *b, const struct partner *p, struct emails *out,
    char **err)
{
	struct emails contacts = { NULL, 0 };

	memset(out, 0, sizeof *out);
	if (lifecycle_invitees(b, p, &contacts.v, &contacts.n, err) != 0)
		return -1;
	emails_add(out, p->owner_email);
	for (size_t i = 0; i < contacts.n; i++)
		emails_add(out, contacts.v[i]);
	emails_reset(&contacts);
	return 0;
}

static char *
emails_json(struct book *b, const struct emails *e, char **err)
{
	struct buf out;

	buf_init(&out);
	if (store_json_array(b->store, (const char *const *)e->v, e->n, &out,
	    err) != 0) {
		buf_reset(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* Fill msg as the message of kind about invite inv to recipient, at
 * sequence seq, carrying meeting m and the attendees (a JSON array). */
static int
invite_msg(struct lifecycle *lc, const struct invite_rec *inv,
    enum outbox_kind kind, const char *recipient, int seq,
    const char *attendees, const struct meeting *m, struct outbox_msg *msg,
    char **err)
{
	struct outbox_meeting om;
	struct emails att = { NULL, 0 };
	int rc;

	outbox_msg_init(msg, kind, inv->partner_id, inv->partner_key,
	    inv->occurrence, recipient, lc->ids);
	memset(&om, 0, sizeof om);
	om.set = true;
	om.tz = (char *)m->tz;
	rc = date_parse(m->date, &om.date, err) != 0 ||
	    date_hhmm_parse(m->time, &om.hour, &om.minute, err) != 0 ||
	    store_json_strings(lc->book->store, attendees, &att.v, &att.n,
	    err) != 0 ? -1 : 0;
	if (rc == 0)
		outbox_msg_set_invite(msg, inv->uid, seq,
		    (const char *const *)att.v, att.n, &om);
	else
		outbox_msg_reset(msg);
	emails_reset(&att);
	return rc;
}

/* One message about invite inv to recipient (see invite_msg), stored
 * unless planned already. */
static int
add_row(struct lifecycle *lc, const struct invite_rec *inv,
    enum outbox_kind kind, const char *recipient, int seq,
    const char *attendees, const struct meeting *m, char **err)
{
	struct outbox_msg msg;
	bool added;
	int rc;

	if (invite_msg(lc, inv, kind, recipient, seq, attendees, m, &msg,
	    err) != 0)
		return -1;
	rc = outbox_add(lc->book->store, &msg, lc->now, &added, err);
	outbox_msg_reset(&msg);
	if (rc == 0 && added)
		lc->planned++;
	return rc;
}

static void
invite_meeting(const struct invite_rec *inv, struct meeting *m)
{
	meeting_set(m, inv->meeting_date, inv->meeting_time, inv->meeting_tz);
}

static void
invite_set_meeting(struct invite_rec *inv, const struct meeting *m)
{
	free(inv->meeting_date);
	free(inv->meeting_time);
	free(inv->meeting_tz);
	inv->meeting_date = xstrdup(m->date);
	inv->meeting_time = xstrdup(m->time);
	inv->meeting_tz = xstrdup(m->tz);
}

/*
 * The invite is over: cancel it for everyone who may hold it, while its
 * meeting is still to come, and close it.
 */
static int
end_invite(struct lifecycle *lc, struct invite_rec *inv, char **err)
{
	struct emails got = { NULL, 0 };
	struct meeting m;
	bool future;
	int rc = 0;

	invite_meeting(inv, &m);
	if (meeting_future(&m, lc->now, &future, err) != 0)
		return -1;
	if (future && outbox_invite_recipients(lc->book->store, inv->uid,
	    false, &got.v, &got.n, err) != 0)
		return -1;
	if (got.n > 0)
		inv->sequence++;
	for (size_t i = 0; rc == 0 && i < got.n; i++)
		rc = add_row(lc, inv, OUTBOX_CANCEL, got.v[i], inv->sequence,
		    inv->attendees, &m, err);
	emails_reset(&got);
	free(inv->status);
	inv->status = xstrdup("closed");
	if (rc == 0)
		rc = store_invite_update(lc->book->store, inv, lc->now_ts, err);
	return rc;
}

/* A cancel to each attendee no longer on the invite who may hold it. */
static int
cancel_dropped(struct lifecycle *lc, const struct invite_rec *inv,
    const struct emails *dropped, int seq, char **err)
{
	struct emails got = { NULL, 0 }, one = { NULL, 0 };
	struct meeting m;
	bool future;
	char *json;
	int rc = 0;

	invite_meeting(inv, &m);
	if (dropped->n == 0)
		return 0;
	if (meeting_future(&m, lc->now, &future, err) != 0)
		return -1;
	if (!future)
		return 0;
	if (outbox_invite_recipients(lc->book->store, inv->uid, false,
	    &got.v, &got.n, err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < dropped->n; i++) {
		if (!emails_has(&got, dropped->v[i]))
			continue;
		emails_add(&one, dropped->v[i]);
		if ((json = emails_json(lc->book, &one, err)) == NULL)
			rc = -1;
		else
			rc = add_row(lc, inv, OUTBOX_CANCEL, dropped->v[i], seq, json,
			    &m, err);
		free(json);
		emails_reset(&one);
	}
	emails_reset(&got);
	return rc;
}

/* The changes one open invite needs, and whether the partner's book
 * still has it. */
struct reconcile {
	struct partner	p;
	bool		gone;		/* removed, archived, unscheduled */
	bool		checked_in;	/* a check-in logged since */
	long		checkin_id;
	struct emails	attendees;	/* who should be on it */
	struct emails	current;	/* who is on it */
	struct emails	dropped;
	struct emails	added;
};

static void
reconcile_reset(struct reconcile *r)
{
	partner_reset(&r->p);
	emails_reset(&r->attendees);
	emails_reset(&r->current);
	emails_reset(&r->dropped);
	emails_reset(&r->added);
}

static int
reconcile_load(struct lifecycle *lc, const struct invite_rec *inv,
    struct reconcile *r, char **err)
{
	struct book *b = lc->book;
	char *why = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	rc = store_partner_get(b->store, inv->partner_key, &r->p, &why);
	if (rc == STORE_NOT_FOUND || (rc == 0 && r->p.id != inv->partner_id) ||
	    (rc == 0 && r->p.archived)) {
		free(why);
		r->gone = true;
		return 0;
	}
	if (rc != 0) {
		set_err(err, "%s", why);
		free(why);
		return -1;
	}
	if (r->p.next_due == NULL) {
		r->gone = true;
		return 0;
	}
	if (store_checkin_latest_id(b->store, r->p.id, &r->checkin_id,
	    err) != 0)
		return -1;
	r->checked_in = r->checkin_id > inv->checkin_id;
	if (attendees_of(b, &r->p, &r->attendees, err) != 0 ||
	    store_json_strings(b->store, inv->attendees, &r->current.v,
	    &r->current.n, err) != 0)
		return -1;
	for (size_t i = 0; i < r->current.n; i++)
		if (!emails_has(&r->attendees, r->current.v[i]))
			emails_add(&r->dropped, r->current.v[i]);
	for (size_t i = 0; i < r->attendees.n; i++)
		if (!emails_has(&r->current, r->attendees.v[i]))
			emails_add(&r->added, r->attendees.v[i]);
	return 0;
}

/* An update to everyone the invite went (or is going) to who is still
 * on it, and the invite itself to attendees new to it. */
static int
send_changes(struct lifecycle *lc, const struct invite_rec *inv,
    const struct reconcile *r, bool moved, const struct meeting *m,
    char **err)
{
	struct emails to = { NULL, 0 };
	bool future;
	int rc = 0;

	if (moved && outbox_invite_recipients(lc->book->store, inv->uid,
	    true, &to.v, &to.n, err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < to.n; i++)
		if (emails_has(&r->attendees, to.v[i]))
			rc = add_row(lc, inv, OUTBOX_UPDATE, to.v[i], inv->sequence,
			    inv->attendees, m, err);
	emails_reset(&to);
	if (rc != 0 || r->added.n == 0)
		return rc;
	if (meeting_future(m, lc->now, &future, err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && future && i < r->added.n; i++)
		rc = add_row(lc, inv, strcasecmp(r->added.v[i],
		    r->p.owner_email) == 0 ? OUTBOX_REMINDER : OUTBOX_INVITATION,
		    r->added.v[i], inv->sequence, inv->attendees, m, err);
	return rc;
}

/* Whether any of who has had a message about inv at its current
 * SEQUENCE or later. */
static int
had_sequence(struct lifecycle *lc, const struct invite_rec *inv,
    const struct emails *who, bool *any, char **err)
{
	int seq;

	*any = false;
	for (size_t i = 0; !*any && i < who->n; i++) {
		if (outbox_invite_sequence(lc->book->store, inv->uid,
		    who->v[i], &seq, err) != 0)
			return -1;
		*any = seq >= inv->sequence;
	}
	return 0;
}

/* Whether inv lacks the meeting time and zone (stored before schema 3). */
static bool
meeting_stale(const struct invite_rec *inv)
{
	return str_empty(inv->meeting_time) || str_empty(inv->meeting_tz);
}

static int
reconcile_one(struct lifecycle *lc, struct invite_rec *inv, char **err)
{
	struct reconcile r;
	struct meeting was, now;
	bool moved, readded, unchanged;
	char *json;
	int rc;

	if (reconcile_load(lc, inv, &r, err) != 0) {
		reconcile_reset(&r);
		return -1;
	}
	invite_meeting(inv, &was);
	if (!r.gone)
		meeting_on_time(lc->book, &r.p, &now);
	/* A check-in that moved the due date satisfied this occurrence; one
	 * that did not (an older one, logged late) changes nothing. */
	if (r.gone || (r.checked_in && strcmp(r.p.next_due, was.date) != 0)) {
		rc = end_invite(lc, inv, err);
		reconcile_reset(&r);
		return rc;
	}
	unchanged = inv->checkin_id == r.checkin_id;
	inv->checkin_id = r.checkin_id;
	/* Invites from before schema 3 did not record the time and zone. */
	if (*was.time == '\0' || *was.tz == '\0') {
		memcpy(was.time, now.time, sizeof was.time);
		memcpy(was.tz, now.tz, sizeof was.tz);
	}
	/* A meeting put on the next business day because its invite went
	 * out late stays there while the due date does; a due date that
	 * moved puts it on that date, or on the next business day when that
	 * is past. */
	if (strcmp(was.time, now.time) == 0 && strcmp(was.tz, now.tz) == 0 &&
	    strcmp(r.p.next_due, inv->occurrence) == 0 &&
	    strcmp(was.date, inv->occurrence) > 0)
		memcpy(now.date, was.date, sizeof now.date);
	else if (!meeting_same(&was, &now) &&
	    meeting_not_past(lc->book, lc->now, &now, err) != 0) {
		reconcile_reset(&r);
		return -1;
	}
	moved = !meeting_same(&was, &now);
	/* A contact invited again after a cancel needs a SEQUENCE above
	 * the cancel's, or calendars keep the meeting cancelled. */
	rc = had_sequence(lc, inv, &r.added, &readded, err);
	if (moved || r.dropped.n > 0 || readded)
		inv->sequence++;
	if ((json = emails_json(lc->book, &r.attendees, err)) == NULL)
		rc = -1;
	/* An invite nothing changed is not written again: a run's cost
	 * follows what changed, not how many invites are open. */
	unchanged = unchanged && !moved && r.dropped.n == 0 &&
	    r.added.n == 0 && !readded && json != NULL &&
	    strcmp(json, inv->attendees) == 0 && !meeting_stale(inv);
	if (rc == 0)
		rc = cancel_dropped(lc, inv, &r.dropped, inv->sequence, err);
	if (rc == 0) {
		free(inv->attendees);
		inv->attendees = json;
		json = NULL;
		invite_set_meeting(inv, &now);
		rc = send_changes(lc, inv, &r, moved, &now, err);
	}
	if (rc == 0 && !unchanged)
		rc = store_invite_update(lc->book->store, inv, lc->now_ts, err);
	free(json);
	reconcile_reset(&r);
	return rc;
}

#define RECONCILE_CHUNK	1024	/* open invites read at a time */

struct open_list {
	struct invite_rec	*v;
	size_t			 n;
};

static int
keep_invite(const struct invite_rec *r, void *arg)
{
	struct open_list *l = arg;
	struct invite_rec *copy;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	copy = &l->v[l->n++];
	*copy = *r;
	copy->uid = xstrdup(r->uid);
	copy->partner_key = xstrdup(r->partner_key);
	copy->partner_name = xstrdup(r->partner_name);
	copy->owner_name = xstrdup(r->owner_name);
	copy->owner_email = xstrdup(r->owner_email);
	copy->occurrence = xstrdup(r->occurrence);
	copy->meeting_date = xstrdup(r->meeting_date);
	copy->meeting_time = xstrdup(r->meeting_time);
	copy->meeting_tz = xstrdup(r->meeting_tz);
	copy->attendees = xstrdup(r->attendees);
	copy->status = xstrdup(r->status);
	copy->created_at = xstrdup(r->created_at);
	copy->updated_at = xstrdup(r->updated_at);
	return 0;
}

int
lifecycle_reconcile(struct lifecycle *lc, char **err)
{
	struct open_list open = { NULL, 0 };
	long after = 0;
	bool more = true;
	int rc = 0;

	/* A chunk is read before it is reconciled, which writes to the same
	 * table; chunks keep memory flat however many invites are open. */
	while (rc == 0 && more) {
		rc = store_invite_foreach_open(lc->book->store, &after,
		    RECONCILE_CHUNK, keep_invite, &open, err);
		more = open.n == RECONCILE_CHUNK;
		for (size_t i = 0; rc == 0 && i < open.n; i++)
			if ((rc = reconcile_one(lc, &open.v[i], err)) != 0)
				prefix_err(err, "invite %s", open.v[i].uid);
		for (size_t i = 0; i < open.n; i++)
			invite_rec_reset(&open.v[i]);
		open.n = 0;
	}
	free(open.v);
	return rc;
}

/* A new invite record for p's next check-in (not yet stored). */
static int
invite_new(struct lifecycle *lc, const struct partner *p,
    const struct emails *attendees, struct invite_rec *inv, char **err)
{
	struct meeting m;
	struct tb_date due;

	memset(inv, 0, sizeof *inv);
	if (date_parse(p->next_due, &due, err) != 0)
		return -1;
	if (meeting_of(lc->book, p, lc->now, &m, err) != 0)
		return -1;
	inv->uid = invite_uid(p->key, due, lc->ids->domain);
	inv->partner_id = p->id;
	inv->partner_key = xstrdup(p->key);
	inv->partner_name = xstrdup(p->name);
	inv->owner_name = xstrdup(p->owner_name);
	inv->owner_email = xstrdup(p->owner_email);
	inv->occurrence = xstrdup(p->next_due);
	invite_set_meeting(inv, &m);
	inv->status = xstrdup("open");
	if ((inv->attendees = emails_json(lc->book, attendees, err)) == NULL ||
	    store_checkin_latest_id(lc->book->store, p->id, &inv->checkin_id,
	    err) != 0)
		return -1;
	return 0;
}

/* Store inv, or reopen the closed invite of the same UID one SEQUENCE
 * on (a partner removed and added again before its meeting). */
static int
invite_store(struct lifecycle *lc, struct invite_rec *inv, char **err)
{
	struct invite_rec old;
	int rc;

	rc = store_invite_add(lc->book->store, inv, lc->now_ts, err);
	if (rc != STORE_EXISTS)
		return rc;
	if (store_invite_get(lc->book->store, inv->uid, &old, err) != 0)
		return -1;
	inv->sequence = old.sequence + 1;
	invite_rec_reset(&old);
	return store_invite_update(lc->book->store, inv, lc->now_ts, err);
}

int
lifecycle_invite(struct lifecycle *lc, const struct partner *p, bool to_owner,
    bool to_contacts, char **err)
{
	struct emails attendees = { NULL, 0 };
	struct invite_rec inv;
	struct meeting m;
	bool any;
	int rc;

	rc = store_invite_get_open(lc->book->store, p->id, &inv, err);
	invite_rec_reset(&inv);
	if (rc != STORE_NOT_FOUND)
		return rc == 0 ? 0 : -1;	/* open: reconciled already */
	if (attendees_of(lc->book, p, &attendees, err) != 0)
		return -1;
	rc = 0;
	any = to_owner || (to_contacts && attendees.n > 1);
	if (!any || (rc = invite_new(lc, p, &attendees, &inv, err)) != 0 ||
	    (rc = invite_store(lc, &inv, err)) != 0)
		goto done;
	invite_meeting(&inv, &m);
	if (to_owner)
		rc = add_row(lc, &inv, OUTBOX_REMINDER, p->owner_email, inv.sequence,
		    inv.attendees, &m, err);
	for (size_t i = 1; rc == 0 && to_contacts && i < attendees.n; i++)
		rc = add_row(lc, &inv, OUTBOX_INVITATION, attendees.v[i],
		    inv.sequence, inv.attendees, &m, err);
done:
	invite_rec_reset(&inv);
	emails_reset(&attendees);
	return rc;
}

int
lifecycle_preview_row(struct lifecycle *lc, const struct partner *p,
    enum outbox_kind kind, const char *recipient, struct outbox_msg *msg,
    char **err)
{
	struct emails attendees = { NULL, 0 };
	struct invite_rec inv;
	struct meeting m;
	int rc;

	memset(msg, 0, sizeof *msg);
	rc = store_invite_get_open(lc->book->store, p->id, &inv, err);
	if (rc == STORE_NOT_FOUND)
		rc = attendees_of(lc->book, p, &attendees, err) != 0 ||
		    invite_new(lc, p, &attendees, &inv, err) != 0 ? -1 : 0;
	if (rc == 0) {
		invite_meeting(&inv, &m);
		rc = invite_msg(lc, &inv, kind, recipient, inv.sequence,
		    inv.attendees, &m, msg, err);
	}
	invite_rec_reset(&inv);
	emails_reset(&attendees);
	return rc == 0 ? 0 : -1;
}
