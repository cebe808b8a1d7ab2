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
	"partner add|list|search|show|edit|archive|remove ...",
	"  partner add NAME --owner EMAIL [OPTIONS]   add a partner\n"
	"  partner list [--all] [--json] [FILTERS]    list partners\n"
	"  partner search TEXT [--all] [--json]       partners whose name, key,"
	"\n"
	"                                             notes or contacts hold "
	"TEXT\n"
	"  partner show KEY [--json]                  one partner, its contacts"
	" and check-ins\n"
	"  partner edit KEY [OPTIONS]                 change fields\n"
	"  partner archive KEY                        stop scheduling, keep "
	"history\n"
	"  partner remove KEY [--force]               delete with its contacts "
	"and check-ins\n\n"
	"\"touchbase help partner SUBCOMMAND\" shows a subcommand's options.\n",
};

#define PARTNER_FIELDS \
	"  --owner EMAIL       who owns the relationship (\"Name <email>\" " \
	"works too)\n" \
	"  --owner-name NAME   the owner's name\n" \
	"  --cadence SPEC      weekly, biweekly, monthly (default), quarterly," \
	" yearly,\n" \
	"                      \"every N days|weeks|months\" or " \
	"\"RRULE:FREQ=...\"\n" \
	"  --start DATE        first due date is counted from here (default " \
	"today)\n" \
	"  --sponsor EMAIL     executive sponsor, who gets escalations\n" \
	"                      (\"Name <email>\" works too)\n" \
	"  --sponsor-name NAME the sponsor's name\n" \
	"  --timezone TZ       the partner's time zone (default " \
	"schedule.timezone)\n" \
	"  --tier T            e.g. strategic, core\n" \
	"  --notes TEXT        free text\n"

#define PARTNER_FILTERS \
	"  --all               archived partners too\n" \
	"  --json              a JSON array (see touchbase(1), JSON OUTPUT)\n" \
	"  --wide              every column whole; on a terminal the table\n" \
	"                      otherwise fits its width, cutting names\n" \
	"  --owner EMAIL       only partners this person owns\n" \
	"  --tier T            only partners of this tier\n" \
	"  --state STATE       only partners in this state: ok, due, overdue," \
	"\n" \
	"                      escalated, unscheduled or archived\n"

/* Each subcommand's own usage, for "partner SUB --help". */
static const struct cmd_usage partner_subs[] = {
	{ "partner add NAME --owner EMAIL [OPTIONS]",
	    "Add a partner and schedule its first check-in.\n\n"
	    "  --key KEY           short identifier (default: made from NAME)\n"
	    PARTNER_FIELDS },
	{ "partner list [--all] [--json] [--wide] [--owner EMAIL] [--tier T] "
	    "[--state STATE]",
	    "List partners: key, name, owner, cadence, last check-in and next "
	    "due date.\n\n" PARTNER_FILTERS },
	{ "partner search TEXT [--all] [--json] [--wide] [--owner EMAIL] "
	    "[--tier T] [--state STATE]",
	    "List the partners whose name, key or notes, or one of whose "
	    "contacts'\nnames, emails or roles, hold TEXT (letter case "
	    "ignored for ASCII).\n\n" PARTNER_FILTERS },
	{ "partner show KEY [--json]",
	    "One partner: its fields, the answers to the current invite, its "
	    "contacts\nand its last ten check-ins.\n\n"
	    "  --json              a JSON object (see touchbase(1), JSON "
	    "OUTPUT)\n" },
	{ "partner edit KEY [OPTIONS]",
	    "Change a partner's fields; an empty value (--sponsor '') clears "
	    "an\noptional field.\n\n"
	    "  --key KEY           a new key\n"
	    "  --name NAME         rename\n"
	    PARTNER_FIELDS },
	{ "partner archive KEY",
	    "Stop scheduling a partner; its check-ins and mail stay on record."
	    "\n" },
	{ "partner remove KEY [--force]",
	    "Delete a partner with its contacts and check-ins.  A partner with "
	    "a\nhistory (check-ins, sent mail) is removed only with --force; "
	    "\"partner\narchive\" keeps the history instead.\n\n"
	    "  --force             remove even a partner with a history\n" },
};

enum {
	PARTNER_ADD, PARTNER_LIST, PARTNER_SEARCH, PARTNER_SHOW, PARTNER_EDIT,
	PARTNER_ARCHIVE, PARTNER_REMOVE
};

enum {
	OPT_OWNER = 256, OPT_OWNER_NAME, OPT_KEY, OPT_NAME, OPT_CADENCE,
	OPT_START, OPT_SPONSOR, OPT_SPONSOR_NAME, OPT_TIMEZONE, OPT_TIER,
	OPT_NOTES, OPT_JSON, OPT_ALL, OPT_STATE, OPT_FORCE, OPT_WIDE
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
	{ "state", required_argument, NULL, OPT_STATE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "wide", no_argument, NULL, OPT_WIDE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct partner_args {
	struct partner_input	 in;
	bool			 json;
	bool			 all;
	bool			 force;
	bool			 wide;		/* --wide: nothing cut */
	const char		*state;		/* --state */
	bool			 help;		/* --help was printed */
	int			 nargs;
	char			**args;
};

/* Parse the options every partner subcommand shares; the caller checks
 * which ones make sense for it. */
static enum cmd_status
parse_partner_args(int argc, char **argv, const struct cmd_usage *u,
    struct partner_args *a)
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
		case OPT_STATE: a->state = optarg; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_WIDE: a->wide = true; break;
		case 'h':
			a->help = true;
			return cmd_print_usage(u, true);
		default: return cmd_print_usage(u, false);
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
		return cmd_usage_error(&partner_subs[PARTNER_ADD],
		    "partner add needs one NAME (quote it if it has spaces)");
	if (a->in.owner == NULL)
		return cmd_usage_error(&partner_subs[PARTNER_ADD],
		    "partner add needs --owner EMAIL");
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
		return cmd_usage_error(&partner_subs[PARTNER_EDIT], "partner edit "
		    "needs one KEY");
	if (!has_fields(&a->in))
		return cmd_usage_error(&partner_subs[PARTNER_EDIT], "partner edit: "
		    "nothing "
		    "to change (give --owner, --cadence, ...)");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = book_partner_edit(&book, a->args[0], &a->in, ctx->now, &err);
	if (rc == 0)
		log_info("updated %s", a->in.key ? a->in.key : a->args[0]);
	st = cmd_key_status(&book, a->args[0], rc, err);
	cmd_close_book(&book);
	return st;
}

/* Count a check-in. */
static int
count_checkin(const struct checkin *c, void *arg)
{
	(void)c;
	(*(long *)arg)++;
	return 0;
}

/* Count a sent message. */
static int
count_sent(const struct outbox_msg *m, void *arg)
{
	(void)m;
	(*(long *)arg)++;
	return 0;
}

/* How much history key has: check-ins on record and mail sent. */
static int
partner_history(struct book *book, const char *key, long *checkins,
    long *sent, char **err)
{
	struct outbox_filter f = { .partner_key = key, .state = OUTBOX_SENT };
	struct partner p;
	int rc;

	*checkins = *sent = 0;
	if ((rc = book_partner_get(book, key, &p, err)) != 0)
		return rc;
	rc = book_checkin_foreach(book, &p, 0, count_checkin, checkins,
	    err);
	partner_reset(&p);
	if (rc == 0 && outbox_foreach(book->store, &f, count_sent, sent,
	    err) != 0)
		rc = BOOK_ERROR;
	return rc == 0 ? 0 : rc > 0 ? BOOK_ERROR : rc;
}

static enum cmd_status
partner_archive_or_remove(struct cmd_ctx *ctx, struct partner_args *a,
    bool remove)
{
	const struct cmd_usage *u = &partner_subs[remove ? PARTNER_REMOVE :
	    PARTNER_ARCHIVE];
	struct book book;
	enum cmd_status st;
	long checkins, sent;
	char *err = NULL;
	int rc;

	if (a->nargs != 1 || has_fields(&a->in) || (a->force && !remove))
		return cmd_usage_error(u, "partner %s needs one KEY%s",
		    remove ? "remove" : "archive", remove ? " and no option but "
		    "--force" : " and no options");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	rc = remove ? partner_history(&book, a->args[0], &checkins, &sent,
	    &err) : 0;
	if (rc == 0 && remove && !a->force && (checkins > 0 || sent > 0)) {
		cmd_error("%s has a history (%ld check-in%s, %ld message%s "
		    "sent): \"touchbase partner archive %s\" stops its "
		    "schedule and keeps the history; \"touchbase partner remove "
		    "--force %s\" deletes it", a->args[0], checkins,
		    checkins == 1 ? "" : "s", sent, sent == 1 ? "" : "s",
		    a->args[0], a->args[0]);
		cmd_close_book(&book);
		return CMD_DATAERR;
	}
	if (rc == 0 && remove)
		rc = book_partner_remove(&book, a->args[0], &err);
	else if (rc == 0)
		rc = book_partner_archive(&book, a->args[0], ctx->now, &err);
	if (rc == 0)
		log_info("%s %s", remove ? "removed" : "archived", a->args[0]);
	st = cmd_key_status(&book, a->args[0], rc, err);
	cmd_close_book(&book);
	return st;
}

struct list_state {
	struct book		*book;
	const struct partner_args *args;
	int			 state;		/* -1: any */
	struct health		 health;	/* with --state */
	struct table		 table;
	struct buf		 json;
	bool			 as_json;
	bool			 first;
	char			*err;
};

/* The state of p by --state's names: archived, else where health puts
 * it. */
static int
partner_state_of(const struct list_state *ls, const struct partner *p)
{
	if (p->archived)
		return CMD_STATE_ARCHIVED;
	for (size_t i = 0; i < ls->health.nrows; i++)
		if (strcmp(ls->health.rows[i].p.key, p->key) == 0)
			return ls->health.rows[i].state;
	return -1;
}

static bool
list_matches(const struct list_state *ls, const struct partner *p)
{
	const struct partner_input *in = &ls->args->in;

	if (in->owner != NULL && strcasecmp(in->owner, p->owner_email) != 0)
		return false;
	if (in->tier != NULL && (p->tier == NULL || strcasecmp(in->tier,
	    p->tier) != 0))
		return false;
	return ls->state < 0 || partner_state_of(ls, p) == ls->state;
}

static int
list_one(const struct partner *p, void *arg)
{
	struct list_state *ls = arg;
	char *phrase;

	if (!list_matches(ls, p))
		return 0;
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

/* partner list and partner search TEXT. */
static enum cmd_status
partner_list(struct cmd_ctx *ctx, struct partner_args *a, bool search)
{
	static const char *const header[] = { "KEY", "NAME", "OWNER",
	    "CADENCE", "LAST CHECK-IN", "NEXT DUE" };
	/* On a terminal, names, owners and cadences are cut first. */
	static const size_t min_width[] = { 6, 6, 6, 8, 0, 0 };
	const struct cmd_usage *u = &partner_subs[search ? PARTNER_SEARCH :
	    PARTNER_LIST];
	struct list_state ls;
	enum cmd_status st;
	struct book book;
	int rc;

	memset(&ls, 0, sizeof ls);
	ls.state = -1;
	if (a->nargs != (search ? 1 : 0) || a->in.owner_name || a->in.key ||
	    a->in.name || a->in.cadence || a->in.start || a->in.sponsor ||
	    a->in.timezone || a->in.notes || a->force)
		return cmd_usage_error(u, search ? "partner search needs one TEXT"
		    " and takes only --all, --json and filters" :
		    "partner list takes only --all, --json and filters");
	if (a->state != NULL && (ls.state = cmd_parse_state(u,
	    a->state)) < 0)
		return CMD_USAGE;
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	ls.book = &book;
	ls.args = a;
	ls.as_json = a->json;
	ls.first = true;
	buf_init(&ls.json);
	cmd_json_open(&ls.json, NULL, 0, "partners");
	table_init(&ls.table, 6, header);
	if (!a->wide) {
		ls.table.width = cmd_term_width();
		ls.table.min_width = min_width;
	}
	rc = ls.state >= 0 && ls.state != CMD_STATE_ARCHIVED ?
	    health_load(&book, ctx->now, NULL, &ls.health, &ls.err) : 0;
	if (rc == 0)
		rc = search ? book_partner_search(&book, a->args[0],
		    a->all || ls.state == CMD_STATE_ARCHIVED, list_one, &ls,
		    &ls.err) : book_partner_foreach(&book, a->all ||
		    ls.state == CMD_STATE_ARCHIVED, list_one, &ls, &ls.err);
	if (rc != 0)
		st = cmd_book_status(&book, BOOK_ERROR, ls.err);
	else if (a->json) {
		cmd_json_close(&ls.json, ls.first);
		st = cmd_write(buf_str(&ls.json), ls.json.len);
	} else if (ls.table.nrows == 1 && (search || a->in.owner ||
	    a->in.tier || a->state))
		log_info("no partner matches");
	else if (ls.table.nrows == 1)
		log_info("no partners yet: add one with \"touchbase partner add "
		    "NAME --owner EMAIL\" or import a CSV file");
	else
		table_print(&ls.table, stdout);
	health_reset(&ls.health);
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
		return cmd_usage_error(&partner_subs[PARTNER_SHOW], "partner show "
		    "needs one KEY");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	buf_init(&json);
	if ((rc = book_partner_get(&book, a->args[0], &p, &err)) != 0)
		goto done;
	if (a->json) {
		buf_printf(&json, "{\"version\": %d, \"partner\": ",
		    CMD_JSON_VERSION);
		rc = exchange_partner_json(&book, &p, true, 10, NULL, 0, &json,
		    &err);
		if (rc == 0)
			buf_adds(&json, "}\n");
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
	st = cmd_key_status(&book, a->args[0], rc == 0 ? 0 : rc > 0 ?
	    BOOK_ERROR : rc, err);
	if (st == CMD_OK && a->json)
		st = cmd_write(json.data, json.len);
	buf_reset(&json);
	cmd_close_book(&book);
	return st;
}

enum cmd_status
cmd_partner(struct cmd_ctx *ctx, int argc, char **argv)
{
	static enum cmd_status (*const run[])(struct cmd_ctx *,
	    struct partner_args *) = {
		[PARTNER_ADD] = partner_add,
		[PARTNER_SHOW] = partner_show,
		[PARTNER_EDIT] = partner_edit,
	};
	const struct cmd_usage *u;
	struct partner_args a;
	enum cmd_status st;
	size_t which;

	if (argc < 2)
		return cmd_usage_error(&partner_usage, "partner needs a "
		    "subcommand");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_print_usage(&partner_usage, true);
	if ((u = cmd_find_sub(&partner_usage, partner_subs,
	    sizeof partner_subs / sizeof partner_subs[0], argv[1])) == NULL)
		return CMD_USAGE;
	argv[1] = argv[0];	/* getopt's messages name the program */
	if ((st = parse_partner_args(argc - 1, argv + 1, u, &a)) != CMD_OK ||
	    a.help)
		return st;
	switch ((which = (size_t)(u - partner_subs))) {
	case PARTNER_LIST:
	case PARTNER_SEARCH:
		return partner_list(ctx, &a, which == PARTNER_SEARCH);
	case PARTNER_ARCHIVE:
	case PARTNER_REMOVE:
		return partner_archive_or_remove(ctx, &a,
		    which == PARTNER_REMOVE);
	default:
		return run[which](ctx, &a);
	}
}
