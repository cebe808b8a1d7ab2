/*
 * cmd.h: what main.c hands to the command files, and the helpers they
 * share.  Only cmd_*.c and main.c include this.
 */
#ifndef TB_CMD_H
#define TB_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "book.h"
#include "compose.h"
#include "config.h"
#include "fault.h"
#include "run.h"
#include "state.h"
#include "util.h"

/* What a command reports; main.c maps these to sysexits codes. */
enum cmd_status {
	CMD_OK,
	CMD_USAGE,		/* 64 */
	CMD_DATAERR,		/* 65 */
	CMD_NOINPUT,		/* 66 */
	CMD_UNAVAILABLE,	/* 69 */
	CMD_SOFTWARE,		/* 70 */
	CMD_CANTCREAT,		/* 73 */
	CMD_IOERR,		/* 74 */
	CMD_TEMPFAIL,		/* 75 */
	CMD_NOPERM,		/* 77 */
	CMD_CONFIG		/* 78 */
};

struct cmd_ctx {
	struct config	 cfg;
	const char	*db_path;	/* -d, else cfg.db_path */
	bool		 verbose;
	bool		 quiet;
	bool		 tty;		/* stderr is a terminal */
	time_t		 now;		/* the real time at start */
};

struct cmd_usage {
	const char	*synopsis;	/* "partner add NAME --owner EMAIL ..." */
	const char	*help;		/* what it does and its options */
};

/* An error through the log: "touchbase: MESSAGE" on stderr, or syslog
 * (log.h). */
void cmd_error(const char *fmt, ...) TB_PRINTF(1, 2);
/* Print each line of text as an error, "touchbase: LINE". */
void cmd_error_lines(const char *text);
/* Print the usage of a command: to stdout for --help, else stderr. */
enum cmd_status cmd_print_usage(const struct cmd_usage *u, bool help);
/* Error for a bad option or argument, then the synopsis: CMD_USAGE. */
enum cmd_status cmd_usage_error(const struct cmd_usage *u, const char *fmt,
    ...) TB_PRINTF(2, 3);

/*
 * The usage in subs[0..n) whose synopsis is "GROUP SUB ..."
 * (subcommands of group); NULL after a usage error naming the nearest ones ("unknown
 * partner subcommand "ad"; did you mean add?").
 */
const struct cmd_usage *cmd_find_sub(const struct cmd_usage *group,
    const struct cmd_usage *subs, size_t n, const char *sub);

/* A --state filter: a partner_state, or CMD_STATE_ARCHIVED; -1 after an
 * error naming the states. */
#define CMD_STATE_ARCHIVED (STATE_UNSCHEDULED + 1)
int cmd_parse_state(const struct cmd_usage *u, const char *name);

/*
 * cmd_book_status for a command given a partner key: a key that names no
 * partner is said with the keys close to it ("did you mean acme?").
 */
enum cmd_status cmd_key_status(struct book *book, const char *key, int rc,
    char *err);

/* Open the database (must exist) and the book.  On failure prints the
 * error and returns its status: cmd_fault_status of the cause, or
 * CMD_CONFIG for a bad holiday calendar. */
enum cmd_status cmd_open_book(struct cmd_ctx *ctx, struct book *book);
void cmd_close_book(struct book *book);
/* The same, and the composer (templates loaded: a template error is
 * CMD_CONFIG). */
enum cmd_status cmd_open_composer(struct cmd_ctx *ctx, struct book *book,
    struct composer *composer);
void cmd_close_composer(struct book *book, struct composer *composer);

/* The status for a database failure of cause f: locked CMD_TEMPFAIL, I/O
 * or a full disk CMD_IOERR, permission denied or read-only CMD_NOPERM,
 * not a touchbase database CMD_DATAERR, missing CMD_NOINPUT, anything
 * else CMD_SOFTWARE. */
enum cmd_status cmd_fault_status(enum fault f);

/* Print err (and free it) and map a book status to a command status; a
 * BOOK_ERROR by the cause of the book's last database failure (book may
 * be NULL: CMD_SOFTWARE). */
enum cmd_status cmd_book_status(const struct book *book, int rc, char *err);

/* Parse --now (NULL: ctx->now) into *now; prints errors. */
enum cmd_status cmd_parse_now(const struct cmd_ctx *ctx, const char *arg,
    time_t *now);

/*
 * "as of 2026-12-03 (Europe/Berlin)": the day now falls on in tz (NULL
 * or "": UTC), which the views that depend on today state: in
 * schedule.timezone, or a partner's own.  Caller frees.
 */
char *cmd_as_of(const char *tz, time_t now);

/*
 * The JSON documents of --json are objects with "version" first (the
 * shape's version, CMD_JSON_VERSION), then for views of today "today"
 * and "timezone" (tz not NULL: the day now falls on there), then member,
 * an array whose elements the caller appends; cmd_json_close ends it.
 */
#define CMD_JSON_VERSION 1
void cmd_json_open(struct buf *out, const char *tz, time_t now,
    const char *member);
void cmd_json_close(struct buf *out, bool empty);

/* Write text to stdout, reporting a write error (CMD_IOERR). */
enum cmd_status cmd_write(const char *text, size_t len);

/*
 * Read the inbox first (with_inbox), plan with plan (inside the run
 * lock), then deliver the outbox through delivery.transport, reporting
 * as run does (what names the job in its summary line).  With dry_run,
 * show what would be done and roll back.
 */
enum cmd_status cmd_plan_deliver(struct cmd_ctx *ctx, time_t now,
    bool dry_run, bool with_inbox, run_plan_fn plan, void *arg,
    const char *what);

/* Commands. */
enum cmd_status cmd_init(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_partner(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_contact(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_checkin(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_import(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_export(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_status(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_run(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_preview(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_check(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_ics(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_digest(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_report(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_outbox(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_retry(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_discard(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_inbox(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_receive(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_status cmd_snooze(struct cmd_ctx *ctx, int argc, char **argv);



/*
 * A text table printed with columns aligned by display width (text.h).
 * With a width, the columns that have a min_width are narrowed, widest
 * first, until the lines fit, and their cells cut with an ellipsis; the
 * others keep their width.  With color, each cell of column color_col
 * is wrapped in the SGR sequence color returns for it (NULL: none).
 */
struct table {
	size_t	  ncols;
	char	**cells;	/* rows * ncols, allocated copies */
	size_t	  nrows;
	size_t	  width;	/* columns to fit in; 0: no limit */
	const size_t *min_width;	/* per column; 0: not narrowed */
	size_t	  color_col;
	const char *(*color)(const char *cell);
};
void table_init(struct table *t, size_t ncols, const char *const *header);
void table_add(struct table *t, const char *const *row);	/* NULL -> "-" */
void table_print(const struct table *t, FILE *f);
void table_reset(struct table *t);

/*
 * How wide standard output is, for tables: 0 (no limit) when it is not a
 * terminal; else the terminal's width (TIOCGWINSZ), else $COLUMNS, else
 * 80.
 */
size_t cmd_term_width(void);
/* True when standard output is a terminal, NO_COLOR is unset or empty
 * and TERM is not "dumb": colour may be used. */
bool cmd_color(void);
#endif
