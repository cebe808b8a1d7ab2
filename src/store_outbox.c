/* store_outbox.c: the outbox and the invites in SQLite. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_db.h"

void
outbox_row_reset(struct outbox_row *r)
{
	free(r->partner_key);
	free(r->kind);
	free(r->occurrence);
	free(r->recipient);
	free(r->state);
	free(r->message_id);
	free(r->uid);
	free(r->attendees);
	free(r->next_attempt);
	free(r->last_error);
	free(r->reply);
	free(r->created_at);
	free(r->sent_at);
	free(r->meeting_date);
	free(r->meeting_time);
	free(r->meeting_tz);
	memset(r, 0, sizeof *r);
}

void
outbox_row_copy(struct outbox_row *dst, const struct outbox_row *src)
{
	*dst = *src;
	dst->partner_key = xstrdup(src->partner_key);
	dst->kind = xstrdup(src->kind);
	dst->occurrence = xstrdup(src->occurrence);
	dst->recipient = xstrdup(src->recipient);
	dst->state = xstrdup(src->state);
	dst->message_id = xstrdup(src->message_id);
	dst->uid = xstrdup(src->uid);
	dst->attendees = xstrdup(src->attendees);
	dst->next_attempt = xstrdup(src->next_attempt);
	dst->last_error = xstrdup(src->last_error);
	dst->reply = xstrdup(src->reply);
	dst->created_at = xstrdup(src->created_at);
	dst->sent_at = xstrdup(src->sent_at);
	dst->meeting_date = xstrdup(src->meeting_date);
	dst->meeting_time = xstrdup(src->meeting_time);
	dst->meeting_tz = xstrdup(src->meeting_tz);
}

#define OUTBOX_COLUMNS \
	"id, partner_id, partner_key, kind, occurrence, recipient, state," \
	" message_id, uid, sequence, attendees, attempts, next_attempt," \
	" last_error, reply, created_at, sent_at, meeting_date, meeting_time," \
	" meeting_tz"

static void
outbox_from_row(sqlite3_stmt *st, struct outbox_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->partner_id = sqlite3_column_int64(st, 1);
	r->partner_key = sdb_column_text(st, 2);
	r->kind = sdb_column_text(st, 3);
	r->occurrence = sdb_column_text(st, 4);
	r->recipient = sdb_column_text(st, 5);
	r->state = sdb_column_text(st, 6);
	r->message_id = sdb_column_text(st, 7);
	r->uid = sdb_column_text(st, 8);
	r->sequence = sqlite3_column_int(st, 9);
	r->attendees = sdb_column_text(st, 10);
	r->attempts = sqlite3_column_int(st, 11);
	r->next_attempt = sdb_column_text(st, 12);
	r->last_error = sdb_column_text(st, 13);
	r->reply = sdb_column_text(st, 14);
	r->created_at = sdb_column_text(st, 15);
	r->sent_at = sdb_column_text(st, 16);
	r->meeting_date = sdb_column_text(st, 17);
	r->meeting_time = sdb_column_text(st, 18);
	r->meeting_tz = sdb_column_text(st, 19);
}

int
store_outbox_insert(struct store *s, struct outbox_row *r, const char *now,
    bool *inserted, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "INSERT OR IGNORE INTO outbox (partner_id, partner_key,"
	    " kind, occurrence, recipient, state, message_id, uid, sequence,"
	    " attendees, created_at, meeting_date, meeting_time, meeting_tz)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13)", &st, err) != 0)
		return -1;
	if (r->partner_id > 0)
		sqlite3_bind_int64(st, 1, r->partner_id);
	sdb_bind_text(st, 2, r->partner_key);
	sdb_bind_text(st, 3, r->kind);
	sdb_bind_text(st, 4, r->occurrence);
	sdb_bind_text(st, 5, r->recipient);
	sdb_bind_text(st, 6, r->message_id);
	sdb_bind_text(st, 7, r->uid);
	sqlite3_bind_int(st, 8, r->sequence);
	sdb_bind_text(st, 9, r->attendees);
	sdb_bind_text(st, 10, now);
	sdb_bind_text(st, 11, r->meeting_date);
	sdb_bind_text(st, 12, r->meeting_time);
	sdb_bind_text(st, 13, r->meeting_tz);
	rc = sdb_step_done(s, st, "adding to the outbox", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	*inserted = sqlite3_changes(s->db) > 0;
	if (*inserted)
		r->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
outbox_rows(struct store *s, sqlite3_stmt *st, store_outbox_fn fn, void *arg,
    char **err)
{
	struct outbox_row r;
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		outbox_from_row(st, &r);
		stop = fn(&r, arg);
		outbox_row_reset(&r);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading the outbox");
	sqlite3_finalize(st);
	return stop;
}

int
store_outbox_foreach_ready(struct store *s, const char *now,
    store_outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE state IN ('pending', 'sending')"
	    " OR (state = 'deferred' AND next_attempt <= ?1)"
	    " ORDER BY id", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, now);
	return outbox_rows(s, st, fn, arg, err);
}

int
store_outbox_foreach_partner(struct store *s, long partner_id,
    store_outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE partner_id = ?1 ORDER BY id DESC", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	return outbox_rows(s, st, fn, arg, err);
}

int
store_outbox_foreach_undelivered(struct store *s, store_outbox_fn fn,
    void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE state IN ('pending', 'sending', 'deferred', 'failed')"
	    " ORDER BY id", &st, err) != 0)
		return -1;
	return outbox_rows(s, st, fn, arg, err);
}

int
store_outbox_update(struct store *s, const struct outbox_row *r,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "UPDATE outbox SET state = ?1, attempts = ?2,"
	    " next_attempt = ?3, last_error = ?4, reply = ?5,"
	    " sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END"
	    " WHERE id = ?7", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, r->state);
	sqlite3_bind_int(st, 2, r->attempts);
	sdb_bind_text(st, 3, r->next_attempt);
	sdb_bind_text(st, 4, r->last_error);
	sdb_bind_text(st, 5, r->reply);
	sdb_bind_text(st, 6, now);
	sqlite3_bind_int64(st, 7, r->id);
	rc = sdb_step_done(s, st, "updating the outbox", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_outbox_undelivered(struct store *s, long partner_id, long *count,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "SELECT count(*) FROM outbox WHERE partner_id = ?1"
	    " AND state IN ('pending', 'sending', 'deferred', 'failed')", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
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
	/* Not those whose last message about it was a cancel. */
	if (sdb_prepare(s, "SELECT recipient FROM outbox o WHERE uid = ?1"
	    " AND kind <> 'cancel' AND (state IN ('sent', 'sending') OR (?2"
	    " AND state IN ('pending', 'deferred'))) GROUP BY lower(recipient)"
	    " HAVING max(sequence) > coalesce((SELECT max(c.sequence)"
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
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	for (size_t i = 0; i < *n; i++)
		free((*emails)[i]);
	free(*emails);
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

	if (sdb_prepare(s, "SELECT coalesce(max(sequence), -1) FROM outbox"
	    " WHERE uid = ?1 AND recipient = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sdb_bind_text(st, 2, recipient);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*sequence = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : sdb_err(s, err, "reading the outbox");
}

int
store_outbox_invite_sent(struct store *s, const char *uid,
    const char *recipient, int below, struct outbox_row *out, char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (sdb_prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE uid = ?1"
	    " AND recipient = ?2 COLLATE NOCASE AND sequence < ?3"
	    " AND state = 'sent' ORDER BY sequence DESC LIMIT 1", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sdb_bind_text(st, 2, recipient);
	sqlite3_bind_int(st, 3, below);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		outbox_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    sdb_err(s, err, "reading the outbox");
}

void
invite_rec_reset(struct invite_rec *r)
{
	free(r->uid);
	free(r->partner_key);
	free(r->partner_name);
	free(r->owner_name);
	free(r->owner_email);
	free(r->occurrence);
	free(r->meeting_date);
	free(r->meeting_time);
	free(r->meeting_tz);
	free(r->attendees);
	free(r->status);
	free(r->created_at);
	free(r->updated_at);
	memset(r, 0, sizeof *r);
}

#define INVITE_COLUMNS \
	"uid, partner_id, partner_key, partner_name, owner_name, owner_email," \
	" occurrence, meeting_date, meeting_time, meeting_tz, sequence," \
	" attendees, checkin_id, status, created_at, updated_at"

static void
invite_from_row(sqlite3_stmt *st, struct invite_rec *r)
{
	r->uid = sdb_column_text(st, 0);
	r->partner_id = sqlite3_column_int64(st, 1);
	r->partner_key = sdb_column_text(st, 2);
	r->partner_name = sdb_column_text(st, 3);
	r->owner_name = sdb_column_text(st, 4);
	r->owner_email = sdb_column_text(st, 5);
	r->occurrence = sdb_column_text(st, 6);
	r->meeting_date = sdb_column_text(st, 7);
	r->meeting_time = sdb_column_text(st, 8);
	r->meeting_tz = sdb_column_text(st, 9);
	r->sequence = sqlite3_column_int(st, 10);
	r->attendees = sdb_column_text(st, 11);
	r->checkin_id = sqlite3_column_int64(st, 12);
	r->status = sdb_column_text(st, 13);
	r->created_at = sdb_column_text(st, 14);
	r->updated_at = sdb_column_text(st, 15);
}

int
store_invite_add(struct store *s, const struct invite_rec *r, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "INSERT INTO invites (" INVITE_COLUMNS ") VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	    " ?15)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, r->uid);
	if (r->partner_id > 0)
		sqlite3_bind_int64(st, 2, r->partner_id);
	sdb_bind_text(st, 3, r->partner_key);
	sdb_bind_text(st, 4, r->partner_name);
	sdb_bind_text(st, 5, r->owner_name);
	sdb_bind_text(st, 6, r->owner_email);
	sdb_bind_text(st, 7, r->occurrence);
	sdb_bind_text(st, 8, r->meeting_date);
	sdb_bind_text(st, 9, r->meeting_time);
	sdb_bind_text(st, 10, r->meeting_tz);
	sqlite3_bind_int(st, 11, r->sequence);
	sdb_bind_text(st, 12, r->attendees);
	sqlite3_bind_int64(st, 13, r->checkin_id);
	sdb_bind_text(st, 14, r->status ? r->status : "open");
	sdb_bind_text(st, 15, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return sdb_err(s, err, "adding an invite");
}

int
store_invite_update(struct store *s, const struct invite_rec *r,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "UPDATE invites SET partner_name = ?2, owner_name = ?3,"
	    " owner_email = ?4, meeting_date = ?5, meeting_time = ?6,"
	    " meeting_tz = ?7, sequence = ?8, attendees = ?9, checkin_id = ?10,"
	    " status = ?11, updated_at = ?12, partner_id = ?13 WHERE uid = ?1",
	    &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, r->uid);
	sdb_bind_text(st, 2, r->partner_name);
	sdb_bind_text(st, 3, r->owner_name);
	sdb_bind_text(st, 4, r->owner_email);
	sdb_bind_text(st, 5, r->meeting_date);
	sdb_bind_text(st, 6, r->meeting_time);
	sdb_bind_text(st, 7, r->meeting_tz);
	sqlite3_bind_int(st, 8, r->sequence);
	sdb_bind_text(st, 9, r->attendees);
	sqlite3_bind_int64(st, 10, r->checkin_id);
	sdb_bind_text(st, 11, r->status);
	sdb_bind_text(st, 12, now);
	if (r->partner_id > 0)
		sqlite3_bind_int64(st, 13, r->partner_id);
	rc = sdb_step_done(s, st, "updating an invite", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

static int
invite_one(struct store *s, sqlite3_stmt *st, struct invite_rec *out,
    char **err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		invite_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    sdb_err(s, err, "reading an invite");
}

int
store_invite_get(struct store *s, const char *uid, struct invite_rec *out,
    char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (sdb_prepare(s, "SELECT " INVITE_COLUMNS " FROM invites WHERE uid = ?1",
	    &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	return invite_one(s, st, out, err);
}

int
store_invite_get_open(struct store *s, long partner_id,
    struct invite_rec *out, char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (sdb_prepare(s, "SELECT " INVITE_COLUMNS " FROM invites"
	    " WHERE partner_id = ?1 AND status = 'open'"
	    " ORDER BY created_at DESC, rowid DESC LIMIT 1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	return invite_one(s, st, out, err);
}

int
store_invite_foreach_open(struct store *s, store_invite_fn fn, void *arg,
    char **err)
{
	struct invite_rec r;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sdb_prepare(s, "SELECT " INVITE_COLUMNS " FROM invites"
	    " WHERE status = 'open' ORDER BY created_at, rowid", &st, err) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		invite_from_row(st, &r);
		stop = fn(&r, arg);
		invite_rec_reset(&r);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading the invites");
	sqlite3_finalize(st);
	return stop;
}

int
store_checkin_latest_id(struct store *s, long partner_id, long *id,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "SELECT coalesce(max(id), 0) FROM checkins"
	    " WHERE partner_id = ?1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : sdb_err(s, err, "reading check-ins");
}
