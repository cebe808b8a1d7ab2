/*
 * inbox_maildir.c: the Maildir inbox source.  Unprocessed messages are
 * the files in new/ and those in cur/ without the Seen flag ("S" in the
 * ":2," info of the name); each session lists them once, oldest first
 * (by modification time, then name).  Settling renames a message into
 * cur/ with "S" added to its flags, as a mail client marks it read:
 * nothing is deleted, and a mail client still shows it.  A file that a
 * mail client or another program moved after the listing is passed over.
 */
#include "inbox_source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct entry {
	char		*rel;		/* "new/NAME" or "cur/NAME" */
	struct timespec	 mtime;
};

struct maildir {
	struct inbox_source base;
	char		*dir;
	struct entry	*entries;	/* listed at the first next() */
	size_t		 n;
	size_t		 next;
	bool		 listed;
};

/* The info part of a Maildir name: the flags after ":2,", or NULL. */
static const char *
maildir_flags(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon != NULL && strncmp(colon, ":2,", 3) == 0 ?
	    colon + 3 : NULL;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

/* Add the unprocessed messages of dir/sub to m->entries; a missing
 * subdirectory holds none. */
static int
list_sub(struct maildir *m, const char *sub, size_t *cap, char **err)
{
	struct dirent *de;
	struct stat sb;
	const char *flags;
	char *path;
	DIR *d;

	path = xasprintf("%s/%s", m->dir, sub);
	if ((d = opendir(path)) == NULL) {
		int e = errno;

		if (e == ENOENT) {
			free(path);
			return 0;
		}
		set_err(err, "inbox.maildir: %s: %s", path, strerror(e));
		free(path);
		return INBOX_ERROR;
	}
	free(path);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		flags = maildir_flags(de->d_name);
		if (strcmp(sub, "cur") == 0 && flags != NULL &&
		    strchr(flags, 'S') != NULL)
			continue;
		/* Gone already, or not a message: not ours to read. */
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (m->n == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			m->entries = xreallocarray(m->entries, *cap,
			    sizeof *m->entries);
		}
		m->entries[m->n].rel = xasprintf("%s/%s", sub, de->d_name);
		m->entries[m->n].mtime = sb.st_mtim;
		m->n++;
	}
	if (errno != 0) {
		set_err(err, "inbox.maildir: %s/%s: %s", m->dir, sub,
		    strerror(errno));
		closedir(d);
		return INBOX_ERROR;
	}
	closedir(d);
	return 0;
}

static int
list(struct maildir *m, char **err)
{
	size_t cap = 0;

	m->listed = true;
	if (list_sub(m, "new", &cap, err) != 0 ||
	    list_sub(m, "cur", &cap, err) != 0)
		return INBOX_ERROR;
	if (m->n > 1)
		qsort(m->entries, m->n, sizeof *m->entries, entry_cmp);
	return 0;
}

/* Read the message at rel into item.  Returns 1, 0 when it vanished, or
 * INBOX_ERROR. */
static int
load(struct maildir *m, const char *rel, struct inbox_item *item,
    char **err)
{
	char *path = xasprintf("%s/%s", m->dir, rel);
	struct stat sb;
	int fd, rc = 1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			rc = set_err(err, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &sb) != 0)
		rc = set_err(err, "%s: %s", path, strerror(errno));
	else if ((size_t)sb.st_size > INBOX_MAX_BYTES) {
		item->too_big = true;
		item->size = (size_t)sb.st_size;
	} else if (inbox_read_fd(fd, item, false) != 0)
		rc = set_err(err, "%s: %s", path, strerror(errno));
	close(fd);
	free(path);
	if (rc == 1)
		item->id = xstrdup(rel);
	return rc;
}

static int
maildir_next(struct inbox_source *base, struct inbox_item *item, char **err)
{
	struct maildir *m = (struct maildir *)base;
	int rc;

	if (!m->listed && m->dir != NULL && list(m, err) != 0)
		return INBOX_ERROR;
	while (m->next < m->n) {
		if ((rc = load(m, m->entries[m->next++].rel, item, err)) != 0)
			return rc;
	}
	return 0;
}

/* name with 'S' added to its flags, in ASCII order as the Maildir
 * convention has them. */
static char *
seen_name(const char *name)
{
	const char *flags = maildir_flags(name);
	size_t base = flags != NULL ? (size_t)(flags - 3 - name) : strlen(name);
	struct buf b;
	bool added = false;

	buf_init(&b);
	buf_add(&b, name, base);
	buf_adds(&b, ":2,");
	for (const char *f = flags != NULL ? flags : ""; ; f++) {
		if (!added && (*f == '\0' || *f >= 'S')) {
			buf_addc(&b, 'S');
			added = true;
			if (*f == 'S')
				continue;
		}
		if (*f == '\0')
			break;
		buf_addc(&b, *f);
	}
	return buf_steal(&b);
}

/* Make a rename into dir/cur durable. */
static void
sync_cur(const char *dir)
{
	char *path = xasprintf("%s/cur", dir);
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(path);
}

static int
maildir_done(struct inbox_source *base, const struct inbox_item *item,
    char **err)
{
	struct maildir *m = (struct maildir *)base;
	const char *name = item->id + 4;
	char *from, *to, *seen;
	int rc = 0;

	if (m->dir == NULL || (strncmp(item->id, "new/", 4) != 0 &&
	    strncmp(item->id, "cur/", 4) != 0) || *name == '\0' ||
	    *name == '.' || strchr(name, '/') != NULL)
		return set_err(err, "%s: \"%s\" is not one of its messages",
		    base->name, item->id);
	seen = seen_name(name);
	from = xasprintf("%s/%s", m->dir, item->id);
	to = xasprintf("%s/cur/%s", m->dir, seen);
	if (rename(from, to) != 0) {
		if (errno == ENOENT)
			rc = set_err(err, "%s: no longer there: moved or "
			    "deleted meanwhile", from);
		else
			rc = set_err(err, "%s: cannot move to cur/: %s", from,
			    strerror(errno));
	} else
		sync_cur(m->dir);
	free(seen);
	free(from);
	free(to);
	return rc;
}

static void
maildir_close(struct inbox_source *base)
{
	struct maildir *m = (struct maildir *)base;

	for (size_t i = 0; i < m->n; i++)
		free(m->entries[i].rel);
	free(m->entries);
	free(m->dir);
	free(m);
}

static const struct inbox_source_ops maildir_ops = {
	maildir_next, maildir_done, maildir_close
};

int
inbox_maildir_open(const char *dir, struct inbox_source **out, char **err)
{
	struct maildir *m;
	struct stat sb;
	bool exists = true;

	if (str_empty(dir))
		return set_err(err, "inbox.maildir is not set");
	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT)
			return set_err(err, "inbox.maildir: %s: %s", dir,
			    strerror(errno));
		exists = false;		/* nothing has arrived yet */
	} else if (!S_ISDIR(sb.st_mode))
		return set_err(err, "inbox.maildir: %s: not a directory", dir);
	m = xcalloc(1, sizeof *m);
	m->base.ops = &maildir_ops;
	m->base.name = xasprintf("maildir %s", dir);
	m->dir = exists ? xstrdup(dir) : NULL;
	*out = &m->base;
	return INBOX_OK;
}
