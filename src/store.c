/*
 * store.c: the SQLite connection, transactions, the statement cache and
 * JSON; the schema and its migrations are in store_schema.c, the queries
 * in store_book.c, store_invite.c and store_outbox.c (the outbox's,
 * private to outbox.c).
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_db.h"

/* The cause behind a system error number. */
static enum fault
errno_fault(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return FAULT_NOPERM;
	case ENOENT:
	case ENOTDIR:
		return FAULT_MISSING;
	case EISDIR:
		return FAULT_NOTDB;
	case EIO:
	case ENOSPC:
	case EDQUOT:
		return FAULT_IO;
	default:
		return FAULT_INTERNAL;
	}
}

/* The cause behind the connection's last error. */
static enum fault
sqlite_fault(sqlite3 *db)
{
	switch (sqlite3_extended_errcode(db) & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return FAULT_LOCKED;
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return FAULT_IO;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return FAULT_NOPERM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return FAULT_NOTDB;
	case SQLITE_CANTOPEN:
		/* SQLite keeps the errno of its failed open(2) */
		return errno_fault(sqlite3_system_errno(db));
	default:
		return FAULT_INTERNAL;
	}
}

/*
 * Say fault f on path in *err, in the user's words.  ext is SQLite's
 * extended result code (0: none), e the system's errno (0: unknown), what
 * the operation and detail SQLite's message, shown where it says more.
 * Returns -1.
 */
static int
fault_err(char **err, const char *path, enum fault f, int ext, int e,
    const char *what, const char *detail)
{
	switch (f) {
	case FAULT_LOCKED:
		return set_err(err, "%s is locked by another process (try "
		    "again later)", path);
	case FAULT_IO:
		if (ext == SQLITE_FULL || e == ENOSPC || e == EDQUOT)
			return set_err(err, "%s: the disk is full", path);
		if (e == 0 || e == EIO)	/* SQLite's "disk I/O error" */
			return set_err(err, "%s: I/O error while %s", path,
			    what);
		return set_err(err, "%s: I/O error while %s: %s", path, what,
		    strerror(e));
	case FAULT_NOPERM:
		if ((ext & 0xff) == SQLITE_READONLY || e == EROFS)
			return set_err(err, "%s is read-only (touchbase must be "
			    "able to write it and its directory)", path);
		return set_err(err, "%s: permission denied", path);
	case FAULT_NOTDB:
		if (e == EISDIR)
			return set_err(err, "%s is not a touchbase database "
			    "(it is a directory)", path);
		if ((ext & 0xff) == SQLITE_CORRUPT)
			return set_err(err, "%s is not a touchbase database: "
			    "it is damaged (%s)", path, detail);
		return set_err(err, "%s is not a touchbase database (not an "
		    "SQLite file)", path);
	case FAULT_MISSING:
		return set_err(err, "%s: no such database; run \"touchbase "
		    "init\"", path);
	default:
		return set_err(err, "%s: %s: %s", path, what, detail);
	}
}

/* Record and say the cause of the connection's last error. */
static int
sdb_fail(struct store *s, const char *what, const char *detail, char **err)
{
	int ext = sqlite3_extended_errcode(s->db);
	int e = sqlite3_system_errno(s->db);

	s->fault = sqlite_fault(s->db);
	/* The database is there, so what SQLite could not open is its
	 * -wal or -shm file beside it: the directory (or its file system)
	 * does not let us create it. */
	if (s->fault == FAULT_MISSING && access(s->path, F_OK) == 0) {
		char *dir = xstrdup(s->path);

		e = faccessat(AT_FDCWD, dirname(dir), W_OK | X_OK,
		    AT_EACCESS) == 0 ? EACCES : errno;
		free(dir);
		s->fault = errno_fault(e);
	}
	return fault_err(err, s->path, s->fault, ext, e, what, detail);
}

int
sdb_err(struct store *s, char **err, const char *what)
{
	return sdb_fail(s, what, sqlite3_errmsg(s->db), err);
}

int
sdb_prepare(struct store *s, const char *sql, sqlite3_stmt **st, char **err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return sdb_err(s, err, "preparing a query");
	return 0;
}

/* FNV-1a: the cache compares hashes before texts. */
static unsigned long
sql_hash(const char *sql)
{
	unsigned long h = 2166136261UL;

	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 16777619UL;
	return h;
}

int
sdb_cached(struct store *s, const char *sql, sqlite3_stmt **st, char **err)
{
	unsigned long h;
	struct sdb_stmt *c;
	bool known = false;

	/* Callers give string literals: where the text was last time finds
	 * it without hashing it (the text is still compared). */
	for (size_t i = 0; i < s->ncache; i++) {
		c = &s->cache[i];
		if (c->given == sql && !c->in_use && strcmp(c->sql, sql) == 0) {
			c->in_use = true;
			*st = c->st;
			return 0;
		}
	}
	h = sql_hash(sql);
	for (size_t i = 0; i < s->ncache; i++) {
		c = &s->cache[i];
		if (c->hash != h || strcmp(c->sql, sql) != 0)
			continue;
		if (!c->in_use) {
			c->in_use = true;
			c->given = sql;
			*st = c->st;
			return 0;
		}
		known = true;
		break;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, known ||
	    s->ncache == SDB_CACHE_MAX ? 0 : SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK)
		return sdb_err(s, err, "preparing a query");
	if (!known && s->ncache < SDB_CACHE_MAX) {
		c = &s->cache[s->ncache++];
		c->sql = xstrdup(sql);
		c->given = sql;
		c->hash = h;
		c->st = *st;
		c->in_use = true;
	}
	return 0;
}

void
sdb_finish(struct store *s, sqlite3_stmt *st)
{
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].in_use = false;
			return;
		}
	sqlite3_finalize(st);
}

void
sdb_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

void
sdb_bind_held(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *
sdb_column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

/* Run a statement that returns no rows. */
int
sdb_step_done(struct store *s, sqlite3_stmt *st, const char *what, char **err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT) {
		int ext = sqlite3_extended_errcode(s->db);

		if (ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
			sdb_err(s, err, what);
			return STORE_EXISTS;
		}
	}
	return sdb_err(s, err, what);
}

int
sdb_exec(struct store *s, const char *sql, const char *what, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sdb_fail(s, what, msg ? msg : sqlite3_errmsg(s->db), err);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
configure_connection(struct store *s, char **err)
{
	sqlite3_busy_timeout(s->db, 10000);
	if (sdb_exec(s, "PRAGMA foreign_keys = ON;", "enabling foreign keys",
	    err) != 0)
		return -1;
	/* WAL lets status and export read while a run writes. */
	if (sdb_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
	    "enabling WAL", err) != 0)
		return -1;
	return 0;
}

/*
 * What the file system says before SQLite opens path: a missing or
 * unreachable file, or for a new one an unusable directory (SQLite would
 * report those as an open failure with the wrong errno).  Returns the
 * fault, FAULT_NONE when SQLite may try.
 */
static enum fault
check_path(const char *path, enum store_open_mode mode, char **err)
{
	struct stat sb;
	enum fault f;
	char *dir;
	int e, fd;

	if (stat(path, &sb) == 0)
		return FAULT_NONE;
	e = errno;
	if (e == ENOENT && mode != STORE_EXISTING) {
		/* a new file: its directory must let us create it */
		dir = xstrdup(path);
		e = faccessat(AT_FDCWD, dirname(dir), W_OK | X_OK,
		    AT_EACCESS) == 0 ? 0 : errno;
		free(dir);
		/* Made here, not by SQLite, which would give it 0644 whatever
		 * the umask: 0666 less the umask lets a service with umask 007
		 * share the book with its group (touchbase(1), RUNNING AS A
		 * SERVICE). */
		if (e == 0 && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0666)) != -1) {
			close(fd);
			return FAULT_NONE;
		}
		if (e == 0)
			e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			set_err(err, "%s: cannot create the database: no such "
			    "directory", path);
			return FAULT_MISSING;
		}
	}
	f = errno_fault(e);
	fault_err(err, path, f, 0, e, "opening the database", strerror(e));
	return f;
}

/* Refuse what is not touchbase's database at a version this program can
 * use as mode asks; sets s->fault. */
static int
check_schema(struct store *s, enum store_open_mode mode, int version,
    char **err)
{
	sqlite3_stmt *st;
	int rc, tables = 0, ours = 0;

	if (sdb_prepare(s, "SELECT count(*), coalesce(sum(name = 'partners'),"
	    " 0) FROM sqlite_master WHERE type = 'table'", &st, err) != 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tables = sqlite3_column_int(st, 0);
		ours = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sdb_err(s, err, "reading the schema");
	if (version == 0 ? tables > 0 : ours == 0)
		set_err(err, "%s is not a touchbase database (it holds another "
		    "program's tables)", s->path);
	else if (version > STORE_SCHEMA_VERSION)
		set_err(err, "%s: database schema version %d was made by a "
		    "newer touchbase (this one knows up to %d); upgrade "
		    "touchbase", s->path, version, STORE_SCHEMA_VERSION);
	else if (mode == STORE_EXISTING && version == 0)
		set_err(err, "%s is not a touchbase database (it is empty); "
		    "run \"touchbase init\"", s->path);
	else if (mode == STORE_EXISTING && version < STORE_SCHEMA_VERSION)
		set_err(err, "%s: database schema version %d is older than "
		    "%d; run \"touchbase init\" to upgrade it", s->path,
		    version, STORE_SCHEMA_VERSION);
	else
		return 0;
	s->fault = FAULT_NOTDB;
	return -1;
}

int
store_open(const char *path, enum store_open_mode mode, struct store **out,
    int *from, int *to, enum fault *fault, char **err)
{
	struct store *s;
	enum fault f;
	int flags = SQLITE_OPEN_READWRITE, version;

	*out = NULL;
	if (fault != NULL)
		*fault = FAULT_NONE;
	if ((f = check_path(path, mode, err)) != FAULT_NONE) {
		if (fault != NULL)
			*fault = f;
		return -1;
	}
	if (mode != STORE_EXISTING)
		flags |= SQLITE_OPEN_CREATE;
	/* One thread uses a connection: SQLite's locks around each call
	 * and its memory statistics (a lock per allocation) only cost. */
	flags |= SQLITE_OPEN_NOMUTEX;
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		sdb_err(s, err, "opening the database");
		goto fail;
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
	if (check_schema(s, mode, version, err) != 0)
		goto fail;
	if (mode == STORE_CREATE &&
	    store_migrate_to(s, STORE_SCHEMA_VERSION, err) != 0)
		goto fail;
	if (to != NULL)
		*to = STORE_SCHEMA_VERSION;
	*out = s;
	return 0;
fail:
	if (fault != NULL)
		*fault = s->fault;
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	store_bulk_forget(s);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

enum fault
store_fault(const struct store *s)
{
	return s->fault;
}

/* Every commit synced again, once store_begin_unsynced's ended. */
static int
synced_again(struct store *s, char **err)
{
	if (!s->unsynced)
		return 0;
	s->unsynced = false;
	return sdb_exec(s, "PRAGMA synchronous = FULL", "ending a transaction",
	    err);
}

int
store_begin(struct store *s, char **err)
{
	if (s->depth > 0) {
		if (sdb_exec(s, "SAVEPOINT nested", "starting a savepoint",
		    err) != 0)
			return -1;
	} else if (sdb_exec(s, "BEGIN IMMEDIATE", "starting a transaction",
	    err) != 0)
		return -1;
	s->depth++;
	return 0;
}

int
store_commit(struct store *s, char **err)
{
	if (s->bulk_depth != 0 && s->bulk_depth == s->depth &&
	    store_bulk_end(s, err) != 0)
		return -1;
	if (s->depth > 1) {
		if (sdb_exec(s, "RELEASE nested", "releasing a savepoint",
		    err) != 0)
			return -1;
	} else if (sdb_exec(s, "COMMIT", "committing", err) != 0)
		return -1;
	s->depth--;
	return s->depth == 0 ? synced_again(s, err) : 0;
}

int
store_begin_unsynced(struct store *s, char **err)
{
	if (s->depth > 0)
		return store_begin(s, err);
	if (sdb_exec(s, "PRAGMA synchronous = NORMAL", "starting a "
	    "transaction", err) != 0)
		return -1;
	s->unsynced = true;
	if (store_begin(s, err) == 0)
		return 0;
	synced_again(s, NULL);
	return -1;
}

int
store_begin_read(struct store *s, char **err)
{
	if (s->depth > 0)
		return store_begin(s, err);
	if (sdb_exec(s, "BEGIN DEFERRED", "starting a read transaction",
	    err) != 0)
		return -1;
	s->depth++;
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
	if (s->bulk_depth != 0 && s->bulk_depth == s->depth)
		store_bulk_forget(s);
	if (s->depth > 0)
		s->depth--;
	if (s->depth == 0)
		synced_again(s, NULL);
}

int
store_json_object(struct store *s, const struct json_field *fields, size_t n,
    struct buf *out, char **err)
{
	struct buf sql;
	sqlite3_stmt *st;
	int rc;

	if (n > 400) {
		s->fault = FAULT_INTERNAL;
		return set_err(err, "too many JSON fields (%zu)", n);
	}
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
	rc = sdb_cached(s, buf_str(&sql), &st, err);
	buf_reset(&sql);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int k = (int)(2 * i + 1);

		sdb_bind_text(st, k, fields[i].name);
		switch (fields[i].type) {
		case JSON_TEXT:
		case JSON_RAW:
			sdb_bind_text(st, k + 1, fields[i].text);
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
		sdb_err(s, err, "encoding JSON");
	sdb_finish(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_json_array(struct store *s, const char *const *items, size_t n,
    struct buf *out, char **err)
{
	struct buf sql;
	sqlite3_stmt *st;
	int rc;

	if (n > 500) {
		s->fault = FAULT_INTERNAL;
		return set_err(err, "too many JSON items (%zu)", n);
	}
	buf_init(&sql);
	buf_adds(&sql, "SELECT json_array(");
	for (size_t i = 0; i < n; i++)
		buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 1);
	buf_adds(&sql, ")");
	rc = sdb_cached(s, buf_str(&sql), &st, err);
	buf_reset(&sql);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		sdb_bind_text(st, (int)i + 1, items[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		buf_adds(out, (const char *)sqlite3_column_text(st, 0));
	else
		sdb_err(s, err, "encoding JSON");
	sdb_finish(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Column 0 of every row st (bound) selects into *items, *n; st given
 * back with sdb_finish; what failed named by what. */
static int
column_strings(struct store *s, sqlite3_stmt *st, char ***items, size_t *n,
    const char *what, char **err)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*items = xreallocarray(*items, *n + 1, sizeof **items);
		(*items)[(*n)++] = sdb_column_text(st, 0);
	}
	sdb_finish(s, st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *n; i++)
			free((*items)[i]);
		free(*items);
		*items = NULL;
		*n = 0;
		return sdb_err(s, err, what);
	}
	return 0;
}

int
store_json_strings(struct store *s, const char *json, char ***items,
    size_t *n, char **err)
{
	sqlite3_stmt *st;

	*items = NULL;
	*n = 0;
	if (sdb_cached(s, "SELECT value FROM json_each(?1) WHERE type = 'text'",
	    &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, json);
	return column_strings(s, st, items, n, "reading a JSON list", err);
}

int
store_owners_list(struct store *s, char ***owners, size_t *n, char **err)
{
	sqlite3_stmt *st;

	*owners = NULL;
	*n = 0;
	/* With min(), the bare owner_email is the one of the row with the
	 * least key; partners_by_owner holds both. */
	if (sdb_prepare(s, "SELECT owner_email, min(key) FROM partners"
	    " WHERE archived = 0 GROUP BY owner_email COLLATE NOCASE", &st,
	    err) != 0)
		return -1;
	return column_strings(s, st, owners, n, "reading the owners", err);
}

int
store_setting_get(struct store *s, const char *name, char **value, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*value = NULL;
	if (sdb_cached(s, "SELECT value FROM settings WHERE name = ?1", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sdb_column_text(st, 0);
	sdb_finish(s, st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND :
	    sdb_err(s, err, "reading a setting");
}

int
store_setting_set(struct store *s, const char *name, const char *value,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "INSERT INTO settings (name, value) VALUES (?1, ?2)"
	    " ON CONFLICT (name) DO UPDATE SET value = excluded.value", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, name);
	sdb_bind_text(st, 2, value);
	rc = sdb_step_done(s, st, "storing a setting", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}
