/*
 * transport_maildir.c: Maildir delivery (write in tmp/, fsync, rename into
 * new/, fsync the directory), so that a mail client can open the folder
 * and a crash never leaves a partial message in new/.  A batch syncs the
 * directory once, after its last message.
 */
#include "transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "file.h"
#include "util.h"

struct maildir {
	struct transport base;
	char		*dir;
	unsigned long	 count;
	char		 host[64];
};

static int
make_dir(const char *path, char **err)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return set_err(err, "%s: %s", path, strerror(errno));
}

/* mkdir -p for the Maildir itself, then its three subdirectories. */
static int
make_maildir(const char *dir, char **err)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char *path = xstrdup(dir);
	int rc = 0;

	for (char *p = path + 1; rc == 0 && *p; p++)
		if (*p == '/') {
			*p = '\0';
			rc = make_dir(path, err);
			*p = '/';
		}
	if (rc == 0)
		rc = make_dir(path, err);
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		char *sub = xasprintf("%s/%s", dir, subs[i]);

		rc = make_dir(sub, err);
		free(sub);
	}
	free(path);
	return rc;
}

static void maildir_send_batch(struct transport *, struct transport_job *,
    size_t);
static void maildir_close(struct transport *);

static const struct transport_ops maildir_ops = {
	"maildir", NULL, maildir_send_batch, maildir_close
};

struct transport *
transport_maildir_open(const char *dir, char **err)
{
	struct maildir *t;

	if (make_maildir(dir, err) != 0) {
		prefix_err(err, "maildir");
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->base.ops = &maildir_ops;
	t->dir = xstrdup(dir);
	if (gethostname(t->host, sizeof t->host - 1) != 0)
		strcpy(t->host, "localhost");
	/* '/' and ':' are not allowed in Maildir names. */
	for (char *p = t->host; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	return &t->base;
}

/* Put m in new/ (*path, allocated: its file) without syncing new/. */
static enum transport_result
maildir_place(struct maildir *t, const struct transport_message *m,
    char **path, char **reply)
{
	struct timeval tv;
	char *name, *tmp, *err = NULL;
	enum transport_result res = TRANSPORT_SENT;

	gettimeofday(&tv, NULL);
	name = xasprintf("%lld.M%ldP%ldQ%lu.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++t->count, t->host);
	tmp = xasprintf("%s/tmp/%s", t->dir, name);
	*path = xasprintf("%s/new/%s", t->dir, name);
	if (file_place(*path, tmp, 0600, m->data, m->len, &err) != FILE_OK) {
		*reply = err;
		res = TRANSPORT_DEFER;
	} else
		*reply = xasprintf("delivered to %s", *path);
	free(name);
	free(tmp);
	return res;
}

/* Every message of the batch in new/, then new/ synced once: until then
 * none counts as delivered. */
static void
maildir_send_batch(struct transport *base, struct transport_job *jobs,
    size_t n)
{
	struct maildir *t = (struct maildir *)base;
	char *path = NULL, *last = NULL, *err = NULL;

	for (size_t i = 0; i < n; i++) {
		jobs[i].result = maildir_place(t, &jobs[i].msg, &path,
		    &jobs[i].reply);
		if (jobs[i].result == TRANSPORT_SENT) {
			free(last);
			last = path;
		} else
			free(path);
	}
	if (last != NULL && file_sync_dir_of(last, &err) != 0)
		for (size_t i = 0; i < n; i++)
			if (jobs[i].result == TRANSPORT_SENT) {
				jobs[i].result = TRANSPORT_DEFER;
				free(jobs[i].reply);
				jobs[i].reply = xstrdup(err);
			}
	free(last);
	free(err);
}

static void
maildir_close(struct transport *base)
{
	struct maildir *t = (struct maildir *)base;

	free(t->dir);
	free(t);
}
