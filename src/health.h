/*
 * health.h: where every active partnership stands on a day, most urgent
 * first: the one view that status, the digest and the report share.
 */
#ifndef TB_HEALTH_H
#define TB_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "book.h"
#include "state.h"

struct health_row {
	struct partner		 p;		/* a copy */
	enum partner_state	 state;
	struct tb_date		 today;		/* the partner's local date */
	long			 late;		/* days past due; negative:
						 * days until; 0 unscheduled */
	long			 days_since;	/* since the last check-in (or
						 * the start when none); -1
						 * when in the future */
	long			 period_days;	/* the cadence's length */
	long			 undelivered;	/* outbox rows not sent */
	bool			 snoozed;	/* held until p.snooze_until */
	char			*answers;	/* "Maria Gómez accepted", or
						 * NULL: no answer yet */
	char			*cadence;	/* described: "every month" */
};

struct health {
	struct health_row	*rows;
	size_t			 nrows;
};

/*
 * Hand fn each active partner's row (only those of owner, when not NULL)
 * at now, most urgent first: escalated, overdue, due, ok, unscheduled;
 * then the most days past due; then key.  The rows are sorted on disk
 * and made one at a time, so memory stays flat at any size of book; fn
 * borrows each row for the call and returns non-zero to stop, which is
 * returned.  Returns 0 or -1 with *err.
 */
typedef int (*health_fn)(const struct health_row *row, void *arg);
int health_foreach(struct book *b, time_t now, const char *owner,
    health_fn fn, void *arg, char **err);

/*
 * Gather every active partner (only those of owner, when not NULL) at
 * now, in health_foreach's order, in memory:
 * for a small book's views.  Returns 0 or -1 with *err.  Free with
 * health_reset.
 */
int health_load(struct book *b, time_t now, const char *owner,
    struct health *out, char **err);
void health_reset(struct health *h);

/*
 * The answers to p's current invite, one phrase each joined by ", "
 * ("Maria Gómez accepted, Tom Park declined"), into *text (NULL when
 * there is no open invite or no answer yet; caller frees).  Returns 0 or
 * -1 with *err.
 */
int health_answers(struct book *b, const struct partner *p, char **text,
    char **err);

/* "accepted", "declined", "accepted tentatively", "delegated" for an
 * iTIP PARTSTAT; NULL for one that answers nothing (NEEDS-ACTION). */
const char *health_partstat_verb(const char *partstat);

/* One owner's partners counted by state (indexed by enum
 * partner_state); name: the first given for the address, or NULL. */
struct health_owner {
	char	*email;
	char	*name;
	long	 n[STATE_UNSCHEDULED + 1];
	long	 total;
};

/* Owners told apart by email (case aside), sorted by it. */
struct health_owners {
	struct health_owner	*v;
	size_t			 n;
};

/* Count row under its owner (added when new, found by binary search so
 * that thousands of owners cost n log n); returns that owner's entry,
 * valid until the next call.  Free with health_owners_reset. */
struct health_owner *health_owners_add(struct health_owners *o,
    const struct health_row *row);
void health_owners_reset(struct health_owners *o);

/* Counts per state, indexed by enum partner_state. */
void health_count(const struct health *h, long counts[STATE_UNSCHEDULED + 1]);

#endif
