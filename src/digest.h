/*
 * digest.h: the leadership digest: every active partnership grouped by
 * state (escalated, overdue, due this week, healthy), with owner, last
 * check-in and days since; once per ISO week on digest.weekday to
 * digest.to, and with digest.owners = yes one per owner of only their
 * partners.
 *
 * This is the view (what a digest shows); digest_plan.h plans them.
 */
#ifndef TB_DIGEST_H
#define TB_DIGEST_H

#include <stdbool.h>
#include <time.h>

#include "book.h"
#include "template.h"

/*
 * The template context of a digest at now (the variables of
 * touchbase-templates(5) for digest: today, today_long, week, scope,
 * counts.*, and the lists escalated, overdue, due, healthy), for every
 * active partner, or only those owned by owner (an email, any case) when
 * not NULL.  healthy holds the partners that are ok and those with
 * nothing scheduled; in an item, last_checkin and days_since are null
 * when there has been no check-in, next_due when nothing is scheduled.
 * The caller adds org and recipient.  Returns 0 or -1 with *err; free
 * *out with tvalue_free.
 */
int digest_context(struct book *b, time_t now, const char *owner,
    struct tvalue **out, char **err);

/*
 * Whether owner (an email, any case) owns an active partner: 0, or
 * BOOK_NOT_FOUND with *err naming the address, or -1 with *err.
 */
int digest_check_owner(struct book *b, const char *owner, char **err);

/* "YYYY-Www", the ISO 8601 week of d (its week-numbering year, which
 * differs from d's own around New Year), into out (9 bytes).  Returns
 * out. */
char *digest_iso_week(struct tb_date d, char out[9]);

/*
 * The owner's address as the book spells it into *email and the first
 * name given for it into *name (name may be NULL); each NULL when none
 * (*email NULL: owner has no active partner).  Caller frees.  Returns 0
 * or -1 with *err.
 */
int digest_owner(struct book *b, const char *owner, char **email,
    char **name, char **err);

#endif
