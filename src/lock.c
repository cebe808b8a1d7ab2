/* lock.c: the run lock beside the database. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util.h"

struct run_lock {
	int	 fd;
	char	*path;
};

int
run_lock_take(const char *db_path, struct run_lock **out, char **err)
{
	char *path = xasprintf("%s.lock", db_path), text[32];
	ssize_t n;
	int fd;

	*out = NULL;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_err(err, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int busy = errno == EWOULDBLOCK;

		n = busy ? pread(fd, text, sizeof text - 1, 0) : -1;
		text[n > 0 ? n : 0] = '\0';
		text[strcspn(text, "\n")] = '\0';
		if (busy)
			set_err(err, "another touchbase run (pid %s) holds the "
			    "lock %s; nothing was sent", *text ? text : "?",
			    path);
		else
			set_err(err, "%s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return busy ? LOCK_BUSY : -1;
	}
	n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n) {
		set_err(err, "%s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->fd = fd;
	(*out)->path = path;
	return 0;
}

void
run_lock_release(struct run_lock *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l->path);
	free(l);
}
