/* cmd_digest.c: touchbase digest. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "compose.h"
#include "digest.h"
#include "digest_plan.h"
#include "message.h"

static const struct cmd_usage digest_usage = {
	"digest [--send] [--owner EMAIL] [--now DATETIME]",
	"The leadership digest: every active partnership grouped by state\n"
	"(escalated, overdue, due this week, healthy) with its owner, last\n"
	"check-in and days since.  Without --send it is printed as the\n"
	"digest.txt template renders it; nothing is sent.\n\n"
	"run sends it by itself on digest.weekday (or the first run after it\n"
	"in the same ISO week) to digest.to, and with digest.owners = yes one\n"
	"to each owner with only their partners.\n\n"
	"  --send           send it now, as run would: to digest.to, and to\n"
	"                   each owner when digest.owners = yes; like run,\n"
	"                   this also delivers any other mail that is ready\n"
	"                   in the outbox\n"
	"  --owner EMAIL    only the partnerships EMAIL owns; with --send,\n"
	"                   one digest to EMAIL alone\n"
	"  --now DATETIME   as if it were then (YYYY-MM-DD or ISO 8601)\n",
};

struct digest_args {
	const char	*owner;
};

/* Who the printed digest is addressed to: the owner it is about, else
 * digest.to, else a placeholder for the template's recipient.*. */
static char *
print_recipient(const struct config *cfg, const char *owner)
{
	char *name = NULL, *email = NULL;

	if (owner != NULL)
		return xstrdup(owner);
	if (!str_empty(cfg->digest_to) &&
	    message_address_parse(cfg->digest_to, &name, &email, NULL) == 0) {
		free(name);
		return email;
	}
	return xstrdup("leadership");
}

static enum cmd_status
digest_print(struct cmd_ctx *ctx, const char *owner, time_t now)
{
	struct composer composer;
	struct book book;
	enum cmd_status st;
	struct buf text;
	char *err = NULL, *recipient;
	int rc;

	if ((st = cmd_open_composer(ctx, &book, &composer)) != CMD_OK)
		return st;
	buf_init(&text);
	recipient = print_recipient(&ctx->cfg, owner);
	if (owner != NULL && (rc = digest_check_owner(&book, owner, &err)) != 0)
		st = cmd_book_status(&book, rc, err);
	else if (compose_digest_text(&composer, owner, recipient, now, &text,
	    &err) != 0)
		st = cmd_book_status(&book, BOOK_ERROR, err);
	else {
		char *as_of = cmd_as_of(ctx->cfg.timezone, now);

		log_info("digest %s", as_of);
		free(as_of);
		st = cmd_write(buf_str(&text), text.len);
	}
	free(recipient);
	buf_reset(&text);
	cmd_close_composer(&book, &composer);
	return st;
}

static int
plan_now(struct book *b, time_t now, long *planned, void *arg, char **err)
{
	const struct digest_args *da = arg;

	if (da->owner != NULL)
		return digest_plan_owner(b, now, da->owner, planned, err) == 0 ?
		    0 : -1;
	return digest_plan(b, now, true, planned, err);
}

/* Refuse what cannot be sent before taking the run lock: a digest with
 * nowhere to go, or one for an owner of nothing. */
static enum cmd_status
digest_send_check(struct cmd_ctx *ctx, const char *owner)
{
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	int rc;

	if (owner == NULL) {
		if (!str_empty(ctx->cfg.digest_to) || ctx->cfg.digest_owners)
			return CMD_OK;
		cmd_error("digest --send: no recipient: set \"to\" in the "
		    "[digest] section of %s (or owners = yes)",
		    ctx->cfg.source ? ctx->cfg.source : "touchbase.conf");
		return CMD_CONFIG;
	}
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = digest_check_owner(&book, owner, &err);
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_digest(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "send", no_argument, NULL, 's' },
		{ "owner", required_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct digest_args da = { NULL };
	const char *now_arg = NULL;
	enum cmd_status st;
	bool send = false;
	time_t now;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			send = true;
			break;
		case 'o':
			da.owner = optarg;
			break;
		case 'N':
			now_arg = optarg;
			break;
		case 'h':
			return cmd_print_usage(&digest_usage, true);
		default:
			return cmd_print_usage(&digest_usage, false);
		}
	}
	if (argc != optind)
		return cmd_usage_error(&digest_usage,
		    "digest takes no arguments");
	if (da.owner != NULL && *da.owner == '\0')
		return cmd_usage_error(&digest_usage, "--owner needs an email");
	if ((st = cmd_parse_now(ctx, now_arg, &now)) != CMD_OK)
		return st;
	if (!send)
		return digest_print(ctx, da.owner, now);
	if ((st = digest_send_check(ctx, da.owner)) != CMD_OK)
		return st;
	return cmd_plan_deliver(ctx, now, false, false, plan_now, &da,
	    "digest");
}
