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
/* Make dir and its parents (like mkdir -p). */
int file_mkdirs(const char *dir, struct err *e);
/* Write n bytes at path atomically; with mkdirs, make the parent directories first. */
int file_write_atomic(const char *path, const void *p, size_t n, bool mkdirs, struct err *e);
/*
 * Copy the file src to dst atomically (used for pictures going into a folder
 * site), streaming: the file is never held in memory whole.
 */
int file_copy_atomic(const char *src, const char *dst, struct err *e);
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
/* Write all n bytes to fd, going on after EINTR; -1 with errno on failure. */
int file_write_all(int fd, const void *p, size_t n);

/*
 * Temporary files in flight, removed by file_cleanup_temps() when a signal
 * ends the run (main installs the handler).  Registered by the functions above
 * and by the packers around their own temporary files.
 */
void file_temp_register(const char *path);
void file_temp_forget(const char *path);
void file_cleanup_temps(void);
/*
 * Return the temporary name to write path under: ".NAME.tmp-PID-tag" beside
 * it, so that what a killed run leaves behind can be told from what a live
 * one is writing.  The caller frees it.
 */
char *file_temp_name(const char *path, const char *tag);
/*
 * Remove the temporary files in dir that a run which no longer exists left
 * behind (SIGKILL, a crash, a power cut), the first time this process asks
 * for dir; later calls for it do nothing.  Every temporary file made by
 * file_temp_open() asks for its directory.
 */
void file_sweep_temps(const char *dir);

#endif
