/* cmd_import.c: touchbase import and export. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "date.h"
#include "exchange.h"
#include "log.h"

static const struct cmd_usage import_usage = {
	"import FILE.csv [--dry-run] [--update] [--checkins FILE.csv]\n"
	"       [--baseline DATE|today] [--delimiter C]",
	"Add the partners (and contacts) of an RFC 4180 CSV file with a header\n"
	"row.  Columns: key, name, owner_email, owner_name, sponsor_email,\n"
	"sponsor_name, cadence, start_date, timezone, tier, notes, archived,\n"
	"last_checkin, contact_name, contact_email, contact_role,\n"
	"contact_invite; name and owner_email are required (\"Owner E-mail\"\n"
	"names owner_email; other columns are ignored with a warning).  A row\n"
	"that repeats a key adds a contact.  All or nothing: any bad record is\n"
	"reported with its line and nothing is imported.  \"touchbase export\"\n"
	"writes this format.  Says what the next run would send.\n\n"
	"  --dry-run            check the file, change nothing\n"
	"  --update             a key in the book updates that partner\n"
	"  --checkins FILE.csv  check-ins (export --checkins) instead of\n"
	"                       last_checkin\n"
	"  --baseline DATE      a new partner without last_checkin gets a\n"
	"                       baseline check-in that day (or today)\n"
	"  --delimiter C        field delimiter (default: read from the header)\n",
};

static const struct cmd_usage export_usage = {
	"export [--format csv|json] [--checkins]",
	"Write every partner (archived too), with contacts, to standard output\n"
	"as CSV (the import format, the default) or as a JSON array with every\n"
	"check-in.\n\n"
	"  --checkins   every check-in instead, as CSV (key, date, note, by)\n",
};

/* What kind of message and who gets it, in the forecast's words. */
static const struct {
	enum outbox_kind	 kind;
	const char		*one, *many, *rcpt, *rcpts;
} forecast_words[] = {
	{ OUTBOX_REMINDER, "reminder", "reminders", "owner", "owners" },
	{ OUTBOX_INVITATION, "invitation", "invitations", "contact",
	    "contacts" },
	{ OUTBOX_OVERDUE, "overdue notice", "overdue notices", "owner",
	    "owners" },
	{ OUTBOX_ESCALATION, "escalation", "escalations", "sponsor",
	    "sponsors" },
	{ OUTBOX_UPDATE, "invite update", "invite updates", "recipient",
	    "recipients" },
	{ OUTBOX_CANCEL, "cancellation", "cancellations", "recipient",
	    "recipients" },
	{ OUTBOX_DIGEST, "digest", "digests", "reader", "readers" },
	{ OUTBOX_DECLINED, "decline notice", "decline notices", "owner",
	    "owners" },
	{ OUTBOX_COUNTER, "counter-proposal notice", "counter-proposal "
	    "notices", "owner", "owners" },
	{ OUTBOX_CONFIRMATION, "confirmation", "confirmations", "owner",
	    "owners" },
};

/* "the next run would send: 3 reminders to 3 owners, 6 escalations to 3
 * sponsors", or that it would send nothing. */
static void
show_forecast(const struct import_result *r, const struct import_opts *opts)
{
	struct buf line;
	size_t n = 0;

	if (r->forecast_err != NULL) {
		log_warnx("cannot say what the next run would send: %s",
		    r->forecast_err);
		return;
	}
	buf_init(&line);
	for (size_t i = 0; i < sizeof forecast_words /
	    sizeof forecast_words[0]; i++) {
		const struct forecast_count *c =
		    &r->forecast.kind[forecast_words[i].kind];

		if (c->messages == 0)
			continue;
		buf_printf(&line, "%s%ld %s to %ld %s", n++ ? ", " : "",
		    c->messages, c->messages == 1 ? forecast_words[i].one :
		    forecast_words[i].many, c->recipients, c->recipients == 1 ?
		    forecast_words[i].rcpt : forecast_words[i].rcpts);
	}
	if (n == 0)
		log_info("the next run would send nothing");
	else
		log_info("the next run would send: %s", buf_str(&line));
	buf_reset(&line);
	/* A book moved from a spreadsheet without check-ins counts every
	 * partner late since its start: say how to begin calm. */
	if (opts->baseline == NULL && r->partners > r->checkins &&
	    (r->forecast.kind[OUTBOX_OVERDUE].messages > 0 ||
	    r->forecast.kind[OUTBOX_ESCALATION].messages > 0))
		log_info("partners without last_checkin are late since their "
		    "start; --baseline today counts them as checked in today "
		    "(see touchbase(1), import)");
}

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
		{ "baseline", required_argument, NULL, 'b' },
		{ "update", no_argument, NULL, 'u' },
		{ "checkins", required_argument, NULL, 'k' },
		{ "delimiter", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_opts opts = { 0 };
	struct import_result r;
	struct tb_date day;
	struct book book;
	enum cmd_status st;
	bool progressed = false;
	char *err = NULL;
	struct stat sb;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			opts.dry_run = true;
			break;
		case 'u':
			opts.update = true;
			break;
		case 'k':
			opts.checkins = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "today") != 0 &&
			    date_parse(optarg, &day, NULL) != 0)
				return cmd_usage_error(&import_usage,
				    "--baseline: \"%s\" is not YYYY-MM-DD or "
				    "today", optarg);
			opts.baseline = optarg;
			break;
		case 'D':
			if (strcmp(optarg, "tab") == 0 ||
			    strcmp(optarg, "\\t") == 0)
				optarg = "\t";
			if (strlen(optarg) != 1 || strchr(",;\t|", *optarg) ==
			    NULL)
				return cmd_usage_error(&import_usage,
				    "--delimiter: \"%s\" is not one of , ; | "
				    "or tab", optarg);
			opts.delimiter = *optarg;
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
	if (opts.checkins != NULL && access(opts.checkins, R_OK) != 0) {
		cmd_error("%s: %s", opts.checkins, strerror(errno));
		return CMD_NOINPUT;
	}
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = exchange_import_with(&book, argv[optind], &opts, ctx->now,
	    ctx->tty && !ctx->quiet ? show_progress : NULL, &progressed, &r,
	    &err);
	if (progressed)
		fputc('\n', stderr);
	for (size_t i = 0; i < r.nwarnings; i++)
		log_warnx("%s", r.warnings[i]);
	for (size_t i = 0; r.errors && r.errors[i]; i++)
		cmd_error("%s", r.errors[i]);
	if (r.nerrors > r.nlisted)
		cmd_error("... and %zu more errors", r.nerrors - r.nlisted);
	if (rc == BOOK_INVALID && r.nerrors > 0)
		cmd_error("%s: %zu bad record%s; nothing was imported",
		    argv[optind], r.nerrors, r.nerrors == 1 ? "" : "s");
	else if (rc == 0)
	{
		log_info("%s %ld partner%s, %ld contact%s, %ld check-in%s from "
		    "%s", opts.dry_run ? "would import" : "imported",
		    r.partners, r.partners == 1 ? "" : "s", r.contacts,
		    r.contacts == 1 ? "" : "s", r.checkins,
		    r.checkins == 1 ? "" : "s", argv[optind]);
		if (r.updated > 0)
			log_info("%s %ld partner%s", opts.dry_run ?
			    "would update" : "updated", r.updated,
			    r.updated == 1 ? "" : "s");
		if (r.baselines > 0)
			log_info("%s %ld baseline check-in%s (partners without "
			    "last_checkin)", opts.dry_run ? "would record" :
			    "recorded", r.baselines, r.baselines == 1 ? "" :
			    "s");
		show_forecast(&r, &opts);
	}
	import_result_reset(&r);
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

/* exchange_export's writer: standard output, *failed once it fails. */
static int
write_out(const char *text, size_t len, void *arg)
{
	if (cmd_write(text, len) == CMD_OK)
		return 0;
	*(bool *)arg = true;
	return -1;
}

enum cmd_status
cmd_export(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "checkins", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "csv";
	bool checkins = false;
	struct book book;
	bool failed = false;
	enum cmd_status st;
	char *err = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'k':
			checkins = true;
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
	if (checkins && strcmp(format, "csv") != 0)
		return cmd_usage_error(&export_usage, "--checkins writes CSV; "
		    "the JSON export carries check-ins already");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (checkins) {
		struct buf out;

		buf_init(&out);
		rc = exchange_export_checkins_csv(&book, &out, &err);
		st = cmd_book_status(&book, rc == 0 ? 0 : BOOK_ERROR, err);
		if (st == CMD_OK)
			st = cmd_write(buf_str(&out), out.len);
		buf_reset(&out);
	} else {
		rc = exchange_export(&book, strcmp(format, "json") == 0,
		    write_out, &failed, &err);
		st = failed ? CMD_IOERR : cmd_book_status(&book, rc == 0 ? 0 :
		    BOOK_ERROR, err);
	}
	cmd_close_book(&book);
	return st;
}
