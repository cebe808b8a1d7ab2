/*
 * transport_sendmail.c: hand each message to a sendmail-compatible command
 * (Postfix, Exim, msmtp, ...) on its standard input.  The command is split
 * into words here and run without a shell; recipients are never passed as
 * arguments: the command reads them from the headers (-t).
 */
#include "transport.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "child.h"
#include "util.h"

#define SENDMAIL_STDERR_MAX	4096	/* enough for the first line */

struct sendmail {
	struct transport base;
	char		**argv;
	char		 *command;	/* for messages */
	int		  timeout;	/* seconds for one message */
};

/* Free what transport_command_split returned; NULL is fine. */
void
transport_command_free(char **argv)
{
	strv_free(argv, strv_len(argv));
}

/* Add the word in b (when one was started) to *argv. */
static void
split_push(char ***argv, size_t *n, struct buf *b, bool *inword)
{
	if (!*inword)
		return;
	strv_add(argv, n, buf_steal(b));
	*inword = false;
}

/* Split a command line into words, without a shell (see transport.h). */
char **
transport_command_split(const char *command, char **err)
{
	char **argv = NULL, quote = '\0';
	struct buf b;
	size_t n = 0;
	bool inword = false;
	const char *p;

	buf_init(&b);
	for (p = command; *p != '\0'; p++) {
		if (quote == '\'') {
			if (*p == '\'')
				quote = '\0';
			else
				buf_addc(&b, *p);
		} else if (quote == '"') {
			if (*p == '"')
				quote = '\0';
			else if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				buf_addc(&b, *++p);
			else
				buf_addc(&b, *p);
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			split_push(&argv, &n, &b, &inword);
		} else {
			inword = true;
			if (*p == '\'' || *p == '"')
				quote = *p;
			else if (*p == '\\' && p[1] != '\0')
				buf_addc(&b, *++p);
			else
				buf_addc(&b, *p);
		}
	}
	if (quote != '\0') {
		set_err(err, "unterminated %c quote in \"%s\"", quote, command);
		goto fail;
	}
	split_push(&argv, &n, &b, &inword);
	if (n == 0) {
		set_err(err, "empty command");
		goto fail;
	}
	buf_reset(&b);
	return argv;

fail:
	buf_reset(&b);
	transport_command_free(argv);
	return NULL;
}

static enum transport_result sendmail_send(struct transport *,
    const struct transport_message *, char **);
static void sendmail_close(struct transport *);

static const struct transport_ops sendmail_ops = {
	"sendmail", sendmail_send, NULL, sendmail_close
};

/*
 * Open the sendmail transport for `command` (NULL: the default
 * "/usr/sbin/sendmail -t -i"), split into words now, which must hand
 * each message off within timeout seconds.  Whether the command can be
 * run shows at the first send (TRANSPORT_UNAVAILABLE).  Returns the
 * transport (free with transport_close), or NULL with *err.
 */
struct transport *
transport_sendmail_open(const char *command, int timeout, char **err)
{
	struct sendmail *t;
	char **argv;

	if (command == NULL)
		command = "/usr/sbin/sendmail -t -i";
	if ((argv = transport_command_split(command, err)) == NULL) {
		prefix_err(err, "delivery.sendmail");
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->base.ops = &sendmail_ops;
	t->argv = argv;
	t->command = xstrdup(argv[0]);
	t->timeout = timeout;
	return &t->base;
}

/* The message with CRLF made LF: the local submission interface takes
 * lines in the system's convention.  A lone CR stays. */
static void
to_lf(const struct transport_message *m, struct buf *out)
{
	const char *p = m->data, *end = m->data + m->len, *cr;

	while ((cr = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		buf_add(out, p, (size_t)(cr - p));
		if (cr + 1 == end || cr[1] != '\n')
			buf_addc(out, '\r');
		p = cr + 1;
	}
	buf_add(out, p, (size_t)(end - p));
}

/* The first line of the command's stderr, made printable (caller frees). */
static char *
first_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	char *line = xstrndup(s, n > 300 ? 300 : n);

	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return line;
}

/*
 * What the command's end means for the message.  Only EX_TEMPFAIL says
 * "later" among exit statuses; a command killed by a signal or at the
 * deadline did not decide anything, so the message is tried again.
 */
static enum transport_result
outcome(const struct sendmail *t, const struct child_result *r,
    const char *line, char **reply)
{
	const char *sep = *line != '\0' ? ": " : "";

	switch (r->end) {
	case CHILD_EXITED:
		if (r->code == 0 && r->in_errno == 0) {
			*reply = xasprintf("accepted by %s", t->command);
			return TRANSPORT_SENT;
		}
		if (r->code == 0) {
			*reply = xasprintf("%s exited with status 0 before "
			    "reading the whole message: %s", t->command,
			    strerror(r->in_errno));
			return TRANSPORT_FAIL;
		}
		*reply = xasprintf("%s exited with status %d%s%s%s",
		    t->command, r->code, r->code == EX_TEMPFAIL ?
		    " (temporary failure)" : "", sep, line);
		return r->code == EX_TEMPFAIL ? TRANSPORT_DEFER :
		    TRANSPORT_FAIL;
	case CHILD_SIGNALED:
		*reply = xasprintf("%s was killed by signal %d (temporary "
		    "failure)%s%s", t->command, r->code, sep, line);
		return TRANSPORT_DEFER;
	case CHILD_TIMEDOUT:
		break;
	}
	*reply = xasprintf("%s did not finish within %d seconds and was "
	    "stopped (temporary failure)%s%s", t->command, t->timeout, sep,
	    line);
	return TRANSPORT_DEFER;
}

static enum transport_result
sendmail_send(struct transport *base, const struct transport_message *m,
    char **reply)
{
	struct sendmail *t = (struct sendmail *)base;
	struct child_opts opts = { NULL, 0, CHILD_NULL, CHILD_CAPTURE,
	    SENDMAIL_STDERR_MAX, t->timeout };
	struct child_result r;
	enum transport_result res;
	struct buf lf;
	char *line;

	buf_init(&lf);
	to_lf(m, &lf);
	opts.in = buf_str(&lf);
	opts.inlen = lf.len;
	if (child_run(t->argv, &opts, &r, reply) != 0) {
		buf_reset(&lf);
		return TRANSPORT_UNAVAILABLE;
	}
	buf_reset(&lf);
	line = first_line(r.errout);
	res = outcome(t, &r, line, reply);
	free(line);
	child_result_reset(&r);
	return res;
}

static void
sendmail_close(struct transport *base)
{
	struct sendmail *t = (struct sendmail *)base;

	transport_command_free(t->argv);
	free(t->command);
	free(t);
}
