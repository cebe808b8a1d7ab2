/*
 * inbox.h: what touchbase does with a message that comes back.
 *
 * A calendar answer (iTIP REPLY) is stored per attendee and invite; a
 * decline or a proposed new time (COUNTER) from a partner contact is
 * passed to the owner in one short message.  An owner's one-line reply
 * (done, snooze, note) to any touchbase message is carried out and
 * confirmed.  A bounce marks the message it reports on as bounced, and a
 * contact whose address bounced for good is left off new invites.
 * Auto-replies are recorded and never acted on or answered.
 *
 * Who may act: a reply acts only when it names one of our Message-IDs
 * (In-Reply-To, References, or a +subaddress) whose reply token was
 * minted for its sender (token.h); a calendar answer also when its
 * sender is an attendee the invite went to.  Everything else is recorded
 * with the reason and never answered.  Each message is processed once
 * (remembered by its Message-ID, or a digest of it), so reading the same
 * mailbox twice changes nothing.
 */
#ifndef TB_INBOX_H
#define TB_INBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "book.h"
#include "outbox.h"

struct inbox {
	struct book		*book;
	struct outbox_ids	 ids;
	time_t			 now;
	long			 planned;	/* messages queued: notices to
						 * owners, confirmations */
};

/* Ready to process messages at now on book.  Returns 0 or -1 with *err;
 * reset with inbox_reset. */
int inbox_init(struct inbox *in, struct book *b, time_t now, char **err);
void inbox_reset(struct inbox *in);

enum inbox_status {
	INBOX_HANDLED = 0,	/* acted on, or deliberately ignored */
	INBOX_SEEN = 1,		/* processed before: nothing done */
	INBOX_UNREADABLE = 2	/* not a mail message: leave it, report it */
};

/* What became of one message, for the one line `inbox` prints. */
struct inbox_report {
	enum inbox_status	 status;
	char			*kind;		/* "calendar answer", "bounce",
						 * "owner's reply", ... */
	char			*sender;	/* may be NULL */
	char			*partner_key;	/* may be NULL */
	char			*outcome;	/* what was done, or why not */
	bool			 acted;
};
void inbox_report_reset(struct inbox_report *r);

/*
 * Process one raw message (len bytes) in its own transaction.  Returns
 * 0 with *res (INBOX_HANDLED, INBOX_SEEN or INBOX_UNREADABLE), or -1
 * with *err when the database failed (nothing was changed: try again
 * later).
 */
int inbox_process(struct inbox *in, const char *raw, size_t len,
    struct inbox_report *res, char **err);

struct inbox_source;

/* One message read from a source: its name there and what became of it
 * (res.status INBOX_UNREADABLE also for one too big to load). */
typedef void (*inbox_event_fn)(const char *id, const struct inbox_report *res,
    void *arg);

struct inbox_stats {
	long	read;
	long	acted;
	long	unreadable;	/* left where they were */
};

/*
 * Process every unread message of src in turn, reporting each to fn,
 * and settle it in the source (read, moved) once it was handled or
 * seen before; an unreadable one stays for the admin to look at.  With
 * dry_run nothing is changed anywhere (the caller holds a transaction
 * it rolls back).  Returns 0; with *err, INBOX_DATABASE when the
 * database failed, INBOX_ERROR (-1) when the source failed, or
 * INBOX_UNAVAILABLE (-2) when its server went away: what was processed
 * stays processed.
 */
#define INBOX_DATABASE (-3)
int inbox_drain(struct inbox *in, struct inbox_source *src, bool dry_run,
    inbox_event_fn fn, void *arg, struct inbox_stats *stats, char **err);

#endif
