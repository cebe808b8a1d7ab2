/*
 * fuzz.h: what the fuzzing harnesses share.  Each harness defines
 * LLVMFuzzerTestOneInput; it is linked with libFuzzer (make fuzz) and,
 * without it, with replay.c into a program that make check runs over the
 * harness's corpus.
 */
#ifndef TB_FUZZ_H
#define TB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (cut at its first NUL byte).
 * Caller frees. */
char *fuzz_string(const uint8_t *data, size_t size);

/*
 * Split the input at NUL bytes into n strings (fields[0..n)), each
 * allocated; missing ones are "", and the last takes the rest (NUL bytes
 * and all, cut at the first).  Free with fuzz_fields_free.
 */
void fuzz_fields(const uint8_t *data, size_t size, char **fields, size_t n);
void fuzz_fields_free(char **fields, size_t n);

/* A directory of the process's own, made on the first call and removed
 * with its files at exit. */
const char *fuzz_tmpdir(void);

struct book;
/* A partner book on a new database in fuzz_tmpdir(), with the built-in
 * configuration but the source tree's templates; opened on the first
 * call, closed at exit.  A harness runs each input in a transaction it
 * rolls back, so that inputs do not see each other. */
struct book *fuzz_book(void);

/* The instant the harnesses take as now: 2026-06-15T12:00:00Z. */
#define FUZZ_NOW ((time_t)1781524800)

/*
 * After each input of a harness that reaches libical: free libical's ring
 * of temporary strings, which it would otherwise free only as the ring
 * wraps, so that each input frees what it allocates and libFuzzer's leak
 * check (run after any input that does not) stays off the hot path.
 */
void fuzz_input_done(void);

/* A property of the code under test does not hold: say which, and abort
 * so that libFuzzer saves the input (the replay driver fails). */
void fuzz_fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
#define fuzz_assert(cond, ...) \
	do { if (!(cond)) fuzz_fail(__VA_ARGS__); } while (0)

#endif
