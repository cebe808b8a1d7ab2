/*
 * fuzz_csv.c: CSV import (csvfile.c, exchange.c).
 *
 * Input: a CSV file.  Its records are read and must survive being
 * written and read again unchanged; read from a file a few bytes at a
 * time, it must give the same records, lines and error as read whole
 * from memory; then it is imported as a dry run
 * into a partner book (every record validated and inserted, then rolled
 * back), and the result must be consistent: errors listed only when
 * the import was refused, at most IMPORT_MAX_ERRORS of them, each naming
 * the file.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvfile.h"
#include "exchange.h"
#include "fuzz.h"
#include "text.h"
#include "util.h"

struct records {
	char	***fields;
	size_t	  *nfields;
	long	  *lines;
	size_t	   n;
};

static int
keep_record(const struct csv_record *rec, void *arg)
{
	struct records *r = arg;

	for (size_t i = 0; i < rec->nfields; i++)
		fuzz_assert(text_utf8_valid(rec->fields[i],
		    strlen(rec->fields[i])), "line %ld: field %zu is not "
		    "UTF-8", rec->line, i);
	r->fields = xreallocarray(r->fields, r->n + 1, sizeof *r->fields);
	r->nfields = xreallocarray(r->nfields, r->n + 1, sizeof *r->nfields);
	r->lines = xreallocarray(r->lines, r->n + 1, sizeof *r->lines);
	r->fields[r->n] = strv_copy((const char *const *)rec->fields,
	    rec->nfields);
	r->lines[r->n] = rec->line;
	r->nfields[r->n++] = rec->nfields;
	return 0;
}

static void
records_free(struct records *r)
{
	for (size_t i = 0; i < r->n; i++)
		strv_free(r->fields[i], r->nfields[i]);
	free(r->fields);
	free(r->nfields);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

/* A record of one empty field is an empty line, which readers skip. */
static bool
blank(const struct records *r, size_t i)
{
	return r->nfields[i] == 0 || (r->nfields[i] == 1 &&
	    r->fields[i][0][0] == '\0');
}

/* What was read, written as CSV and read back, is the same. */
static void
check_round_trip(const struct records *r)
{
	struct records again = { NULL, NULL, NULL, 0 };
	struct buf out;
	char *err = NULL;
	size_t k = 0;

	buf_init(&out);
	for (size_t i = 0; i < r->n; i++)
		if (!blank(r, i))
			csv_write_record(&out,
			    (const char *const *)r->fields[i], r->nfields[i]);
	if (csv_read_buffer("again.csv", buf_str(&out), out.len, keep_record,
	    &again, &err) != 0)
		fuzz_fail("written CSV does not read back: %s", err);
	for (size_t i = 0; i < r->n; i++) {
		if (blank(r, i))
			continue;
		fuzz_assert(k < again.n, "record %zu lost", i);
		fuzz_assert(again.nfields[k] == r->nfields[i],
		    "record %zu: %zu fields, then %zu", i, r->nfields[i],
		    again.nfields[k]);
		for (size_t f = 0; f < r->nfields[i]; f++)
			fuzz_assert(strcmp(again.fields[k][f],
			    r->fields[i][f]) == 0, "record %zu field %zu: "
			    "\"%s\" read back as \"%s\"", i, f,
			    r->fields[i][f], again.fields[k][f]);
		k++;
	}
	fuzz_assert(k == again.n, "records added on reading back");
	records_free(&again);
	buf_reset(&out);
}

/* The input read from a file in chunks of 1 to 16 bytes (so that records,
 * quoted line breaks, CRLF and the BOM fall across them) gives what
 * reading it whole gave: rc, err, and the records with their lines. */
static void
check_chunked(const uint8_t *data, size_t size, int rc, const char *err,
    const struct records *r)
{
	static int fd = -1;
	struct records again = { NULL, NULL, NULL, 0 };
	size_t chunk = size > 0 ? 1 + data[size - 1] % 16 : 1;
	char *err2 = NULL;
	int rc2;

	if (fd < 0) {
		char *path = xasprintf("%s/chunked.csv", fuzz_tmpdir());

		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		fuzz_assert(fd >= 0, "%s: cannot create", path);
		free(path);
	}
	fuzz_assert(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) ==
	    (ssize_t)size && lseek(fd, 0, SEEK_SET) == 0, "chunked.csv: "
	    "cannot write");
	rc2 = csv_read_fd(fd, "fuzz.csv", chunk, &(char){ ',' }, keep_record,
	    &again, &err2);
	fuzz_assert(rc2 == rc, "read in chunks of %zu: %d, whole: %d", chunk,
	    rc2, rc);
	fuzz_assert((err == NULL) == (err2 == NULL) && (err == NULL ||
	    strcmp(err, err2) == 0), "read in chunks of %zu: \"%s\", whole: "
	    "\"%s\"", chunk, err2 ? err2 : "", err ? err : "");
	fuzz_assert(again.n == r->n, "read in chunks of %zu: %zu records, "
	    "whole: %zu", chunk, again.n, r->n);
	for (size_t i = 0; i < r->n; i++) {
		fuzz_assert(again.lines[i] == r->lines[i] &&
		    again.nfields[i] == r->nfields[i], "record %zu: line %ld "
		    "and %zu fields in chunks of %zu, whole: line %ld and %zu",
		    i, again.lines[i], again.nfields[i], chunk, r->lines[i],
		    r->nfields[i]);
		for (size_t f = 0; f < r->nfields[i]; f++)
			fuzz_assert(strcmp(again.fields[i][f],
			    r->fields[i][f]) == 0, "record %zu field %zu: "
			    "\"%s\" in chunks, \"%s\" whole", i, f,
			    again.fields[i][f], r->fields[i][f]);
	}
	records_free(&again);
	free(err2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct records recs = { NULL, NULL, NULL, 0 };
	struct import_result res;
	char *err = NULL;
	int rc;

	rc = csv_read_buffer("fuzz.csv", (const char *)data, size, keep_record,
	    &recs, &err);
	fuzz_assert(rc == 0 || err != NULL, "csv_read_buffer: no error "
	    "message");
	check_chunked(data, size, rc, err, &recs);
	if (rc == 0)
		check_round_trip(&recs);
	free(err);
	err = NULL;
	records_free(&recs);

	rc = exchange_import_buffer(fuzz_book(), "fuzz.csv", (const char *)data,
	    size, true, FUZZ_NOW, &res, &err);
	fuzz_assert(rc == BOOK_OK || rc == BOOK_INVALID, "import: %d: %s", rc,
	    err ? err : "");
	fuzz_assert((rc == BOOK_INVALID) == (res.nerrors > 0 || err != NULL),
	    "import: %d with %zu errors", rc, res.nerrors);
	fuzz_assert(res.nlisted <= IMPORT_MAX_ERRORS &&
	    res.nlisted <= res.nerrors, "%zu errors listed of %zu",
	    res.nlisted, res.nerrors);
	for (size_t i = 0; i < res.nlisted; i++)
		fuzz_assert(strncmp(res.errors[i], "fuzz.csv", 8) == 0,
		    "error without the file: %s", res.errors[i]);
	free(err);
	import_result_reset(&res);
	return 0;
}
