/* text.c: the UTF-8 and control-character rule for untrusted text. */
#include <stdint.h>
#include <string.h>

#include "text.h"
#include "util.h"

size_t
text_utf8_seq(const unsigned char *s, size_t n)
{
	size_t need = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
	uint32_t cp = s[0] & (0x3f >> need);

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4 || need >= n)
		return 0;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

bool
text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;

	for (size_t i = 0; i < n; i += len)
		if ((len = text_utf8_seq(u + i, n - i)) == 0)
			return false;
	return true;
}

int
text_check(const char *field, const char *s, enum text_kind kind, char **err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, len;

	if (s == NULL)
		return 0;
	n = strlen(s);
	for (size_t i = 0; i < n; i += len) {
		if ((len = text_utf8_seq(u + i, n - i)) == 0)
			return set_err(err, "%s: is not valid UTF-8 (byte %zu)",
			    field, i + 1);
		if ((u[i] >= 0x20 && u[i] != 0x7f) || u[i] == '\t')
			continue;
		if (kind == TEXT_MULTILINE && (u[i] == '\n' ||
		    (u[i] == '\r' && u[i + 1] == '\n')))
			continue;
		if (kind == TEXT_LINE && (u[i] == '\n' || u[i] == '\r'))
			return set_err(err, "%s: must be one line", field);
		return set_err(err, "%s: has a control character (\\x%02x at "
		    "byte %zu)", field, u[i], i + 1);
	}
	return 0;
}

int
text_check_field(const char *field, const char *s, enum text_kind kind,
    char **err)
{
	size_t n = s != NULL ? strlen(s) : 0;
	size_t max = kind == TEXT_LINE ? TEXT_LINE_MAX : TEXT_MULTILINE_MAX;

	/* A field has to fit where it goes: a subject line, a calendar
	 * summary, a terminal; a note a page of text. */
	if (n > max)
		return set_err(err, "%s: is too long (%zu bytes; at most %zu)",
		    field, n, max);
	return text_check(field, s, kind, err);
}
