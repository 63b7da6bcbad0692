/*
 * api: Bilibili's web API, as this program uses it: the opus detail of an
 * id, the 专栏 article/view of a cv number, the article list of a 文集, the buvid3 cookie they need,
 * short links.  Knows the endpoints, the parameters, the JSON envelope's
 * codes and what to tell the user about them; the transfers themselves are
 * fetch.c's.  See spec §1.
 */
#ifndef OA_API_H
#define OA_API_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "err.h"
#include "fetch.h"
#include "file.h"
#include "index.h"
#include "jsonval.h"

#define API_MAX_RESPONSE (32u * 1024 * 1024)

/* A list of ids without duplicates, in the order first seen. */
struct api_ids {
	char **v;               /* owned strings */
	char **from;            /* with api_ids_add_from: the id each came from (owned), else NULL */
	size_t n, cap, from_cap;
	struct index by_id;     /* v, for the duplicate check (a writer's feed has thousands) */
};

/*
 * An item's answer (opus detail or article/view) this run fetched.  A batch
 * fetches a window's answers ahead (api_prefetch_end): each waits here, parsed,
 * until its article is loaded, so an answer is parsed once.
 */
struct api_answer {
	char *key;              /* owned: "opus/ID" or "article/ID" */
	struct file_bytes raw;  /* owned: the answer's bytes, none once loading took them */
	struct jsv *root;       /* owned: its tree, NULL once taken */
};

struct api {
	struct fetcher *f;
	const struct cache *cache;
	int retries;            /* for risk-control answers (-352, -412) */
	bool refresh;           /* fetch responses again even when cached */
	bool buvid_ready;
	/*
	 * Every item answer fetched this run (owned), by key.  With refresh on, an
	 * entry (taken or not) also says that the cache file is this run's, so
	 * loading an article after a prefetch does not ask the API a second time.
	 */
	struct api_answer *answers;
	size_t nanswers, answers_cap;
	struct index answers_by_key;
	/* Item answers fetched and item answers parsed this run (said with -v at the end). */
	size_t items_fetched, items_parsed;
};

/* Free what a holds (not a itself, nor its fetcher or cache); -v says the counts above. */
void api_release(struct api *a);

/*
 * Fetch the opus detail response for id (from the cache when it is there and
 * refresh is off) into *raw, and parse it once into *root (the caller frees
 * both, the tree with jsv_free()).  A code other than 0 is an error with a
 * message saying what the user can do (e->kind tells which); a fallback reply
 * is not an error (the caller's parser sees it).
 */
int api_opus_detail(struct api *a, const char *id, struct file_bytes *raw,
    struct jsv **root, struct err *e);

/*
 * Fetch the API answers for ids[] concurrently (within the API rate) and keep
 * the clean ones (code 0) in the cache, where api_opus_detail and
 * api_article_view find them.  kinds[i] is "opus" (an opus detail) or
 * "article" (a 专栏's article/view, ids[i] its number without "cv"); kinds
 * NULL means all opus.  Failures are not reported: the item's own request
 * asks again and says why.  The 专栏 numbers that opus answers fall back to
 * are added to fallbacks (when not NULL), for a prefetch of their own, with
 * the opus id in fallbacks->from.
 *
 * In two halves, so that these requests share one fetch_run() with other
 * transfers (and the caller can tag each job with its article): begin
 * returns the n jobs to run (owned by the caller until end; NULL when the
 * API cannot be used), end keeps the clean answers in the cache and, parsed,
 * in a->answers until api_opus_detail or api_article_view takes them, and
 * frees the jobs.
 */
struct fetch_job *api_prefetch_begin(struct api *a, const char *const *kinds,
    const char *const *ids, size_t n);
void api_prefetch_end(struct api *a, const char *const *kinds, const char *const *ids,
    struct fetch_job *jobs, size_t n, struct api_ids *fallbacks);

void api_ids_release(struct api_ids *v);

/*
 * Return the URL of page page of writer mid's opus feed, going on from offset
 * (the previous page's data.offset; NULL or "" for the first page).  mid and
 * offset are percent-encoded, so an odd offset cannot add parameters.  The
 * caller frees the result.
 */
char *api_feed_url(const char *mid, int page, const char *offset);

/* Append every opus id of writer mid (the feed, page after page; spec §1.3) to out. */
int api_user_opus(struct api *a, const char *mid, struct api_ids *out, struct err *e);

/*
 * Append every old-style 专栏 article of writer mid (x/space/wbi/article, WBI
 * signed, spec §1.3 and §1.5) to out: as its opus id when it has one
 * (dyn_id_str), else as "cvN".
 */
int api_user_articles(struct api *a, const char *mid, struct api_ids *out, struct err *e);

/*
 * Fetch the x/article/view response of the old-style 专栏 article cvN (cv
 * holds the digits only), cached as api/article/N.json, with the same rules
 * as api_opus_detail().  Spec §1.2.
 */
int api_article_view(struct api *a, const char *cv, struct file_bytes *raw,
    struct jsv **root, struct err *e);

/*
 * Fetch the x/article/list/web/articles response of the 文集 rlN (rl holds
 * the digits only), cached as api/readlist/N.json, with the rules of
 * api_opus_detail(), except that a list grows: unless cached is true (the
 * caller cannot use the network), it is asked of the API even when the
 * cache holds an answer, once a run.  Spec §1.7.
 */
int api_readlist(struct api *a, const char *rl, bool cached, struct file_bytes *raw,
    struct jsv **root, struct err *e);

/* Follow a b23.tv short link; *final is the address it ends at (caller frees). */
int api_resolve_short(struct api *a, const char *url, char **final, struct err *e);

/* The default User-Agent: a current desktop browser's, as the API expects one. */
extern const char api_default_user_agent[];

#endif
