/* check_store.c: schema migrations and partner book queries. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

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

	ck_assert_int_eq(store_open(db_path, STORE_RAW, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_migrate_to(s, 1, &err), 0);
	store_close(s);
	raw_sql("INSERT INTO partners (key, name, owner_email, cadence,"
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

/* Invites sent before schema 3 become invite records, open while their
 * occurrence is still the one due; the outbox keeps every row. */
START_TEST(test_upgrade_from_v2)
{
	struct invite_rec inv;
	struct outbox_row r;
	struct store *s;
	char *err = NULL;
	int from, to;

	ck_assert_int_eq(store_open(db_path, STORE_RAW, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_migrate_to(s, 2, &err), 0);
	store_close(s);
	raw_sql("INSERT INTO partners (key, name, owner_email, cadence,"
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
	ck_assert_int_eq(to, 3);
	ck_assert_int_eq(store_invite_get_open(s, 1, &inv, &err), 0);
	ck_assert_str_eq(inv.uid, "touchbase-old-20260202@x");
	ck_assert_str_eq(inv.meeting_date, "2026-02-02");
	ck_assert_str_eq(inv.partner_name, "Old Friend");
	ck_assert_str_eq(inv.attendees, "[\"o@example.org\"]");
	invite_rec_reset(&inv);
	ck_assert_int_eq(store_outbox_invite_sent(s, "touchbase-old-20260202@x",
	    "O@example.org", 1, &r, &err), 0);
	ck_assert_str_eq(r.meeting_date, "2026-02-02");
	ck_assert_str_eq(r.message_id, "m1@x");
	outbox_row_reset(&r);
	store_close(s);
}
END_TEST

START_TEST(test_newer_refused)
{
	struct store *s;
	char *err = NULL;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	store_close(s);
	raw_sql("PRAGMA user_version = 99");
	ck_assert_int_eq(store_open(db_path, STORE_EXISTING, &s, NULL, NULL,
	    NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer touchbase"));
	free(err);
	err = NULL;
	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer touchbase"));
	free(err);
}
END_TEST

static int
count_partner(const struct partner *p, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

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

START_TEST(test_nested_transactions)
{
	struct store *s;
	struct partner a = sample("a"), b = sample("b"), got;
	char *err = NULL;

	ck_assert_int_eq(store_open(db_path, STORE_CREATE, &s, NULL, NULL, NULL,
	    &err), 0);
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_partner_add(s, &a, "2026-01-01T00:00:00Z",
	    &err), 0);
	ck_assert_int_eq(store_begin(s, &err), 0);
	ck_assert_int_eq(store_partner_add(s, &b, "2026-01-01T00:00:00Z",
	    &err), 0);
	store_rollback(s);	/* the inner savepoint only */
	ck_assert_int_eq(store_commit(s, &err), 0);
	ck_assert_int_eq(store_partner_get(s, "a", &got, &err), 0);
	partner_reset(&got);
	ck_assert_int_eq(store_partner_get(s, "b", &got, &err),
	    STORE_NOT_FOUND);
	free(err);
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
	tcase_add_test(tc, test_upgrade_from_v1);
	tcase_add_test(tc, test_upgrade_from_v2);
	tcase_add_test(tc, test_newer_refused);
	suite_add_tcase(su, tc);
	tc = tcase_create("queries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partners_contacts_checkins);
	tcase_add_test(tc, test_nested_transactions);
	tcase_add_test(tc, test_json_object);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
