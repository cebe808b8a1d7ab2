/*
 * lifecycle.h: the life of a check-in invite, planned into the outbox.
 *
 * An invite is created when a partner's check-in comes into its reminder
 * window: a reminder to the owner and an invitation to each invited
 * contact, one UID, SEQUENCE 0.  Each run then reconciles every open
 * invite with the partner book:
 *   - the due date, meeting time or zone moved (cadence edited, holidays
 *     changed): an update (METHOD:REQUEST, same UID, SEQUENCE + 1, the
 *     new times) to everyone the invite went to;
 *   - a check-in was logged, the partner archived or removed, or its
 *     schedule ended, while the meeting is still in the future: a cancel
 *     (METHOD:CANCEL, SEQUENCE + 1, STATUS:CANCELLED, the same attendees)
 *     to everyone who got the invite; the invite is then closed;
 *   - a contact's --invite dropped (or the contact removed): a cancel to
 *     that contact only; a contact newly invited gets the invitation.
 * Each message is an outbox row carrying the UID, SEQUENCE, attendees
 * and meeting it puts on calendars, so later ones are computed from what
 * was sent, and each is planned once.
 */
#ifndef TB_LIFECYCLE_H
#define TB_LIFECYCLE_H

#include <stdbool.h>
#include <time.h>

#include "book.h"
#include "outbox.h"

struct lifecycle {
	struct book	*book;
	time_t		 now;
	char		 now_ts[21];
	const struct outbox_ids *ids;	/* for UIDs and Message-IDs */
	long		 planned;	/* outbox rows inserted */
};

void lifecycle_init(struct lifecycle *lc, struct book *b, time_t now,
    const struct outbox_ids *ids);

/* Reconcile every open invite (see above) with the partners' next_due
 * as stored (book_sync_calendar first, for a changed calendar).  Call
 * inside a transaction, before planning new invites.  Returns 0 or -1
 * with *err. */
int lifecycle_reconcile(struct lifecycle *lc, char **err);

/*
 * Invite to partner p's next check-in, unless it has an open invite
 * already: the reminder to the owner (when to_owner) and invitations to
 * the invited contacts (when to_contacts).  A closed invite of the same
 * occurrence (a partner removed, then added again) is reopened with a
 * higher SEQUENCE.  Returns 0 or -1 with *err.
 */
int lifecycle_invite(struct lifecycle *lc, const struct partner *p,
    bool to_owner, bool to_contacts, char **err);

/*
 * Fill *row as the invite of p's next check-in would carry it to
 * recipient as kind (reminder or invitation): the open invite's UID,
 * SEQUENCE, attendees and meeting when there is one.  For preview; free
 * with outbox_msg_reset.  Returns 0 or -1 with *err.
 */
int lifecycle_preview_row(struct lifecycle *lc, const struct partner *p,
    enum outbox_kind kind, const char *recipient, struct outbox_msg *msg,
    char **err);

/* The contacts of p invited to check-ins (the owner excluded), allocated;
 * free each and the array.  Returns 0 or -1 with *err. */
int lifecycle_invitees(struct book *b, const struct partner *p,
    char ***emails, size_t *n, char **err);

#endif
