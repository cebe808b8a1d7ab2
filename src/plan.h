/*
 * plan.h: decide what is due and write it to the outbox.
 *
 * Per partner and due occurrence (DESIGN.md, "What a run sends"), at the
 * partner's local date T with due date D:
 *   D - lead_days <= T < D + grace_days   reminder to the owner, and an
 *                                         invitation to each invited
 *                                         contact while T <= D
 *   T >= D + grace_days                   overdue to the owner (until
 *                                         escalation, when there is a
 *                                         sponsor)
 *   T >= D + escalate_after_days          escalation to the sponsor
 * (with digest.owners, no reminder or overdue to the owner).  Before that,
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

struct plan_stats {
	long	partners;	/* partners looked at (due or nearly) */
	long	planned;	/* outbox rows inserted */
};

/* Plan at `now` in one transaction.  Returns 0 or -1 with *err. */
int plan_run(struct book *b, time_t now, struct plan_stats *stats,
    char **err);

/* The domain of smtp.from, for Message-IDs and UIDs.  Caller frees. */
char *plan_domain(const struct config *cfg);

/* A new Message-ID (without <>) for a row.  Caller frees. */
char *plan_message_id(const char *kind, const char *key,
    const char *occurrence, const char *domain);

/*
 * Fill *row as planning would for partner p's next occurrence and KIND
 * (reminder, invitation, overdue, escalation), without storing it: what
 * preview shows.  Free with outbox_row_reset.  Returns 0 or -1 with *err.
 */
int plan_preview_row(struct book *b, const struct partner *p,
    const char *kind, time_t now, struct outbox_row *row, char **err);

/* The kind planning would send p at now (reminder when not yet due). */
const char *plan_kind_now(struct book *b, const struct partner *p,
    time_t now);

#endif
