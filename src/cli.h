/*
 * cli: the command line, read into options.  Knows the option names, the help
 * text and how templates are found; nothing else.
 */
#ifndef OA_CLI_H
#define OA_CLI_H

#include <stddef.h>

#include "opts.h"
#include "err.h"

struct cli {
	struct archive_opts archive;
	char **inputs;          /* ids and URLs given as arguments (argv-owned) */
	size_t ninputs;
	char *templates;        /* owned: the resolved template directory */
	char **connect_to;      /* owned array of argv strings */
	char **users;           /* owned array of argv strings (--user) */
	char *name_template;    /* owned: --name without its ".md" (which asks for Markdown) */
	size_t connect_to_cap, users_cap;
	int verbosity;          /* 0 quiet, 1 normal, 2 verbose */
};

enum cli_result {
	CLI_RUN,                /* go on */
	CLI_DONE,               /* --help or --version was printed: exit 0 */
	CLI_USAGE,              /* bad usage: e says why, exit 2 */
};

enum cli_result cli_parse(struct cli *c, int argc, char **argv, struct err *e);
void cli_release(struct cli *c);
void cli_usage_hint(void);

#endif
