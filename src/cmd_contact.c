/* cmd_contact.c: touchbase contact add|edit|list|remove. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

static const struct cmd_usage contact_usage = {
	"contact add|edit|list|remove KEY ...",
	"  contact add KEY NAME EMAIL [--role R] [--invite]\n"
	"                        add a person on the partner's side; --invite"
	" makes\n"
	"                        them an attendee of check-in invites\n"
	"  contact edit KEY EMAIL [--name N] [--role R] [--invite | "
	"--no-invite]\n"
	"                        change a contact; --no-invite cancels the "
	"check-in\n"
	"                        meetings they were invited to (next run)\n"
	"  contact list KEY      the partner's contacts\n"
	"  contact remove KEY EMAIL\n",
};

/* Each subcommand's own usage, for "contact SUB --help". */
static const struct cmd_usage contact_subs[] = {
	{ "contact add KEY NAME EMAIL [--role R] [--invite]",
	    "Add a person on the partner's side.\n\n"
	    "  --role R      their role, e.g. \"Head of Partnerships\"\n"
	    "  --invite      make them an attendee of check-in invites\n" },
	{ "contact edit KEY EMAIL [--name N] [--role R] [--invite | "
	    "--no-invite]",
	    "Change a contact.\n\n"
	    "  --name N      rename\n"
	    "  --role R      their role\n"
	    "  --invite      make them an attendee of check-in invites\n"
	    "  --no-invite   no longer invite them; the meetings they were\n"
	    "                invited to are cancelled for them (next run)\n" },
	{ "contact list KEY", "The partner's contacts.\n" },
	{ "contact remove KEY EMAIL", "Remove a contact.\n" },
};

static int
list_contact(const struct contact *c, void *arg)
{
	const char *row[] = { c->name, c->email, c->role,
	    c->invite ? "yes" : "no" };

	table_add(arg, row);
	return 0;
}

static enum cmd_status
contact_list(struct book *book, const char *key)
{
	static const char *const header[] = { "NAME", "EMAIL", "ROLE",
	    "INVITED" };
	struct partner p;
	struct table t;
	char *err = NULL;
	int rc;

	if ((rc = book_partner_get(book, key, &p, &err)) != 0)
		return cmd_key_status(book, key, rc, err);
	table_init(&t, 4, header);
	rc = book_contact_foreach(book, &p, list_contact, &t, &err);
	if (rc == 0 && t.nrows == 1)
		log_info("%s has no contacts yet: add one with \"touchbase "
		    "contact add %s NAME EMAIL\"", p.name, p.key);
	else if (rc == 0)
		table_print(&t, stdout);
	table_reset(&t);
	partner_reset(&p);
	return cmd_book_status(book, rc == 0 ? 0 : BOOK_ERROR, err);
}

enum cmd_status
cmd_contact(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "invite", no_argument, NULL, 'i' },
		{ "no-invite", no_argument, NULL, 'I' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *role = NULL, *name = NULL, *sub;
	const struct cmd_usage *u;
	bool invite = false, no_invite = false;
	struct book book;
	enum cmd_status st;
	char *err = NULL, **args;
	int ch, nargs, rc;

	if (argc < 2)
		return cmd_usage_error(&contact_usage, "contact needs a "
		    "subcommand");
	sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cmd_print_usage(&contact_usage, true);
	if ((u = cmd_find_sub(&contact_usage, contact_subs,
	    sizeof contact_subs / sizeof contact_subs[0], sub)) == NULL)
		return CMD_USAGE;
	argv[1] = argv[0];	/* getopt's messages name the program */
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			role = optarg;
			break;
		case 'i':
			invite = true;
			break;
		case 'I':
			no_invite = true;
			break;
		case 'n':
			name = optarg;
			break;
		case 'h':
			return cmd_print_usage(u, true);
		default:
			return cmd_print_usage(u, false);
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (strcmp(sub, "add") == 0 && nargs != 3)
		return cmd_usage_error(u, "contact add needs KEY "
		    "NAME EMAIL");
	if (strcmp(sub, "edit") == 0 && (nargs != 2 || (invite && no_invite)))
		return cmd_usage_error(u, "contact edit needs KEY "
		    "EMAIL, and --invite or --no-invite, not both");
	if (strcmp(sub, "edit") != 0 && (name || no_invite))
		return cmd_usage_error(u, "--name and --no-invite "
		    "go with contact edit");
	if (strcmp(sub, "list") == 0 && (nargs != 1 || role || invite))
		return cmd_usage_error(u, "contact list needs KEY");
	if (strcmp(sub, "remove") == 0 && (nargs != 2 || role || invite))
		return cmd_usage_error(u, "contact remove needs KEY "
		    "EMAIL");
	if ((st = cmd_open_book(ctx, &book)) != CMD_OK)
		return st;
	if (strcmp(sub, "list") == 0) {
		st = contact_list(&book, args[0]);
	} else if (strcmp(sub, "add") == 0) {
		rc = book_contact_add(&book, args[0], args[1], args[2], role,
		    invite, &err);
		if (rc == 0)
			log_info("added %s <%s> to %s%s", args[1], args[2],
			    args[0], invite ? " (invited to check-ins)" : "");
		st = cmd_key_status(&book, args[0], rc, err);
	} else if (strcmp(sub, "edit") == 0) {
		rc = book_contact_edit(&book, args[0], args[1], name, role,
		    invite ? 1 : no_invite ? 0 : -1, &err);
		if (rc == 0)
			log_info("changed %s of %s%s", args[1], args[0],
			    invite ? " (invited to check-ins)" : no_invite ?
			    " (no longer invited to check-ins)" : "");
		st = cmd_key_status(&book, args[0], rc, err);
	} else {
		rc = book_contact_remove(&book, args[0], args[1], &err);
		if (rc == 0)
			log_info("removed %s from %s", args[1], args[0]);
		st = cmd_key_status(&book, args[0], rc, err);
	}
	cmd_close_book(&book);
	return st;
}
