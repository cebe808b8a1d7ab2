/*
 * book.h: the partner book: partners, contacts and check-ins, validated at
 * the door and kept consistent (next_due is recomputed on every change).
 * Commands call these; only this module writes partners to the store.
 */
#ifndef TB_BOOK_H
#define TB_BOOK_H

#include <stdbool.h>
#include <time.h>

#include "cadence.h"
#include "config.h"
#include "store.h"

/* Results the caller must tell apart (mapped to exit codes by main). */
enum book_status {
	BOOK_OK = 0,
	BOOK_ERROR = -1,	/* database or internal failure */
	BOOK_INVALID = -2,	/* bad input: a field fails validation */
	BOOK_NOT_FOUND = -3,	/* no such partner or contact */
	BOOK_EXISTS = -4	/* key or contact taken */
};

struct book_memo;

struct book {
	struct store		*store;
	const struct config	*cfg;
	struct cadence_calendar	 cal;	/* business days, from cfg */
	struct book_memo	*memo;	/* zones and cadences seen (book_memo.h) */
};

/* What a user gives for a partner; NULL fields are unset (add) or
 * unchanged (edit).  An empty string clears an optional field on edit. */
struct partner_input {
	const char	*name;
	const char	*key;
	const char	*owner;		/* "email" or "Name <email>" */
	const char	*owner_name;
	const char	*cadence;
	const char	*start;		/* YYYY-MM-DD */
	const char	*sponsor;	/* "email" or "Name <email>" */
	const char	*sponsor_name;
	const char	*timezone;
	const char	*tier;
	const char	*notes;
};

/* Load the business-day calendar from cfg and start the book's memo; the
 * store stays the caller's.  Returns 0 or -1 with *err (a bad holidays
 * value or file).  book_reset frees what it made. */
int book_init(struct book *b, struct store *store, const struct config *cfg,
    char **err);
void book_reset(struct book *b);

/*
 * Open the database at path (it must exist at the current schema; with
 * create, it is created or upgraded, and *from and *to get the schema
 * versions before and after) and the book on it, which then owns the
 * store: close both with book_close.  Returns 0; BOOK_ERROR with *fault
 * and *err when the database cannot be opened; BOOK_INVALID with *err
 * when the configuration's calendar (holidays) cannot be loaded.
 */
int book_open(struct book *b, const char *path, bool create,
    const struct config *cfg, int *from, int *to, enum fault *fault,
    char **err);
void book_close(struct book *b);		/* a zeroed book ok */
/* Why the book's database last failed (FAULT_NONE: it did not). */
enum fault book_fault(const struct book *b);
/* A transaction over everything done to the book until the rollback
 * (a dry run).  Returns 0 or -1 with *err. */
int book_begin(struct book *b, char **err);
void book_rollback(struct book *b);

/*
 * Hold key's reminders, overdue notices and escalations until the date
 * until (YYYY-MM-DD, after today in the partner's zone), or, when until
 * is NULL, no longer.  BOOK_INVALID for a date not after today.
 */
int book_snooze(struct book *b, const char *key, const char *until,
    time_t now, char **err);
/* Add a note to key's notes: a line "YYYY-MM-DD (by): text" after what
 * is there (by may be NULL). */
int book_note_add(struct book *b, const char *key, const char *text,
    const char *by, time_t now, char **err);
/* A contact's address bounced for good (reason: the server's words): it
 * is left off new invites until it is edited. */
int book_contact_bounced(struct book *b, long partner_id, const char *email,
    const char *reason, time_t now, char **err);

/*
 * The name of p's contact with address email (any case) into *name
 * (allocated; NULL when p has no such contact).  Returns 0 or -1 with
 * *err.
 */
int book_contact_name(struct book *b, const struct partner *p,
    const char *email, char **name, char **err);

/* Every partner (archived ones too when asked), in key order; fn returns
 * non-zero to stop, which is then returned. */
int book_partner_foreach(struct book *b, bool include_archived,
    store_partner_fn fn, void *arg, char **err);
/* The partners whose name, key, notes or contacts hold text (see
 * store_partner_search), in key order. */
int book_partner_search(struct book *b, const char *text,
    bool include_archived, store_partner_fn fn, void *arg, char **err);
/*
 * Many partners added in the open transaction (an import): the
 * partners' lookup indexes (by due date, by owner) are made once, at
 * book_bulk_end or the commit, instead of growing a row at a time.
 * Returns 0 or BOOK_ERROR with *err.
 */
int book_bulk_begin(struct book *b, char **err);
int book_bulk_end(struct book *b, char **err);
int book_partner_count(struct book *b, bool include_archived, long *count,
    char **err);
/* A partner's contacts; its check-ins, newest first (limit <= 0: all). */
int book_contact_foreach(struct book *b, const struct partner *p,
    store_contact_fn fn, void *arg, char **err);
int book_checkin_foreach(struct book *b, const struct partner *p, int limit,
    store_checkin_fn fn, void *arg, char **err);

/* Validation shared with import: each returns 0 or BOOK_INVALID with
 * *err naming the field and value.  book_check_email applies address.h's
 * rule. */
int book_check_key(const char *key, char **err);
int book_check_email(const char *field, const char *email, char **err);
int book_check_timezone(const char *tz, char **err);
/* Canonical cadence text into *canonical (caller frees). */
int book_check_cadence(const char *spec, char **canonical, char **err);
int book_check_date(const char *field, const char *date, char **err);

/* A key made from a name: lower-case ASCII letters and digits joined by
 * '-', accents folded ("Clínica São José" -> "clinica-sao-jose").
 * Caller frees; "" when nothing is left. */
char *book_slug(const char *name);

/* The partner's time zone: its own, else schedule.timezone (p may be
 * NULL).  Borrowed from p or b->cfg. */
const char *book_partner_tz(const struct book *b, const struct partner *p);

/* The partner's local date today (its zone, else schedule.timezone). */
int book_today(const struct book *b, const struct partner *p, time_t now,
    struct tb_date *today, char **err);

/* Add a partner from in (name and owner required; key defaults to the
 * slug of the name, cadence to "monthly", start to today).  Fills *out
 * when not NULL (caller resets). */
int book_partner_add(struct book *b, const struct partner_input *in,
    time_t now, struct partner *out, char **err);
/*
 * A partner of an import: as book_partner_add, with its last check-in
 * (NULL: none; validated as book_checkin does, the message prefixed
 * "last_checkin") recorded and counted in next_due at once, and archived
 * when asked; nothing read back.  *out as for book_partner_add, and on
 * a bad last_checkin the partner as it would have been (not stored; the
 * caller frees it then too).
 */
int book_partner_import(struct book *b, const struct partner_input *in,
    const char *last_checkin, bool archived, time_t now,
    struct partner *out, char **err);
int book_partner_edit(struct book *b, const char *key,
    const struct partner_input *in, time_t now, char **err);
int book_partner_archive(struct book *b, const char *key, time_t now,
    char **err);
int book_partner_remove(struct book *b, const char *key, char **err);
/* Fetch a partner; BOOK_NOT_FOUND names the key. */
int book_partner_get(struct book *b, const char *key, struct partner *out,
    char **err);

int book_contact_add(struct book *b, const char *key, const char *name,
    const char *email, const char *role, bool invite, char **err);
/* The same for partner p, as the caller has it (no lookup); for a
 * partner not in the book (id 0), the contact is only checked. */
int book_contact_add_to(struct book *b, const struct partner *p,
    const char *name, const char *email, const char *role, bool invite,
    char **err);
/* Change a contact: name, role (NULL: unchanged; "": none), invite (-1:
 * unchanged, 0, 1).  A contact no longer invited gets a cancellation of
 * any check-in meeting they were invited to, at the next run. */
int book_contact_edit(struct book *b, const char *key, const char *email,
    const char *name, const char *role, int invite, char **err);
int book_contact_remove(struct book *b, const char *key, const char *email,
    char **err);

/* Record a check-in (date NULL: today in the partner's zone). */
int book_checkin(struct book *b, const char *key, const char *date,
    const char *note, const char *by, time_t now, char **err);

/* Compute p->next_due from its cadence, start and last check-in under
 * the book's calendar (not stored). */
int book_next_due(struct book *b, struct partner *p, char **err);
/* Recompute and store p->next_due (also updates p). */
int book_refresh_next_due(struct book *b, struct partner *p, char **err);

/*
 * Bring the active partners' next_due to the business-day calendar
 * (skip_weekends, holidays, lead_days) when it differs from the one the
 * stored dates were computed under, and remember it.  A change of
 * holidays alone reads only the partners due on the few dates it can
 * move; another change (or none remembered) recomputes every partner.
 * Only dates that move are written.  *changed (may be NULL) counts them.
 * Returns 0 or -1 with *err.
 */
int book_sync_calendar(struct book *b, long *changed, char **err);

/* "YYYY-MM-DDTHH:MM:SSZ" for t into out (21 bytes). */
char *book_timestamp(time_t t, char out[21]);

#endif
