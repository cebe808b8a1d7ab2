/*
 * fuzz_inbound.c: inbound mail (inbound*.c) and owners' commands
 * (owner_cmd.c).
 *
 * Input: a raw message, any bytes.  What inbound_parse hands out is
 * clean text (UTF-8, no control characters, body_text's lines LF) within
 * its caps; the first line of a person's reply is read as an owner's
 * command, and so is the input's own first line when it is text.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fuzz.h"
#include "inbound.h"
#include "owner_cmd.h"
#include "text.h"
#include "util.h"

static void
check_line(const char *field, const char *s)
{
	char *err = NULL;

	if (text_check(field, s, TEXT_LINE, &err) != 0)
		fuzz_fail("%s", err);
	fuzz_assert(s == NULL || strchr(s, '\t') == NULL, "%s has a TAB",
	    field);
}

static void
check_msg(const struct inbound_msg *m)
{
	char *err = NULL;

	fuzz_assert(strcmp(inbound_kind_name(m->kind), "") != 0, "kind %d",
	    (int)m->kind);
	check_line("message_id", m->message_id);
	check_line("from", m->from);
	check_line("subject", m->subject);
	check_line("to_token", m->to_token);
	fuzz_assert(m->nrefs <= INBOUND_REFS_MAX &&
	    m->nbounced_ids <= INBOUND_REFS_MAX, "%zu refs, %zu bounced ids",
	    m->nrefs, m->nbounced_ids);
	for (size_t i = 0; i < m->nrefs; i++)
		check_line("refs", m->refs[i]);
	for (size_t i = 0; i < m->nbounced_ids; i++)
		check_line("bounced_ids", m->bounced_ids[i]);
	check_line("uid", m->uid);
	check_line("attendee", m->attendee);
	check_line("partstat", m->partstat);
	check_line("comment", m->comment);
	check_line("proposed_text", m->proposed_text);
	check_line("bounced_rcpt", m->bounced_rcpt);
	check_line("status", m->status);
	check_line("diagnostic", m->diagnostic);
	fuzz_assert(m->diagnostic == NULL || strlen(m->diagnostic) <= 1000,
	    "diagnostic of %zu bytes", strlen(m->diagnostic));
	check_line("first_line", m->first_line);
	if (text_check("body_text", m->body_text, TEXT_MULTILINE, &err) != 0)
		fuzz_fail("%s", err);
	fuzz_assert(m->body_text == NULL || (strchr(m->body_text, '\r') == NULL
	    && strlen(m->body_text) <= INBOUND_BODY_MAX),
	    "body_text: CR or over the cap");
}

/* An owner's command: parsed, or refused with a reason. */
static void
command(const char *line)
{
	static const struct tb_date today = { 2026, 6, 15 };
	struct owner_cmd cmd;
	char *err = NULL;

	if (owner_cmd_parse(line, today, &cmd, &err) != 0) {
		fuzz_assert(err != NULL, "owner_cmd_parse: no error message");
		free(err);
		return;
	}
	fuzz_assert(date_valid(cmd.date.year, cmd.date.month, cmd.date.day),
	    "command date %d-%d-%d", cmd.date.year, cmd.date.month,
	    cmd.date.day);
	if (cmd.verb == OWNER_DONE)
		fuzz_assert(date_cmp(cmd.date, today) <= 0, "done in the "
		    "future");
	if (cmd.verb == OWNER_SNOOZE)
		fuzz_assert(date_diff(today, cmd.date) >= 1 &&
		    date_diff(today, cmd.date) <= OWNER_SNOOZE_MAX,
		    "snooze of %ld days", date_diff(today, cmd.date));
	if (cmd.note != NULL) {
		fuzz_assert(strlen(cmd.note) <= OWNER_NOTE_MAX, "note of %zu "
		    "bytes", strlen(cmd.note));
		if (text_check("note", cmd.note, TEXT_MULTILINE, &err) != 0)
			fuzz_fail("%s", err);
	}
	owner_cmd_reset(&cmd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inbound_msg m;
	char *line, *err = NULL;

	if (inbound_parse((const char *)data, size, &m, &err) == 0) {
		check_msg(&m);
		if (m.first_line != NULL)
			command(m.first_line);
		inbound_msg_reset(&m);
	} else {
		fuzz_assert(err != NULL, "inbound_parse: no error message");
		free(err);
	}
	line = fuzz_string(data, size);
	line[strcspn(line, "\r\n")] = '\0';
	if (text_check("line", line, TEXT_LINE, NULL) == 0)
		command(line);
	free(line);
	fuzz_input_done();
	return 0;
}
