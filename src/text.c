/* text.c: the UTF-8 and control-character rule for untrusted text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* Code point ranges, sorted. */
struct cp_range {
	uint32_t	first;
	uint32_t	last;
};

/* Zero width: combining marks, zero-width spaces and joiners, variation
 * selectors. */
static const struct cp_range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
	{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
	{ 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0x302a, 0x302d },
	{ 0x3099, 0x309a }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
};

/* Two columns: East Asian Wide and Fullwidth (Unicode 15 EastAsianWidth
 * W and F, the large blocks). */
static const struct cp_range double_width[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x3029 },
	{ 0x302e, 0x303e }, { 0x3041, 0x3096 }, { 0x309b, 0x33ff },
	{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
	{ 0xa960, 0xa97f }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
	{ 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff },
	{ 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf },
	{ 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 },
	{ 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c },
	{ 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 },
	{ 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e },
	{ 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d },
	{ 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a },
	{ 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f },
	{ 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 },
	{ 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc },
	{ 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 },
	{ 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd },
	{ 0x30000, 0x3fffd },
};

static bool
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* The width of the character at s (len bytes, valid UTF-8). */
static size_t
char_width(const unsigned char *s, size_t len)
{
	uint32_t cp = len == 1 ? s[0] : s[0] & (0x7f >> len);

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
		return 0;
	if (in_ranges(cp, double_width,
	    sizeof double_width / sizeof double_width[0]))
		return 2;
	return 1;
}

/* The next character of s: its length in *len (an invalid byte is one),
 * and its width. */
static size_t
next_char(const unsigned char *s, size_t left, size_t *len)
{
	if ((*len = text_utf8_seq(s, left)) == 0) {
		*len = 1;
		return 1;
	}
	return char_width(s, *len);
}

size_t
text_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, len;

	for (size_t i = 0; i < n; i += len)
		w += next_char(u + i, n - i, &len);
	return w;
}

char *
text_fit(const char *s, size_t width)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, len, cw, cut = 0;
	struct buf out;

	if (text_width(s) <= width)
		return xstrdup(s);
	if (width == 0)
		return xstrdup("");
	/* Keep what fits in width - 1 columns; the ellipsis takes one. */
	for (size_t i = 0; i < n; i += len) {
		cw = next_char(u + i, n - i, &len);
		if (w + cw > width - 1)
			break;
		w += cw;
		cut = i + len;
	}
	buf_init(&out);
	buf_add(&out, s, cut);
	buf_adds(&out, "\xe2\x80\xa6");
	return buf_steal(&out);
}

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
