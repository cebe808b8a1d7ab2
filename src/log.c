/* log.c: leveled diagnostics to stderr or syslog. */
#include "log.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static enum log_level current_level = LOG_LEVEL_INFO;
static bool to_syslog;

void
log_init(enum log_level level, bool use_syslog)
{
	current_level = level;
	to_syslog = use_syslog;
	if (use_syslog)
		openlog("touchbase", LOG_PID, LOG_MAIL);
}

enum log_level
log_level(void)
{
	return current_level;
}

/* The format comes from log_*'s callers, checked there. */
static void TB_PRINTF(4, 0)
log_emit(int priority, enum log_level level, const char *prefix,
    const char *fmt, va_list ap, const char *suffix)
{
	char *msg;

	if (level > current_level)
		return;
	msg = xvasprintf(fmt, ap);
	if (to_syslog)
		syslog(priority, "%s%s%s%s", prefix, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	else
		fprintf(stderr, "touchbase: %s%s%s%s\n", prefix, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	free(msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_emit(LOG_WARNING, LOG_LEVEL_WARN, "", fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, LOG_LEVEL_WARN, "", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, LOG_LEVEL_INFO, "", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_DEBUG, LOG_LEVEL_DEBUG, "", fmt, ap, NULL);
	va_end(ap);
}

char *
log_escape(const char *s)
{
	struct buf b;

	const unsigned char *u = (const unsigned char *)s;
	size_t left = s != NULL ? strlen(s) : 0, n;

	buf_init(&b);
	buf_adds(&b, "");
	/* C0 and C1 controls, DEL and bytes that are not UTF-8 would reach
	 * a terminal as commands: shown as \xNN instead. */
	for (; left > 0; u += n, left -= n) {
		n = text_utf8_seq(u, left);
		if (n == 0 || *u < 0x20 || *u == 0x7f ||
		    (n == 2 && u[0] == 0xc2 && u[1] < 0xa0)) {
			n = n == 0 ? 1 : n;
			for (size_t i = 0; i < n; i++)
				buf_printf(&b, "\\x%02x", u[i]);
		} else
			buf_add(&b, u, n);
	}
	return buf_steal(&b);
}
