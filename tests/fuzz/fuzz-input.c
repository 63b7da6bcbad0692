/* fuzz-input: bytes as a command-line argument -> input_parse(). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "input.h"
#include "xalloc.h"

FUZZ_TARGET(input)
{
	char *arg = xstrndup((const char *)data, size);  /* argv strings end at the first NUL */
	struct input in;
	struct err e;

	err_init(&e);
	if (input_parse(arg, &in, &e) == 0) {
		/* what it accepted must be what the rest of the program relies on */
		if (in.kind == INPUT_SHORT ? in.url == NULL || strncmp(in.url, "https://b23.tv/", 15) != 0
		    : in.id == NULL || !input_id_valid(in.id))
			abort();
		input_release(&in);
	} else if (!e.set) {
		abort();
	}
	free(arg);
	return 0;
}
