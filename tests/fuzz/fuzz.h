/*
 * fuzz.h: one harness, two engines.
 *
 * A harness (tests/fuzz/fuzz-NAME.c) is written once as
 *     FUZZ_TARGET(NAME) { ... use data, size ...; return 0; }
 * With OA_LIBFUZZER defined (./configure --enable-fuzzing, clang) that is
 * libFuzzer's LLVMFuzzerTestOneInput and the file is a fuzzer of its own.
 * Otherwise it registers itself with tests/fuzz/replay.c, which every normal
 * build links with all harnesses and runs over tests/fuzz/corpus/NAME/ and
 * tests/fuzz/crashes/NAME/ in make check, so gcc-only CI replays the corpora.
 */
#ifndef OA_FUZZ_H
#define OA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

#ifdef OA_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_TARGET(name) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
/* Called by the harnesses' constructors; replay.c keeps the list. */
void fuzz_register(const char *name, fuzz_fn fn);
#define FUZZ_TARGET(name) \
	static int fuzz_one_##name(const uint8_t *data, size_t size); \
	__attribute__((constructor)) static void fuzz_register_##name(void) \
	{ fuzz_register(#name, fuzz_one_##name); } \
	static int fuzz_one_##name(const uint8_t *data, size_t size)
#endif

#endif
