/* state.c: the state of a partnership on a day. */
#include "state.h"

#include <stddef.h>

enum partner_state
state_of(const struct config *cfg, const struct tb_date *due,
    struct tb_date today)
{
	long late;

	if (due == NULL)
		return STATE_UNSCHEDULED;
	late = date_diff(*due, today);	/* days past the due date */
	if (late >= cfg->escalate_after_days)
		return STATE_ESCALATED;
	if (late >= cfg->grace_days)
		return STATE_OVERDUE;
	if (late >= -(long)cfg->lead_days)
		return STATE_DUE;
	return STATE_OK;
}

const char *
state_name(enum partner_state s)
{
	switch (s) {
	case STATE_OK:
		return "ok";
	case STATE_DUE:
		return "due";
	case STATE_OVERDUE:
		return "overdue";
	case STATE_ESCALATED:
		return "escalated";
	default:
		return "unscheduled";
	}
}
