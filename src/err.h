/*
 * err: the error record a failing call fills for its caller.
 *
 * The message is made where the context is (the URL, the path, the API code,
 * libcurl's or libzip's own words) and printed once, by main, the way tmux
 * fills "char **cause".  Messages follow git's habit: lower case, no full stop,
 * the subject quoted, and context prefixed on the way out:
 *     opus 933099353259638816: image 'https://…/x.png': HTTP 404
 */
#ifndef OA_ERR_H
#define OA_ERR_H

#include <stdbool.h>

#define ERR_MSG_MAX 1024

/*
 * What kind of failure a message tells, for callers that act on it (retry,
 * reword, skip) without reading the words.  err_set() leaves ERR_OTHER;
 * err_set_kind() names one; err_prefix() keeps it.
 */
enum err_kind {
	ERR_OTHER,
	ERR_NOT_FOUND,          /* the API answered -404: deleted, private or a wrong id */
	ERR_RISK,               /* risk control (-352, -412, HTTP 412) refused every try */
	ERR_LOGIN,              /* the API wants a logged-in user (-101, -403) */
	ERR_API,                /* another non-zero API code, or an answer that is no envelope */
	ERR_NETWORK,            /* the transfer itself failed (DNS, TLS, timeout, HTTP status) */
};

struct err {
	bool set;
	enum err_kind kind;
	char msg[ERR_MSG_MAX];
};

/* Clear e (a struct err on the caller's stack needs no other set-up). */
void err_init(struct err *e);
/* Set the message and its kind; returns -1 so that "return err_set(e, ...)" reads well. */
int err_set_kind(struct err *e, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the message of a failure of no particular kind (ERR_OTHER). */
#define err_set(e, ...) err_set_kind((e), ERR_OTHER, __VA_ARGS__)
/* Put "prefix: " in front of an existing message (for context on the way up). */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
