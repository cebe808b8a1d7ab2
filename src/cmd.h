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



/* A text table printed with aligned columns (UTF-8 aware). */
struct table {
	size_t	  ncols;
	char	**cells;	/* rows * ncols, allocated copies */
	size_t	  nrows;
};
void table_init(struct table *t, size_t ncols, const char *const *header);
void table_add(struct table *t, const char *const *row);	/* NULL -> "-" */
void table_print(const struct table *t, FILE *f);
void table_reset(struct table *t);
#endif
