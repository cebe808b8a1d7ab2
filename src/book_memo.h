/*
 * book_memo.h: what a book works out once and then reuses: which time
 * zones are known and their local date at an instant, and cadences
 * parsed.  A book's partners share a handful of each, and libical takes
 * long over both (looking a zone up by name, expanding an RRULE): an
 * import of a million partners asks the same questions a million times.
 * Only good answers are kept, at most BOOK_MEMO_MAX of each kind; every
 * function also works with a NULL memo, asking afresh.
 */
#ifndef TB_BOOK_MEMO_H
#define TB_BOOK_MEMO_H

#include <stdbool.h>
#include <time.h>

#include "cadence.h"
#include "date.h"

#define BOOK_MEMO_MAX 32

struct book_memo;

struct book_memo *book_memo_new(void);
void book_memo_free(struct book_memo *m);	/* NULL ok */

/* tz_valid(tzid), remembered. */
bool book_memo_zone_valid(struct book_memo *m, const char *tzid);

/* tz_local_date(now, tzid, ...), remembered for the last now asked of
 * each zone.  Returns 0 or -1 with *err. */
int book_memo_today(struct book_memo *m, const char *tzid, time_t now,
    struct tb_date *today, char **err);

/* cadence_parse(spec, out, err): *out is the caller's own (free with
 * cadence_reset).  Returns 0 or -1 with *err. */
int book_memo_cadence(struct book_memo *m, const char *spec,
    struct cadence *out, char **err);

#endif
