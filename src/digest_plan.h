/*
 * digest_plan.h: planning the digests into the outbox.
 *
 * Outbox messages of kind digest: partner_key "all" (every partner, to
 * digest.to) or "owner" (the recipient's own partners), occurrence the
 * ISO week ("2026-W48") for the weekly one, or a timestamp for one sent
 * by hand (digest --send).
 */
#ifndef TB_DIGEST_PLAN_H
#define TB_DIGEST_PLAN_H

#include <stdbool.h>
#include <time.h>

#include "book.h"

/*
 * Plan the digest rows due at now into the outbox (inside the caller's
 * transaction or its own): the weekly ones when today, in
 * schedule.timezone, is digest.weekday or later in an ISO week that has
 * none yet (so a missed run sends it the next day, never twice); with
 * force, one now whatever the day (occurrence: now's timestamp).  Rows
 * go to digest.to (scope all) and, with digest.owners, to each owner of
 * an active partner (scope owner).  Adds the rows inserted to *planned.
 * Returns 0 or -1 with *err.
 */
int digest_plan(struct book *b, time_t now, bool force, long *planned,
    char **err);

/*
 * Plan one digest of owner's partners, to owner, now (digest --send
 * --owner), whatever digest.to and digest.owners say; occurrence: now's
 * timestamp.  BOOK_NOT_FOUND with *err when owner (an email, any case)
 * owns no active partner.  Adds the row inserted to *planned.
 * Returns 0 or -1 with *err.
 */
int digest_plan_owner(struct book *b, time_t now, const char *owner,
    long *planned, char **err);

#endif
