/* exchange.c: CSV import of the partner book (export: exchange_export.c). */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvfile.h"
#include "exchange_columns.h"


const char *const exchange_columns[NCOLUMNS] = {
	"key", "name", "owner_email", "owner_name", "sponsor_email",
	"sponsor_name", "cadence", "start_date", "timezone", "tier", "notes",
	"archived", "last_checkin", "contact_name", "contact_email", "contact_role",
	"contact_invite"
};

/* What offices call the columns in their own spreadsheets, as
 * csv_header_name writes the header cell. */
static const struct {
	const char	*header;
	int		 column;
} column_aliases[] = {
	{ "partner", COL_NAME }, { "partner_name", COL_NAME },
	{ "organization", COL_NAME }, { "organisation", COL_NAME },
	{ "frequency", COL_CADENCE }, { "time_zone", COL_TIMEZONE },
	{ "start", COL_START }, { "last_check_in", COL_LAST_CHECKIN },
};

/* The column a header cell names, or NCOLUMNS. */
static int
header_column(const char *cell)
{
	char *name = csv_header_name(cell);
	int c;

	for (c = 0; c < NCOLUMNS; c++)
		if (strcmp(name, exchange_columns[c]) == 0)
			break;
	for (size_t i = 0; c == NCOLUMNS &&
	    i < sizeof column_aliases / sizeof column_aliases[0]; i++)
		if (strcmp(name, column_aliases[i].header) == 0)
			c = column_aliases[i].column;
	free(name);
	return c;
}

struct import_state {
	struct book		*book;
	const char		*path;
	time_t			 now;
	int			 index[NCOLUMNS];	/* field of each column, -1 */
	bool			 header_done;
	size_t			 nheader;	/* fields in the header row */
	long			 records;
	struct import_result	*result;
	struct partner		 last;		/* the previous row's partner,
						 * as added (key NULL: none) */
	char			*fatal;		/* a database failure */
	import_progress_fn	 progress;
	void			*progress_arg;
	const struct import_opts *opts;
	long			 bulk_after;	/* partners added before a bulk
						 * load pays */
	bool			 bulk;		/* book_bulk_begin'd */
};

/* An import of at least this many partners, and at least as many as the
 * book held, makes the partners' indexes at its end (book_bulk_begin):
 * sorting the whole book once costs less than growing them a row at a
 * time in random order. */
#define BULK_MIN 10000

static void
add_error_text(struct import_state *st, char *msg)
{
	import_result_add_error(st->result, msg);
}

void
import_result_add_error(struct import_result *r, char *msg)
{
	r->nerrors++;
	if (r->nlisted >= IMPORT_MAX_ERRORS) {
		free(msg);
		return;
	}
	strv_add(&r->errors, &r->nlisted, msg);
}

static void
add_error(struct import_state *st, long line, const char *why)
{
	add_error_text(st, xasprintf("%s:%ld: %s", st->path, line, why));
}

static void
add_warning(struct import_state *st, long line, const char *why)
{
	strv_add(&st->result->warnings, &st->result->nwarnings,
	    xasprintf("%s:%ld: %s", st->path, line, why));
}

void
import_result_reset(struct import_result *r)
{
	strv_free(r->errors, r->nlisted);
	strv_free(r->warnings, r->nwarnings);
	free(r->forecast_err);
	memset(r, 0, sizeof *r);
}

static int
read_header(struct import_state *st, const struct csv_record *rec)
{
	for (int c = 0; c < NCOLUMNS; c++)
		st->index[c] = -1;
	for (size_t i = 0; i < rec->nfields; i++) {
		int c = header_column(rec->fields[i]);

		if (c == NCOLUMNS) {
			char *why = xasprintf("column %zu \"%s\" ignored: not a "
			    "column of the book", i + 1, rec->fields[i]);
			add_warning(st, rec->line, why);
			free(why);
			continue;
		}
		if (st->index[c] != -1) {
			char *why = xasprintf("column \"%s\" appears twice",
			    exchange_columns[c]);
			add_error(st, rec->line, why);
			free(why);
		}
		st->index[c] = (int)i;
	}
	if (st->index[COL_NAME] == -1 || st->index[COL_OWNER_EMAIL] == -1)
		add_error(st, rec->line, "the header needs at least the columns "
		    "name and owner_email");
	st->header_done = true;
	st->nheader = rec->nfields;
	return st->result->nerrors > 0 ? 1 : 0;
}

/* The field of column c, or NULL when absent or empty. */
static const char *
field(const struct import_state *st, const struct csv_record *rec, int c)
{
	int i = st->index[c];

	if (i < 0 || (size_t)i >= rec->nfields || rec->fields[i][0] == '\0')
		return NULL;
	return rec->fields[i];
}

static bool
all_empty(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i][0] != '\0')
			return false;
	return true;
}

/* A row longer than the header only by empty cells (a spreadsheet's
 * habit) loses nothing. */
static bool
extra_empty(const struct import_state *st, const struct csv_record *rec)
{
	if (rec->nfields < st->nheader)
		return false;
	for (size_t i = st->nheader; i < rec->nfields; i++)
		if (rec->fields[i][0] != '\0')
			return false;
	return true;
}

static int
parse_flag(const char *v, bool *out)
{
	if (v == NULL || strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "false") == 0) {
		*out = false;
		return 0;
	}
	if (strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "true") == 0) {
		*out = true;
		return 0;
	}
	return -1;
}

/* A continuation row must not contradict the partner it extends. */
static int
check_continuation(struct import_state *st, const struct csv_record *rec,
    char **err)
{
	static const int same[] = { COL_NAME, COL_OWNER_EMAIL, COL_OWNER_NAME,
	    COL_SPONSOR, COL_SPONSOR_NAME, COL_TIMEZONE, COL_TIER, COL_NOTES };
	const struct partner *p = &st->last;
	char *const *pv[] = { &p->name, &p->owner_email, &p->owner_name,
	    &p->sponsor_email, &p->sponsor_name, &p->timezone, &p->tier,
	    &p->notes };
	int rc = 0;

	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		const char *v = field(st, rec, same[i]);

		if (v != NULL && (*pv[i] == NULL || strcmp(v, *pv[i]) != 0)) {
			set_err(err, "%s \"%s\" differs from the row that added "
			    "partner \"%s\"", exchange_columns[same[i]], v,
			    p->key);
			rc = BOOK_INVALID;
			break;
		}
	}
	return rc;
}

/* The partner columns of a row. */
static void
row_input(const struct import_state *st, const struct csv_record *rec,
    struct partner_input *in)
{
	memset(in, 0, sizeof *in);
	in->key = field(st, rec, COL_KEY);
	in->name = field(st, rec, COL_NAME);
	in->owner = field(st, rec, COL_OWNER_EMAIL);
	in->owner_name = field(st, rec, COL_OWNER_NAME);
	in->sponsor = field(st, rec, COL_SPONSOR);
	in->sponsor_name = field(st, rec, COL_SPONSOR_NAME);
	in->cadence = field(st, rec, COL_CADENCE);
	in->start = field(st, rec, COL_START);
	in->timezone = field(st, rec, COL_TIMEZONE);
	in->tier = field(st, rec, COL_TIER);
	in->notes = field(st, rec, COL_NOTES);
}

/* A new partner without a check-in on record checked in on the baseline
 * day (its local today for "today"), the note saying so; one that starts
 * later is not due before it starts and needs none. */
static int
import_baseline(struct import_state *st, const struct partner *p,
    char **err)
{
	const char *date = st->opts->baseline;
	char text[DATE_STRLEN];
	struct tb_date today;
	int rc;

	if (strcmp(date, "today") == 0) {
		if (book_today(st->book, p, st->now, &today, err) != 0)
			return BOOK_INVALID;
		date = date_format(today, text);
	}
	if (p->start_date != NULL && strcmp(date, p->start_date) < 0)
		return 0;
	rc = book_checkin(st->book, p->key, date, IMPORT_BASELINE_NOTE, NULL,
	    st->now, err);
	if (rc != 0)
		prefix_err(err, "--baseline");
	else
		st->result->baselines++;
	return rc;
}

static int
import_partner(struct import_state *st, const struct csv_record *rec,
    char **err)
{
	struct partner_input in;
	/* With a check-ins file, that file has the history. */
	const char *last = st->opts->checkins == NULL ? field(st, rec,
	    COL_LAST_CHECKIN) : NULL;
	bool archived;
	int rc;

	if (parse_flag(field(st, rec, COL_ARCHIVED), &archived) != 0)
		return set_err(err, "archived: \"%s\" is not yes or no",
		    field(st, rec, COL_ARCHIVED)), BOOK_INVALID;
	row_input(st, rec, &in);
	/* One insert of the partner with its check-in counted, and the
	 * partner kept for the rows that follow: nothing is read back. */
	if ((rc = book_partner_import(st->book, &in, last, archived, st->now,
	    &st->last, err)) != 0)
		return rc;
	st->result->partners++;
	if (!st->bulk && st->result->partners >= st->bulk_after) {
		if (book_bulk_begin(st->book, err) != 0)
			return BOOK_ERROR;
		st->bulk = true;
	}
	if (last != NULL)
		st->result->checkins++;
	else if (st->opts->baseline != NULL && !archived &&
	    field(st, rec, COL_LAST_CHECKIN) == NULL)
		rc = import_baseline(st, &st->last, err);
	return rc;
}

/* --update: a partner whose key is in the book takes the row's values
 * (an empty cell leaves its field as it is; a later last_checkin is
 * recorded, archived=yes archives); any other row adds a partner. */
static int
import_update(struct import_state *st, const struct csv_record *rec,
    const char *key, char **err)
{
	struct partner_input in;
	struct partner p;
	const char *last = field(st, rec, COL_LAST_CHECKIN);
	bool archived;
	int rc;

	if ((rc = book_partner_get(st->book, key, &p, err)) == BOOK_NOT_FOUND) {
		free(*err);
		*err = NULL;
		return import_partner(st, rec, err);
	}
	if (rc != 0)
		return rc;
	if (parse_flag(field(st, rec, COL_ARCHIVED), &archived) != 0) {
		partner_reset(&p);
		return set_err(err, "archived: \"%s\" is not yes or no",
		    field(st, rec, COL_ARCHIVED)), BOOK_INVALID;
	}
	row_input(st, rec, &in);
	in.key = NULL;
	rc = book_partner_edit(st->book, key, &in, st->now, err);
	if (rc == 0 && last != NULL && st->opts->checkins == NULL &&
	    (p.last_checkin == NULL || strcmp(last, p.last_checkin) > 0)) {
		if ((rc = book_checkin(st->book, key, last, NULL, NULL,
		    st->now, err)) != 0)
			prefix_err(err, "last_checkin");
		else
			st->result->checkins++;
	}
	if (rc == 0 && archived && !p.archived)
		rc = book_partner_archive(st->book, key, st->now, err);
	partner_reset(&p);
	if (rc == 0) {
		st->result->updated++;
		/* The rows that continue it are judged against it as now. */
		rc = book_partner_get(st->book, key, &st->last, err);
	}
	return rc;
}

static int
import_contact(struct import_state *st, const struct csv_record *rec,
    char **err)
{
	const char *name = field(st, rec, COL_CONTACT_NAME);
	const char *email = field(st, rec, COL_CONTACT_EMAIL);
	bool invite;
	int rc;

	if (parse_flag(field(st, rec, COL_CONTACT_INVITE), &invite) != 0)
		return set_err(err, "contact_invite: \"%s\" is not yes or no",
		    field(st, rec, COL_CONTACT_INVITE)), BOOK_INVALID;
	if (email == NULL) {
		if (name != NULL || invite)
			return set_err(err, "contact_email is missing for "
			    "contact \"%s\"", name ? name : ""), BOOK_INVALID;
		return 0;
	}
	rc = book_contact_add_to(st->book, &st->last, name ? name : email,
	    email, field(st, rec, COL_CONTACT_ROLE), invite, err);
	if (rc == BOOK_EXISTS && st->opts->update) {
		free(*err);
		*err = NULL;
		return book_contact_edit(st->book, st->last.key, email, name,
		    field(st, rec, COL_CONTACT_ROLE), invite, err);
	}
	if (rc == 0)
		st->result->contacts++;
	return rc;
}

static int
import_record(const struct csv_record *rec, void *arg)
{
	struct import_state *st = arg;
	const char *key;
	char *err = NULL, *slug = NULL;
	int rc;

	if (!st->header_done)
		return read_header(st, rec);
	/* A spreadsheet's trailing row of empty cells is no record. */
	if (all_empty(rec))
		return 0;
	if (rec->nfields != st->nheader && !extra_empty(st, rec)) {
		char *why = xasprintf("%zu fields, but the header has %zu",
		    rec->nfields, st->nheader);

		add_error(st, rec->line, why);
		free(why);
		return 0;
	}
	if (st->progress && ++st->records % 1000 == 0)
		st->progress(st->records, st->progress_arg);
	key = field(st, rec, COL_KEY);
	if (key == NULL && field(st, rec, COL_NAME) != NULL)
		key = slug = book_slug(field(st, rec, COL_NAME));
	if (st->last.key != NULL && key != NULL &&
	    strcmp(key, st->last.key) == 0) {
		rc = check_continuation(st, rec, &err);
	} else {
		partner_reset(&st->last);
		rc = st->opts->update && key != NULL ?
		    import_update(st, rec, key, &err) :
		    import_partner(st, rec, &err);
	}
	free(slug);
	if (rc == 0 && st->last.key != NULL)
		rc = import_contact(st, rec, &err);
	if (rc == BOOK_ERROR) {
		st->fatal = err;
		return -2;
	}
	if (rc != 0) {
		add_error(st, rec->line, err);
		free(err);
		/* Rows after a rejected partner cannot be judged against it. */
		if (st->last.key == NULL)
			return 0;
	}
	return 0;
}

/* Start an import of the CSV called path: st set up, a transaction
 * open.  Returns 0 or BOOK_ERROR with *err. */
static int
import_begin(struct import_state *st, struct book *b, const char *path,
    const struct import_opts *opts, time_t now, import_progress_fn progress,
    void *arg, struct import_result *result, char **err)
{
	memset(result, 0, sizeof *result);
	memset(st, 0, sizeof *st);
	st->book = b;
	st->path = path;
	st->now = now;
	st->result = result;
	st->progress = progress;
	st->progress_arg = arg;
	st->opts = opts;
	if (store_begin(b->store, err) != 0)
		return BOOK_ERROR;
	if (book_partner_count(b, true, &st->bulk_after, err) != 0) {
		store_rollback(b->store);
		return BOOK_ERROR;
	}
	if (st->bulk_after < BULK_MIN)
		st->bulk_after = BULK_MIN;
	/* The partners added follow the calendar as configured now: the
	 * book is brought to it first and remembers it, so that a run
	 * after the import has nothing to recompute. */
	if (book_sync_calendar(b, NULL, err) != 0) {
		store_rollback(b->store);
		return BOOK_ERROR;
	}
	return 0;
}

/* End an import whose reading returned rc: committed only when every
 * record was good and this is no dry run. */
static int
import_end(struct import_state *st, int rc, char **err)
{
	bool dry_run = st->opts->dry_run;
	struct book *b = st->book;
	struct import_result *result = st->result;

	partner_reset(&st->last);
	if (rc == -2) {
		free(*err);
		*err = st->fatal;
	} else if (rc == -1) {
		/* Malformed CSV: report it with the others. */
		add_error_text(st, *err);
		*err = NULL;
		rc = 0;
	}
	/* What the book, as it would be, sends next, said before a first
	 * run sends it; a forecast that fails is reported, not fatal. */
	if (rc != -2 && result->nerrors == 0 && st->bulk &&
	    book_bulk_end(b, err) != 0)
		rc = -2;
	if (rc != -2 && result->nerrors == 0 && st->header_done)
		(void)exchange_forecast(b, st->now, &result->forecast,
		    &result->forecast_err);
	if (rc == -2 || dry_run || result->nerrors > 0) {
		store_rollback(b->store);
		return rc == -2 ? BOOK_ERROR : result->nerrors > 0 ?
		    BOOK_INVALID : BOOK_OK;
	}
	if (!st->header_done) {
		store_rollback(b->store);
		set_err(err, "%s: empty file: expected a header row", st->path);
		return BOOK_INVALID;
	}
	if (store_commit(b->store, err) != 0) {
		store_rollback(b->store);
		return BOOK_ERROR;
	}
	return BOOK_OK;
}

int
exchange_import(struct book *b, const char *path, bool dry_run, time_t now,
    import_progress_fn progress, void *arg, struct import_result *result,
    char **err)
{
	struct import_opts opts = { .dry_run = dry_run };

	return exchange_import_with(b, path, &opts, now, progress, arg, result,
	    err);
}

int
exchange_import_with(struct book *b, const char *path,
    const struct import_opts *opts, time_t now, import_progress_fn progress,
    void *arg, struct import_result *result, char **err)
{
	struct import_state st;
	char delim = opts->delimiter;
	int rc;

	if (import_begin(&st, b, path, opts, now, progress, arg, result,
	    err) != 0)
		return BOOK_ERROR;
	rc = csv_read_file_delim(path, &delim, import_record, &st, err);
	if (opts->delimiter == '\0' && delim != ',')
		add_warning(&st, 1, delim == ';' ? "fields separated by ';' "
		    "(read from the header line)" : "fields separated by tabs "
		    "(read from the header line)");
	if (rc == 0 && opts->checkins != NULL && result->nerrors == 0 &&
	    exchange_import_checkins(b, opts->checkins, opts->delimiter, now,
	    result, &st.fatal) != 0)
		rc = -2;
	return import_end(&st, rc, err);
}

int
exchange_import_buffer(struct book *b, const char *name, const char *data,
    size_t len, bool dry_run, time_t now, struct import_result *result,
    char **err)
{
	struct import_opts opts = { .dry_run = dry_run };
	struct import_state st;
	int rc;

	if (import_begin(&st, b, name, &opts, now, NULL, NULL, result,
	    err) != 0)
		return BOOK_ERROR;
	rc = csv_read_buffer(name, data, len, import_record, &st, err);
	return import_end(&st, rc, err);
}
