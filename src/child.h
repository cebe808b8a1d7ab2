/*
 * child.h: running a command without a shell.  The words of argv are
 * handed to exec as they are; the command's standard input is fed from
 * memory, its output captured, and it is killed when it outlives a
 * deadline.  Used by the sendmail transport and smtp.password_command.
 */
#ifndef TB_CHILD_H
#define TB_CHILD_H

#include <stddef.h>

/* Where one of the command's output streams goes. */
enum child_stream {
	CHILD_INHERIT,		/* touchbase's own */
	CHILD_NULL,		/* /dev/null */
	CHILD_CAPTURE		/* into the result */
};

struct child_opts {
	const char	*in;		/* written to stdin, which is then
					   closed; NULL: stdin is inherited */
	size_t		 inlen;
	enum child_stream out;		/* stdout */
	enum child_stream err;		/* stderr */
	size_t		 max;		/* bytes kept of each captured stream
					   (allocated up front); the rest is
					   read and dropped */
	int		 timeout;	/* seconds; 0: no deadline */
};

enum child_end {
	CHILD_EXITED,		/* code is its exit status */
	CHILD_SIGNALED,		/* code is the signal that killed it */
	CHILD_TIMEDOUT		/* still running at the deadline: killed
				   (SIGTERM, then SIGKILL); code is 0 */
};

struct child_result {
	enum child_end	 end;
	int		 code;
	int		 in_errno;	/* why stdin was not taken whole
					   (EPIPE: it ended first), or 0 */
	char		*out;		/* captured stdout, NUL-terminated */
	size_t		 outlen;
	char		*errout;	/* captured stderr, NUL-terminated */
	size_t		 errlen;
};

/*
 * Run argv[0] (found on PATH when it has no '/') with the arguments of
 * argv (NULL-terminated) as opts says, and wait for it: until it exits,
 * or the deadline passes and it is killed.  Once it has exited, what its
 * pipes hold is read, but nothing waits for them to close: a daemon it
 * started may keep them open.  SIGPIPE is ignored while stdin is fed, and
 * the command starts with it at its default.  Fills *r (free with
 * child_result_reset) and returns 0 whenever the command ran, however it
 * ended; -1 with *err "cannot run ARGV0: why" when it could not start.
 */
int child_run(char *const *argv, const struct child_opts *opts,
    struct child_result *r, char **err);

/* Free what r holds, zeroing the captured text first: it may be a
 * password.  r may be reset twice. */
void child_result_reset(struct child_result *r);

#endif
