/*
 * exchange_checkins.c: the check-in history as CSV (key, date, note, by),
 * so that export and import carry every check-in, not only the last.
 */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>

#include "csvfile.h"

enum { CK_KEY, CK_DATE, CK_NOTE, CK_BY, NCK };

static const char *const checkin_columns[NCK] = { "key", "date", "note",
    "by" };

struct checkins_in {
	struct book		*book;
	const char		*path;
	time_t			 now;
	struct import_result	*result;
	int			 index[NCK];
	bool			 header_done;
	char			*fatal;		/* a database failure */
};

static void
bad_row(struct checkins_in *ci, long line, const char *why)
{
	import_result_add_error(ci->result, xasprintf("%s:%ld: %s", ci->path,
	    line, why));
}

static int
checkins_header(struct checkins_in *ci, const struct csv_record *rec)
{
	for (int c = 0; c < NCK; c++)
		ci->index[c] = -1;
	for (size_t i = 0; i < rec->nfields; i++) {
		char *name = csv_header_name(rec->fields[i]);

		for (int c = 0; c < NCK; c++)
			if (strcmp(name, checkin_columns[c]) == 0)
				ci->index[c] = (int)i;
		free(name);
	}
	ci->header_done = true;
	if (ci->index[CK_KEY] == -1 || ci->index[CK_DATE] == -1) {
		bad_row(ci, rec->line, "the check-ins header needs the columns "
		    "key and date (and may have note and by)");
		return 1;
	}
	return 0;
}

static const char *
ck_field(const struct checkins_in *ci, const struct csv_record *rec, int c)
{
	int i = ci->index[c];

	if (i < 0 || (size_t)i >= rec->nfields || rec->fields[i][0] == '\0')
		return NULL;
	return rec->fields[i];
}

static int
checkin_record(const struct csv_record *rec, void *arg)
{
	struct checkins_in *ci = arg;
	const char *key, *date;
	char *err = NULL;
	int rc;

	if (!ci->header_done)
		return checkins_header(ci, rec);
	key = ck_field(ci, rec, CK_KEY);
	date = ck_field(ci, rec, CK_DATE);
	if (key == NULL && date == NULL)
		return 0;
	if (key == NULL || date == NULL) {
		bad_row(ci, rec->line, key == NULL ? "key is missing" :
		    "date is missing");
		return 0;
	}
	rc = book_checkin(ci->book, key, date, ck_field(ci, rec, CK_NOTE),
	    ck_field(ci, rec, CK_BY), ci->now, &err);
	if (rc == BOOK_ERROR) {
		ci->fatal = err;
		return -2;
	}
	if (rc != 0)
		bad_row(ci, rec->line, err);
	else
		ci->result->checkins++;
	free(err);
	return 0;
}

int
exchange_import_checkins(struct book *b, const char *path, char delimiter,
    time_t now, struct import_result *result, char **err)
{
	struct checkins_in ci;
	int rc;

	memset(&ci, 0, sizeof ci);
	ci.book = b;
	ci.path = path;
	ci.now = now;
	ci.result = result;
	rc = csv_read_file_delim(path, &delimiter, checkin_record, &ci, err);
	if (rc == -2) {
		free(*err);
		*err = ci.fatal;
		return -1;
	}
	if (rc == -1) {
		/* Malformed CSV, or a file that cannot be read. */
		import_result_add_error(result, *err);
		*err = NULL;
	} else if (!ci.header_done)
		import_result_add_error(result, xasprintf("%s: empty file: "
		    "expected a header row", path));
	return 0;
}

struct checkins_out {
	struct book	*book;
	struct buf	*out;
	char		**err;
	char		**rows;		/* date, note, by of each, newest
					 * first */
	size_t		  n;
};

static int
keep_checkin(const struct checkin *c, void *arg)
{
	struct checkins_out *co = arg;

	strv_add(&co->rows, &co->n, xstrdup(c->date));
	strv_add(&co->rows, &co->n, xstrdup(c->note ? c->note : ""));
	strv_add(&co->rows, &co->n, xstrdup(c->by_email ? c->by_email : ""));
	return 0;
}

static int
export_partner_checkins(const struct partner *p, void *arg)
{
	struct checkins_out *co = arg;
	int rc;

	co->rows = NULL;
	co->n = 0;
	rc = store_checkin_foreach(co->book->store, p->id, 0, keep_checkin,
	    co, co->err);
	/* Oldest first: importing them in this order replays the book. */
	for (size_t i = co->n; rc == 0 && i >= 3; i -= 3) {
		const char *row[NCK] = { p->key, co->rows[i - 3],
		    co->rows[i - 2], co->rows[i - 1] };

		csv_write_record(co->out, row, NCK);
	}
	strv_free(co->rows, co->n);
	return rc;
}

int
exchange_export_checkins_csv(struct book *b, struct buf *out, char **err)
{
	struct checkins_out co = { b, out, err, NULL, 0 };

	csv_write_record(out, checkin_columns, NCK);
	return store_partner_foreach(b->store, true, export_partner_checkins,
	    &co, err) == 0 ? 0 : -1;
}
