/*
 * inbound_rules.h: which header fields make inbound mail a bounce or an
 * auto-reply, and whether bytes are mail at all; tables, no library.
 */
#ifndef TB_INBOUND_RULES_H
#define TB_INBOUND_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* One header field of a message, borrowed from its parser. */
struct inbound_header {
	const char	*name;
	const char	*value;		/* unfolded and decoded, UTF-8 */
};

/*
 * True when raw[0..len) starts as mail does: after an optional mbox
 * "From " line (its end is *start, else 0), a header field, and among
 * the header fields one every message has (From, Date, Received,
 * Message-ID, To, Subject, Content-Type...).
 */
bool inbound_rules_is_mail(const char *raw, size_t len, size_t *start);

/* The value of the first header field called name (letter case aside),
 * or NULL. */
const char *inbound_rules_header(const struct inbound_header *h, size_t n,
    const char *name);

/*
 * True when the message is a bounce without a delivery report: a bounce
 * subject ("Undelivered Mail Returned to Sender", "failure notice",
 * "Undeliverable:", "Delivery Status Notification (Failure)"...) from a
 * mailer daemon, postmaster or Exchange system address, or with a null
 * Return-Path, X-Failed-Recipients or X-MS-Exchange-Message-Is-Ndr; or
 * a daemon's message with X-Failed-Recipients.  from is From's address
 * (lower-cased) or NULL.
 */
bool inbound_rules_bounce(const struct inbound_header *h, size_t n,
    const char *subject, const char *from);

/*
 * True when the message was sent by a machine, not a person (see
 * inbound.h for the fields and subjects).  from as for _bounce().
 */
bool inbound_rules_autoreply(const struct inbound_header *h, size_t n,
    const char *subject, const char *from);

#endif
