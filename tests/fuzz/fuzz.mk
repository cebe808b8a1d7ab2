# Fuzzing: one libFuzzer harness per parser (tests/fuzz/fuzz_*.c).  Each
# is built twice: with libFuzzer by `make fuzz` (configure CC=clang
# --enable-fuzzing), and, without it, with replay.c into a test of make
# check that runs it on every file of its corpus, tests/fuzz/corpus/NAME.

FUZZ_HARNESSES = tests/fuzz/fuzz_template tests/fuzz/fuzz_csv \
	tests/fuzz/fuzz_config tests/fuzz/fuzz_cadence \
	tests/fuzz/fuzz_holidays tests/fuzz/fuzz_compose tests/fuzz/fuzz_inbound
FUZZ_REPLAYS = tests/fuzz/replay_template tests/fuzz/replay_csv \
	tests/fuzz/replay_config tests/fuzz/replay_cadence \
	tests/fuzz/replay_holidays tests/fuzz/replay_compose \
	tests/fuzz/replay_inbound
FUZZ_COMMON = tests/fuzz/fuzz.c tests/fuzz/fuzz.h
FUZZ_REPLAY = tests/fuzz/replay.c $(FUZZ_COMMON)
FUZZ_CFLAGS_ALL = $(AM_CFLAGS) $(DEP_CFLAGS) -I$(top_srcdir)/src \
	-DFUZZ_CORPORA='"$(abs_top_srcdir)/tests/fuzz/corpus"'
FUZZ_LIBS = src/libtouchbase.a $(DEP_LIBS)
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer

check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
EXTRA_PROGRAMS = $(FUZZ_HARNESSES)
CLEANFILES += $(FUZZ_HARNESSES)
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/corpus

tests_fuzz_fuzz_template_SOURCES = tests/fuzz/fuzz_template.c $(FUZZ_COMMON)
tests_fuzz_fuzz_template_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_template_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_template_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_template_SOURCES = tests/fuzz/fuzz_template.c $(FUZZ_REPLAY)
tests_fuzz_replay_template_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_template_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_csv_SOURCES = tests/fuzz/fuzz_csv.c $(FUZZ_COMMON)
tests_fuzz_fuzz_csv_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_csv_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_csv_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_csv_SOURCES = tests/fuzz/fuzz_csv.c $(FUZZ_REPLAY)
tests_fuzz_replay_csv_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_csv_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c $(FUZZ_COMMON)
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz_config.c $(FUZZ_REPLAY)
tests_fuzz_replay_config_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_config_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_cadence_SOURCES = tests/fuzz/fuzz_cadence.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cadence_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_cadence_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_cadence_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_cadence_SOURCES = tests/fuzz/fuzz_cadence.c $(FUZZ_REPLAY)
tests_fuzz_replay_cadence_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_cadence_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_holidays_SOURCES = tests/fuzz/fuzz_holidays.c $(FUZZ_COMMON)
tests_fuzz_fuzz_holidays_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_holidays_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_holidays_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_holidays_SOURCES = tests/fuzz/fuzz_holidays.c $(FUZZ_REPLAY)
tests_fuzz_replay_holidays_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_holidays_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_compose_SOURCES = tests/fuzz/fuzz_compose.c $(FUZZ_COMMON)
tests_fuzz_fuzz_compose_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_compose_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_compose_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_compose_SOURCES = tests/fuzz/fuzz_compose.c $(FUZZ_REPLAY)
tests_fuzz_replay_compose_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_compose_LDADD = $(FUZZ_LIBS)

tests_fuzz_fuzz_inbound_SOURCES = tests/fuzz/fuzz_inbound.c $(FUZZ_COMMON)
tests_fuzz_fuzz_inbound_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_fuzz_inbound_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_inbound_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_inbound_SOURCES = tests/fuzz/fuzz_inbound.c $(FUZZ_REPLAY)
tests_fuzz_replay_inbound_CFLAGS = $(FUZZ_CFLAGS_ALL)
tests_fuzz_replay_inbound_LDADD = $(FUZZ_LIBS)

if FUZZING
fuzz: $(FUZZ_HARNESSES)
else
fuzz:
	@echo "make fuzz: configure with CC=clang --enable-fuzzing first" >&2
	@exit 1
endif

.PHONY: fuzz
