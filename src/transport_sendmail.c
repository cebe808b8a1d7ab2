/*
 * transport_sendmail.c: hand each message to a sendmail-compatible command
 * (Postfix, Exim, msmtp, ...) on its standard input.  The command is split
 * into words here and run without a shell; recipients are never passed as
 * arguments: the command reads them from the headers (-t).
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "util.h"

#define SENDMAIL_STDERR_MAX	4096	/* enough for the first line */

extern char **environ;

struct sendmail {
	struct transport base;
	char		**argv;
	char		 *command;	/* for messages */
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
 * "/usr/sbin/sendmail -t -i"), split into words now.  Whether the command
 * can be run shows at the first send (TRANSPORT_UNAVAILABLE).  Returns the
 * transport (free with transport_close), or NULL with *err.
 */
struct transport *
transport_sendmail_open(const char *command, char **err)
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
	return &t->base;
}

/* The length of the next run of m->data at off to write, and in *skip
 * whether a CR follows that is dropped: CRLF becomes LF, since the local
 * submission interface takes lines in the system's convention. */
static size_t
next_chunk(const struct transport_message *m, size_t off, size_t *skip)
{
	const char *p = m->data + off, *cr;
	size_t left = m->len - off, n;

	*skip = 0;
	if ((cr = memchr(p, '\r', left)) == NULL)
		return left;
	n = (size_t)(cr - p);
	if (n + 1 < left && cr[1] == '\n')
		*skip = 1;
	else
		n++;
	return n;
}

/* Move past an empty chunk to the next one; false at the end. */
static bool
advance(const struct transport_message *m, size_t *off, size_t *chunk,
    size_t *skip)
{
	while (*chunk == 0) {
		*off += *skip;
		*skip = 0;
		if (*off >= m->len)
			return false;
		*chunk = next_chunk(m, *off, skip);
	}
	return true;
}

/*
 * Feed the message to fd_in (non-blocking) and collect the start of
 * fd_err, together, so that a command busy writing to stderr never
 * deadlocks against us.  Returns 0, or -1 with errno when writing failed
 * (EPIPE: the command exited without reading everything).
 */
static int
pump(int fd_in, int fd_err, const struct transport_message *m,
    struct buf *errout)
{
	struct pollfd pfd[2];
	size_t off = 0, chunk = 0, skip = 0;
	int saved = 0;
	char tmp[1024];

	if (!advance(m, &off, &chunk, &skip)) {
		close(fd_in);
		fd_in = -1;
	}
	while (fd_in >= 0 || fd_err >= 0) {
		pfd[0].fd = fd_in;
		pfd[0].events = POLLOUT;
		pfd[1].fd = fd_err;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			break;
		}
		if (fd_in >= 0 && pfd[0].revents != 0) {
			ssize_t w = write(fd_in, m->data + off, chunk);

			if (w < 0 && errno != EINTR && errno != EAGAIN) {
				saved = errno;
				close(fd_in);
				fd_in = -1;
			} else if (w > 0) {
				off += (size_t)w;
				chunk -= (size_t)w;
				if (!advance(m, &off, &chunk, &skip)) {
					close(fd_in);
					fd_in = -1;
				}
			}
		}
		if (fd_err >= 0 && pfd[1].revents != 0) {
			ssize_t r = read(fd_err, tmp, sizeof tmp);

			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				close(fd_err);
				fd_err = -1;
			} else if (errout->len < SENDMAIL_STDERR_MAX)
				buf_add(errout, tmp, (size_t)r);
		}
	}
	if (fd_in >= 0)
		close(fd_in);
	if (fd_err >= 0)
		close(fd_err);
	errno = saved;
	return saved != 0 ? -1 : 0;
}

/* The first line of the command's stderr, made printable (caller frees). */
static char *
first_line(const struct buf *b)
{
	const char *s = buf_str(b);
	size_t n = strcspn(s, "\r\n");
	char *line = xstrndup(s, n > 300 ? 300 : n);

	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return line;
}

/* Start argv with stdin and stderr on new pipes, stdout on /dev/null. */
static int
spawn(char **argv, pid_t *pid, int *fd_in, int *fd_err)
{
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, er[2] = { -1, -1 }, rc;

	/* Only our end of stdin is non-blocking: see pump(). */
	if (pipe2(in, O_CLOEXEC) != 0)
		return errno;
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) != 0 ||
	    pipe2(er, O_CLOEXEC) != 0) {
		rc = errno;
		close(in[0]);
		close(in[1]);
		return rc;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, er[1], STDERR_FILENO);
	/* glibc reports a failed exec as the return value. */
	rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(er[1]);
	if (rc != 0) {
		close(in[1]);
		close(er[0]);
		return rc;
	}
	*fd_in = in[1];
	*fd_err = er[0];
	return 0;
}

static enum transport_result
sendmail_send(struct transport *base, const struct transport_message *m,
    char **reply)
{
	struct sendmail *t = (struct sendmail *)base;
	struct sigaction ign, old;
	enum transport_result res;
	struct buf errout;
	char *line;
	pid_t pid;
	int fd_in = -1, fd_err = -1, rc, status, werr = 0;

	if ((rc = spawn(t->argv, &pid, &fd_in, &fd_err)) != 0) {
		*reply = xasprintf("cannot run %s: %s", t->command,
		    strerror(rc));
		return TRANSPORT_UNAVAILABLE;
	}
	/* A command that exits early must not kill us with SIGPIPE. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	buf_init(&errout);
	if (pump(fd_in, fd_err, m, &errout) != 0)
		werr = errno;
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			fatal("waitpid %s: %s", t->command, strerror(errno));
	}
	line = first_line(&errout);
	buf_reset(&errout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && werr == 0) {
		*reply = xasprintf("accepted by %s", t->command);
		res = TRANSPORT_SENT;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*reply = xasprintf("%s exited with status 0 before reading the "
		    "whole message: %s", t->command, strerror(werr));
		res = TRANSPORT_FAIL;
	} else if (WIFEXITED(status)) {
		res = WEXITSTATUS(status) == EX_TEMPFAIL ?
		    TRANSPORT_DEFER : TRANSPORT_FAIL;
		*reply = xasprintf("%s exited with status %d%s%s%s",
		    t->command, WEXITSTATUS(status),
		    res == TRANSPORT_DEFER ? " (temporary failure)" : "",
		    *line != '\0' ? ": " : "", line);
	} else {
		*reply = xasprintf("%s was killed by signal %d%s%s",
		    t->command, WTERMSIG(status), *line != '\0' ? ": " : "",
		    line);
		res = TRANSPORT_FAIL;
	}
	free(line);
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
