/*
 * worklist: what a batch is asked to archive, gathered from every input (ids
 * and URLs on the command line, --batch FILE, --user MID's feeds), cut down
 * to this worker's --shard, the 文集 among them taken out, and each article
 * named only once.  Each article and each 文集 carries its state as the
 * batch works through it.
 *
 * batch.c drives it; it calls only downward (readlist.c for --series,
 * load.c, api.c through the session).
 *
 * Ownership: the worklist owns its items and 文集 and every string they
 * hold; worklist_release() frees them all.
 */
#ifndef OA_WORKLIST_H
#define OA_WORKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "index.h"
#include "input.h"
#include "model.h"
#include "session.h"

enum work_state { WORK_PENDING, WORK_DONE, WORK_SKIPPED, WORK_FAILED, WORK_INCOMPLETE };

/* One article of the batch. */
struct worklist_item {
	char *arg;              /* owned: what the user gave (or "opus ID" from a feed) */
	char *where;            /* owned: "ids.txt:12" for a --batch line, or NULL */
	struct input in;        /* owned; valid when resolved */
	bool resolved;
	enum work_state state;
	char *reason;           /* owned: why it failed */
	struct article *a;      /* owned: read and not yet written (--combine: until the book is made) */
	char *name;             /* owned: a library page's name, chosen before the window is written */
	bool chapter;           /* one of a 文集's articles: a failure is a gap in it, not the run's */
};

/* A 文集 of the batch: its own book, or (a site, --combine) its articles as items. */
struct worklist_series {
	char *rl;               /* owned: the digits */
	struct series *s;       /* owned: its list, when its articles joined the items */
	enum work_state state;
	char *reason;           /* owned: why it failed */
};

struct worklist {
	struct worklist_item *v;
	size_t n, cap;
	struct worklist_series *lists;  /* the 文集 among the inputs (rlN, or --series) */
	size_t nlists, lists_cap;
	struct index by_article;        /* the first item of each article met, by kind and id */
};

/* An empty worklist needs no set-up: struct worklist wl = { 0 }. */
void worklist_release(struct worklist *wl);

/*
 * Gather every input r->o names: its ids, its --batch file, the articles of
 * its --user feeds, in that order; then, with --shard K/N, keep shard K's
 * share alone.  0 on success, the list possibly empty when the shard's share
 * is; -1 with e set when an input cannot be read or nothing was named.
 */
int worklist_gather(struct worklist *wl, struct session *r, struct err *e);

/*
 * Take the 文集 out of the items into wl->lists: those named as rlN, and
 * with --series the 文集 of every article (read now; a failure to read one
 * is its item's).  expand (a site, --combine): a 文集's articles join the
 * items in its place, as chapters.  A 文集 named twice is archived once.
 */
void worklist_take_lists(struct worklist *wl, struct session *r, bool expand);

/* Mark it failed because of msg (copied), and say so. */
void worklist_fail(struct worklist_item *it, const char *msg);

/* Return the id of it as the user knows it: the resolved id, else what was given. */
const char *worklist_id(const struct worklist_item *it);

/*
 * Return the position of the first item before item i (resolved) that names
 * the same article, or INDEX_EMPTY when i is the first (and is then
 * remembered).  Items must be asked in order, each once, as they resolve.
 */
size_t worklist_earlier(struct worklist *wl, size_t i);

#endif
