/* store_inbox.c: calendar answers, inbound messages, snoozes and bounced
 * contacts in SQLite. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_db.h"

void
reply_rec_reset(struct reply_rec *r)
{
	free(r->uid);
	free(r->attendee);
	free(r->partstat);
	free(r->dtstamp);
	free(r->comment);
	free(r->received_at);
	memset(r, 0, sizeof *r);
}

#define REPLY_COLUMNS \
	"uid, attendee, partstat, sequence, dtstamp, comment, received_at"

static void
reply_from_row(sqlite3_stmt *st, struct reply_rec *r)
{
	r->uid = sdb_column_text(st, 0);
	r->attendee = sdb_column_text(st, 1);
	r->partstat = sdb_column_text(st, 2);
	r->sequence = sqlite3_column_int(st, 3);
	r->dtstamp = sdb_column_text(st, 4);
	r->comment = sdb_column_text(st, 5);
	r->received_at = sdb_column_text(st, 6);
}

int
store_reply_get(struct store *s, const char *uid, const char *attendee,
    struct reply_rec *out, char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (sdb_prepare(s, "SELECT " REPLY_COLUMNS " FROM replies"
	    " WHERE uid = ?1 AND attendee = ?2", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, uid);
	sdb_bind_text(st, 2, attendee);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		reply_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    sdb_err(s, err, "reading a calendar answer");
}

int
store_reply_put(struct store *s, const struct reply_rec *r, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "INSERT OR REPLACE INTO replies (" REPLY_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, r->uid);
	sdb_bind_text(st, 2, r->attendee);
	sdb_bind_text(st, 3, r->partstat);
	sqlite3_bind_int(st, 4, r->sequence);
	sdb_bind_text(st, 5, r->dtstamp);
	sdb_bind_text(st, 6, r->comment);
	sdb_bind_text(st, 7, r->received_at);
	rc = sdb_step_done(s, st, "storing a calendar answer", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_reply_foreach_partner(struct store *s, long partner_id,
    store_reply_fn fn, void *arg, char **err)
{
	struct reply_rec r;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sdb_prepare(s, "SELECT r.uid, r.attendee, r.partstat, r.sequence,"
	    " r.dtstamp, r.comment, r.received_at FROM replies r"
	    " JOIN invites i ON i.uid = r.uid WHERE i.partner_id = ?1"
	    " ORDER BY r.received_at DESC, r.attendee", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		reply_from_row(st, &r);
		stop = fn(&r, arg);
		reply_rec_reset(&r);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading calendar answers");
	sqlite3_finalize(st);
	return stop;
}

int
store_inbound_seen(struct store *s, const char *key, bool *seen, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "SELECT 1 FROM inbound WHERE key = ?1", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sdb_err(s, err, "reading the inbound messages");
	*seen = rc == SQLITE_ROW;
	return 0;
}

int
store_inbound_add(struct store *s, const struct inbound_rec *r, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "INSERT OR IGNORE INTO inbound (key, received_at,"
	    " kind, sender, partner_key, outcome, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, r->key);
	sdb_bind_text(st, 2, r->received_at);
	sdb_bind_text(st, 3, r->kind);
	sdb_bind_text(st, 4, r->sender);
	sdb_bind_text(st, 5, r->partner_key);
	sdb_bind_text(st, 6, r->outcome);
	sdb_bind_text(st, 7, r->detail);
	rc = sdb_step_done(s, st, "recording an inbound message", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_partner_set_snooze(struct store *s, long partner_id, const char *date,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "UPDATE partners SET snooze_until = ?2 WHERE id = ?1",
	    &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sdb_bind_text(st, 2, date);
	rc = sdb_step_done(s, st, "snoozing a partner", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_contact_set_bounced(struct store *s, long partner_id, const char *email,
    const char *when, const char *reason, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "UPDATE contacts SET bounced_at = ?3,"
	    " bounce_reason = ?4 WHERE partner_id = ?1"
	    " AND email = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sdb_bind_text(st, 2, email);
	sdb_bind_text(st, 3, when);
	sdb_bind_text(st, 4, when != NULL ? reason : NULL);
	rc = sdb_step_done(s, st, "marking a bounced contact", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}
