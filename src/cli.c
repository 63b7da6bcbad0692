#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "xalloc.h"

static const char usage_text[] =
"Usage: opus-archive [OPTION]... ID|URL... [-o OUTPUT]\n"
"       opus-archive [OPTION]... --from-json FILE -o OUTPUT\n"
"       opus-archive [OPTION]... --from-epub BOOK.epub -o OUTPUT\n"
"Archive Bilibili opus (图文) articles as EPUB 3 books or folder sites for reading offline.\n"
"\n"
"Input:\n"
"  ID|URL                   an opus id, https://www.bilibili.com/opus/ID,\n"
"                           https://t.bilibili.com/ID or a https://b23.tv/ link;\n"
"                           cvN or https://www.bilibili.com/read/cvN (专栏);\n"
"                           rlN or https://www.bilibili.com/read/readlist/rlN:\n"
"                           a 文集, one book of all its articles\n"
"      --series             an article given (opus or cv) stands for its whole\n"
"                           文集 when it belongs to one\n"
"      --batch FILE         also the ids and URLs in FILE, one a line ('#' starts\n"
"                           a comment; '-' reads stdin)\n"
"      --user MID           also every post of the writer MID (opus feed and 专栏 list)\n"
"      --from-json FILE     render a saved opus detail response (the whole\n"
"                           {code, message, data} envelope); '-' reads stdin\n"
"      --from-epub BOOK     render a book opus-archive made again with today's\n"
"                           code, from the responses and pictures it carries\n"
"                           (no network, no cache; same identifier)\n"
"\n"
"Output:\n"
"  -o, --output PATH        the book to write, or the site's directory\n"
"                           (default for an id: ID.epub; with several articles,\n"
"                           a directory that gets a book for each)\n"
"  -f, --format FORMAT      'epub' (default), 'site' or 'md'; for one article\n"
"                           'site' is the default when PATH is a directory or\n"
"                           ends in '/', 'md' when PATH ends in '.md' (or --name\n"
"                           does): NAME.md with its pictures in images/ beside it\n"
"      --name TEMPLATE      names of the books in a directory, from {id} {title}\n"
"                           {author} {date} {mid} (default: {id})\n"
"      --combine            all the articles in one book (-o BOOK.epub or\n"
"                           -o FILE.md)\n"
"      --force              redo books the directory holds already (they are\n"
"                           skipped without a request otherwise)\n"
"      --failed-list FILE   write the ids that failed to FILE, for --batch\n"
"      --shard K/N          archive only shard K of N (1 <= K <= N) of all the\n"
"                           articles named: workers that share -o and\n"
"                           --cache-dir split a list between them\n"
"      --reindex DIR        rebuild the library site in DIR's index page and\n"
"                           links from the pages there (no network)\n"
"      --lang TAG           the book's language (default: zh-CN)\n"
"      --templates DIR      use the page templates and stylesheet in DIR\n"
"      --css FILE           add the stylesheet FILE after the bundled one\n"
"\n"
"Pictures:\n"
"      --cache-dir DIR      keep responses and pictures in DIR\n"
"                           (default: $XDG_CACHE_HOME/opus-archive)\n"
"      --offline            never use the network; pictures missing from the cache\n"
"                           become placeholders\n"
"      --refresh            fetch API responses again even when cached\n"
"      --max-image-size N   refuse pictures larger than N bytes (K, M, G\n"
"                           suffixes; default 64M)\n"
"      --max-image-width N  ask the image server for pictures at most N pixels\n"
"                           wide (smaller books for e-readers; default: originals)\n"
"\n"
"Network:\n"
"      --cookies FILE       send your browser's bilibili.com cookies (a Netscape\n"
"                           cookies.txt); values are never printed\n"
"      --user-agent UA      the User-Agent to send (default: a current Firefox)\n"
"  -j, --jobs N             pictures downloaded at once (default 6)\n"
"      --rate R             API requests per second at most (default 2), shared\n"
"                           by every run on this host with the same cache\n"
"      --retries N          further attempts after a failure (default 4)\n"
"      --retry-delay S      first wait before a retry, doubled each time (default 1)\n"
"      --connect-timeout S  give up connecting after S seconds (default 15)\n"
"      --timeout S          give up a transfer after S seconds (default 300)\n"
"      --cacert FILE        trust the CA certificates in FILE\n"
"      --connect-to H1:P1:H2:P2\n"
"                           connect to H2:P2 for requests to H1:P1 (as curl\n"
"                           does; empty fields match anything); repeatable\n"
"\n"
"Web archive:\n"
"      --warc FILE          also record every HTTP exchange of the run (requests,\n"
"                           answers, retries, redirects) in FILE, a WARC/1.1\n"
"                           .warc.gz; cookie values are masked\n"
"      --warc-dir DIR       the same, one WARC per article: DIR/ID.warc.gz\n"
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
"Examples:\n"
"  opus-archive 933099353259638816 -o book.epub\n"
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

/* Read a number in [min, max]; -1 when s is anything else. */
static int
number(const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

/* Read a size: digits with an optional K, M or G (powers of 1024). */
/* A --name template: text and the fields {id} {title} {author} {date} {mid}, nothing else in braces. */
static int
name_template_ok(const char *t, struct err *e)
{
	static const char *const fields[] = { "{id}", "{title}", "{author}", "{date}", "{mid}" };

	if (*t == '\0')
		return err_set(e, "--name needs a template, like '{date} {title}'");
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
		bool known = false;

		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
			known = known || strncmp(p, fields[i], strlen(fields[i])) == 0;
		if (!known)
			return err_set(e, "--name '%s': unknown field at '%.12s' (known: {id} {title} "
			    "{author} {date} {mid})", t, p);
	}
	if (strchr(t, '/'))
		return err_set(e, "--name '%s': a name cannot hold '/' (books go into -o DIR itself)",
		    t);
	return 0;
}

static int
size_arg(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mul = 1;

	if (end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1024ULL, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024ULL * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end != '\0' || v == 0 || v > (1ULL << 40) / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

/* K/N for --shard: two whole decimal numbers, 1 <= K <= N <= 1000000. */
static int
shard_arg(const char *s, unsigned *k, unsigned *n)
{
	unsigned long v[2];
	const char *p = s;

	for (int i = 0; i < 2; i++) {
		char *end;

		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0 || v[i] == 0 || v[i] > 1000000 || *end != (i == 0 ? '/' : '\0'))
			return -1;
		p = end + 1;
	}
	if (v[0] > v[1])
		return -1;
	*k = (unsigned)v[0];
	*n = (unsigned)v[1];
	return 0;
}

/* HOST1:PORT1:HOST2:PORT2 as curl takes it: four fields, ports empty or digits. */
static bool
connect_to_valid(const char *s)
{
	const char *p = s;
	int fields = 1;

	for (; *p; p++) {
		if (*p == '[') {        /* an IPv6 address in brackets may hold colons */
			p = strchr(p, ']');
			if (p == NULL)
				return false;
		} else if (*p == ':') {
			fields++;
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			return false;
		}
	}
	return fields == 4;
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
	/* Up to the last second whose date, at UTC or at +08:00, has four digits. */
	if (*end != '\0' || v < 0 || v > MODEL_TIME_MAX)
		return err_set(e, "SOURCE_DATE_EPOCH '%s' is not a time in seconds from 1970 to the year 9999", s);
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

/* Return "--NAME" for the long option whose code is ch, for messages. */
static const char *
option_name(const struct option *v, int ch)
{
	static char name[40];

	for (; v->name; v++)
		if (v->val == ch) {
			snprintf(name, sizeof name, "--%s", v->name);
			return name;
		}
	return "an option";
}

enum cli_result
cli_parse(struct cli *c, int argc, char **argv, struct err *e)
{
	enum {
		OPT_FROM_JSON = 256, OPT_CACHE_DIR, OPT_OFFLINE, OPT_TEMPLATES, OPT_LANG,
		OPT_COOKIES, OPT_USER_AGENT, OPT_CACERT, OPT_CONNECT_TO, OPT_RATE, OPT_RETRIES,
		OPT_RETRY_DELAY, OPT_CONNECT_TIMEOUT, OPT_TIMEOUT, OPT_MAX_IMAGE_SIZE,
		OPT_MAX_IMAGE_WIDTH, OPT_REFRESH, OPT_BATCH, OPT_USER, OPT_NAME, OPT_COMBINE, OPT_FORCE, OPT_FAILED_LIST,
		OPT_WARC, OPT_WARC_DIR, OPT_FROM_EPUB, OPT_SHARD, OPT_REINDEX,
		OPT_CSS, OPT_SERIES,
	};
	static const struct option longopts[] = {
		{ "from-json", required_argument, NULL, OPT_FROM_JSON },
		{ "from-epub", required_argument, NULL, OPT_FROM_EPUB },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "templates", required_argument, NULL, OPT_TEMPLATES },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "cookies", required_argument, NULL, OPT_COOKIES },
		{ "user-agent", required_argument, NULL, OPT_USER_AGENT },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "connect-to", required_argument, NULL, OPT_CONNECT_TO },
		{ "jobs", required_argument, NULL, 'j' },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "retry-delay", required_argument, NULL, OPT_RETRY_DELAY },
		{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "max-image-size", required_argument, NULL, OPT_MAX_IMAGE_SIZE },
		{ "max-image-width", required_argument, NULL, OPT_MAX_IMAGE_WIDTH },
		{ "refresh", no_argument, NULL, OPT_REFRESH },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "user", required_argument, NULL, OPT_USER },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "combine", no_argument, NULL, OPT_COMBINE },
		{ "series", no_argument, NULL, OPT_SERIES },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "failed-list", required_argument, NULL, OPT_FAILED_LIST },
		{ "warc", required_argument, NULL, OPT_WARC },
		{ "warc-dir", required_argument, NULL, OPT_WARC_DIR },
		{ "css", required_argument, NULL, OPT_CSS },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "reindex", required_argument, NULL, OPT_REINDEX },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *templates = NULL;
	const char *given[OPT_CSS + 1] = { NULL };  /* single-valued options seen: their value */
	int ch;

	memset(c, 0, sizeof *c);
	c->archive.lang = "zh-CN";
	c->archive.net.jobs = 6;
	c->archive.net.rate = 2;
	c->archive.net.retries = 4;
	c->archive.net.retry_delay = 1;
	c->archive.net.connect_timeout_ms = 15000;
	c->archive.net.timeout_ms = 300000;
	c->archive.net.max_image_size = 64u * 1024 * 1024;
	c->archive.format = FORMAT_AUTO;
	c->verbosity = 1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:f:j:qvhV", longopts, NULL)) != -1) {
		double d;

		/*
		 * An option that holds one value, given twice, would silently lose
		 * one (--from-json A --from-json B rendered only B): refuse it.
		 * --connect-to and --user collect every value; flags may repeat.
		 */
		if (ch > 0 && ch <= OPT_CSS && ch != OPT_CONNECT_TO && ch != OPT_USER &&
		    optarg != NULL) {
			if (given[ch]) {
				err_set(e, "%s given twice ('%s' and '%s'): it takes one value%s",
				    option_name(longopts, ch), given[ch], optarg,
				    ch == OPT_BATCH ? " (put every id in one list)" :
				    ch == OPT_FROM_JSON ? " (run once per saved response)" : "");
				return CLI_USAGE;
			}
			given[ch] = optarg;
		}
		switch (ch) {
		case OPT_FROM_JSON:
			c->archive.from_json = optarg;
			break;
		case OPT_FROM_EPUB:
			c->archive.from_epub = optarg;
			break;
		case 'o':
			c->archive.output = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "epub") == 0)
				c->archive.format = FORMAT_EPUB;
			else if (strcmp(optarg, "site") == 0)
				c->archive.format = FORMAT_SITE;
			else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
				c->archive.format = FORMAT_MD;
			else {
				err_set(e, "unknown format '%s' (use 'epub', 'site' or 'md')", optarg);
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
		case OPT_COOKIES:
			c->archive.net.cookies = optarg;
			break;
		case OPT_USER_AGENT:
			if (*optarg == '\0' || strpbrk(optarg, "\r\n")) {
				err_set(e, "--user-agent must be one line of text");
				return CLI_USAGE;
			}
			c->archive.net.user_agent = optarg;
			break;
		case OPT_CACERT:
			c->archive.net.cacert = optarg;
			break;
		case OPT_CONNECT_TO:
			if (!connect_to_valid(optarg)) {
				err_set(e, "--connect-to '%s' is not HOST1:PORT1:HOST2:PORT2", optarg);
				return CLI_USAGE;
			}
			XGROW(c->connect_to, c->connect_to_cap, c->archive.net.nconnect_to + 1);
			c->connect_to[c->archive.net.nconnect_to++] = optarg;
			c->archive.net.connect_to = c->connect_to;
			break;
		case 'j':
			if (number(optarg, 1, 64, &d) < 0) {
				err_set(e, "--jobs '%s' is not a number from 1 to 64", optarg);
				return CLI_USAGE;
			}
			c->archive.net.jobs = (int)d;
			break;
		case OPT_RATE:
			if (number(optarg, 0.01, 1000, &d) < 0) {
				err_set(e, "--rate '%s' is not a number of requests per second (0.01 to 1000)", optarg);
				return CLI_USAGE;
			}
			c->archive.net.rate = d;
			break;
		case OPT_RETRIES:
			if (number(optarg, 0, 100, &d) < 0 || d != (int)d) {
				err_set(e, "--retries '%s' is not a whole number from 0 to 100", optarg);
				return CLI_USAGE;
			}
			c->archive.net.retries = (int)d;
			break;
		case OPT_RETRY_DELAY:
			if (number(optarg, 0, 600, &d) < 0) {
				err_set(e, "--retry-delay '%s' is not a number of seconds (0 to 600)", optarg);
				return CLI_USAGE;
			}
			c->archive.net.retry_delay = d;
			break;
		case OPT_CONNECT_TIMEOUT:
		case OPT_TIMEOUT:
			if (number(optarg, 0.001, 86400, &d) < 0) {
				err_set(e, "%s '%s' is not a number of seconds", ch == OPT_TIMEOUT ?
				    "--timeout" : "--connect-timeout", optarg);
				return CLI_USAGE;
			}
			if (ch == OPT_TIMEOUT)
				c->archive.net.timeout_ms = (long)(d * 1000);
			else
				c->archive.net.connect_timeout_ms = (long)(d * 1000);
			break;
		case OPT_MAX_IMAGE_SIZE:
			if (size_arg(optarg, &c->archive.net.max_image_size) < 0) {
				err_set(e, "--max-image-size '%s' is not a size (like 500K or 64M)", optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_MAX_IMAGE_WIDTH:
			if (number(optarg, 16, 20000, &d) < 0 || d != (int)d) {
				err_set(e, "--max-image-width '%s' is not a whole number of pixels (16 to 20000)",
				    optarg);
				return CLI_USAGE;
			}
			c->archive.max_image_width = (int)d;
			break;
		case OPT_REFRESH:
			c->archive.net.refresh = true;
			break;
		case OPT_BATCH:
			c->archive.batch_file = optarg;
			break;
		case OPT_USER:
			if (*optarg == '\0' || strspn(optarg, "0123456789") != strlen(optarg) ||
			    strlen(optarg) > 20) {
				err_set(e, "--user '%s' is not a user id (mid): digits only, as in "
				    "https://space.bilibili.com/MID", optarg);
				return CLI_USAGE;
			}
			XGROW(c->users, c->users_cap, c->archive.nusers + 1);
			c->users[c->archive.nusers++] = optarg;
			c->archive.users = c->users;
			break;
		case OPT_NAME:
			if (name_template_ok(optarg, e) < 0)
				return CLI_USAGE;
			c->archive.name_template = optarg;
			break;
		case OPT_COMBINE:
			c->archive.combine = true;
			break;
		case OPT_SERIES:
			c->archive.series = true;
			break;
		case OPT_FORCE:
			c->archive.force = true;
			break;
		case OPT_FAILED_LIST:
			c->archive.failed_list = optarg;
			break;
		case OPT_WARC:
		case OPT_WARC_DIR:
			if (*optarg == '\0') {
				err_set(e, "%s needs a path", ch == OPT_WARC ? "--warc" : "--warc-dir");
				return CLI_USAGE;
			}
			*(ch == OPT_WARC ? &c->archive.warc : &c->archive.warc_dir) = optarg;
			break;
		case OPT_SHARD:
			if (shard_arg(optarg, &c->archive.shard_k, &c->archive.shard_n) < 0) {
				err_set(e, "--shard '%s' is not K/N with 1 <= K <= N (like 2/4)", optarg);
				return CLI_USAGE;
			}
			break;
		case OPT_REINDEX:
			if (*optarg == '\0') {
				err_set(e, "--reindex needs the site's directory");
				return CLI_USAGE;
			}
			c->archive.reindex = optarg;
			break;
		case OPT_CSS:
			if (!file_exists(optarg)) {
				err_set(e, "--css '%s': no such file", optarg);
				return CLI_USAGE;
			}
			c->archive.user_css = optarg;
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
	bool many;

	c->inputs = argv + optind;
	c->ninputs = (size_t)(argc - optind);
	c->archive.ids = c->inputs;
	c->archive.nids = c->ninputs;
	for (size_t i = 0; i < c->ninputs; i++) {
		struct input in;

		if (input_parse(c->inputs[i], &in, e) < 0)
			return CLI_USAGE;
		input_release(&in);
	}
	many = c->archive.batch_file || c->archive.nusers > 0;
	/* --name '{title}.md' asks for Markdown documents named '{title}' + ".md" */
	if (c->archive.name_template && strlen(c->archive.name_template) > 3 &&
	    strcmp(c->archive.name_template + strlen(c->archive.name_template) - 3, ".md") == 0 &&
	    (c->archive.format == FORMAT_AUTO || c->archive.format == FORMAT_MD)) {
		c->name_template = xstrndup(c->archive.name_template,
		    strlen(c->archive.name_template) - 3);
		c->archive.name_template = c->name_template;
		c->archive.format = FORMAT_MD;
	}
	if (c->archive.reindex) {
		/* a mode of its own: no article is fetched or written */
		if (c->archive.from_json || c->ninputs > 0 || many || c->archive.combine ||
		    c->archive.shard_n || c->archive.output) {
			err_set(e, "--reindex DIR works on DIR alone: give no ids, --batch, --user, "
			    "--from-json, --combine, --shard or -o with it");
			return CLI_USAGE;
		}
		if (!file_is_dir(c->archive.reindex)) {
			err_set(e, "--reindex '%s': no such directory", c->archive.reindex);
			return CLI_USAGE;
		}
	} else if (c->archive.from_epub) {
		/* the book says what to render, and nothing is fetched */
		if (c->archive.from_json || c->ninputs > 0 || many || c->archive.combine) {
			err_set(e, "--from-epub renders the book's own articles: give no ids, "
			    "--batch, --user, --from-json or --combine");
			return CLI_USAGE;
		}
		if (c->archive.warc || c->archive.warc_dir) {
			err_set(e, "--warc and --warc-dir record what is fetched; with --from-epub "
			    "nothing is");
			return CLI_USAGE;
		}
		if (c->archive.output == NULL || *c->archive.output == '\0') {
			err_set(e, "no output: use -o NEW.epub (or -o DIR/ for a folder site)");
			return CLI_USAGE;
		}
	} else if (c->archive.from_json == NULL && c->ninputs == 0 && !many) {
		err_set(e, "nothing to archive: give an opus id or URL, an rl number, --batch FILE, --user MID, "
		    "or --from-json FILE");
		return CLI_USAGE;
	}
	if (c->archive.shard_n && (c->archive.from_json || c->archive.combine)) {
		err_set(e, "--shard splits a list of articles between runs; it does not go with %s",
		    c->archive.from_json ? "--from-json" : "--combine (one book)");
		return CLI_USAGE;
	}
	if (c->archive.from_json && (c->ninputs > 0 || many)) {
		err_set(e, "give either --from-json or ids (--batch, --user), not both");
		return CLI_USAGE;
	}
	if (c->archive.combine) {
		enum out_format f = c->archive.output ?
		    opts_pick_format(c->archive.format, c->archive.output) : FORMAT_AUTO;
		size_t n = c->archive.output ? strlen(c->archive.output) : 0;

		if (f == FORMAT_MD && (n == 0 || c->archive.output[n - 1] == '/' ||
		    file_is_dir(c->archive.output))) {
			err_set(e, "--combine with Markdown makes one document: give -o FILE.md");
			return CLI_USAGE;
		}
		if (f != FORMAT_EPUB && f != FORMAT_MD) {
			err_set(e, "--combine makes one book: give -o BOOK.epub (or -o FILE.md)");
			return CLI_USAGE;
		}
		if (c->archive.from_json) {
			err_set(e, "--combine takes ids, not --from-json");
			return CLI_USAGE;
		}
	}
	if (c->archive.series && c->archive.from_json) {
		err_set(e, "--series takes ids, not --from-json (a saved response is rendered as it is)");
		return CLI_USAGE;
	}
	if (!c->archive.combine && (c->ninputs > 1 || many) && c->archive.output &&
	    opts_pick_format(c->archive.format, c->archive.output) == FORMAT_MD &&
	    strlen(c->archive.output) > 3 &&
	    strcmp(c->archive.output + strlen(c->archive.output) - 3, ".md") == 0) {
		err_set(e, "several articles make several documents: give -o DIR/ with --format md, "
		    "or --combine for one");
		return CLI_USAGE;
	}
	if (c->archive.output && *c->archive.output == '\0') {
		err_set(e, "-o needs a path");
		return CLI_USAGE;
	}
	if (c->archive.output == NULL && c->archive.from_json) {
		err_set(e, "no output: use -o FILE.epub (or -o DIR/ for a folder site)");
		return CLI_USAGE;
	}
	if (c->archive.warc && c->archive.warc_dir) {
		err_set(e, "give either --warc or --warc-dir, not both");
		return CLI_USAGE;
	}
	if ((c->archive.warc || c->archive.warc_dir) && c->archive.offline) {
		err_set(e, "--warc and --warc-dir record what is fetched; with --offline nothing is");
		return CLI_USAGE;
	}
	/* for the WARC's warcinfo record: no option takes a secret (cookies come in a file) */
	c->archive.args = argv + 1;
	c->archive.nargs = (size_t)(argc - 1);
	if (pick_now(&c->archive.now, e) < 0)
		return CLI_USAGE;
	log_set_level(c->verbosity == 0 ? LOG_QUIET : c->verbosity == 2 ? LOG_VERBOSE : LOG_NORMAL);
	c->archive.progress = c->verbosity == 1 && isatty(STDERR_FILENO);
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
	free(c->connect_to);
	free(c->users);
	free(c->name_template);
	c->name_template = NULL;
	c->templates = NULL;
	c->connect_to = NULL;
	c->users = NULL;
}
