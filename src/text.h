/*
 * text.h: the one rule for text that enters touchbase from people and
 * files: valid UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF), no NUL, and no control characters but TAB (white space to
 * mail and calendars alike) and the line breaks a multi-line field may
 * hold.
 */
#ifndef TB_TEXT_H
#define TB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

enum text_kind {
	TEXT_LINE,		/* one line: TAB, no other control character */
	TEXT_MULTILINE		/* LF and CR LF allowed too (notes) */
};

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
size_t text_utf8_seq(const unsigned char *s, size_t n);

/* True when s[0..n) is valid UTF-8 (NUL bytes count as valid). */
bool text_utf8_valid(const char *s, size_t n);

/*
 * Check s (NUL-terminated) against the rule for kind.  Returns 0, or -1
 * with *err = "FIELD: is not valid UTF-8 (byte 4)" or "FIELD: has a
 * control character (\x1b at byte 3)" or "FIELD: must be one line".
 * NULL is accepted (an absent field).
 */
int text_check(const char *field, const char *s, enum text_kind kind,
    char **err);

/* The longest field of each kind a person enters into the book. */
#define TEXT_LINE_MAX		1000
#define TEXT_MULTILINE_MAX	(64 * 1024)

/*
 * text_check, for a field of the book (a name, a role, notes): also at
 * most TEXT_LINE_MAX or TEXT_MULTILINE_MAX bytes, else *err = "FIELD: is
 * too long (1200 bytes; at most 1000)".
 */
int text_check_field(const char *field, const char *s, enum text_kind kind,
    char **err);

/*
 * Display width on a terminal of valid UTF-8 s (NUL-terminated), by the
 * rule of wcwidth(3) without its locale: East Asian wide and fullwidth
 * characters (CJK, Hangul, fullwidth forms, most emoji) take two
 * columns, combining marks and zero-width characters none, the rest
 * one.  An invalid byte counts as one column.
 */
size_t text_width(const char *s);

/*
 * A copy of s that fits width columns: s itself when it does, else its
 * longest prefix that fits with "…" (U+2026) after it, cut between
 * whole characters.  width 0 gives "".  Caller frees.
 */
char *text_fit(const char *s, size_t width);

#endif
