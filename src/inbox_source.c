/* inbox_source.c: open the configured inbox source and dispatch to it. */
#include "inbox_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* inbox.source = none: a source with nothing in it. */
static int
none_next(struct inbox_source *s, struct inbox_item *item, char **err)
{
	(void)s, (void)item, (void)err;
	return 0;
}

static int
none_done(struct inbox_source *s, const struct inbox_item *item, char **err)
{
	(void)s, (void)item;
	return set_err(err, "inbox.source = none hands out no messages");
}

static void
none_close(struct inbox_source *s)
{
	free(s);
}

static const struct inbox_source_ops none_ops = {
	none_next, none_done, none_close
};

int
inbox_source_open(const struct config *cfg, struct inbox_source **out,
    char **err)
{
	struct inbox_source *s;

	*out = NULL;
	switch (cfg->inbox_source) {
	case INBOX_SOURCE_MAILDIR:
		return inbox_maildir_open(cfg->inbox_maildir, out, err);
	case INBOX_SOURCE_IMAP:
		return inbox_imap_open(cfg, out, err);
	case INBOX_SOURCE_NONE:
		s = xcalloc(1, sizeof *s);
		s->ops = &none_ops;
		s->name = xstrdup("none");
		*out = s;
		return INBOX_OK;
	}
	return set_err(err, "inbox.source: unknown source");
}

int
inbox_source_open_stdin(int fd, struct inbox_source **out, char **err)
{
	*out = NULL;
	return inbox_stdin_open(fd, out, err);
}

int
inbox_source_next(struct inbox_source *s, struct inbox_item *item,
    char **err)
{
	inbox_item_reset(item);
	return s->ops->next(s, item, err);
}

int
inbox_source_done(struct inbox_source *s, const struct inbox_item *item,
    char **err)
{
	if (item->id == NULL)
		return set_err(err, "%s: no message to settle", s->name);
	return s->ops->done(s, item, err);
}

void
inbox_item_reset(struct inbox_item *item)
{
	free(item->id);
	free(item->data);
	memset(item, 0, sizeof *item);
}

void
inbox_source_close(struct inbox_source *s)
{
	char *name;

	if (s == NULL)
		return;
	name = s->name;
	s->ops->close(s);
	free(name);
}

int
inbox_read_fd(int fd, struct inbox_item *item, bool drain)
{
	char scratch[65536];
	struct buf b;
	size_t total = 0;
	ssize_t n;

	buf_init(&b);
	for (;;) {
		n = read(fd, scratch, sizeof scratch);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_reset(&b);
			return -1;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total <= INBOX_MAX_BYTES)
			buf_add(&b, scratch, (size_t)n);
		else {
			buf_reset(&b);	/* not kept: free it now */
			if (!drain)
				break;
		}
	}
	item->size = total;
	if (total > INBOX_MAX_BYTES) {
		item->too_big = true;
		return 0;
	}
	item->len = b.len;
	item->data = buf_steal(&b);	/* "" for an empty message */
	return 0;
}

const char *
inbox_source_name(const struct inbox_source *s)
{
	return s->name;
}
