#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "site.h"
#include "xalloc.h"

/* Return true when a book path is safe to join to the directory: relative, no "..". */
static bool
safe_path(const char *p)
{
	if (*p == '\0' || *p == '/')
		return false;
	for (const char *s = p; *s; ) {
		size_t n = strcspn(s, "/");

		if ((n == 2 && strncmp(s, "..", 2) == 0) || (n == 1 && *s == '.') || n == 0)
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

int
site_write(const char *dir, const struct book *book, struct err *e)
{
	char **finals = xcalloc(book->n ? book->n : 1, sizeof *finals);
	char **temps = xcalloc(book->n ? book->n : 1, sizeof *temps);
	int rc = 0;

	if (file_mkdirs(dir, e) < 0) {
		free(finals);
		free(temps);
		return -1;
	}
	/* Phase 1: every file under a temporary name. */
	for (size_t i = 0; i < book->n && rc == 0; i++) {
		const struct book_item *it = &book->v[i];
		char *sub;

		if (!safe_path(it->path)) {
			rc = err_set(e, "refusing to write '%s' outside '%s'", it->path, dir);
			break;
		}
		finals[i] = file_join(dir, it->path);
		if (it->src && strncmp(it->path, "images/", 7) == 0 && file_exists(finals[i]))
			continue;       /* same name, same content */
		sub = file_dirname(finals[i]);
		/* (writing there clears what a killed run left: file_temp_open) */
		rc = file_mkdirs(sub, e);
		free(sub);
		if (rc < 0)
			break;
		temps[i] = file_temp_name(finals[i], "site");
		file_temp_register(temps[i]);
		if (it->src)
			rc = file_copy_atomic(it->src, temps[i], e);
		else
			rc = file_write_atomic(temps[i], it->data, it->len, false, e);
	}
	/* what they were made from must not have changed under a mapping meanwhile */
	if (rc == 0)
		rc = file_inputs_unchanged(e);
	/* Phase 2: rename them all into place (pictures come first in the book). */
	for (size_t i = 0; i < book->n && rc == 0; i++) {
		if (temps[i] && rename(temps[i], finals[i]) < 0)
			rc = err_set(e, "cannot rename '%s' to '%s': %s", temps[i], finals[i],
			    strerror(errno));
	}
	for (size_t i = 0; i < book->n; i++) {
		if (temps[i]) {
			if (rc < 0)
				unlink(temps[i]);
			file_temp_forget(temps[i]);
			free(temps[i]);
		}
		free(finals[i]);
	}
	free(finals);
	free(temps);
	return rc;
}
