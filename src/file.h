/* file.h: whole files read into memory, with a cap on their size. */
#ifndef TB_FILE_H
#define TB_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* How file_read treats what it opens (flags, or'ed). */
#define FILE_REGULAR	0x01	/* only a regular file; a FIFO is refused
				   without waiting for a writer */
#define FILE_SECRET	0x02	/* a password: every copy made while reading
				   is zeroed before it is freed */
#define FILE_TRUNCATE	0x04	/* keep the first max bytes of a larger file
				   instead of failing */

/*
 * Read the file at path whole into a NUL-terminated string and set *len
 * (len may be NULL) to its length, at most max bytes.  A larger file is
 * an error ("PATH: larger than 1 MiB") unless flags has FILE_TRUNCATE.
 * When missing is not NULL, a path that does not exist sets *missing and
 * returns NULL with no error.  Returns the text (caller frees; with
 * FILE_SECRET, after explicit_bzero), or NULL with *err "PATH: why".
 */
char *file_read(const char *path, size_t max, int flags, size_t *len,
    bool *missing, char **err);

#endif
