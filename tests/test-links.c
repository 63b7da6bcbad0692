/*
 * Unit tests for links.c: the map of the articles archived together, which
 * the renderer asks about every link it writes.  What the map answers (an id
 * given twice keeps its first href, an opus and a 专栏 of the same number are
 * two articles, the maps after it are asked in turn), then its cost at the
 * size of a large library site.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "links.h"
#include "tap.h"

static void
test_answers(void)
{
	struct links l, next;

	links_init(&l);
	links_init(&next);
	ok(links_local(&l, "https://www.bilibili.com/opus/42") == NULL, "an empty map knows no article");
	ok(links_local(NULL, "https://www.bilibili.com/opus/42") == NULL, "no map knows no article");
	links_add(&l, INPUT_OPUS, "42", "opus-42.xhtml");
	links_add(&l, INPUT_OPUS, "42", "other.xhtml");
	is_str(links_local(&l, "https://www.bilibili.com/opus/42"), "opus-42.xhtml",
	    "an id given twice keeps its first href");
	ok(l.n == 1, "and is held once (%zu entries)", l.n);
	is_str(links_local(&l, "https://m.bilibili.com/opus/42"), "opus-42.xhtml",
	    "the mobile address of the same opus");
	ok(links_local(&l, "https://www.bilibili.com/read/cv42") == NULL,
	    "cv42 is not opus 42");
	links_add(&l, INPUT_CV, "42", "cv-42.xhtml");
	is_str(links_local(&l, "https://www.bilibili.com/read/cv42"), "cv-42.xhtml",
	    "an opus and a 专栏 of one number are two articles");
	is_str(links_local(&l, "https://www.bilibili.com/opus/42"), "opus-42.xhtml",
	    "adding the 专栏 leaves the opus where it was");
	links_add(&l, INPUT_OPUS, "", "empty.xhtml");
	links_add(&l, INPUT_OPUS, NULL, "null.xhtml");
	ok(l.n == 2, "an empty or missing id is not added (%zu entries)", l.n);
	ok(links_local(&l, "42") == NULL && links_local(&l, "cv42") == NULL,
	    "a bare id in an href is not an article");

	links_add_article(&l, "cv7", NULL, "seven.xhtml");
	is_str(links_local(&l, "https://www.bilibili.com/read/cv7"), "seven.xhtml",
	    "links_add_article: an article read as cvN is the 专栏 N");
	links_add_article(&l, "1000", "8", "thousand.xhtml");
	ok(links_local(&l, "https://www.bilibili.com/opus/1000") != NULL &&
	    links_local(&l, "https://www.bilibili.com/read/cv8") != NULL &&
	    strcmp(links_local(&l, "https://www.bilibili.com/read/cv8"), "thousand.xhtml") == 0,
	    "links_add_article: an opus with a cv id is found by both");

	links_add(&next, INPUT_OPUS, "42", "library/42.html");
	links_add(&next, INPUT_OPUS, "43", "library/43.html");
	l.next = &next;
	is_str(links_local(&l, "https://www.bilibili.com/opus/42"), "opus-42.xhtml",
	    "a page's own map is asked first");
	is_str(links_local(&l, "https://www.bilibili.com/opus/43"), "library/43.html",
	    "then the map after it");
	ok(links_local(&l, "https://www.bilibili.com/opus/44") == NULL, "an article neither knows");
	links_release(&l);
	links_release(&next);
}

/*
 * A library site adds every page of the library to one map (batch.c), and
 * every add first asks whether the id is there.  links_add once searched the
 * map from the start (a library of 8,000 pages took 5.5 s to add 16
 * articles); the hash index makes an add cost the same at any size.
 *
 * Why this is not flaky: N adds of new ids, N adds of ids already there and
 * N / 7 lookups take about 0.2 s of CPU here on a loaded machine (under 0.5 s
 * with sanitizers).  The budget is 5 s of this process's own CPU time
 * (ITIMER_PROF, so a loaded machine does not count against it), at least 25
 * times what the work needs.  The linear search does N * N / 2 = 2 * 10^10
 * string comparisons for the first N adds alone: minutes, so it cannot come
 * in under 5 s on any machine.  Under valgrind the budget is 250 s.
 */
#define SCALE_N 200000

static void
test_scale(void)
{
	struct links l;
	char id[32], href[48], url[80];
	size_t wrong = 0;
	double t0 = cpu_seconds();

	links_init(&l);
	cpu_budget(5.0, "200,000 articles added twice and looked up");
	for (int i = 0; i < SCALE_N; i++) {
		snprintf(id, sizeof id, "%d", 1000000000 + i);
		snprintf(href, sizeof href, "%d.html", i);
		links_add(&l, i % 2 ? INPUT_CV : INPUT_OPUS, id, href);
	}
	for (int i = 0; i < SCALE_N; i++) {
		snprintf(id, sizeof id, "%d", 1000000000 + i);
		links_add(&l, i % 2 ? INPUT_CV : INPUT_OPUS, id, "again.html");
	}
	for (int i = 0; i < SCALE_N; i += 7) {
		const char *got;

		if (i % 2)
			snprintf(url, sizeof url, "https://www.bilibili.com/read/cv%d", 1000000000 + i);
		else
			snprintf(url, sizeof url, "https://www.bilibili.com/opus/%d", 1000000000 + i);
		snprintf(href, sizeof href, "%d.html", i);
		got = links_local(&l, url);
		if (got == NULL || strcmp(got, href) != 0)
			wrong++;
	}
	cpu_budget_end();
	ok(l.n == SCALE_N && wrong == 0,
	    "200,000 articles added twice, each found at its first href (%zu entries, %zu of every 7th wrong, %.2f s CPU)",
	    l.n, wrong, cpu_seconds() - t0);
	links_release(&l);
}

int
main(void)
{
	test_answers();
	test_scale();
	return done_testing();
}
