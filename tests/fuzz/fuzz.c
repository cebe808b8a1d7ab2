/* fuzz.c: input splitting and a scratch directory for the harnesses. */
#include "fuzz.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>

#include "book.h"
#include "config.h"
#include "util.h"

#ifndef SOURCE_TEMPLATES
#define SOURCE_TEMPLATES "templates"
#endif

char *
fuzz_string(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

void
fuzz_fields(const uint8_t *data, size_t size, char **fields, size_t n)
{
	const char *p = (const char *)data, *end = p + size, *nul;

	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && (nul = memchr(p, '\0', end - p)) != NULL) {
			fields[i] = xstrndup(p, nul - p);
			p = nul + 1;
		} else {
			fields[i] = xstrndup(p, end - p);
			p = end;
		}
	}
}

void
fuzz_fields_free(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(fields[i]);
		fields[i] = NULL;
	}
}

void
fuzz_input_done(void)
{
	icalmemory_free_ring();
}

static char tmpdir[64];

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
remove_tmpdir(void)
{
	nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_tmpdir(void)
{
	const char *base;

	if (tmpdir[0] != '\0')
		return tmpdir;
	if ((base = getenv("TMPDIR")) == NULL || strlen(base) > 40)
		base = "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/touchbase-fuzz.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		abort();
	}
	atexit(remove_tmpdir);
	return tmpdir;
}

static struct config book_cfg;
static struct book book;

static void
close_book(void)
{
	book_close(&book);
	config_reset(&book_cfg);
}

struct book *
fuzz_book(void)
{
	enum fault fault;
	char *path, *err = NULL;

	if (book.store != NULL)
		return &book;
	config_init(&book_cfg);
	free(book_cfg.templates_dir);
	book_cfg.templates_dir = xstrdup(SOURCE_TEMPLATES);
	path = xasprintf("%s/touchbase.db", fuzz_tmpdir());
	if (book_open(&book, path, true, &book_cfg, NULL, NULL, &fault,
	    &err) != 0)
		fuzz_fail("%s", err);
	free(path);
	/* Before fuzz_tmpdir's handler: closed, then removed. */
	atexit(close_book);
	return &book;
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
