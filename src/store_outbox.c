/* store_outbox.c: the outbox's rows in SQLite, typed at this boundary. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_db.h"
#include "store_outbox.h"

#define OUTBOX_COLUMNS \
	"id, partner_id, partner_key, kind, occurrence, recipient, state," \
	" message_id, uid, sequence, attendees, attempts, next_attempt," \
	" last_error, reply, created_at, sent_at, meeting_date, meeting_time," \
	" meeting_tz, queued_at, detail"

static const char *const undelivered_states =
    "('pending', 'sending', 'deferred', 'failed', 'bounced')";
/* A message of the outbox whose Cc has not got it. */
#define CC_UNDELIVERED \
	"EXISTS (SELECT 1 FROM outbox_rcpt r WHERE r.outbox_id = outbox.id" \
	" AND r.state IN ('pending', 'sending', 'deferred', 'failed'))"
#define RCPT_COLUMNS \
	"outbox_id, address, role, state, attempts, next_attempt, reply," \
	" queued_at"

/* A timestamp column, 0 when NULL; -1 when it is not one. */
static int
column_time(sqlite3_stmt *st, int i, time_t *t)
{
	const char *text = (const char *)sqlite3_column_text(st, i);

	*t = 0;
	return text == NULL ? 0 : date_timestamp_parse(text, t);
}

static int
column_meeting(sqlite3_stmt *st, struct outbox_meeting *m,
    char **err)
{
	const char *date = (const char *)sqlite3_column_text(st, 17);
	const char *time = (const char *)sqlite3_column_text(st, 18);

	memset(m, 0, sizeof *m);
	if (date == NULL)
		return 0;
	m->set = true;
	m->tz = sdb_column_text(st, 19);
	if (date_parse(date, &m->date, err) != 0)
		return -1;
	/* Rows from before schema 3 did not record the time. */
	if (time == NULL)
		m->hour = m->minute = -1;
	else if (date_hhmm_parse(time, &m->hour, &m->minute, err) != 0)
		return -1;
	return 0;
}

/* The typed message of the current row; -1 with *err naming the row
 * when its text does not convert. */
static int
outbox_from_row(struct store *s, sqlite3_stmt *st, struct outbox_msg *m,
    char **err)
{
	const char *attendees;
	int rc = 0;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	m->partner_id = sqlite3_column_int64(st, 1);
	m->partner_key = sdb_column_text(st, 2);
	m->occurrence = sdb_column_text(st, 4);
	m->recipient = sdb_column_text(st, 5);
	m->message_id = sdb_column_text(st, 7);
	m->uid = sdb_column_text(st, 8);
	m->sequence = sqlite3_column_int(st, 9);
	m->attempts = sqlite3_column_int(st, 11);
	m->last_error = sdb_column_text(st, 13);
	m->reply = sdb_column_text(st, 14);
	m->detail = sdb_column_text(st, 21);
	if (outbox_kind_parse((const char *)sqlite3_column_text(st, 3),
	    &m->kind, err) != 0 ||
	    outbox_state_parse((const char *)sqlite3_column_text(st, 6),
	    &m->state, err) != 0 ||
	    column_meeting(st, &m->meeting, err) != 0)
		rc = -1;
	else if (column_time(st, 12, &m->next_attempt) != 0 ||
	    column_time(st, 15, &m->created_at) != 0 ||
	    column_time(st, 16, &m->sent_at) != 0 ||
	    column_time(st, 20, &m->queued_at) != 0)
		rc = set_err(err, "a time is not YYYY-MM-DDTHH:MM:SSZ");
	if (m->queued_at == 0)
		m->queued_at = m->created_at;
	attendees = (const char *)sqlite3_column_text(st, 10);
	if (rc == 0 && attendees != NULL)
		rc = store_json_strings(s, attendees, &m->attendees,
		    &m->nattendees, err);
	if (rc != 0) {
		prefix_err(err, "%s: outbox message %ld", s->path, m->id);
		outbox_msg_reset(m);
	}
	return rc;
}

/* Bind the meeting's date, time and zone at i, i + 1, i + 2. */
static void
bind_meeting(sqlite3_stmt *st, int i, const struct outbox_meeting *m)
{
	char date[DATE_STRLEN], time[16];

	if (!m->set)
		return;
	sdb_bind_text(st, i, date_format(m->date, date));
	if (m->hour >= 0) {
		snprintf(time, sizeof time, "%02d:%02d", m->hour, m->minute);
		sdb_bind_text(st, i + 1, time);
	}
	sdb_bind_text(st, i + 2, m->tz);
}

/* Bind t as a timestamp at i, NULL when 0. */
static void
bind_time(sqlite3_stmt *st, int i, time_t t)
{
	char ts[DATE_TIMESTAMP_STRLEN];

	if (t != 0)
		sdb_bind_text(st, i, date_timestamp(t, ts));
}

int
store_outbox_insert(struct store *s, struct outbox_msg *m, time_t now,
    bool *inserted, char **err)
{
	struct buf attendees;
	sqlite3_stmt *st;
	int rc;

	buf_init(&attendees);
	if (m->attendees != NULL && store_json_array(s,
	    (const char *const *)m->attendees, m->nattendees, &attendees,
	    err) != 0)
		return -1;
	if (sdb_cached(s, "INSERT OR IGNORE INTO outbox (partner_id, partner_key,"
	    " kind, occurrence, recipient, state, message_id, uid, sequence,"
	    " attendees, created_at, meeting_date, meeting_time, meeting_tz,"
	    " detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	    " ?13, ?14, ?15)", &st, err) != 0) {
		buf_reset(&attendees);
		return -1;
	}
	if (m->partner_id > 0)
		sqlite3_bind_int64(st, 1, m->partner_id);
	sdb_bind_held(st, 2, m->partner_key);
	sdb_bind_held(st, 3, outbox_kind_name(m->kind));
	sdb_bind_held(st, 4, m->occurrence);
	sdb_bind_held(st, 5, m->recipient);
	sdb_bind_held(st, 6, outbox_state_name(m->state));
	sdb_bind_held(st, 7, m->message_id);
	sdb_bind_held(st, 8, m->uid);
	sqlite3_bind_int(st, 9, m->sequence);
	if (m->attendees != NULL)
		sdb_bind_held(st, 10, buf_str(&attendees));
	bind_time(st, 11, now);
	bind_meeting(st, 12, &m->meeting);
	sdb_bind_held(st, 15, m->detail);
	rc = sdb_step_done(s, st, "adding to the outbox", err);
	sdb_finish(s, st);
	buf_reset(&attendees);
	if (rc != 0)
		return -1;
	*inserted = sqlite3_changes(s->db) > 0;
	if (*inserted) {
		m->id = sqlite3_last_insert_rowid(s->db);
		m->created_at = m->queued_at = now;
	}
	return 0;
}

int
store_outbox_exists(struct store *s, const struct outbox_msg *m,
    bool *exists, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "SELECT 1 FROM outbox WHERE partner_key = ?1"
	    " AND kind = ?2 AND occurrence = ?3 AND recipient = ?4"
	    " AND sequence = ?5", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, m->partner_key);
	sdb_bind_text(st, 2, outbox_kind_name(m->kind));
	sdb_bind_text(st, 3, m->occurrence);
	sdb_bind_text(st, 4, m->recipient);
	sqlite3_bind_int(st, 5, m->sequence);
	rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = sdb_err(s, err, "reading the outbox");
	else
		rc = 0;
	sdb_finish(s, st);
	return rc;
}

void
store_outbox_set_tap(struct store *s, outbox_fn fn, void *arg)
{
	s->outbox_tap = fn;
	s->outbox_tap_arg = arg;
}

outbox_fn
store_outbox_tap(struct store *s, void **arg)
{
	if (arg != NULL)
		*arg = s->outbox_tap_arg;
	return s->outbox_tap;
}

static int
outbox_rows(struct store *s, sqlite3_stmt *st, outbox_fn fn, void *arg,
    char **err)
{
	struct outbox_msg m;
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (outbox_from_row(s, st, &m, err) != 0) {
			stop = -1;
			break;
		}
		stop = fn(&m, arg);
		outbox_msg_reset(&m);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading the outbox");
	sdb_finish(s, st);
	return stop;
}

int
store_outbox_foreach_ready(struct store *s, time_t now, long after,
    long limit, outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_cached(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE id > ?2 AND (state IN ('pending', 'sending')"
	    " OR (state = 'deferred' AND next_attempt <= ?1))"
	    " ORDER BY id LIMIT ?3", &st, err) != 0)
		return -1;
	bind_time(st, 1, now);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit);
	return outbox_rows(s, st, fn, arg, err);
}

int
store_outbox_foreach(struct store *s, const struct outbox_filter *f,
    outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	sql = xasprintf("SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE (?1 IS NULL OR partner_key = ?1)"
	    " AND (?2 IS NULL OR state = ?2)"
	    " AND (?3 IS NULL OR created_at >= ?3)"
	    " AND (NOT ?4 OR state IN %s OR " CC_UNDELIVERED ")"
	    " AND ((NOT ?5 AND NOT ?6) OR (state = 'sent' AND EXISTS (SELECT 1"
	    " FROM outbox_rcpt r WHERE r.outbox_id = outbox.id"
	    " AND r.role = 'cc' AND ((?5 AND r.state = 'failed')"
	    " OR (?6 AND r.state = 'deferred'))))) ORDER BY id",
	    undelivered_states);
	rc = sdb_cached(s, sql, &st, err);
	free(sql);
	if (rc != 0)
		return -1;
	sdb_bind_text(st, 1, f->partner_key);
	if (!f->any_state)
		sdb_bind_text(st, 2, outbox_state_name(f->state));
	bind_time(st, 3, f->since);
	sqlite3_bind_int(st, 4, f->undelivered);
	sqlite3_bind_int(st, 5, f->cc_failed);
	sqlite3_bind_int(st, 6, f->cc_deferred);
	return outbox_rows(s, st, fn, arg, err);
}

/* The one row st selects into *out (finalizing st): 0, STORE_NOT_FOUND,
 * or -1 with *err. */
static int
outbox_one(struct store *s, sqlite3_stmt *st, struct outbox_msg *out,
    char **err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		rc = outbox_from_row(s, st, out, err) == 0 ? 0 : -1;
	else if (rc == SQLITE_DONE)
		rc = STORE_NOT_FOUND;
	else
		rc = sdb_err(s, err, "reading the outbox");
	sdb_finish(s, st);
	return rc;
}

int
store_outbox_get(struct store *s, long id, struct outbox_msg *out,
    char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (sdb_cached(s, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1",
	    &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return outbox_one(s, st, out, err);
}

int
store_outbox_find(struct store *s, const char *message_id,
    struct outbox_msg *out, char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	/* Message-IDs are minted in lower case; a client may change the
	 * domain's case. */
	if (sdb_cached(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE message_id = lower(?1)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, message_id);
	return outbox_one(s, st, out, err);
}

int
store_outbox_save(struct store *s, const struct outbox_msg *m,
    enum outbox_state from, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "UPDATE outbox SET state = ?1, attempts = ?2,"
	    " next_attempt = ?3, last_error = ?4, reply = ?5, sent_at = ?6,"
	    " queued_at = ?8 WHERE id = ?7 AND state = ?9", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, outbox_state_name(m->state));
	sqlite3_bind_int(st, 2, m->attempts);
	bind_time(st, 3, m->next_attempt);
	sdb_bind_text(st, 4, m->last_error);
	sdb_bind_text(st, 5, m->reply);
	bind_time(st, 6, m->sent_at);
	sqlite3_bind_int64(st, 7, m->id);
	bind_time(st, 8, m->queued_at);
	sdb_bind_text(st, 9, outbox_state_name(from));
	rc = sdb_step_done(s, st, "updating the outbox", err);
	sdb_finish(s, st);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return set_err(err, "%s: outbox message %ld is no longer %s "
		    "(another touchbase changed it)", s->path, m->id,
		    outbox_state_name(from));
	return rc == 0 ? 0 : -1;
}

int
store_outbox_undelivered(struct store *s, long partner_id, long *count,
    char **err)
{
	sqlite3_stmt *st;
	char *sql;
	int rc;

	sql = xasprintf("SELECT count(*) FROM outbox WHERE partner_id = ?1"
	    " AND (state IN %s OR " CC_UNDELIVERED ")", undelivered_states);
	rc = sdb_cached(s, sql, &st, err);
	free(sql);
	if (rc != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sdb_finish(s, st);
	return rc == SQLITE_ROW ? 0 : sdb_err(s, err, "counting the outbox");
}

int
store_outbox_invite_recipients(struct store *s, const char *uid, bool pending,
    char ***emails, size_t *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*emails = NULL;
	*n = 0;
	/* Not those whose latest message about it (the last planned) is a
	 * cancel: a contact invited again after a cancel is back on it. */
	if (sdb_cached(s, "SELECT recipient FROM outbox o WHERE uid = ?1"
	    " AND kind <> 'cancel' AND (state IN ('sent', 'sending') OR (?2"
	    " AND state IN ('pending', 'deferred'))) GROUP BY lower(recipient)"
	    " HAVING max(id) > coalesce((SELECT max(c.id)"
	    " FROM outbox c WHERE c.uid = ?1 AND c.kind = 'cancel'"
	    " AND lower(c.recipient) = lower(o.recipient)), -1)"
	    " ORDER BY min(id)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sqlite3_bind_int(st, 2, pending);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*emails = xreallocarray(*emails, *n + 1, sizeof **emails);
		(*emails)[(*n)++] = sdb_column_text(st, 0);
	}
	sdb_finish(s, st);
	if (rc == SQLITE_DONE)
		return 0;
	strv_free(*emails, *n);
	*emails = NULL;
	*n = 0;
	return sdb_err(s, err, "reading the recipients of an invite");
}

int
store_outbox_invite_sequence(struct store *s, const char *uid,
    const char *recipient, int *sequence, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "SELECT coalesce(max(sequence), -1) FROM outbox"
	    " WHERE uid = ?1 AND recipient = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sdb_bind_text(st, 2, recipient);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*sequence = sqlite3_column_int(st, 0);
	sdb_finish(s, st);
	return rc == SQLITE_ROW ? 0 : sdb_err(s, err, "reading the outbox");
}

int
store_outbox_invite_sent(struct store *s, const char *uid,
    const char *recipient, int below, struct outbox_msg *out, char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (sdb_cached(s, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE uid = ?1"
	    " AND recipient = ?2 COLLATE NOCASE AND sequence < ?3"
	    " AND state = 'sent' ORDER BY sequence DESC LIMIT 1", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sdb_bind_text(st, 2, recipient);
	sqlite3_bind_int(st, 3, below);
	return outbox_one(s, st, out, err);
}

/* The typed recipient of the current row (RCPT_COLUMNS); -1 with *err
 * naming it when its text does not convert. */
static int
rcpt_from_row(struct store *s, sqlite3_stmt *st, struct outbox_rcpt *r,
    char **err)
{
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->outbox_id = sqlite3_column_int64(st, 0);
	r->address = sdb_column_text(st, 1);
	r->attempts = sqlite3_column_int(st, 4);
	r->reply = sdb_column_text(st, 6);
	if (outbox_role_parse((const char *)sqlite3_column_text(st, 2),
	    &r->role, err) != 0 ||
	    outbox_state_parse((const char *)sqlite3_column_text(st, 3),
	    &r->state, err) != 0)
		rc = -1;
	else if (column_time(st, 5, &r->next_attempt) != 0 ||
	    column_time(st, 7, &r->queued_at) != 0)
		rc = set_err(err, "a time is not YYYY-MM-DDTHH:MM:SSZ");
	if (rc != 0) {
		prefix_err(err, "%s: outbox message %ld, recipient %s", s->path,
		    r->outbox_id, r->address ? r->address : "?");
		outbox_rcpt_reset(r);
	}
	return rc;
}

int
store_outbox_rcpt_put(struct store *s, const struct outbox_rcpt *r,
    time_t now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "INSERT OR REPLACE INTO outbox_rcpt (" RCPT_COLUMNS
	    ", updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, r->outbox_id);
	sdb_bind_text(st, 2, r->address);
	sdb_bind_text(st, 3, outbox_role_name(r->role));
	sdb_bind_text(st, 4, outbox_state_name(r->state));
	sqlite3_bind_int(st, 5, r->attempts);
	bind_time(st, 6, r->next_attempt);
	sdb_bind_text(st, 7, r->reply);
	bind_time(st, 8, r->queued_at);
	bind_time(st, 9, now);
	rc = sdb_step_done(s, st, "recording a recipient", err);
	sdb_finish(s, st);
	return rc == 0 ? 0 : -1;
}

int
store_outbox_rcpt_save(struct store *s, const struct outbox_rcpt *r,
    enum outbox_state from, time_t now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "UPDATE outbox_rcpt SET state = ?1, attempts = ?2,"
	    " next_attempt = ?3, reply = ?4, queued_at = ?5, updated_at = ?6"
	    " WHERE outbox_id = ?7 AND address = ?8 AND state = ?9", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, outbox_state_name(r->state));
	sqlite3_bind_int(st, 2, r->attempts);
	bind_time(st, 3, r->next_attempt);
	sdb_bind_text(st, 4, r->reply);
	bind_time(st, 5, r->queued_at);
	bind_time(st, 6, now);
	sqlite3_bind_int64(st, 7, r->outbox_id);
	sdb_bind_text(st, 8, r->address);
	sdb_bind_text(st, 9, outbox_state_name(from));
	rc = sdb_step_done(s, st, "updating a recipient", err);
	sdb_finish(s, st);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return set_err(err, "%s: outbox message %ld, recipient %s is no "
		    "longer %s (another touchbase changed it)", s->path,
		    r->outbox_id, r->address, outbox_state_name(from));
	return rc == 0 ? 0 : -1;
}

/* Every row st selects, appended to *v (st given back with sdb_finish). */
static int
rcpt_rows(struct store *s, sqlite3_stmt *st, struct outbox_rcpt **v,
    size_t *n, char **err)
{
	struct outbox_rcpt r;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rcpt_from_row(s, st, &r, err) != 0)
			break;
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = r;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		sdb_err(s, err, "reading the recipients of the outbox");
	sdb_finish(s, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_outbox_rcpt_list(struct store *s, long outbox_id,
    struct outbox_rcpt **v, size_t *n, char **err)
{
	sqlite3_stmt *st;

	*v = NULL;
	*n = 0;
	if (sdb_cached(s, "SELECT " RCPT_COLUMNS " FROM outbox_rcpt"
	    " WHERE outbox_id = ?1 ORDER BY role = 'cc', rowid", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, outbox_id);
	if (rcpt_rows(s, st, v, n, err) == 0)
		return 0;
	outbox_rcpts_free(*v, *n);
	*v = NULL;
	*n = 0;
	return -1;
}

int
store_outbox_rcpt_foreach_ready(struct store *s, time_t now,
    outbox_rcpt_fn fn, void *arg, char **err)
{
	struct outbox_rcpt *v = NULL;
	struct outbox_msg m;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	/* Collected first: fn may read the outbox. */
	if (sdb_prepare(s, "SELECT " RCPT_COLUMNS " FROM outbox_rcpt r"
	    " WHERE (state IN ('pending', 'sending')"
	    " OR (state = 'deferred' AND next_attempt <= ?1))"
	    " AND EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.outbox_id"
	    " AND o.state IN ('sent', 'bounced'))"
	    " ORDER BY outbox_id, rowid", &st, err) != 0)
		return -1;
	bind_time(st, 1, now);
	rc = rcpt_rows(s, st, &v, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int got = store_outbox_get(s, v[i].outbox_id, &m, err);

		if (got == STORE_NOT_FOUND)
			rc = set_err(err, "%s: outbox recipient %s of message %ld"
			    " without its message", s->path, v[i].address,
			    v[i].outbox_id);
		else if (got != 0)
			rc = -1;
		else {
			rc = fn(&m, &v[i], arg);
			outbox_msg_reset(&m);
		}
	}
	outbox_rcpts_free(v, n);
	return rc;
}
