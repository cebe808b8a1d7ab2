/*
 * log.h: diagnostics on stderr (or syslog under cron when asked).
 * -v raises the level to debug, -q lowers it to warnings only.
 */
#ifndef TB_LOG_H
#define TB_LOG_H

#include <stdbool.h>

#include "util.h"

enum log_level { LOG_LEVEL_WARN = 0, LOG_LEVEL_INFO = 1, LOG_LEVEL_DEBUG = 2 };

/* Set the level and where messages go; use_syslog sends them to syslog
 * (facility mail) instead of stderr. */
void log_init(enum log_level level, bool use_syslog);
enum log_level log_level(void);

void log_warn(const char *fmt, ...) TB_PRINTF(1, 2);	/* adds strerror(errno) */
void log_warnx(const char *fmt, ...) TB_PRINTF(1, 2);
void log_info(const char *fmt, ...) TB_PRINTF(1, 2);
void log_debug(const char *fmt, ...) TB_PRINTF(1, 2);

/* Copy s with control characters shown as \xNN, for logging untrusted
 * text on one line.  Caller frees. */
char *log_escape(const char *s);

#endif
