/*
 * exchange_forecast.h: what the next run would send, by kind and number
 * of distinct recipients, as planning (plan.h) would write it now.
 * Import says it so that a first run does not surprise anyone.
 */
#ifndef TB_EXCHANGE_FORECAST_H
#define TB_EXCHANGE_FORECAST_H

#include <time.h>

#include "book.h"
#include "outbox.h"

struct forecast_count {
	long	messages;
	long	recipients;	/* distinct To addresses */
};

struct forecast {
	struct forecast_count	kind[OUTBOX_NKINDS];
};

/*
 * Plan at now inside a savepoint, count what a run would deliver then
 * (what was already waiting too), and roll the plan back: the book is as
 * it was.  Returns 0 or -1 with *err.
 */
int exchange_forecast(struct book *b, time_t now, struct forecast *f,
    char **err);

#endif
