/*
 * inbound_html.c: the text a person sees in an HTML body, enough to find
 * the first line of a reply written in Outlook on the web or a phone:
 * no layout, no CSS; blocks, line breaks, quotes and rules kept.
 */
#include "inbound_html.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

/* HTML to text: the output being built. */
struct html {
	struct buf	 out;
	int		 quote;		/* <blockquote> depth */
	bool		 line_start;	/* nothing on the current line yet */
};

/* Elements whose content is not text, and those that break a line. */
static const char *const html_skipped[] = {
	"head", "style", "script", "title", "template",
};
static const char *const html_blocks[] = {
	"p", "div", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd",
	"h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "article",
	"header", "footer", "address", "center", "form", "body",
};
static const struct {
	const char	*name;
	const char	*text;
} html_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "ndash", "–" }, { "mdash", "—" },
	{ "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" }, { "rdquo", "”" },
	{ "hellip", "…" }, { "bull", "•" }, { "copy", "©" }, { "reg", "®" },
	{ "euro", "€" },
};

static bool
in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* End the current line, if anything is on it. */
static void
html_break(struct html *h)
{
	while (h->out.len > 0 && h->out.data[h->out.len - 1] == ' ')
		h->out.data[--h->out.len] = '\0';
	if (!h->line_start)
		buf_addc(&h->out, '\n');
	h->line_start = true;
}

/* Add text s[0..n) (one character, or a word from an entity). */
static void
html_add(struct html *h, const char *s, size_t n)
{
	if (n == 1 && (*s == ' ' || *s == '\n')) {
		if (!h->line_start && h->out.data[h->out.len - 1] != ' ')
			buf_addc(&h->out, ' ');
		return;
	}
	if (h->line_start)
		for (int i = 0; i < h->quote; i++)
			buf_adds(&h->out, "> ");
	h->line_start = false;
	buf_add(&h->out, s, n);
}

/* Encode code point cp as UTF-8 into out (4 bytes); its length, or 0
 * for a control character or what is no character at all. */
static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The character reference at p ("&amp;", "&#233;", "&#xe9;") added to
 * h; returns the bytes it took, 0 when p starts none (a plain &). */
static size_t
html_entity(struct html *h, const char *p)
{
	const char *semi = p + 1;
	size_t n, len;
	uint32_t cp = 0;
	char utf8[4];

	while (semi - p < 12 && *semi != '\0' && strchr(";<& \n", *semi) ==
	    NULL)
		semi++;
	n = (size_t)(semi - p);
	if (*semi != ';' || n < 2)
		return 0;
	if (p[1] == '#') {
		bool hex = p[2] == 'x' || p[2] == 'X';

		for (const char *d = p + 2 + hex; d < semi; d++) {
			int v = strchr("0123456789", *d) != NULL ? *d - '0' :
			    hex && strchr("abcdefABCDEF", *d) != NULL ?
			    (*d | 0x20) - 'a' + 10 : -1;
			if (v < 0 || cp > 0x10ffff)
				return 0;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		if (cp == 0xa0)
			cp = ' ';
		if ((len = utf8_encode(cp, utf8)) > 0)
			html_add(h, utf8, len);
		return n + 1;
	}
	for (size_t i = 0; i < sizeof html_entities / sizeof html_entities[0];
	    i++)
		if (strlen(html_entities[i].name) == n - 1 &&
		    strncmp(p + 1, html_entities[i].name, n - 1) == 0) {
			html_add(h, html_entities[i].text,
			    strlen(html_entities[i].text));
			return n + 1;
		}
	return 0;
}

/* What tag name does to the text: breaks, quotes, rules. */
static void
html_element(struct html *h, const char *name, bool closing)
{
	if (strcmp(name, "br") == 0) {
		if (h->line_start)
			buf_addc(&h->out, '\n');
		html_break(h);
	} else if (strcmp(name, "hr") == 0) {
		html_break(h);
		buf_adds(&h->out, "________________________________\n");
	} else if (strcmp(name, "blockquote") == 0) {
		html_break(h);
		h->quote += closing ? -(h->quote > 0) : 1;
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		html_add(h, " ", 1);
	else if (in_list(name, html_blocks, sizeof html_blocks /
	    sizeof html_blocks[0]))
		html_break(h);
}

/* Past the end of the tag (or comment, or skipped element) at p, which
 * is '<'; the text up to it handled.  NULL when p starts no tag. */
static const char *
html_tag(struct html *h, const char *p)
{
	const char *q = p + 1 + (p[1] == '/'), *end;
	char name[16], close[20];
	size_t n = 0;

	if (strncmp(p, "<!--", 4) == 0)
		return (end = strstr(p + 4, "-->")) ? end + 3 : p + strlen(p);
	if (p[1] == '!' || p[1] == '?')
		return (end = strchr(p, '>')) ? end + 1 : p + strlen(p);
	while (n < sizeof name - 1 && (((*q | 0x20) >= 'a' &&
	    (*q | 0x20) <= 'z') || (n > 0 && *q >= '0' && *q <= '9')))
		name[n++] = (char)(*q++ | 0x20);
	name[n] = '\0';
	if (n == 0)
		return NULL;
	for (end = q; *end != '\0' && *end != '>'; end++)
		if ((*end == '"' || *end == '\'') && strchr(end + 1, *end))
			end = strchr(end + 1, *end);
	end += *end == '>';
	if (p[1] != '/' && in_list(name, html_skipped, sizeof html_skipped /
	    sizeof html_skipped[0])) {
		snprintf(close, sizeof close, "</%s", name);
		if ((end = strcasestr(end, close)) == NULL)
			return p + strlen(p);
		return (q = strchr(end, '>')) ? q + 1 : p + strlen(p);
	}
	html_element(h, name, p[1] == '/');
	return end;
}

char *
inbound_html_text(const char *html)
{
	struct html h = { .line_start = true };
	const char *p = html, *next;
	size_t n;

	buf_init(&h.out);
	buf_adds(&h.out, "");
	while (*p != '\0') {
		if (*p == '<' && (next = html_tag(&h, p)) != NULL) {
			p = next;
			continue;
		}
		if (*p == '&' && (n = html_entity(&h, p)) > 0) {
			p += n;
			continue;
		}
		if (strncmp(p, "\xc2\xa0", 2) == 0) {
			html_add(&h, " ", 1);
			p += 2;
			continue;
		}
		/* The text is clean: a NUL ends any sequence early. */
		n = text_utf8_seq((const unsigned char *)p, 4);
		n = n == 0 ? 1 : n;
		html_add(&h, p, n);
		p += n;
	}
	html_break(&h);
	return buf_steal(&h.out);
}
