/* file.c: whole files in and out. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define FILE_CHUNK	8192	/* first allocation when the size is unknown */

/* "1 MiB", "4 KiB" or "1000 bytes", for messages. */
static char *
size_text(size_t n)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		return xasprintf("%zu MiB", n / (1024 * 1024));
	if (n >= 1024 && n % 1024 == 0)
		return xasprintf("%zu KiB", n / 1024);
	return xasprintf("%zu bytes", n);
}

/* Make data hold cap bytes; a secret is copied, never left behind by a
 * realloc that moves it. */
static char *
grow(char *data, size_t used, size_t cap, bool secret)
{
	char *bigger;

	if (!secret)
		return xreallocarray(data, 1, cap);
	bigger = xmalloc(cap);
	if (used > 0)
		memcpy(bigger, data, used);
	if (data != NULL) {
		explicit_bzero(data, used);
		free(data);
	}
	return bigger;
}

/* Read fd to its end, or to max bytes (*over: there was more). */
static char *
read_all(int fd, size_t hint, size_t max, bool secret, size_t *len,
    bool *over)
{
	char *data = NULL;
	size_t used = 0, cap = 0;
	ssize_t n;

	*over = false;
	for (;;) {
		/* One byte beyond max tells a file of max bytes from a
		 * larger one; one more keeps room for the NUL. */
		if (used + 1 >= cap) {
			size_t want = cap == 0 ? hint : cap * 2;

			if (want > max + 2 || want < cap)
				want = max + 2;
			data = grow(data, used, want, secret);
			cap = want;
		}
		n = read(fd, data + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			if (secret)
				explicit_bzero(data, used);
			free(data);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			*over = true;
			used = max;
			break;
		}
	}
	if (secret && cap > used)
		explicit_bzero(data + used, cap - used);
	data[used] = '\0';
	*len = used;
	return data;
}

char *
file_read(const char *path, size_t max, int flags, size_t *len,
    bool *missing, char **err)
{
	bool secret = (flags & FILE_SECRET) != 0, over;
	const char *why = NULL;
	struct stat st;
	size_t n, hint = FILE_CHUNK;
	char *data, *limit;
	int fd;

	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;
	/* O_NONBLOCK: opening a FIFO for reading waits for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC |
	    ((flags & FILE_REGULAR) ? O_NONBLOCK : 0));
	if (fd < 0) {
		if (missing != NULL && (errno == ENOENT || errno == ENOTDIR)) {
			*missing = true;
			return NULL;
		}
		set_err(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if ((flags & FILE_REGULAR) && !S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why != NULL) {
		set_err(err, "%s: %s", path, why);
		close(fd);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size < max)
		hint = (size_t)st.st_size + 2;
	if ((data = read_all(fd, hint, max, secret, &n, &over)) == NULL)
		set_err(err, "%s: %s", path, strerror(errno));
	close(fd);
	if (data != NULL && over && !(flags & FILE_TRUNCATE)) {
		if (secret)
			explicit_bzero(data, n);
		free(data);
		limit = size_text(max);
		set_err(err, "%s: larger than %s", path, limit);
		free(limit);
		return NULL;
	}
	if (data != NULL && len != NULL)
		*len = n;
	return data;
}

char *
file_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return NULL;
	return slash == path ? xstrdup("/") : xstrndup(path,
	    (size_t)(slash - path));
}

/* fsync the directory that holds path, so that a rename in it lasts. */
static int
sync_parent(const char *path, char **err)
{
	char *dir = file_dirname(path);
	int fd, rc = 0;

	if (dir == NULL)
		dir = xstrdup(".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fsync(fd) != 0)
		rc = set_err(err, "%s: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/* Create the temporary file: tmp itself, or a fresh name beside path. */
static int
create_tmp(const char *path, const char *tmp, mode_t mode, char **name)
{
	mode_t mask;
	int fd;

	if (tmp != NULL) {
		*name = xstrdup(tmp);
		return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	}
	*name = xasprintf("%s.XXXXXX", path);
	if ((fd = mkostemp(*name, O_CLOEXEC)) < 0)
		return -1;
	/* mkstemp makes 0600; give the mode asked for, as umask allows. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, mode & ~mask) != 0) {
		int saved = errno;

		close(fd);
		unlink(*name);
		errno = saved;
		return -1;
	}
	return fd;
}

enum file_status
file_place(const char *path, const char *tmp, mode_t mode, const char *data,
    size_t len, char **err)
{
	enum file_status st = FILE_OK;
	char *name;
	int fd;

	if ((fd = create_tmp(path, tmp, mode, &name)) < 0) {
		set_err(err, "%s: %s", tmp != NULL ? tmp : path,
		    strerror(errno));
		free(name);
		return FILE_CANTCREATE;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		set_err(err, "%s: %s", name, strerror(errno));
		st = FILE_IOERR;
	}
	if (close(fd) != 0 && st == FILE_OK) {
		set_err(err, "%s: %s", name, strerror(errno));
		st = FILE_IOERR;
	}
	if (st == FILE_OK && rename(name, path) != 0) {
		set_err(err, "%s: %s", path, strerror(errno));
		st = FILE_CANTCREATE;
	}
	if (st != FILE_OK)
		unlink(name);
	free(name);
	return st;
}

int
file_sync_dir_of(const char *path, char **err)
{
	return sync_parent(path, err);
}

enum file_status
file_replace(const char *path, const char *tmp, mode_t mode,
    const char *data, size_t len, char **err)
{
	enum file_status st = file_place(path, tmp, mode, data, len, err);

	if (st == FILE_OK && sync_parent(path, err) != 0)
		st = FILE_IOERR;
	return st;
}
