/*
 * log.h: diagnostics, errors and the record of each delivered message,
 * to standard error on a terminal, else to syslog (facility mail, ident
 * touchbase) as mail programs do.  -v raises the level to debug, -q
 * lowers it to warnings only.
 */
#ifndef TB_LOG_H
#define TB_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "util.h"

enum log_level { LOG_LEVEL_WARN = 0, LOG_LEVEL_INFO = 1, LOG_LEVEL_DEBUG = 2 };

/* Where messages go: LOG_SINK_AUTO is stderr when it is a terminal,
 * else syslog. */
enum log_sink { LOG_SINK_AUTO, LOG_SINK_STDERR, LOG_SINK_SYSLOG };

/* "auto", "stderr" or "syslog" into *sink; -1 for anything else. */
int log_sink_parse(const char *name, enum log_sink *sink);

/*
 * Set the level and the sink.  On syslog, errors and warnings are also
 * written to stderr (for cron's mail and for scripts) unless stderr is
 * the journal; a message syslog does not take goes to stderr instead.
 * The syslog socket is /dev/log, or $TOUCHBASE_SYSLOG_SOCKET (for tests).
 */
void log_init(enum log_level level, enum log_sink sink);
enum log_level log_level(void);
/* True when messages go to syslog. */
bool log_to_syslog(void);

void log_error(const char *fmt, ...) TB_PRINTF(1, 2);
void log_verror(const char *fmt, va_list ap) TB_PRINTF(1, 0);
void log_warn(const char *fmt, ...) TB_PRINTF(1, 2);	/* adds strerror(errno) */
void log_warnx(const char *fmt, ...) TB_PRINTF(1, 2);
void log_info(const char *fmt, ...) TB_PRINTF(1, 2);
void log_debug(const char *fmt, ...) TB_PRINTF(1, 2);
/* The mail log's line for one event (a delivered message): always on
 * syslog, on stderr only at debug level. */
void log_record(const char *fmt, ...) TB_PRINTF(1, 2);

/* Copy s with control characters shown as \xNN, for logging untrusted
 * text on one line.  Caller frees. */
char *log_escape(const char *s);
/* The same, with " and \ shown as \x22 and \x5c too, for a value between
 * double quotes in a key=value line.  Caller frees. */
char *log_escape_quoted(const char *s);

#endif
