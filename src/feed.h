/*
 * feed.h: an iCalendar feed (METHOD:PUBLISH) of upcoming check-ins for
 * calendar subscription, with the same UIDs as the invites.
 */
#ifndef TB_FEED_H
#define TB_FEED_H

#include <time.h>

#include "book.h"

/*
 * The feed at now of every active partner (or only key, when not NULL)
 * with a check-in due within days days.  Returns the VCALENDAR text
 * (CRLF; caller frees), or NULL with *err (BOOK_NOT_FOUND for an
 * unknown key is reported through *status when status is not NULL).
 */
char *feed_build(struct book *b, const char *key, int days, time_t now,
    int *status, char **err);

#endif
