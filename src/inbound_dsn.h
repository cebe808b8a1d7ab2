/*
 * inbound_dsn.h: what a bounce says, read from text without any library:
 * the fields of an RFC 3464 message/delivery-status part, header blocks
 * (text/rfc822-headers, a copy of the message inside the text), and the
 * human-readable text of bounces that carry no report (qmail, Postfix
 * without a report part, Gmail's and Exchange's older shapes).
 */
#ifndef TB_INBOUND_DSN_H
#define TB_INBOUND_DSN_H

#include <stdbool.h>
#include <stddef.h>

enum inbound_dsn_action {
	DSN_ACTION_NONE,	/* no Action field */
	DSN_ACTION_FAILED,
	DSN_ACTION_DELAYED,
	DSN_ACTION_OTHER	/* delivered, relayed, expanded */
};

/* One recipient's fate.  Every string is clean (inbound_text.h). */
struct inbound_dsn {
	char			*rcpt;		/* lower-cased valid address */
	char			*status;	/* "5.1.1" */
	char			*diagnostic;	/* at most 1000 bytes */
	enum inbound_dsn_action	 action;
};

/*
 * Fill d from the clean LF text of a message/delivery-status part: the
 * first per-recipient block whose Action is failed, else delayed, else
 * the first: Original-Recipient (else Final-Recipient) without its
 * address type, Status when it is a status code, Diagnostic-Code without
 * its type, Action.  Fields of d already set are kept.
 */
void inbound_dsn_report(const char *text, struct inbound_dsn *d);

/*
 * Fill what d lacks from the clean LF text a bounce shows a person: the
 * first line that starts with an address ("<a@b>:" as qmail and Postfix
 * write it, or a bare one), the reason on it and the lines below it, and
 * the first status code (X.Y.Z) anywhere; reading stops where a copy of
 * the message begins.  A status code's line is the diagnostic when there
 * is no other.
 */
void inbound_dsn_text(const char *text, struct inbound_dsn *d);

/*
 * Append the Message-IDs of "Message-ID:" lines in clean LF text (the
 * copy of the message qmail and others put below their text) to
 * (*v)[0..*n), as inbound_text_msgids() does.
 */
void inbound_dsn_text_ids(const char *text, char ***v, size_t *n,
    size_t max);

/*
 * Failed for good: Action failed; else not when there is another Action;
 * else a 5.x.x status; else, with no status at all, unless subject speaks
 * of a delay or a warning.
 */
bool inbound_dsn_permanent(const struct inbound_dsn *d, const char *subject);

/*
 * The value of the first field name in the header block that starts
 * block (clean LF text, up to its first empty line), unfolded and
 * trimmed; NULL when there is none.  Caller frees.
 */
char *inbound_dsn_field(const char *block, const char *name);

/* Free what d holds and zero it. */
void inbound_dsn_reset(struct inbound_dsn *d);

#endif
