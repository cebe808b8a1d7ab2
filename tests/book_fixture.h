/*
 * book_fixture.h: a partner book in a new temporary database for each
 * test (a checked fixture), shared by the unit tests that plan, digest
 * and report.
 */
#ifndef TB_BOOK_FIXTURE_H
#define TB_BOOK_FIXTURE_H

#include <time.h>

#include "book.h"

/* The fixture's configuration (defaults; a test may change it), store
 * and book, valid between fixture_setup and fixture_teardown. */
extern struct config cfg;
extern struct store *store;
extern struct book book;

void fixture_setup(void);
void fixture_teardown(void);

/* "kind:key:occurrence:recipient" of every undelivered outbox message,
 * oldest first, joined by spaces; caller frees.  Digest messages are
 * also checked: no partner id, a Message-ID of dot-atom characters. */
char *fixture_outbox(void);

/* NAME in the fixture's temporary directory; caller frees. */
char *fixture_path(const char *name);

/* The instant of when ("YYYY-MM-DD" or ISO 8601), read as UTC. */
time_t at(const char *when);

#endif
