#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "model.h"
#include "name.h"
#include "text.h"
#include "xalloc.h"

/* How long a field may make a name (bytes), and the whole name. */
#define FIELD_MAX 80
#define NAME_MAX_BYTES 160

/* Append field s to out, cleaned: one harmless path component, at most FIELD_MAX bytes. */
static void
add_field(struct buf *out, const char *s)
{
	size_t start = out->len;
	bool space = false;

	for (const unsigned char *p = (const unsigned char *)s; p && *p; ) {
		size_t k = text_utf8_len((const char *)p);

		if (*p < 0x20 || *p == 0x7f || *p == ' ' || (*p == 0xc2 && p[1] == 0xa0)) {
			/* control characters and runs of white space become one space */
			space = out->len > start;
			p += (*p == 0xc2) ? 2 : 1;
			continue;
		}
		if (strnlen((const char *)p, k) < k)
			break;
		if (out->len - start + (space ? 1 : 0) + k > FIELD_MAX)
			break;
		if (space)
			buf_addc(out, ' ');
		space = false;
		if (k == 1 && strchr("/\\:*?\"<>|", *p))
			buf_addc(out, '_');
		else
			buf_add(out, p, k);
		p += k;
	}
}

char *
name_expand(const char *tmpl, const char *id, const char *title, const char *author,
    long long date, const char *mid)
{
	struct buf out;
	char day[16] = "";
	char *name;
	size_t n;

	if (date > 0) {
		/* the day as the writer saw it: Bilibili's dates are China Standard Time */
		time_t t = (time_t)(date + 8 * 3600);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	}
	buf_init(&out, 0);
	for (const char *p = tmpl; *p; ) {
		const char *val = NULL;
		size_t skip = 0;

		if (strncmp(p, "{id}", 4) == 0)
			val = id, skip = 4;
		else if (strncmp(p, "{title}", 7) == 0)
			val = title, skip = 7;
		else if (strncmp(p, "{author}", 8) == 0)
			val = author, skip = 8;
		else if (strncmp(p, "{date}", 6) == 0)
			val = day, skip = 6;
		else if (strncmp(p, "{mid}", 5) == 0)
			val = mid, skip = 5;
		if (skip) {
			add_field(&out, val && *val ? val : "");
			p += skip;
		} else {
			/* the template's own text: kept, but for what cannot be in a file name */
			size_t k = text_utf8_len(p);

			if (strnlen(p, k) < k)
				break;
			if (k == 1 && ((unsigned char)*p < 0x20 || *p == 0x7f))
				;
			else if (k == 1 && strchr("/\\:*?\"<>|", *p))
				buf_addc(&out, '_');
			else
				buf_add(&out, p, k);
			p += k;
		}
	}
	name = buf_detach(&out, &n);
	/* trim spaces, then no hidden files, no "." or "..": a leading dot becomes '_' */
	while (n > 0 && name[n - 1] == ' ')
		name[--n] = '\0';
	while (*name == ' ')
		memmove(name, name + 1, n--);
	for (char *p = name; *p == '.'; p++)
		*p = '_';
	if (n > NAME_MAX_BYTES) {
		/* cut at a character boundary */
		size_t cut = NAME_MAX_BYTES;

		while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
			cut--;
		name[cut] = '\0';
	}
	if (*name == '\0') {
		free(name);
		name = xstrdup(id);
	}
	return name;
}

bool
name_reserved(const char *name)
{
	static const char *const words[] = { "index", "style", "images", "raw" };

	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(name, words[i]) == 0)
			return true;
	return false;
}


/* --- the names of a directory --------------------------------------------------------- */

void
name_init(struct namer *nm, struct manifest *m, const char *dir, const char *ext,
    const char *tmpl, bool site)
{
	memset(nm, 0, sizeof *nm);
	nm->m = m;
	nm->dir = dir;
	nm->ext = ext;
	nm->tmpl = tmpl;
	nm->site = site;
}

void
name_release(struct namer *nm)
{
	for (size_t i = 0; i < nm->nplanned; i++)
		free(nm->planned[i]);
	free(nm->planned);
	index_release(&nm->by_name);
}

char *
name_path(const struct namer *nm, const char *name)
{
	char *file = xasprintf("%s%s", name, nm->ext);
	char *path = file_join(nm->dir, file);

	free(file);
	return path;
}

/* Hash of s with ASCII letters folded, as strcasecmp compares in the C locale. */
static uint64_t
name_hash(const char *s)
{
	char *low = xstrdup(s);
	uint64_t h;

	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	h = index_hash(low);
	free(low);
	return h;
}

static uint64_t
name_hash_of(size_t pos, const void *ctx)
{
	return name_hash(((const struct namer *)ctx)->planned[pos]);
}

static bool
same_name(size_t pos, const void *key, const void *ctx)
{
	return strcasecmp(((const struct namer *)ctx)->planned[pos], key) == 0;
}

/* Is name planned in this run?  (By index: big batches stay linear.) */
static bool
planned(const struct namer *nm, const char *name)
{
	return index_find(&nm->by_name, name_hash(name), name, same_name, nm) != INDEX_EMPTY;
}

/* Remember name (copied) as given in this run. */
static void
plan(struct namer *nm, const char *name)
{
	if (planned(nm, name))
		return;
	XGROW(nm->planned, nm->planned_cap, nm->nplanned + 1);
	nm->planned[nm->nplanned] = xstrdup(name);
	index_add(&nm->by_name, name_hash(name), nm->nplanned++, name_hash_of, nm);
}

char *
name_claim(struct namer *nm, const struct article *a)
{
	const struct manifest_entry *old;
	char *base, *name;
	struct err e;

	/*
	 * Under the manifest's lock, knowing the names other runs gave (--shard
	 * workers writing to this directory too), and claiming the new name there
	 * before the lock goes: two runs never give two articles one name.
	 */
	err_init(&e);
	if (manifest_lock(nm->m, &e) < 0)
		log_warn("%s", e.msg);
	old = manifest_find(nm->m, a->id);
	if (old) {
		name = xstrdup(old->name);
		manifest_unlock(nm->m);
		plan(nm, name);
		return name;
	}
	base = name_expand(nm->tmpl ? nm->tmpl : "{id}", a->id, a->title, a->author_name, a->pub_ts,
	    a->author_mid);
	name = xstrdup(base);
	for (int k = 2; ; k++) {
		char *path = name_path(nm, name);
		/*
		 * A file under the article's own id is its book (one another run
		 * racing on the same article has just written, or one made by hand),
		 * not another article's.
		 */
		bool taken = manifest_name_taken(nm->m, name, a->id) || (nm->site && name_reserved(name)) ||
		    planned(nm, name) || (strcmp(name, a->id) != 0 && file_exists(path));

		free(path);
		if (!taken || k > 10000)
			break;
		free(name);
		name = xasprintf("%s-%d", base, k);
	}
	free(base);
	if (strcmp(name, a->id) != 0) {
		/* the claim: the line the caller adds once the book is there replaces it */
		struct manifest_entry en = {
			a->id, name, a->pub_ts, a->title, a->author_name ? a->author_name : "", "", "",
		};

		err_init(&e);
		if (manifest_put(nm->m, &en, &e) < 0)
			log_warn("%s", e.msg);
	}
	manifest_unlock(nm->m);
	plan(nm, name);
	return name;
}
