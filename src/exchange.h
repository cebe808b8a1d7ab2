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
 * Spreadsheet habits are accepted: a header such as "Owner E-mail" names
 * owner_email (case, spaces and hyphens do not matter), unknown columns
 * are ignored with a warning naming them, rows of empty cells are
 * skipped, and the delimiter (comma, semicolon or tab) is read from the
 * header line unless given.
 */
#ifndef TB_EXCHANGE_H
#define TB_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "book.h"
#include "exchange_forecast.h"

struct import_result {
	long	  partners;	/* added (or that would be, on dry run) */
	long	  contacts;
	long	  checkins;
	long	  updated;	/* partners updated (--update) */
	char	**errors;	/* "FILE:LINE: why", NULL-terminated */
	size_t	  nlisted;	/* in errors: at most IMPORT_MAX_ERRORS */
	size_t	  nerrors;	/* all bad records, listed or not */
	char	**warnings;	/* what was ignored, NULL-terminated */
	size_t	  nwarnings;
	long	  baselines;	/* baseline check-ins recorded */
	struct forecast	forecast; /* what the next run would send after */
	char	 *forecast_err;	/* why there is no forecast, or NULL */
};

/* How an import reads its file and what it does with it. */
struct import_opts {
	bool		 dry_run;	/* check and forecast, change nothing */
	const char	*baseline;	/* NULL, "today" or YYYY-MM-DD: a new
					 * partner without last_checkin gets a
					 * baseline check-in that day */
	char		 delimiter;	/* 0: detected from the header line */
	bool		 update;	/* a key in the book updates it */
	const char	*checkins;	/* NULL, or a check-in history CSV
					 * (export --checkins) read after
					 * the partners instead of their
					 * last_checkin */
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
/* The same with opts (exchange_import is this with dry_run alone). */
int exchange_import_with(struct book *b, const char *path,
    const struct import_opts *opts, time_t now, import_progress_fn progress,
    void *arg, struct import_result *result, char **err);
void import_result_reset(struct import_result *r);
/* Count a bad record and keep msg ("FILE:LINE: why", taken) among the
 * first IMPORT_MAX_ERRORS. */
void import_result_add_error(struct import_result *r, char *msg);

/*
 * The check-in history CSV (columns key, date, note, by; header row
 * required): each row a check-in of the partner with that key, recorded
 * inside the caller's transaction.  Bad rows go to result->errors (and
 * checkins counts the good).  delimiter as in import_opts.  Returns 0, or
 * -1 with *err for an unreadable file or a database failure.
 */
int exchange_import_checkins(struct book *b, const char *path,
    char delimiter, time_t now, struct import_result *result, char **err);
/* Every partner's check-ins, oldest first, in that format. */
int exchange_export_checkins_csv(struct book *b, struct buf *out,
    char **err);

/* The note of a baseline check-in (import --baseline). */
#define IMPORT_BASELINE_NOTE "baseline: no check-in on record at import"

/* All partners (archived too) as CSV with a header row, appended to out. */
int exchange_export_csv(struct book *b, struct buf *out, char **err);
/* All partners as a JSON array of partner objects with their contacts
 * and every check-in. */
int exchange_export_json(struct book *b, struct buf *out, char **err);
/*
 * The same (JSON when json, else CSV) handed to write a chunk at a time
 * as the book is read, so that memory stays flat at any size.  write
 * returns 0, or non-zero to stop: then -1 with *err.  Returns 0 or -1.
 */
typedef int (*exchange_write_fn)(const char *text, size_t len, void *arg);
int exchange_export(struct book *b, bool json, exchange_write_fn write,
    void *arg, char **err);

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
