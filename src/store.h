/*
 * store.h: the SQLite database: schema and migrations, partners,
 * contacts, check-ins, and JSON encoding through SQLite's JSON functions.
 * sqlite3.h is included by store.c only.
 *
 * Strings handed out in structs are copies owned by the struct (free
 * with the matching _reset function).  Dates are "YYYY-MM-DD",
 * timestamps "YYYY-MM-DDTHH:MM:SSZ".
 */
#ifndef TB_STORE_H
#define TB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "fault.h"
#include "util.h"

#define STORE_SCHEMA_VERSION 7

/* Results of lookups and inserts that the caller must tell apart. */
enum {
	STORE_OK = 0,
	STORE_ERROR = -1,
	STORE_NOT_FOUND = 1,	/* no such partner/contact */
	STORE_EXISTS = 2	/* a unique key is taken */
};

struct store;

struct partner {
	long	 id;
	char	*key;
	char	*name;
	char	*owner_email;
	char	*owner_name;		/* may be NULL */
	char	*sponsor_email;		/* may be NULL */
	char	*sponsor_name;		/* may be NULL */
	char	*cadence;		/* canonical spec */
	char	*start_date;
	char	*timezone;		/* may be NULL: schedule.timezone */
	char	*tier;			/* may be NULL */
	char	*notes;			/* may be NULL */
	bool	 archived;
	char	*created_at;
	char	*updated_at;
	char	*next_due;		/* may be NULL until computed */
	char	*last_checkin;		/* derived: latest check-in date */
	char	*snooze_until;		/* reminders held until, or NULL */
};

struct contact {
	long	 id;
	long	 partner_id;
	char	*name;
	char	*email;
	char	*role;			/* may be NULL */
	bool	 invite;
	char	*bounced_at;		/* its address bounced for good
					 * then (a timestamp), or NULL */
	char	*bounce_reason;
};

struct checkin {
	long	 id;
	long	 partner_id;
	char	*date;
	char	*note;			/* may be NULL */
	char	*by_email;		/* may be NULL */
	char	*created_at;
};

void partner_reset(struct partner *p);	/* frees strings, zeroes */
/* Deep copies, for keeping a row past the callback that lent it. */
void partner_copy(struct partner *dst, const struct partner *src);
void contact_reset(struct contact *c);
void contact_copy(struct contact *dst, const struct contact *src);
void checkin_reset(struct checkin *c);

enum store_open_mode {
	STORE_EXISTING,		/* must exist at the current schema version */
	STORE_CREATE,		/* create or upgrade (touchbase init) */
	STORE_RAW		/* open as it is, no version checks (tests) */
};

/*
 * Open the database at path with foreign keys on, WAL journaling and a
 * busy timeout.  STORE_EXISTING refuses a missing file ("run touchbase
 * init"), an older schema ("run touchbase init to upgrade") and a newer
 * one ("made by a newer touchbase").  STORE_CREATE creates or upgrades
 * and stores the versions before and after in *from and *to (either may
 * be NULL).  Both refuse an SQLite file that holds something else.
 * Returns 0 or -1 with *err naming path and what is wrong in the user's
 * words, and *fault (when fault is not NULL) set to the cause:
 * FAULT_LOCKED, FAULT_IO, FAULT_NOPERM, FAULT_NOTDB (not SQLite, another
 * program's or another version's schema), FAULT_MISSING (no file, or for
 * STORE_CREATE no directory) or FAULT_INTERNAL.  Free with store_close.
 */
int store_open(const char *path, enum store_open_mode mode, struct store **out,
    int *from, int *to, enum fault *fault, char **err);
void store_close(struct store *s);		/* NULL ok */

/* The cause of the last failure of an operation on s (the *err it
 * returned says the same in words); FAULT_NONE when none failed. */
enum fault store_fault(const struct store *s);

/* Apply migrations up to `version` only (tests build old databases). */
int store_migrate_to(struct store *s, int version, char **err);
int store_schema_version(struct store *s, int *version, char **err);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK; nested calls use
 * savepoints, so a core function may wrap its writes whether or not its
 * caller already holds a transaction. */
int store_begin(struct store *s, char **err);
int store_commit(struct store *s, char **err);
void store_rollback(struct store *s);
/*
 * store_begin for a transaction whose commit does not wait for the disk
 * (synchronous = NORMAL until it ends; every other commit is FULL): it
 * survives the process dying at any point, but a power failure or an
 * operating system crash can lose it, and only it and later ones (the
 * write-ahead log is replayed in order).  For writes whose loss only
 * repeats work.  Nested in another transaction, it is store_begin.
 */
int store_begin_unsynced(struct store *s, char **err);
/*
 * A bulk load into table, inside the current transaction: its indexes
 * that enforce no constraint are dropped until store_bulk_end (or the
 * commit of that transaction) makes them again, one sort each, instead
 * of an index page written per row in random order once an index
 * outgrows the cache.  A rollback brings them back as they were.
 * Returns 0 or -1 with *err.
 */
int store_bulk_begin(struct store *s, const char *table, char **err);
int store_bulk_end(struct store *s, char **err);
/*
 * A transaction that only reads: one snapshot of the book for every
 * statement until store_commit, without holding off writers (WAL).
 * Nested in another transaction, it is store_begin.
 */
int store_begin_read(struct store *s, char **err);

/* Partners.  add fills p->id; STORE_EXISTS when the key is taken. */
int store_partner_add(struct store *s, struct partner *p, const char *now,
    char **err);
/* Update every column of p (found by p->id) except created_at. */
int store_partner_update(struct store *s, const struct partner *p,
    const char *now, char **err);
/* STORE_NOT_FOUND when there is no such key. */
int store_partner_get(struct store *s, const char *key, struct partner *out,
    char **err);
int store_partner_remove(struct store *s, long id, char **err);
int store_partner_set_next_due(struct store *s, long id, const char *next_due,
    char **err);

/* Call fn for each partner in key order (archived ones when asked);
 * fn returns non-zero to stop, which is then returned. */
typedef int (*store_partner_fn)(const struct partner *p, void *arg);
int store_partner_foreach(struct store *s, bool include_archived,
    store_partner_fn fn, void *arg, char **err);
/* The partners (archived ones when asked) whose name, key or notes, or
 * one of whose contacts' name, email or role, holds text (SQL LIKE: ASCII
 * letter case ignored; text's own % and _ match only themselves), in key
 * order. */
int store_partner_search(struct store *s, const char *text,
    bool include_archived, store_partner_fn fn, void *arg, char **err);
/* Active partners whose next_due <= due_by, in next_due order, through
 * the next_due index. */
int store_partner_foreach_due(struct store *s, const char *due_by,
    store_partner_fn fn, void *arg, char **err);
/* The same partners in no particular order: for a large share of the
 * book (more than an eighth), the table read in its own order, which
 * costs less than the index's random reads and a sort by date. */
int store_partner_foreach_due_any(struct store *s, const char *due_by,
    store_partner_fn fn, void *arg, char **err);
/* Active partners whose next_due is the date due, in key order, through
 * the next_due index.  fn may change their next_due. */
int store_partner_foreach_due_on(struct store *s, const char *due,
    store_partner_fn fn, void *arg, char **err);
int store_partner_count(struct store *s, bool include_archived, long *count,
    char **err);

/*
 * Partners in an order the caller computes: store_order_new starts an
 * empty one (a temporary table, so that a book of any size is sorted on
 * disk, not in memory), store_order_add puts a partner in it under
 * (rank, late), and store_order_foreach hands the partners over by rank,
 * then late, both descending, then key, with what else the row has:
 * whether the partner has any outbox row (outbox) and any calendar answer
 * to its open invite (answers).  store_order_free(NULL) is a no-op.
 * Each returns 0 or -1 with *err; fn as for store_partner_foreach.
 */
struct store_order;
typedef int (*store_order_fn)(const struct partner *p, bool outbox,
    bool answers, void *arg);
int store_order_new(struct store *s, struct store_order **out, char **err);
int store_order_add(struct store_order *o, long partner_id, int rank,
    long late, char **err);
int store_order_foreach(struct store_order *o, store_order_fn fn, void *arg,
    char **err);
void store_order_free(struct store_order *o);
/* Active partners whose owner is owner (case aside), in key order. */
int store_partner_foreach_owner(struct store *s, const char *owner,
    store_partner_fn fn, void *arg, char **err);
/* The owners of active partners, each once (case aside) as the partner
 * first in key order writes it, read from the owner index alone; in no
 * set order.  *owners (free with strv_free) holds *n. */
int store_owners_list(struct store *s, char ***owners, size_t *n,
    char **err);

/* Contacts of one partner; STORE_EXISTS for a duplicate email. */
int store_contact_add(struct store *s, struct contact *c, char **err);
int store_contact_remove(struct store *s, long partner_id, const char *email,
    char **err);
/* Change a contact's name and role (NULL: unchanged; role "": none) and
 * invite flag (-1: unchanged); STORE_NOT_FOUND when there is none. */
int store_contact_update(struct store *s, long partner_id, const char *email,
    const char *name, const char *role, int invite, char **err);
typedef int (*store_contact_fn)(const struct contact *c, void *arg);
int store_contact_foreach(struct store *s, long partner_id,
    store_contact_fn fn, void *arg, char **err);

/* Check-ins, newest first; limit <= 0 for all. */
int store_checkin_add(struct store *s, struct checkin *c, const char *now,
    char **err);
typedef int (*store_checkin_fn)(const struct checkin *c, void *arg);
int store_checkin_foreach(struct store *s, long partner_id, int limit,
    store_checkin_fn fn, void *arg, char **err);

/*
 * Invites: one per check-in meeting put on calendars, named by its UID
 * (the partner and the due date it was first planned for).  It records
 * the meeting as last planned (date, time, zone, SEQUENCE, attendees) so
 * that updates and cancels are computed from what was sent, and keeps
 * the partner's names so a cancel can be written after the partner is
 * removed.  status: open (the meeting may still change), closed (done,
 * cancelled, or its check-in logged).
 */
struct invite_rec {
	char	*uid;
	long	 partner_id;		/* 0 when the partner is gone */
	char	*partner_key;
	char	*partner_name;
	char	*owner_name;		/* may be NULL */
	char	*owner_email;
	char	*occurrence;		/* the due date the UID names */
	char	*meeting_date;		/* YYYY-MM-DD, local */
	char	*meeting_time;		/* HH:MM, local */
	char	*meeting_tz;
	int	 sequence;
	char	*attendees;		/* JSON array of emails */
	long	 checkin_id;		/* the partner's latest check-in when
					 * planned (0: none); a later one
					 * closes the invite */
	char	*status;		/* open, closed */
	char	*created_at;
	char	*updated_at;
};
void invite_rec_reset(struct invite_rec *r);

/* Insert; STORE_EXISTS when the UID is taken. */
int store_invite_add(struct store *s, const struct invite_rec *r,
    const char *now, char **err);
/* Write back every field of r but uid, partner_key and created_at
 * (partner_id too: a partner removed and added again under its key). */
int store_invite_update(struct store *s, const struct invite_rec *r,
    const char *now, char **err);
/* STORE_NOT_FOUND when there is none. */
int store_invite_get(struct store *s, const char *uid, struct invite_rec *out,
    char **err);
/* The partner's open invite (the newest, should there be more). */
int store_invite_get_open(struct store *s, long partner_id,
    struct invite_rec *out, char **err);
typedef int (*store_invite_fn)(const struct invite_rec *r, void *arg);
/* The open invites stored after row *after, oldest first, at most limit
 * (limit < 0: all); *after becomes the last one's row. */
int store_invite_foreach_open(struct store *s, long *after, long limit,
    store_invite_fn fn, void *arg, char **err);
/* The id of the partner's latest check-in (by id), 0 when none. */
int store_checkin_latest_id(struct store *s, long partner_id, long *id,
    char **err);

/*
 * What comes back.  A calendar answer: the latest of each attendee per
 * invite UID (partstat ACCEPTED, TENTATIVE, DECLINED, ...).
 */
struct reply_rec {
	char	*uid;
	char	*attendee;
	char	*partstat;
	int	 sequence;
	char	*dtstamp;		/* timestamp, or NULL */
	char	*comment;		/* may be NULL */
	char	*received_at;
};
void reply_rec_reset(struct reply_rec *r);
/* STORE_NOT_FOUND when the attendee has not answered uid. */
int store_reply_get(struct store *s, const char *uid, const char *attendee,
    struct reply_rec *out, char **err);
/* Insert or replace the attendee's answer. */
int store_reply_put(struct store *s, const struct reply_rec *r, char **err);
typedef int (*store_reply_fn)(const struct reply_rec *r, void *arg);
/* The answers to the invites of a partner (by its id), newest first. */
int store_reply_foreach_partner(struct store *s, long partner_id,
    store_reply_fn fn, void *arg, char **err);

/* An inbound message processed: its key (its Message-ID, or a hash of
 * it), what it was and what was done. */
struct inbound_rec {
	char	*key;
	char	*received_at;
	char	*kind;
	char	*sender;		/* may be NULL */
	char	*partner_key;		/* may be NULL */
	char	*outcome;		/* e.g. "checked in", "ignored" */
	char	*detail;		/* why, may be NULL */
};
/* Whether key was processed already: 0 with *seen. */
int store_inbound_seen(struct store *s, const char *key, bool *seen,
    char **err);
int store_inbound_add(struct store *s, const struct inbound_rec *r,
    char **err);

/* Hold a partner's reminders until date (NULL: no longer). */
int store_partner_set_snooze(struct store *s, long partner_id,
    const char *date, char **err);
/* Mark a contact's address as bounced for good (when NULL: clear it). */
int store_contact_set_bounced(struct store *s, long partner_id,
    const char *email, const char *when, const char *reason, char **err);

/* A named value the program keeps; STORE_NOT_FOUND (and *value NULL)
 * when unset.  The caller frees *value. */
int store_setting_get(struct store *s, const char *name, char **value,
    char **err);
int store_setting_set(struct store *s, const char *name, const char *value,
    char **err);

/*
 * JSON through SQLite's json_object(): one object from fields, appended
 * to out.  JSON_RAW values must be valid JSON already (they are checked
 * with json()).
 */
enum json_type { JSON_TEXT, JSON_INT, JSON_BOOL, JSON_NULL, JSON_RAW };
struct json_field {
	const char	*name;
	enum json_type	 type;
	const char	*text;		/* JSON_TEXT (NULL -> null), JSON_RAW */
	long		 num;		/* JSON_INT, JSON_BOOL */
};
int store_json_object(struct store *s, const struct json_field *fields,
    size_t n, struct buf *out, char **err);

/* A JSON array of the n strings, appended to out. */
int store_json_array(struct store *s, const char *const *items, size_t n,
    struct buf *out, char **err);

/* The strings of a JSON array (e.g. outbox attendees), allocated; free
 * each and the array.  Non-string items are skipped. */
int store_json_strings(struct store *s, const char *json, char ***items,
    size_t *n, char **err);

#endif
