/*
 * state.h: where a partnership stands on a given day, from its next due
 * date and the schedule's windows (DESIGN.md, "What a run sends").
 */
#ifndef TB_STATE_H
#define TB_STATE_H

#include "config.h"
#include "date.h"

enum partner_state {
	STATE_OK,		/* not yet inside the reminder window */
	STATE_DUE,		/* due - lead_days <= today < due + grace_days */
	STATE_OVERDUE,		/* today >= due + grace_days */
	STATE_ESCALATED,	/* today >= due + escalate_after_days */
	STATE_UNSCHEDULED	/* no next due date (a finished schedule) */
};

/* due may be NULL (nothing scheduled). */
enum partner_state state_of(const struct config *cfg, const struct tb_date *due,
    struct tb_date today);
/* "ok", "due", "overdue", "escalated", "unscheduled". */
const char *state_name(enum partner_state s);

#endif
