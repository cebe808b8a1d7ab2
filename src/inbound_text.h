/*
 * inbound_text.h: the text of inbound mail, without any library: making
 * untrusted bytes safe to hand out, format=flowed, the new (unquoted)
 * part of a reply, Message-ID lists, and the calendar libical may read.
 */
#ifndef TB_INBOUND_TEXT_H
#define TB_INBOUND_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A clean copy of s[0..n): valid UTF-8 (each byte of an invalid sequence
 * becomes U+FFFD), without NUL, DEL, C0 or C1 control characters.  With
 * multiline, CR LF and a lone CR become LF and a TAB a space; without,
 * every TAB, CR and LF becomes a space, runs of spaces one, and the
 * result is trimmed.  At most cap bytes are returned (cut at a character
 * boundary).  Never NULL; caller frees.
 */
char *inbound_text_clean(const char *s, size_t n, bool multiline,
    size_t cap);

/* The longest single-line field handed out (subject, UID, comment). */
#define INBOUND_TEXT_LINE_MAX 1000

/* A clean one-line copy of s of at most INBOUND_TEXT_LINE_MAX bytes, or
 * NULL when s is NULL or cleans to nothing.  Caller frees. */
char *inbound_text_line(const char *s);

/* Lower-case the ASCII letters of s in place (addresses); returns s. */
char *inbound_text_lower(char *s);

/* Shorten valid UTF-8 s in place to at most cap bytes, at a character
 * boundary. */
void inbound_text_cut(char *s, size_t cap);

/*
 * Undo RFC 3676 format=flowed on clean LF text: a line ending in a space
 * joins the next line of the same quote depth (the space dropped when
 * delsp).  Caller frees.
 */
char *inbound_text_unflow(const char *s, bool delsp);

/*
 * The new text of a reply in clean LF text (see inbound.h): *first_line
 * its first non-empty line, trimmed, and *body_text all of it with blank
 * lines at either end dropped, capped at cap bytes.  Both allocated, or
 * both NULL when there is no new text.
 */
void inbound_text_reply(const char *body, size_t cap, char **first_line,
    char **body_text);

/*
 * Append to (*v)[0..*n) each Message-ID in a header value (the text of
 * every <...>, or the whole value when it has no <> and is one word with
 * an @), without <> or white space and cleaned, unless it is there
 * already; from the last one back when newest_first (References list the
 * oldest first).  Stops at max entries.  *v is allocated: free with
 * strv_free.
 */
void inbound_text_msgids(const char *value, bool newest_first, char ***v,
    size_t *n, size_t max);

/*
 * The calendar in clean LF text, unfolded (RFC 5545 section 3.1): from
 * its first BEGIN:VCALENDAR line to the END:VCALENDAR that closes it.
 * NULL when there is none, when its BEGIN and END lines do not nest (a
 * message cut short; libical would complain on stderr), or when a TZID
 * holds ".." (libical would open that path).  Caller frees.
 */
char *inbound_text_calendar(const char *text);

/* True when s starts with prefix, ASCII letter case aside. */
bool inbound_text_prefix(const char *s, const char *prefix);

#endif
