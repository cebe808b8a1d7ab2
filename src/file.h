/*
 * file.h: whole files in and out.  Reading one into memory with a cap on
 * its size, and replacing one whole (temporary file, fsync, rename) so
 * that no reader ever sees half of it.
 */
#ifndef TB_FILE_H
#define TB_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* The directory part of path ("/" for "/x"), or NULL when path has no
 * '/' (a name in the current directory).  Caller frees. */
char *file_dirname(const char *path);

enum file_status {
	FILE_OK = 0,
	FILE_CANTCREATE,	/* the file could not be made or put in place */
	FILE_IOERR		/* writing or syncing it failed */
};

/*
 * Replace path with data[0..len): write it to the new file tmp (NULL: a
 * fresh name "PATH.XXXXXX" beside path) with permissions mode less the
 * umask, fsync it, rename it to path and fsync path's directory.  A
 * reader sees the old file or the whole new one, and after a crash the
 * file is one of them.  Returns FILE_OK, or another status with *err
 * "FILE: why" naming the file at fault; tmp is removed then.
 */
enum file_status file_replace(const char *path, const char *tmp, mode_t mode,
    const char *data, size_t len, char **err);
/* file_replace without the fsync of the directory, for many files put in
 * one directory: after a crash each is there whole or not at all, and
 * file_sync_dir_of (of any of them) makes their names durable.
 * file_sync_dir_of returns 0 or -1 with *err "DIR: why". */
enum file_status file_place(const char *path, const char *tmp, mode_t mode,
    const char *data, size_t len, char **err);
int file_sync_dir_of(const char *path, char **err);

#endif
