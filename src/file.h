/*
 * file: reading whole files and writing them so that they appear whole or not
 * at all (a temporary name in the target directory, then rename()).
 */
#ifndef OA_FILE_H
#define OA_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/*
 * Read the whole file at path ("-" is standard input) into a NUL-terminated
 * buffer the caller frees; more than max bytes is an error.
 */
int file_read(const char *path, size_t max, char **out, size_t *len, struct err *e);

/*
 * Bytes kept for reading: a file's mapping, or a malloc'd buffer.  Moved by
 * value (the giver forgets them) and released once, by file_bytes_release.
 */
struct file_bytes {
	char *data;     /* NULL when there are none; not NUL-terminated when mapped */
	size_t len;
	bool mapped;    /* munmap, not free */
	size_t watch;   /* mapped: its entry in file.c's list of inputs watched, plus 1 */
};

/*
 * The file at path as file_read() reads it, but mapped when it is a regular
 * file: its pages then come from the page cache, where read() copies them
 * into memory the process touches for the first time, which is most of what
 * reading an 800 KB response costs (6 ms against 0.7).  Standard input, a
 * pipe or an empty file is read.
 *
 * A mapping shows what is written to the file later, where read() took a
 * copy once.  The cache is written by rename, so a cached file never
 * changes under its mapping; a --from-json file might.  So every mapped
 * file stays watched (its size and modification time, through its open
 * descriptor) until it is released, and a book, site or document is
 * committed only when file_inputs_unchanged() says none changed.  A file
 * cut short below a page the run reads ends the run with SIGBUS, which
 * file_temp_catch_signals() turns into a one-line error and exit status 1,
 * with the temporary files removed.
 */
int file_load(const char *path, size_t max, struct file_bytes *b, struct err *e);
/*
 * 0 when no file mapped by file_load() and not yet released has changed
 * since (size or modification time), else -1 with e naming it: what was
 * made from it may mix its old bytes and new ones, and is not to be kept.
 */
int file_inputs_unchanged(struct err *e);
/* data (malloc'd, len bytes) as file bytes: they take it. */
struct file_bytes file_bytes_of(char *data, size_t len);
void file_bytes_release(struct file_bytes *b);
/* Make dir and its parents (like mkdir -p). */
int file_mkdirs(const char *dir, struct err *e);
/* Write n bytes at path atomically; with mkdirs, make the parent directories first. */
int file_write_atomic(const char *path, const void *p, size_t n, bool mkdirs, struct err *e);
/*
 * Copy the file src to dst atomically (used for pictures going into a folder
 * site), streaming: the file is never held in memory whole.
 */
int file_copy_atomic(const char *src, const char *dst, struct err *e);
/*
 * Take (lock true, waiting for other processes) or drop an fcntl() write
 * lock on the whole open file fd; -1 with errno when the file system has no
 * locks.  fcntl() locks belong to the process: closing any descriptor of the
 * file drops them, and NFS carries them between hosts.
 */
int file_lock(int fd, bool lock);
/* Return true when path names an existing directory. */
bool file_is_dir(const char *path);
bool file_exists(const char *path);
/* Return a newly allocated "dir/name" (or just name when dir is "" or NULL). */
char *file_join(const char *dir, const char *name);
/* Return the directory part of path ("." when it has none); caller frees. */
char *file_dirname(const char *path);

/*
 * Open a new temporary file beside path (same directory, so rename() is
 * atomic), registered for cleanup; return its fd, and its name in *tmp.
 */
int file_temp_open(const char *path, char **tmp, struct err *e);
/*
 * Close fd; when rc is 0, rename tmp to path, else remove tmp.  Frees tmp.
 * Return rc, or -1 when closing or renaming failed.
 */
int file_temp_commit(int fd, char *tmp, const char *path, int rc, struct err *e);
/*
 * Give up the temporary file tmp (from file_temp_open()): close fd unless it
 * is -1, remove tmp and stop recording it.  Frees tmp.
 */
void file_temp_discard(int fd, char *tmp);
/* Write all n bytes to fd, going on after EINTR; -1 with errno on failure. */
int file_write_all(int fd, const void *p, size_t n);

/*
 * Temporary files in flight, removed by file_cleanup_temps() when a stop
 * signal ends the run (file_temp_catch_signals() installs the handler).
 * file_temp_open() registers its file, file_temp_commit() forgets it; the
 * packers register their own temporary files around their work.  The
 * registry grows without limit, and each record belongs to the process that
 * made it: a forked child never removes its parent's files.  Only one
 * thread (the main one) may register and forget; a handler on any thread
 * may walk it.
 */
/*
 * Record path (copied: the caller keeps its string) as a temporary file of
 * this process, to be removed at a stop signal until file_temp_forget(path).
 */
void file_temp_register(const char *path);
/*
 * Stop recording path, registered by this process (the one registered last,
 * if it was registered more than once); the file itself is not touched.
 * Call it after renaming or removing the file.  An unknown path is ignored.
 */
void file_temp_forget(const char *path);
/*
 * Remove (unlink) every file this process registered and has not forgotten.
 * Async-signal-safe and safe against the main thread changing the registry;
 * the registry itself is left as it is.
 */
void file_cleanup_temps(void);
/*
 * Install the handler of the stop signals (SIGINT, SIGTERM, SIGHUP; epub.c
 * holds back the same set around zip_close), from the main thread before any
 * other thread starts: it calls file_cleanup_temps() and ends the process
 * with _exit(128 + the signal number).  A stop signal taken on another
 * thread is passed on to the main thread and handled there (or held back
 * there, as epub.c does).
 */
void file_temp_catch_signals(void);
/*
 * Return the temporary name to write path under, beside it:
 * ".NAME.tmp-HOST+BOOT+PIDNS+PID-tag", where HOST is this host's name (its
 * first label, letters, digits, '-' and '_'), BOOT the first 8 hex digits of
 * the kernel's boot id, PIDNS the inode of the pid namespace and PID the
 * process id: unique among the runs of many hosts that share a directory
 * (file_temp_open() adds mkstemp's random tag), and telling the sweep whose
 * file it is.  The caller frees it.
 */
char *file_temp_name(const char *path, const char *tag);
/*
 * Remove the temporary files in dir that runs which no longer exist left
 * behind (SIGKILL, a crash, a power cut), the first time this process asks
 * for dir; later calls for it do nothing.  A file of this machine goes when
 * its process is gone; any file, this machine's or another's, when its last
 * change is older than the age set by file_temp_set_max_age() (default 6
 * hours).  Every temporary file made by file_temp_open() asks for its
 * directory.
 */
void file_sweep_temps(const char *dir);
/*
 * Return this host's name as it goes into file names: the letters, digits,
 * '-' and '_' of its first label, at most 32 ("host" when none).  Static
 * storage.
 */
const char *file_host_name(void);
/* Set the age (seconds, at least 60) past which any temporary file is swept. */
void file_temp_set_max_age(long seconds);

#endif
