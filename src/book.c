/* book.c: validated partner, contact and check-in operations. */
#include "book.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "book_memo.h"
#include "date.h"
#include "message.h"
#include "text.h"
#include "tz.h"

#define KEY_MAX 64

int
book_init(struct book *b, struct store *store, const struct config *cfg,
    char **err)
{
	memset(b, 0, sizeof *b);
	b->store = store;
	b->cfg = cfg;
	b->cal.skip_weekends = cfg->skip_weekends;
	b->cal.lead_days = cfg->lead_days;
	if (!str_empty(cfg->holidays) &&
	    cadence_holidays_load(cfg->holidays, &b->cal, err) != 0)
		return prefix_err(err, "schedule.holidays");
	b->memo = book_memo_new();
	return 0;
}

void
book_reset(struct book *b)
{
	free(b->cal.holidays);
	book_memo_free(b->memo);
	memset(b, 0, sizeof *b);
}

int
book_open(struct book *b, const char *path, bool create,
    const struct config *cfg, int *from, int *to, enum fault *fault,
    char **err)
{
	struct store *s;

	memset(b, 0, sizeof *b);
	if (store_open(path, create ? STORE_CREATE : STORE_EXISTING, &s, from,
	    to, fault, err) != 0)
		return BOOK_ERROR;
	if (book_init(b, s, cfg, err) != 0) {
		store_close(s);
		memset(b, 0, sizeof *b);
		return BOOK_INVALID;
	}
	return BOOK_OK;
}

void
book_close(struct book *b)
{
	struct store *s = b->store;

	book_reset(b);
	store_close(s);
}

enum fault
book_fault(const struct book *b)
{
	return b->store != NULL ? store_fault(b->store) : FAULT_NONE;
}

int
book_begin(struct book *b, char **err)
{
	return store_begin(b->store, err);
}

void
book_rollback(struct book *b)
{
	store_rollback(b->store);
}

struct contact_search {
	const char	*email;
	char		*name;
};

static int
match_contact(const struct contact *c, void *arg)
{
	struct contact_search *cs = arg;

	if (strcasecmp(c->email, cs->email) != 0)
		return 0;
	cs->name = xstrdup(c->name);
	return 1;
}

int
book_contact_name(struct book *b, const struct partner *p, const char *email,
    char **name, char **err)
{
	struct contact_search cs = { email, NULL };

	if (store_contact_foreach(b->store, p->id, match_contact, &cs,
	    err) < 0) {
		free(cs.name);
		*name = NULL;
		return -1;
	}
	*name = cs.name;
	return 0;
}

int
book_partner_foreach(struct book *b, bool include_archived,
    store_partner_fn fn, void *arg, char **err)
{
	return store_partner_foreach(b->store, include_archived, fn, arg, err);
}

int
book_partner_search(struct book *b, const char *text,
    bool include_archived, store_partner_fn fn, void *arg, char **err)
{
	return store_partner_search(b->store, text, include_archived, fn, arg,
	    err);
}

int
book_bulk_begin(struct book *b, char **err)
{
	return store_bulk_begin(b->store, "partners", err);
}

int
book_bulk_end(struct book *b, char **err)
{
	return store_bulk_end(b->store, err);
}

int
book_partner_count(struct book *b, bool include_archived, long *count,
    char **err)
{
	return store_partner_count(b->store, include_archived, count, err);
}

int
book_contact_foreach(struct book *b, const struct partner *p,
    store_contact_fn fn, void *arg, char **err)
{
	return store_contact_foreach(b->store, p->id, fn, arg, err);
}

int
book_checkin_foreach(struct book *b, const struct partner *p, int limit,
    store_checkin_fn fn, void *arg, char **err)
{
	return store_checkin_foreach(b->store, p->id, limit, fn, arg, err);
}

char *
book_timestamp(time_t t, char out[21])
{
	return date_timestamp(t, out);
}

int
book_check_key(const char *key, char **err)
{
	size_t n = key ? strlen(key) : 0;

	if (n == 0 || n > KEY_MAX)
		return set_err(err, "key: must be 1 to %d characters (it has "
		    "%zu)", KEY_MAX, n), BOOK_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];

		if (!(islower(c) || isdigit(c) || ((c == '-' || c == '_' ||
		    c == '.') && i > 0)))
			return set_err(err, "key \"%s\": use lower-case letters, "
			    "digits, '-', '_' and '.', starting with a letter or "
			    "digit", key), BOOK_INVALID;
	}
	return 0;
}

int
book_check_email(const char *field, const char *email, char **err)
{
	if (address_check(field, email, err) != 0)
		return BOOK_INVALID;
	return 0;
}

int
book_check_timezone(const char *tz, char **err)
{
	if (!tz_valid(tz))
		return set_err(err, "timezone: \"%s\" is not a time zone "
		    "known to the tz database (e.g. America/New_York)",
		    tz ? tz : ""), BOOK_INVALID;
	return 0;
}

/* book_check_cadence, with the cadences m remembers (m may be NULL). */
static int
check_cadence(struct book_memo *m, const char *spec, char **canonical,
    char **err)
{
	struct cadence c;

	if (book_memo_cadence(m, spec, &c, err) != 0)
		return BOOK_INVALID;
	*canonical = cadence_format(&c);
	cadence_reset(&c);
	return 0;
}

int
book_check_cadence(const char *spec, char **canonical, char **err)
{
	return check_cadence(NULL, spec, canonical, err);
}

int
book_check_date(const char *field, const char *date, char **err)
{
	struct tb_date d;

	if (date_parse(date, &d, err) != 0)
		return prefix_err(err, "%s", field), BOOK_INVALID;
	return 0;
}

/* Fold a two-byte UTF-8 Latin-1 letter to its ASCII base, or 0. */
static char
fold_latin1(unsigned char lead, unsigned char cont)
{
	static const char map[64 + 1] =
	    "aaaaaaaceeeeiiii" "dnooooo/ouuuuyts"	/* U+00C0..U+00DF */
	    "aaaaaaaceeeeiiii" "dnooooo/ouuuuyty";	/* U+00E0..U+00FF */
	unsigned cp = ((lead & 0x1fu) << 6) | (cont & 0x3fu);

	if (cp < 0xc0 || cp > 0xff || map[cp - 0xc0] == '/')
		return 0;
	return map[cp - 0xc0];
}

char *
book_slug(const char *name)
{
	struct buf b;
	bool dash = false;

	buf_init(&b);
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		char c = 0;

		if (isalnum(*s) && *s < 0x80)
			c = (char)tolower(*s);
		else if ((*s == 0xc3) && s[1] >= 0x80 && s[1] < 0xc0) {
			c = fold_latin1(*s, s[1]);
			s++;
		}
		if (c == 0) {
			dash = b.len > 0;
			continue;
		}
		if (b.len >= KEY_MAX)
			break;
		if (dash && b.len + 1 < KEY_MAX)
			buf_addc(&b, '-');
		dash = false;
		buf_addc(&b, c);
	}
	return buf_steal(&b);
}

const char *
book_partner_tz(const struct book *b, const struct partner *p)
{
	return p != NULL && !str_empty(p->timezone) ? p->timezone :
	    b->cfg->timezone;
}

int
book_today(const struct book *b, const struct partner *p, time_t now,
    struct tb_date *today, char **err)
{
	return book_memo_today(b->memo, book_partner_tz(b, p), now, today,
	    err);
}

int
book_partner_get(struct book *b, const char *key, struct partner *out,
    char **err)
{
	int rc = store_partner_get(b->store, key, out, err);

	if (rc == STORE_NOT_FOUND)
		return BOOK_NOT_FOUND;
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_next_due(struct book *b, struct partner *p, char **err)
{
	struct cadence c;
	struct tb_date start, last, due;
	char text[DATE_STRLEN];
	int rc;

	if (book_memo_cadence(b->memo, p->cadence, &c, err) != 0)
		return BOOK_INVALID;
	if (date_parse(p->start_date, &start, err) != 0 ||
	    (p->last_checkin && date_parse(p->last_checkin, &last, err) != 0)) {
		cadence_reset(&c);
		return BOOK_ERROR;
	}
	rc = cadence_next_due(&c, start, p->last_checkin ? &last : NULL,
	    &b->cal, &due, err);
	cadence_reset(&c);
	free(p->next_due);
	p->next_due = NULL;
	if (rc != 0) {
		/* A fixed schedule that has run out has nothing more due. */
		free(*err);
		*err = NULL;
		return 0;
	}
	p->next_due = xstrdup(date_format(due, text));
	return 0;
}

int
book_refresh_next_due(struct book *b, struct partner *p, char **err)
{
	int rc = book_next_due(b, p, err);

	if (rc != 0)
		return rc;
	if (store_partner_set_next_due(b->store, p->id, p->next_due, err) != 0)
		return BOOK_ERROR;
	return 0;
}

/* Replace *field with a copy of value; "" clears an optional field. */
static void
set_field(char **field, const char *value)
{
	if (value == NULL)
		return;
	free(*field);
	*field = *value ? xstrdup(value) : NULL;
}

/*
 * A person given as "email" or "Name <email>" (the owner, the sponsor):
 * the address into *email; the name into *name unless one is given apart
 * (name_apart).  A bare address for someone else clears the old name.
 */
static int
apply_person(const char *field, const char *text, const char *name_apart,
    char **email, char **name, char **err)
{
	char *parsed_name = NULL, *parsed_email = NULL;
	char label[32];

	if (message_address_parse(text, &parsed_name, &parsed_email, err) != 0)
		return prefix_err(err, "%s", field), -1;
	snprintf(label, sizeof label, "%s name", field);
	if (text_check_field(label, parsed_name, TEXT_LINE, err) != 0) {
		free(parsed_name);
		free(parsed_email);
		return -1;
	}
	if (name_apart == NULL && (parsed_name != NULL || *email == NULL ||
	    strcasecmp(*email, parsed_email) != 0))
		set_field(name, parsed_name ? parsed_name : "");
	set_field(email, parsed_email);
	free(parsed_name);
	free(parsed_email);
	return 0;
}

/* Validate and apply in to p (which holds the current values). */
static int
apply_input(struct book *b, struct partner *p, const struct partner_input *in,
    char **err)
{
	char *canonical = NULL;

	if (in->name != NULL) {
		if (str_empty(in->name))
			return set_err(err, "name: must not be empty"),
			    BOOK_INVALID;
		if (text_check_field("name", in->name, TEXT_LINE, err) != 0)
			return BOOK_INVALID;
		set_field(&p->name, in->name);
	}
	if (in->key != NULL) {
		if (book_check_key(in->key, err) != 0)
			return BOOK_INVALID;
		set_field(&p->key, in->key);
	}
	if (in->owner != NULL &&
	    apply_person("owner", in->owner, in->owner_name, &p->owner_email,
	    &p->owner_name, err) != 0)
		return BOOK_INVALID;
	if (in->sponsor != NULL && *in->sponsor == '\0') {
		set_field(&p->sponsor_email, "");
		set_field(&p->sponsor_name, "");
	} else if (in->sponsor != NULL &&
	    apply_person("sponsor", in->sponsor, in->sponsor_name,
	    &p->sponsor_email, &p->sponsor_name, err) != 0)
		return BOOK_INVALID;
	if (text_check_field("owner-name", in->owner_name, TEXT_LINE,
	    err) != 0 || text_check_field("sponsor-name", in->sponsor_name,
	    TEXT_LINE, err) != 0)
		return BOOK_INVALID;
	set_field(&p->owner_name, in->owner_name);
	set_field(&p->sponsor_name, in->sponsor_name);
	if (p->sponsor_name != NULL && p->sponsor_email == NULL)
		return set_err(err, "sponsor-name: there is no sponsor (give "
		    "--sponsor EMAIL)"), BOOK_INVALID;
	if (!str_empty(in->timezone) &&
	    !book_memo_zone_valid(b->memo, in->timezone))
		return book_check_timezone(in->timezone, err);
	set_field(&p->timezone, in->timezone);
	if (in->cadence != NULL) {
		if (check_cadence(b->memo, in->cadence, &canonical, err) != 0)
			return BOOK_INVALID;
		set_field(&p->cadence, canonical);
		free(canonical);
	}
	if (in->start != NULL) {
		if (book_check_date("start", in->start, err) != 0)
			return BOOK_INVALID;
		set_field(&p->start_date, in->start);
	}
	if (text_check_field("tier", in->tier, TEXT_LINE, err) != 0 ||
	    text_check_field("notes", in->notes, TEXT_MULTILINE, err) != 0)
		return BOOK_INVALID;
	set_field(&p->tier, in->tier);
	set_field(&p->notes, in->notes);
	return 0;
}

/* A new partner from in, validated, with its defaults; next_due not yet
 * computed.  Free with partner_reset, also on failure. */
static int
partner_build(struct book *b, const struct partner_input *in, time_t now,
    struct partner *p, char **err)
{
	struct tb_date today;
	char text[DATE_STRLEN];
	int rc;

	memset(p, 0, sizeof *p);
	if (str_empty(in->name))
		return set_err(err, "a partner needs a name"), BOOK_INVALID;
	if (str_empty(in->owner))
		return set_err(err, "partner \"%s\" needs an owner (--owner "
		    "EMAIL)", in->name), BOOK_INVALID;
	if ((rc = apply_input(b, p, in, err)) != 0)
		return rc;
	if (p->key == NULL) {
		p->key = book_slug(p->name);
		if ((rc = book_check_key(p->key, err)) != 0)
			return prefix_err(err, "no key can be made from the "
			    "name \"%s\"; give one with --key", p->name), rc;
	}
	if (p->cadence == NULL)
		p->cadence = xstrdup("monthly");
	if (p->start_date == NULL) {
		if (book_today(b, p, now, &today, err) != 0)
			return BOOK_ERROR;
		p->start_date = xstrdup(date_format(today, text));
	}
	return 0;
}

/* Compute p's next_due and store it as a new partner. */
static int
partner_insert(struct book *b, struct partner *p, time_t now, char **err)
{
	char ts[21];
	int rc;

	if ((rc = book_next_due(b, p, err)) != 0)
		return rc;
	rc = store_partner_add(b->store, p, book_timestamp(now, ts), err);
	return rc == STORE_EXISTS ? BOOK_EXISTS : rc == 0 ? BOOK_OK :
	    BOOK_ERROR;
}

int
book_partner_add(struct book *b, const struct partner_input *in, time_t now,
    struct partner *out, char **err)
{
	struct partner p;
	int rc;

	if ((rc = partner_build(b, in, now, &p, err)) == 0)
		rc = partner_insert(b, &p, now, err);
	if (rc == 0 && out != NULL)
		*out = p;
	else
		partner_reset(&p);
	return rc;
}

/* The date of a check-in of p: date (NULL: today in p's zone), never
 * after today there.  -1 with *err. */
static int
checkin_date(struct book *b, const struct partner *p, const char *date,
    time_t now, struct tb_date *d, char **err)
{
	struct tb_date today;
	char text[DATE_STRLEN];

	if (book_today(b, p, now, &today, err) != 0)
		return -1;
	if (date == NULL)
		*d = today;
	else if (date_parse(date, d, err) != 0)
		return prefix_err(err, "date");
	if (date_cmp(*d, today) > 0)
		return set_err(err, "date: %s is in the future (today is %s in "
		    "%s)", date, date_format(today, text),
		    book_partner_tz(b, p));
	return 0;
}

int
book_partner_import(struct book *b, const struct partner_input *in,
    const char *last_checkin, bool archived, time_t now,
    struct partner *out, char **err)
{
	struct partner p;
	struct checkin c;
	struct tb_date d;
	char text[DATE_STRLEN], ts[21];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = partner_build(b, in, now, &p, err)) != 0)
		goto done;
	if (last_checkin != NULL && checkin_date(b, &p, last_checkin, now,
	    &d, err) != 0) {
		/* The rows that continue it are still judged against it. */
		prefix_err(err, "last_checkin");
		*out = p;
		return BOOK_INVALID;
	}
	if (last_checkin != NULL)
		p.last_checkin = xstrdup(date_format(d, text));
	p.archived = archived;
	if ((rc = partner_insert(b, &p, now, err)) != 0 || last_checkin == NULL)
		goto done;
	memset(&c, 0, sizeof c);
	c.partner_id = p.id;
	c.date = p.last_checkin;
	if (store_checkin_add(b->store, &c, book_timestamp(now, ts), err) != 0)
		rc = BOOK_ERROR;
done:
	if (rc == 0)
		*out = p;
	else
		partner_reset(&p);
	return rc;
}

int
book_partner_edit(struct book *b, const char *key,
    const struct partner_input *in, time_t now, char **err)
{
	struct partner p;
	char ts[21];
	int rc;

	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	if ((rc = apply_input(b, &p, in, err)) == 0 &&
	    (rc = book_next_due(b, &p, err)) == 0) {
		rc = store_partner_update(b->store, &p,
		    book_timestamp(now, ts), err);
		rc = rc == STORE_EXISTS ? BOOK_EXISTS : rc == 0 ? BOOK_OK :
		    BOOK_ERROR;
	}
	partner_reset(&p);
	return rc;
}

int
book_partner_archive(struct book *b, const char *key, time_t now, char **err)
{
	struct partner p;
	char ts[21];
	int rc;

	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	p.archived = true;
	rc = store_partner_update(b->store, &p, book_timestamp(now, ts), err);
	partner_reset(&p);
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_partner_remove(struct book *b, const char *key, char **err)
{
	struct partner p;
	int rc;

	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = store_partner_remove(b->store, p.id, err);
	partner_reset(&p);
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

/* A contact's fields, at the door. */
static int
contact_check(const char *name, const char *email, const char *role,
    char **err)
{
	if (str_empty(name))
		return set_err(err, "contact name: must not be empty");
	if (text_check_field("contact name", name, TEXT_LINE, err) != 0 ||
	    book_check_email("contact email", email, err) != 0 ||
	    text_check_field("role", role, TEXT_LINE, err) != 0)
		return -1;
	return 0;
}

int
book_contact_add_to(struct book *b, const struct partner *p, const char *name,
    const char *email, const char *role, bool invite, char **err)
{
	struct contact c;
	int rc;

	if (contact_check(name, email, role, err) != 0)
		return BOOK_INVALID;
	/* A partner import refused is still the judge of its rows' contacts,
	 * which have nowhere to go. */
	if (p->id == 0)
		return BOOK_OK;
	memset(&c, 0, sizeof c);
	c.partner_id = p->id;
	c.name = (char *)name;
	c.email = (char *)email;
	c.role = str_empty(role) ? NULL : (char *)role;
	c.invite = invite;
	rc = store_contact_add(b->store, &c, err);
	if (rc == STORE_EXISTS)
		return prefix_err(err, "%s", p->key), BOOK_EXISTS;
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_contact_add(struct book *b, const char *key, const char *name,
    const char *email, const char *role, bool invite, char **err)
{
	struct partner p;
	int rc;

	if (contact_check(name, email, role, err) != 0)
		return BOOK_INVALID;
	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = book_contact_add_to(b, &p, name, email, role, invite, err);
	partner_reset(&p);
	return rc;
}

int
book_contact_edit(struct book *b, const char *key, const char *email,
    const char *name, const char *role, int invite, char **err)
{
	struct partner p;
	int rc;

	if (name != NULL && *name == '\0')
		return set_err(err, "contact name: must not be empty"),
		    BOOK_INVALID;
	if (text_check_field("contact name", name, TEXT_LINE, err) != 0 ||
	    text_check_field("role", role, TEXT_LINE, err) != 0)
		return BOOK_INVALID;
	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = store_contact_update(b->store, p.id, email, name, role, invite,
	    err);
	partner_reset(&p);
	if (rc == STORE_NOT_FOUND)
		return prefix_err(err, "%s", key), BOOK_NOT_FOUND;
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_contact_remove(struct book *b, const char *key, const char *email,
    char **err)
{
	struct partner p;
	int rc;

	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = store_contact_remove(b->store, p.id, email, err);
	partner_reset(&p);
	if (rc == STORE_NOT_FOUND)
		return prefix_err(err, "%s", key), BOOK_NOT_FOUND;
	return rc == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_snooze(struct book *b, const char *key, const char *until, time_t now,
    char **err)
{
	struct tb_date d, today;
	struct partner p;
	char text[DATE_STRLEN];
	int rc;

	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = BOOK_INVALID;
	if (until != NULL && (book_today(b, &p, now, &today, err) != 0 ||
	    date_parse(until, &d, err) != 0))
		goto done;
	if (until != NULL && date_cmp(d, today) <= 0) {
		set_err(err, "snooze until %s: that is not after today (%s in "
		    "%s)", until, date_format(today, text),
		    book_partner_tz(b, &p));
		goto done;
	}
	rc = store_partner_set_snooze(b->store, p.id, until, err) == 0 ?
	    BOOK_OK : BOOK_ERROR;
done:
	partner_reset(&p);
	return rc;
}

int
book_note_add(struct book *b, const char *key, const char *text,
    const char *by, time_t now, char **err)
{
	struct partner_input in;
	struct tb_date today;
	struct partner p;
	char date[DATE_STRLEN], *notes;
	int rc;

	if (str_empty(text))
		return set_err(err, "note: empty"), BOOK_INVALID;
	if (text_check_field("note", text, TEXT_MULTILINE, err) != 0)
		return BOOK_INVALID;
	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	if (book_today(b, &p, now, &today, err) != 0) {
		partner_reset(&p);
		return BOOK_ERROR;
	}
	notes = xasprintf("%s%s%s%s%s%s: %s", p.notes ? p.notes : "",
	    str_empty(p.notes) ? "" : "\n", date_format(today, date),
	    by ? " (" : "", by ? by : "", by ? ")" : "", text);
	memset(&in, 0, sizeof in);
	in.notes = notes;
	rc = book_partner_edit(b, key, &in, now, err);
	free(notes);
	partner_reset(&p);
	return rc;
}

int
book_contact_bounced(struct book *b, long partner_id, const char *email,
    const char *reason, time_t now, char **err)
{
	char ts[21];

	return store_contact_set_bounced(b->store, partner_id, email,
	    book_timestamp(now, ts), reason, err) == 0 ? BOOK_OK : BOOK_ERROR;
}

int
book_checkin(struct book *b, const char *key, const char *date,
    const char *note, const char *by, time_t now, char **err)
{
	struct partner p;
	struct checkin c;
	struct tb_date d;
	char text[DATE_STRLEN], ts[21];
	int rc;

	if (!str_empty(by) && book_check_email("by", by, err) != 0)
		return BOOK_INVALID;
	if (text_check_field("note", note, TEXT_MULTILINE, err) != 0)
		return BOOK_INVALID;
	if ((rc = book_partner_get(b, key, &p, err)) != 0)
		return rc;
	rc = BOOK_INVALID;
	if (checkin_date(b, &p, date, now, &d, err) != 0)
		goto done;
	memset(&c, 0, sizeof c);
	c.partner_id = p.id;
	c.date = date_format(d, text);
	c.note = str_empty(note) ? NULL : (char *)note;
	c.by_email = str_empty(by) ? NULL : (char *)by;
	rc = BOOK_ERROR;
	if (store_begin(b->store, err) != 0)
		goto done;
	if (store_checkin_add(b->store, &c, book_timestamp(now, ts), err) != 0)
		goto fail;
	/* The new check-in may be older than one already recorded. */
	if (p.last_checkin == NULL || strcmp(c.date, p.last_checkin) > 0)
		set_field(&p.last_checkin, c.date);
	if ((rc = book_refresh_next_due(b, &p, err)) != 0)
		goto fail;
	rc = store_commit(b->store, err) == 0 ? BOOK_OK : BOOK_ERROR;
	goto done;
fail:
	store_rollback(b->store);
done:
	partner_reset(&p);
	return rc;
}
