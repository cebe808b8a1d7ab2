/*
 * main.c: global options, dispatch to a command, and the mapping of
 * command results to sysexits codes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "suggest.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

struct command {
	const char	*name;
	enum cmd_status	(*fn)(struct cmd_ctx *, int, char **);
	bool		 needs_config;
	const char	*summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, true, "create the database, or upgrade it" },
	{ "partner", cmd_partner, true,
	    "add, list, show, edit, archive or remove partners" },
	{ "contact", cmd_contact, true, "add, list or remove partner contacts" },
	{ "checkin", cmd_checkin, true, "record that a check-in happened" },
	{ "import", cmd_import, true, "import partners from a CSV file" },
	{ "export", cmd_export, true, "export partners as CSV or JSON" },
	{ "status", cmd_status, true,
	    "show every partner's cadence, last check-in and state" },
	{ "run", cmd_run, true, "plan what is due and deliver it (for cron)" },
	{ "preview", cmd_preview, true, "print the message run would send" },
	{ "check", cmd_check, true,
	    "validate configuration, templates and database" },
	{ "ics", cmd_ics, true, "an iCalendar feed of upcoming check-ins" },
	{ "digest", cmd_digest, true,
	    "the leadership digest: print it, or send it" },
	{ "report", cmd_report, true,
	    "an HTML report of partnership health" },
	{ "outbox", cmd_outbox, true,
	    "what was planned, sent, deferred or failed" },
	{ "retry", cmd_retry, true, "send failed or deferred messages again" },
	{ "discard", cmd_discard, true,
	    "settle messages without sending them" },
	{ "inbox", cmd_inbox, true,
	    "read calendar answers, owners' replies and bounces" },
	{ "receive", cmd_receive, true,
	    "process one message from an MTA pipe" },
	{ "snooze", cmd_snooze, true, "hold a partner's reminders for a while" },
	{ "help", NULL, false, "this list, or a command's usage" },
};

static void
usage(FILE *f)
{
	fputs("usage: touchbase [-c FILE] [-d DBFILE] [-v | -q] [--log=SINK] "
	    "COMMAND [ARGS]\n"
	    "       touchbase help [COMMAND [SUBCOMMAND]]\n\n"
	    "Keeps strategic partnerships visible: check-in cadences, "
	    "reminders and\ncalendar invites for the owner of each "
	    "relationship.\n\nCommands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
		    commands[i].summary);
	fputs("\nGlobal options:\n"
	    "  -c FILE    read this configuration file (touchbase.conf)\n"
	    "  -d DBFILE  use this database instead of database.path\n"
	    "  -v         say more (each message delivered, each decision)\n"
	    "  -q         say only warnings and errors\n"
	    "  --log=SINK where messages go: stderr, syslog, or auto (the\n"
	    "             default: stderr on a terminal, else syslog)\n"
	    "  -h, --help     this help; \"touchbase help COMMAND\" for a "
	    "command\n"
	    "  -V, --version  the version\n\n"
	    "See touchbase(1) and touchbase.conf(5).\n", f);
}

static int
exit_code(enum cmd_status st)
{
	static const int codes[] = {
		[CMD_OK] = EX_OK,
		[CMD_USAGE] = EX_USAGE,
		[CMD_DATAERR] = EX_DATAERR,
		[CMD_NOINPUT] = EX_NOINPUT,
		[CMD_UNAVAILABLE] = EX_UNAVAILABLE,
		[CMD_SOFTWARE] = EX_SOFTWARE,
		[CMD_CANTCREAT] = EX_CANTCREAT,
		[CMD_IOERR] = EX_IOERR,
		[CMD_TEMPFAIL] = EX_TEMPFAIL,
		[CMD_NOPERM] = EX_NOPERM,
		[CMD_CONFIG] = EX_CONFIG,
	};

	return (size_t)st < sizeof codes / sizeof codes[0] ? codes[st] :
	    EX_SOFTWARE;
}

/* True when argv (after the command) asks for --help: then the command
 * prints its usage without needing a configuration. */
static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static const struct command *
find_command(const char *name)
{
	const char *names[sizeof commands / sizeof commands[0]];
	size_t n = sizeof commands / sizeof commands[0];
	char *near;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
		names[i] = commands[i].name;
	}
	near = suggest_list(name, names, n, 3);
	if (near != NULL)
		cmd_error("unknown command \"%s\"; did you mean %s?", name,
		    near);
	else
		cmd_error("unknown command \"%s\"; \"touchbase help\" lists "
		    "them", name);
	free(near);
	return NULL;
}

/*
 * Take the global options -c FILE, -d DBFILE, -v and -q out of the
 * command's arguments (up to "--"), so that they work after the command
 * too, as in git.  Returns false on -c or -d without a value.
 */
static bool
take_global_options(int *argc, char **argv, const char **config_path,
    const char **db, struct cmd_ctx *ctx)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "-q") == 0) {
			ctx->verbose = a[1] == 'v';
			ctx->quiet = a[1] == 'q';
		} else if (a[0] == '-' && (a[1] == 'c' || a[1] == 'd')) {
			const char *val = a[2] != '\0' ? a + 2 : argv[++i];

			if (i >= *argc) {
				cmd_error("option -%c needs a value", a[1]);
				return false;
			}
			*(a[1] == 'c' ? config_path : db) = val;
		} else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return true;
}

/* True when standard output could not be written: a closed pipe
 * (head(1) has read enough) ends quietly; anything else is an error. */
static bool
stdout_failed(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return false;
	if (errno == EPIPE)
		return false;
	cmd_error("writing to standard output failed: %s", strerror(errno));
	return true;
}

static enum cmd_status
load_config(struct cmd_ctx *ctx, const char *config_path, const char *db)
{
	char *err = NULL;

	if (config_load(config_path, &ctx->cfg, &err) != 0) {
		cmd_error_lines(err);
		free(err);
		return CMD_CONFIG;
	}
	for (size_t i = 0; ctx->cfg.notes && ctx->cfg.notes[i]; i++)
		log_debug("%s", ctx->cfg.notes[i]);
	for (size_t i = 0; ctx->cfg.warnings && ctx->cfg.warnings[i]; i++)
		log_warnx("warning: %s", ctx->cfg.warnings[i]);
	ctx->db_path = db ? db : ctx->cfg.db_path;
	return CMD_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "log", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_ctx ctx;
	const char *config_path = NULL, *db = NULL;
	static char help_opt[] = "--help", program_name[] = "touchbase";
	const char *sink_name = getenv("TOUCHBASE_LOG");
	const char *sink_from = "TOUCHBASE_LOG";
	enum log_sink sink = LOG_SINK_AUTO;
	const struct command *cmd = NULL;
	enum cmd_status st;
	int ch;

	memset(&ctx, 0, sizeof ctx);
	config_init(&ctx.cfg);
	while ((ch = getopt_long(argc, argv, "+c:d:vqhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'v':
			ctx.verbose = true;
			ctx.quiet = false;
			break;
		case 'q':
			ctx.quiet = true;
			ctx.verbose = false;
			break;
		case 'h':
			usage(stdout);
			config_reset(&ctx.cfg);
			return EX_OK;
		case 'L':
			sink_name = optarg;
			sink_from = "--log";
			break;
		case 'V':
			printf("touchbase %s\n", PACKAGE_VERSION);
			config_reset(&ctx.cfg);
			return EX_OK;
		default:
			usage(stderr);
			config_reset(&ctx.cfg);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (sink_name != NULL && *sink_name != '\0' &&
	    log_sink_parse(sink_name, &sink) != 0) {
		cmd_error("%s: \"%s\" is not auto, stderr or syslog",
		    sink_from, sink_name);
		config_reset(&ctx.cfg);
		return EX_USAGE;
	}
	log_init(ctx.verbose ? LOG_LEVEL_DEBUG : ctx.quiet ? LOG_LEVEL_WARN :
	    LOG_LEVEL_INFO, sink);
	if (argc == 0) {
		usage(stderr);
		config_reset(&ctx.cfg);
		return EX_USAGE;
	}
	/* "help COMMAND [SUBCOMMAND]" is "COMMAND [SUBCOMMAND] --help". */
	if (strcmp(argv[0], "help") == 0) {
		if (argc == 1 || argc > 3) {
			usage(argc == 1 ? stdout : stderr);
			config_reset(&ctx.cfg);
			return argc == 1 ? EX_OK : EX_USAGE;
		}
		argv[0] = argv[1];
		argv[1] = argc == 3 ? argv[2] : help_opt;
		argv[2] = argc == 3 ? help_opt : NULL;
	}
	if ((cmd = find_command(argv[0])) == NULL || cmd->fn == NULL ||
	    !take_global_options(&argc, argv, &config_path, &db, &ctx)) {
		if (cmd != NULL && cmd->fn == NULL)
			cmd_error("help goes first: \"touchbase help COMMAND\"");
		config_reset(&ctx.cfg);
		return EX_USAGE;
	}
	/* -v or -q after the command: the level again. */
	log_init(ctx.verbose ? LOG_LEVEL_DEBUG : ctx.quiet ? LOG_LEVEL_WARN :
	    LOG_LEVEL_INFO, sink);
	/* getopt's own messages carry the program's name, not the
	 * command's. */
	argv[0] = program_name;
	ctx.tty = isatty(STDERR_FILENO);
	ctx.now = time(NULL);
	st = CMD_OK;
	if (cmd->needs_config && !wants_help(argc, argv))
		st = load_config(&ctx, config_path, db);
	if (st == CMD_OK) {
		optind = 0;	/* reset getopt for the command's own options */
		st = cmd->fn(&ctx, argc, argv);
	}
	if (stdout_failed() && st == CMD_OK)
		st = CMD_IOERR;
	config_reset(&ctx.cfg);
	return exit_code(st);
}
