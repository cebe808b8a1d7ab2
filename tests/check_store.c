/* check_store.c: schema migrations, partner book queries, and the causes
 * of database failures. */
#include <check.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "outbox.h"
#include "store.h"

static char dir[] = "/tmp/check_store.XXXXXX";
static char *db_path;

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/check_store.XXXXXX")));
	db_path = NULL;
	ck_assert_int_ge(asprintf(&db_path, "%s/tb.db", dir), 0);
}

static void
teardown(void)
{
	char *cmd = NULL;

	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(db_path);
}

/* Run SQL on the file directly, as an older or newer program would. */
static void
raw_sql(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A database at schema version, holding what sql inserts. */
static void
old_schema(int version, const char *sql)
{
	struct store *s;
	char *err = NULL;

	ck_assert_int_eq(store_open(db_path, STORE_RAW, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_migrate_to(s, version, &err), 0);
	store_close(s);
	raw_sql(sql);
}

static struct partner
sample(const char *key)
{
	struct partner p;

	memset(&p, 0, sizeof p);
	p.key = (char *)key;
	p.name = (char *)"Riverside Pediatric Clinic";
	p.owner_email = (char *)"dana@example.org";
	p.cadence = (char *)"monthly";
	p.start_date = (char *)"2026-01-05";
	p.next_due = (char *)"2026-02-05";
	return p;
}

START_TEST(test_create_and_reopen)
{
	struct store *s;
	char *err = NULL;
	int from, to, version;

	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "touchbase init"));
	free(err);
	err = NULL;
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, 0);
	ck_assert_int_eq(to, STORE_SCHEMA_VERSION);
	store_close(s);
	/* init again is a no-op */
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_schema_version(s, &version, &err), 0);
	ck_assert_int_eq(version, STORE_SCHEMA_VERSION);
	store_close(s);
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    NULL, &err), 0);
	store_close(s);
}
END_TEST

START_TEST(test_upgrade_from_v1)
{
	struct store *s;
	struct partner p;
	char *err = NULL;
	int from, to;

	old_schema(1, "INSERT INTO partners (key, name, owner_email, cadence,"
	    " start_date, created_at, updated_at) VALUES ('old', 'Old Friend',"
	    " 'o@example.org', 'yearly', '2020-01-01', '2020-01-01T00:00:00Z',"
	    " '2020-01-01T00:00:00Z');"
	    "INSERT INTO checkins (partner_id, date, created_at) VALUES (1,"
	    " '2025-06-01', '2025-06-01T00:00:00Z');");
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "older"));
	free(err);
	err = NULL;
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, 1);
	ck_assert_int_eq(to, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_partner_get(s, "old", &p, &err), 0);
	ck_assert_str_eq(p.name, "Old Friend");
	ck_assert_str_eq(p.last_checkin, "2025-06-01");
	ck_assert_ptr_null(p.next_due);
	partner_reset(&p);
	store_close(s);
}
END_TEST

/* Schema 6 gives partners a sponsor name: a partner from schema 5 keeps
 * its sponsor's address, without a name, and takes one. */
START_TEST(test_upgrade_from_v5)
{
	struct store *s;
	struct partner p;
	char *err = NULL;
	int from, to;

	old_schema(5, "INSERT INTO partners (key, name, owner_email, sponsor_email,"
	    " cadence, start_date, created_at, updated_at) VALUES ('old',"
	    " 'Old Friend', 'o@example.org', 'cmo@example.org', 'yearly',"
	    " '2020-01-01', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z');");
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, 5);
	ck_assert_int_eq(to, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_partner_get(s, "old", &p, &err), 0);
	ck_assert_str_eq(p.sponsor_email, "cmo@example.org");
	ck_assert_ptr_null(p.sponsor_name);
	p.sponsor_name = strdup("Dr. Chen");
	ck_assert_int_eq(store_partner_update(s, &p, "2026-01-01T00:00:00Z",
	    &err), 0);
	partner_reset(&p);
	ck_assert_int_eq(store_partner_get(s, "old", &p, &err), 0);
	ck_assert_str_eq(p.sponsor_name, "Dr. Chen");
	partner_reset(&p);
	store_close(s);
}
END_TEST

static int
count_partner(const struct partner *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return 0;
}

/* What SQLite would do for sql, from the file directly. */
static char *
query_plan(const char *sql)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	char *q = NULL, *plan = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&plan, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_ge(asprintf(&q, "EXPLAIN QUERY PLAN %s", sql), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(f, "%s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(f);
	free(q);
	return plan;
}

/* Schema 7 finds an owner's active partners by an index, not by reading
 * every partner: a book from schema 6 gains it and keeps its rows. */
START_TEST(test_upgrade_from_v6)
{
	struct store *s;
	char *err = NULL, *plan;
	int from, to, n = 0;

	old_schema(6, "INSERT INTO partners (key, name, owner_email, cadence,"
	    " start_date, created_at, updated_at, archived) VALUES"
	    " ('a', 'A', 'Dana@Example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 0),"
	    " ('b', 'B', 'dana@example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 1),"
	    " ('c', 'C', 'lee@example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 0);");
	plan = query_plan("SELECT key FROM partners p WHERE p.archived = 0"
	    " AND p.owner_email = 'x' COLLATE NOCASE");
	ck_assert_ptr_null(strstr(plan, "partners_by_owner"));
	free(plan);
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, 6);
	ck_assert_int_eq(to, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_partner_foreach_owner(s, "DANA@example.org",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	store_close(s);
	plan = query_plan("SELECT owner_email, min(key) FROM partners"
	    " WHERE archived = 0 GROUP BY owner_email COLLATE NOCASE");
	ck_assert_ptr_nonnull(strstr(plan, "INDEX partners_by_owner"));
	free(plan);
	plan = query_plan("SELECT key FROM partners p WHERE p.archived = 0"
	    " AND p.owner_email = 'x' COLLATE NOCASE");
	ck_assert_ptr_nonnull(strstr(plan, "USING INDEX partners_by_owner"));
	free(plan);
}
END_TEST

/* The owners of active partners: each once whatever the case, spelled as
 * the partner first in key order spells it; archived partners' owners
 * left out. */
START_TEST(test_owners_list)
{
	struct store *s;
	char *err = NULL, **v;
	size_t n;

	old_schema(STORE_SCHEMA_VERSION, "INSERT INTO partners (key, name,"
	    " owner_email, cadence, start_date, created_at, updated_at,"
	    " archived) VALUES"
	    " ('b', 'B', 'dana@example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 0),"
	    " ('a', 'A', 'Dana@Example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 0),"
	    " ('0', 'Z', 'DANA@EXAMPLE.ORG', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 1),"
	    " ('c', 'C', 'gone@example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 1),"
	    " ('d', 'D', 'lee@example.org', 'yearly', '2020-01-01',"
	    " '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', 0);");
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    NULL, &err), 0);
	ck_assert_int_eq(store_owners_list(s, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	if (strcmp(v[0], "lee@example.org") == 0) {
		char *t = v[0];

		v[0] = v[1];
		v[1] = t;
	}
	ck_assert_str_eq(v[0], "Dana@Example.org");
	ck_assert_str_eq(v[1], "lee@example.org");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	store_close(s);
}
END_TEST

/* Invites sent before schema 3 become invite records, open while their
 * occurrence is still the one due; the outbox keeps every row. */
START_TEST(test_upgrade_from_v2)
{
	struct invite_rec inv;
	struct outbox_msg r;
	struct store *s;
	char *err = NULL;
	int from, to;

	old_schema(2, "INSERT INTO partners (key, name, owner_email, cadence,"
	    " start_date, created_at, updated_at, next_due) VALUES ('old',"
	    " 'Old Friend', 'o@example.org', 'monthly', '2026-01-01',"
	    " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-02-02');"
	    "INSERT INTO outbox (partner_id, partner_key, kind, occurrence,"
	    " recipient, state, message_id, uid, attendees, created_at) VALUES"
	    " (1, 'old', 'reminder', '2026-02-02', 'o@example.org', 'sent',"
	    " 'm1@x', 'touchbase-old-20260202@x', '[\"o@example.org\"]',"
	    " '2026-01-26T00:00:00Z'),"
	    " (1, 'old', 'overdue', '2026-01-02', 'o@example.org', 'sent',"
	    " 'm2@x', NULL, NULL, '2026-01-05T00:00:00Z');");
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, &from, &to, NULL,
	    &err), 0);
	ck_assert_int_eq(from, 2);
	ck_assert_int_eq(to, STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_invite_get_open(s, 1, &inv, &err), 0);
	ck_assert_str_eq(inv.uid, "touchbase-old-20260202@x");
	ck_assert_str_eq(inv.meeting_date, "2026-02-02");
	ck_assert_str_eq(inv.partner_name, "Old Friend");
	ck_assert_str_eq(inv.attendees, "[\"o@example.org\"]");
	invite_rec_reset(&inv);
	ck_assert_int_eq(outbox_invite_sent(s, "touchbase-old-20260202@x",
	    "O@example.org", 1, &r, &err), 0);
	ck_assert(r.meeting.set);
	ck_assert_int_eq(r.meeting.date.day, 2);
	ck_assert_int_eq(r.meeting.hour, -1);
	ck_assert_str_eq(r.message_id, "m1@x");
	ck_assert_int_eq(r.kind, OUTBOX_REMINDER);
	ck_assert_int_eq(r.state, OUTBOX_SENT);
	ck_assert_uint_eq(r.nattendees, 1);
	ck_assert_str_eq(r.attendees[0], "o@example.org");
	outbox_msg_reset(&r);
	store_close(s);
}
END_TEST

START_TEST(test_newer_refused)
{
	struct store *s;
	enum fault fault;
	char *err = NULL;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	store_close(s);
	raw_sql("PRAGMA user_version = 99");
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    &fault, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer touchbase"));
	ck_assert_int_eq(fault, FAULT_NOTDB);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL,
	    &fault, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer touchbase"));
	ck_assert_int_eq(fault, FAULT_NOTDB);
	free(err);
}
END_TEST

/*
 * Causes of failure: what the file at db_path is, and what opening it
 * must report.
 */
static const struct open_case {
	const char		*what;
	const char		*text;	/* written to the file, or NULL */
	const char		*sql;	/* run on a new SQLite file, or NULL */
	const char		*file;	/* below dir (default tb.db) */
	enum store_open_mode	 mode;
	enum fault		 fault;
	const char		*says;
} open_cases[] = {
	{ "no file", NULL, NULL, NULL, STORE_EXISTING, FAULT_MISSING,
	    "tb.db: no such database; run \"touchbase init\"" },
	{ "no directory to create it in", NULL, NULL, "no/such/tb.db",
	    STORE_CREATE, FAULT_MISSING, "no such directory" },
	{ "a text file", "key,name\nriverside,Riverside\n", NULL, NULL,
	    STORE_EXISTING, FAULT_NOTDB,
	    "tb.db is not a touchbase database (not an SQLite file)" },
	{ "a text file given to init", "hello\n", NULL, NULL, STORE_CREATE,
	    FAULT_NOTDB, "tb.db is not a touchbase database" },
	{ "an empty SQLite file", NULL, "PRAGMA user_version = 0", NULL,
	    STORE_EXISTING, FAULT_NOTDB,
	    "(it is empty); run \"touchbase init\"" },
	{ "another program's SQLite file", NULL, "CREATE TABLE notes (x)",
	    NULL, STORE_EXISTING, FAULT_NOTDB,
	    "tb.db is not a touchbase database (it holds another program's "
	    "tables)" },
	{ "another program's SQLite file given to init", NULL,
	    "CREATE TABLE notes (x)", NULL, STORE_CREATE, FAULT_NOTDB,
	    "another program's tables" },
	{ "another program's versioned SQLite file", NULL,
	    "CREATE TABLE notes (x); PRAGMA user_version = 3", NULL,
	    STORE_EXISTING, FAULT_NOTDB, "another program's tables" },
};

START_TEST(test_open_faults)
{
	const struct open_case *c = &open_cases[_i];
	char *path = NULL, *err = NULL;
	enum fault fault = FAULT_NONE;
	struct store *s;
	FILE *f;

	if (c->text != NULL) {
		ck_assert_ptr_nonnull(f = fopen(db_path, "w"));
		fputs(c->text, f);
		ck_assert_int_eq(fclose(f), 0);
	}
	if (c->sql != NULL)
		raw_sql(c->sql);
	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, c->file ? c->file :
	    "tb.db"), 0);
	ck_assert_msg(store_open(path, c->mode, &s, NULL, NULL, &fault,
	    &err) == -1, "%s: opened", c->what);
	ck_assert_msg(fault == c->fault, "%s: fault %d, wanted %d", c->what,
	    fault, c->fault);
	ck_assert_msg(strstr(err, c->says) != NULL, "%s: \"%s\" lacks \"%s\"",
	    c->what, err, c->says);
	free(err);
	free(path);
}
END_TEST

/* Another connection holding the write lock (WAL lets readers through),
 * or with locking_mode = EXCLUSIVE the whole file. */
static sqlite3 *
hold_lock(bool readers_too)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	if (readers_too)
		ck_assert_int_eq(sqlite3_exec(db, "PRAGMA locking_mode = "
		    "EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE; "
	    "PRAGMA user_version", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

/* A write waits out the busy timeout, then fails as locked; the store
 * remembers the cause for the command layer. */
START_TEST(test_locked_write)
{
	struct partner p = sample("riverside");
	struct store *s;
	char *err = NULL;
	sqlite3 *db;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL,
	    NULL, &err), 0);
	ck_assert_int_eq(store_fault(s), FAULT_NONE);
	db = hold_lock(false);
	ck_assert_int_eq(store_partner_add(s, &p, "2026-01-05T10:00:00Z",
	    &err), -1);
	ck_assert_int_eq(store_fault(s), FAULT_LOCKED);
	ck_assert_ptr_nonnull(strstr(err, "tb.db is locked by another process "
	    "(try again later)"));
	free(err);
	err = NULL;
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(store_partner_add(s, &p, "2026-01-05T10:00:00Z",
	    &err), 0);
	store_close(s);
}
END_TEST

/* Opening fails as locked when even reading must wait. */
START_TEST(test_locked_open)
{
	struct store *s;
	enum fault fault;
	char *err = NULL;
	sqlite3 *db;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL,
	    NULL, &err), 0);
	store_close(s);
	db = hold_lock(true);
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    &fault, &err), -1);
	ck_assert_int_eq(fault, FAULT_LOCKED);
	ck_assert_ptr_nonnull(strstr(err, "is locked by another process"));
	free(err);
	sqlite3_close(db);
}
END_TEST

/*
 * Permissions: the modes of the file and of dir, and what opening it
 * must report to someone those modes apply to.
 */
static const struct perm_case {
	const char		*what;
	bool			 exists;
	mode_t			 file_mode;
	mode_t			 dir_mode;
	enum store_open_mode	 mode;
	const char		*says;
} perm_cases[] = {
	{ "a read-only file in a read-only directory", true, 0444, 0555,
	    STORE_EXISTING, "tb.db is read-only" },
	{ "init on a read-only file", true, 0444, 0555, STORE_CREATE,
	    "tb.db is read-only" },
	{ "an unreadable file", true, 0000, 0755, STORE_EXISTING,
	    "tb.db: permission denied" },
	{ "a directory one cannot enter", true, 0644, 0000, STORE_EXISTING,
	    "tb.db: permission denied" },
	{ "init in a read-only directory", false, 0, 0555, STORE_CREATE,
	    "tb.db: permission denied" },
};

/* What a child reports of its store_open. */
struct open_result {
	int		 skip;	/* 1: cannot become nobody, 2: bits ignored */
	int		 rc;
	enum fault	 fault;
	char		 msg[200];
};

/*
 * store_open in a child that the mode bits apply to: root ignores them,
 * so as root the child becomes nobody first.  _exit keeps the child
 * clear of the leak check and of the test runner's state.
 */
static void
open_in_child(enum store_open_mode mode, struct open_result *r)
{
	int fds[2], status;
	pid_t pid;

	memset(r, 0, sizeof *r);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		struct store *s = NULL;
		char *err = NULL;

		close(fds[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 ||
		    setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0))
			r->skip = 1;
		else if (faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) == 0 &&
		    faccessat(AT_FDCWD, db_path, R_OK | W_OK, AT_EACCESS) == 0)
			r->skip = 2;
		else {
			r->rc = store_open(db_path, mode, &s, NULL, NULL,
			    &r->fault, &err);
			snprintf(r->msg, sizeof r->msg, "%s", err ? err : "");
			store_close(s);
			free(err);
		}
		_exit(write(fds[1], r, sizeof *r) == sizeof *r ? 0 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], r, sizeof *r), sizeof *r);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(test_permission_faults)
{
	const struct perm_case *c = &perm_cases[_i];
	struct open_result r;
	struct store *s;
	char *err = NULL;

	if (c->exists) {
		ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL,
		    NULL, NULL, &err), 0);
		store_close(s);
		ck_assert_int_eq(chmod(db_path, c->file_mode), 0);
	}
	ck_assert_int_eq(chmod(dir, c->dir_mode), 0);
	open_in_child(c->mode, &r);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	if (c->exists)
		ck_assert_int_eq(chmod(db_path, 0600), 0);
	if (r.skip) {
		printf("check_store: skipped \"%s\": %s\n", c->what,
		    r.skip == 1 ? "cannot drop root privileges to nobody "
		    "(65534) here" : "the mode bits do not apply here");
		return;
	}
	ck_assert_msg(r.rc == -1, "%s: opened", c->what);
	ck_assert_msg(r.fault == FAULT_NOPERM, "%s: fault %d (%s)", c->what,
	    r.fault, r.msg);
	ck_assert_msg(strstr(r.msg, c->says) != NULL, "%s: \"%s\" lacks "
	    "\"%s\"", c->what, r.msg, c->says);
}
END_TEST

START_TEST(test_partners_contacts_checkins)
{
	struct store *s;
	struct partner p = sample("riverside"), got;
	struct contact c;
	struct checkin ci;
	char *err = NULL;
	int n = 0;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_partner_add(s, &p, "2026-01-05T10:00:00Z",
	    &err), 0);
	ck_assert_int_eq(store_partner_add(s, &p, "2026-01-05T10:00:00Z",
	    &err), STORE_EXISTS);
	free(err);
	err = NULL;
	memset(&c, 0, sizeof c);
	c.partner_id = p.id;
	c.name = (char *)"Maria Gómez";
	c.email = (char *)"maria@example.com";
	c.invite = true;
	ck_assert_int_eq(store_contact_add(s, &c, &err), 0);
	ck_assert_int_eq(store_contact_add(s, &c, &err), STORE_EXISTS);
	free(err);
	err = NULL;
	memset(&ci, 0, sizeof ci);
	ci.partner_id = p.id;
	ci.date = (char *)"2026-01-20";
	ck_assert_int_eq(store_checkin_add(s, &ci, "2026-01-20T10:00:00Z",
	    &err), 0);
	ck_assert_int_eq(store_partner_get(s, "riverside", &got, &err), 0);
	ck_assert_str_eq(got.last_checkin, "2026-01-20");
	ck_assert_str_eq(got.name, "Riverside Pediatric Clinic");
	ck_assert_int_eq(store_partner_set_next_due(s, got.id, "2026-02-20",
	    &err), 0);
	partner_reset(&got);
	ck_assert_int_eq(store_partner_foreach_due(s, "2026-02-19",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_partner_foreach_due(s, "2026-02-20",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_contact_remove(s, p.id, "nobody@example.com",
	    &err), STORE_NOT_FOUND);
	free(err);
	err = NULL;
	/* Removing a partner removes its contacts and check-ins. */
	ck_assert_int_eq(store_partner_remove(s, p.id, &err), 0);
	ck_assert_int_eq(store_partner_get(s, "riverside", &got, &err),
	    STORE_NOT_FOUND);
	free(err);
	store_close(s);
	raw_sql("CREATE TABLE t AS SELECT (SELECT count(*) FROM contacts) +"
	    " (SELECT count(*) FROM checkins) AS n;"
	    "DELETE FROM t WHERE n = 0;"
	    "CREATE TABLE must_be_empty (x CHECK (0));"
	    "INSERT INTO must_be_empty SELECT n FROM t;");
}
END_TEST

/* Nested in an outer transaction that is synced (0) or not (1): the
 * same; after an unsynced one ends, the next commits are synced again
 * (synchronous can only change outside a transaction: it did). */
START_TEST(test_nested_transactions)
{
	int (*begin)(struct store *, char **) = _i ? store_begin_unsynced :
	    store_begin;
	struct store *s;
	struct partner a = sample("a"), b = sample("b"), got;
	char *err = NULL;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(begin(s, &err), 0);
	ck_assert_int_eq(store_partner_add(s, &a, "2026-01-01T00:00:00Z",
	    &err), 0);
	ck_assert_int_eq(begin(s, &err), 0);
	ck_assert_int_eq(store_partner_add(s, &b, "2026-01-01T00:00:00Z",
	    &err), 0);
	store_rollback(s);	/* the inner savepoint only */
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(begin(s, &err), 0);
	store_rollback(s);
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(store_partner_get(s, "a", &got, &err), 0);
	partner_reset(&got);
	ck_assert_int_eq(store_partner_get(s, "b", &got, &err),
	    STORE_NOT_FOUND);
	free(err);
	store_close(s);
}
END_TEST

struct nested {
	struct store	*s;
	int		 outer, inner;
};

static int
count_contact(const struct contact *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

/* A contact's callback runs the same cached query again: the nested use
 * gets a statement of its own, and the outer one goes on. */
static int
nested_contact(const struct contact *c, void *arg)
{
	struct nested *n = arg;
	char *err = NULL;

	n->outer++;
	ck_assert_int_eq(store_contact_foreach(n->s, c->partner_id,
	    count_contact, &n->inner, &err), 0);
	return 0;
}

START_TEST(test_statement_cache)
{
	struct store *s;
	struct partner p = sample("riverside"), got;
	struct contact c;
	char *err = NULL, email[64];

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_partner_add(s, &p, "2026-01-05T10:00:00Z",
	    &err), 0);
	for (int i = 0; i < 3; i++) {
		memset(&c, 0, sizeof c);
		c.partner_id = p.id;
		c.name = (char *)"Contact";
		snprintf(email, sizeof email, "c%d@example.com", i);
		c.email = email;
		ck_assert_int_eq(store_contact_add(s, &c, &err), 0);
	}
	/* Reused many times, with other bindings between. */
	for (int i = 0; i < 100; i++) {
		struct nested n = { s, 0, 0 };

		ck_assert_int_eq(store_partner_get(s, i % 2 ? "riverside" :
		    "nobody", &got, &err), i % 2 ? 0 : STORE_NOT_FOUND);
		if (i % 2) {
			ck_assert_str_eq(got.key, "riverside");
			partner_reset(&got);
		}
		ck_assert_int_eq(store_contact_foreach(s, p.id, nested_contact,
		    &n, &err), 0);
		ck_assert_int_eq(n.outer, 3);
		ck_assert_int_eq(n.inner, 9);
	}
	free(err);
	store_close(s);
}
END_TEST

/* The partners' indexes without a constraint of their own, as another
 * connection sees them. */
static int
plain_partner_indexes(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM"
	    " sqlite_master WHERE type = 'index' AND tbl_name = 'partners'"
	    " AND sql IS NOT NULL", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

START_TEST(test_bulk_load)
{
	struct store *s;
	struct partner a = sample("a"), b = sample("b");
	char *err = NULL;
	int due = 0;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(plain_partner_indexes(), 2);
	/* only inside a transaction */
	ck_assert_int_eq(store_bulk_begin(s, "partners", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside a transaction"));
	free(err);
	err = NULL;
	/* rolled back: the indexes are as they were */
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_bulk_begin(s, "partners", &err), 0);
	ck_assert_int_eq(store_partner_add(s, &a, "2026-01-01T00:00:00Z",
	    &err), 0);
	store_rollback(s);
	ck_assert_int_eq(plain_partner_indexes(), 2);
	/* committed without store_bulk_end (and begun twice, in a savepoint
	 * too): the commit makes them, holding the rows added meanwhile */
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_bulk_begin(s, "partners", &err), 0);
	ck_assert_int_eq(store_partner_add(s, &a, "2026-01-01T00:00:00Z",
	    &err), 0);
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_bulk_begin(s, "partners", &err), 0);
	b.next_due = (char *)"2026-03-01";
	ck_assert_int_eq(store_partner_add(s, &b, "2026-01-01T00:00:00Z",
	    &err), 0);
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(plain_partner_indexes(), 2);
	ck_assert_int_eq(store_partner_foreach_due(s, "2026-02-10",
	    count_partner, &due, &err), 0);
	ck_assert_int_eq(due, 1);
	/* and store_bulk_end before the commit makes them once */
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_bulk_begin(s, "partners", &err), 0);
	ck_assert_int_eq(store_bulk_end(s, &err), 0);
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(plain_partner_indexes(), 2);
	store_close(s);
}
END_TEST

/* Due partners in no particular order: through the index for a few,
 * the table read in its own order for many; the same partners. */
START_TEST(test_due_any)
{
	struct store *s;
	struct partner p;
	char *err = NULL, key[16];
	int n;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	for (int i = 0; i < 9; i++) {
		snprintf(key, sizeof key, "k%d", i);
		p = sample(key);
		p.next_due = (char *)(i == 0 ? "2026-02-05" : i < 5 ?
		    "2026-03-01" : "2026-04-01");
		ck_assert_int_eq(store_partner_add(s, &p,
		    "2026-01-01T00:00:00Z", &err), 0);
	}
	/* one of nine due: the index */
	n = 0;
	ck_assert_int_eq(store_partner_foreach_due_any(s, "2026-02-10",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	/* five of nine: the table */
	n = 0;
	ck_assert_int_eq(store_partner_foreach_due_any(s, "2026-03-10",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 5);
	n = 0;
	ck_assert_int_eq(store_partner_foreach_due_any(s, "2026-01-10",
	    count_partner, &n, &err), 0);
	ck_assert_int_eq(n, 0);
	store_close(s);
}
END_TEST

START_TEST(test_json_object)
{
	struct store *s;
	struct buf out;
	char *err = NULL;
	const struct json_field f[] = {
		{ "name", JSON_TEXT, "Clínica \"São\" José\n\t<b>", 0 },
		{ "count", JSON_INT, NULL, 42 },
		{ "yes", JSON_BOOL, NULL, 1 },
		{ "none", JSON_NULL, NULL, 0 },
		{ "list", JSON_RAW, "[1,{\"a\":null}]", 0 },
		{ "missing", JSON_TEXT, NULL, 0 },
	};

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	buf_init(&out);
	ck_assert_int_eq(store_json_object(s, f, 6, &out, &err), 0);
	ck_assert_str_eq(buf_str(&out), "{\"name\":\"Clínica \\\"São\\\" "
	    "José\\n\\t<b>\",\"count\":42,\"yes\":true,\"none\":null,"
	    "\"list\":[1,{\"a\":null}],\"missing\":null}");
	buf_reset(&out);
	store_close(s);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("store");
	TCase *tc = tcase_create("schema");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_and_reopen);
	tcase_add_test(tc, test_bulk_load);
	tcase_add_test(tc, test_due_any);
	tcase_add_test(tc, test_upgrade_from_v1);
	tcase_add_test(tc, test_upgrade_from_v2);
	tcase_add_test(tc, test_upgrade_from_v5);
	tcase_add_test(tc, test_upgrade_from_v6);
	tcase_add_test(tc, test_owners_list);
	tcase_add_test(tc, test_newer_refused);
	suite_add_tcase(su, tc);
	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* the locked cases wait out the 10 s busy timeout */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_open_faults, 0,
	    sizeof open_cases / sizeof open_cases[0]);
	tcase_add_test(tc, test_locked_write);
	tcase_add_test(tc, test_locked_open);
	tcase_add_loop_test(tc, test_permission_faults, 0,
	    sizeof perm_cases / sizeof perm_cases[0]);
	suite_add_tcase(su, tc);
	tc = tcase_create("queries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partners_contacts_checkins);
	tcase_add_loop_test(tc, test_nested_transactions, 0, 2);
	tcase_add_test(tc, test_json_object);
	tcase_add_test(tc, test_statement_cache);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
