/*
 * feed.h: an iCalendar feed (METHOD:PUBLISH) of upcoming check-ins for
 * calendar subscription, with the same UIDs as the invites.
 *
 * Each event is the meeting run's invite puts (or would put) on the
 * owner's calendar for the partner's next check-in: the open invite's
 * UID, SEQUENCE, date, time and zone when there is one, else the UID and
 * meeting a reminder planned today would carry.  A calendar that holds
 * both the invite and the subscription sees one meeting, not two.
 */
#ifndef TB_FEED_H
#define TB_FEED_H

#include <stddef.h>
#include <time.h>

#include "book.h"

#define FEED_DAYS_DEFAULT	60
#define FEED_DAYS_MAX		3660	/* ten years */

/* Which check-ins a feed holds. */
struct feed_filter {
	const char	*key;		/* only this partner; NULL: all */
	const char	*owner;		/* only partners this email owns
					 * (any case); NULL: all */
	int		 days;		/* due within this many days of the
					 * partner's local today, 1 to
					 * FEED_DAYS_MAX; overdue ones always */
};

/*
 * The feed at now (DTSTAMP = now, so the same now gives the same text)
 * of every active partner that f lets through, by due date.  Each
 * event is titled "Check-in: NAME" ("Overdue: " or "Escalated: " in
 * front when so), describes the partnership's state, has smtp.from as
 * ORGANIZER, no attendees (RFC 5546 section 3.2.1) and a VALARM
 * schedule.lead_days before (none when lead_days is 0: the organization
 * asked for no notice ahead).  An archived KEY gives an empty feed.
 *
 * The VCALENDAR (CRLF) goes to write in pieces as it is made, the
 * memory it takes bounded whatever the size of the book (a write that
 * fails returns non-zero, and the feed stops).  Returns BOOK_OK with the
 * number of events in *nevents (when not NULL); or
 * BOOK_NOT_FOUND (no partner KEY), BOOK_INVALID (days out of range, an
 * owner that is not an email address) or BOOK_ERROR, with *err.
 */
typedef int (*feed_write_fn)(const char *text, size_t len, void *arg);
int feed_write(struct book *b, const struct feed_filter *f, time_t now,
    feed_write_fn write, void *arg, size_t *nevents, char **err);

#endif
