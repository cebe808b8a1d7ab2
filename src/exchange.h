/*
 * exchange.h: the partner book in and out: CSV import (all-or-nothing),
 * CSV and JSON export, and the JSON form of partners used by --json.
 *
 * CSV columns (header row required, any order, names case-insensitive):
 * key, name, owner_email, owner_name, sponsor_email, sponsor_name,
 * cadence, start_date, timezone, tier, notes, archived, last_checkin,
 * contact_name, contact_email, contact_role, contact_invite.  Only name and
 * owner_email are required.  A row repeating a key already seen adds a
 * contact to that partner (its partner columns must be empty or equal),
 * which is how export writes partners with several contacts.
 */
#ifndef TB_EXCHANGE_H
#define TB_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "book.h"

struct import_result {
	long	  partners;	/* added (or that would be, on dry run) */
	long	  contacts;
	long	  checkins;
	char	**errors;	/* "FILE:LINE: why", NULL-terminated */
	size_t	  nlisted;	/* in errors: at most IMPORT_MAX_ERRORS */
	size_t	  nerrors;	/* all bad records, listed or not */
};

/* How many error messages an import keeps; the rest are only counted. */
#define IMPORT_MAX_ERRORS 100

/* Called every 1000 records when not NULL (progress on a terminal). */
typedef void (*import_progress_fn)(long records, void *arg);

/*
 * Import path into the book in one transaction.  Every bad record is
 * reported in result->errors and nothing is written when there is any
 * (nor on dry_run).  Returns BOOK_OK, BOOK_INVALID (errors listed),
 * or BOOK_ERROR with *err (unreadable file, database failure).
 */
int exchange_import(struct book *b, const char *path, bool dry_run, time_t now,
    import_progress_fn progress, void *arg, struct import_result *result,
    char **err);
/* The same for a CSV text in memory (len bytes, called name in the
 * errors): the fuzzing harness's seam. */
int exchange_import_buffer(struct book *b, const char *name, const char *data,
    size_t len, bool dry_run, time_t now, struct import_result *result,
    char **err);
void import_result_reset(struct import_result *r);

/* All partners (archived too) as CSV with a header row, appended to out. */
int exchange_export_csv(struct book *b, struct buf *out, char **err);
/* All partners as a JSON array of partner objects (with contacts). */
int exchange_export_json(struct book *b, struct buf *out, char **err);

/*
 * One partner as a JSON object, appended to out: key, name, owner {name,
 * email}, sponsor, cadence, start_date, timezone, tier, notes, archived,
 * created_at, next_due, last_checkin; with_contacts adds "contacts",
 * checkins > 0 adds up to that many recent "checkins", and the nextra
 * fields of extra (a view's own, such as status's state) come last.
 * Every --json that shows partners uses this shape.  Returns 0 or -1
 * with *err.
 */
int exchange_partner_json(struct book *b, const struct partner *p,
    bool with_contacts, int checkins, const struct json_field *extra,
    size_t nextra, struct buf *out, char **err);

#endif
