/*
 * inbound_itip.h: an attendee's answer to an invitation, iTIP (RFC 5546)
 * METHOD:REPLY or METHOD:COUNTER, read from the text of a calendar part.
 */
#ifndef TB_INBOUND_ITIP_H
#define TB_INBOUND_ITIP_H

#include <stdbool.h>
#include <time.h>

enum inbound_itip_method {
	ITIP_NONE,
	ITIP_REPLY,
	ITIP_COUNTER
};

/* The fields of inbound.h's struct inbound_msg for its REPLY and
 * COUNTER, with the same meaning; every string clean or NULL. */
struct inbound_itip {
	enum inbound_itip_method method;
	char	*uid;
	int	 sequence;
	time_t	 dtstamp;
	char	*attendee;
	char	*partstat;
	char	*comment;
	time_t	 proposed_start;
	char	*proposed_text;
};

/*
 * Read the REPLY or COUNTER in text (clean LF text of a calendar part):
 * its METHOD, else ct_method (the Content-Type's method parameter, may
 * be NULL); the VEVENT and ATTENDEE chosen as inbound.h says, from
 * being From's address (lower-cased, may be NULL).  Returns true with
 * *out filled (its strings are the caller's to free), or false with
 * *out empty when text holds no REPLY or COUNTER with a VEVENT (a
 * REQUEST, a VTODO, a calendar cut short, no calendar at all).
 */
bool inbound_itip_read(const char *text, const char *ct_method,
    const char *from, struct inbound_itip *out);

#endif
