/*
 * opus-archive: archive Bilibili opus articles as EPUB books or folder sites.
 *
 * main reads the command line, runs the pipeline and maps its result to the
 * exit status; the work is done in the library of modules beside it.
 */
#include "config.h"

#include <signal.h>

#include "run.h"
#include "cli.h"
#include "err.h"
#include "fetch.h"
#include "file.h"
#include "log.h"
#include "render.h"

int
main(int argc, char **argv)
{
	struct cli c;
	struct err e;
	enum archive_result res;

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
	/* a stop signal removes what is half-written, then ends the run */
	file_temp_catch_signals();
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
