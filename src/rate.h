/*
 * rate: the API request rate (--rate) shared by every run on one host that
 * uses the same cache directory, so that N workers started side by side ask
 * the API no faster than one.  The bucket is a small file in the cache,
 * CACHE/rate/api-HOST, holding the wall-clock time (seconds, as decimal
 * text) before which no further request may go; a run takes its turn under
 * an fcntl() write lock on that file, and moves the time on by 1/rate.  HOST
 * is file_host_name(): hosts that share a cache over NFS (each with its own
 * address, as the API sees it) keep a bucket each.
 *
 * When the file cannot be used (a read-only cache, a file system without
 * locks), the run paces itself alone and says so once.
 */
#ifndef OA_RATE_H
#define OA_RATE_H

#include <stdbool.h>

struct rate {
	char *path;             /* owned: the bucket file */
	double interval;        /* seconds between two requests */
	int fd;                 /* the open bucket, -1 before the first turn */
	bool broken;            /* the file failed: pace this process alone */
	double next_local;      /* then: the earliest time of the next request */
};

/* Set r up for the bucket of cache_dir at per_second requests a second (> 0). */
void rate_init(struct rate *r, const char *cache_dir, double per_second);
void rate_release(struct rate *r);
/*
 * Take a turn: return 0 when a request may go now (and count it), or the
 * seconds to wait before asking again.
 */
double rate_take(struct rate *r);

#endif
