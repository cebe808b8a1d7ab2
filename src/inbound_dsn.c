/*
 * inbound_dsn.c: the fields of delivery status notifications and the
 * words of bounces without one, read from clean text.  A bounce is
 * written by a machine but may be forged by anyone: nothing here is more
 * than a reading; the caller matches the Message-IDs to its outbox.
 */
#include "inbound_dsn.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "inbound_text.h"
#include "util.h"

#define DIAG_MAX	1000

/* Where the copy of the returned message starts in a bounce's text. */
static const char *const copy_starts[] = {
	"--- Below this line is a copy of the message",
	"------ This is a copy of the message",
	"----- Original message -----",
	"----- Original Message -----",
	"Return-Path:", "Received:", "Message-ID:",
};

void
inbound_dsn_reset(struct inbound_dsn *d)
{
	free(d->rcpt);
	free(d->status);
	free(d->diagnostic);
	memset(d, 0, sizeof *d);
}

/* The end of the line at p (its LF or NUL). */
static const char *
line_end(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl != NULL ? nl : p + strlen(p);
}

/* After the line at p; NULL at the end of the text. */
static const char *
line_next(const char *p)
{
	p = line_end(p);
	return *p == '\n' ? p + 1 : NULL;
}

/* Is the line at p empty or white space only? */
static bool
line_blank(const char *p)
{
	while (*p == ' ')
		p++;
	return *p == '\n' || *p == '\0';
}

char *
inbound_dsn_field(const char *block, const char *name)
{
	size_t n = strlen(name);
	const char *p, *v;
	struct buf b;
	char *out;

	for (p = block; p != NULL && !line_blank(p); p = line_next(p)) {
		if (strncasecmp(p, name, n) != 0)
			continue;
		for (v = p + n; *v == ' '; v++)
			;
		if (*v != ':')
			continue;
		buf_init(&b);
		buf_add(&b, v + 1, (size_t)(line_end(v) - v - 1));
		/* Folded: a line that starts with white space goes on. */
		while ((p = line_next(p)) != NULL && *p == ' ' &&
		    !line_blank(p))
			buf_add(&b, p, (size_t)(line_end(p) - p));
		out = inbound_text_clean(buf_str(&b), b.len, false, b.len);
		buf_reset(&b);
		return out;
	}
	return NULL;
}

/* An address field's address ("rfc822; Maria@X.org", "<a@b>"),
 * lower-cased, or NULL when it is no valid address. */
static char *
field_address(const char *value)
{
	const char *semi = value != NULL ? strchr(value, ';') : NULL;
	char *a;
	size_t n;

	if (value == NULL)
		return NULL;
	value = semi != NULL ? semi + 1 : value;
	value += strspn(value, " <");
	n = strcspn(value, " >");
	a = inbound_text_lower(xstrndup(value, n));
	if (!address_valid(a)) {
		free(a);
		return NULL;
	}
	return a;
}

/* Is s[0..n) a status code: class 2, 4 or 5, then .N.N with 1 to 3
 * digits each (RFC 3463)? */
static bool
status_code(const char *s, size_t n)
{
	size_t i = 1, digits;

	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
		return false;
	for (int part = 0; part < 2; part++) {
		if (i >= n || s[i++] != '.')
			return false;
		for (digits = 0; i < n && isdigit((unsigned char)s[i]); i++)
			digits++;
		if (digits < 1 || digits > 3)
			return false;
	}
	return i == n;
}

/* The first status code standing as a word in the line at p, or NULL. */
static char *
find_status(const char *p, const char *end)
{
	for (const char *s = p; s < end; s++) {
		size_t n = strspn(s, "0123456789.");

		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		if ((s == p || strchr(" -(<[:;", s[-1]) != NULL) &&
		    status_code(s, n))
			return xstrndup(s, n);
		s += n;
	}
	return NULL;
}

/* Diagnostic-Code without its type ("smtp; 550 ..."), or any text,
 * shortened. */
static char *
diagnostic(const char *value)
{
	const char *semi = strchr(value, ';');
	char *d;

	if (semi != NULL && strcspn(value, " ") >= (size_t)(semi - value))
		value = semi + 1;
	value += strspn(value, " ");
	if (*value == '\0')
		return NULL;
	d = xstrdup(value);
	inbound_text_cut(d, DIAG_MAX);
	return d;
}

static enum inbound_dsn_action
action_of(const char *value)
{
	if (value == NULL)
		return DSN_ACTION_NONE;
	if (inbound_text_prefix(value, "failed"))
		return DSN_ACTION_FAILED;
	if (inbound_text_prefix(value, "delayed"))
		return DSN_ACTION_DELAYED;
	return DSN_ACTION_OTHER;
}

/* The next block (after the empty lines that end this one), or NULL. */
static const char *
block_next(const char *p)
{
	while (p != NULL && !line_blank(p))
		p = line_next(p);
	while (p != NULL && line_blank(p))
		p = line_next(p);
	return p;
}

/* Does the block at p speak of a recipient? */
static bool
is_recipient_block(const char *p)
{
	static const char *const names[] = {
		"Final-Recipient", "Original-Recipient", "Action", "Status",
	};
	char *v;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((v = inbound_dsn_field(p, names[i])) != NULL) {
			free(v);
			return true;
		}
	return false;
}

/* A Status field's code, or NULL when it is none. */
static char *
status_of(const char *value)
{
	size_t n = strcspn(value, " ");

	return status_code(value, n) ? xstrndup(value, n) : NULL;
}

/* fn applied to the value of field name in the block at p; NULL when
 * the block has no such field. */
static char *
field_as(const char *p, const char *name, char *(*fn)(const char *))
{
	char *v = inbound_dsn_field(p, name), *out;

	out = v != NULL ? fn(v) : NULL;
	free(v);
	return out;
}

static enum inbound_dsn_action
block_action(const char *p)
{
	char *v = inbound_dsn_field(p, "Action");
	enum inbound_dsn_action a = action_of(v);

	free(v);
	return a;
}

/* Fill what d lacks from the recipient block at p. */
static void
read_block(const char *p, struct inbound_dsn *d)
{
	if (d->rcpt == NULL)
		d->rcpt = field_as(p, "Original-Recipient", field_address);
	if (d->rcpt == NULL)
		d->rcpt = field_as(p, "Final-Recipient", field_address);
	if (d->status == NULL)
		d->status = field_as(p, "Status", status_of);
	if (d->diagnostic == NULL)
		d->diagnostic = field_as(p, "Diagnostic-Code", diagnostic);
	if (d->action == DSN_ACTION_NONE)
		d->action = block_action(p);
}

void
inbound_dsn_report(const char *text, struct inbound_dsn *d)
{
	const char *p, *chosen = NULL;
	enum inbound_dsn_action a, best = DSN_ACTION_NONE;

	for (p = text; p != NULL; p = block_next(p)) {
		if (line_blank(p) || !is_recipient_block(p))
			continue;
		a = block_action(p);
		if (chosen == NULL || (a == DSN_ACTION_FAILED &&
		    best != DSN_ACTION_FAILED) || (a == DSN_ACTION_DELAYED &&
		    best != DSN_ACTION_FAILED && best != DSN_ACTION_DELAYED)) {
			chosen = p;
			best = a;
		}
	}
	if (chosen != NULL)
		read_block(chosen, d);
}

/* The address a line starts with ("<a@b>:", "a@b (a@b)", "a@b"),
 * lower-cased; *rest the text after it.  NULL when none. */
static char *
line_address(const char *p, const char *end, const char **rest)
{
	const char *s = p + strspn(p, " ");
	size_t n = strcspn(s, " \n");
	char *a;

	if (s + n > end || n < 3)
		return NULL;
	a = xstrndup(s + (*s == '<'), n - (*s == '<'));
	a[strcspn(a, ">")] = '\0';
	if (a[0] != '\0' && a[strlen(a) - 1] == ':')
		a[strlen(a) - 1] = '\0';
	if (!address_valid(inbound_text_lower(a))) {
		free(a);
		return NULL;
	}
	*rest = s + n;
	return a;
}

/* The reason after a recipient: the rest of its line and the lines
 * below it up to an empty one, as one line. */
static char *
reason(const char *rest)
{
	const char *p = rest, *end = rest;
	char *text, *d;

	while (p != NULL && (p == rest || !line_blank(p))) {
		end = line_end(p);
		p = line_next(p);
	}
	/* rest is never NULL: the loop tests what line_next() returns. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	rest += strspn(rest, " :");
	if (end <= rest)
		return NULL;
	text = inbound_text_clean(rest, (size_t)(end - rest), false,
	    DIAG_MAX);
	d = *text != '\0' ? diagnostic(text) : NULL;
	free(text);
	return d;
}

void
inbound_dsn_text(const char *text, struct inbound_dsn *d)
{
	const char *p, *end, *rest;
	char *status_line = NULL;

	for (p = text; p != NULL; p = line_next(p)) {
		end = line_end(p);
		for (size_t i = 0; i < sizeof copy_starts /
		    sizeof copy_starts[0]; i++)
			if (inbound_text_prefix(p, copy_starts[i]))
				goto done;
		if (d->rcpt == NULL &&
		    (d->rcpt = line_address(p, end, &rest)) != NULL &&
		    d->diagnostic == NULL)
			d->diagnostic = reason(rest);
		if (d->status == NULL &&
		    (d->status = find_status(p, end)) != NULL)
			status_line = xstrndup(p, (size_t)(end - p));
	}
done:
	if (d->diagnostic == NULL && status_line != NULL)
		d->diagnostic = diagnostic(status_line + strspn(status_line,
		    " "));
	free(status_line);
}

void
inbound_dsn_text_ids(const char *text, char ***v, size_t *n, size_t max)
{
	char *value;

	for (const char *p = text; p != NULL; p = line_next(p)) {
		if (!inbound_text_prefix(p, "Message-ID:"))
			continue;
		if ((value = inbound_dsn_field(p, "Message-ID")) != NULL) {
			inbound_text_msgids(value, false, v, n, max);
			free(value);
		}
	}
}

bool
inbound_dsn_permanent(const struct inbound_dsn *d, const char *subject)
{
	if (d->action == DSN_ACTION_FAILED)
		return true;
	if (d->action != DSN_ACTION_NONE)
		return false;
	if (d->status != NULL)
		return d->status[0] == '5';
	return subject == NULL || (strcasestr(subject, "delay") == NULL &&
	    strcasestr(subject, "warning") == NULL);
}
