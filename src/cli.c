#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "log.h"
#include "xalloc.h"

static const char usage_text[] =
"Usage: opus-archive [OPTION]... --from-json FILE -o OUTPUT\n"
"       opus-archive [OPTION]... ID|URL... -o OUTPUT\n"
"Archive Bilibili opus (图文) articles as EPUB 3 books or folder sites for reading offline.\n"
"\n"
"Input:\n"
"      --from-json FILE     render a saved opus detail response (the whole\n"
"                           {code, message, data} envelope); '-' reads stdin\n"
"\n"
"Output:\n"
"  -o, --output PATH        the book to write, or the site's directory\n"
"  -f, --format FORMAT      'epub' (default) or 'site'; 'site' is the default when\n"
"                           PATH is an existing directory or ends in '/'\n"
"      --lang TAG           the book's language (default: zh-CN)\n"
"      --templates DIR      use the page templates and stylesheet in DIR\n"
"\n"
"Pictures:\n"
"      --cache-dir DIR      keep responses and pictures in DIR\n"
"                           (default: $XDG_CACHE_HOME/opus-archive)\n"
"      --offline            never use the network; pictures missing from the cache\n"
"                           become placeholders\n"
"\n"
"Messages:\n"
"  -q, --quiet              print errors only\n"
"  -v, --verbose            say more about what is done\n"
"  -h, --help               print this help and exit\n"
"  -V, --version            print the version and exit\n"
"\n"
"Exit status: 0 complete; 1 failed (nothing written); 2 usage error;\n"
"3 written but incomplete (for example pictures missing).\n"
"\n"
"Example:\n"
"  opus-archive --offline --cache-dir samples/cache \\\n"
"      --from-json samples/opus-full.json -o book.epub\n"
"\n"
"See opus-archive(1) for the cache layout, templates and more.\n";

void
cli_usage_hint(void)
{
	fputs("Try 'opus-archive --help' for more information.\n", stderr);
}

/* Return true for a plausible BCP 47 tag: letters, digits and '-' in short parts. */
static bool
lang_valid(const char *s)
{
	size_t part = 0, n = strlen(s);

	if (n == 0 || n > 35 || !isalpha((unsigned char)s[0]))
		return false;
	for (; *s; s++) {
		if (*s == '-') {
			if (part == 0)
				return false;
			part = 0;
		} else if (isalnum((unsigned char)*s) && ++part <= 8) {
			continue;
		} else {
			return false;
		}
	}
	return part > 0;
}

/* The archiving time: SOURCE_DATE_EPOCH (reproducible builds) or now. */
static int
pick_now(time_t *now, struct err *e)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s == NULL || *s == '\0') {
		*now = time(NULL);
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 253402300799LL)
		return err_set(e, "SOURCE_DATE_EPOCH '%s' is not a time in seconds", s);
	*now = (time_t)v;
	return 0;
}

static bool
has_template(const char *dir)
{
	char *p = file_join(dir, "article.xhtml");
	bool ok = file_exists(p);

	free(p);
	return ok;
}

/*
 * Find the templates: --templates, then $OPUS_ARCHIVE_TEMPLATES, then the
 * source tree when this binary is the one in the build tree (so tests and
 * README commands work uninstalled), then the installed data directory.
 */
static char *
find_templates(const char *given, struct err *e)
{
	const char *env = getenv("OPUS_ARCHIVE_TEMPLATES");
	char self[4096];
	ssize_t n;

	if (given) {
		if (!has_template(given)) {
			err_set(e, "--templates '%s': no article.xhtml there", given);
			return NULL;
		}
		return xstrdup(given);
	}
	if (env && *env && has_template(env))
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		char *dir;
		bool in_build;

		self[n] = '\0';
		dir = file_dirname(self);
		in_build = strcmp(dir, OA_BUILD_SRC_DIR) == 0;
		free(dir);
		if (in_build && has_template(OA_SOURCE_TEMPLATES))
			return xstrdup(OA_SOURCE_TEMPLATES);
	}
	if (has_template(OA_PKGDATADIR "/templates"))
		return xstrdup(OA_PKGDATADIR "/templates");
	err_set(e, "cannot find the templates (looked in '%s'); use --templates DIR",
	    OA_PKGDATADIR "/templates");
	return NULL;
}

enum cli_result
cli_parse(struct cli *c, int argc, char **argv, struct err *e)
{
	enum { OPT_FROM_JSON = 256, OPT_CACHE_DIR, OPT_OFFLINE, OPT_TEMPLATES, OPT_LANG };
	static const struct option longopts[] = {
		{ "from-json", required_argument, NULL, OPT_FROM_JSON },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "templates", required_argument, NULL, OPT_TEMPLATES },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *templates = NULL;
	int ch;

	memset(c, 0, sizeof *c);
	c->archive.lang = "zh-CN";
	c->archive.format = FORMAT_AUTO;
	c->verbosity = 1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:f:qvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_FROM_JSON:
			c->archive.from_json = optarg;
			break;
		case 'o':
			c->archive.output = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "epub") == 0)
				c->archive.format = FORMAT_EPUB;
			else if (strcmp(optarg, "site") == 0)
				c->archive.format = FORMAT_SITE;
			else {
				err_set(e, "unknown format '%s' (use 'epub' or 'site')", optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_CACHE_DIR:
			c->archive.cache_dir = optarg;
			break;
		case OPT_OFFLINE:
			c->archive.offline = true;
			break;
		case OPT_TEMPLATES:
			templates = optarg;
			break;
		case OPT_LANG:
			if (!lang_valid(optarg)) {
				err_set(e, "--lang '%s' is not a language tag (like zh-CN or en)", optarg);
				return CLI_USAGE;
			}
			c->archive.lang = optarg;
			break;
		case 'q':
			c->verbosity = 0;
			break;
		case 'v':
			c->verbosity = 2;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_DONE;
		case 'V':
			printf("opus-archive %s\n", PACKAGE_VERSION);
			return CLI_DONE;
		case ':':
			err_set(e, "option '%s' needs a value", argv[optind - 1]);
			return CLI_USAGE;
		case '?':
		default:
			if (optopt)
				err_set(e, "unknown option '-%c'", optopt);
			else
				err_set(e, "unknown option '%s'", argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	c->inputs = argv + optind;
	c->ninputs = (size_t)(argc - optind);
	if (c->archive.from_json == NULL && c->ninputs == 0) {
		err_set(e, "nothing to archive: give an opus id or URL, or --from-json FILE");
		return CLI_USAGE;
	}
	if (c->archive.from_json && c->ninputs > 0) {
		err_set(e, "give either --from-json or ids, not both");
		return CLI_USAGE;
	}
	if (c->archive.output == NULL || *c->archive.output == '\0') {
		err_set(e, "no output: use -o FILE.epub (or -o DIR/ for a folder site)");
		return CLI_USAGE;
	}
	if (pick_now(&c->archive.now, e) < 0)
		return CLI_USAGE;
	log_set_level(c->verbosity == 0 ? LOG_QUIET : c->verbosity == 2 ? LOG_VERBOSE : LOG_NORMAL);
	c->templates = find_templates(templates, e);
	if (c->templates == NULL)
		return CLI_USAGE;
	c->archive.templates = c->templates;
	return CLI_RUN;
}

void
cli_release(struct cli *c)
{
	free(c->templates);
	c->templates = NULL;
}
