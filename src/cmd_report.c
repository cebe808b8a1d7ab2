/* cmd_report.c: touchbase report. */
#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "file.h"
#include "report.h"

static const struct cmd_usage report_usage = {
	"report [--html] [--now DATETIME] [--output FILE]",
	"An HTML page of partnership health for leaders: how many partners\n"
	"are in each state, those that need attention with their owners, a\n"
	"chart of the days since each partner's last check-in against its\n"
	"cadence, every partner's next check-in, and undelivered mail.  The\n"
	"page is one self-contained file (inline CSS and SVG, no scripts),\n"
	"readable on a phone and in print.\n\n"
	"  --html           write HTML (the default and only format so far)\n"
	"  --output FILE    write to FILE, replacing it whole, instead of\n"
	"                   standard output\n"
	"  --now DATETIME   as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

/*
 * Replace path with the page whole: a reader (a web server, a mail job)
 * never sees half a report, and a failure leaves the previous one in
 * place.  A report is for sharing: readable by others as umask allows.
 */
static enum cmd_status
write_file(const char *path, const struct buf *page)
{
	enum file_status fs;
	char *err = NULL;

	fs = file_replace(path, NULL, 0666, buf_str(page), page->len, &err);
	if (fs == FILE_OK)
		return CMD_OK;
	cmd_error("%s", err);
	free(err);
	return fs == FILE_CANTCREATE ? CMD_CANTCREAT : CMD_IOERR;
}

enum cmd_status
cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "html", no_argument, NULL, 'H' },
		{ "now", required_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *now_arg = NULL, *output = NULL;
	struct book book;
	struct buf page;
	enum cmd_status st;
	char *err = NULL;
	time_t now;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':	/* the default, and the only format */
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			return cmd_print_usage(&report_usage, true);
		default:
			return cmd_print_usage(&report_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&report_usage,
		    "report takes no arguments");
	if (output != NULL && *output == '\0')
		return cmd_usage_error(&report_usage,
		    "--output: empty file name");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	buf_init(&page);
	if (report_html(&book, now, &page, &err) != 0)
		st = cmd_book_status(&book, BOOK_ERROR, err);
	else if (output == NULL)
		st = cmd_write(buf_str(&page), page.len);
	else
		st = write_file(output, &page);
	buf_reset(&page);
	cmd_close_book(&book);
	return st;
}
