/*
 * suggest.h: "did you mean ...?" for a mistyped word: the candidates
 * closest to it by edit distance.  Used for command names and partner
 * keys alike.
 */
#ifndef TB_SUGGEST_H
#define TB_SUGGEST_H

#include <stddef.h>

/* The edit distance between a and b, case-insensitive (ASCII): the
 * insertions, deletions, substitutions and swaps of two neighbours that
 * turn one into the other; SIZE_MAX when either is over 64 bytes. */
size_t suggest_distance(const char *a, const char *b);

/* True when candidate is close enough to word to be offered: within a
 * third of the longer word (at least 1, at most 3), or word is a prefix
 * of candidate. */
int suggest_close(const char *word, const char *candidate);

/*
 * The candidates close to word (see suggest_close), nearest first, at
 * most max of them, joined as "a", "a or b", "a, b or c"; NULL when
 * none is.  Caller frees.
 */
char *suggest_list(const char *word, const char *const *cands, size_t n,
    size_t max);

#endif
