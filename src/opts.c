#include "config.h"

#include <string.h>

#include "file.h"
#include "opts.h"
#include "xalloc.h"

enum out_format
opts_pick_format(enum out_format f, const char *output)
{
	size_t n = strlen(output);

	if (f != FORMAT_AUTO)
		return f;
	if (n > 3 && strcmp(output + n - 3, ".md") == 0)
		return FORMAT_MD;
	if ((n > 0 && output[n - 1] == '/') || file_is_dir(output))
		return FORMAT_SITE;
	return FORMAT_EPUB;
}

char *
opts_output_for(const struct archive_opts *o, const char *id)
{
	enum out_format f = opts_pick_format(o->format, o->output ? o->output : "");
	bool site = f == FORMAT_SITE;
	const char *ext = f == FORMAT_MD ? "md" : "epub";

	if (o->output == NULL)
		return site ? xasprintf("%s/", id) : xasprintf("%s.%s", id, ext);
	if (!site && (file_is_dir(o->output) ||
	    (f == FORMAT_MD && o->output[strlen(o->output) - 1] == '/')))
		return xasprintf("%s%s%s.%s", o->output,
		    o->output[strlen(o->output) - 1] == '/' ? "" : "/", id, ext);
	return xstrdup(o->output);
}
