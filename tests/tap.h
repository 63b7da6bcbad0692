/*
 * tap.h: a tiny Test Anything Protocol producer for the C unit tests, read by
 * automake's tap-driver.sh.  ok() prints one result line; done_testing()
 * returns the exit status (non-zero when anything failed or the plan was off).
 */
#ifndef OA_TAP_H
#define OA_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_planned = -1;

static void __attribute__((unused))
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static int __attribute__((unused, format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

/* Compare strings; on a difference print both as TAP diagnostics. */
#define is_str(got, want, ...) tap_is_str((got), (want), __VA_ARGS__)
static int __attribute__((unused, format(printf, 3, 4)))
tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	int same = (got == NULL && want == NULL) ||
	    (got && want && strcmp(got, want) == 0);

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	ok(same, "%s", name);
	if (!same)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static void __attribute__((unused))
diag(const char *s)
{
	printf("# %s\n", s);
}

static int __attribute__((unused))
done_testing(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_n);
		tap_planned = tap_n;
	}
	if (tap_n != tap_planned) {
		printf("# planned %d tests but ran %d\n", tap_planned, tap_n);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
