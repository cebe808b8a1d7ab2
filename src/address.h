/*
 * address.h: the one rule for an email address, used at the door (partner,
 * contact, check-in, import, configuration) and at send time (MIME
 * headers, invite ORGANIZER/ATTENDEE, the SMTP envelope).
 *
 * What touchbase accepts it can deliver: libcurl puts an envelope address
 * on the wire as it is, GMime composes it into To/Cc/From, and an invite
 * carries it as a mailto: URI.  So an address is
 *
 *   local@domain
 *
 * where local is a dot-atom (RFC 5322 atext: letters, digits and
 * !#$%&'*+-/=?^_`{|}~, separated by single dots, at most 64 octets) and
 * domain is one or more dot-separated LDH labels (ASCII letters, digits
 * and hyphens, no hyphen first or last, 1 to 63 octets each), the whole
 * at most 254 octets (RFC 5321 section 4.5.3.1).  Refused: quoted local
 * parts, domain literals ([192.0.2.1]) and a bare IP address as the
 * domain, comments, display names and angle brackets, lists, whitespace,
 * control and non-ASCII characters (an internationalized domain is given
 * in its xn-- form).
 *
 * A single-label domain (partnerships@localhost) is accepted: it is the
 * built-in default sender, a local MTA delivers it, and an intranet may
 * use such names; only a domain of digits alone is refused.
 */
#ifndef TB_ADDRESS_H
#define TB_ADDRESS_H

#include <stdbool.h>

/* Longest address accepted, in octets (RFC 5321 path limit less <>). */
#define ADDRESS_MAX 254

/* True when email (may be NULL) follows the rule above. */
bool address_valid(const char *email);

/*
 * Check email against the rule.  Returns 0, or -1 with *err (allocated,
 * when err is not NULL) naming the field what and the reason:
 * "owner: \"ann smith\"@example.org: quoted local parts are not accepted
 * (they cannot be put in a calendar invite)", or "owner: no email
 * address" for NULL or "".  With what NULL the message starts at the
 * address.  Control characters and invalid UTF-8 in the address are shown
 * as \xNN; an over-long address is shortened.
 */
int address_check(const char *what, const char *email, char **err);

/*
 * True when text has an addr-spec with a domain literal followed by a
 * comment left open ("o@[x] ("), or an open comment after one closed.
 * GMime 3.2's address parser loses a string on such text, so callers
 * treat it as unparseable instead of handing it to GMime.
 */
bool address_literal_open_comment(const char *text);

#endif
