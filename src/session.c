#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file.h"
#include "log.h"
#include "model.h"
#include "session.h"
#include "xalloc.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct session *
session_new(const struct archive_opts *o, struct err *e)
{
	struct session *r = xcalloc(1, sizeof *r);

	r->o = o;
	r->started = now_s();
	if (cache_init(&r->cache, o->cache_dir, e) < 0) {
		free(r);
		return NULL;
	}
	r->api.cache = &r->cache;
	r->api.retries = o->net.retries;
	r->api.refresh = o->net.refresh;
	r->current = "";
	/* a temporary file untouched for twice the longest transfer has no writer left */
	file_temp_set_max_age(o->net.timeout_ms / 1000 * 2 > 3600 ? o->net.timeout_ms / 1000 * 2 :
	    3600);
	rate_init(&r->rate, r->cache.dir, o->net.rate > 0 ? o->net.rate : 2);
	if (capture_init(&r->capture, o, e) < 0) {
		rate_release(&r->rate);
		cache_release(&r->cache);
		free(r);
		return NULL;
	}
	return r;
}

void
session_finish(struct session *r, enum archive_result *res)
{
	if (r)
		capture_all_done(&r->capture, res);
}

void
session_free(struct session *r)
{
	if (r == NULL)
		return;
	capture_release(&r->capture);
	api_release(&r->api);
	fetch_free(r->f);
	rate_release(&r->rate);
	cache_release(&r->cache);
	free(r);
}

static double
take_turn(void *ctx)
{
	return rate_take(ctx);
}

int
session_net_up(struct session *r, struct err *e)
{
	const struct net_opts *n = &r->o->net;
	struct fetch_config cfg = {
		n->user_agent ? n->user_agent : api_default_user_agent, n->cacert,
		n->connect_to, n->nconnect_to, n->connect_timeout_ms, n->timeout_ms,
		n->retries, n->retry_delay, n->rate, n->jobs, take_turn, &r->rate, NULL, NULL,
	};

	if (r->f)
		return 0;
	if (capture_wanted(&r->capture)) {
		cfg.observer = capture_exchange;
		cfg.observer_ctx = &r->capture;
	}
	r->f = fetch_new(&cfg, e);
	if (r->f == NULL)
		return -1;
	if (n->cookies) {
		int count;

		if (fetch_load_cookies(r->f, n->cookies, &count, e) < 0)
			return -1;
		log_info("loaded %d bilibili.com cookies from '%s'", count, n->cookies);
		if (count == 0)
			log_warn("--cookies '%s' holds no cookie for bilibili.com", n->cookies);
	}
	r->api.f = r->f;
	return 0;
}

struct api *
session_api(struct session *r, struct err *e)
{
	if (r->o->offline) {
		err_set(e, "this needs the network, and --offline is set");
		return NULL;
	}
	return session_net_up(r, e) < 0 ? NULL : &r->api;
}

void
session_set_label(struct session *r, const char *label)
{
	snprintf(r->label, sizeof r->label, "%s", label ? label : "");
}

void
session_set_count(struct session *r, size_t done, size_t span, size_t total)
{
	char eta[32] = "", range[32] = "";
	double spent = now_s() - r->started;

	if (done > 0 && spent > 0) {
		double left = spent / (double)done * (double)(total - done);

		snprintf(eta, sizeof eta, ", ETA %dm%02ds", (int)(left / 60), (int)left % 60);
	}
	if (span > 1)
		snprintf(range, sizeof range, "-%zu", done + span);
	snprintf(r->label, sizeof r->label, "[%zu%s/%zu%s] ", done + 1, range, total, eta);
}

void
session_set_book(struct session *r, const struct oldbook *book, bool only)
{
	r->book = book;
	r->book_only = only;
}

void
session_set_library(struct session *r, const struct links *l)
{
	r->library = l;
}

void
session_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	const struct session *r = ctx;

	/* no article name when the pictures of several come in together */
	log_progress("%s%s%s%spictures %zu/%zu, %.1f MB", r->label,
	    *r->current ? article_kind(r->current) : "", r->current, *r->current ? ": " : "",
	    done, total, (double)bytes / 1e6);
	if (done == total && r->label[0] == '\0')
		log_progress_keep();
}
