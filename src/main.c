/*
 * opus-archive: archive Bilibili opus articles as EPUB books or folder sites.
 *
 * main reads the command line, runs the pipeline and maps its result to the
 * exit status; the work is done in the library of modules beside it.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "cli.h"
#include "err.h"
#include "fetch.h"
#include "file.h"
#include "log.h"
#include "render.h"

static void
on_signal(int sig)
{
	/* Remove what is half-written, then die with the conventional status. */
	file_cleanup_temps();
	_exit(128 + sig);
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct err e;
	enum archive_result res;
	struct sigaction sa;

	err_init(&e);
	switch (cli_parse(&c, argc, argv, &e)) {
	case CLI_DONE:
		cli_release(&c);
		return 0;
	case CLI_USAGE:
		log_error("%s", e.msg);
		cli_usage_hint();
		cli_release(&c);
		return 2;
	case CLI_RUN:
		break;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Past a file size limit (ulimit -f), a write should fail with EFBIG and be reported, not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	/* libcurl initialises itself on the first fetch (fetch_new) */
	render_global_init();
	res = run_archive(&c.archive, &e);
	if (res == ARCHIVE_FAILED && e.set)
		log_error("%s", e.msg);
	render_global_cleanup();
	fetch_global_cleanup();
	cli_release(&c);
	return (int)res;
}
