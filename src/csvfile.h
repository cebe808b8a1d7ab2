/*
 * csvfile.h: RFC 4180 CSV reading (libcsv), a chunk at a time, and
 * writing.
 */
#ifndef TB_CSVFILE_H
#define TB_CSVFILE_H

#include <stddef.h>

#include "util.h"

struct csv_record {
	char	**fields;	/* UTF-8, NUL-terminated */
	size_t	  nfields;
	long	  line;		/* line where the record starts, from 1 */
};

/*
 * Called once per record, header row included.  Return 0 to go on,
 * non-zero to stop reading (csv_read_* then returns that value).
 */
typedef int (*csv_record_fn)(const struct csv_record *rec, void *arg);

/* The largest record read (its fields' bytes, one more each): a file
 * is read a chunk at a time, and of any size. */
#define CSV_RECORD_MAX (1024u * 1024)

/*
 * Read a whole file/buffer, calling fn for each record as it is read
 * (rec and its fields are valid until fn returns).  Quoted fields may
 * hold commas, doubled quotes and line breaks; CRLF and LF both end
 * records; a UTF-8 BOM is skipped; a final line break is optional.
 * Returns 0, fn's non-zero value, or -1 with *err ("FILE:LINE: why")
 * for I/O errors, a record larger than CSV_RECORD_MAX, invalid UTF-8 or
 * an unterminated quoted field.  A file is read up to the first error,
 * so fn may have seen records before it.
 */
int csv_read_file(const char *path, csv_record_fn fn, void *arg, char **err);
int csv_read_buffer(const char *name, const char *data, size_t len,
    csv_record_fn fn, void *arg, char **err);

/* The same with the field delimiter *delim; '\0' in *delim: detected
 * from the first line (csv_detect_delimiter) and set there. */
int csv_read_file_delim(const char *path, char *delim, csv_record_fn fn,
    void *arg, char **err);
int csv_read_buffer_delim(const char *name, const char *data, size_t len,
    char *delim, csv_record_fn fn, void *arg, char **err);
/* The same from the open file fd (its name for errors), read chunk bytes
 * at a time (0: 64 KiB; tests try small ones); fd stays open. */
int csv_read_fd(int fd, const char *name, size_t chunk, char *delim,
    csv_record_fn fn, void *arg, char **err);
/* The delimiter of a spreadsheet's header line (the first line, quoted
 * text skipped): whichever of comma, semicolon and tab it holds most of,
 * a comma on a tie. */
char csv_detect_delimiter(const char *data, size_t len);
/* A header cell as a column name: trimmed, lower case, spaces and
 * hyphens as one '_', "e-mail" as "email" ("Owner E-mail" is
 * "owner_email").  Caller frees. */
char *csv_header_name(const char *field);

/* Append one field, quoted when it holds a comma, quote, CR or LF
 * (or leading/trailing space, or a leading UTF-8 BOM), to out. */
void csv_write_field(struct buf *out, const char *field);
/* Append a record of n fields followed by CRLF. */
void csv_write_record(struct buf *out, const char *const *fields, size_t n);

#endif
