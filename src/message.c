/*
 * message.c: RFC 5322 + MIME composition with GMime 3 and the parsing of
 * "Name <address>"; the address rule itself is address.c's.  GMime is
 * included here only.
 */
#include "message.h"
#include "address.h"
#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

/* Headers as they go on the wire: CRLF line endings. */
static GMimeFormatOptions *format_opts;

static void
gmime_ready(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		format_opts = g_mime_format_options_new();
		g_mime_format_options_set_newline_format(format_opts,
		    GMIME_NEWLINE_FORMAT_DOS);
		done = true;
	}
}

/*
 * The addr-spec of mb as text gives it, held to the address rule: GMime
 * hands out an xn-- domain decoded, and its ASCII form for one given in
 * Unicode, so the ASCII form must be the one written in text.  *addr is
 * GMime's, valid while mb is.
 */
static int
mailbox_addr(const char *text, InternetAddressMailbox *mb, const char **addr,
    char **err)
{
	const char *idn = internet_address_mailbox_get_idn_addr(mb);

	if (address_check(NULL, idn, err) != 0)
		return -1;
	if (strcasestr(text, idn) == NULL) {
		if (address_check(NULL, internet_address_mailbox_get_addr(mb),
		    err) != 0)
			return -1;
		return set_err(err, "\"%s\" is not an email address", text);
	}
	*addr = idn;
	return 0;
}

int
message_address_parse(const char *text, char **name, char **email,
    char **err)
{
	InternetAddressList *list;
	InternetAddress *ia;
	const char *addr = NULL, *nm;
	int rc = -1;

	*name = NULL;
	*email = NULL;
	if (text == NULL || *text == '\0')
		return set_err(err, "no address given");
	if (strpbrk(text, "\r\n") != NULL)
		return set_err(err, "an address must be on one line");
	if (text_check("address", text, TEXT_LINE, err) != 0)
		return -1;
	/* Without angle brackets the whole text is the address. */
	if (strchr(text, '<') == NULL) {
		if (address_check(NULL, text, err) != 0)
			return -1;
		*email = xstrdup(text);
		return 0;
	}
	gmime_ready();
	list = address_literal_open_comment(text) ? NULL :
	    internet_address_list_parse(NULL, text);
	if (list == NULL || internet_address_list_length(list) != 1) {
		set_err(err, "\"%s\" is not a single address", text);
		goto done;
	}
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		set_err(err, "\"%s\" is a group, not one address", text);
		goto done;
	}
	if (mailbox_addr(text, INTERNET_ADDRESS_MAILBOX(ia), &addr, err) != 0)
		goto done;
	nm = internet_address_get_name(ia);
	if (nm != NULL) {
		while (isspace((unsigned char)*nm))
			nm++;
		if (*nm != '\0') {
			if (text_check("display name", nm, TEXT_LINE,
			    err) != 0)
				goto done;
			*name = xstrdup(nm);
			for (size_t n = strlen(*name); n > 0 &&
			    isspace((unsigned char)(*name)[n - 1]); n--)
				(*name)[n - 1] = '\0';
		}
	}
	*email = xstrdup(addr);
	rc = 0;
done:
	if (list != NULL)
		g_object_unref(list);
	return rc;
}

void
message_headers_free(struct message_header *headers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)headers[i].name);
		free((char *)headers[i].value);
	}
	free(headers);
}

static char *
trim_copy(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int
message_split_template(const char *rendered, struct message_header **headers,
    size_t *nheaders, char **body, char **err)
{
	struct message_header *h = NULL;
	const char *p = rendered, *colon;
	size_t n = 0;
	long line = 0;
	bool subject = false;

	*headers = NULL;
	*nheaders = 0;
	*body = NULL;
	for (;;) {
		size_t len = strcspn(p, "\n");
		size_t trimmed = len > 0 && p[len - 1] == '\r' ? len - 1 : len;

		line++;
		if (trimmed == 0 || *p == '\0') {
			p += len + (p[len] == '\n');
			break;
		}
		if ((*p == ' ' || *p == '\t') && n > 0) {
			char *more = trim_copy(p, trimmed);
			char *joined = xasprintf("%s %s", h[n - 1].value, more);

			free(more);
			free((char *)h[n - 1].value);
			h[n - 1].value = joined;
		} else {
			colon = memchr(p, ':', trimmed);
			if (colon == NULL || colon == p ||
			    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
			    "opqrstuvwxyz0123456789-") != (size_t)(colon - p)) {
				char *bad = xstrndup(p, trimmed);

				set_err(err, "line %ld: \"%s\" is not a header "
				    "line (\"Name: value\", then a blank line, "
				    "then the body)", line, bad);
				free(bad);
				message_headers_free(h, n);
				return -1;
			}
			h = xreallocarray(h, n + 1, sizeof *h);
			h[n].name = xstrndup(p, (size_t)(colon - p));
			h[n].value = trim_copy(colon + 1, trimmed -
			    (size_t)(colon - p) - 1);
			if (strcasecmp(h[n].name, "Subject") == 0)
				subject = true;
			n++;
		}
		if (p[len] == '\0') {
			p += len;
			break;
		}
		p += len + 1;
	}
	if (!subject) {
		message_headers_free(h, n);
		return set_err(err, "no Subject: header line");
	}
	while (*p == '\n' || (*p == '\r' && p[1] == '\n'))
		p += *p == '\r' ? 2 : 1;
	*headers = h;
	*nheaders = n;
	*body = xstrdup(p);
	return 0;
}

/* Text with every line ending as LF; GMime writes CRLF on output. */
static char *
unix_newlines(const char *s)
{
	struct buf b;

	buf_init(&b);
	/* Whole runs at a time: most texts have no CR at all. */
	for (size_t n; *s; s += n) {
		n = strcspn(s, "\r");
		buf_add(&b, s, n);
		if (s[n] == '\0')
			break;
		if (s[n + 1] != '\n')
			buf_addc(&b, '\n');
		n++;
	}
	return buf_steal(&b);
}

/* The METHOD line of a VCALENDAR, or NULL. */
static char *
ics_method(const char *ics)
{
	const char *p = ics;

	while ((p = strstr(p, "METHOD:")) != NULL) {
		if (p == ics || p[-1] == '\n')
			return xstrndup(p + 7, strcspn(p + 7, "\r\n"));
		p += 7;
	}
	return NULL;
}

bool
message_header_allowed(const char *name)
{
	static const char *const ours[] = { "From", "To", "Cc", "Bcc",
	    "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	    "Content-Transfer-Encoding", "Auto-Submitted" };

	if (name == NULL || *name == '\0')
		return false;
	for (const char *p = name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return false;
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		if (strcasecmp(name, ours[i]) == 0)
			return false;
	return true;
}

static int
add_mailboxes(GMimeMessage *m, GMimeAddressType type,
    const struct message_address *a, size_t n, char **err)
{
	for (size_t i = 0; i < n; i++) {
		if (address_check(NULL, a[i].email, err) != 0)
			return -1;
		if (text_check("name", a[i].name, TEXT_LINE, err) != 0)
			return prefix_err(err, "%s", a[i].email);
		g_mime_message_add_mailbox(m, type, a[i].name, a[i].email);
	}
	return 0;
}

/*
 * The headers go through GMime (RFC 2047 encoding and folding); the MIME
 * body, which has the same structure in every message, is written here
 * directly: GMime's part objects and filter streams cost more than the
 * encoding itself.
 */
/*
 * The From line, as GMime encodes and folds it: the same organisation
 * sends every message, so it is encoded once and kept.
 */
static int
add_from(const struct message_address *from, struct buf *out, char **err)
{
	static char *name, *email, *line;
	GMimeMessage *m;

	if (address_check(NULL, from->email, err) != 0)
		return -1;
	if (text_check("name", from->name, TEXT_LINE, err) != 0)
		return prefix_err(err, "%s", from->email);
	if (line == NULL || strcmp(email, from->email) != 0 ||
	    (name == NULL) != (from->name == NULL) ||
	    (name != NULL && strcmp(name, from->name) != 0)) {
		free(name);
		free(email);
		g_free(line);
		name = from->name ? xstrdup(from->name) : NULL;
		email = xstrdup(from->email);
		m = g_mime_message_new(TRUE);
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, name,
		    email);
		line = g_mime_object_get_headers(GMIME_OBJECT(m), format_opts);
		g_object_unref(m);
	}
	buf_add(out, line, strlen(line));
	return 0;
}

/* The Date line as GMime writes it, in UTC. */
static void
add_date(time_t t, struct buf *out)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The other headers, in the order GMime writes them after Date and
 * From. */
static int
build_headers(const struct message *msg, GMimeMessage *m, char **err)
{
	if (add_mailboxes(m, GMIME_ADDRESS_TYPE_TO, msg->to, msg->nto,
	    err) != 0 ||
	    add_mailboxes(m, GMIME_ADDRESS_TYPE_CC, msg->cc, msg->ncc, err) != 0 ||
	    (msg->reply_to != NULL && add_mailboxes(m,
	    GMIME_ADDRESS_TYPE_REPLY_TO, msg->reply_to, 1, err) != 0))
		return -1;
	if (msg->subject == NULL)
		return set_err(err, "the subject is missing");
	if (text_check("Subject", msg->subject, TEXT_LINE, err) != 0)
		return -1;
	g_mime_message_set_subject(m, msg->subject, "utf-8");
	g_mime_message_set_message_id(m, msg->message_id);
	/* RFC 3834: what touchbase sends is generated; auto-responders do
	 * not answer it, so there are no mail loops. */
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted",
	    "auto-generated", NULL);
	for (size_t i = 0; i < msg->nheaders; i++) {
		const struct message_header *h = &msg->headers[i];

		if (!message_header_allowed(h->name))
			return set_err(err, "\"%s\" cannot be set as a header",
			    h->name ? h->name : "");
		if (h->value == NULL)
			return set_err(err, "header %s: no value", h->name);
		if (text_check(h->name, h->value, TEXT_LINE, err) != 0)
			return prefix_err(err, "header");
		g_mime_object_append_header(GMIME_OBJECT(m), h->name, h->value,
		    "utf-8");
	}
	g_mime_object_set_header(GMIME_OBJECT(m), "MIME-Version", "1.0", NULL);
	return 0;
}

/* s[0..n) with every LF written as CRLF (s holds no CR). */
static void
add_crlf(struct buf *out, const char *s, size_t n)
{
	const char *end = s + n, *nl;

	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL) {
			buf_add(out, s, (size_t)(end - s));
			break;
		}
		buf_add(out, s, (size_t)(nl - s));
		buf_add(out, "\r\n", 2);
	}
}

/* A text/SUBTYPE part's headers and its content, text encoded with enc
 * (quoted-printable or base64, both of which leave no CR), as GMime
 * writes them. */
static void
add_text_part(struct buf *out, const char *subtype, const char *method,
    const char *text, GMimeContentEncoding enc)
{
	GMimeEncoding state;
	size_t len = strlen(text), n;
	char *encoded;

	buf_printf(out, "Content-Type: text/%s; charset=utf-8%s%s\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", subtype,
	    method ? "; method=" : "", method ? method : "",
	    enc == GMIME_CONTENT_ENCODING_BASE64 ? "base64" :
	    "quoted-printable");
	g_mime_encoding_init_encode(&state, enc);
	encoded = xmalloc(g_mime_encoding_outlen(&state, len) + 1);
	n = g_mime_encoding_flush(&state, text, len, encoded);
	add_crlf(out, encoded, n);
	free(encoded);
}

/* A plain text part, its line endings made LF first (then CRLF). */
static void
add_lines_part(struct buf *out, const char *subtype, const char *text)
{
	char *lf = unix_newlines(text);

	add_text_part(out, subtype, NULL, lf,
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	free(lf);
}

/*
 * The multipart boundary: "=-" (which neither quoted-printable nor base64
 * ever writes, so no content line can match it) and a hash of the
 * Message-ID, unique per message and the same on every run.
 */
static void
boundary_of(const char *message_id, char boundary[40])
{
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;

	for (const unsigned char *p = (const unsigned char *)message_id; *p;
	    p++) {
		h1 = (h1 ^ *p) * 0x100000001b3ULL;
		h2 = (h2 ^ *p) * 0x100000001b3ULL ^ (h2 >> 29);
	}
	snprintf(boundary, 40, "=-%016llx%016llx", (unsigned long long)h1,
	    (unsigned long long)h2);
}

static void
add_body(const struct message *msg, struct buf *out)
{
	char boundary[40];

	if (msg->html == NULL && msg->ics == NULL) {
		add_lines_part(out, "plain", msg->text ? msg->text : "");
		return;
	}
	boundary_of(msg->message_id, boundary);
	buf_printf(out, "Content-Type: multipart/alternative; "
	    "boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary);
	add_lines_part(out, "plain", msg->text ? msg->text : "");
	if (msg->html != NULL) {
		buf_printf(out, "\r\n--%s\r\n", boundary);
		add_lines_part(out, "html", msg->html);
	}
	if (msg->ics != NULL) {
		buf_printf(out, "\r\n--%s\r\n", boundary);
		/* base64 keeps the calendar's CRLF lines exact. */
		add_text_part(out, "calendar", msg->ics_method, msg->ics,
		    GMIME_CONTENT_ENCODING_BASE64);
	}
	buf_printf(out, "\r\n--%s--\r\n", boundary);
}

int
message_compose(const struct message *msg, struct buf *out, char **err)
{
	GMimeMessage *m;
	char *method, *headers;
	size_t start;
	int rc;

	if (msg->ics != NULL) {
		method = ics_method(msg->ics);
		if (method == NULL || msg->ics_method == NULL ||
		    strcmp(method, msg->ics_method) != 0) {
			rc = set_err(err, "calendar METHOD %s differs from the "
			    "method parameter %s", method ? method : "(none)",
			    msg->ics_method ? msg->ics_method : "(none)");
			free(method);
			return rc;
		}
		free(method);
		/* Written into the Content-Type as it is: a token only. */
		if (msg->ics_method[0] == '\0' || strspn(msg->ics_method,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-") != strlen(msg->ics_method))
			return set_err(err, "calendar METHOD \"%s\" is not a "
			    "token", msg->ics_method);
	}
	if (str_empty(msg->message_id) || strpbrk(msg->message_id,
	    "<> \r\n") != NULL)
		return set_err(err, "bad Message-ID \"%s\"", msg->message_id ?
		    msg->message_id : "");
	gmime_ready();
	/* Nothing of a refused message stays in out. */
	start = out->len;
	add_date(msg->date, out);
	if (add_from(&msg->from, out, err) != 0) {
		out->len = start;
		out->data[start] = '\0';
		return -1;
	}
	m = g_mime_message_new(TRUE);
	if ((rc = build_headers(msg, m, err)) == 0) {
		headers = g_mime_object_get_headers(GMIME_OBJECT(m),
		    format_opts);
		buf_add(out, headers, strlen(headers));
		g_free(headers);
		add_body(msg, out);
	} else {
		out->len = start;
		out->data[start] = '\0';
	}
	g_object_unref(m);
	return rc;
}
