/* state.c: the stage of a partnership on a day. */
#include "state.h"

#include <stddef.h>

struct stage
state_stage(const struct config *cfg, const struct tb_date *due,
    struct tb_date today, bool has_sponsor,
    const struct tb_date *snooze_until)
{
	struct stage st = { STATE_UNSCHEDULED, 0, false, OUTBOX_REMINDER,
	    false, false };

	if (due == NULL)
		return st;
	st.snoozed = snooze_until != NULL && date_cmp(today, *snooze_until) < 0;
	st.late = date_diff(*due, today);	/* days past the due date */
	if (st.late >= cfg->escalate_after_days && has_sponsor) {
		st.state = STATE_ESCALATED;
		st.kind = OUTBOX_ESCALATION;
	} else if (st.late >= cfg->grace_days) {
		st.state = STATE_OVERDUE;
		st.kind = OUTBOX_OVERDUE;
	} else if (st.late >= -(long)cfg->lead_days) {
		st.state = STATE_DUE;
		st.kind = OUTBOX_REMINDER;
		st.invite_contacts = st.late <= 0;
	} else {
		st.state = STATE_OK;
		return st;
	}
	st.sends = !st.snoozed;
	return st;
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
