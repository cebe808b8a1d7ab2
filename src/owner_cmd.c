/*
 * owner_cmd.c: an owner's one-line reply read as a command.  Owners type
 * these on phones, so letter case and a closing "." or "!" do not
 * matter; what is not understood is refused with the forms that are,
 * never guessed at, since a command changes what reminders go out.
 */
#include "owner_cmd.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

#define USAGE	"reply done [DATE] [NOTE], snooze N days|weeks, snooze " \
		"until DATE, or note TEXT"
#define SNOOZE_USAGE "reply snooze N days|weeks or snooze until DATE"
#define SHOWN	40	/* bytes of an unknown word quoted back */

/* A word of the line: white space separated, not NUL-terminated. */
struct word {
	const char	*p;
	size_t		 n;
};

/* The next word at *s, which is advanced past it; n is 0 at the end. */
static struct word
next_word(const char **s)
{
	struct word w;

	*s += strspn(*s, " \t");
	w.p = *s;
	w.n = strcspn(*s, " \t");
	*s += w.n;
	return w;
}

/* w without the punctuation a sentence puts after a word ("done."). */
static struct word
unpunct(struct word w)
{
	while (w.n > 0 && strchr(".!,;:", w.p[w.n - 1]) != NULL)
		w.n--;
	return w;
}

static bool
word_is(struct word w, const char *s)
{
	return w.n == strlen(s) && strncasecmp(w.p, s, w.n) == 0;
}

/* How many bytes of w to quote back: at most SHOWN, whole characters. */
static int
shown(struct word w)
{
	size_t n = w.n;

	if (n > SHOWN) {
		n = SHOWN;
		while (n > 0 && ((unsigned char)w.p[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}

/*
 * w read as a date (today, yesterday, tomorrow or YYYY-MM-DD): 1 with
 * *d, 0 when w is no date at all, -1 with *err when it looks like one
 * but is none ("2026-02-30").
 */
static int
date_word(struct word w, struct tb_date today, struct tb_date *d,
    char **err)
{
	char *s;
	int rc;

	w = unpunct(w);
	if (word_is(w, "today") || word_is(w, "yesterday") ||
	    word_is(w, "tomorrow")) {
		*d = date_add_days(today, word_is(w, "today") ? 0 :
		    word_is(w, "yesterday") ? -1 : 1);
		return 1;
	}
	if (w.n < 5 || strspn(w.p, "0123456789") != 4 || w.p[4] != '-')
		return 0;
	s = xstrndup(w.p, w.n);
	rc = date_parse(s, d, err);
	free(s);
	return rc == 0 ? 1 : -1;
}

/* The length of the separator text starts with ("- ", ": ", an en or
 * em dash and a space, as in "done - great call"), 0 when none. */
static size_t
separator(const char *text)
{
	size_t n = 0;

	if (*text == '-' || *text == ':')
		n = 1;
	else if (strncmp(text, "\xe2\x80\x93", 3) == 0 ||	/* en dash */
	    strncmp(text, "\xe2\x80\x94", 3) == 0)		/* em dash */
		n = 3;
	if (n == 0 || (text[n] != ' ' && text[n] != '\t' && text[n] != '\0'))
		return 0;
	return n;
}

/* The note in text: trimmed, without a leading separator, cut to
 * OWNER_NOTE_MAX bytes; NULL when empty. */
static int
take_note(const char *text, char **note, char **err)
{
	size_t n;

	text += strspn(text, " \t");
	text += separator(text);
	text += strspn(text, " \t");
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n > OWNER_NOTE_MAX) {
		n = OWNER_NOTE_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	*note = n > 0 ? xstrndup(text, n) : NULL;
	if (text_check("note", *note, TEXT_MULTILINE, err) != 0) {
		free(*note);
		*note = NULL;
		return -1;
	}
	return 0;
}

static int
parse_done(const char *rest, struct tb_date today, struct owner_cmd *out,
    char **err)
{
	const char *after = rest;
	char when[DATE_STRLEN], now[DATE_STRLEN];
	int rc;

	out->verb = OWNER_DONE;
	out->date = today;
	if ((rc = date_word(next_word(&after), today, &out->date, err)) < 0)
		return prefix_err(err, "done");
	if (rc == 1)
		rest = after;
	if (date_cmp(out->date, today) > 0)
		return set_err(err, "done: %s is in the future (today is %s): "
		    "reply done with the day you met", date_format(out->date,
		    when), date_format(today, now));
	return take_note(rest, &out->note, err);
}

/* The snooze's length in days from "N days|weeks" at w and *rest. */
static int
snooze_length(struct word w, const char **rest, long *days, char **err)
{
	struct word unit = unpunct(next_word(rest));
	long n = 0;

	if (w.n == 0)
		return set_err(err, "snooze: for how long? " SNOOZE_USAGE);
	if (w.n > 6 || strspn(w.p, "0123456789") != w.n)
		return set_err(err, "snooze: \"%.*s\" is not a number of days "
		    "or weeks: " SNOOZE_USAGE, shown(w), w.p);
	for (size_t i = 0; i < w.n; i++)
		n = n * 10 + (w.p[i] - '0');
	if (word_is(unit, "day") || word_is(unit, "days"))
		*days = n;
	else if (word_is(unit, "week") || word_is(unit, "weeks"))
		*days = n * 7;
	else
		return set_err(err, "snooze %ld: say days or weeks (snooze %ld "
		    "days, snooze %ld weeks)", n, n, n);
	return 0;
}

static int
parse_snooze(const char *rest, struct tb_date today, struct owner_cmd *out,
    char **err)
{
	struct word w = next_word(&rest), extra;
	char when[DATE_STRLEN], now[DATE_STRLEN];
	long days = 0;
	int rc;

	out->verb = OWNER_SNOOZE;
	if (word_is(w, "until")) {
		w = next_word(&rest);
		if ((rc = date_word(w, today, &out->date, err)) <= 0)
			return rc < 0 ? prefix_err(err, "snooze until") :
			    set_err(err, "snooze until: \"%.*s\" is not a date: "
			    "reply snooze until YYYY-MM-DD", shown(w), w.p);
		if ((days = date_diff(today, out->date)) < 1)
			return set_err(err, "snooze until %s: that is not after "
			    "today (%s)", date_format(out->date, when),
			    date_format(today, now));
	} else if (snooze_length(unpunct(w), &rest, &days, err) != 0)
		return -1;
	else if (days < 1)
		return set_err(err, "snooze: 0 days is no snooze: snooze 1 to "
		    "%d days", OWNER_SNOOZE_MAX);
	if ((extra = next_word(&rest)).n > 0)
		return set_err(err, "snooze: \"%.*s\" is not understood after "
		    "the length: " SNOOZE_USAGE ", alone", shown(extra), extra.p);
	if (days > OWNER_SNOOZE_MAX)
		return set_err(err, "snooze: %ld days is longer than a year: "
		    "snooze 1 to %d days", days, OWNER_SNOOZE_MAX);
	out->date = date_add_days(today, days);
	return 0;
}

static int
parse_note(const char *rest, struct tb_date today, struct owner_cmd *out,
    char **err)
{
	out->verb = OWNER_NOTE;
	out->date = today;
	if (take_note(rest, &out->note, err) != 0)
		return -1;
	if (out->note == NULL)
		return set_err(err, "note: nothing to note: reply note TEXT");
	return 0;
}

static const struct {
	const char	*verb;
	int		(*parse)(const char *, struct tb_date,
			    struct owner_cmd *, char **);
} verbs[] = {
	{ "done", parse_done },
	{ "met", parse_done },
	{ "snooze", parse_snooze },
	{ "note", parse_note },
};

int
owner_cmd_parse(const char *line, struct tb_date today,
    struct owner_cmd *out, char **err)
{
	struct word verb;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (line == NULL)
		line = "";
	if (text_check("command", line, TEXT_LINE, err) != 0)
		return -1;
	verb = unpunct(next_word(&line));
	if (verb.n == 0)
		return set_err(err, "no command: " USAGE);
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (word_is(verb, verbs[i].verb)) {
			rc = verbs[i].parse(line, today, out, err);
			if (rc != 0)
				owner_cmd_reset(out);
			return rc;
		}
	return set_err(err, "unknown command \"%.*s\": " USAGE, shown(verb),
	    verb.p);
}

void
owner_cmd_reset(struct owner_cmd *c)
{
	free(c->note);
	memset(c, 0, sizeof *c);
}
