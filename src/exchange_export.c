/* exchange_export.c: CSV and JSON export of the partner book. */
#include "exchange.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "csvfile.h"
#include "exchange_columns.h"

struct export_state {
	struct book	*book;
	struct buf	*out;
	char		**err;
	const struct partner *partner;
	int		 ncontacts;
	bool		 first;
	exchange_write_fn write;	/* NULL: all of it stays in out */
	void		*write_arg;
};

/* Bytes gathered before they are handed to write. */
#define EXPORT_CHUNK (64u * 1024)

/* Hand what out holds to write once there is a chunk of it (all of it
 * when last), so that memory stays flat at any size of book. */
static int
export_drain(struct export_state *st, bool last)
{
	int rc;

	if (st->write == NULL || st->out->len == 0 ||
	    (!last && st->out->len < EXPORT_CHUNK))
		return 0;
	rc = st->write(buf_str(st->out), st->out->len, st->write_arg);
	buf_reset(st->out);
	return rc == 0 ? 0 : set_err(st->err, "writing the export failed");
}

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
	return export_drain(st, false);
}

static int
export_csv(struct export_state *st)
{
	csv_write_record(st->out, exchange_columns, NCOLUMNS);
	return store_partner_foreach(st->book->store, true, export_csv_partner,
	    st, st->err) == 0 ? 0 : -1;
}

int
exchange_export_csv(struct book *b, struct buf *out, char **err)
{
	struct export_state st = { b, out, err, NULL, 0, true, NULL, NULL };

	return export_csv(&st);
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
	struct buf owner, sponsor, contacts, recent;
	struct export_state st = { b, NULL, err, p, 0, true, NULL, NULL };
	struct json_field of[] = {
		{ "name", JSON_TEXT, p->owner_name, 0 },
		{ "email", JSON_TEXT, p->owner_email, 0 },
	};
	/* A sponsor is a person as the owner is: {name, email}. */
	struct json_field sf[] = {
		{ "name", JSON_TEXT, p->sponsor_name, 0 },
		{ "email", JSON_TEXT, p->sponsor_email, 0 },
	};
	struct json_field base[] = {
		{ "key", JSON_TEXT, p->key, 0 },
		{ "name", JSON_TEXT, p->name, 0 },
		{ "owner", JSON_RAW, NULL, 0 },
		{ "sponsor", JSON_NULL, NULL, 0 },
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
	buf_init(&sponsor);
	buf_init(&contacts);
	buf_init(&recent);
	f = xreallocarray(NULL, nbase + 2 + nextra, sizeof *f);
	if (store_json_object(b->store, of, 2, &owner, err) != 0)
		goto done;
	base[2].text = buf_str(&owner);
	if (p->sponsor_email != NULL) {
		if (store_json_object(b->store, sf, 2, &sponsor, err) != 0)
			goto done;
		base[3] = (struct json_field){ "sponsor", JSON_RAW,
		    buf_str(&sponsor), 0 };
	}
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
	buf_reset(&sponsor);
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
	/* The whole book: every check-in, newest first. */
	if (exchange_partner_json(st->book, p, true, INT_MAX, NULL, 0,
	    st->out, st->err) != 0)
		return -1;
	return export_drain(st, false);
}

static int
export_json(struct export_state *st)
{
	buf_addc(st->out, '[');
	if (store_partner_foreach(st->book->store, true, export_json_partner,
	    st, st->err) != 0)
		return -1;
	buf_adds(st->out, st->first ? "]\n" : "\n]\n");
	return 0;
}

int
exchange_export_json(struct book *b, struct buf *out, char **err)
{
	struct export_state st = { b, out, err, NULL, 0, true, NULL, NULL };

	return export_json(&st);
}

int
exchange_export(struct book *b, bool json, exchange_write_fn write,
    void *arg, char **err)
{
	struct buf out;
	struct export_state st = { b, &out, err, NULL, 0, true, write, arg };
	int rc;

	buf_init(&out);
	rc = json ? export_json(&st) : export_csv(&st);
	if (rc == 0)
		rc = export_drain(&st, true);
	buf_reset(&out);
	return rc;
}
