/*
 * tap.h: a tiny Test Anything Protocol producer for the C unit tests, read by
 * automake's tap-driver.sh.  ok() prints one result line; done_testing()
 * returns the exit status (non-zero when anything failed or the plan was off).
 */
#ifndef OA_TAP_H
#define OA_TAP_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

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

/* A test that cannot run here: counted as passed, marked SKIP with the reason. */
static void __attribute__((unused))
skip(const char *what, const char *why)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, what, why);
	fflush(stdout);
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

/* A diagnostic line made from a format (one line: no newline in it). */
static void __attribute__((unused, format(printf, 1, 2)))
diagf(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
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

/*
 * A CPU-time budget for work whose cost is the test: cpu_budget(sec, name)
 * arms a profiling timer (ITIMER_PROF counts this process's own CPU time,
 * user and system, so other work on the machine does not eat into it); when
 * the work runs over, the handler prints "not ok N - name: ..." and exits 1
 * at once, so a quadratic regression fails in sec seconds instead of running
 * for minutes.  cpu_budget_end() disarms it.  Under valgrind
 * (OA_VALGRIND=yes, which slows code about 50x) the budget is 50 times sec.
 */
static char tap_budget_msg[512];

static void
tap_budget_hit(int sig)
{
	ssize_t w;

	(void)sig;
	w = write(STDOUT_FILENO, tap_budget_msg, strlen(tap_budget_msg));
	(void)w;
	_exit(1);
}

static void __attribute__((unused))
cpu_budget(double sec, const char *name)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	const char *vg = getenv("OA_VALGRIND");

	if (vg && strcmp(vg, "yes") == 0)
		sec *= 50;
	snprintf(tap_budget_msg, sizeof tap_budget_msg,
	    "not ok %d - %s: over its budget of %g s of CPU time\n", tap_n + 1, name, sec);
	signal(SIGPROF, tap_budget_hit);
	it.it_value.tv_sec = (time_t)sec;
	it.it_value.tv_usec = (suseconds_t)((sec - (double)(time_t)sec) * 1e6);
	setitimer(ITIMER_PROF, &it, NULL);
}

static void __attribute__((unused))
cpu_budget_end(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_PROF, &it, NULL);
}

/* Return the CPU time (user and system) this process has used, in seconds. */
static double __attribute__((unused))
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
