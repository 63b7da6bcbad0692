/*
 * Unit tests for name.c's namer, which gives each article of a directory a
 * name no other article there has: the template's name, "-2", "-3" ...
 * past one taken (in the manifest, given earlier in the run, a file that is
 * there, any case; a site's own names), an article's old name kept, each
 * new name claimed in the manifest.  Everything is written under tests/tmp
 * in the build tree.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "manifest.h"
#include "model.h"
#include "name.h"
#include "tap.h"
#include "xalloc.h"

static char root[] = "tests/tmp/name-XXXXXX";

static struct article *
art(const char *id, const char *title)
{
	struct article *a = article_new();

	a->id = xstrdup(id);
	a->title = xstrdup(title);
	return a;
}

/* Claim a name for the article id titled title: it must be want. */
static void
claim(struct namer *nm, const char *id, const char *title, const char *want, const char *what)
{
	struct article *a = art(id, title);
	char *name = name_claim(nm, a);

	is_str(name, want, "%s", what);
	free(name);
	article_free(a);
}

static void
touch(const char *dir, const char *file)
{
	char *path = file_join(dir, file);
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
	free(path);
}

int
main(void)
{
	struct manifest m;
	struct namer nm;
	struct err e;
	const struct manifest_entry *en;
	char *dir, *s, *path;

	mkdir("tests/tmp", 0777);
	if (mkdtemp(root) == NULL) {
		printf("Bail out! no directory under tests/tmp\n");
		return 1;
	}
	dir = xasprintf("%s/books", root);
	mkdir(dir, 0777);
	err_init(&e);
	if (manifest_load(&m, dir, &e) < 0) {
		printf("Bail out! %s\n", e.msg);
		return 1;
	}

	/* a directory of books named by title */
	name_init(&nm, &m, dir, ".epub", "{title}", false);
	path = name_path(&nm, "a b");
	s = xasprintf("%s/a b.epub", dir);
	is_str(path, s, "name_path: the directory, the name, the extension");
	free(s);
	free(path);

	claim(&nm, "1", "Title", "Title", "the first article has the template's name");
	en = manifest_find(&m, "1");
	ok(en && strcmp(en->name, "Title") == 0, "the name is claimed in the manifest");
	claim(&nm, "2", "title", "title-2",
	    "a name another article holds in another case is taken");
	claim(&nm, "3", "Title", "Title-3",
	    "and so is every name before it");
	claim(&nm, "1", "A new title", "Title",
	    "an article the manifest knows keeps its old name");
	touch(dir, "Found.epub");
	claim(&nm, "4", "Found", "Found-2",
	    "a file there that no article of the manifest holds is not written over");
	touch(dir, "5.epub");
	claim(&nm, "5", "5", "5",
	    "a file under the article's own id is its own book");
	name_release(&nm);
	manifest_release(&m);

	/* a manifest read again knows the names claimed */
	err_init(&e);
	ok(manifest_load(&m, dir, &e) == 0 && manifest_find(&m, "2") &&
	    strcmp(manifest_find(&m, "2")->name, "title-2") == 0,
	    "the claims are on disk for the next run");

	/* a library site: its own names are not an article's */
	name_init(&nm, &m, dir, ".html", "{title}", true);
	claim(&nm, "6", "Index", "Index-2",
	    "a site keeps index for itself, in any case");
	claim(&nm, "7", "style", "style-2",
	    "and style");
	name_release(&nm);
	manifest_release(&m);

	/*
	 * A name given in the run is taken even where the manifest does not say
	 * so (one that could not be written): here the namer is handed an empty
	 * manifest of another directory between the two claims.
	 */
	{
		char *one = xasprintf("%s/one", root), *two = xasprintf("%s/two", root);
		struct manifest m1, m2;

		mkdir(one, 0777);
		mkdir(two, 0777);
		err_init(&e);
		manifest_load(&m1, one, &e);
		manifest_load(&m2, two, &e);
		name_init(&nm, &m1, dir, ".md", "{title}", false);
		claim(&nm, "cv8", "Same", "Same",
		    "a new name");
		nm.m = &m2;
		claim(&nm, "cv9", "SAME", "SAME-2",
		    "a name given earlier in the run is taken, whatever the manifest says");
		name_release(&nm);
		name_init(&nm, &m2, dir, ".md", NULL, false);
		claim(&nm, "cv10", "x", "cv10",
		    "no template: the id");
		name_release(&nm);
		manifest_release(&m1);
		manifest_release(&m2);
		free(one);
		free(two);
	}
	{
		char *cmd = xasprintf("rm -rf '%s'", root);

		if (system(cmd) != 0)
			diag("could not remove the scratch directory");
		free(cmd);
	}
	free(dir);
	return done_testing();
}
