/*
 * message.h: RFC 5322 + MIME messages (GMime 3 stays inside message.c) and
 * "Name <address>" parsing; the address rule is address.h's.
 */
#ifndef TB_MESSAGE_H
#define TB_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util.h"

struct message_address {
	const char	*name;		/* display name, UTF-8, may be NULL */
	const char	*email;		/* one address_valid() accepts */
};

struct message_header {
	const char	*name;		/* e.g. "Reply-To", "X-Priority" */
	const char	*value;		/* UTF-8, encoded as needed */
};

struct message {
	struct message_address		 from;
	const struct message_address	*to;
	size_t				 nto;
	const struct message_address	*cc;
	size_t				 ncc;
	const struct message_address	*reply_to;	/* may be NULL */
	const char			*subject;	/* UTF-8 */
	const char			*message_id;	/* without <> */
	time_t				 date;
	const char			*text;		/* UTF-8, LF or CRLF */
	const char			*html;		/* UTF-8, may be NULL */
	const char			*ics;		/* VCALENDAR, may be NULL */
	const char			*ics_method;	/* "REQUEST", "CANCEL" */
	const struct message_header	*headers;	/* extra, may be NULL */
	size_t				 nheaders;
};

/*
 * Compose msg as a complete RFC 5322 message with CRLF line endings into
 * out (appended), with Auto-Submitted: auto-generated (RFC 3834).  multipart/alternative of text/plain, text/html (when
 * set) and text/calendar; method=M; charset=UTF-8 (when ics is set).
 * Returns 0 or -1 with *err (e.g. an invalid address or header name).
 */
int message_compose(const struct message *msg, struct buf *out, char **err);

/*
 * Parse "Name <local@domain>" or "local@domain" (one mailbox) into
 * allocated *name (NULL when absent) and *email.  Rejects CR/LF, groups,
 * lists and any address that address_valid() (address.h) refuses.
 * Returns 0 or -1 with *err ("\"a@b, c@d\" is not a single address",
 * or address_check()'s reason without a field name).
 */
int message_address_parse(const char *text, char **name, char **email,
    char **err);

/*
 * Split a rendered .txt template into headers and body: leading
 * "Name: value" lines up to the first blank line are headers (Subject
 * among them); the rest is the body.  Fills *headers (allocated array of
 * allocated name/value strings, free with message_headers_free) and
 * *body (allocated).  Returns 0 or -1 with *err when a header line is
 * malformed or the Subject is missing.
 */
int message_split_template(const char *rendered, struct message_header **headers,
    size_t *nheaders, char **body, char **err);
void message_headers_free(struct message_header *headers, size_t n);

/* Whether a template may set header name: a valid field name, not one
 * touchbase writes itself (From, To, Cc, Bcc, Subject is the template's
 * own, Date, Message-ID, MIME and Auto-Submitted headers). */
bool message_header_allowed(const char *name);

#endif
