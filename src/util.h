/*
 * util.h: memory helpers that die on exhaustion, error-message helpers and
 * a growable text buffer.  Everything here is safe to use from any module.
 */
#ifndef TB_UTIL_H
#define TB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define TB_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Print "touchbase: MESSAGE" to stderr and exit 70.  For out-of-memory and
 * broken invariants only; everything else returns an error. */
void fatal(const char *fmt, ...) TB_PRINTF(1, 2) __attribute__((noreturn));

/* Allocation wrappers: never return NULL, check multiplication overflow. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);		/* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) TB_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) TB_PRINTF(1, 0);

/*
 * Set *err (when err is not NULL) to a newly allocated message, freeing
 * any message already there.  Returns -1 so that callers can write
 * "return set_err(err, ...)".
 */
int set_err(char **err, const char *fmt, ...) TB_PRINTF(2, 3);

/* Prefix an existing *err with "PREFIX: ".  Returns -1. */
int prefix_err(char **err, const char *fmt, ...) TB_PRINTF(2, 3);

#ifdef __clang_analyzer__
/* The analyzer sees one file at a time: tell it what these return, or
 * it follows "return set_err(...)" as a success. */
#define set_err(...) (set_err(__VA_ARGS__), -1)
#define prefix_err(...) (prefix_err(__VA_ARGS__), -1)
#endif

/* True when s is NULL or "". */
static inline bool str_empty(const char *s) { return s == NULL || *s == '\0'; }

/*
 * struct buf: growable NUL-terminated text.  buf_init() before use,
 * buf_reset() frees.  Growth past BUF_MAX (256 MiB) is fatal: no text we
 * build legitimately reaches it.
 */
#define BUF_MAX (256u * 1024 * 1024)
struct buf {
	char	*data;	/* always NUL-terminated once anything was added */
	size_t	 len;
	size_t	 cap;
};

void buf_init(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) TB_PRINTF(2, 3);
/* Append s[0..len) with &, <, >, " and ' as HTML character references,
 * safe in element content and in quoted attribute values alike. */
void buf_add_html(struct buf *b, const char *s, size_t len);
/* The text ("" when empty); valid until the next change to b. */
const char *buf_str(const struct buf *b);
/* Hand the text to the caller (who frees it) and leave b empty. */
char *buf_steal(struct buf *b);

/* Free v[0..n) and v; NULL ok. */
void strv_free(char **v, size_t n);
/* A deep copy of v[0..n) (NULL when n is 0); free with strv_free. */
char **strv_copy(const char *const *v, size_t n);
/* The number of strings before v's terminating NULL; 0 for NULL. */
size_t strv_len(char *const *v);
/* Append s (the vector takes it over) to the *n strings of *v (NULL
 * when empty), keeping a NULL after the last, and count it in *n. */
void strv_add(char ***v, size_t *n, char *s);

/* Write all of data to fd, retrying short writes and EINTR.  Returns 0
 * or -1 with errno set. */
int write_all(int fd, const char *data, size_t len);

#endif
