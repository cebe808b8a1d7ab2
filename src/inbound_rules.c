/*
 * inbound_rules.c: the tables that tell a bounce and an auto-reply from a
 * person's mail.  Header fields say it when senders follow RFC 3834 and
 * RFC 2369; the subject and the sender say it for those that do not.
 */
#include "inbound_rules.h"

#include <string.h>
#include <strings.h>

#include "inbound_text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Fields that only an automatic sender or a list writes. */
static const char *const auto_fields[] = {
	"X-Autoreply", "X-Autorespond", "X-Autoresponder",
	"List-Id", "List-Unsubscribe", "X-MS-Exchange-Inbox-Rules-Loop",
};
static const char *const auto_precedences[] = {
	"bulk", "auto_reply", "list", "junk",
};
/* Out-of-office subjects as Exchange, Gmail and others write them. */
static const char *const auto_subjects[] = {
	"Out of Office", "Out of the Office", "Automatic reply",
	"Automatische Antwort", "Abwesenheitsnotiz", "Auto reply",
	"Auto-reply", "Autoreply", "Auto Response", "Auto-Response",
	"Réponse automatique", "Respuesta automática", "Risposta automatica",
	"Automatisch antwoord", "Resposta automática", "Autosvar",
};
static const char *const noreply_locals[] = {
	"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
	"do_not_reply",
};
/* Subjects of the bounces of Postfix, qmail, Exim, Sendmail, Exchange
 * (English, German, French) and Gmail. */
static const char *const bounce_subjects[] = {
	"Undelivered Mail Returned to Sender", "Undelivered Mail",
	"Undeliverable", "Unzustellbar", "Non remis", "failure notice",
	"Delivery Status Notification", "Mail delivery failed",
	"Mail Delivery Failure", "Returned mail", "Delivery Failure",
	"Delivery failed", "Delivery has failed", "Mail System Error",
	"Nondeliverable", "Non-deliverable", "Delayed Mail",
	"Warning: could not send message",
};
static const char *const daemon_locals[] = {
	"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon",
};
/* Fields every message has one of, or nearly. */
static const char *const mail_fields[] = {
	"From", "Sender", "Date", "Message-ID", "Received", "Return-Path",
	"Delivered-To", "X-Original-To", "To", "Cc", "Subject",
	"MIME-Version", "Content-Type", "In-Reply-To", "References",
	"Reply-To",
};

/* Is word one of list (letter case aside)? */
static bool
is_one_of(const char *word, size_t n, const char *const *list,
    size_t nlist)
{
	for (size_t i = 0; i < nlist; i++)
		if (strlen(list[i]) == n && strncasecmp(word, list[i], n) == 0)
			return true;
	return false;
}

/* Does s start with one of list (letter case aside)? */
static bool
starts_one_of(const char *s, const char *const *list, size_t nlist)
{
	for (size_t i = 0; s != NULL && i < nlist; i++)
		if (inbound_text_prefix(s, list[i]))
			return true;
	return false;
}

/* The first word of a field's value ("auto-replied; owner=..."). */
static size_t
first_word(const char **value)
{
	*value += strspn(*value, " \t");
	return strcspn(*value, " \t;(");
}

/* The length of the field name starting line p[0..len), or 0 when the
 * line is no "Name:" field. */
static size_t
field_name(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] > ' ' && p[n] < 0x7f && p[n] != ':')
		n++;
	return n > 0 && n < len && p[n] == ':' ? n : 0;
}

bool
inbound_rules_is_mail(const char *raw, size_t len, size_t *start)
{
	const char *p = raw, *end = raw + len, *nl;
	size_t n;
	bool first = true;

	*start = 0;
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		if ((nl = memchr(raw, '\n', len)) == NULL)
			return false;
		*start = (size_t)(nl + 1 - raw);
		p = nl + 1;
	}
	for (; p < end && *p != '\n' && *p != '\r'; first = false) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = field_name(p, (size_t)((nl != NULL ? nl : end) - p));
		if (n == 0 && (first || (*p != ' ' && *p != '\t')))
			return false;
		if (n > 0 && is_one_of(p, n, mail_fields, COUNT(mail_fields)))
			return true;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

const char *
inbound_rules_header(const struct inbound_header *h, size_t n,
    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(h[i].name, name) == 0)
			return h[i].value;
	return NULL;
}

/* Is the local part of address from (may be NULL) one of list, or, with
 * prefix, does it start with it? */
static bool
local_is(const char *from, const char *const *list, size_t nlist,
    const char *prefix)
{
	const char *at = from != NULL ? strrchr(from, '@') : NULL;

	if (at == NULL)
		return false;
	if (prefix != NULL && inbound_text_prefix(from, prefix))
		return true;
	return is_one_of(from, (size_t)(at - from), list, nlist);
}

static bool
null_return_path(const struct inbound_header *h, size_t n)
{
	const char *rp = inbound_rules_header(h, n, "Return-Path");

	return rp != NULL && strcmp(rp + strspn(rp, " "), "<>") == 0;
}

bool
inbound_rules_bounce(const struct inbound_header *h, size_t n,
    const char *subject, const char *from)
{
	bool daemon = local_is(from, daemon_locals, COUNT(daemon_locals),
	    "microsoftexchange");
	bool failed_rcpts = inbound_rules_header(h, n,
	    "X-Failed-Recipients") != NULL;

	if (daemon && failed_rcpts)
		return true;
	if (!starts_one_of(subject, bounce_subjects, COUNT(bounce_subjects)))
		return false;
	return daemon || failed_rcpts || null_return_path(h, n) ||
	    inbound_rules_header(h, n, "X-MS-Exchange-Message-Is-Ndr") != NULL;
}

bool
inbound_rules_autoreply(const struct inbound_header *h, size_t n,
    const char *subject, const char *from)
{
	const char *v;
	size_t len;
	int hints = 0;

	if ((v = inbound_rules_header(h, n, "Auto-Submitted")) != NULL) {
		len = first_word(&v);
		if (!(len == 2 && strncasecmp(v, "no", 2) == 0))
			return true;
	}
	if ((v = inbound_rules_header(h, n, "Precedence")) != NULL) {
		len = first_word(&v);
		if (is_one_of(v, len, auto_precedences,
		    COUNT(auto_precedences)))
			return true;
	}
	for (size_t i = 0; i < COUNT(auto_fields); i++)
		if (inbound_rules_header(h, n, auto_fields[i]) != NULL)
			return true;
	if (starts_one_of(subject, auto_subjects, COUNT(auto_subjects)))
		return true;
	/* Hints: Outlook sets X-Auto-Response-Suppress on mail people
	 * write too, so it counts only with another. */
	hints += inbound_rules_header(h, n, "X-Auto-Response-Suppress") !=
	    NULL;
	hints += null_return_path(h, n);
	hints += local_is(from, noreply_locals, COUNT(noreply_locals), NULL);
	return hints >= 2;
}
