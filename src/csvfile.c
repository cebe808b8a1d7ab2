/* csvfile.c: RFC 4180 CSV through libcsv, and CSV writing. */
#include "csvfile.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

/* How much of a file is read at a time (csv_read_fd's default). */
#define CSV_CHUNK (64 * 1024)

struct reader {
	const char	*name;
	csv_record_fn	 fn;
	void		*arg;
	struct csv_parser parser;
	bool		 begun;		/* BOM and delimiter seen to */
	char		*delim;
	char		*text;		/* the record's fields, each NUL-ended */
	size_t		 len, cap;
	size_t		*ends;		/* where each field ends in text */
	char		**fields;	/* and where it starts, for fn */
	size_t		 nfields, fcap;
	long		 line;		/* current line, from 1 */
	long		 start;		/* line where the record began */
	bool		 line_start;	/* the last byte fed ended a line */
	int		 stop;
	char		*err;		/* the first field that is not text */
	char		**header;	/* the first record, naming columns */
	size_t		 nheader;
};

/* The length of the UTF-8 text without NUL at the start of u[0..len):
 * len when all of it is. */
static size_t
text_prefix(const unsigned char *u, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		/* ASCII but NUL, the bulk of a book, a byte at a time. */
		if (u[i] - 1u < 0x7fu) {
			i++;
			continue;
		}
		if (u[i] == '\0' || (n = text_utf8_seq(u + i, len - i)) == 0)
			break;
		i += n;
	}
	return i;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	const unsigned char *u = data;
	size_t i;

	if (r->stop)
		return;
	if (data == NULL)
		len = 0;
	/* A NUL would cut the field short without a word: refused, as is
	 * anything that is not UTF-8, naming the line and the column. */
	if ((i = text_prefix(u, len)) < len) {
		size_t col = r->nfields + 1;
		bool named = col <= r->nheader;

		r->err = xasprintf("%s:%ld: column %zu%s%s%s: %s (byte %zu of "
		    "the field)", r->name, r->line, col, named ? " (" : "",
		    named ? r->header[col - 1] : "", named ? ")" : "",
		    u[i] == '\0' ? "has a NUL byte" : "is not valid UTF-8",
		    i + 1);
		r->stop = -1;
		return;
	}
	/* The record's size is bounded before the field is taken (see
	 * feed), so this stays within CSV_RECORD_MAX and a chunk. */
	if (r->len + len + 1 > r->cap) {
		r->cap = (r->len + len + 1) * 2;
		r->text = xreallocarray(r->text, 1, r->cap);
	}
	if (len > 0)
		memcpy(r->text + r->len, data, len);
	r->len += len;
	r->text[r->len++] = '\0';
	if (r->nfields == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 32;
		r->ends = xreallocarray(r->ends, r->fcap, sizeof *r->ends);
		/* One more for the NULL after the last field. */
		r->fields = xreallocarray(r->fields, r->fcap + 1,
		    sizeof *r->fields);
	}
	r->ends[r->nfields++] = r->len;
}

static void
on_record(int c, void *arg)
{
	struct reader *r = arg;
	struct csv_record rec;

	(void)c; /* how the record ended (newline or end of input) */
	/* A blank line is no record. */
	if (!r->stop && r->nfields > 0 && !(r->nfields == 1 &&
	    r->text[0] == '\0')) {
		for (size_t i = 0; i < r->nfields; i++)
			r->fields[i] = r->text + (i ? r->ends[i - 1] : 0);
		r->fields[r->nfields] = NULL;
		rec.fields = r->fields;
		rec.nfields = r->nfields;
		rec.line = r->start;
		r->stop = r->fn(&rec, r->arg);
		if (r->header == NULL) {
			r->header = strv_copy((const char *const *)r->fields,
			    r->nfields);
			r->nheader = r->nfields;
		}
	}
	r->len = 0;
	r->nfields = 0;
}

char
csv_detect_delimiter(const char *data, size_t len)
{
	static const char candidates[] = ",;\t";
	size_t count[sizeof candidates - 1] = { 0 }, best = 0;
	bool quoted = false;

	for (size_t i = 0; i < len && (quoted || data[i] != '\n'); i++) {
		const char *c;

		if (data[i] == '"')
			quoted = !quoted;
		else if (!quoted && data[i] != '\0' &&
		    (c = strchr(candidates, data[i])) != NULL)
			count[c - candidates]++;
	}
	/* A comma wins ties: one column, or as many of each. */
	for (size_t k = 1; k < sizeof count / sizeof count[0]; k++)
		if (count[k] > count[best])
			best = k;
	return candidates[best];
}

char *
csv_header_name(const char *field)
{
	struct buf out;
	size_t n = strlen(field);

	while (n > 0 && strchr(" \t", field[n - 1]) != NULL)
		n--;
	while (n > 0 && strchr(" \t", *field) != NULL) {
		field++;
		n--;
	}
	buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		char c = field[i];

		/* "e-mail" is "email"; other spaces and hyphens join words. */
		if ((c == '-' && i > 0 && (field[i - 1] | 0x20) == 'e' &&
		    (i < 2 || strchr(" _-", field[i - 2]) != NULL) &&
		    strncasecmp(field + i + 1, "mail", 4) == 0))
			continue;
		if (c == ' ' || c == '-' || c == '\t')
			c = '_';
		if (c == '_' && out.len > 0 && buf_str(&out)[out.len - 1] == '_')
			continue;
		buf_addc(&out, c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c);
	}
	return buf_steal(&out);
}

int
csv_read_buffer(const char *name, const char *data, size_t len,
    csv_record_fn fn, void *arg, char **err)
{
	char delim = ',';

	return csv_read_buffer_delim(name, data, len, &delim, fn, arg, err);
}

static void
reader_init(struct reader *r, const char *name, char *delim,
    csv_record_fn fn, void *arg)
{
	memset(r, 0, sizeof *r);
	r->name = name;
	r->delim = delim;
	r->fn = fn;
	r->arg = arg;
	r->line = 1;
	r->start = 1;
	r->line_start = true;
	/* Not CSV_STRICT: a quote inside an unquoted field is data, as
	 * csv-spectrum expects (37°36'37.8"N); an unterminated quoted field
	 * is still an error (CSV_STRICT_FINI). */
	if (csv_init(&r->parser, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		fatal("csv_init failed");
	/* libcsv grows a field's buffer by this much at a time. */
	csv_set_blk_size(&r->parser, 16 * 1024);
}

static void
reader_free(struct reader *r)
{
	csv_free(&r->parser);
	free(r->text);
	free(r->ends);
	free(r->fields);
	strv_free(r->header, r->nheader);
	free(r->err);
}

/* Hand data[0..len) to libcsv a line at a time, so that records know
 * where they start and errors where they are.  Returns 0 or -1 with
 * *err. */
static int
feed(struct reader *r, const char *data, size_t len, char **err)
{
	struct csv_parser *p = &r->parser;

	if (!r->begun) {
		/* The first text fed holds the whole header line. */
		if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		if (*r->delim == '\0')
			*r->delim = csv_detect_delimiter(data, len);
		csv_set_delim(p, (unsigned char)*r->delim);
		r->begun = true;
	}
	while (len > 0 && !r->stop) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - data) + 1 : len;

		if (r->line_start && p->pstate == 0 && p->entry_pos == 0 &&
		    p->quoted == 0)
			r->start = r->line;
		if (csv_parse(p, data, n, on_field, on_record, r) != n)
			return set_err(err, "%s:%ld: %s", r->name, r->line,
			    csv_strerror(csv_error(p)));
		/* What one record holds so far: its fields and the one
		 * libcsv is reading. */
		if (r->len + p->entry_pos > CSV_RECORD_MAX)
			return set_err(err, "%s:%ld: the record that starts on "
			    "line %ld is longer than %u KiB (a quoted field "
			    "not closed?)", r->name, r->line, r->start,
			    CSV_RECORD_MAX / 1024);
		r->line_start = nl != NULL;
		if (nl != NULL)
			r->line++;
		data += n;
		len -= n;
	}
	return 0;
}

/* End the reading: the last record, then what fn and the fields said. */
static int
finish(struct reader *r, int rc, char **err)
{
	struct csv_parser *p = &r->parser;
	/* The last line that has text. */
	long last = r->line_start ? r->line - 1 : r->line;

	/* libcsv's state 2 (FIELD_BEGUN) in a quoted field at the end: the
	 * closing quote is missing. */
	if (rc == 0 && !r->stop && ((p->quoted && p->pstate == 2) ||
	    csv_fini(p, on_field, on_record, r) != 0))
		rc = set_err(err, "%s:%ld: unterminated quoted field (it starts "
		    "on line %ld)", r->name, last, r->start);
	if (rc == 0 && r->err != NULL)
		rc = set_err(err, "%s", r->err);
	if (rc == 0)
		rc = r->stop;
	reader_free(r);
	return rc;
}

int
csv_read_buffer_delim(const char *name, const char *data, size_t len,
    char *delim, csv_record_fn fn, void *arg, char **err)
{
	struct reader r;

	reader_init(&r, name, delim, fn, arg);
	return finish(&r, feed(&r, data, len, err), err);
}

/* Whether the text from the start of a file up to len holds the end of
 * the header line (a line break outside quotes). */
static bool
header_read(const char *data, size_t len)
{
	bool quoted = false;

	for (size_t i = 0; i < len; i++)
		if (data[i] == '"')
			quoted = !quoted;
		else if (data[i] == '\n' && !quoted)
			return true;
	return false;
}

/* Read up to want bytes more of fd into *buf (growing it) after *len;
 * *eof when the file ended.  Returns 0 or an errno value. */
static int
read_more(int fd, char **buf, size_t *len, size_t *cap, size_t want,
    bool *eof)
{
	ssize_t n;

	if (*len + want > *cap) {
		*cap = *len + want;
		*buf = xreallocarray(*buf, 1, *cap);
	}
	/* A pipe hands over what it has: fill the chunk or reach the end. */
	while (want > 0) {
		n = read(fd, *buf + *len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0) {
			*eof = true;
			break;
		}
		*len += (size_t)n;
		want -= (size_t)n;
	}
	return 0;
}

int
csv_read_fd(int fd, const char *name, size_t chunk, char *delim,
    csv_record_fn fn, void *arg, char **err)
{
	struct reader r;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool eof = false;
	int rc;

	if (chunk == 0)
		chunk = CSV_CHUNK;
	reader_init(&r, name, delim, fn, arg);
	/* The header line whole first, for the delimiter it shows. */
	do
		rc = read_more(fd, &buf, &len, &cap, chunk, &eof);
	while (rc == 0 && !eof && len < CSV_RECORD_MAX &&
	    !header_read(buf, len));
	while (rc == 0 && (rc = feed(&r, buf, len, err)) == 0 && !eof &&
	    !r.stop) {
		len = 0;
		rc = read_more(fd, &buf, &len, &cap, chunk, &eof);
	}
	if (rc > 0)
		rc = set_err(err, "%s: %s", name, strerror(rc));
	free(buf);
	return finish(&r, rc, err);
}

int
csv_read_file_delim(const char *path, char *delim, csv_record_fn fn,
    void *arg, char **err)
{
	int fd, rc;

	/* Any file, a pipe too (import <(...)). */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return set_err(err, "%s: %s", path, strerror(errno));
	rc = csv_read_fd(fd, path, 0, delim, fn, arg, err);
	close(fd);
	return rc;
}

int
csv_read_file(const char *path, csv_record_fn fn, void *arg, char **err)
{
	char delim = ',';

	return csv_read_file_delim(path, &delim, fn, arg, err);
}

void
csv_write_field(struct buf *out, const char *field)
{
	size_t n = strlen(field);
	/* A leading BOM too: at the start of a file a reader takes it for
	 * the file's own and drops it. */
	bool quote = strpbrk(field, ",\"\r\n") != NULL ||
	    (n > 0 && (field[0] == ' ' || field[n - 1] == ' ')) ||
	    strncmp(field, "\xef\xbb\xbf", 3) == 0;

	if (!quote) {
		buf_add(out, field, n);
		return;
	}
	buf_addc(out, '"');
	for (const char *p = field; *p; p++) {
		if (*p == '"')
			buf_addc(out, '"');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

void
csv_write_record(struct buf *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, ',');
		csv_write_field(out, fields[i]);
	}
	buf_adds(out, "\r\n");
}
