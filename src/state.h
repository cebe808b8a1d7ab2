/*
 * state.h: the one rule for where a partnership stands on a day and what
 * a run sends it then (DESIGN.md, "What a run sends").  Planning,
 * preview, status, the digest, the report and the feed all ask here, so
 * they cannot disagree.
 *
 * With due date D and the partner's local date T (late = T - D days):
 *   late < -lead_days                  ok          nothing
 *   -lead_days <= late < grace_days    due         the invite: a reminder
 *                                                  to the owner, an
 *                                                  invitation to invited
 *                                                  contacts while late <= 0
 *   grace_days <= late                 overdue     an overdue notice to
 *                                                  the owner
 *   escalate_after_days <= late,       escalated   an escalation to the
 *     and a sponsor is set                         sponsor, owner in Cc
 * A partner without a sponsor never escalates: past escalate_after_days it
 * stays overdue, and its owner has had the overdue notice (sent once).
 * A snoozed partner (an owner's "snooze", or touchbase snooze) keeps its
 * state but is sent nothing before the day its snooze ends.
 */
#ifndef TB_STATE_H
#define TB_STATE_H

#include <stdbool.h>

#include "config.h"
#include "date.h"
#include "outbox.h"

enum partner_state {
	STATE_OK,		/* not yet inside the reminder window */
	STATE_DUE,		/* inside the reminder window */
	STATE_OVERDUE,		/* past the grace days */
	STATE_ESCALATED,	/* past escalate_after_days, with a sponsor */
	STATE_UNSCHEDULED	/* no next due date (a finished schedule) */
};

struct stage {
	enum partner_state	 state;
	long			 late;		/* days past due; negative:
						 * days until; 0 unscheduled */
	bool			 sends;		/* a run sends kind now */
	enum outbox_kind	 kind;		/* reminder (with the invite),
						 * overdue or escalation */
	bool			 invite_contacts; /* the invite also goes to
						 * invited contacts (not late) */
	bool			 snoozed;	/* held: sends nothing today */
};

/* The stage of a partner whose next due date is due (NULL: nothing
 * scheduled), on its local date today, with or without a sponsor, and
 * snoozed until snooze_until (NULL: not snoozed). */
struct stage state_stage(const struct config *cfg, const struct tb_date *due,
    struct tb_date today, bool has_sponsor,
    const struct tb_date *snooze_until);
/* "ok", "due", "overdue", "escalated", "unscheduled". */
const char *state_name(enum partner_state s);

#endif
