/* check_csvfile.c: the CSV reader against csv-spectrum, and the writer. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "csvfile.h"
#include "file.h"

static const char *const spectrum[] = {
	"comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json",
	"location_coordinates", "newlines", "newlines_crlf",
	"quotes_and_newlines", "simple", "simple_crlf", "utf8",
};
#define NSPECTRUM (sizeof spectrum / sizeof spectrum[0])

struct rows {
	char	***rows;	/* rows[i][j] */
	size_t	  *widths;
	long	  *lines;
	size_t	   n, cap;
	int	   stop_at;	/* stop after this many records (0: never) */
};

static int
keep(const struct csv_record *rec, void *arg)
{
	struct rows *r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->rows = realloc(r->rows, r->cap * sizeof *r->rows);
		r->widths = realloc(r->widths, r->cap * sizeof *r->widths);
		r->lines = realloc(r->lines, r->cap * sizeof *r->lines);
	}
	r->rows[r->n] = calloc(rec->nfields, sizeof (char *));
	for (size_t i = 0; i < rec->nfields; i++)
		r->rows[r->n][i] = strdup(rec->fields[i]);
	r->widths[r->n] = rec->nfields;
	r->lines[r->n] = rec->line;
	r->n++;
	return r->stop_at && (int)r->n == r->stop_at ? 7 : 0;
}

static void
rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		strv_free(r->rows[i], r->widths[i]);
	free(r->rows);
	free(r->widths);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

static char *
slurp(const char *path)
{
	char *err = NULL;
	char *text = file_read(path, 1024 * 1024, 0, NULL, NULL, &err);

	ck_assert_msg(text != NULL, "%s", err);
	return text;
}

static const char *
srcdir(void)
{
	const char *s = getenv("srcdir");

	return s ? s : ".";
}

/* Every csv-spectrum file yields exactly the rows of its JSON, read with
 * a comma and with the delimiter detected, as import reads. */
START_TEST(test_spectrum)
{
	struct rows r = { 0 };
	sqlite3 *db;
	sqlite3_stmt *st;
	char *csv, *json, *err = NULL;
	const char *name = spectrum[(size_t)_i % NSPECTRUM];
	char delim = (size_t)_i < NSPECTRUM ? ',' : '\0';

	ck_assert_int_ge(asprintf(&csv, "%s/tests/data/csv-spectrum/csvs/%s.csv",
	    srcdir(), name), 0);
	ck_assert_int_ge(asprintf(&json, "%s/tests/data/csv-spectrum/json/"
	    "%s.json", srcdir(), name), 0);
	ck_assert_msg(csv_read_file_delim(csv, &delim, keep, &r, &err) == 0,
	    "%s: %s", name, err ? err : "");
	ck_assert_int_eq(delim, ',');
	free(csv);
	csv = slurp(json);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	/* One result row per (row, key) of the JSON, in order. */
	/* location_coordinates.json is one object, not an array. */
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT r.key, f.key, f.value"
	    " FROM json_each(CASE json_type(?1) WHEN 'object' THEN"
	    " json_array(json(?1)) ELSE ?1 END) r, json_each(r.value) f"
	    " ORDER BY r.key, f.id", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, csv, -1, SQLITE_STATIC);
	{
		long row = -1;
		size_t col = 0;

		while (sqlite3_step(st) == SQLITE_ROW) {
			long k = sqlite3_column_int64(st, 0);
			const char *key = (const char *)sqlite3_column_text(st, 1);
			const char *val = (const char *)sqlite3_column_text(st, 2);

			if (k != row) {
				row = k;
				col = 0;
			}
			ck_assert_msg((size_t)row + 1 < r.n, "%s: too few rows",
			    name);
			ck_assert_msg(col < r.widths[0], "%s: header", name);
			ck_assert_str_eq(r.rows[0][col], key);
			ck_assert_msg(col < r.widths[row + 1], "%s: row %ld",
			    name, row);
			/* Upstream's JSON for this file has another phone
			 * number than its CSV; every other field must match. */
			if (strcmp(name, "location_coordinates") == 0 &&
			    strcmp(key, "Contact Phone Number") == 0)
				val = "2095257564";
			ck_assert_msg(strcmp(r.rows[row + 1][col], val ? val :
			    "") == 0, "%s row %ld col %zu: \"%s\" != \"%s\"",
			    name, row, col, r.rows[row + 1][col], val);
			col++;
		}
		/* header + data rows, or nothing for an empty file */
		ck_assert_msg((long)r.n == (row < 0 ? (r.n ? 1 : 0) : row + 2),
		    "%s: %zu records for %ld JSON rows", name, r.n, row + 1);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(csv);
	free(json);
	rows_free(&r);
}
END_TEST

START_TEST(test_lines_bom_blank)
{
	const char text[] = "\xef\xbb\xbfname,notes\r\n"
	    "a,\"one\r\ntwo\r\nthree\"\r\n"
	    "\r\n"
	    "b,plain\n"
	    "c,\"x\"\"y\"";
	struct rows r = { 0 };
	char *err = NULL;

	ck_assert_int_eq(csv_read_buffer("t.csv", text, sizeof text - 1, keep,
	    &r, &err), 0);
	ck_assert_int_eq(r.n, 4);
	ck_assert_str_eq(r.rows[0][0], "name");
	ck_assert_int_eq(r.lines[1], 2);
	ck_assert_str_eq(r.rows[1][1], "one\r\ntwo\r\nthree");
	ck_assert_int_eq(r.lines[2], 6);
	ck_assert_int_eq(r.lines[3], 7);
	ck_assert_str_eq(r.rows[3][1], "x\"y");
	rows_free(&r);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char	*text;
		size_t		 len;
		const char	*want;
	} cases[] = {
#define T(s) s, sizeof s - 1
		{ T("a,b\nc,\"unterminated\nmore\n"), "t.csv:" },
		{ T("a,b\nok,\xff\xfe\n"), "t.csv:2: column 2 (b): is not valid "
		    "UTF-8 (byte 1 of the field)" },
		{ T("a,b\nok,\"x\ny\xc0\"\n"), "t.csv:3: column 2 (b): is not "
		    "valid UTF-8 (byte 4 of the field)" },
		{ T("a,b\nok,x\n\"n\0ul\",y\n"), "t.csv:3: column 1 (a): has a "
		    "NUL byte (byte 2 of the field)" },
#undef T
	};
	struct rows r = { 0 };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL;

		ck_assert_int_eq(csv_read_buffer("t.csv", cases[i].text,
		    cases[i].len, keep, &r, &err), -1);
		ck_assert_msg(strncmp(err, cases[i].want, strlen(cases[i].want))
		    == 0, "case %zu: %s", i, err);
		free(err);
		rows_free(&r);
	}
	ck_assert_int_eq(csv_read_file("/nonexistent/x.csv", keep, &r, NULL),
	    -1);
}
END_TEST

START_TEST(test_stop)
{
	struct rows r = { 0 };

	r.stop_at = 2;
	ck_assert_int_eq(csv_read_buffer("t.csv", "a\nb\nc\n", 6, keep, &r,
	    NULL), 7);
	ck_assert_int_eq(r.n, 2);
	rows_free(&r);
}
END_TEST

START_TEST(test_round_trip)
{
	const char *fields[] = { "plain", "with, comma", "with \"quotes\"",
	    "two\r\nlines", " padded ", "Clínica São José", "" };
	struct rows r = { 0 };
	struct buf out;
	char *err = NULL;

	buf_init(&out);
	csv_write_record(&out, fields, 7);
	csv_write_record(&out, fields, 7);
	ck_assert_str_eq(buf_str(&out) + out.len - 2, "\r\n");
	ck_assert_int_eq(csv_read_buffer("rt", out.data, out.len, keep, &r,
	    &err), 0);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.lines[1], 3);
	for (size_t i = 0; i < 7; i++)
		ck_assert_str_eq(r.rows[1][i], fields[i]);
	rows_free(&r);
	buf_reset(&out);
	/* A field that starts with a BOM, first in the file, is quoted: a
	 * reader drops a BOM of the file's own. */
	buf_init(&out);
	fields[0] = "\xef\xbb\xbf\xef\xbb\xbfname";
	csv_write_record(&out, fields, 1);
	ck_assert_int_eq(csv_read_buffer("bom", out.data, out.len, keep, &r,
	    &err), 0);
	ck_assert_int_eq(r.n, 1);
	ck_assert_str_eq(r.rows[0][0], fields[0]);
	rows_free(&r);
	buf_reset(&out);
}
END_TEST

/* Spreadsheet habits: the delimiter of the header line, header names. */
START_TEST(test_spreadsheet)
{
	static const struct { const char *line; char delim; } lines[] = {
		{ "a,b,c\n", ',' }, { "a;b;c\nx,y,z,w,v\n", ';' },
		{ "a\tb\tc", '\t' }, { "\"a;b\",c\n", ',' },
		{ "\"x\";\"y,z\"", ';' }, { "name", ',' }, { "", ',' },
		{ "a;b,c", ',' },
	};
	static const struct { const char *cell, *name; } cells[] = {
		{ "Owner Email", "owner_email" },
		{ "Owner e-mail", "owner_email" },
		{ "  OWNER-EMAIL ", "owner_email" },
		{ "owner  -  email", "owner_email" },
		{ "E-Mail", "email" },
		{ "time-e-mail", "time_email" },
		{ "free-mailer", "free_mailer" },
		{ "key", "key" },
		{ "", "" },
	};
	struct rows r = { 0 };
	char delim = '\0', *err = NULL;
	const char *text = "k;n\r\n1;\"a;b\"\r\n";

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		ck_assert_msg(csv_detect_delimiter(lines[i].line,
		    strlen(lines[i].line)) == lines[i].delim, "%s",
		    lines[i].line);
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		char *name = csv_header_name(cells[i].cell);

		ck_assert_str_eq(name, cells[i].name);
		free(name);
	}
	ck_assert_int_eq(csv_read_buffer_delim("t", text, strlen(text),
	    &delim, keep, &r, &err), 0);
	ck_assert_int_eq(delim, ';');
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.rows[1][1], "a;b");
	rows_free(&r);
}
END_TEST

/* dir/name written with len bytes of text; the path (caller frees). */
static char *
write_temp(const char *dir, const char *name, const char *text, size_t len)
{
	char *path;
	FILE *f;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/*
 * A file read a chunk at a time gives the records of the same text read
 * whole, with their lines: records and quoted line breaks across chunk
 * boundaries, CRLF and LF mixed, a BOM, the delimiter of the header
 * line; an error after the first chunks names its line.
 */
START_TEST(test_chunks)
{
	struct rows whole = { 0 }, file = { 0 };
	struct buf text;
	long *want = NULL, line = 2;
	size_t nwant = 0;
	char dir[] = "/tmp/check_csvfile.XXXXXX", *path, *cmd, *err = NULL;
	char delim = '\0';

	ck_assert_ptr_nonnull(mkdtemp(dir));
	buf_init(&text);
	buf_adds(&text, "\xef\xbb\xbfname;notes;n\n");
	for (int i = 0; text.len < 200 * 1024; i++) {
		want = realloc(want, (nwant + 1) * sizeof *want);
		want[nwant++] = line;
		if (i % 7 == 0) {
			buf_printf(&text, "row %d;\"one; \"\"two\"\"\r\nthree\n"
			    "four\";%d\r\n", i, i);
			line += 2;
		} else
			buf_printf(&text, "row %d;Clínica São José %d;%d%s", i,
			    i, i, i % 3 ? "\n" : "\r\n");
		line++;
		if (i % 50 == 0) {
			buf_adds(&text, "\r\n");
			line++;
		}
	}
	path = write_temp(dir, "book.csv", text.data, text.len);
	ck_assert_msg(csv_read_file_delim(path, &delim, keep, &file, &err) ==
	    0, "%s", err);
	ck_assert_int_eq(delim, ';');
	delim = '\0';
	ck_assert_int_eq(csv_read_buffer_delim("whole", text.data, text.len,
	    &delim, keep, &whole, &err), 0);
	ck_assert_uint_eq(file.n, nwant + 1);
	ck_assert_uint_eq(whole.n, file.n);
	ck_assert_str_eq(file.rows[0][0], "name");
	for (size_t i = 1; i < file.n; i++) {
		ck_assert_int_eq(file.lines[i], want[i - 1]);
		ck_assert_int_eq(whole.lines[i], file.lines[i]);
		ck_assert_uint_eq(file.widths[i], 3);
		for (size_t f = 0; f < 3; f++)
			ck_assert_str_eq(file.rows[i][f], whole.rows[i][f]);
	}
	ck_assert_str_eq(file.rows[1][1], "one; \"two\"\r\nthree\nfour");
	rows_free(&file);
	free(path);

	/* A bad byte far into the file: its line, not its chunk's. */
	buf_printf(&text, "bad;x\xff;1\n");
	path = write_temp(dir, "bad.csv", text.data, text.len);
	delim = '\0';
	ck_assert_int_eq(csv_read_file_delim(path, &delim, keep, &file, &err),
	    -1);
	cmd = xasprintf("%s:%ld: column 2 (notes): is not valid UTF-8", path,
	    line);
	ck_assert_msg(strncmp(err, cmd, strlen(cmd)) == 0, "%s", err);
	free(cmd);
	free(err);
	err = NULL;
	rows_free(&file);
	free(path);

	/* A quote never closed ends the reading at the record's limit. */
	buf_reset(&text);
	buf_adds(&text, "name,notes\nfirst,\"open\n");
	while (text.len <= CSV_RECORD_MAX + 2 * 64 * 1024)
		buf_adds(&text, "more text, line after line\n");
	path = write_temp(dir, "open.csv", text.data, text.len);
	ck_assert_int_eq(csv_read_file(path, keep, &file, &err), -1);
	ck_assert_msg(strstr(err, ": the record that starts on line 2 is "
	    "longer than 1024 KiB") != NULL, "%s", err);
	ck_assert_uint_eq(file.n, 1);
	free(err);
	rows_free(&file);
	free(path);

	rows_free(&whole);
	buf_reset(&text);
	free(want);
	cmd = xasprintf("rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csvfile");
	TCase *tc = tcase_create("spectrum");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_spectrum, 0, 2 * NSPECTRUM);
	suite_add_tcase(s, tc);
	tc = tcase_create("reader");
	tcase_add_test(tc, test_lines_bom_blank);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_spreadsheet);
	tcase_add_test(tc, test_chunks);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
