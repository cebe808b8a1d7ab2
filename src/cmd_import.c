/* cmd_import.c: touchbase import and export. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "exchange.h"
#include "log.h"

static const struct cmd_usage import_usage = {
	"import FILE.csv [--dry-run]",
	"Add the partners (and contacts) of an RFC 4180 CSV file with a header\n"
	"row.  Columns: key, name, owner_email, owner_name, sponsor_email,\n"
	"sponsor_name, cadence, start_date, timezone, tier, notes, archived,\n"
	"last_checkin, contact_name, contact_email, contact_role,\n"
	"contact_invite; name and\n"
	"owner_email are required.  A row that repeats a key adds a contact.\n"
	"All or nothing: any bad record is reported with its line and nothing\n"
	"is imported.  \"touchbase export\" writes this format.\n\n"
	"  --dry-run   check the file, change nothing\n",
};

static const struct cmd_usage export_usage = {
	"export [--format csv|json]",
	"Write every partner (archived too), with contacts, to standard output\n"
	"as CSV (the import format, the default) or as a JSON array.\n",
};

static void
show_progress(long records, void *arg)
{
	fprintf(stderr, "\rtouchbase: import: %ld records read...", records);
	*(bool *)arg = true;
}

enum cmd_status
cmd_import(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_result r;
	struct book book;
	enum cmd_status st;
	bool dry_run = false, progressed = false;
	char *err = NULL;
	struct stat sb;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = true;
			break;
		case 'h':
			return cmd_print_usage(&import_usage, true);
		default:
			return cmd_print_usage(&import_usage, false);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&import_usage, "import needs one FILE");
	if (access(argv[optind], R_OK) != 0) {
		cmd_error("%s: %s", argv[optind], strerror(errno));
		return CMD_NOINPUT;
	}
	if (stat(argv[optind], &sb) == 0 && S_ISDIR(sb.st_mode)) {
		cmd_error("%s: is a directory, not a CSV file", argv[optind]);
		return CMD_NOINPUT;
	}
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = exchange_import(&book, argv[optind], dry_run, ctx->now,
	    ctx->tty && !ctx->quiet ? show_progress : NULL, &progressed, &r,
	    &err);
	if (progressed)
		fputc('\n', stderr);
	for (size_t i = 0; r.errors && r.errors[i]; i++)
		cmd_error("%s", r.errors[i]);
	if (r.nerrors > r.nlisted)
		cmd_error("... and %zu more errors", r.nerrors - r.nlisted);
	if (rc == BOOK_INVALID && r.nerrors > 0)
		cmd_error("%s: %zu bad record%s; nothing was imported",
		    argv[optind], r.nerrors, r.nerrors == 1 ? "" : "s");
	else if (rc == 0)
		log_info("%s %ld partner%s, %ld contact%s, %ld check-in%s from "
		    "%s", dry_run ? "would import" : "imported", r.partners,
		    r.partners == 1 ? "" : "s", r.contacts,
		    r.contacts == 1 ? "" : "s", r.checkins,
		    r.checkins == 1 ? "" : "s", argv[optind]);
	import_result_reset(&r);
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_export(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "csv";
	struct book book;
	struct buf out;
	enum cmd_status st;
	char *err = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'h':
			return cmd_print_usage(&export_usage, true);
		default:
			return cmd_print_usage(&export_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&export_usage, "export takes no arguments");
	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cmd_usage_error(&export_usage, "--format: \"%s\" is not "
		    "csv or json", format);
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	buf_init(&out);
	if (strcmp(format, "csv") == 0)
		rc = exchange_export_csv(&book, &out, &err);
	else
		rc = exchange_export_json(&book, &out, &err);
	st = cmd_book_status(&book, rc == 0 ? 0 : BOOK_ERROR, err);
	if (st == CMD_OK)
		st = cmd_write(buf_str(&out), out.len);
	buf_reset(&out);
	cmd_close_book(&book);
	return st;
}
