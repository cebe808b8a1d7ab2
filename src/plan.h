/*
 * plan.h: decide what is due and write it to the outbox.
 *
 * Per partner and due occurrence, what its stage (state.h) says, at the
 * partner's local date (with digest.owners, no reminder or overdue to the
 * owner).  Before that,
 * next_due follows the business-day calendar (book_sync_calendar) and
 * every open invite is brought up to date with updates and cancels
 * (lifecycle.h); after it, the weekly digests (digest.h).
 * Each row is unique per (partner, kind, occurrence, recipient,
 * sequence), so planning again inserts nothing twice, and a run that was
 * missed for days plans only the stage that is due now.
 */
#ifndef TB_PLAN_H
#define TB_PLAN_H

#include <time.h>

#include "book.h"
#include "outbox.h"

struct plan_stats {
	long	partners;	/* partners looked at (due or nearly) */
	long	planned;	/* outbox rows inserted */
};

/* Plan at `now` in one transaction.  Returns 0 or -1 with *err. */
int plan_run(struct book *b, time_t now, struct plan_stats *stats,
    char **err);

/*
 * Fill *msg as planning would for partner p's next occurrence and kind
 * (reminder, invitation, overdue, escalation), without storing it: what
 * preview shows.  Free with outbox_msg_reset.  Returns 0 or -1 with *err.
 */
int plan_preview_row(struct book *b, const struct partner *p,
    enum outbox_kind kind, time_t now, struct outbox_msg *msg, char **err);

/* The kind planning would send p at now (reminder when not yet due). */
enum outbox_kind plan_kind_now(struct book *b, const struct partner *p,
    time_t now);

#endif
