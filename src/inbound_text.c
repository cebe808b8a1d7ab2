/*
 * inbound_text.c: the text of inbound mail made safe and reduced to what
 * a person wrote: cleaning, format=flowed, quoted text, Message-ID lists,
 * and the calendar libical may see.  No library: what
 * it is given is bytes or clean text, never trusted to be well formed.
 */
#include "inbound_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */
#define MSGID_MAX	998		/* a header line's length */

/* One line of a text: start and length without the LF. */
struct line {
	const char	*p;
	size_t		 n;
};

/* Attribution lines: "On DATE, NAME wrote:", "Am DATE schrieb NAME:". */
static const char *const attribution_openers[] = {
	"On ", "Am ", "Le ", "El ", "Il ", "Op ", "Den ", "Em ", "W dniu ",
};
static const char *const attribution_verbs[] = {
	"wrote", "schrieb", "a écrit", "escribió", "ha scritto", "schreef",
	"geschreven", "skrev", "napisał", "escreveu", "kirjoitti",
};
/* Outlook's header block over the message replied to: "From:" then,
 * within a few lines, "Sent:" (or Outlook for Mac's "Date:"). */
static const char *const block_from[] = {
	"From:", "Von:", "De:", "De :", "Da:", "Van:", "Fra:",
};
static const char *const block_sent[] = {
	"Sent:", "Date:", "Gesendet:", "Datum:", "Envoyé :",
	"Envoyé:", "Enviado:", "Inviato:", "Verzonden:", "Sendt:",
};
/* "-----Original Message-----" and its kin, dashes stripped. */
static const char *const separators[] = {
	"Original Message", "Forwarded message", "Ursprüngliche Nachricht",
	"Weitergeleitete Nachricht", "Message d'origine",
	"Mensaje original", "Messaggio originale", "Oorspronkelijk bericht",
	"Opprinnelig melding",
};

bool
inbound_text_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Add one ASCII byte of untrusted text under the rule of _clean(). */
static void
clean_ascii(struct buf *b, const unsigned char *u, size_t i, size_t n,
    bool multiline)
{
	unsigned char c = u[i];

	if (c == '\r' && multiline) {
		if (i + 1 == n || u[i + 1] != '\n')
			buf_addc(b, '\n');
	} else if (c == '\n' && multiline)
		buf_addc(b, '\n');
	else if (c == '\t' || c == '\r' || c == '\n' || c == ' ') {
		/* One line: runs of white space become one space. */
		if (multiline || (b->len > 0 && b->data[b->len - 1] != ' '))
			buf_addc(b, ' ');
	} else if (c >= 0x20 && c != 0x7f)
		buf_addc(b, (char)c);
}

char *
inbound_text_clean(const char *s, size_t n, bool multiline, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t len;

	buf_init(&b);
	buf_adds(&b, "");
	for (size_t i = 0; i < n && b.len <= cap; i += len) {
		if ((len = text_utf8_seq(u + i, n - i)) == 0) {
			buf_adds(&b, REPLACEMENT);
			len = 1;
		} else if (len == 1)
			clean_ascii(&b, u, i, n, multiline);
		else if (!(len == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0))
			buf_add(&b, u + i, len);	/* all but C1 controls */
	}
	if (!multiline && b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	inbound_text_cut(b.data, cap);
	return buf_steal(&b);
}

char *
inbound_text_line(const char *s)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = inbound_text_clean(s, strlen(s), false, INBOUND_TEXT_LINE_MAX);
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	return c;
}

char *
inbound_text_lower(char *s)
{
	for (char *c = s; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return s;
}

void
inbound_text_cut(char *s, size_t cap)
{
	if (strlen(s) <= cap)
		return;
	while (cap > 0 && ((unsigned char)s[cap] & 0xc0) == 0x80)
		cap--;
	s[cap] = '\0';
}

/* The next line of text at *p (advanced past it); false at the end. */
static bool
next_line(const char **p, struct line *l)
{
	const char *nl;

	if (**p == '\0')
		return false;
	l->p = *p;
	nl = strchr(*p, '\n');
	l->n = nl != NULL ? (size_t)(nl - *p) : strlen(*p);
	*p += l->n + (nl != NULL);
	return true;
}

char *
inbound_text_unflow(const char *s, bool delsp)
{
	struct buf b;
	struct line l;
	size_t depth, off, end;
	bool open = false, flowed;
	size_t open_depth = 0;

	buf_init(&b);
	buf_adds(&b, "");
	while (next_line(&s, &l)) {
		for (depth = 0; depth < l.n && l.p[depth] == '>'; depth++)
			;
		off = depth + (depth < l.n && l.p[depth] == ' ');
		flowed = l.n > off && l.p[l.n - 1] == ' ' &&
		    !(l.n - off == 3 && memcmp(l.p + off, "-- ", 3) == 0);
		if (open && open_depth != depth) {
			buf_addc(&b, '\n');	/* a quote level ends a paragraph */
			open = false;
		}
		if (!open) {
			for (size_t i = 0; i < depth; i++)
				buf_addc(&b, '>');
			if (depth > 0)
				buf_addc(&b, ' ');
		}
		end = flowed && delsp ? l.n - 1 : l.n;
		buf_add(&b, l.p + off, end - off);
		open = flowed;
		open_depth = depth;
		if (!flowed)
			buf_addc(&b, '\n');
	}
	return buf_steal(&b);
}

/* l without the white space (and no-break spaces) at either end. */
static struct line
trimmed(struct line l)
{
	for (;;) {
		if (l.n > 0 && (l.p[0] == ' ' || l.p[0] == '\t')) {
			l.p++;
			l.n--;
		} else if (l.n > 1 && memcmp(l.p, "\xc2\xa0", 2) == 0) {
			l.p += 2;
			l.n -= 2;
		} else if (l.n > 0 && (l.p[l.n - 1] == ' ' ||
		    l.p[l.n - 1] == '\t'))
			l.n--;
		else if (l.n > 1 && memcmp(l.p + l.n - 2, "\xc2\xa0", 2) == 0)
			l.n -= 2;
		else
			return l;
	}
}

/* The index of the first of words that l starts (or with at_end, ends)
 * with, letter case aside; -1 when none. */
static int
line_has(struct line l, const char *const *words, size_t nwords,
    bool at_end)
{
	for (size_t i = 0; i < nwords; i++) {
		size_t n = strlen(words[i]);

		if (l.n >= n && strncasecmp(at_end ? l.p + l.n - n : l.p,
		    words[i], n) == 0)
			return (int)i;
	}
	return -1;
}

#define HAS(l, words, end) \
	(line_has((l), (words), sizeof(words) / sizeof((words)[0]), (end)) >= 0)

/* Trimmed line i, and without the "*" of a bold HTML label. */
static struct line
plain(const struct line *ls, size_t i)
{
	struct line l = trimmed(ls[i]);

	while (l.n > 0 && l.p[0] == '*') {
		l.p++;
		l.n--;
	}
	return l;
}

/* Does line i start what the reply quotes (its end of new text)? */
static bool
is_stop(const struct line *ls, size_t i, size_t n)
{
	struct line l = trimmed(ls[i]), core = l;
	size_t dashes = 0, under = 0;

	if (l.n == 2 && memcmp(l.p, "--", 2) == 0)
		return true;	/* "-- " signature, its space maybe lost */
	while (under < l.n && l.p[under] == '_')
		under++;
	if (under >= 10 && under == l.n)
		return true;	/* Outlook's rule over the quoted message */
	while (core.n > 0 && core.p[0] == '-') {
		core.p++;
		core.n--;
		dashes++;
	}
	while (core.n > 0 && (core.p[core.n - 1] == '-' ||
	    core.p[core.n - 1] == ' '))
		core.n--;
	core = trimmed(core);
	if (dashes >= 2 && HAS(core, separators, false))
		return true;
	if (inbound_text_prefix(l.p, "Begin forwarded message:"))
		return true;
	if (!HAS(plain(ls, i), block_from, false))
		return false;
	for (size_t j = i + 1; j < n && j <= i + 4; j++)
		if (HAS(plain(ls, j), block_sent, false))
			return true;
	return false;
}

static bool
is_quoted(struct line l)
{
	l = trimmed(l);
	return l.n > 0 && l.p[0] == '>';
}

/* Does l hold word, letter case aside? */
static bool
line_contains(struct line l, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= l.n; i++)
		if (strncasecmp(l.p + i, word, n) == 0)
			return true;
	return false;
}

/* Does l end an attribution: a verb of saying, then a colon? */
static bool
says(struct line l)
{
	if (l.n == 0 || l.p[l.n - 1] != ':')
		return false;
	for (size_t i = 0; i < sizeof attribution_verbs /
	    sizeof attribution_verbs[0]; i++)
		if (line_contains(l, attribution_verbs[i]))
			return true;
	return false;
}

/* Lines an attribution at line i takes: one, two when a client wrapped
 * it, 0 when it is none.  Without an opener ("Partnerships wrote:") it
 * must be followed by quoted text. */
static size_t
attribution(const struct line *ls, size_t i, size_t n)
{
	struct line l = trimmed(ls[i]);
	bool opens = HAS(l, attribution_openers, false);
	size_t j;

	if (says(l)) {
		if (opens)
			return 1;
		for (j = i + 1; j < n && trimmed(ls[j]).n == 0; j++)
			;
		return j < n && is_quoted(ls[j]) ? 1 : 0;
	}
	if (opens && i + 1 < n && says(trimmed(ls[i + 1])))
		return 2;
	return 0;
}

/* Split text into lines; *n set.  The array borrows text. */
static struct line *
split_lines(const char *text, size_t *n)
{
	struct line *ls = NULL, l;
	size_t cap = 0;

	*n = 0;
	while (next_line(&text, &l)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			ls = xreallocarray(ls, cap, sizeof *ls);
		}
		ls[(*n)++] = l;
	}
	return ls;
}

/* Append line l to b, trimmed at its end (and at its start when it is
 * the first), keeping one blank line at most between others and none at
 * the start. */
static void
add_kept(struct buf *b, struct line l, size_t *blanks)
{
	struct line t = trimmed(l);

	if (t.n == 0) {
		*blanks += b->len > 0;
		return;
	}
	if (b->len > 0) {
		buf_adds(b, *blanks > 0 ? "\n\n" : "\n");
		l.n = (size_t)(t.p - l.p) + t.n;	/* keep the indent */
	} else
		l = t;
	*blanks = 0;
	buf_add(b, l.p, l.n);
}

void
inbound_text_reply(const char *body, size_t cap, char **first_line,
    char **body_text)
{
	struct line *ls, first = { NULL, 0 };
	struct buf b;
	size_t n, span, blanks = 0;

	*first_line = *body_text = NULL;
	ls = split_lines(body, &n);
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (is_stop(ls, i, n))
			break;
		if (is_quoted(ls[i]))
			continue;
		if ((span = attribution(ls, i, n)) > 0) {
			i += span - 1;
			continue;
		}
		if (first.p == NULL && trimmed(ls[i]).n > 0)
			first = trimmed(ls[i]);
		add_kept(&b, ls[i], &blanks);
	}
	free(ls);
	if (first.p == NULL) {
		buf_reset(&b);
		return;
	}
	*first_line = xstrndup(first.p, first.n);
	inbound_text_cut(*first_line, cap);
	*body_text = buf_steal(&b);
	inbound_text_cut(*body_text, cap);
}

/*
 * Does the calendar line l (unfolded) begin (1) or end (-1) a component,
 * with *name set to what follows the colon?  0 for a property; 2 for a
 * BEGIN or END with parameters, which nothing writes.  A line's name runs
 * to its first ";" or ":", as libical reads it, which counts every BEGIN
 * and END so named, whatever their value.
 */
static int
begin_end(struct line l, struct line *name)
{
	size_t n = 0;
	int kind;

	while (n < l.n && l.p[n] != ':' && l.p[n] != ';')
		n++;
	if (n == 5 && strncasecmp(l.p, "BEGIN", 5) == 0)
		kind = 1;
	else if (n == 3 && strncasecmp(l.p, "END", 3) == 0)
		kind = -1;
	else
		return 0;
	if (n == l.n || l.p[n] == ';')
		return 2;
	*name = trimmed((struct line){ l.p + n + 1, l.n - n - 1 });
	return kind;
}

/*
 * Does the unfolded calendar line l name a zone outside the zone
 * directory?  libical 3.0 opens the file ZONEINFO/TZID for a TZID it
 * does not know: "../../etc/x" reads any file, and a FIFO or terminal
 * there blocks for ever.  No zone name holds "..".
 */
static bool
tzid_escapes(struct line l)
{
	bool quoted = false, q;
	size_t i, end;

	/* A VTIMEZONE's own TZID property. */
	if (l.n > 5 && strncasecmp(l.p, "TZID", 4) == 0 &&
	    (l.p[4] == ':' || l.p[4] == ';'))
		return line_contains(l, "..");
	/* A TZID= parameter, up to the ; or : that ends its value. */
	for (i = 0; i < l.n && (quoted || l.p[i] != ':'); i++) {
		if (l.p[i] == '"')
			quoted = !quoted;
		if (quoted || l.p[i] != ';' || i + 6 > l.n ||
		    strncasecmp(l.p + i + 1, "TZID=", 5) != 0)
			continue;
		for (end = i + 6, q = false; end < l.n && (q ||
		    (l.p[end] != ';' && l.p[end] != ':')); end++)
			if (l.p[end] == '"')
				q = !q;
		if (line_contains((struct line){ l.p + i, end - i }, ".."))
			return true;
	}
	return false;
}

char *
inbound_text_calendar(const char *text)
{
	struct line open[32], l, name;
	const char *p = text, *start = NULL;
	struct buf b;
	size_t depth = 0;
	char *cal = NULL;
	int kind;

	buf_init(&b);
	buf_adds(&b, "");
	for (; *p != '\0'; p++)	/* a fold is a line break and a blank */
		if (!(*p == '\n' && (p[1] == ' ' || p[1] == '\t')))
			buf_addc(&b, *p);
		else
			p++;
	for (p = b.data; next_line(&p, &l);) {
		kind = begin_end(l, &name);
		if (start == NULL) {
			if (kind != 1 || name.n != 9 ||
			    strncasecmp(name.p, "VCALENDAR", 9) != 0)
				continue;
			start = l.p;
		}
		if (kind == 2 || tzid_escapes(l) || (kind == 1 &&
		    depth == sizeof open / sizeof open[0]))
			break;
		if (kind == 1)
			open[depth++] = name;
		else if (kind == -1 && (depth == 0 || open[depth - 1].n !=
		    name.n || strncasecmp(open[depth - 1].p, name.p,
		    name.n) != 0))
			break;
		else if (kind == -1 && --depth == 0) {
			cal = xstrndup(start, (size_t)(l.p + l.n - start));
			break;
		}
	}
	buf_reset(&b);
	return cal;
}

/* Add the Message-ID id[0..n) to v unless it is there or empty. */
static void
msgid_add(const char *id, size_t n, char ***v, size_t *nv)
{
	char *clean = inbound_text_clean(id, n, false, MSGID_MAX), *d, *s;

	/* Clients fold long IDs: no white space belongs in one. */
	for (s = d = clean; *s != '\0'; s++)
		if (*s != ' ')
			*d++ = *s;
	*d = '\0';
	for (size_t i = 0; i < *nv && *clean != '\0'; i++)
		if (strcmp((*v)[i], clean) == 0)
			*clean = '\0';
	if (*clean == '\0' || strpbrk(clean, "<>") != NULL) {
		free(clean);
		return;
	}
	/* Grow in powers of two: *nv only ever grows by one. */
	if ((*nv & (*nv - 1)) == 0)
		*v = xreallocarray(*v, *nv ? *nv * 2 : 1, sizeof **v);
	(*v)[(*nv)++] = clean;
}

/* The bare form: one word holding an @, as some mailers write it. */
static void
msgid_bare(const char *value, char ***v, size_t *n)
{
	const char *p = value + strspn(value, " \t\r\n");
	size_t len = strcspn(p, " \t\r\n");

	if (len > 0 && p[len + strspn(p + len, " \t\r\n")] == '\0' &&
	    memchr(p, '@', len) != NULL)
		msgid_add(p, len, v, n);
}

void
inbound_text_msgids(const char *value, bool newest_first, char ***v,
    size_t *n, size_t max)
{
	const char *lt, *gt, *end = value + strlen(value), *p = value;
	bool any = false;

	while (*n < max) {
		if (newest_first) {
			gt = memrchr(value, '>', (size_t)(end - value));
			lt = gt != NULL ? memrchr(value, '<',
			    (size_t)(gt - value)) : NULL;
			if (lt == NULL)
				break;
			end = lt;
		} else {
			lt = strchr(p, '<');
			gt = lt != NULL ? strchr(lt + 1, '>') : NULL;
			if (gt == NULL)
				break;
			p = gt + 1;
		}
		any = true;
		msgid_add(lt + 1, (size_t)(gt - lt - 1), v, n);
	}
	if (!any && *n < max)
		msgid_bare(value, v, n);
}
