/*
 * replay.c: a harness without libFuzzer.  Runs LLVMFuzzerTestOneInput on
 * each file named, or on every file of each directory named, or, with no
 * argument, of the harness's corpus: FUZZ_CORPORA/NAME for the program
 * replay_NAME.  make check runs it under the sanitizers: every input
 * ever saved must still pass.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "fuzz.h"
#include "util.h"

/* Larger than any input worth keeping in a corpus. */
#define REPLAY_MAX (16u * 1024 * 1024)

static int
replay_file(const char *path)
{
	char *data, *err = NULL;
	uint8_t *copy;
	size_t len;

	if ((data = file_read(path, REPLAY_MAX, FILE_REGULAR, &len, NULL,
	    &err)) == NULL) {
		fprintf(stderr, "replay: %s\n", err);
		free(err);
		return -1;
	}
	/* A copy of exactly len bytes, so that ASan sees reads past it. */
	copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of dir, in name order; *count adds them. */
static int
replay_dir(const char *dir, long *count)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL, *path;
	size_t n = 0;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			strv_add(&names, &n, xstrdup(e->d_name));
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if ((rc = replay_file(path)) == 0)
			(*count)++;
		free(path);
	}
	strv_free(names, n);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/'), *prog, *name;
	char *corpus[2] = { NULL, NULL }, **paths = argv + 1;
	struct stat sb;
	long count = 0;
	int rc = 0;

	prog = slash != NULL ? slash + 1 : argv[0];
	/* libtool-style wrappers aside, the program is replay_NAME. */
	name = strncmp(prog, "replay_", 7) == 0 ? prog + 7 : prog;
	if (argc < 2) {
		corpus[0] = xasprintf("%s/%s", FUZZ_CORPORA, name);
		paths = corpus;
	}

	for (; *paths != NULL && rc == 0; paths++) {
		if (stat(*paths, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = replay_dir(*paths, &count);
		else if ((rc = replay_file(*paths)) == 0)
			count++;
	}
	free(corpus[0]);
	if (rc != 0)
		return EXIT_FAILURE;
	if (count == 0) {
		fprintf(stderr, "replay: no input to run\n");
		return EXIT_FAILURE;
	}
	printf("%s: %ld inputs replayed\n", name, count);
	return EXIT_SUCCESS;
}
