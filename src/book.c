#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "xalloc.h"

void
book_release(struct book *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].path);
		free(b->v[i].media_type);
		free(b->v[i].id);
		free(b->v[i].properties);
		free(b->v[i].owned);
		free(b->v[i].src);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}

static struct book_item *
add(struct book *b, const char *path, const char *media_type, const char *id)
{
	struct book_item *it = XPUSH(b->v, b->cap, b->n);

	it->path = xstrdup(path);
	it->media_type = xstrdup(media_type);
	it->id = xstrdup(id);
	return it;
}

struct book_item *
book_add_data(struct book *b, const char *path, const char *media_type, const char *id,
    char *data, size_t len)
{
	struct book_item *it = add(b, path, media_type, id);

	it->data = data;
	it->owned = data;
	it->len = len;
	return it;
}

struct book_item *
book_add_ref(struct book *b, const char *path, const char *media_type, const char *id,
    const char *data, size_t len)
{
	struct book_item *it = add(b, path, media_type, id);

	it->data = data;
	it->len = len;
	return it;
}

struct book_item *
book_add_file(struct book *b, const char *path, const char *media_type, const char *id,
    const char *src)
{
	struct book_item *it = add(b, path, media_type, id);

	it->src = xstrdup(src);
	return it;
}

struct book_item *
book_find(const struct book *b, const char *path)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].path, path) == 0)
			return &b->v[i];
	return NULL;
}
