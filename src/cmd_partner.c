/* cmd_partner.c: touchbase partner add|list|show|edit|archive|remove. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "cmd.h"
#include "exchange.h"
#include "health.h"
#include "log.h"

static const struct cmd_usage partner_usage = {
	"partner add|list|show|edit|archive|remove ...",
	"  partner add NAME --owner EMAIL [OPTIONS]   add a partner\n"
	"  partner list [--all] [--json]              list partners\n"
	"  partner show KEY [--json]                  one partner, its contacts"
	" and check-ins\n"
	"  partner edit KEY [OPTIONS]                 change fields\n"
	"  partner archive KEY                        stop scheduling, keep "
	"history\n"
	"  partner remove KEY                         delete with its contacts "
	"and check-ins\n\n"
	"Options of add and edit:\n"
	"  --owner EMAIL       who owns the relationship (\"Name <email>\" "
	"works too)\n"
	"  --owner-name NAME   the owner's name\n"
	"  --key KEY           short identifier (default: made from NAME)\n"
	"  --name NAME         (edit) rename\n"
	"  --cadence SPEC      weekly, biweekly, monthly (default), quarterly,"
	" yearly,\n"
	"                      \"every N days|weeks|months\" or "
	"\"RRULE:FREQ=...\"\n"
	"  --start DATE        first due date is counted from here (default "
	"today)\n"
	"  --sponsor EMAIL     executive sponsor, who gets escalations\n"
	"                      (\"Name <email>\" works too)\n"
	"  --sponsor-name NAME the sponsor's name\n"
	"  --timezone TZ       the partner's time zone (default "
	"schedule.timezone)\n"
	"  --tier T            e.g. strategic, core\n"
	"  --notes TEXT        free text\n"
	"On edit, an empty value (--sponsor '') clears an optional field.\n",
};

enum {
	OPT_OWNER = 256, OPT_OWNER_NAME, OPT_KEY, OPT_NAME, OPT_CADENCE,
	OPT_START, OPT_SPONSOR, OPT_SPONSOR_NAME, OPT_TIMEZONE, OPT_TIER, OPT_NOTES, OPT_JSON,
	OPT_ALL
};

static const struct option partner_options[] = {
	{ "owner", required_argument, NULL, OPT_OWNER },
	{ "owner-name", required_argument, NULL, OPT_OWNER_NAME },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "cadence", required_argument, NULL, OPT_CADENCE },
	{ "start", required_argument, NULL, OPT_START },
	{ "sponsor", required_argument, NULL, OPT_SPONSOR },
	{ "sponsor-name", required_argument, NULL, OPT_SPONSOR_NAME },
	{ "timezone", required_argument, NULL, OPT_TIMEZONE },
	{ "tier", required_argument, NULL, OPT_TIER },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct partner_args {
	struct partner_input	 in;
	bool			 json;
	bool			 all;
	bool			 help;		/* --help was printed */
	int			 nargs;
	char			**args;
};

/* Parse the options every partner subcommand shares; the caller checks
 * which ones make sense for it. */
static enum cmd_status
parse_partner_args(int argc, char **argv, struct partner_args *a)
{
	int ch;

	memset(a, 0, sizeof *a);
	while ((ch = getopt_long(argc, argv, "h", partner_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_OWNER: a->in.owner = optarg; break;
		case OPT_OWNER_NAME: a->in.owner_name = optarg; break;
		case OPT_KEY: a->in.key = optarg; break;
		case OPT_NAME: a->in.name = optarg; break;
		case OPT_CADENCE: a->in.cadence = optarg; break;
		case OPT_START: a->in.start = optarg; break;
		case OPT_SPONSOR: a->in.sponsor = optarg; break;
		case OPT_SPONSOR_NAME: a->in.sponsor_name = optarg; break;
		case OPT_TIMEZONE: a->in.timezone = optarg; break;
		case OPT_TIER: a->in.tier = optarg; break;
		case OPT_NOTES: a->in.notes = optarg; break;
		case OPT_JSON: a->json = true; break;
		case OPT_ALL: a->all = true; break;
		case 'h':
			a->help = true;
			return cmd_print_usage(&partner_usage, true);
		default: return cmd_print_usage(&partner_usage, false);
		}
	}
	a->nargs = argc - optind;
	a->args = argv + optind;
	return CMD_OK;
}

static bool
has_fields(const struct partner_input *in)
{
	return in->owner || in->owner_name || in->key || in->name ||
	    in->cadence || in->start || in->sponsor || in->sponsor_name ||
	    in->timezone || in->tier || in->notes;
}

static enum cmd_status
partner_add(struct cmd_ctx *ctx, struct partner_args *a)
{
	struct book book;
	struct partner p;
	enum cmd_status st;
	char *err = NULL;
	int rc;

	if (a->nargs != 1 || a->in.name != NULL)
		return cmd_usage_error(&partner_usage,
		    "partner add needs one NAME (quote it if it has spaces)");
	a->in.name = a->args[0];
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = book_partner_add(&book, &a->in, ctx->now, &p, &err);
	if (rc == 0) {
		log_info("added %s (%s), %s, next check-in due %s", p.key,
		    p.name, p.cadence, p.next_due ? p.next_due : "never");
		partner_reset(&p);
	}
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

static enum cmd_status
partner_edit(struct cmd_ctx *ctx, struct partner_args *a)
{
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	int rc;

	if (a->nargs != 1)
		return cmd_usage_error(&partner_usage, "partner edit needs one "
		    "KEY");
	if (!has_fields(&a->in))
		return cmd_usage_error(&partner_usage, "partner edit: nothing "
		    "to change (give --owner, --cadence, ...)");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = book_partner_edit(&book, a->args[0], &a->in, ctx->now, &err);
	if (rc == 0)
		log_info("updated %s", a->in.key ? a->in.key : a->args[0]);
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

static enum cmd_status
partner_archive_or_remove(struct cmd_ctx *ctx, struct partner_args *a,
    bool remove)
{
	struct book book;
	enum cmd_status st;
	char *err = NULL;
	int rc;

	if (a->nargs != 1 || has_fields(&a->in))
		return cmd_usage_error(&partner_usage, "partner %s needs one KEY "
		    "and no options", remove ? "remove" : "archive");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (remove)
		rc = book_partner_remove(&book, a->args[0], &err);
	else
		rc = book_partner_archive(&book, a->args[0], ctx->now, &err);
	if (rc == 0)
		log_info("%s %s", remove ? "removed" : "archived", a->args[0]);
	st = cmd_book_status(&book, rc, err);
	cmd_close_book(&book);
	return st;
}

struct list_state {
	struct book	*book;
	struct table	 table;
	struct buf	 json;
	bool		 as_json;
	bool		 first;
	char		*err;
};

static int
list_one(const struct partner *p, void *arg)
{
	struct list_state *ls = arg;
	char *phrase;

	if (ls->as_json) {
		buf_adds(&ls->json, ls->first ? "\n  " : ",\n  ");
		ls->first = false;
		return exchange_partner_json(ls->book, p, false, 0, NULL, 0,
		    &ls->json, &ls->err);
	}
	phrase = cadence_describe_spec(p->cadence);
	{
		const char *row[] = { p->key, p->name, p->owner_name ?
		    p->owner_name : p->owner_email, phrase,
		    p->last_checkin, p->archived ? "archived" : p->next_due };

		table_add(&ls->table, row);
	}
	free(phrase);
	return 0;
}

static enum cmd_status
partner_list(struct cmd_ctx *ctx, struct partner_args *a)
{
	static const char *const header[] = { "KEY", "NAME", "OWNER",
	    "CADENCE", "LAST CHECK-IN", "NEXT DUE" };
	struct list_state ls;
	enum cmd_status st;
	struct book book;

	if (a->nargs != 0 || has_fields(&a->in))
		return cmd_usage_error(&partner_usage, "partner list takes only "
		    "--all and --json");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	memset(&ls, 0, sizeof ls);
	ls.book = &book;
	ls.as_json = a->json;
	ls.first = true;
	buf_init(&ls.json);
	table_init(&ls.table, 6, header);
	if (book_partner_foreach(&book, a->all, list_one, &ls, &ls.err) != 0)
		st = cmd_book_status(&book, BOOK_ERROR, ls.err);
	else if (a->json) {
		buf_adds(&ls.json, ls.first ? "[]\n" : "\n]\n");
		st = cmd_write("[", 1);
		if (st == CMD_OK)
			st = cmd_write(buf_str(&ls.json) + (ls.first ? 1 : 0),
			    ls.json.len - (ls.first ? 1 : 0));
	} else if (ls.table.nrows == 1)
		log_info("no partners yet: add one with \"touchbase partner add "
		    "NAME --owner EMAIL\" or import a CSV file");
	else
		table_print(&ls.table, stdout);
	table_reset(&ls.table);
	buf_reset(&ls.json);
	cmd_close_book(&book);
	return st;
}

static int
print_contact(const struct contact *c, void *arg)
{
	int *n = arg;

	if ((*n)++ == 0)
		printf("\nContacts:\n");
	printf("  %s <%s>%s%s%s\n", c->name, c->email, c->role ? ", " : "",
	    c->role ? c->role : "", c->invite ? " (invited to check-ins)" : "");
	if (c->bounced_at != NULL)
		printf("    address bounced on %.10s: %s; left off invites until "
		    "it is edited\n", c->bounced_at, c->bounce_reason ?
		    c->bounce_reason : "");
	return 0;
}

static int
print_checkin(const struct checkin *c, void *arg)
{
	int *n = arg;

	if ((*n)++ == 0)
		printf("\nRecent check-ins:\n");
	printf("  %s%s%s%s%s\n", c->date, c->by_email ? " by " : "",
	    c->by_email ? c->by_email : "", c->note ? ": " : "",
	    c->note ? c->note : "");
	return 0;
}

static void
print_partner(const struct partner *p)
{
	char *phrase = cadence_describe_spec(p->cadence);

	printf("%s (%s)%s\n", p->name, p->key, p->archived ? " [archived]" : "");
	printf("  Owner:         %s%s%s%s\n", p->owner_name ? p->owner_name : "",
	    p->owner_name ? " <" : "", p->owner_email, p->owner_name ? ">" : "");
	if (p->sponsor_email && p->sponsor_name)
		printf("  Sponsor:       %s <%s>\n", p->sponsor_name,
		    p->sponsor_email);
	else if (p->sponsor_email)
		printf("  Sponsor:       %s\n", p->sponsor_email);
	printf("  Cadence:       %s\n", phrase);
	printf("  Since:         %s\n", p->start_date);
	printf("  Last check-in: %s\n", p->last_checkin ? p->last_checkin :
	    "none yet");
	printf("  Next due:      %s\n", p->archived ? "not scheduled (archived)" :
	    p->next_due ? p->next_due : "nothing more scheduled");
	if (p->timezone)
		printf("  Time zone:     %s\n", p->timezone);
	if (p->tier)
		printf("  Tier:          %s\n", p->tier);
	if (p->snooze_until)
		printf("  Snoozed until: %s\n", p->snooze_until);
	if (p->notes)
		printf("  Notes:         %s\n", p->notes);
	free(phrase);
}

/* The answers to the current invite, under the partner. */
static int
print_answers(struct book *b, const struct partner *p, char **err)
{
	char *answers;

	if (health_answers(b, p, &answers, err) != 0)
		return -1;
	if (answers != NULL)
		printf("  Invite:        %s\n", answers);
	free(answers);
	return 0;
}

static enum cmd_status
partner_show(struct cmd_ctx *ctx, struct partner_args *a)
{
	struct book book;
	struct partner p;
	struct buf json;
	enum cmd_status st;
	char *err = NULL;
	int rc, n = 0;

	if (a->nargs != 1 || has_fields(&a->in))
		return cmd_usage_error(&partner_usage, "partner show needs one "
		    "KEY");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	buf_init(&json);
	if ((rc = book_partner_get(&book, a->args[0], &p, &err)) != 0)
		goto done;
	if (a->json) {
		rc = exchange_partner_json(&book, &p, true, 10, NULL, 0, &json,
		    &err);
		if (rc == 0)
			buf_addc(&json, '\n');
	} else {
		print_partner(&p);
		rc = print_answers(&book, &p, &err);
		if (rc == 0)
			rc = book_contact_foreach(&book, &p, print_contact, &n,
			    &err);
		n = 0;
		if (rc == 0)
			rc = book_checkin_foreach(&book, &p, 10, print_checkin,
			    &n, &err);
	}
	partner_reset(&p);
done:
	st = cmd_book_status(&book, rc == 0 ? 0 : rc > 0 ? BOOK_ERROR : rc,
	    err);
	if (st == CMD_OK && a->json)
		st = cmd_write(json.data, json.len);
	buf_reset(&json);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_partner(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct partner_args a;
	enum cmd_status st;
	const char *sub;

	if (argc < 2)
		return cmd_usage_error(&partner_usage, "partner needs a "
		    "subcommand");
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cmd_print_usage(&partner_usage, true);
	if ((st = parse_partner_args(argc - 1, argv + 1, &a)) != CMD_OK ||
	    a.help)
		return st;
	if (strcmp(sub, "add") == 0)
		return partner_add(ctx, &a);
	if (strcmp(sub, "list") == 0)
		return partner_list(ctx, &a);
	if (strcmp(sub, "show") == 0)
		return partner_show(ctx, &a);
	if (strcmp(sub, "edit") == 0)
		return partner_edit(ctx, &a);
	if (strcmp(sub, "archive") == 0)
		return partner_archive_or_remove(ctx, &a, false);
	if (strcmp(sub, "remove") == 0)
		return partner_archive_or_remove(ctx, &a, true);
	return cmd_usage_error(&partner_usage, "unknown partner subcommand "
	    "\"%s\"", sub);
}
