/* exchange.c: CSV import and CSV/JSON export of the partner book. */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvfile.h"


enum column {
	COL_KEY, COL_NAME, COL_OWNER_EMAIL, COL_OWNER_NAME, COL_SPONSOR,
	COL_SPONSOR_NAME, COL_CADENCE, COL_START, COL_TIMEZONE, COL_TIER, COL_NOTES,
	COL_ARCHIVED, COL_LAST_CHECKIN, COL_CONTACT_NAME, COL_CONTACT_EMAIL,
	COL_CONTACT_ROLE, COL_CONTACT_INVITE, NCOLUMNS
};

static const char *const column_names[NCOLUMNS] = {
	"key", "name", "owner_email", "owner_name", "sponsor_email",
	"sponsor_name", "cadence", "start_date", "timezone", "tier", "notes", "archived",
	"last_checkin", "contact_name", "contact_email", "contact_role",
	"contact_invite"
};

struct import_state {
	struct book		*book;
	const char		*path;
	time_t			 now;
	int			 index[NCOLUMNS];	/* field of each column, -1 */
	bool			 header_done;
	size_t			 nheader;	/* fields in the header row */
	long			 records;
	struct import_result	*result;
	char			*last_key;	/* the previous row's partner */
	char			*fatal;		/* a database failure */
	import_progress_fn	 progress;
	void			*progress_arg;
};

/* Keeps the first IMPORT_MAX_ERRORS messages (taking msg) and counts all. */
static void
add_error_text(struct import_state *st, char *msg)
{
	struct import_result *r = st->result;

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

void
import_result_reset(struct import_result *r)
{
	strv_free(r->errors, r->nlisted);
	memset(r, 0, sizeof *r);
}

static int
read_header(struct import_state *st, const struct csv_record *rec)
{
	for (int c = 0; c < NCOLUMNS; c++)
		st->index[c] = -1;
	for (size_t i = 0; i < rec->nfields; i++) {
		int c;

		for (c = 0; c < NCOLUMNS; c++)
			if (strcasecmp(rec->fields[i], column_names[c]) == 0)
				break;
		if (c == NCOLUMNS) {
			char *why = xasprintf("unknown column \"%s\" (known: key, "
			    "name, owner_email, owner_name, sponsor_email, "
			    "sponsor_name, cadence, start_date, timezone, tier, notes, "
			    "archived, last_checkin, contact_name, "
			    "contact_email, contact_role, contact_invite)",
			    rec->fields[i]);
			add_error(st, rec->line, why);
			free(why);
			continue;
		}
		if (st->index[c] != -1) {
			char *why = xasprintf("column \"%s\" appears twice",
			    column_names[c]);
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
	struct partner p;
	char *const *pv[] = { &p.name, &p.owner_email, &p.owner_name,
	    &p.sponsor_email, &p.sponsor_name, &p.timezone, &p.tier, &p.notes };
	int rc = 0;

	if (book_partner_get(st->book, st->last_key, &p, err) != 0)
		return -1;
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		const char *v = field(st, rec, same[i]);

		if (v != NULL && (*pv[i] == NULL || strcmp(v, *pv[i]) != 0)) {
			set_err(err, "%s \"%s\" differs from the row that added "
			    "partner \"%s\"", column_names[same[i]], v,
			    st->last_key);
			rc = BOOK_INVALID;
			break;
		}
	}
	partner_reset(&p);
	return rc;
}

static int
import_partner(struct import_state *st, const struct csv_record *rec,
    char **err)
{
	struct partner_input in;
	struct partner p;
	bool archived;
	int rc;

	if (parse_flag(field(st, rec, COL_ARCHIVED), &archived) != 0)
		return set_err(err, "archived: \"%s\" is not yes or no",
		    field(st, rec, COL_ARCHIVED)), BOOK_INVALID;
	memset(&in, 0, sizeof in);
	in.key = field(st, rec, COL_KEY);
	in.name = field(st, rec, COL_NAME);
	in.owner = field(st, rec, COL_OWNER_EMAIL);
	in.owner_name = field(st, rec, COL_OWNER_NAME);
	in.sponsor = field(st, rec, COL_SPONSOR);
	in.sponsor_name = field(st, rec, COL_SPONSOR_NAME);
	in.cadence = field(st, rec, COL_CADENCE);
	in.start = field(st, rec, COL_START);
	in.timezone = field(st, rec, COL_TIMEZONE);
	in.tier = field(st, rec, COL_TIER);
	in.notes = field(st, rec, COL_NOTES);
	if ((rc = book_partner_add(st->book, &in, st->now, &p, err)) != 0)
		return rc;
	st->result->partners++;
	free(st->last_key);
	st->last_key = xstrdup(p.key);
	if (field(st, rec, COL_LAST_CHECKIN) != NULL) {
		rc = book_checkin(st->book, p.key, field(st, rec,
		    COL_LAST_CHECKIN), NULL, NULL, st->now, err);
		if (rc != 0)
			prefix_err(err, "last_checkin");
		else
			st->result->checkins++;
	}
	if (rc == 0 && archived)
		rc = book_partner_archive(st->book, p.key, st->now, err);
	partner_reset(&p);
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
	rc = book_contact_add(st->book, st->last_key, name ? name : email,
	    email, field(st, rec, COL_CONTACT_ROLE), invite, err);
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
	if (rec->nfields != st->nheader) {
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
	if (st->last_key != NULL && key != NULL &&
	    strcmp(key, st->last_key) == 0) {
		rc = check_continuation(st, rec, &err);
	} else {
		free(st->last_key);
		st->last_key = NULL;
		rc = import_partner(st, rec, &err);
	}
	free(slug);
	if (rc == 0 && st->last_key != NULL)
		rc = import_contact(st, rec, &err);
	if (rc == BOOK_ERROR) {
		st->fatal = err;
		return -2;
	}
	if (rc != 0) {
		add_error(st, rec->line, err);
		free(err);
		/* Rows after a rejected partner cannot be judged against it. */
		if (st->last_key == NULL)
			return 0;
	}
	return 0;
}

/* Start an import of the CSV called path: st set up, a transaction
 * open.  Returns 0 or BOOK_ERROR with *err. */
static int
import_begin(struct import_state *st, struct book *b, const char *path,
    time_t now, import_progress_fn progress, void *arg,
    struct import_result *result, char **err)
{
	memset(result, 0, sizeof *result);
	memset(st, 0, sizeof *st);
	st->book = b;
	st->path = path;
	st->now = now;
	st->result = result;
	st->progress = progress;
	st->progress_arg = arg;
	return store_begin(b->store, err) != 0 ? BOOK_ERROR : 0;
}

/* End an import whose reading returned rc: committed only when every
 * record was good and this is no dry run. */
static int
import_end(struct import_state *st, int rc, bool dry_run, char **err)
{
	struct book *b = st->book;
	struct import_result *result = st->result;

	free(st->last_key);
	if (rc == -2) {
		free(*err);
		*err = st->fatal;
	} else if (rc == -1) {
		/* Malformed CSV: report it with the others. */
		add_error_text(st, *err);
		*err = NULL;
		rc = 0;
	}
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
	struct import_state st;
	int rc;

	if (import_begin(&st, b, path, now, progress, arg, result, err) != 0)
		return BOOK_ERROR;
	rc = csv_read_file(path, import_record, &st, err);
	return import_end(&st, rc, dry_run, err);
}

int
exchange_import_buffer(struct book *b, const char *name, const char *data,
    size_t len, bool dry_run, time_t now, struct import_result *result,
    char **err)
{
	struct import_state st;
	int rc;

	if (import_begin(&st, b, name, now, NULL, NULL, result, err) != 0)
		return BOOK_ERROR;
	rc = csv_read_buffer(name, data, len, import_record, &st, err);
	return import_end(&st, rc, dry_run, err);
}

struct export_state {
	struct book	*book;
	struct buf	*out;
	char		**err;
	const struct partner *partner;
	int		 ncontacts;
	bool		 first;
};

static void
csv_partner_fields(const struct partner *p, const char *fields[NCOLUMNS])
{
	fields[COL_KEY] = p->key;
	fields[COL_NAME] = p->name;
	fields[COL_OWNER_EMAIL] = p->owner_email;
	fields[COL_OWNER_NAME] = p->owner_name;
	fields[COL_SPONSOR] = p->sponsor_email;
	fields[COL_SPONSOR_NAME] = p->sponsor_name;
	fields[COL_CADENCE] = p->cadence;
	fields[COL_START] = p->start_date;
	fields[COL_TIMEZONE] = p->timezone;
	fields[COL_TIER] = p->tier;
	fields[COL_NOTES] = p->notes;
	fields[COL_ARCHIVED] = p->archived ? "yes" : "no";
	fields[COL_LAST_CHECKIN] = p->last_checkin;
	fields[COL_CONTACT_NAME] = NULL;
	fields[COL_CONTACT_EMAIL] = NULL;
	fields[COL_CONTACT_ROLE] = NULL;
	fields[COL_CONTACT_INVITE] = NULL;
}

static void
csv_write_row(struct buf *out, const char *fields[NCOLUMNS])
{
	const char *row[NCOLUMNS];

	for (int c = 0; c < NCOLUMNS; c++)
		row[c] = fields[c] ? fields[c] : "";
	csv_write_record(out, row, NCOLUMNS);
}

static int
export_csv_contact(const struct contact *c, void *arg)
{
	struct export_state *st = arg;
	const char *fields[NCOLUMNS];

	csv_partner_fields(st->partner, fields);
	fields[COL_CONTACT_NAME] = c->name;
	fields[COL_CONTACT_EMAIL] = c->email;
	fields[COL_CONTACT_ROLE] = c->role;
	fields[COL_CONTACT_INVITE] = c->invite ? "yes" : "no";
	csv_write_row(st->out, fields);
	st->ncontacts++;
	return 0;
}

static int
export_csv_partner(const struct partner *p, void *arg)
{
	struct export_state *st = arg;
	const char *fields[NCOLUMNS];

	st->partner = p;
	st->ncontacts = 0;
	if (store_contact_foreach(st->book->store, p->id, export_csv_contact,
	    st, st->err) != 0)
		return -1;
	if (st->ncontacts == 0) {
		csv_partner_fields(p, fields);
		csv_write_row(st->out, fields);
	}
	return 0;
}

int
exchange_export_csv(struct book *b, struct buf *out, char **err)
{
	struct export_state st = { b, out, err, NULL, 0, true };

	csv_write_record(out, column_names, NCOLUMNS);
	return store_partner_foreach(b->store, true, export_csv_partner, &st,
	    err) == 0 ? 0 : -1;
}

static int
contact_json(const struct contact *c, void *arg)
{
	struct export_state *st = arg;
	struct json_field f[] = {
		{ "name", JSON_TEXT, c->name, 0 },
		{ "email", JSON_TEXT, c->email, 0 },
		{ "role", JSON_TEXT, c->role, 0 },
		{ "invite", JSON_BOOL, NULL, c->invite },
	};

	if (!st->first)
		buf_addc(st->out, ',');
	st->first = false;
	return store_json_object(st->book->store, f, sizeof f / sizeof f[0],
	    st->out, st->err);
}

static int
checkin_json(const struct checkin *c, void *arg)
{
	struct export_state *st = arg;
	struct json_field f[] = {
		{ "date", JSON_TEXT, c->date, 0 },
		{ "note", JSON_TEXT, c->note, 0 },
		{ "by", JSON_TEXT, c->by_email, 0 },
	};

	if (!st->first)
		buf_addc(st->out, ',');
	st->first = false;
	return store_json_object(st->book->store, f, sizeof f / sizeof f[0],
	    st->out, st->err);
}

int
exchange_partner_json(struct book *b, const struct partner *p,
    bool with_contacts, int checkins, const struct json_field *extra,
    size_t nextra, struct buf *out, char **err)
{
	struct buf owner, contacts, recent;
	struct export_state st = { b, NULL, err, p, 0, true };
	struct json_field of[] = {
		{ "name", JSON_TEXT, p->owner_name, 0 },
		{ "email", JSON_TEXT, p->owner_email, 0 },
	};
	struct json_field base[] = {
		{ "key", JSON_TEXT, p->key, 0 },
		{ "name", JSON_TEXT, p->name, 0 },
		{ "owner", JSON_RAW, NULL, 0 },
		{ "sponsor", JSON_TEXT, p->sponsor_email, 0 },
		{ "cadence", JSON_TEXT, p->cadence, 0 },
		{ "start_date", JSON_TEXT, p->start_date, 0 },
		{ "timezone", JSON_TEXT, p->timezone, 0 },
		{ "tier", JSON_TEXT, p->tier, 0 },
		{ "notes", JSON_TEXT, p->notes, 0 },
		{ "archived", JSON_BOOL, NULL, p->archived },
		{ "created_at", JSON_TEXT, p->created_at, 0 },
		{ "next_due", JSON_TEXT, p->next_due, 0 },
		{ "last_checkin", JSON_TEXT, p->last_checkin, 0 },
	};
	size_t nbase = sizeof base / sizeof base[0], n = nbase;
	struct json_field *f;
	int rc = -1;

	buf_init(&owner);
	buf_init(&contacts);
	buf_init(&recent);
	f = xreallocarray(NULL, nbase + 2 + nextra, sizeof *f);
	if (store_json_object(b->store, of, 2, &owner, err) != 0)
		goto done;
	base[2].text = buf_str(&owner);
	memcpy(f, base, sizeof base);
	if (with_contacts) {
		buf_addc(&contacts, '[');
		st.out = &contacts;
		if (store_contact_foreach(b->store, p->id, contact_json, &st,
		    err) != 0)
			goto done;
		buf_addc(&contacts, ']');
		f[n++] = (struct json_field){ "contacts", JSON_RAW,
		    buf_str(&contacts), 0 };
	}
	if (checkins > 0) {
		buf_addc(&recent, '[');
		st.out = &recent;
		st.first = true;
		if (store_checkin_foreach(b->store, p->id, checkins,
		    checkin_json, &st, err) != 0)
			goto done;
		buf_addc(&recent, ']');
		f[n++] = (struct json_field){ "checkins", JSON_RAW,
		    buf_str(&recent), 0 };
	}
	for (size_t i = 0; i < nextra; i++)
		f[n++] = extra[i];
	rc = store_json_object(b->store, f, n, out, err);
done:
	free(f);
	buf_reset(&owner);
	buf_reset(&contacts);
	buf_reset(&recent);
	return rc;
}

static int
export_json_partner(const struct partner *p, void *arg)
{
	struct export_state *st = arg;

	buf_adds(st->out, st->first ? "\n  " : ",\n  ");
	st->first = false;
	return exchange_partner_json(st->book, p, true, 0, NULL, 0, st->out,
	    st->err);
}

int
exchange_export_json(struct book *b, struct buf *out, char **err)
{
	struct export_state st = { b, out, err, NULL, 0, true };

	buf_addc(out, '[');
	if (store_partner_foreach(b->store, true, export_json_partner, &st,
	    err) != 0)
		return -1;
	buf_adds(out, st.first ? "]\n" : "\n]\n");
	return 0;
}
