/* cmd.c: helpers shared by the command files. */
#include "cmd.h"
#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
}

void
cmd_error_lines(const char *text)
{
	size_t n;

	for (const char *p = text; *p != '\0'; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		cmd_error("%.*s", (int)n, p);
	}
}

enum cmd_status
cmd_print_usage(const struct cmd_usage *u, bool help)
{
	FILE *f = help ? stdout : stderr;

	fprintf(f, "usage: touchbase %s\n", u->synopsis);
	if (help && u->help != NULL)
		fprintf(f, "\n%s", u->help);
	else if (!help)
		fprintf(f, "Run \"touchbase %.*s --help\" for details.\n",
		    (int)strcspn(u->synopsis, " "), u->synopsis);
	return help ? CMD_OK : CMD_USAGE;
}

enum cmd_status
cmd_usage_error(const struct cmd_usage *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
	return cmd_print_usage(u, false);
}

enum cmd_status
cmd_fault_status(enum fault f)
{
	switch (f) {
	case FAULT_LOCKED:
		return CMD_TEMPFAIL;
	case FAULT_IO:
		return CMD_IOERR;
	case FAULT_NOPERM:
		return CMD_NOPERM;
	case FAULT_NOTDB:
		return CMD_DATAERR;
	case FAULT_MISSING:
		return CMD_NOINPUT;
	default:
		return CMD_SOFTWARE;
	}
}

enum cmd_status
cmd_book_status(const struct book *book, int rc, char *err)
{
	if (rc != 0 && err != NULL)
		cmd_error("%s", err);
	free(err);
	switch (rc) {
	case BOOK_OK:
		return CMD_OK;
	case BOOK_INVALID:
	case BOOK_NOT_FOUND:
	case BOOK_EXISTS:
		return CMD_DATAERR;
	default:
		return cmd_fault_status(book != NULL ? book_fault(book) :
		    FAULT_NONE);
	}
}

enum cmd_status
cmd_open_book(struct cmd_ctx *ctx, struct book *book)
{
	enum fault fault = FAULT_NONE;
	char *err = NULL;
	int rc;

	rc = book_open(book, ctx->db_path, false, &ctx->cfg, NULL, NULL, &fault,
	    &err);
	if (rc != 0)
		cmd_error("%s", err);
	free(err);
	if (rc == BOOK_INVALID)
		return CMD_CONFIG;
	return rc == 0 ? CMD_OK : cmd_fault_status(fault);
}

void
cmd_close_book(struct book *book)
{
	book_close(book);
}

enum cmd_status
cmd_open_composer(struct cmd_ctx *ctx, struct book *book,
    struct composer *composer)
{
	enum cmd_status st;
	char *err = NULL;

	if ((st = cmd_open_book(ctx, book)) != CMD_OK)
		return st;
	if (composer_init(composer, book, &err) != 0) {
		cmd_error("%s", err);
		free(err);
		cmd_close_book(book);
		return CMD_CONFIG;
	}
	return CMD_OK;
}

void
cmd_close_composer(struct book *book, struct composer *composer)
{
	composer_reset(composer);
	cmd_close_book(book);
}

enum cmd_status
cmd_parse_now(const struct cmd_ctx *ctx, const char *arg, time_t *now)
{
	char *err = NULL;

	if (arg == NULL) {
		*now = ctx->now;
		return CMD_OK;
	}
	if (tz_parse_now(arg, ctx->cfg.timezone, now, &err) != 0) {
		cmd_error("--now: %s", err);
		free(err);
		return CMD_USAGE;
	}
	return CMD_OK;
}

enum cmd_status
cmd_write(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		cmd_error("writing to standard output failed");
		return CMD_IOERR;
	}
	return CMD_OK;
}

void
table_init(struct table *t, size_t ncols, const char *const *header)
{
	t->ncols = ncols;
	t->cells = NULL;
	t->nrows = 0;
	table_add(t, header);
}

void
table_add(struct table *t, const char *const *row)
{
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	/* Names are untrusted: no escape sequence reaches the terminal. */
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = log_escape(row[c] ? row[c] :
		    "-");
	t->nrows++;
}

/* Display width: code points, not bytes (good enough for names). */
static size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void
table_print(const struct table *t, FILE *f)
{
	size_t *width = xcalloc(t->ncols, sizeof *width);

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			fputs(cell, f);
			if (c + 1 < t->ncols)
				fprintf(f, "%*s", (int)(width[c] -
				    text_width(cell) + 2), "");
		}
		fputc('\n', f);
	}
	free(width);
}

void
table_reset(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}
