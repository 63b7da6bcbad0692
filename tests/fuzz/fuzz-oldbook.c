/*
 * fuzz-oldbook: bytes as a book given to --from-epub -> oldbook_open():
 * libzip's reading within epub.c's limits, the package document through
 * render.c, the responses, the pictures and their names, the picture map,
 * and a 文集's book's list, documents and gone.tsv (for the update).
 * The bytes are handed over as a file (a memfd), as the program gets them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "hash.h"
#include "oldbook.h"
#include "render.h"

/* What a book that was accepted must be: what the rebuild relies on. */
static void
check(const struct oldbook *b)
{
	if (b->identifier == NULL || *b->identifier == '\0' ||
	    (b->nresponses == 0 && b->list_id == NULL))
		abort();
	for (size_t i = 0; i < b->nresponses; i++) {
		const struct oldbook_response *r = &b->responses[i];

		/* a 文集's book pairs its responses with documents by cv, not here */
		if (r->data == NULL || (r->doc == NULL && b->list_id == NULL) ||
		    (r->doc && (strchr(r->doc, '/') || r->doc[0] == '.')) ||
		    strncmp(r->member, OLDBOOK_DIR, strlen(OLDBOOK_DIR)) != 0)
			abort();
	}
	for (size_t i = 0; i < b->ndocs; i++)
		if (strchr(b->docs[i], '/') || b->docs[i][0] == '.')
			abort();
	if (b->list_id && (strncmp(b->list_id, "rl", 2) != 0 || b->list_data == NULL))
		abort();
	for (size_t i = 0; i < b->ngone; i++)
		if (*b->gone[i].cv == '\0' || strspn(b->gone[i].cv, "0123456789") !=
		    strlen(b->gone[i].cv))
			abort();
	for (size_t i = 0; i < b->npictures; i++) {
		const struct oldbook_picture *p = &b->pictures[i];
		const char *base = p->href + strlen("images/");
		char hex[65];
		struct err e;

		err_init(&e);
		if (strncmp(p->href, "images/", 7) != 0 ||
		    hash_hex(HASH_SHA256, p->data, p->len, hex, &e) < 0 ||
		    strncmp(hex, base, strcspn(base, ".")) != 0)
			abort();
	}
	for (size_t i = 0; i < b->nkeys; i++)
		if (oldbook_picture_for(b, b->keys[i].key) == NULL)
			abort();
}

FUZZ_TARGET(oldbook)
{
	static int ready;
	int fd = memfd_create("book", 0);
	char path[64];
	struct oldbook b;
	struct err e;

	if (!ready) {
		render_global_init();
		ready = 1;
	}
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err_init(&e);
	/* small limits: the fuzzer's memory is not a real run's */
	if (oldbook_open(path, 1024 * 1024, &b, &e) == 0)
		check(&b);
	else if (!e.set || strstr(e.msg, path) == NULL)
		abort();        /* a refusal names the book */
	oldbook_release(&b);
	close(fd);
	return 0;
}
