/* store_invite.c: the invites, and a partner's latest check-in, in SQLite. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_db.h"

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

	if (sdb_cached(s, "INSERT INTO invites (" INVITE_COLUMNS ") VALUES (?1,"
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
	if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
		rc = sdb_err(s, err, "adding an invite");
	sdb_finish(s, st);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_CONSTRAINT ? STORE_EXISTS : -1;
}

int
store_invite_update(struct store *s, const struct invite_rec *r,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "UPDATE invites SET partner_name = ?2, owner_name = ?3,"
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
	sdb_finish(s, st);
	return rc == 0 ? 0 : -1;
}

static int
invite_one(struct store *s, sqlite3_stmt *st, struct invite_rec *out,
    char **err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		invite_from_row(st, out);
	sdb_finish(s, st);
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
	if (sdb_cached(s, "SELECT " INVITE_COLUMNS " FROM invites WHERE uid = ?1",
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
	if (sdb_cached(s, "SELECT " INVITE_COLUMNS " FROM invites"
	    " WHERE partner_id = ?1 AND status = 'open'"
	    " ORDER BY created_at DESC, rowid DESC LIMIT 1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	return invite_one(s, st, out, err);
}

int
store_invite_foreach_open(struct store *s, long *after, long limit,
    store_invite_fn fn, void *arg, char **err)
{
	struct invite_rec r;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sdb_cached(s, "SELECT " INVITE_COLUMNS ", rowid FROM invites"
	    " WHERE status = 'open' AND rowid > ?1 ORDER BY rowid LIMIT ?2",
	    &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, *after);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		invite_from_row(st, &r);
		*after = sqlite3_column_int64(st, 16);
		stop = fn(&r, arg);
		invite_rec_reset(&r);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading the invites");
	sdb_finish(s, st);
	return stop;
}

int
store_checkin_latest_id(struct store *s, long partner_id, long *id,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "SELECT coalesce(max(id), 0) FROM checkins"
	    " WHERE partner_id = ?1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		sdb_err(s, err, "reading check-ins");
	sdb_finish(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}
