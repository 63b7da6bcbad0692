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

struct err {
	bool set;
	char msg[ERR_MSG_MAX];
};

/* Clear e (a struct err on the caller's stack needs no other set-up). */
void err_init(struct err *e);
/* Set the message; returns -1 so that "return err_set(e, ...)" reads well. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put "prefix: " in front of an existing message (for context on the way up). */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
