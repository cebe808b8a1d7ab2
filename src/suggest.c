/* suggest.c: the candidates nearest a mistyped word. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "util.h"

/* Longer words are far from everything: names and keys are shorter,
 * and the table stays small. */
#define SUGGEST_MAX 64

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	/* Damerau-Levenshtein (optimal string alignment). */
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)
			    b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

int
suggest_close(const char *word, const char *candidate)
{
	size_t lw = strlen(word), lc = strlen(candidate);
	size_t limit = (lw > lc ? lw : lc) / 3;

	if (lw == 0)
		return 0;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	if (lw >= 3 && strncasecmp(word, candidate, lw) == 0)
		return 1;
	return suggest_distance(word, candidate) <= limit;
}

struct scored {
	const char	*word;
	size_t		 dist;
};

static int
by_distance(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return strcmp(x->word, y->word);
}

char *
suggest_list(const char *word, const char *const *cands, size_t n,
    size_t max)
{
	struct scored *s = xcalloc(n + 1, sizeof *s);
	struct buf out;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (suggest_close(word, cands[i])) {
			s[k].word = cands[i];
			s[k++].dist = suggest_distance(word, cands[i]);
		}
	qsort(s, k, sizeof *s, by_distance);
	if (k > max)
		k = max;
	buf_init(&out);
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			buf_adds(&out, i + 1 == k ? " or " : ", ");
		buf_adds(&out, s[i].word);
	}
	free(s);
	return k ? buf_steal(&out) : (buf_reset(&out), NULL);
}
