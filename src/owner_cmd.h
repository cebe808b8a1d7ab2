/*
 * owner_cmd.h: the one-line commands a partnership's owner replies with
 * (the first line of a reply, inbound.h's first_line):
 *
 *   done [DATE] [NOTE]        met [DATE] [NOTE]     (a check-in happened)
 *   snooze N days|weeks       snooze until DATE     (hold the reminders)
 *   note TEXT                                       (a note, no check-in)
 *
 * DATE is YYYY-MM-DD, today or yesterday (snooze until also takes
 * tomorrow).  Verbs and words are read regardless of letter case, and a
 * verb may end in "." or "!" ("Done!").
 */
#ifndef TB_OWNER_CMD_H
#define TB_OWNER_CMD_H

#include "date.h"

/* The longest note kept, in bytes; a longer one is cut. */
#define OWNER_NOTE_MAX 1000
/* The longest snooze, in days. */
#define OWNER_SNOOZE_MAX 365

enum owner_verb {
	OWNER_DONE,
	OWNER_SNOOZE,
	OWNER_NOTE
};

struct owner_cmd {
	enum owner_verb	 verb;
	struct tb_date	 date;	/* DONE: the check-in's date (default
				   today); SNOOZE: reminders are held until
				   this date and resume on it; NOTE: today */
	char		*note;	/* DONE: the note, NULL without; NOTE: the
				   text; SNOOZE: NULL */
};

/*
 * Parse line (one line, UTF-8) as an owner's command; today is the
 * owner's local date.  A done date may not be after today; a snooze must
 * be 1 to OWNER_SNOOZE_MAX days; a note is trimmed, cut to
 * OWNER_NOTE_MAX bytes (at a character boundary) and held to text.h's
 * rule for multi-line text.  Returns 0 with *out (free with
 * owner_cmd_reset), or -1 with *err saying what went wrong and what is
 * understood: "unknown command \"blah\": reply done [DATE] [NOTE],
 * snooze N days|weeks, snooze until DATE, or note TEXT".
 */
int owner_cmd_parse(const char *line, struct tb_date today,
    struct owner_cmd *out, char **err);

/* Free what c holds and zero it. */
void owner_cmd_reset(struct owner_cmd *c);

#endif
