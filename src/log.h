/*
 * log: what the program tells the user on stderr besides the final error.
 *
 * Warnings are things the user should know that did not stop the job (a
 * picture missing, an unknown paragraph type).  They are printed as they
 * happen, "opus-archive: warning: ...", unless -q, and counted.  Info lines
 * appear with -v only.
 */
#ifndef OA_LOG_H
#define OA_LOG_H

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };

void log_set_level(enum log_level l);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of a batch's running account (an article done, the summary): shown unless -q. */
void log_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Show a one-line progress display on the terminal (the caller checks that
 * stderr is one), replacing the previous one; messages printed meanwhile
 * clear it first.  log_progress_end() removes it.
 */
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_progress_end(void);
/* End the progress line with a newline, so its last state stays on the terminal. */
void log_progress_keep(void);
/* The error line main prints once: "opus-archive: <msg>". Shown even with -q. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Return how many warnings have been issued so far, shown or not (-q).  The
 * program's own verdicts come from results, not from this count; the unit
 * tests read it to see that a case warns.
 */
unsigned log_warnings(void);

#endif
