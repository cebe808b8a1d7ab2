/* store_book.c: partners, contacts and check-ins in SQLite. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_db.h"

#define PARTNER_COLUMNS \
	"p.id, p.key, p.name, p.owner_email, p.owner_name, p.sponsor_email," \
	" p.cadence, p.start_date, p.timezone, p.tier, p.notes, p.archived," \
	" p.created_at, p.updated_at, p.next_due," \
	" (SELECT max(date) FROM checkins c WHERE c.partner_id = p.id)," \
	" p.snooze_until, p.sponsor_name"
/* How many: a query's own columns come after them. */
#define PARTNER_NCOLUMNS 18

void
partner_reset(struct partner *p)
{
	free(p->key);
	free(p->name);
	free(p->owner_email);
	free(p->owner_name);
	free(p->sponsor_email);
	free(p->sponsor_name);
	free(p->cadence);
	free(p->start_date);
	free(p->timezone);
	free(p->tier);
	free(p->notes);
	free(p->created_at);
	free(p->updated_at);
	free(p->next_due);
	free(p->last_checkin);
	free(p->snooze_until);
	memset(p, 0, sizeof *p);
}

void
partner_copy(struct partner *dst, const struct partner *src)
{
	*dst = *src;
	dst->key = xstrdup(src->key);
	dst->name = xstrdup(src->name);
	dst->owner_email = xstrdup(src->owner_email);
	dst->owner_name = xstrdup(src->owner_name);
	dst->sponsor_email = xstrdup(src->sponsor_email);
	dst->sponsor_name = xstrdup(src->sponsor_name);
	dst->cadence = xstrdup(src->cadence);
	dst->start_date = xstrdup(src->start_date);
	dst->timezone = xstrdup(src->timezone);
	dst->tier = xstrdup(src->tier);
	dst->notes = xstrdup(src->notes);
	dst->created_at = xstrdup(src->created_at);
	dst->updated_at = xstrdup(src->updated_at);
	dst->next_due = xstrdup(src->next_due);
	dst->last_checkin = xstrdup(src->last_checkin);
	dst->snooze_until = xstrdup(src->snooze_until);
}

void
contact_reset(struct contact *c)
{
	free(c->name);
	free(c->email);
	free(c->role);
	free(c->bounced_at);
	free(c->bounce_reason);
	memset(c, 0, sizeof *c);
}

void
contact_copy(struct contact *dst, const struct contact *src)
{
	*dst = *src;
	dst->name = xstrdup(src->name);
	dst->email = xstrdup(src->email);
	dst->role = xstrdup(src->role);
	dst->bounced_at = xstrdup(src->bounced_at);
	dst->bounce_reason = xstrdup(src->bounce_reason);
}

void
checkin_reset(struct checkin *c)
{
	free(c->date);
	free(c->note);
	free(c->by_email);
	free(c->created_at);
	memset(c, 0, sizeof *c);
}

static void
partner_from_row(sqlite3_stmt *st, struct partner *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->key = sdb_column_text(st, 1);
	p->name = sdb_column_text(st, 2);
	p->owner_email = sdb_column_text(st, 3);
	p->owner_name = sdb_column_text(st, 4);
	p->sponsor_email = sdb_column_text(st, 5);
	p->cadence = sdb_column_text(st, 6);
	p->start_date = sdb_column_text(st, 7);
	p->timezone = sdb_column_text(st, 8);
	p->tier = sdb_column_text(st, 9);
	p->notes = sdb_column_text(st, 10);
	p->archived = sqlite3_column_int(st, 11) != 0;
	p->created_at = sdb_column_text(st, 12);
	p->updated_at = sdb_column_text(st, 13);
	p->next_due = sdb_column_text(st, 14);
	p->last_checkin = sdb_column_text(st, 15);
	p->snooze_until = sdb_column_text(st, 16);
	p->sponsor_name = sdb_column_text(st, 17);
}

/* Bind the editable columns as ?1..?13 and ?15 (sponsor_name; ?14 is
 * the id of an UPDATE). */
static void
bind_partner(sqlite3_stmt *st, const struct partner *p, const char *now)
{
	sdb_bind_held(st, 1, p->key);
	sdb_bind_held(st, 2, p->name);
	sdb_bind_held(st, 3, p->owner_email);
	sdb_bind_held(st, 4, p->owner_name);
	sdb_bind_held(st, 5, p->sponsor_email);
	sdb_bind_held(st, 6, p->cadence);
	sdb_bind_held(st, 7, p->start_date);
	sdb_bind_held(st, 8, p->timezone);
	sdb_bind_held(st, 9, p->tier);
	sdb_bind_held(st, 10, p->notes);
	sqlite3_bind_int(st, 11, p->archived);
	sdb_bind_held(st, 12, now);
	sdb_bind_held(st, 13, p->next_due);
	sdb_bind_held(st, 15, p->sponsor_name);
}

int
store_partner_add(struct store *s, struct partner *p, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "INSERT INTO partners (key, name, owner_email,"
	    " owner_name, sponsor_email, cadence, start_date, timezone, tier,"
	    " notes, archived, created_at, updated_at, next_due, sponsor_name)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12,"
	    " ?13, ?15)", &st, err) != 0)
		return -1;
	bind_partner(st, p, now);
	rc = sdb_step_done(s, st, "adding a partner", err);
	sdb_finish(s, st);
	if (rc == STORE_EXISTS)
		return set_err(err, "a partner with key \"%s\" exists already",
		    p->key), STORE_EXISTS;
	if (rc != 0)
		return -1;
	p->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_partner_update(struct store *s, const struct partner *p,
    const char *now, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "UPDATE partners SET key = ?1, name = ?2,"
	    " owner_email = ?3, owner_name = ?4, sponsor_email = ?5,"
	    " cadence = ?6, start_date = ?7, timezone = ?8, tier = ?9,"
	    " notes = ?10, archived = ?11, updated_at = ?12, next_due = ?13,"
	    " sponsor_name = ?15 WHERE id = ?14", &st, err) != 0)
		return -1;
	bind_partner(st, p, now);
	sqlite3_bind_int64(st, 14, p->id);
	rc = sdb_step_done(s, st, "updating a partner", err);
	sdb_finish(s, st);
	if (rc == STORE_EXISTS)
		return set_err(err, "a partner with key \"%s\" exists already",
		    p->key), STORE_EXISTS;
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return set_err(err, "partner \"%s\" is gone", p->key),
		    STORE_NOT_FOUND;
	return rc == 0 ? 0 : -1;
}

int
store_partner_get(struct store *s, const char *key, struct partner *out,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (sdb_cached(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.key = ?1", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		partner_from_row(st, out);
	sdb_finish(s, st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return set_err(err, "no partner with key \"%s\"", key),
		    STORE_NOT_FOUND;
	return sdb_err(s, err, "reading a partner");
}

int
store_partner_remove(struct store *s, long id, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "DELETE FROM partners WHERE id = ?1", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sdb_step_done(s, st, "removing a partner", err);
	sqlite3_finalize(st);
	return rc == 0 ? 0 : -1;
}

int
store_partner_set_next_due(struct store *s, long id, const char *next_due,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "UPDATE partners SET next_due = ?1 WHERE id = ?2", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, next_due);
	sqlite3_bind_int64(st, 2, id);
	rc = sdb_step_done(s, st, "storing the next due date", err);
	sdb_finish(s, st);
	return rc == 0 ? 0 : -1;
}

/* Step through a partner query, handing each row to fn. */
static int
partner_rows(struct store *s, sqlite3_stmt *st, store_partner_fn fn,
    void *arg, char **err)
{
	struct partner p;
	int rc, stop = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		partner_from_row(st, &p);
		stop = fn(&p, arg);
		partner_reset(&p);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading partners");
	sqlite3_finalize(st);
	return stop;
}

int
store_partner_foreach(struct store *s, bool include_archived,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE ?1 OR p.archived = 0 ORDER BY p.key", &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, include_archived);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_search(struct store *s, const char *text,
    bool include_archived, store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	struct buf pattern;
	int rc;

	/* The text is matched as written: its wildcards are escaped. */
	buf_init(&pattern);
	buf_addc(&pattern, '%');
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			buf_addc(&pattern, '\\');
		buf_addc(&pattern, *c);
	}
	buf_addc(&pattern, '%');
	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE (?1 OR p.archived = 0) AND (p.name LIKE ?2 ESCAPE '\\'"
	    " OR p.key LIKE ?2 ESCAPE '\\' OR p.notes LIKE ?2 ESCAPE '\\'"
	    " OR EXISTS (SELECT 1 FROM contacts c WHERE c.partner_id = p.id"
	    " AND (c.name LIKE ?2 ESCAPE '\\' OR c.email LIKE ?2 ESCAPE '\\'"
	    " OR c.role LIKE ?2 ESCAPE '\\'))) ORDER BY p.key", &st,
	    err) != 0) {
		buf_reset(&pattern);
		return -1;
	}
	sqlite3_bind_int(st, 1, include_archived);
	sdb_bind_text(st, 2, buf_str(&pattern));
	rc = partner_rows(s, st, fn, arg, err);
	buf_reset(&pattern);
	return rc;
}

int
store_partner_foreach_due(struct store *s, const char *due_by,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.archived = 0 AND p.next_due <= ?1"
	    " ORDER BY p.next_due, p.key", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, due_by);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_foreach_due_any(struct store *s, const char *due_by,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	long due = 0, all = 0;
	int rc;

	if (sdb_prepare(s, "SELECT (SELECT count(*) FROM partners"
	    " WHERE archived = 0 AND next_due <= ?1),"
	    " (SELECT max(rowid) FROM partners)", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, due_by);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		due = sqlite3_column_int64(st, 0);
		all = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sdb_err(s, err, "counting partners due");
	if (due <= all / 8)
		return store_partner_foreach_due(s, due_by, fn, arg, err);
	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " NOT INDEXED WHERE p.archived = 0 AND p.next_due <= ?1", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, due_by);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_foreach_due_on(struct store *s, const char *due,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.archived = 0 AND p.next_due = ?1 ORDER BY p.key", &st,
	    err) != 0)
		return -1;
	sdb_bind_text(st, 1, due);
	return partner_rows(s, st, fn, arg, err);
}

int
store_partner_foreach_owner(struct store *s, const char *owner,
    store_partner_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;

	if (sdb_prepare(s, "SELECT " PARTNER_COLUMNS " FROM partners p"
	    " WHERE p.archived = 0 AND p.owner_email = ?1 COLLATE NOCASE"
	    " ORDER BY p.key", &st, err) != 0)
		return -1;
	sdb_bind_text(st, 1, owner);
	return partner_rows(s, st, fn, arg, err);
}

struct store_order {
	struct store	*store;
	sqlite3_stmt	*add;		/* reused for every partner */
};

int
store_order_new(struct store *s, struct store_order **out, char **err)
{
	struct store_order *o;

	*out = NULL;
	if (sdb_exec(s, "CREATE TEMP TABLE IF NOT EXISTS partner_order ("
	    "  partner_id INTEGER NOT NULL, rank INTEGER NOT NULL,"
	    "  late INTEGER NOT NULL);"
	    "DELETE FROM temp.partner_order;", "sorting partners", err) != 0)
		return -1;
	o = xcalloc(1, sizeof *o);
	o->store = s;
	if (sdb_prepare(s, "INSERT INTO temp.partner_order (partner_id, rank,"
	    " late) VALUES (?1, ?2, ?3)", &o->add, err) != 0) {
		free(o);
		return -1;
	}
	*out = o;
	return 0;
}

int
store_order_add(struct store_order *o, long partner_id, int rank, long late,
    char **err)
{
	int rc;

	sqlite3_bind_int64(o->add, 1, partner_id);
	sqlite3_bind_int(o->add, 2, rank);
	sqlite3_bind_int64(o->add, 3, late);
	rc = sdb_step_done(o->store, o->add, "sorting partners", err);
	sqlite3_reset(o->add);
	return rc == 0 ? 0 : -1;
}

int
store_order_foreach(struct store_order *o, store_order_fn fn, void *arg,
    char **err)
{
	sqlite3_stmt *st;
	struct partner p;
	int rc, stop = 0;

	if (sdb_prepare(o->store, "SELECT " PARTNER_COLUMNS ","
	    " EXISTS (SELECT 1 FROM outbox b WHERE b.partner_id = p.id),"
	    " EXISTS (SELECT 1 FROM invites i JOIN replies r ON r.uid = i.uid"
	    "   WHERE i.partner_id = p.id AND i.status = 'open')"
	    " FROM temp.partner_order t JOIN partners p ON p.id = t.partner_id"
	    " ORDER BY t.rank DESC, t.late DESC, p.key", &st, err) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		partner_from_row(st, &p);
		stop = fn(&p, sqlite3_column_int(st, PARTNER_NCOLUMNS) != 0,
		    sqlite3_column_int(st, PARTNER_NCOLUMNS + 1) != 0, arg);
		partner_reset(&p);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(o->store, err, "reading partners");
	sqlite3_finalize(st);
	return stop;
}

void
store_order_free(struct store_order *o)
{
	if (o == NULL)
		return;
	sqlite3_finalize(o->add);
	(void)sdb_exec(o->store, "DELETE FROM temp.partner_order;", "sorting "
	    "partners", NULL);
	free(o);
}

int
store_partner_count(struct store *s, bool include_archived, long *count,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "SELECT count(*) FROM partners WHERE ?1 OR archived = 0",
	    &st, err) != 0)
		return -1;
	sqlite3_bind_int(st, 1, include_archived);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : sdb_err(s, err, "counting partners");
}

int
store_contact_add(struct store *s, struct contact *c, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "INSERT INTO contacts (partner_id, name, email, role,"
	    " invite) VALUES (?1, ?2, ?3, ?4, ?5)", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->partner_id);
	sdb_bind_held(st, 2, c->name);
	sdb_bind_held(st, 3, c->email);
	sdb_bind_held(st, 4, c->role);
	sqlite3_bind_int(st, 5, c->invite);
	rc = sdb_step_done(s, st, "adding a contact", err);
	sdb_finish(s, st);
	if (rc == STORE_EXISTS)
		return set_err(err, "contact %s exists already", c->email),
		    STORE_EXISTS;
	if (rc != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_contact_remove(struct store *s, long partner_id, const char *email,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "DELETE FROM contacts WHERE partner_id = ?1"
	    " AND email = ?2 COLLATE NOCASE", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sdb_bind_text(st, 2, email);
	rc = sdb_step_done(s, st, "removing a contact", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return set_err(err, "no contact %s", email), STORE_NOT_FOUND;
	return 0;
}

int
store_contact_update(struct store *s, long partner_id, const char *email,
    const char *name, const char *role, int invite, char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_prepare(s, "UPDATE contacts SET name = coalesce(?3, name),"
	    " role = CASE WHEN ?4 IS NULL THEN role WHEN ?4 = '' THEN NULL"
	    " ELSE ?4 END, invite = CASE WHEN ?5 < 0 THEN invite ELSE ?5 END"
	    " WHERE partner_id = ?1 AND email = ?2 COLLATE NOCASE", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sdb_bind_text(st, 2, email);
	sdb_bind_text(st, 3, name);
	sdb_bind_text(st, 4, role);
	sqlite3_bind_int(st, 5, invite);
	rc = sdb_step_done(s, st, "changing a contact", err);
	sqlite3_finalize(st);
	if (rc != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return set_err(err, "no contact %s", email), STORE_NOT_FOUND;
	return 0;
}

int
store_contact_foreach(struct store *s, long partner_id, store_contact_fn fn,
    void *arg, char **err)
{
	sqlite3_stmt *st;
	struct contact c;
	int rc, stop = 0;

	if (sdb_cached(s, "SELECT id, partner_id, name, email, role, invite,"
	    " bounced_at, bounce_reason FROM contacts WHERE partner_id = ?1"
	    " ORDER BY name, email", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.id = sqlite3_column_int64(st, 0);
		c.partner_id = sqlite3_column_int64(st, 1);
		c.name = sdb_column_text(st, 2);
		c.email = sdb_column_text(st, 3);
		c.role = sdb_column_text(st, 4);
		c.invite = sqlite3_column_int(st, 5) != 0;
		c.bounced_at = sdb_column_text(st, 6);
		c.bounce_reason = sdb_column_text(st, 7);
		stop = fn(&c, arg);
		contact_reset(&c);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading contacts");
	sdb_finish(s, st);
	return stop;
}

int
store_checkin_add(struct store *s, struct checkin *c, const char *now,
    char **err)
{
	sqlite3_stmt *st;
	int rc;

	if (sdb_cached(s, "INSERT INTO checkins (partner_id, date, note,"
	    " by_email, created_at) VALUES (?1, ?2, ?3, ?4, ?5)", &st,
	    err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->partner_id);
	sdb_bind_held(st, 2, c->date);
	sdb_bind_held(st, 3, c->note);
	sdb_bind_held(st, 4, c->by_email);
	sdb_bind_held(st, 5, now);
	rc = sdb_step_done(s, st, "recording a check-in", err);
	sdb_finish(s, st);
	if (rc != 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_checkin_foreach(struct store *s, long partner_id, int limit,
    store_checkin_fn fn, void *arg, char **err)
{
	sqlite3_stmt *st;
	struct checkin c;
	int rc, stop = 0;

	if (sdb_cached(s, "SELECT id, partner_id, date, note, by_email,"
	    " created_at FROM checkins WHERE partner_id = ?1"
	    " ORDER BY date DESC, id DESC LIMIT ?2", &st, err) != 0)
		return -1;
	sqlite3_bind_int64(st, 1, partner_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.id = sqlite3_column_int64(st, 0);
		c.partner_id = sqlite3_column_int64(st, 1);
		c.date = sdb_column_text(st, 2);
		c.note = sdb_column_text(st, 3);
		c.by_email = sdb_column_text(st, 4);
		c.created_at = sdb_column_text(st, 5);
		stop = fn(&c, arg);
		checkin_reset(&c);
		if (stop != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE)
		stop = sdb_err(s, err, "reading check-ins");
	sdb_finish(s, st);
	return stop;
}
