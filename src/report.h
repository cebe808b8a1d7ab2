/*
 * report.h: the HTML report of partnership health: one self-contained
 * page (inline CSS and SVG, no scripts) for leaders.
 */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include <time.h>

#include "book.h"
#include "util.h"

/* Undelivered messages listed on the page; status lists them all. */
#define REPORT_MAIL_MAX 100

/*
 * Append the report at now to out: a UTF-8 HTML5 document whose
 * Content-Security-Policy forbids scripts and every outside resource.
 * It holds the organization (smtp.from), today's date in
 * schedule.timezone and the count of active partners per state; the
 * owners of the partners that need attention (due, overdue,
 * escalated), then those partners, most urgent first; an SVG chart with
 * one bar (class "bar") per active partner of the days since its last
 * check-in against its cadence; the partners on track; and up to
 * REPORT_MAIL_MAX undelivered outbox rows with their last error.
 * Every text from the database or the configuration is HTML-escaped.
 * Returns 0 or -1 with *err (a database error, or an smtp.from that is
 * not an address); out may then hold part of a page.
 */
int report_html(struct book *b, time_t now, struct buf *out, char **err);

/* The page's CSS (report_style.c). */
extern const char report_css[];

#endif
