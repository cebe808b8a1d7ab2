/* address.c: the one email address rule (see address.h). */
#include <string.h>

#include "address.h"
#include "text.h"
#include "util.h"

#define LOCAL_MAX 64
#define LABEL_MAX 63
/* How much of an address an error message shows before "...". */
#define SHOW_MAX 80

static bool
ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
atext(unsigned char c)
{
	return ascii_alnum(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Why the local part s[0..n) is refused, or NULL. */
static const char *
local_refusal(const char *s, size_t n)
{
	if (n == 0)
		return "has no local part before the @";
	if (n > LOCAL_MAX)
		return "the part before the @ is longer than 64 characters";
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || i + 1 == n || s[i + 1] == '.')
				return "the part before the @ starts or ends "
				    "with a dot or has two dots in a row";
		} else if (!atext((unsigned char)s[i]))
			return "the part before the @ may hold only letters, "
			    "digits, dots and !#$%&'*+-/=?^_`{|}~";
	}
	return NULL;
}

/* Why the domain label s[0..n) is refused, or NULL. */
static const char *
label_refusal(const char *s, size_t n)
{
	if (n == 0)
		return "the domain starts or ends with a dot or has two dots "
		    "in a row";
	if (n > LABEL_MAX)
		return "a label of the domain is longer than 63 characters";
	if (s[0] == '-' || s[n - 1] == '-')
		return "a label of the domain starts or ends with a hyphen";
	for (size_t i = 0; i < n; i++)
		if (!ascii_alnum((unsigned char)s[i]) && s[i] != '-')
			return "the domain may hold only letters, digits, "
			    "hyphens and dots";
	return NULL;
}

/* Why the domain s (after the @) is refused, or NULL. */
static const char *
domain_refusal(const char *s)
{
	const char *label = s, *why, *dot;
	bool numeric = true;

	if (*s == '\0')
		return "has no domain";
	if (*s == '[')
		return "IP address literals are not accepted";
	for (; (dot = strchr(label, '.')) != NULL; label = dot + 1)
		if ((why = label_refusal(label, (size_t)(dot - label))) != NULL)
			return why;
	if ((why = label_refusal(label, strlen(label))) != NULL)
		return why;
	for (const char *p = label; *p != '\0'; p++)
		numeric = numeric && *p >= '0' && *p <= '9';
	if (numeric)
		return "IP addresses are not accepted as the domain";
	return NULL;
}

/*
 * Why email is refused as a whole, before it is split at the @, or NULL.
 * The order gives the most telling reason for the common mistakes.
 */
static const char *
form_refusal(const char *email)
{
	const char *at;

	if (strlen(email) > ADDRESS_MAX)
		return "is longer than 254 characters";
	if (strpbrk(email, "<>") != NULL)
		return "display names and angle brackets are not accepted "
		    "(give the bare address)";
	if (strchr(email, '"') != NULL)
		return "quoted local parts are not accepted (they cannot be "
		    "put in a calendar invite)";
	if (strpbrk(email, "()") != NULL)
		return "comments in parentheses are not accepted";
	if (strpbrk(email, ",;") != NULL)
		return "is not a single address";
	for (const unsigned char *p = (const unsigned char *)email; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "control characters are not accepted";
	if ((at = strchr(email, '@')) == NULL)
		return "has no @";
	if (strchr(at + 1, '@') != NULL)
		return "has more than one @";
	if (strchr(email, ' ') != NULL)
		return "spaces are not accepted";
	for (const unsigned char *p = (const unsigned char *)email; *p; p++)
		if (*p >= 0x80 && p < (const unsigned char *)at)
			return "non-ASCII characters are not accepted before "
			    "the @";
		else if (*p >= 0x80)
			return "non-ASCII characters are not accepted in the "
			    "domain (give it in its xn-- form)";
	return NULL;
}

/* Why email is refused, or NULL when it follows the rule. */
static const char *
refusal(const char *email)
{
	const char *at, *why;

	if (str_empty(email))
		return "no email address";
	if ((why = form_refusal(email)) != NULL)
		return why;
	at = strchr(email, '@');
	if ((why = local_refusal(email, (size_t)(at - email))) != NULL)
		return why;
	return domain_refusal(at + 1);
}

bool
address_valid(const char *email)
{
	return refusal(email) == NULL;
}

/* Add email to b fit for a message: controls and invalid UTF-8 as \xNN,
 * cut short past SHOW_MAX octets. */
static void
add_shown(struct buf *b, const char *email)
{
	const unsigned char *p = (const unsigned char *)email;
	size_t left = strlen(email), n, shown = 0;

	for (; left > 0; p += n, left -= n, shown += n) {
		if (shown >= SHOW_MAX) {
			buf_adds(b, "...");
			break;
		}
		n = text_utf8_seq(p, left);
		if (n == 0 || *p < 0x20 || *p == 0x7f) {
			buf_printf(b, "\\x%02x", *p);
			n = 1;
		} else
			buf_add(b, p, n);
	}
}

int
address_check(const char *what, const char *email, char **err)
{
	const char *why;
	struct buf b;

	if ((why = refusal(email)) == NULL)
		return 0;
	buf_init(&b);
	if (what != NULL)
		buf_printf(&b, "%s: ", what);
	if (!str_empty(email)) {
		add_shown(&b, email);
		buf_adds(&b, ": ");
	}
	buf_adds(&b, why);
	set_err(err, "%s", buf_str(&b));
	buf_reset(&b);
	return -1;
}

bool
address_literal_open_comment(const char *text)
{
	const char *p = text;
	int depth = 0;

	while ((p = strchr(p, '@')) != NULL) {
		p += 1 + strspn(p + 1, " \t");
		if (*p == '[')
			break;
	}
	for (; p != NULL && *p != '\0'; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
	}
	return depth > 0;
}
