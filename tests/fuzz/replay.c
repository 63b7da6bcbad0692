/*
 * replay: run every registered harness (see fuzz.h) over each file of
 * tests/fuzz/corpus/NAME/ and tests/fuzz/crashes/NAME/, printing TAP.
 *
 * A file that crashes, leaks or trips a sanitizer kills the process (under
 * ASan, UBSan or valgrind), which the TAP driver reports; the "# NAME/FILE"
 * line printed before each run says which file it was.  With arguments,
 * replay runs the named files through the harness given first:
 *     replay opus FILE...
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "file.h"
#include "fuzz.h"
#include "../tap.h"
#include "xalloc.h"

#define MAX_TARGETS 32

static struct {
	const char *name;
	fuzz_fn fn;
} targets[MAX_TARGETS];
static size_t ntargets;

void
fuzz_register(const char *name, fuzz_fn fn)
{
	if (ntargets == MAX_TARGETS)
		abort();
	targets[ntargets].name = name;
	targets[ntargets++].fn = fn;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run fn over path; return 0 when the file could be read. */
static int
run_file(fuzz_fn fn, const char *path)
{
	struct err e;
	char *data;
	size_t len;

	err_init(&e);
	if (file_read(path, 64u * 1024 * 1024, &data, &len, &e) < 0) {
		printf("# %s\n", e.msg);
		return -1;
	}
	/* libFuzzer hands over exactly len bytes: a copy of that size lets ASan see overreads */
	{
		uint8_t *copy = xmalloc(len ? len : 1);

		memcpy(copy, data, len);
		free(data);
		fn(copy, len);
		free(copy);
	}
	return 0;
}

/* Replay every file of dir (sorted, for a stable log); return how many ran. */
static size_t
run_dir(const char *name, fuzz_fn fn, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0, ran = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		if (n == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 64, sizeof *v);
		v[n++] = file_join(dir, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmp_str);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(v[i], '/') + 1;

		printf("# %s/%s\n", name, base);
		fflush(stdout);
		ok(run_file(fn, v[i]) == 0, "%s: %s", name, base);
		ran++;
		free(v[i]);
	}
	free(v);
	return ran;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");

	if (argc > 2) {
		for (size_t t = 0; t < ntargets; t++)
			if (strcmp(targets[t].name, argv[1]) == 0) {
				for (int i = 2; i < argc; i++)
					ok(run_file(targets[t].fn, argv[i]) == 0, "%s", argv[i]);
				return done_testing();
			}
		fprintf(stderr, "replay: no harness '%s'\n", argv[1]);
		return 2;
	}
	for (size_t t = 0; t < ntargets; t++) {
		char *corpus = xasprintf("%s/tests/fuzz/corpus/%s", top ? top : "..", targets[t].name);
		char *crashes = xasprintf("%s/tests/fuzz/crashes/%s", top ? top : "..", targets[t].name);

		/* a harness with an empty corpus replays nothing: that is a mistake */
		ok(run_dir(targets[t].name, targets[t].fn, corpus) > 0, "%s: the corpus is not empty", targets[t].name);
		run_dir(targets[t].name, targets[t].fn, crashes);
		free(corpus);
		free(crashes);
	}
	ok(ntargets > 0, "%zu harnesses registered", ntargets);
	return done_testing();
}
