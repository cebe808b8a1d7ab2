/* check_exchange.c: CSV import (all or nothing) and JSON export. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "book.h"
#include "exchange.h"

static char dir[64];
static struct config cfg;
static struct store *store;
static struct book book;
static const time_t now = 1795000000;	/* 2026-11-18 */

static void
setup(void)
{
	char *path, *err = NULL;

	strcpy(dir, "/tmp/check_exchange.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_init(&cfg);
	ck_assert_int_ge(asprintf(&path, "%s/tb.db", dir), 0);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &store, NULL, NULL,
	    NULL, &err), 0);
	free(path);
	ck_assert_int_eq(book_init(&book, store, &cfg, &err), 0);
}

static void
teardown(void)
{
	char *cmd;

	book_reset(&book);
	store_close(store);
	config_reset(&cfg);
	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static char *
write_csv(const char *name, const char *text)
{
	char *path;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static long
count(void)
{
	long n = -1;
	char *err = NULL;

	ck_assert_int_eq(store_partner_count(store, true, &n, &err), 0);
	return n;
}

START_TEST(test_import_quoting_and_contacts)
{
	struct import_result r;
	struct partner p;
	char *err = NULL, *path = write_csv("ok.csv",
	    "Name,Owner_Email,notes,contact_name,contact_email,contact_invite\r\n"
	    "\"Harbor, Community\",h@example.org,\"line one\r\nline \"\"two\"\"\","
	    "Ann,ann@example.org,yes\r\n"
	    "\"Harbor, Community\",,,Bob,bob@example.org,no\r\n"
	    "Valley Health,v@example.org,,,,\r\n");

	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	ck_assert_int_eq(r.partners, 2);
	ck_assert_int_eq(r.contacts, 2);
	ck_assert_int_eq(r.nerrors, 0);
	ck_assert_int_eq(book_partner_get(&book, "harbor-community", &p, &err),
	    0);
	ck_assert_str_eq(p.notes, "line one\r\nline \"two\"");
	ck_assert_str_eq(p.cadence, "monthly");
	partner_reset(&p);
	import_result_reset(&r);
	free(path);
}
END_TEST

/* More bad rows than are listed, then a quoting error: all are counted. */
START_TEST(test_import_many_errors)
{
	struct import_result r;
	struct buf text;
	char *path, *err = NULL;

	buf_init(&text);
	buf_adds(&text, "name,owner_email\n");
	for (int i = 0; i < 150; i++)
		buf_printf(&text, "Bad %d,not-an-address\n", i);
	buf_adds(&text, "\"Unclosed,x@example.org\n");
	path = write_csv("many.csv", buf_str(&text));
	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_INVALID);
	ck_assert_uint_eq(r.nlisted, IMPORT_MAX_ERRORS);
	ck_assert_uint_eq(r.nerrors, 151);
	ck_assert_ptr_null(r.errors[IMPORT_MAX_ERRORS]);
	ck_assert_ptr_nonnull(strstr(r.errors[0], "many.csv:2: "));
	ck_assert_int_eq(count(), 0);
	import_result_reset(&r);
	buf_reset(&text);
	free(path);
}
END_TEST

START_TEST(test_import_all_or_nothing)
{
	struct import_result r;
	char *err = NULL, *path = write_csv("bad.csv",
	    "name,owner_email,cadence,notes\n"
	    "Good,good@example.org,monthly,\n"
	    "Spans,bad-address,monthly,\"a note\nover three\nlines\"\n"
	    "Bad Cadence,c@example.org,sometimes,\n"
	    "Good,dup@example.org,weekly,\n");

	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_INVALID);
	ck_assert_int_eq(r.nerrors, 3);
	ck_assert_ptr_nonnull(strstr(r.errors[0], "bad.csv:3: owner"));
	ck_assert_ptr_nonnull(strstr(r.errors[1], "bad.csv:6: "));
	ck_assert_ptr_nonnull(strstr(r.errors[1], "sometimes"));
	ck_assert_ptr_nonnull(strstr(r.errors[2], "bad.csv:7: "));
	ck_assert_ptr_nonnull(strstr(r.errors[2], "exists"));
	ck_assert_int_eq(count(), 0);
	import_result_reset(&r);
	free(path);

	/* A key taken in the database; an unknown column. */
	path = write_csv("dup.csv", "name,owner_email\nGood,g@example.org\n");
	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	import_result_reset(&r);
	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_INVALID);
	ck_assert_ptr_nonnull(strstr(r.errors[0], "dup.csv:2: "));
	ck_assert_ptr_nonnull(strstr(r.errors[0], "exists"));
	import_result_reset(&r);
	free(path);
	path = write_csv("col.csv", "name,owner_email,colour\nX,x@example.org,"
	    "red\n");
	/* An unknown column is ignored, with a warning naming it. */
	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	ck_assert_uint_eq(r.nerrors, 0);
	ck_assert_uint_eq(r.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(r.warnings[0], "col.csv:1: column 3 "
	    "\"colour\" ignored"));
	ck_assert_int_eq(count(), 2);
	import_result_reset(&r);
	free(path);
}
END_TEST

START_TEST(test_import_dry_run)
{
	struct import_result r;
	char *err = NULL, *path = write_csv("dry.csv",
	    "name,owner_email\nA,a@example.org\nB,b@example.org\n");

	ck_assert_int_eq(exchange_import(&book, path, true, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	ck_assert_int_eq(r.partners, 2);
	ck_assert_int_eq(count(), 0);
	import_result_reset(&r);
	free(path);
}
END_TEST

START_TEST(test_export_json_valid)
{
	struct import_result r;
	struct buf out;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *err = NULL, *path = write_csv("j.csv",
	    "name,owner_email,owner_name,notes,contact_name,contact_email\n"
	    "\"Quote \"\" and \\ backslash\",q@example.org,\"Zoë \"\"Z\"\" "
	    "Ng\",\"tab\there\nnewline\",\"<Ann>\",ann@example.org\n");

	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	import_result_reset(&r);
	buf_init(&out);
	ck_assert_int_eq(exchange_export_json(&book, &out, &err), 0);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT json_valid(?1),"
	    " json_extract(?1, '$[0].name'), json_extract(?1, '$[0].notes'),"
	    " json_extract(?1, '$[0].contacts[0].name')", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, buf_str(&out), -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1),
	    "Quote \" and \\ backslash");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 2),
	    "tab\there\nnewline");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 3), "<Ann>");
	sqlite3_finalize(st);
	sqlite3_close(db);
	buf_reset(&out);
	free(path);
}
END_TEST

/* One shape for a partner, whatever a view adds to it. */
#define PARTNER_KEYS "key,name,owner,sponsor,cadence,start_date,timezone," \
	"tier,notes,archived,created_at,next_due,last_checkin"
static const struct {
	bool		 contacts;
	int		 checkins;
	bool		 state;
	const char	*keys;
} shape_cases[] = {
	{ false, 0, false, PARTNER_KEYS },
	{ true, 0, false, PARTNER_KEYS ",contacts" },
	{ false, 10, false, PARTNER_KEYS ",checkins" },
	{ true, 10, false, PARTNER_KEYS ",contacts,checkins" },
	{ false, 0, true, PARTNER_KEYS ",state,days_overdue" },
	{ true, 3, true, PARTNER_KEYS ",contacts,checkins,state,days_overdue" },
};

START_TEST(test_partner_json)
{
	struct json_field state[] = {
		{ "state", JSON_TEXT, "overdue", 0 },
		{ "days_overdue", JSON_INT, NULL, 8 },
	};
	struct import_result r;
	struct partner p;
	struct buf out;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *err = NULL, *path = write_csv("p.csv",
	    "name,owner_email,owner_name,contact_name,contact_email\n"
	    "Harbor,h@example.org,Dana Lee,Ann,ann@example.org\n");

	ck_assert_int_eq(exchange_import(&book, path, false, now, NULL, NULL,
	    &r, &err), BOOK_OK);
	import_result_reset(&r);
	ck_assert_int_eq(book_partner_get(&book, "harbor", &p, &err), 0);
	buf_init(&out);
	ck_assert_int_eq(exchange_partner_json(&book, &p,
	    shape_cases[_i].contacts, shape_cases[_i].checkins,
	    shape_cases[_i].state ? state : NULL, shape_cases[_i].state ? 2 : 0,
	    &out, &err), 0);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT (SELECT group_concat("
	    "key, ',') FROM json_each(?1)), json_extract(?1, '$.owner.email'),"
	    " json_extract(?1, '$.owner.name')", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, buf_str(&out), -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    shape_cases[_i].keys);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 1),
	    "h@example.org");
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), "Dana Lee");
	sqlite3_finalize(st);
	sqlite3_close(db);
	buf_reset(&out);
	partner_reset(&p);
	free(path);
}
END_TEST

START_TEST(test_slug)
{
	static const char *const cases[][2] = {
		{ "Clínica São José", "clinica-sao-jose" },
		{ "St. Brigid's Hospital", "st-brigid-s-hospital" },
		{ "  --ACME--  ", "acme" },
		{ "Ærø Ünïversity", "aro-university" },
		{ "東京", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = book_slug(cases[i][0]);

		ck_assert_str_eq(s, cases[i][1]);
		free(s);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("exchange");
	TCase *tc = tcase_create("import");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_import_quoting_and_contacts);
	tcase_add_test(tc, test_import_all_or_nothing);
	tcase_add_test(tc, test_import_many_errors);
	tcase_add_test(tc, test_import_dry_run);
	tcase_add_test(tc, test_export_json_valid);
	tcase_add_loop_test(tc, test_partner_json, 0,
	    sizeof shape_cases / sizeof shape_cases[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("slug");
	tcase_add_test(tc, test_slug);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
