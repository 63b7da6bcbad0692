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
	if ((n > 0 && output[n - 1] == '/') || file_is_dir(output))
		return FORMAT_SITE;
	return FORMAT_EPUB;
}

char *
opts_output_for(const struct archive_opts *o, const char *id)
{
	bool site = opts_pick_format(o->format, o->output ? o->output : "") == FORMAT_SITE;

	if (o->output == NULL)
		return xasprintf(site ? "%s/" : "%s.epub", id);
	if (file_is_dir(o->output) && !site)
		return xasprintf("%s%s%s.epub", o->output,
		    o->output[strlen(o->output) - 1] == '/' ? "" : "/", id);
	return xstrdup(o->output);
}
