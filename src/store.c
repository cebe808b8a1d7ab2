/* store.c: SQLite schema, migrations and queries. */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

struct store {
	sqlite3	*db;
	char	*path;
	int	 depth;		/* open transactions; >1 are savepoints */
};

/*
 * Migrations, applied in order; migration i brings the schema from
 * version i to i + 1.  Never edit a released entry: add a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the partner book */
	"CREATE TABLE partners ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  owner_email TEXT NOT NULL,"
	"  owner_name TEXT,"
	"  sponsor_email TEXT,"
	"  cadence TEXT NOT NULL,"
	"  start_date TEXT NOT NULL,"
	"  timezone TEXT,"
	"  tier TEXT,"
	"  notes TEXT,"
	"  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER NOT NULL"
	"    REFERENCES partners(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  role TEXT,"
	"  invite INTEGER NOT NULL DEFAULT 0 CHECK (invite IN (0, 1)),"
	"  UNIQUE (partner_id, email));"
	"CREATE TABLE checkins ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER NOT NULL"
	"    REFERENCES partners(id) ON DELETE CASCADE,"
	"  date TEXT NOT NULL,"
	"  note TEXT,"
	"  by_email TEXT,"
	"  created_at TEXT NOT NULL);"
	"CREATE INDEX checkins_by_partner ON checkins (partner_id, date);",

	/* 1 -> 2: scheduling and delivery */
	"ALTER TABLE partners ADD COLUMN next_due TEXT;"
	"CREATE INDEX partners_by_next_due ON partners (next_due)"
	"  WHERE archived = 0;"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'invitation',"
	"    'overdue', 'escalation', 'cancel', 'update', 'digest')),"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"    'sending', 'sent', 'deferred', 'failed', 'skipped')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  uid TEXT,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  last_error TEXT,"
	"  reply TEXT,"
	"  created_at TEXT NOT NULL,"
	"  sent_at TEXT,"
	"  UNIQUE (partner_key, kind, occurrence, recipient));"
	"CREATE INDEX outbox_by_state ON outbox (state, next_attempt);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  pid INTEGER,"
	"  planned INTEGER NOT NULL DEFAULT 0,"
	"  sent INTEGER NOT NULL DEFAULT 0,"
	"  deferred INTEGER NOT NULL DEFAULT 0,"
	"  failed INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER);",

	/* 2 -> 3: invite updates and cancels.  The outbox's unique key takes
	 * the SEQUENCE (one update or cancel per step of an invite), and
	 * invite rows record the meeting they carry. */
	"CREATE TABLE outbox_v3 ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'invitation',"
	"    'overdue', 'escalation', 'cancel', 'update', 'digest')),"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"    'sending', 'sent', 'deferred', 'failed', 'skipped')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  uid TEXT,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  last_error TEXT,"
	"  reply TEXT,"
	"  created_at TEXT NOT NULL,"
	"  sent_at TEXT,"
	"  meeting_date TEXT,"
	"  meeting_time TEXT,"
	"  meeting_tz TEXT,"
	"  UNIQUE (partner_key, kind, occurrence, recipient, sequence));"
	"INSERT INTO outbox_v3 (id, partner_id, partner_key, kind, occurrence,"
	"  recipient, state, message_id, uid, sequence, attendees, attempts,"
	"  next_attempt, last_error, reply, created_at, sent_at, meeting_date)"
	"  SELECT id, partner_id, partner_key, kind, occurrence, recipient,"
	"  state, message_id, uid, sequence, attendees, attempts, next_attempt,"
	"  last_error, reply, created_at, sent_at,"
	"  CASE WHEN uid IS NULL THEN NULL ELSE occurrence END FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_v3 RENAME TO outbox;"
	"CREATE INDEX outbox_by_state ON outbox (state, next_attempt);"
	"CREATE INDEX outbox_by_uid ON outbox (uid, recipient)"
	"  WHERE uid IS NOT NULL;"
	"CREATE INDEX outbox_by_partner ON outbox (partner_id);"
	"CREATE TABLE invites ("
	"  uid TEXT PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  partner_name TEXT NOT NULL,"
	"  owner_name TEXT,"
	"  owner_email TEXT NOT NULL,"
	"  occurrence TEXT NOT NULL,"
	"  meeting_date TEXT NOT NULL,"
	"  meeting_time TEXT NOT NULL,"
	"  meeting_tz TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT NOT NULL,"
	"  checkin_id INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (status IN ('open', 'closed')),"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE INDEX invites_open ON invites (partner_id) WHERE status = 'open';"
	/* Invites sent before this version: open while their partner has
	 * logged no check-in since; the next run settles them. */
	"INSERT OR IGNORE INTO invites (uid, partner_id, partner_key,"
	"  partner_name, owner_name, owner_email, occurrence, meeting_date,"
	"  meeting_time, meeting_tz, sequence, attendees, checkin_id, status,"
	"  created_at, updated_at)"
	"  SELECT o.uid, p.id, p.key, p.name, p.owner_name, p.owner_email,"
	"  o.occurrence, o.occurrence, '', '', max(o.sequence),"
	"  coalesce(o.attendees, '[]'),"
	"  coalesce((SELECT max(c.id) FROM checkins c WHERE c.partner_id = p.id"
	"    AND c.created_at <= min(o.created_at)), 0),"
	"  CASE WHEN p.archived = 0 AND p.next_due = o.occurrence"
	"    THEN 'open' ELSE 'closed' END,"
	"  min(o.created_at), min(o.created_at)"
	"  FROM outbox o JOIN partners p ON p.id = o.partner_id"
	"  WHERE o.uid IS NOT NULL AND o.state IN ('sent', 'sending')"
	"  GROUP BY o.uid;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION,
    "one migration per schema version");

#define PARTNER_COLUMNS \
	"p.id, p.key, p.name, p.owner_email, p.owner_name, p.sponsor_email," \
	" p.cadence, p.start_date, p.timezone, p.tier, p.notes, p.archived," \
	" p.created_at, p.updated_at, p.next_due," \
	" (SELECT max(date) FROM checkins c WHERE c.partner_id = p.id)"

static int
db_err(struct store *s, char **err, const char *what)
{
	return set_err(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st, char **err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_err(s, err, "preparing a query");
	return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static char *
column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* Run a statement that returns no rows. */
static int
step_done(struct store *s, sqlite3_stmt *st, const char *what, char **err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT) {
		int ext = sqlite3_extended_errcode(s->db);

		if (ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
			db_err(s, err, what);
			return STORE_EXISTS;
		}
	}
	return db_err(s, err, what);
}

static int
exec_sql(struct store *s, const char *sql, const char *what, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		set_err(err, "%s: %s: %s", s->path, what,
		    msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_schema_version(struct store *s, int *version, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "PRAGMA user_version", &st, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_err(s, err, "reading the schema version");
	return 0;
}

int
store_migrate_to(struct store *s, int version, char **err)
{
	int current;

	if (store_schema_version(s, &current, err) != 0)
		return -1;
	if (version > NMIGRATIONS)
		return set_err(err, "no schema version %d", version);
	while (current < version) {
		char *sql;

		if (store_begin(s, err) != 0)
			return -1;
		sql = xasprintf("%s PRAGMA user_version = %d;",
		    migrations[current], current + 1);
		if (exec_sql(s, sql, "upgrading the schema", err) != 0) {
			free(sql);
			store_rollback(s);
			return -1;
		}
		free(sql);
		if (store_commit(s, err) != 0)
			return -1;
		current++;
	}
	return 0;
}

static int
configure_connection(struct store *s, char **err)
{
	sqlite3_busy_timeout(s->db, 10000);
	if (exec_sql(s, "PRAGMA foreign_keys = ON;", "enabling foreign keys",
	    err) != 0)
		return -1;
	/* WAL lets status and export read while a run writes. */
	if (exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
	    "enabling WAL", err) != 0)
		return -1;
	return 0;
}

int
store_open(const char *path, enum store_open_mode mode, struct store **out,
    int *from, int *to, char **err)
{
	struct store *s;
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE, version;

	*out = NULL;
	if (mode == STORE_EXISTING && stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return set_err(err, "%s: no database here; create it "
			    "with \"touchbase init\"", path);
		return set_err(err, "%s: %s", path, strerror(errno));
	}
	if (mode != STORE_EXISTING)
		flags |= SQLITE_OPEN_CREATE;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		db_err(s, err, "cannot open the database");
		store_close(s);
		return -1;
	}
	if (configure_connection(s, err) != 0 ||
	    store_schema_version(s, &version, err) != 0)
		goto fail;
	if (from != NULL)
		*from = version;
	if (mode == STORE_RAW) {
		*out = s;
		return 0;
	}
	if (version > STORE_SCHEMA_VERSION) {
		set_err(err, "%s: database schema version %d was made by a "
		    "newer touchbase (this one knows up to %d); upgrade "
		    "touchbase", path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (mode == STORE_EXISTING && version < STORE_SCHEMA_VERSION) {
		if (version == 0)
			set_err(err, "%s: not a touchbase database (or empty); "
			    "run \"touchbase init\"", path);
		else
			set_err(err, "%s: database schema version %d is older "
			    "than %d; run \"touchbase init\" to upgrade it",
			    path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (mode == STORE_CREATE &&
	    store_migrate_to(s, STORE_SCHEMA_VERSION, err) != 0)
		goto fail;
	if (to != NULL)
		*to = STORE_SCHEMA_VERSION;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int
store_begin(struct store *s, char **err)
{
	if (s->depth > 0) {
		if (exec_sql(s, "SAVEPOINT nested", "starting a savepoint",
		    err) != 0)
			return -1;
	} else if (exec_sql(s, "BEGIN IMMEDIATE", "starting a transaction",
	    err) != 0)
		return -1;
	s->depth++;
	return 0;
}

int
store_commit(struct store *s, char **err)
{
	if (s->depth > 1) {
		if (exec_sql(s, "RELEASE nested", "releasing a savepoint",
		    err) != 0)
			return -1;
	} else if (exec_sql(s, "COMMIT", "committing", err) != 0)
		return -1;
	s->depth--;
	return 0;
}

void
store_rollback(struct store *s)
{
	if (s->depth > 1)
		sqlite3_exec(s->db, "ROLLBACK TO nested; RELEASE nested", NULL,
		    NULL, NULL);
	else if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (s->depth > 0)
		s->depth--;
}

void
partner_reset(struct partner *p)
{
	free(p->key);
	free(p->name);
	free(p->owner_email);
	free(p->owner_name);
	free(p->sponsor_email);
	free(p->cadence);
	free(p->start_date);
	free(p->timezone);
	free(p->tier);
	free(p->notes);
	free(p->created_at);
	free(p->updated_at);
	free(p->next_due);
	free(p->last_checkin);
	memset(p, 0, sizeof *p);
}

void
partner_copy(struct partner *dst, const struct partner *src)
{
	*dst = *src;
	dst->key = xstrdup(src->key);
	dst->name = xstrdup(src->name);
	dst->owner_email = xstrdup(src->owner_email);
	dst->owner_name = xstrdup(src->owner_name);
	dst->sponsor_email = xstrdup(src->sponsor_email);
	dst->cadence = xstrdup(src->cadence);
	dst->start_date = xstrdup(src->start_date);
	dst->timezone = xstrdup(src->timezone);
	dst->tier = xstrdup(src->tier);
	dst->notes = xstrdup(src->notes);
	dst->created_at = xstrdup(src->created_at);
	dst->updated_at = xstrdup(src->updated_at);
	dst->next_due = xstrdup(src->next_due);
	dst->last_checkin = xstrdup(src->last_checkin);
}

void
contact_reset(struct contact *c)
{
	free(c->name);
	free(c->email);
	free(c->role);
	memset(c, 0, sizeof *c);
}

void
checkin_reset(struct checkin *c)
{
	free(c->date);
	free(c->note);
	free(c->by_email);
	free(c->created_at);
	memset(c, 0, sizeof *c);
}

static void
partner_from_row(sqlite3_stmt *st, struct partner *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->key = column_text(st, 1);
	p->name = column_text(st, 2);
	p->owner_email = column_text(st, 3);
	p->owner_name = column_text(st, 4);
	p->sponsor_email = column_text(st, 5);
	p->cadence = column_text(st, 6);
	p->start_date = column_text(st, 7);
	p->timezone = column_text(st, 8);
	p->tier = column_text(st, 9);
	p->notes = column_text(st, 10);
	p->archived = sqlite3_column_int(st, 11) != 0;
	p->created_at = column_text(st, 12);
	p->updated_at = column_text(st, 13);
	p->next_due = column_text(st, 14);
	p->last_checkin = column_text(st, 15);
}

/* Bind the editable columns as ?1..?12 in the order of the INSERT. */
static void
bind_partner(sqlite3_stmt *st, const struct partner *p, const char *now)
{
	bind_text(st, 1, p->key);
	bind_text(st, 2, p->name);
	bind_text(st, 3, p->owner_email);
	bind_text(st, 4, p->owner_name);
	bind_text(st, 5, p->sponsor_email);
	bind_text(st, 6, p->cadence);
	bind_text(st, 7, p->start_date);
	bind_text(st, 8, p->timezone);
	bind_text(st, 9, p->tier);
	bind_text(st, 10, p->notes);
	sqlite3_bind_int(st, 11, p->archived);
	bind_text(st, 12, now);
	bind_text(st, 13, p->next_due);
}

int
store_partner_add(struct store *s, struct partner *p, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT INTO partners (key, name, owner_email,"
	    " owner_name, sponsor_email, cadence, start_date, timezone, tier,"
	    " notes, archived, created_at, updated_at, next_due)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
	    " ?13)", &st, err) != 0)
		return -1;
	bind_partner(st, p, now);
	rc = step_done(s, st, "adding a partner", err);
	sqlite3_finalize(st);
	if (rc == STORE_EXISTS)
		return set_err(err, "a partner with key \"%s\" exists already",
		    p->key), STORE_EXISTS;
	if (rc != 0)
		return -1;
	p->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_partner_update(struct store *s, const struct partner *p,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "UPDATE partners SET key = ?1, name = ?2,"
	    " owner_email = ?3, owner_name = ?4, sponsor_email = ?5,"
	    " cadence = ?6, start_date = ?7, timezone = ?8, tier = ?9,"
	    " notes = ?10, archived = ?11, updated_at = ?12, next_due = ?13"
	    " WHERE id = ?14", &st, err) != 0)
		return -1;
	bind_partner(st, p, now);
	sqlite3_bind_int64(st, 14, p->id);
	rc = step_done(s, st, "updating a partner", err);
	sqlite3_finalize(st);
	if (rc == STORE_EXISTS)
		return set_err(err, "a partner with key \"%s\" exists already",
		    p->key), STORE_EXISTS;
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return set_err(err, "partner \"%s\" is gone", p->key),
		    STORE_NOT_FOUND;
	return rc == 0 ? 0 : -1;
}

int
store_partner_get(struct store *s, const char *key, struct partner *out,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.key = ?1", &st, err) != 0)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		partner_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return set_err(err, "no partner with key \"%s\"", key),
		    STORE_NOT_FOUND;
	return db_err(s, err, "reading a partner");
}

int
store_partner_remove(struct store *s, long id, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "DELETE FROM partners WHERE id = ?1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = step_done(s, st, "removing a partner", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_partner_set_next_due(struct store *s, long id, const char *next_due,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "UPDATE partners SET next_due = ?1 WHERE id = ?2", &st,
	    err) != 0)
		return -1;
	bind_text(st, 1, next_due);
	sqlite3_bind_int64(st, 2, id);
	rc = step_done(s, st, "storing the next due date", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

/* Step through a partner query, handing each row to fn. */
static int
partner_rows(struct store *s, sqlite3_stmt *st, store_partner_fn fn,
    void *arg, char **err)
{
	struct partner p;
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		partner_from_row(st, &p);
		stop = fn(&p, arg);
		partner_reset(&p);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = db_err(s, err, "reading partners");
	sqlite3_finalize(st);
	return stop;
}

int
store_partner_foreach(struct store *s, bool include_archived,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE ?1 OR p.archived = 0 ORDER BY p.key", &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, include_archived);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_foreach_due(struct store *s, const char *due_by,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.archived = 0 AND p.next_due <= ?1"
	    " ORDER BY p.next_due, p.key", &st, err) != 0)
		return -1;
	bind_text(st, 1, due_by);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_count(struct store *s, bool include_archived, long *count,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT count(*) FROM partners WHERE ?1 OR archived = 0",
	    &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, include_archived);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, err, "counting partners");
}

int
store_contact_add(struct store *s, struct contact *c, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT INTO contacts (partner_id, name, email, role,"
	    " invite) VALUES (?1, ?2, ?3, ?4, ?5)", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->partner_id);
	bind_text(st, 2, c->name);
	bind_text(st, 3, c->email);
	bind_text(st, 4, c->role);
	sqlite3_bind_int(st, 5, c->invite);
	rc = step_done(s, st, "adding a contact", err);
	sqlite3_finalize(st);
	if (rc == STORE_EXISTS)
		return set_err(err, "contact %s exists already", c->email),
		    STORE_EXISTS;
	if (rc != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_contact_remove(struct store *s, long partner_id, const char *email,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "DELETE FROM contacts WHERE partner_id = ?1"
	    " AND email = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	bind_text(st, 2, email);
	rc = step_done(s, st, "removing a contact", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return set_err(err, "no contact %s", email), STORE_NOT_FOUND;
	return 0;
}

int
store_contact_update(struct store *s, long partner_id, const char *email,
    const char *name, const char *role, int invite, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "UPDATE contacts SET name = coalesce(?3, name),"
	    " role = CASE WHEN ?4 IS NULL THEN role WHEN ?4 = '' THEN NULL"
	    " ELSE ?4 END, invite = CASE WHEN ?5 < 0 THEN invite ELSE ?5 END"
	    " WHERE partner_id = ?1 AND email = ?2 COLLATE NOCASE", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	bind_text(st, 2, email);
	bind_text(st, 3, name);
	bind_text(st, 4, role);
	sqlite3_bind_int(st, 5, invite);
	rc = step_done(s, st, "changing a contact", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return set_err(err, "no contact %s", email), STORE_NOT_FOUND;
	return 0;
}

int
store_contact_foreach(struct store *s, long partner_id, store_contact_fn fn,
    void *arg, char **err)
{
	sqlite3_stmt *st;
	struct contact c;
	int rc, stop = 0;

	if (prepare(s, "SELECT id, partner_id, name, email, role, invite"
	    " FROM contacts WHERE partner_id = ?1 ORDER BY name, email", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.id = sqlite3_column_int64(st, 0);
		c.partner_id = sqlite3_column_int64(st, 1);
		c.name = column_text(st, 2);
		c.email = column_text(st, 3);
		c.role = column_text(st, 4);
		c.invite = sqlite3_column_int(st, 5) != 0;
		stop = fn(&c, arg);
		contact_reset(&c);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = db_err(s, err, "reading contacts");
	sqlite3_finalize(st);
	return stop;
}

int
store_checkin_add(struct store *s, struct checkin *c, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT INTO checkins (partner_id, date, note,"
	    " by_email, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->partner_id);
	bind_text(st, 2, c->date);
	bind_text(st, 3, c->note);
	bind_text(st, 4, c->by_email);
	bind_text(st, 5, now);
	rc = step_done(s, st, "recording a check-in", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_checkin_foreach(struct store *s, long partner_id, int limit,
    store_checkin_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	struct checkin c;
	int rc, stop = 0;

	if (prepare(s, "SELECT id, partner_id, date, note, by_email,"
	    " created_at FROM checkins WHERE partner_id = ?1"
	    " ORDER BY date DESC, id DESC LIMIT ?2", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.id = sqlite3_column_int64(st, 0);
		c.partner_id = sqlite3_column_int64(st, 1);
		c.date = column_text(st, 2);
		c.note = column_text(st, 3);
		c.by_email = column_text(st, 4);
		c.created_at = column_text(st, 5);
		stop = fn(&c, arg);
		checkin_reset(&c);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = db_err(s, err, "reading check-ins");
	sqlite3_finalize(st);
	return stop;
}

int
store_json_object(struct store *s, const struct json_field *fields, size_t n,
    struct buf *out, char **err)
{
	struct buf sql;
	sqlite3_stmt *st;
	int rc;

	if (n > 400)
		return set_err(err, "too many JSON fields (%zu)", n);
	buf_init(&sql);
	buf_adds(&sql, "SELECT json_object(");
	for (size_t i = 0; i < n; i++)
		buf_printf(&sql, "%s?%zu, %s?%zu%s", i ? ", " : "", 2 * i + 1,
		    fields[i].type == JSON_RAW ? "json(" :
		    fields[i].type == JSON_BOOL ? "json(CASE WHEN " : "",
		    2 * i + 2,
		    fields[i].type == JSON_RAW ? ")" :
		    fields[i].type == JSON_BOOL ?
		    " THEN 'true' ELSE 'false' END)" : "");
	buf_adds(&sql, ")");
	rc = prepare(s, buf_str(&sql), &st, err);
	buf_reset(&sql);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int k = (int)(2 * i + 1);

		bind_text(st, k, fields[i].name);
		switch (fields[i].type) {
		case JSON_TEXT:
		case JSON_RAW:
			bind_text(st, k + 1, fields[i].text);
			break;
		case JSON_INT:
		case JSON_BOOL:
			sqlite3_bind_int64(st, k + 1, fields[i].num);
			break;
		case JSON_NULL:
			sqlite3_bind_null(st, k + 1);
			break;
		}
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		buf_adds(out, (const char *)sqlite3_column_text(st, 0));
	else
		db_err(s, err, "encoding JSON");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

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
	r->partner_key = column_text(st, 2);
	r->kind = column_text(st, 3);
	r->occurrence = column_text(st, 4);
	r->recipient = column_text(st, 5);
	r->state = column_text(st, 6);
	r->message_id = column_text(st, 7);
	r->uid = column_text(st, 8);
	r->sequence = sqlite3_column_int(st, 9);
	r->attendees = column_text(st, 10);
	r->attempts = sqlite3_column_int(st, 11);
	r->next_attempt = column_text(st, 12);
	r->last_error = column_text(st, 13);
	r->reply = column_text(st, 14);
	r->created_at = column_text(st, 15);
	r->sent_at = column_text(st, 16);
	r->meeting_date = column_text(st, 17);
	r->meeting_time = column_text(st, 18);
	r->meeting_tz = column_text(st, 19);
}

int
store_outbox_insert(struct store *s, struct outbox_row *r, const char *now,
    bool *inserted, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT OR IGNORE INTO outbox (partner_id, partner_key,"
	    " kind, occurrence, recipient, state, message_id, uid, sequence,"
	    " attendees, created_at, meeting_date, meeting_time, meeting_tz)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13)", &st, err) != 0)
		return -1;
	if (r->partner_id > 0)
		sqlite3_bind_int64(st, 1, r->partner_id);
	bind_text(st, 2, r->partner_key);
	bind_text(st, 3, r->kind);
	bind_text(st, 4, r->occurrence);
	bind_text(st, 5, r->recipient);
	bind_text(st, 6, r->message_id);
	bind_text(st, 7, r->uid);
	sqlite3_bind_int(st, 8, r->sequence);
	bind_text(st, 9, r->attendees);
	bind_text(st, 10, now);
	bind_text(st, 11, r->meeting_date);
	bind_text(st, 12, r->meeting_time);
	bind_text(st, 13, r->meeting_tz);
	rc = step_done(s, st, "adding to the outbox", err);
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
		stop = db_err(s, err, "reading the outbox");
	sqlite3_finalize(st);
	return stop;
}

int
store_outbox_foreach_ready(struct store *s, const char *now,
    store_outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE state IN ('pending', 'sending')"
	    " OR (state = 'deferred' AND next_attempt <= ?1)"
	    " ORDER BY id", &st, err) != 0)
		return -1;
	bind_text(st, 1, now);
	return outbox_rows(s, st, fn, arg, err);
}

int
store_outbox_foreach_partner(struct store *s, long partner_id,
    store_outbox_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
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

	if (prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox"
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

	if (prepare(s, "UPDATE outbox SET state = ?1, attempts = ?2,"
	    " next_attempt = ?3, last_error = ?4, reply = ?5,"
	    " sent_at = CASE WHEN ?1 = 'sent' THEN ?6 ELSE sent_at END"
	    " WHERE id = ?7", &st, err) != 0)
		return -1;
	bind_text(st, 1, r->state);
	sqlite3_bind_int(st, 2, r->attempts);
	bind_text(st, 3, r->next_attempt);
	bind_text(st, 4, r->last_error);
	bind_text(st, 5, r->reply);
	bind_text(st, 6, now);
	sqlite3_bind_int64(st, 7, r->id);
	rc = step_done(s, st, "updating the outbox", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_outbox_undelivered(struct store *s, long partner_id, long *count,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT count(*) FROM outbox WHERE partner_id = ?1"
	    " AND state IN ('pending', 'sending', 'deferred', 'failed')", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, err, "counting the outbox");
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
	if (prepare(s, "SELECT recipient FROM outbox o WHERE uid = ?1"
	    " AND kind <> 'cancel' AND (state IN ('sent', 'sending') OR (?2"
	    " AND state IN ('pending', 'deferred'))) GROUP BY lower(recipient)"
	    " HAVING max(sequence) > coalesce((SELECT max(c.sequence)"
	    " FROM outbox c WHERE c.uid = ?1 AND c.kind = 'cancel'"
	    " AND lower(c.recipient) = lower(o.recipient)), -1)"
	    " ORDER BY min(id)", &st, err) != 0)
		return -1;
	bind_text(st, 1, uid);
	sqlite3_bind_int(st, 2, pending);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*emails = xreallocarray(*emails, *n + 1, sizeof **emails);
		(*emails)[(*n)++] = column_text(st, 0);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	for (size_t i = 0; i < *n; i++)
		free((*emails)[i]);
	free(*emails);
	*emails = NULL;
	*n = 0;
	return db_err(s, err, "reading the recipients of an invite");
}

int
store_outbox_invite_sequence(struct store *s, const char *uid,
    const char *recipient, int *sequence, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT coalesce(max(sequence), -1) FROM outbox"
	    " WHERE uid = ?1 AND recipient = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	bind_text(st, 1, uid);
	bind_text(st, 2, recipient);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*sequence = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, err, "reading the outbox");
}

int
store_outbox_invite_sent(struct store *s, const char *uid,
    const char *recipient, int below, struct outbox_row *out, char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (prepare(s, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE uid = ?1"
	    " AND recipient = ?2 COLLATE NOCASE AND sequence < ?3"
	    " AND state = 'sent' ORDER BY sequence DESC LIMIT 1", &st,
	    err) != 0)
		return -1;
	bind_text(st, 1, uid);
	bind_text(st, 2, recipient);
	sqlite3_bind_int(st, 3, below);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		outbox_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    db_err(s, err, "reading the outbox");
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
	r->uid = column_text(st, 0);
	r->partner_id = sqlite3_column_int64(st, 1);
	r->partner_key = column_text(st, 2);
	r->partner_name = column_text(st, 3);
	r->owner_name = column_text(st, 4);
	r->owner_email = column_text(st, 5);
	r->occurrence = column_text(st, 6);
	r->meeting_date = column_text(st, 7);
	r->meeting_time = column_text(st, 8);
	r->meeting_tz = column_text(st, 9);
	r->sequence = sqlite3_column_int(st, 10);
	r->attendees = column_text(st, 11);
	r->checkin_id = sqlite3_column_int64(st, 12);
	r->status = column_text(st, 13);
	r->created_at = column_text(st, 14);
	r->updated_at = column_text(st, 15);
}

int
store_invite_add(struct store *s, const struct invite_rec *r, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT INTO invites (" INVITE_COLUMNS ") VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
	    " ?15)", &st, err) != 0)
		return -1;
	bind_text(st, 1, r->uid);
	if (r->partner_id > 0)
		sqlite3_bind_int64(st, 2, r->partner_id);
	bind_text(st, 3, r->partner_key);
	bind_text(st, 4, r->partner_name);
	bind_text(st, 5, r->owner_name);
	bind_text(st, 6, r->owner_email);
	bind_text(st, 7, r->occurrence);
	bind_text(st, 8, r->meeting_date);
	bind_text(st, 9, r->meeting_time);
	bind_text(st, 10, r->meeting_tz);
	sqlite3_bind_int(st, 11, r->sequence);
	bind_text(st, 12, r->attendees);
	sqlite3_bind_int64(st, 13, r->checkin_id);
	bind_text(st, 14, r->status ? r->status : "open");
	bind_text(st, 15, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return db_err(s, err, "adding an invite");
}

int
store_invite_update(struct store *s, const struct invite_rec *r,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "UPDATE invites SET partner_name = ?2, owner_name = ?3,"
	    " owner_email = ?4, meeting_date = ?5, meeting_time = ?6,"
	    " meeting_tz = ?7, sequence = ?8, attendees = ?9, checkin_id = ?10,"
	    " status = ?11, updated_at = ?12 WHERE uid = ?1", &st, err) != 0)
		return -1;
	bind_text(st, 1, r->uid);
	bind_text(st, 2, r->partner_name);
	bind_text(st, 3, r->owner_name);
	bind_text(st, 4, r->owner_email);
	bind_text(st, 5, r->meeting_date);
	bind_text(st, 6, r->meeting_time);
	bind_text(st, 7, r->meeting_tz);
	sqlite3_bind_int(st, 8, r->sequence);
	bind_text(st, 9, r->attendees);
	sqlite3_bind_int64(st, 10, r->checkin_id);
	bind_text(st, 11, r->status);
	bind_text(st, 12, now);
	rc = step_done(s, st, "updating an invite", err);
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
	    db_err(s, err, "reading an invite");
}

int
store_invite_get(struct store *s, const char *uid, struct invite_rec *out,
    char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (prepare(s, "SELECT " INVITE_COLUMNS " FROM invites WHERE uid = ?1",
	    &st, err) != 0)
		return -1;
	bind_text(st, 1, uid);
	return invite_one(s, st, out, err);
}

int
store_invite_get_open(struct store *s, long partner_id,
    struct invite_rec *out, char **err)
{
	sqlite3_stmt *st;

	memset(out, 0, sizeof *out);
	if (prepare(s, "SELECT " INVITE_COLUMNS " FROM invites"
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

	if (prepare(s, "SELECT " INVITE_COLUMNS " FROM invites"
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
		stop = db_err(s, err, "reading the invites");
	sqlite3_finalize(st);
	return stop;
}

int
store_checkin_latest_id(struct store *s, long partner_id, long *id,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT coalesce(max(id), 0) FROM checkins"
	    " WHERE partner_id = ?1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, err, "reading check-ins");
}

int
store_json_array(struct store *s, const char *const *items, size_t n,
    struct buf *out, char **err)
{
	struct buf sql;
	sqlite3_stmt *st;
	int rc;

	if (n > 500)
		return set_err(err, "too many JSON items (%zu)", n);
	buf_init(&sql);
	buf_adds(&sql, "SELECT json_array(");
	for (size_t i = 0; i < n; i++)
		buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 1);
	buf_adds(&sql, ")");
	rc = prepare(s, buf_str(&sql), &st, err);
	buf_reset(&sql);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		bind_text(st, (int)i + 1, items[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		buf_adds(out, (const char *)sqlite3_column_text(st, 0));
	else
		db_err(s, err, "encoding JSON");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_json_strings(struct store *s, const char *json, char ***items,
    size_t *n, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*items = NULL;
	*n = 0;
	if (prepare(s, "SELECT value FROM json_each(?1) WHERE type = 'text'",
	    &st, err) != 0)
		return -1;
	bind_text(st, 1, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*items = xreallocarray(*items, *n + 1, sizeof **items);
		(*items)[(*n)++] = column_text(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			free((*items)[i]);
		free(*items);
		*items = NULL;
		*n = 0;
		return db_err(s, err, "reading a JSON list");
	}
	return 0;
}
