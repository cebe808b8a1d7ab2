/*
 * inbox_stdin.c: one message on standard input, as an MTA's pipe
 * delivers it to `touchbase receive`.  It is read whole when the source
 * opens, so that the MTA's write never fails; settling it is the exit
 * status's business, not the source's.
 */
#include "inbox_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct stdin_source {
	struct inbox_source base;
	struct inbox_item msg;
	bool		 given;
};

static int
stdin_next(struct inbox_source *base, struct inbox_item *item, char **err)
{
	struct stdin_source *s = (struct stdin_source *)base;

	(void)err;
	if (s->given)
		return 0;
	s->given = true;
	*item = s->msg;
	memset(&s->msg, 0, sizeof s->msg);
	return 1;
}

static int
stdin_done(struct inbox_source *base, const struct inbox_item *item,
    char **err)
{
	(void)base, (void)item, (void)err;
	return INBOX_OK;
}

static void
stdin_close(struct inbox_source *base)
{
	struct stdin_source *s = (struct stdin_source *)base;

	inbox_item_reset(&s->msg);
	free(s);
}

static const struct inbox_source_ops stdin_ops = {
	stdin_next, stdin_done, stdin_close
};

int
inbox_stdin_open(int fd, struct inbox_source **out, char **err)
{
	struct stdin_source *s = xcalloc(1, sizeof *s);

	if (inbox_read_fd(fd, &s->msg, true) != 0) {
		set_err(err, "standard input: %s", strerror(errno));
		free(s);
		return INBOX_ERROR;
	}
	s->msg.id = xstrdup("stdin");
	s->base.ops = &stdin_ops;
	s->base.name = xstrdup("stdin");
	*out = &s->base;
	return INBOX_OK;
}
