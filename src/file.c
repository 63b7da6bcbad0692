#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "xalloc.h"

/* The rest of the open f (named name in messages) into *out, as file_read(); f is closed unless stdin. */
static int
read_all(FILE *f, const char *name, size_t max, char **out, size_t *len, struct err *e)
{
	char chunk[65536];
	struct buf b;
	size_t got;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (f != stdin) {
		struct stat st;

		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(f);
			return err_set(e, "'%s' is a directory", name);
		}
	}
	buf_init(&b, max);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(&b, chunk, got) < 0) {
			rc = err_set(e, "'%s' is larger than %zu bytes", name, max);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(e, "cannot read '%s': %s", name, strerror(errno));
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		buf_release(&b);
		return rc;
	}
	*out = buf_detach(&b, len);
	return 0;
}

int
file_read(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return err_set(e, "cannot open '%s': %s", name, strerror(errno));
	return read_all(f, name, max, out, len, e);
}

/* The mapped inputs watched (file_load); an entry is free again when its bytes are released. */
struct watch {
	int fd;
	off_t size;
	struct timespec mtime;
	char *path;
	bool used;
};
static struct watch *watches;
static size_t nwatches, watches_cap;

static size_t
watch_add(int fd, const struct stat *st, const char *path)
{
	size_t i;

	for (i = 0; i < nwatches && watches[i].used; i++)
		;
	if (i == nwatches) {
		XGROW(watches, watches_cap, nwatches + 1);
		nwatches++;
	}
	watches[i].fd = fd;
	watches[i].size = st->st_size;
	watches[i].mtime = st->st_mtim;
	watches[i].path = xstrdup(path);
	watches[i].used = true;
	return i + 1;
}

int
file_inputs_unchanged(struct err *e)
{
	for (size_t i = 0; i < nwatches; i++) {
		struct stat st;

		if (!watches[i].used)
			continue;
		if (fstat(watches[i].fd, &st) < 0 || st.st_size != watches[i].size ||
		    st.st_mtim.tv_sec != watches[i].mtime.tv_sec ||
		    st.st_mtim.tv_nsec != watches[i].mtime.tv_nsec)
			return err_set(e, "'%s' changed while this run read it (another program wrote to "
			    "it): nothing made from it is kept", watches[i].path);
	}
	return 0;
}

int
file_load(const char *path, size_t max, struct file_bytes *b, struct err *e)
{
	struct stat st;
	FILE *f;
	void *p;
	int fd;

	memset(b, 0, sizeof *b);
	if (strcmp(path, "-") == 0)
		return file_read(path, max, &b->data, &b->len, e);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uintmax_t)st.st_size > max) {
			close(fd);
			return err_set(e, "'%s' is larger than %zu bytes", path, max);
		}
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			/* fd stays open: file_inputs_unchanged() asks it */
			b->data = p;
			b->len = (size_t)st.st_size;
			b->mapped = true;
			b->watch = watch_add(fd, &st, path);
			return 0;
		}
	}
	/* a pipe or FIFO (read from this open, not opened again), an empty file, or no mapping */
	if ((f = fdopen(fd, "rb")) == NULL) {
		int saved = errno;

		close(fd);
		return err_set(e, "cannot read '%s': %s", path, strerror(saved));
	}
	return read_all(f, path, max, &b->data, &b->len, e);
}

struct file_bytes
file_bytes_of(char *data, size_t len)
{
	struct file_bytes b = { data, len, false, 0 };

	return b;
}

void
file_bytes_release(struct file_bytes *b)
{
	if (b->mapped)
		munmap(b->data, b->len);
	else
		free(b->data);
	if (b->watch > 0 && b->watch <= nwatches) {
		struct watch *w = &watches[b->watch - 1];

		close(w->fd);
		free(w->path);
		w->used = false;
	}
	memset(b, 0, sizeof *b);
}

int
file_mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = err_set(e, "cannot create directory '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (rc == 0 && !file_is_dir(dir))
		rc = err_set(e, "'%s' exists and is not a directory", dir);
	free(p);
	return rc;
}

/*
 * The registry of temporary files in flight, after git's tempfile.c: a list
 * of records that a signal handler may walk at any moment.  The program's
 * handler (below) walks it on the main thread, but a signal may land on any
 * thread that does not block it (libcurl's threaded resolver runs threads),
 * and file_cleanup_temps() stays safe there too.  So:
 *
 * - only the main thread changes the list; a handler only reads it and
 *   calls unlink();
 * - a record is built whole (path copied, owner set) before the one store
 *   that links it in at the head;
 * - a record is marked inactive, then taken out with one store (into the
 *   head or the previous record's next), and only then freed, and not even
 *   then while a handler is walking (cleaners > 0): a walk that began
 *   before the record was taken out may still be reading it;
 * - the links, flags and the count are lock-free atomics, which are both
 *   async-signal-safe and safe between threads (volatile alone is only the
 *   former).
 *
 * A record belongs to the process that made it (owner): a forked child
 * inherits the list but never removes its parent's files.
 */
struct temp {
	struct temp *_Atomic next;
	atomic_int active;              /* 0 once forgotten */
	pid_t owner;                    /* set before linking in; never changes */
	char *path;                     /* set before linking in; freed after taking out */
};

_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
    "the temporary-file registry needs lock-free atomics to be read in a signal handler");

static struct temp *_Atomic temps;
/* Signal handlers walking the list right now. */
static atomic_int cleaners;

void
file_temp_register(const char *path)
{
	struct temp *t = xmalloc(sizeof *t);

	t->path = xstrdup(path);
	t->owner = getpid();
	atomic_init(&t->active, 1);
	atomic_init(&t->next, atomic_load(&temps));
	/* published whole: a handler sees the old head or this complete record */
	atomic_store(&temps, t);
}

void
file_temp_forget(const char *path)
{
	struct temp *_Atomic *link = &temps;
	struct temp *t;
	pid_t me = getpid();

	for (t = atomic_load(link); t != NULL; link = &t->next, t = atomic_load(link)) {
		if (t->owner == me && atomic_load(&t->active) && strcmp(t->path, path) == 0)
			break;
	}
	if (t == NULL)
		return;
	atomic_store(&t->active, 0);
	atomic_store(link, atomic_load(&t->next));
	/*
	 * Out of the list: a walk that starts from now on cannot reach t.  One
	 * that started before has counted itself in cleaners first, and then t
	 * is left to the process's end, which that handler is bringing on.
	 */
	if (atomic_load(&cleaners) > 0)
		return;
	free(t->path);
	free(t);
}

void
file_cleanup_temps(void)
{
	pid_t me = getpid();

	/* async-signal-safe: lock-free atomics, getpid() and unlink() only */
	atomic_fetch_add(&cleaners, 1);
	for (struct temp *t = atomic_load(&temps); t != NULL; t = atomic_load(&t->next)) {
		if (t->owner == me && atomic_load(&t->active))
			unlink(t->path);
	}
	atomic_fetch_sub(&cleaners, 1);
}

/* The thread that installed the handler: the one that changes the registry. */
static pthread_t main_thread;

static void
on_stop_signal(int sig)
{
	/*
	 * A signal taken on another thread (a libcurl resolver thread) goes on
	 * to the main thread: there it waits while epub.c holds the stop
	 * signals back, and the cleanup cannot race with the main thread
	 * making a new temporary file.  pthread_self() and pthread_kill() are
	 * async-signal-safe (pthread_equal() only compares).
	 */
	if (!pthread_equal(pthread_self(), main_thread)) {
		int saved = errno;

		pthread_kill(main_thread, sig);
		errno = saved;
		return;
	}
	file_cleanup_temps();
	_exit(128 + sig);
}

/*
 * SIGBUS: a file mapped by file_load() was cut short by another program
 * while it was read (a --from-json file rewritten in place).  Said in one
 * line, and the run ends as after a stop signal, with no half-written book
 * (what it finished before stays).  Any other SIGBUS would say the same:
 * on Linux one comes from a mapped file, and this program maps no other.
 */
static void
on_bus_error(int sig)
{
	static const char msg[] = "opus-archive: a file this run was reading was cut short by "
	    "another program; the run stops here\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);

	(void)w;
	(void)sig;
	file_cleanup_temps();
	_exit(1);
}

void
file_temp_catch_signals(void)
{
	struct sigaction sa;

	main_thread = pthread_self();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	/* a second stop signal waits: the first one ends the process */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_bus_error;
	sigaction(SIGBUS, &sa, NULL);
}

int
file_temp_open(const char *path, char **tmp, struct err *e)
{
	char *dir = file_dirname(path);
	int fd;

	file_sweep_temps(dir);
	free(dir);
	*tmp = file_temp_name(path, "XXXXXX");
	fd = mkstemp(*tmp);
	if (fd < 0) {
		err_set(e, "cannot create a temporary file for '%s': %s", path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	/* mkstemp makes 0600; a book should get the usual permissions */
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	file_temp_register(*tmp);
	return fd;
}

int
file_temp_commit(int fd, char *tmp, const char *path, int rc, struct err *e)
{
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = err_set(e, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	file_temp_forget(tmp);
	free(tmp);
	return rc;
}

void
file_temp_discard(int fd, char *tmp)
{
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	file_temp_forget(tmp);
	free(tmp);
}

int
file_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *p, size_t n, bool mkdirs, struct err *e)
{
	char *tmp;
	int fd, rc = 0;

	if (mkdirs) {
		char *dir = file_dirname(path);

		rc = file_mkdirs(dir, e);
		free(dir);
		if (rc < 0)
			return rc;
	}
	fd = file_temp_open(path, &tmp, e);
	if (fd < 0)
		return -1;
	if (file_write_all(fd, p, n) < 0)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	return file_temp_commit(fd, tmp, path, rc, e);
}

int
file_copy_atomic(const char *src, const char *dst, struct err *e)
{
	char chunk[65536], *tmp;
	int in, fd, rc = 0;
	ssize_t got;

	in = open(src, O_RDONLY);
	if (in < 0)
		return err_set(e, "cannot open '%s': %s", src, strerror(errno));
	fd = file_temp_open(dst, &tmp, e);
	if (fd < 0) {
		close(in);
		return -1;
	}
	while ((got = read(in, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(e, "cannot read '%s': %s", src, strerror(errno));
			break;
		}
		if (file_write_all(fd, chunk, (size_t)got) < 0) {
			rc = err_set(e, "cannot write '%s': %s", dst, strerror(errno));
			break;
		}
	}
	close(in);
	return file_temp_commit(fd, tmp, dst, rc, e);
}

const char *
file_host_name(void)
{
	static char clean[33];
	char host[256] = "";
	size_t n = 0;

	if (clean[0])
		return clean;
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	for (const char *p = host; *p && *p != '.' && n < sizeof clean - 1; p++)
		if (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
			clean[n++] = *p;
	if (n == 0)
		snprintf(clean, sizeof clean, "host");
	return clean;
}

/*
 * This machine's part of temporary names: file_host_name(), the first 8 hex
 * digits of the kernel's boot id, and the inode of this process's pid
 * namespace, joined by '+'.  A process id means something only where all
 * three are the same: another host, another boot, or another container with
 * its own pid numbers (a Kubernetes pod on the host's network has the host's
 * name) make the same numbers mean other processes.  Made once.
 */
static const char *
machine_token(void)
{
	static char token[80];
	char boot[64] = "", ns[64] = "";
	FILE *f;
	ssize_t len;
	const char *p;

	if (token[0])
		return token;
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (fgets(boot, sizeof boot, f) == NULL)
			boot[0] = '\0';
		fclose(f);
	}
	boot[strspn(boot, "0123456789abcdef")] = '\0';
	boot[8] = '\0';
	len = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
	ns[len > 0 ? len : 0] = '\0';
	p = strchr(ns, '[');
	snprintf(token, sizeof token, "%s+%s+%lu", file_host_name(), boot[0] ? boot : "0",
	    p ? strtoul(p + 1, NULL, 10) : 0UL);
	return token;
}

/*
 * The most of a file's name a temporary name repeats: with ".", ".tmp-", the
 * machine part (at most 52), "+", the pid and "-zip.XXXXXX" it stays within
 * the 255 bytes a name may have.  Names the program makes (name.c) are
 * shorter, so only a long name given with -o is cut.
 */
#define TEMP_BASE_MAX 176

char *
file_temp_name(const char *path, const char *tag)
{
	char *dir = file_dirname(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);
	char *t;

	if (n > TEMP_BASE_MAX) {
		/* cut at a UTF-8 character boundary */
		n = TEMP_BASE_MAX;
		while (n > 0 && ((unsigned char)base[n] & 0xc0) == 0x80)
			n--;
	}
	t = xasprintf("%s/.%.*s.tmp-%s+%ld-%s", dir, (int)n, base, machine_token(), (long)getpid(),
	    tag);

	free(dir);
	return t;
}

/* Is s exactly six characters mkstemp() could have made? */
static bool
mkstemp_suffix(const char *s)
{
	size_t n = 0;

	while (n < 7 && (isalnum((unsigned char)s[n])))
		n++;
	return n == 6 && s[6] == '\0';
}

/*
 * Temporary files older than this (seconds of mtime) are taken as left
 * behind, whoever made them: a live writer writes on, and a transfer ends
 * (--timeout) well within it.
 */
static long temp_max_age = 6 * 3600;

void
file_temp_set_max_age(long seconds)
{
	temp_max_age = seconds > 60 ? seconds : 60;
}

enum temp_kind {
	TEMP_NONE,              /* not a temporary name made here: never touched */
	TEMP_HERE,              /* made on this machine (same host, boot and pid numbers) */
	TEMP_ELSEWHERE,         /* made on another machine, or by an older version */
};

/*
 * Read a name made by file_temp_name(): ".NAME.tmp-" then the machine part
 * and "+PID" (or, from older versions, only "PID"), then "-" and mkstemp's
 * six characters, or "site", or "zip" with or without libzip's ".XXXXXX".
 * Anything else (a user's own ".x.tmp-1-y") is TEMP_NONE.  *pid is the
 * process id of a TEMP_HERE name.
 */
static enum temp_kind
temp_kind(const char *name, long *pid)
{
	const char *p = name, *t, *dash, *plus;
	size_t len;

	*pid = 0;
	if (name[0] != '.')
		return TEMP_NONE;
	/* the last ".tmp-" (NAME itself may hold one) */
	for (t = NULL; (p = strstr(p, ".tmp-")) != NULL; p++)
		t = p;
	if (t == NULL)
		return TEMP_NONE;
	t += 5;
	dash = strrchr(t, '-');
	if (dash == NULL || !(mkstemp_suffix(dash + 1) || strcmp(dash + 1, "site") == 0 ||
	    strcmp(dash + 1, "zip") == 0 || (strncmp(dash + 1, "zip.", 4) == 0 &&
	    mkstemp_suffix(dash + 5))))
		return TEMP_NONE;
	/* the process id: digits just before the dash */
	for (p = dash; p > t && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	if (p == dash || dash - p > 9)
		return TEMP_NONE;
	if (p == t)
		return TEMP_ELSEWHERE;          /* ".tmp-PID-": an older version's */
	plus = p - 1;
	if (*plus != '+')
		return TEMP_NONE;
	len = strlen(machine_token());
	if ((size_t)(plus - t) != len || strncmp(t, machine_token(), len) != 0)
		return TEMP_ELSEWHERE;
	*pid = strtol(p, NULL, 10);
	return TEMP_HERE;
}

/*
 * Remove what dead runs left in dir: regular files only (a directory or a
 * symbolic link under such a name is none of ours), named relative to the
 * directory opened, so that a path component renamed or replaced during the
 * sweep cannot send the unlink to another directory.  A file made on this
 * machine goes when its process is gone; any goes when it is older than
 * temp_max_age.  A process id is never looked up for another machine's file:
 * the number names some other process here, or none, while its writer runs on
 * (workers on many hosts share the directory over NFS).
 */
static void
sweep_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		long pid;
		enum temp_kind k = temp_kind(de->d_name, &pid);
		bool dead;

		if (k == TEMP_NONE || (k == TEMP_HERE && pid == (long)getpid()))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* a live owner (or one we may not signal) is still writing it */
		dead = k == TEMP_HERE && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
		if (dead || now - st.st_mtime > temp_max_age)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/*
 * The directories swept in this process: each is swept once, the first time
 * something is written there, so a directory a run only reads (a cache it
 * renders from) is never listed.  Kept for the life of the process (the
 * program is single-threaded).
 */
static char **swept;
static size_t nswept, swept_cap;

void
file_sweep_temps(const char *dir)
{
	for (size_t i = 0; i < nswept; i++)
		if (strcmp(swept[i], dir) == 0)
			return;
	sweep_dir(dir);
	XGROW(swept, swept_cap, nswept + 1);
	swept[nswept++] = xstrdup(dir);
}

int
file_lock(int fd, bool lock)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = lock ? F_WRLCK : F_UNLCK;
	fl.l_whence = SEEK_SET;
	/* the whole file; waits for the holder, and goes on waiting after a signal */
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

bool
file_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *
file_join(const char *dir, const char *name)
{
	if (dir == NULL || *dir == '\0')
		return xstrdup(name);
	if (dir[strlen(dir) - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

char *
file_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}
