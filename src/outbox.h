/*
 * outbox.h: the typed message queue, touchbase's promise that nothing is
 * lost and nothing is sent twice.
 *
 * One record, struct outbox_msg, for every message to one recipient.
 * outbox_msg_init() is the only way a message is created: it mints the
 * Message-ID (opaque, at the configured domain; it names neither the
 * partner nor the kind), which stays the same for every attempt, so a
 * resend after a crash is recognized by mail and calendar clients.
 * outbox_add() stores a message unless one with the same (partner, kind,
 * occurrence, recipient, sequence) exists, which makes planning
 * idempotent.
 *
 * States and the only transitions allowed (outbox_move refuses others):
 *
 *   pending  -> sending | failed | skipped
 *   sending  -> sent | deferred | failed | skipped | sending (a run died
 *               mid-send: sent again, same Message-ID)
 *   deferred -> sending | failed | skipped | pending (retry)
 *   failed   -> pending (retry) | skipped (discard)
 *   sent     -> bounced (a bounce came back for it)
 *   bounced, skipped: final
 *
 * The store keeps the rows (store_outbox.c, private to this module); it is
 * the only place where their text meets these types.
 */
#ifndef TB_OUTBOX_H
#define TB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "date.h"
#include "token.h"
#include "util.h"

struct store;

enum outbox_kind {
	OUTBOX_REMINDER,	/* to the owner, with the invite */
	OUTBOX_INVITATION,	/* to an invited partner contact */
	OUTBOX_OVERDUE,		/* to the owner */
	OUTBOX_ESCALATION,	/* to the sponsor, owner in Cc */
	OUTBOX_CANCEL,		/* METHOD:CANCEL of an invite */
	OUTBOX_UPDATE,		/* METHOD:REQUEST, a moved meeting */
	OUTBOX_DIGEST,		/* the leadership or an owner's digest */
	OUTBOX_DECLINED,	/* to the owner: a contact declined */
	OUTBOX_COUNTER,		/* to the owner: a contact proposed a time */
	OUTBOX_CONFIRMATION	/* to an owner: their emailed command */
};
#define OUTBOX_NKINDS (OUTBOX_CONFIRMATION + 1)

enum outbox_state {
	OUTBOX_PENDING,
	OUTBOX_SENDING,
	OUTBOX_SENT,
	OUTBOX_DEFERRED,
	OUTBOX_FAILED,
	OUTBOX_SKIPPED,
	OUTBOX_BOUNCED		/* sent, then returned by a bounce */
};
#define OUTBOX_NSTATES (OUTBOX_BOUNCED + 1)

/* The names used in the database, on the command line and in JSON. */
const char *outbox_kind_name(enum outbox_kind kind);
const char *outbox_state_name(enum outbox_state state);
/* Parse a name; -1 (with *err naming the choices) when unknown. */
int outbox_kind_parse(const char *name, enum outbox_kind *kind, char **err);
int outbox_state_parse(const char *name, enum outbox_state *state,
    char **err);
/* True for the kinds that carry an invite (a text/calendar part). */
bool outbox_kind_has_invite(enum outbox_kind kind);
/* True when from -> to is one of the transitions above. */
bool outbox_can_move(enum outbox_state from, enum outbox_state to);

/* The meeting an invite-carrying message puts on calendars. */
struct outbox_meeting {
	bool		 set;
	struct tb_date	 date;		/* local date */
	int		 hour;		/* local time */
	int		 minute;
	char		*tz;		/* IANA zone */
};

struct outbox_msg {
	long			 id;		/* 0 until stored */
	long			 partner_id;	/* 0: a digest, or the
						 * partner is gone */
	char			*partner_key;	/* a digest: "all", "owner" */
	enum outbox_kind	 kind;
	char			*occurrence;	/* the due date (YYYY-MM-DD)
						 * it is about; a digest: its
						 * ISO week or timestamp */
	char			*recipient;	/* an email address */
	enum outbox_state	 state;
	char			*message_id;	/* without <>, fixed at
						 * creation */
	char			*uid;		/* the invite's UID, or NULL */
	int			 sequence;
	char			**attendees;	/* the invite's, or NULL */
	size_t			 nattendees;
	struct outbox_meeting	 meeting;
	int			 attempts;
	time_t			 next_attempt;	/* deferred: when; else 0 */
	char			*last_error;	/* may be NULL */
	char			*reply;		/* the server's last reply */
	time_t			 created_at;
	time_t			 queued_at;	/* planned, or retried last:
						 * retry_max_hours counts
						 * from here */
	time_t			 sent_at;	/* 0 until sent */
	char			*detail;	/* a notice's or confirmation's
						 * text; a bounce's reason */
};

/*
 * What one envelope recipient of a message with a Cc answered, recorded
 * when the message is sent (struct transport_rcpt).  The message's state
 * is its To's; a Cc refused while the To took the message keeps a state
 * of its own here, with the message's transitions (outbox_can_move), the
 * first record counting as a move from sending: deferred (4xx, retried
 * alone with the same Message-ID and content), failed (5xx, or retried
 * for retry_max_hours), sent; pending when retried by hand, skipped when
 * discarded or no longer due.
 */
enum outbox_role {
	OUTBOX_ROLE_TO,
	OUTBOX_ROLE_CC
};

struct outbox_rcpt {
	long			 outbox_id;
	char			*address;
	enum outbox_role	 role;
	enum outbox_state	 state;
	int			 attempts;
	time_t			 next_attempt;	/* deferred: when; else 0 */
	time_t			 queued_at;	/* retry_max_hours counts from
						 * here */
	char			*reply;		/* the last reply or reason */
};

/* "to", "cc": in the database and in JSON. */
const char *outbox_role_name(enum outbox_role role);
int outbox_role_parse(const char *name, enum outbox_role *role, char **err);
void outbox_rcpt_reset(struct outbox_rcpt *r);	/* frees, zeroes */
void outbox_rcpt_copy(struct outbox_rcpt *dst, const struct outbox_rcpt *src);
void outbox_rcpts_free(struct outbox_rcpt *v, size_t n);

/*
 * Record what a send of m did to recipient r (r->outbox_id, address,
 * role, state: sent, deferred or failed, reply, next_attempt); attempts
 * and queued_at are m's.  Replaces an earlier record of the address (m
 * was sent again as a whole).  Returns 0 or -1 with *err.
 */
int outbox_rcpt_record(struct store *s, const struct outbox_msg *m,
    struct outbox_rcpt *r, time_t now, char **err);
/* Move r to `to` as outbox_move moves a message (reply replaces r's when
 * not NULL; sending counts an attempt; pending queues it anew).  Returns
 * 0 or -1 with *err. */
int outbox_rcpt_move(struct store *s, struct outbox_rcpt *r,
    enum outbox_state to, const char *reply, time_t now, char **err);
/* m's recorded recipients, To first; *v NULL and *n 0 when none. */
int outbox_rcpt_list(struct store *s, long outbox_id, struct outbox_rcpt **v,
    size_t *n, char **err);

typedef int (*outbox_rcpt_fn)(const struct outbox_msg *m,
    const struct outbox_rcpt *r, void *arg);
/* Recipients to send alone at now, with their message: those pending,
 * sending (a run died mid-send) or deferred until now, of a message
 * that went to its To (sent or bounced); oldest first. */
int outbox_rcpt_foreach_ready(struct store *s, time_t now, outbox_rcpt_fn fn,
    void *arg, char **err);

/*
 * What became of m's Cc recipients, for a listing: "Cc ADDR refused:
 * REPLY" (failed), "Cc ADDR pending retry[: REPLY]" (pending, sending,
 * deferred), "Cc ADDR discarded[: REASON]" (skipped), "Cc ADDR sent on
 * retry" (sent after more attempts than m), joined by "; ".  *note is
 * NULL when there is nothing to say.  Returns 0 or -1 with *err.
 */
int outbox_rcpt_note(struct store *s, const struct outbox_msg *m,
    char **note, char **err);

/* The domain of smtp.from, for Message-IDs and UIDs.  Caller frees. */
char *outbox_domain(const struct config *cfg);

/* What minting Message-IDs takes: the domain and the reply key. */
struct outbox_ids {
	char			*domain;
	struct token_key	 key;
	bool			 counting; /* outbox_count_begin's: none minted */
};
/* Load them (the key from the database).  Returns 0 or -1 with *err;
 * reset with outbox_ids_reset. */
int outbox_ids_load(struct store *s, const struct config *cfg,
    struct outbox_ids *ids, char **err);
void outbox_ids_reset(struct outbox_ids *ids);

/*
 * A new pending message (all strings copied) with a freshly minted
 * Message-ID: a reply token for the recipient (token.h) at the domain.
 * Free with outbox_msg_reset.
 */
void outbox_msg_init(struct outbox_msg *m, enum outbox_kind kind,
    long partner_id, const char *partner_key, const char *occurrence,
    const char *recipient, const struct outbox_ids *ids);
/* Give m the invite it carries: uid, sequence, attendees (copied) and
 * meeting (copied; NULL for none). */
void outbox_msg_set_invite(struct outbox_msg *m, const char *uid,
    int sequence, const char *const *attendees, size_t nattendees,
    const struct outbox_meeting *meeting);
void outbox_msg_reset(struct outbox_msg *m);	/* frees, zeroes */
void outbox_msg_copy(struct outbox_msg *dst, const struct outbox_msg *src);
void outbox_meeting_copy(struct outbox_meeting *dst,
    const struct outbox_meeting *src);
void outbox_meeting_reset(struct outbox_meeting *m);

/*
 * Store m (pending) unless a message with the same (partner, kind,
 * occurrence, recipient, sequence) exists; *added says which, and m->id
 * is set when added.  Returns 0 or -1 with *err.
 */
int outbox_add(struct store *s, struct outbox_msg *m, time_t now,
    bool *added, char **err);

/*
 * Move m to state `to` at now and store it (state, attempts, next
 * attempt, last error, reply; sent_at for sent), in its own commit when
 * no transaction is open.  error and reply replace m's when not NULL
 * (a move to sent clears the last error; to pending, a retry, queues it
 * anew: no next attempt, attempts 0, queued_at now; to deferred, the
 * caller sets m->next_attempt first).
 * An illegal transition is refused (-1, *err names both states) and
 * nothing changes.  Returns 0 or -1 with *err.
 */
int outbox_move(struct store *s, struct outbox_msg *m, enum outbox_state to,
    const char *error, const char *reply, time_t now, char **err);

/*
 * Retry: a failed or deferred message back to pending, sent by the next
 * run with its Message-ID and invite UID.  Discard: a message not yet
 * sent (pending, deferred, failed) settled as skipped, never sent.  On a
 * sent message they act on its Cc recipients that did not get it
 * instead: retry queues the failed and deferred ones again (alone, as
 * the next run sends them), discard settles the pending, deferred and
 * failed ones as skipped.  Anything else is refused (-1, *err says
 * why).  Returns 0 or -1 with *err.
 */
int outbox_retry(struct store *s, struct outbox_msg *m, time_t now,
    char **err);
int outbox_discard(struct store *s, struct outbox_msg *m, time_t now,
    char **err);

/*
 * m as one JSON object appended to out: id, partner, kind, occurrence,
 * recipient, state, message_id, uid, sequence, attendees, attempts,
 * created_at, queued_at, sent_at, next_attempt, last_error, reply,
 * detail, recipients (what each envelope recipient answered, as
 * outbox_rcpt_list has them: address, role, state, attempts,
 * next_attempt, reply; [] when none was recorded) (times as
 * YYYY-MM-DDTHH:MM:SSZ or null).  Returns 0 or -1 with *err.
 */
int outbox_json(struct store *s, const struct outbox_msg *m,
    struct buf *out, char **err);

/* One message by id; STORE_NOT_FOUND (1) when there is none. */
int outbox_get(struct store *s, long id, struct outbox_msg *out, char **err);
/* One message by its Message-ID (without <>, any case of the domain);
 * STORE_NOT_FOUND (1) when it is not ours. */
int outbox_find(struct store *s, const char *message_id,
    struct outbox_msg *out, char **err);

typedef int (*outbox_fn)(const struct outbox_msg *m, void *arg);

/*
 * Count instead of store, until outbox_count_end: outbox_add hands each
 * message it would have added (none with the same key exists) to fn and
 * stores nothing, and the messages made meanwhile carry no minted
 * Message-ID.  What a forecast needs: planning a large book as if to
 * send it, at the cost of reading it.  A message that planning would
 * add twice in one run (it makes none) would be counted twice.
 */
void outbox_count_begin(struct store *s, outbox_fn fn, void *arg);
void outbox_count_end(struct store *s);

/* Messages to deliver at now: pending, sending (a run died mid-send) and
 * deferred ones whose next attempt has come; oldest first, those with an
 * id above `after` only, at most limit of them (limit < 0: all).  fn
 * returns non-zero to stop, which is then returned. */
int outbox_foreach_ready(struct store *s, time_t now, long after, long limit,
    outbox_fn fn, void *arg, char **err);

/* What `touchbase outbox` lists.  Fields left 0/NULL do not filter. */
struct outbox_filter {
	const char	*partner_key;
	bool		 any_state;	/* false: only `state` */
	enum outbox_state state;
	time_t		 since;		/* created at or after; 0: any */
	bool		 undelivered;	/* pending, sending, deferred,
					 * failed, or with such a Cc */
	bool		 cc_failed;	/* these two: only sent messages */
	bool		 cc_deferred;	/* with a Cc failed, deferred */
};
/* Messages matching f, oldest first. */
int outbox_foreach(struct store *s, const struct outbox_filter *f,
    outbox_fn fn, void *arg, char **err);
/* Messages of one partner not yet sent (pending, sending, deferred,
 * failed), or sent with a Cc that has not got it. */
int outbox_undelivered_count(struct store *s, long partner_id, long *count,
    char **err);

/*
 * The recipients who may hold invite uid: those with a message about it
 * that was sent or may have been (sent, sending) and, when pending, also
 * those still on their way (pending, deferred); not those whose latest
 * message about it is a cancel.  Each address once, in the order first
 * planned; free with strv_free.
 */
int outbox_invite_recipients(struct store *s, const char *uid, bool pending,
    char ***emails, size_t *n, char **err);
/* The highest sequence planned for uid to recipient (-1 when none). */
int outbox_invite_sequence(struct store *s, const char *uid,
    const char *recipient, int *sequence, char **err);
/* The latest message about uid to recipient that was sent with a
 * sequence below `below`: what that recipient's calendar holds.
 * STORE_NOT_FOUND (1) when none.  Reset out with outbox_msg_reset. */
int outbox_invite_sent(struct store *s, const char *uid,
    const char *recipient, int below, struct outbox_msg *out, char **err);

#endif
