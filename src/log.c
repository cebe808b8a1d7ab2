/* log.c: leveled diagnostics to stderr or syslog. */
#include "log.h"

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

static void
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

	buf_init(&b);
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			buf_printf(&b, "\\x%02x", c);
		else
			buf_addc(&b, (char)c);
	}
	return buf_steal(&b);
}
