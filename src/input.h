/*
 * input: what the user named on the command line, as an opus or cv id.
 *
 * Accepted: a bare opus id (digits, kept as a string: 19-digit ids do not
 * fit a double); https://www.bilibili.com/opus/ID, https://m.bilibili.com/opus/ID,
 * https://t.bilibili.com/ID (with any query string or fragment); cvN and
 * https://www.bilibili.com/read/cvN; 文集 (readlists): rlN and
 * https://www.bilibili.com/read/readlist/rlN (or the m. host); and
 * https://b23.tv/CODE short links,
 * which the caller resolves by following their redirect and parsing the
 * address it ends at.
 */
#ifndef OA_INPUT_H
#define OA_INPUT_H

#include "err.h"

enum input_kind {
	INPUT_OPUS,             /* id is an opus id */
	INPUT_CV,               /* id is a 专栏 cv number */
	INPUT_SHORT,            /* url is a b23.tv link to resolve */
	INPUT_READLIST,         /* id is a 文集's rl number: a book of its articles */
};

struct input {
	enum input_kind kind;
	char *id;               /* OPUS, CV, READLIST: digits only */
	char *url;              /* SHORT: the https URL to follow */
};

/*
 * Return true when s is a plausible opus or cv id: 1 to 30 ASCII digits (the
 * rule for what the user names and for the ids the parsers read in answers).
 */
int input_id_valid(const char *s);

/* Read arg; on failure e says why (the caller treats it as a usage error). */
int input_parse(const char *arg, struct input *in, struct err *e);
void input_release(struct input *in);

#endif
