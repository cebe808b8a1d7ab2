/*
 * log.c: leveled diagnostics to stderr or syslog.  syslog is spoken here
 * (RFC 3164 over the local datagram socket) rather than through
 * syslog(3), so that a message syslog does not take is not lost (it goes
 * to stderr) and a test can read what was logged from a socket of its
 * own.
 */
#include "log.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#ifndef _PATH_LOG
#define _PATH_LOG "/dev/log"
#endif

/* rsyslog takes 8 KiB by default; a longer message is cut. */
#define SYSLOG_MAX 4096

static enum log_level current_level = LOG_LEVEL_INFO;
static bool to_syslog;
static bool copy_to_stderr;	/* errors and warnings on stderr too */
static int syslog_fd = -1;

int
log_sink_parse(const char *name, enum log_sink *sink)
{
	static const char *const names[] = {
		[LOG_SINK_AUTO] = "auto",
		[LOG_SINK_STDERR] = "stderr",
		[LOG_SINK_SYSLOG] = "syslog",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0) {
			*sink = (enum log_sink)i;
			return 0;
		}
	return -1;
}

/* True when stderr is the journal (systemd says so in JOURNAL_STREAM,
 * "DEVICE:INODE" of the stream it gave), which has our syslog lines
 * already. */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	return js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &sb) == 0 &&
	    (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

void
log_init(enum log_level level, enum log_sink sink)
{
	current_level = level;
	if (sink == LOG_SINK_AUTO)
		sink = isatty(STDERR_FILENO) ? LOG_SINK_STDERR : LOG_SINK_SYSLOG;
	to_syslog = sink == LOG_SINK_SYSLOG;
	copy_to_stderr = to_syslog && !stderr_is_journal();
}

enum log_level
log_level(void)
{
	return current_level;
}

bool
log_to_syslog(void)
{
	return to_syslog;
}

static int
syslog_connect(void)
{
	const char *path = getenv("TOUCHBASE_SYSLOG_SOCKET");
	struct sockaddr_un sa;

	if (path == NULL || *path == '\0')
		path = _PATH_LOG;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (syslog_fd < 0)
		return -1;
	if (connect(syslog_fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(syslog_fd);
		syslog_fd = -1;
		return -1;
	}
	return 0;
}

/* Send one message at severity `priority`; -1 when syslog did not take
 * it.  A syslog daemon that restarted is connected to again once. */
static int
syslog_send(int priority, const char *msg)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char line[SYSLOG_MAX];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	if (localtime_r(&now, &tm) == NULL)
		return -1;
	n = snprintf(line, sizeof line, "<%d>%s %2d %02d:%02d:%02d "
	    "touchbase[%ld]: %s", LOG_MAIL | priority, months[tm.tm_mon],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid(), msg);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof line) {
		/* Cut at a character boundary. */
		n = sizeof line - 1;
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (syslog_fd < 0 && syslog_connect() != 0)
			return -1;
		if (send(syslog_fd, line, (size_t)n, MSG_NOSIGNAL) == n)
			return 0;
		close(syslog_fd);
		syslog_fd = -1;
	}
	return -1;
}

/* The format comes from log_*'s callers, checked there.  always_syslog:
 * on syslog whatever the level (the record of a delivery). */
static void TB_PRINTF(4, 0)
log_emit(int priority, enum log_level level, bool always_syslog,
    const char *fmt, va_list ap, const char *suffix)
{
	bool shown = level <= current_level;
	char *msg;

	if (!shown && !(always_syslog && to_syslog))
		return;
	msg = xvasprintf(fmt, ap);
	if (suffix != NULL) {
		char *full = xasprintf("%s: %s", msg, suffix);

		free(msg);
		msg = full;
	}
	if (!to_syslog || syslog_send(priority, msg) != 0) {
		if (shown)
			fprintf(stderr, "touchbase: %s\n", msg);
	} else if (copy_to_stderr && level == LOG_LEVEL_WARN)
		fprintf(stderr, "touchbase: %s\n", msg);
	free(msg);
}

void
log_verror(const char *fmt, va_list ap)
{
	log_emit(LOG_ERR, LOG_LEVEL_WARN, false, fmt, ap, NULL);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_emit(LOG_WARNING, LOG_LEVEL_WARN, false, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, LOG_LEVEL_WARN, false, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, LOG_LEVEL_INFO, false, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_DEBUG, LOG_LEVEL_DEBUG, false, fmt, ap, NULL);
	va_end(ap);
}

void
log_record(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, LOG_LEVEL_DEBUG, true, fmt, ap, NULL);
	va_end(ap);
}

static char *
escape(const char *s, bool quoted)
{
	struct buf b;

	const unsigned char *u = (const unsigned char *)s;
	size_t left = s != NULL ? strlen(s) : 0, n;

	buf_init(&b);
	buf_adds(&b, "");
	/* C0 and C1 controls, DEL and bytes that are not UTF-8 would reach
	 * a terminal as commands: shown as \xNN instead.  Between quotes, a
	 * quote would end the value early. */
	for (; left > 0; u += n, left -= n) {
		n = text_utf8_seq(u, left);
		if (n == 0 || *u < 0x20 || *u == 0x7f ||
		    (n == 2 && u[0] == 0xc2 && u[1] < 0xa0) ||
		    (quoted && (*u == '"' || *u == '\\'))) {
			n = n == 0 ? 1 : n;
			for (size_t i = 0; i < n; i++)
				buf_printf(&b, "\\x%02x", u[i]);
		} else
			buf_add(&b, u, n);
	}
	return buf_steal(&b);
}

char *
log_escape(const char *s)
{
	return escape(s, false);
}

char *
log_escape_quoted(const char *s)
{
	return escape(s, true);
}
