/*
 * inbound.h: the mail that comes back, parsed into typed facts: calendar
 * answers (iTIP REPLY and COUNTER), bounces, auto-replies and people's
 * replies.  Pure parsing: no database, no network, no decision about
 * who may act (that needs the outbox; see docs/DESIGN "What comes back").
 * GMime and libical stay inside inbound.c.
 *
 * Every string handed out is valid UTF-8 (an invalid sequence becomes
 * U+FFFD) without control characters (a TAB or line break becomes a
 * space; body_text keeps its line breaks as LF), so that it can be
 * stored, logged and shown without escaping.
 */
#ifndef TB_INBOUND_H
#define TB_INBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The longest body_text handed out, in bytes. */
#define INBOUND_BODY_MAX 4000
/* The most Message-IDs kept in refs (the newest) and bounced_ids. */
#define INBOUND_REFS_MAX 64

enum inbound_kind {
	INBOUND_OTHER,		/* nothing we act on (no text line, unreadable) */
	INBOUND_REPLY,		/* iTIP METHOD:REPLY: an attendee's answer */
	INBOUND_COUNTER,	/* iTIP METHOD:COUNTER: a proposed new time */
	INBOUND_BOUNCE,		/* a delivery status notification or NDR */
	INBOUND_AUTOREPLY,	/* out of office, list, bulk: never acted on */
	INBOUND_TEXT		/* a person's reply: maybe an owner's command */
};

struct inbound_msg {
	enum inbound_kind kind;
	char	*message_id;	/* its own, without <>; NULL if none */
	char	*from;		/* From's addr-spec, lower-cased; NULL if
				   absent or not one valid address */
	char	*subject;	/* decoded; may be NULL */
	char	**refs;		/* Message-IDs (without <>) from In-Reply-To
				   then References, newest first, each once */
	size_t	 nrefs;
	char	*to_token;	/* TOKEN of user+TOKEN@domain in Delivered-To,
				   X-Original-To or To (the first found, in
				   that order), as written; NULL if none */

	/* INBOUND_REPLY / INBOUND_COUNTER */
	char	*uid;		/* NULL when the VEVENT has none */
	int	 sequence;	/* SEQUENCE, 0 when absent */
	time_t	 dtstamp;	/* 0 when absent */
	char	*attendee;	/* the replying ATTENDEE's address, lower-cased;
				   NULL when there is no valid one */
	char	*partstat;	/* "ACCEPTED", "TENTATIVE", "DECLINED",
				   "NEEDS-ACTION" (also when absent),
				   "DELEGATED"; NULL for anything else */
	char	*comment;	/* COMMENT, may be NULL */
	time_t	 proposed_start; /* COUNTER: DTSTART as an instant, 0 when
				   none or its zone is unknown or floating */
	char	*proposed_text;	/* COUNTER: DTSTART as written, e.g.
				   "2026-12-08 14:00 America/Chicago" */

	/* INBOUND_BOUNCE */
	char	**bounced_ids;	/* Message-IDs of the returned original */
	size_t	 nbounced_ids;
	char	*bounced_rcpt;	/* Original- or Final-Recipient, lower-cased */
	char	*status;	/* "5.1.1", NULL when none is given */
	char	*diagnostic;	/* Diagnostic-Code text (at most 1000 bytes) */
	bool	 permanent;	/* Action: failed, or a 5.x.x status */

	/* INBOUND_TEXT */
	char	*first_line;	/* first non-empty line of the new text */
	char	*body_text;	/* the new text, LF lines, capped at
				   INBOUND_BODY_MAX bytes */
};

/*
 * Parse raw (len bytes of an RFC 5322 message, any line endings, any
 * bytes) into *out, classified in this order:
 *
 *  1. INBOUND_BOUNCE: multipart/report; report-type=delivery-status, a
 *     message/delivery-status part anywhere, or a bounce subject
 *     (Postfix, qmail, Exchange, Gmail) from a mailer daemon or with a
 *     null Return-Path.  Before 2, since Postfix marks its DSNs
 *     Auto-Submitted: auto-replied.  Delivery reports of success or
 *     delay are bounces too, with permanent false.
 *  2. INBOUND_AUTOREPLY for any other multipart/report (read receipts).
 *  3. INBOUND_REPLY or INBOUND_COUNTER: a text/calendar part (or
 *     application/ics, or a .ics attachment) whose METHOD, or failing
 *     that its Content-Type's method parameter, is REPLY or COUNTER, with
 *     a VEVENT; before the auto-reply rules, since services that accept
 *     on their own mark their answers Auto-Submitted.  The VEVENT read is
 *     the first without RECURRENCE-ID, else the first; the ATTENDEE read
 *     is the one whose address is From's (letter case aside), else the
 *     first with a PARTSTAT, else the first.  A missing ORGANIZER, UID or
 *     ATTENDEE does not change the kind: the field is NULL and the caller
 *     refuses it.
 *  3b. INBOUND_AUTOREPLY: Auto-Submitted other than "no", X-Autoreply,
 *     X-Autorespond, Precedence bulk, auto_reply, list or junk, List-Id,
 *     List-Unsubscribe, X-MS-Exchange-Inbox-Rules-Loop, an out-of-office
 *     subject, or two weak hints (X-Auto-Response-Suppress, a null
 *     Return-Path, a no-reply sender).
 *  4. INBOUND_TEXT: a text/plain body part (or text/html when there is
 *     none) whose new text has a non-empty line; else INBOUND_OTHER.
 *
 * The new text of a reply leaves out quoted lines ("> "), attribution
 * lines ("On ... wrote:"), and everything from Outlook's "From: ...
 * Sent: ..." block, "-----Original Message-----", a line of underscores
 * or a signature ("-- ") on.  format=flowed text is unwrapped first.
 *
 * Sizes and encodings in the message are not trusted: no part is decoded
 * to more than len bytes, MIME nesting is followed only so deep, and
 * unknown charsets are guessed, never refused.
 *
 * Returns 0 with *out filled (free with inbound_msg_reset), or -1 with
 * *err when raw is not a mail message at all (empty, binary, or not
 * starting with header fields); *out is then empty.
 */
int inbound_parse(const char *raw, size_t len, struct inbound_msg *out,
    char **err);

/* Free everything m holds and zero it; NULL fields are fine. */
void inbound_msg_reset(struct inbound_msg *m);

/* "reply", "counter", "bounce", ... for logs and tests. */
const char *inbound_kind_name(enum inbound_kind kind);

#endif
