/*
 * report.h: the HTML report of partnership health: one self-contained
 * page (inline CSS and SVG, no scripts) for leaders.
 */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include <time.h>

#include "book.h"
#include "util.h"

/*
 * Append the report at now to out.  Returns 0 or -1 with *err.
 */
int report_html(struct book *b, time_t now, struct buf *out, char **err);

#endif
