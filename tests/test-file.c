/*
 * Unit tests for file.c's registry of temporary files: it grows past any
 * fixed size, forgotten files stay, a stop signal removes the rest through
 * the program's own handler (file_temp_catch_signals), also while the
 * registry is changing and when the signal lands on another thread, and a
 * forked child never removes its parent's files.  Everything is written
 * under tests/tmp in the build tree.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "tap.h"
#include "xalloc.h"

#define MANY 1000

static char root[] = "tests/tmp/file-XXXXXX";

/* Make the directory root/name and return its path; the caller frees it. */
static char *
subdir(const char *name)
{
	char *d = file_join(root, name);

	if (mkdir(d, 0777) < 0) {
		printf("Bail out! cannot create %s: %s\n", d, strerror(errno));
		exit(1);
	}
	return d;
}

/* Create an empty file at path. */
static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd >= 0)
		close(fd);
}

/* Return the number of entries in dir, "." and ".." left out. */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Remove the files in dir, then dir. */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			char *p = file_join(dir, de->d_name);

			unlink(p);
			free(p);
		}
	}
	closedir(d);
	rmdir(dir);
}

static char *
nth(const char *dir, int i)
{
	return xasprintf("%s/f%04d", dir, i);
}

/*
 * 1,000 files (far past the old fixed 256): every tenth forgotten, the rest
 * removed by file_cleanup_temps(); once forgotten, a name is left alone.
 */
static void
test_many(void)
{
	char *dir = subdir("many");
	int gone = 0, kept = 0;

	for (int i = 0; i < MANY; i++) {
		char *p = nth(dir, i);

		touch(p);
		file_temp_register(p);
		free(p);
	}
	for (int i = 0; i < MANY; i += 10) {
		char *p = nth(dir, i);

		file_temp_forget(p);
		free(p);
	}
	file_cleanup_temps();
	for (int i = 0; i < MANY; i++) {
		char *p = nth(dir, i);
		bool there = file_exists(p);

		if (i % 10 == 0)
			kept += there;
		else
			gone += !there;
		free(p);
	}
	ok(gone == MANY - MANY / 10, "file_cleanup_temps removes all %d registered files (%d gone)",
	    MANY - MANY / 10, gone);
	ok(kept == MANY / 10, "the %d forgotten ones stay (%d there)", MANY / 10, kept);

	/* forget the rest (in the order registered: the far end of the list) */
	for (int i = 0; i < MANY; i++) {
		char *p = nth(dir, i);

		if (i % 10 != 0)
			file_temp_forget(p);
		free(p);
	}
	for (int i = 1; i < MANY; i += 10) {
		char *p = nth(dir, i);

		touch(p);
		free(p);
	}
	file_cleanup_temps();
	ok(count_files(dir) == MANY / 10 + MANY / 10,
	    "after file_temp_forget the registry is empty: a new file under a forgotten name stays");
	remove_dir(dir);
	free(dir);
}

/* file_temp_open registers its file; file_temp_commit forgets it. */
static void
test_open_commit(void)
{
	char *dir = subdir("open"), *dst = file_join(dir, "book"), *tmp;
	struct err e;
	int fd, rc;

	err_init(&e);
	fd = file_temp_open(dst, &tmp, &e);
	ok(fd >= 0 && count_files(dir) == 1, "file_temp_open makes one file: %s",
	    e.set ? e.msg : "ok");
	file_cleanup_temps();
	ok(count_files(dir) == 0, "and registers it");
	if (fd >= 0)
		file_temp_commit(fd, tmp, dst, -1, &e);
	fd = file_temp_open(dst, &tmp, &e);
	rc = fd >= 0 ? file_write_all(fd, "x", 1) : -1;
	rc = fd >= 0 ? file_temp_commit(fd, tmp, dst, rc, &e) : -1;
	file_cleanup_temps();
	ok(rc == 0 && file_exists(dst) && count_files(dir) == 1,
	    "file_temp_commit renames it into place and forgets it");
	remove_dir(dir);
	free(dst);
	free(dir);
}

struct child_cfg {
	const char *dir;
	int ready;              /* pipe: one byte once the files are in place */
	int churn;              /* then register and forget for ever */
	int other_thread;       /* the signal is taken on a second thread */
	int sig;                /* which, there */
	long delay_us;          /* and when */
};

/* The second thread: take the signal itself after a while. */
static void *
signal_self_later(void *arg)
{
	const struct child_cfg *c = arg;
	struct timespec ts = { c->delay_us / 1000000, (c->delay_us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
	pthread_kill(pthread_self(), c->sig);
	for (;;)
		pause();
	return NULL;
}

/*
 * The child: the program's handler, 100 registered files, then either
 * pause() or files registered and forgotten without end (each exists only
 * while registered), until the signal comes.  With other_thread a second
 * thread takes the signal while the main thread goes on, holding the stop
 * signals back now and then as epub.c does around zip_close.
 */
static void
child_run(struct child_cfg *c)
{
	sigset_t stop;
	pthread_t th;
	char *p;

	alarm(20);      /* a child the signal did not end fails, not hangs */
	file_temp_catch_signals();
	for (int i = 0; i < 100; i++) {
		p = nth(c->dir, i);
		file_temp_register(p);
		touch(p);
		free(p);
	}
	if (write(c->ready, "x", 1) != 1)
		_exit(3);
	if (c->other_thread && pthread_create(&th, NULL, signal_self_later, c) != 0)
		_exit(3);
	while (!c->churn)
		pause();
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	for (unsigned long n = 0; ; n++) {
		if (c->other_thread && n % 200 == 0)
			pthread_sigmask(n % 400 == 0 ? SIG_BLOCK : SIG_UNBLOCK, &stop, NULL);
		p = xasprintf("%s/churn-%lu", c->dir, n % 5000);
		file_temp_register(p);
		touch(p);
		unlink(p);
		file_temp_forget(p);
		free(p);
	}
}

/*
 * Fork a child writing into dir, wait until its files are there (and then
 * up to delay_us more), send sig; return true when it ended through the
 * handler (status 128 + sig) and left nothing in dir.
 */
static bool
killed_child_leaves_none(const char *dir, int sig, int churn, int other_thread, long delay_us,
    int *left)
{
	struct child_cfg c = { dir, -1, churn, other_thread, sig, delay_us };
	int fds[2], st = 0;
	char x;
	pid_t pid;

	if (pipe(fds) < 0)
		return false;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(fds[0]);
		c.ready = fds[1];
		child_run(&c);
		_exit(3);
	}
	close(fds[1]);
	if (read(fds[0], &x, 1) != 1)
		x = 0;
	close(fds[0]);
	/* (with other_thread the child signals itself) */
	if (!other_thread) {
		struct timespec ts = { delay_us / 1000000, (delay_us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
		kill(pid, sig);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*left = count_files(dir);
	return x == 'x' && WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig && *left == 0;
}

/*
 * file_load(): a regular file is mapped, with exactly its bytes; an empty
 * file is read (nothing to map); too large or a directory is an error.
 * And a mapped file cut short by someone else while it is read ends the
 * run with one line and status 1, its temporary files removed (SIGBUS).
 */
static void
test_load(void)
{
	char *dir = subdir("load"), *p = file_join(dir, "doc.json"), *tmp = NULL;
	char *empty = file_join(dir, "empty"), *book = file_join(dir, "book.epub");
	static const char text[] = "{\"code\":0,\"data\":{}}";
	struct file_bytes b;
	struct err e;
	int fd, st = 0, errfd[2];
	pid_t pid;
	char msg[256] = "";
	ssize_t n;

	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
	close(fd);
	touch(empty);
	err_init(&e);
	ok(file_load(p, 1024, &b, &e) == 0 && b.mapped && b.len == sizeof text - 1 &&
	    memcmp(b.data, text, b.len) == 0, "a regular file is mapped, byte for byte");
	file_bytes_release(&b);
	ok(b.data == NULL && b.len == 0, "released bytes are gone");
	/* a mapped file stays watched: rewritten in place (a new time), what was made from it is not kept */
	{
		struct timespec when[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };

		err_init(&e);
		ok(file_load(p, 1024, &b, &e) == 0 && b.mapped && file_inputs_unchanged(&e) == 0,
		    "mapped and unchanged: nothing to say");
		fd = open(p, O_WRONLY);
		if (fd < 0 || pwrite(fd, "{", 1, 0) != 1 || futimens(fd, when) < 0)
			printf("Bail out! cannot rewrite %s\n", p);
		close(fd);
		ok(file_inputs_unchanged(&e) < 0 && strstr(e.msg, "doc.json") &&
		    strstr(e.msg, "changed while this run read it"), "rewritten in place: %s", e.msg);
		file_bytes_release(&b);
		err_init(&e);
		ok(file_inputs_unchanged(&e) == 0, "released, it is watched no more");
	}
	ok(file_load(empty, 1024, &b, &e) == 0 && !b.mapped && b.len == 0, "an empty file is read");
	file_bytes_release(&b);
	ok(file_load(p, 4, &b, &e) < 0 && strstr(e.msg, "larger than 4 bytes"), "too large: %s", e.msg);
	ok(file_load(dir, 1024, &b, &e) < 0 && strstr(e.msg, "is a directory"), "a directory: %s", e.msg);
	/* a FIFO is read from the one open (opened twice, its writer could meet no reader) */
	{
		char *fifo = file_join(dir, "fifo");

		if (mkfifo(fifo, 0600) == 0) {
			fflush(stdout);
			pid = fork();
			if (pid == 0) {
				int w = open(fifo, O_WRONLY);
				int rc = w >= 0 && write(w, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) ? 0 : 1;

				/* the parent's strings, freed here too: valgrind checks the child's leaks */
				free(fifo);
				free(p);
				free(empty);
				free(book);
				free(dir);
				_exit(rc);
			}
			ok(file_load(fifo, 1024, &b, &e) == 0 && !b.mapped && b.len == sizeof text - 1 &&
			    memcmp(b.data, text, b.len) == 0, "a FIFO is read, not mapped");
			file_bytes_release(&b);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "its writer wrote everything");
			unlink(fifo);
		} else {
			skip("a FIFO is read", "mkfifo failed");
			skip("its writer wrote everything", "mkfifo failed");
		}
		free(fifo);
	}

	/* the file shrinks under the mapping: the child reads past its end */
	if (pipe(errfd) < 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		volatile char c;

		close(errfd[0]);
		dup2(errfd[1], STDERR_FILENO);
		file_temp_catch_signals();
		if (file_load(p, 1024, &b, &e) < 0 || (fd = file_temp_open(book, &tmp, &e)) < 0)
			_exit(3);
		if (truncate(p, 0) < 0)
			_exit(4);
		c = b.data[1];
		(void)c;
		_exit(5);
	}
	close(errfd[1]);
	n = read(errfd[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(errfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(msg, "cut short by another program") &&
	    strchr(msg, '\n') == msg + strlen(msg) - 1,
	    "a mapped file cut short while read: one line, status 1 (%d): %s", st, msg);
	ok(count_files(dir) == 2, "and the run's temporary file is removed (%d files)", count_files(dir));
	unlink(p);
	unlink(empty);
	rmdir(dir);
	free(p);
	free(empty);
	free(book);
	free(dir);
}

static void
test_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	char *dir = subdir("signal");
	int left = 0, bad = 0, runs = 0;

	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		ok(killed_child_leaves_none(dir, sigs[i], 0, 0, 0, &left),
		    "a child killed by %s ends through the handler and leaves none (%d left)",
		    strsignal(sigs[i]), left);
		remove_dir(dir);
		mkdir(dir, 0777);
	}
	/* signals landing anywhere in register/create/remove/forget */
	srand((unsigned)getpid());
	for (int i = 0; i < 20; i++, runs++) {
		if (!killed_child_leaves_none(dir, i % 2 ? SIGINT : SIGTERM, 1, 0,
		    rand() % 20000, &left))
			bad++;
		remove_dir(dir);
		mkdir(dir, 0777);
	}
	ok(bad == 0, "children killed while registering and forgetting leave none (%d of %d did not)",
	    bad, runs);
	bad = 0;
	runs = 0;
	for (int i = 0; i < 20; i++, runs++) {
		if (!killed_child_leaves_none(dir, SIGTERM, 1, 1, rand() % 20000, &left))
			bad++;
		remove_dir(dir);
		mkdir(dir, 0777);
	}
	ok(bad == 0, "likewise when the signal lands on another thread, as on libcurl's resolver "
	    "threads, also while the main thread holds it back (%d of %d did not)", bad, runs);
	remove_dir(dir);
	free(dir);
}

/* A forked child's cleanup, called or by signal, leaves the parent's files. */
static void
test_fork(void)
{
	char *dir = subdir("fork"), *mine = file_join(dir, "parent"), *sub = subdir("fork-child");
	int st = 0, left = 0;
	pid_t pid;

	touch(mine);
	file_temp_register(mine);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		file_cleanup_temps();
		/* (what the parent frees, so that valgrind finds no leak here) */
		free(sub);
		free(mine);
		free(dir);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && file_exists(mine),
	    "file_cleanup_temps in a forked child leaves the parent's file");
	ok(killed_child_leaves_none(sub, SIGTERM, 0, 0, 0, &left) && file_exists(mine),
	    "a forked child killed by a signal removes its own files, not the parent's");
	file_cleanup_temps();
	ok(!file_exists(mine), "the parent's cleanup still removes it");
	file_temp_forget(mine);
	remove_dir(sub);
	remove_dir(dir);
	free(sub);
	free(mine);
	free(dir);
}

/* Set path's modification time to seconds ago. */
static void
age(const char *path, long seconds)
{
	struct timespec t[2];

	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= seconds;
	t[1] = t[0];
	utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

/*
 * Return the temporary name file_temp_name() gives path in a child process
 * that has ended by the time it returns: this machine's name of a dead pid.
 */
static char *
dead_temp_name(const char *path, const char *tag, pid_t *pid)
{
	char buf[4096] = "";
	int fds[2], st;
	ssize_t n;

	if (pipe(fds) < 0)
		return xstrdup("");
	*pid = fork();
	if (*pid == 0) {
		char *t = file_temp_name(path, tag);

		close(fds[0]);
		if (write(fds[1], t, strlen(t)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(*pid, &st, 0);
	return xstrdup(buf);
}

/*
 * The sweep of what dead runs left (issue 18: many hosts share a directory):
 * a regular file of this machine and a dead pid goes; a live pid's file
 * stays; another machine's file (or an older version's ".tmp-PID-" one)
 * stays while it is fresh, whatever its pid, and goes once it is old; a
 * directory or a symbolic link under a dead pid's name stays.
 */
static void
test_sweep(void)
{
	/*
	 * static: each dead_temp_name() forks, and under valgrind the child's exit
	 * would count a name held only in a register as lost
	 */
	static char *dead_file, *dead_dir, *dead_link;
	char *dir = subdir("sweep"), *live_file, *mine;
	char *other_new, *other_old, *legacy_new, *legacy_old, *p, *q;
	pid_t dead;

	file_temp_set_max_age(3600);
	p = file_join(dir, "a.epub");
	dead_file = dead_temp_name(p, "Ab12Cd", &dead);
	free(p);
	p = file_join(dir, "b.epub");
	dead_dir = dead_temp_name(p, "Ab12Cd", &dead);
	free(p);
	p = file_join(dir, "c.epub");
	dead_link = dead_temp_name(p, "zip", &dead);
	free(p);
	/* a live process of this machine: our parent, under this machine's part */
	p = file_join(dir, "d.epub");
	mine = file_temp_name(p, "site");
	q = strrchr(mine, '+');
	*q = '\0';
	live_file = xasprintf("%s+%ld-site", mine, (long)getppid());
	free(p);
	ok(strstr(dead_file, ".a.epub.tmp-") != NULL && strchr(dead_file, '+') != NULL,
	    "a temporary name holds the machine's part and the pid (%s)", strrchr(dead_file, '/'));
	other_new = xasprintf("%s/.e.epub.tmp-otherhost+0badf00d+4026531836+%ld-Ab12Cd", dir,
	    (long)dead);
	other_old = xasprintf("%s/.f.epub.tmp-otherhost+0badf00d+4026531836+%ld-zip", dir,
	    (long)dead);
	legacy_new = xasprintf("%s/.g.epub.tmp-%ld-Ab12Cd", dir, (long)dead);
	legacy_old = xasprintf("%s/.h.epub.tmp-%ld-Ab12Cd", dir, (long)dead);
	touch(dead_file);
	mkdir(dead_dir, 0777);
	touch(live_file);
	touch(other_new);
	touch(other_old);
	touch(legacy_new);
	touch(legacy_old);
	age(other_old, 7200);
	age(legacy_old, 7200);
	if (symlink(strrchr(live_file, '/') + 1, dead_link) < 0)
		diag("cannot make a symbolic link");
	file_sweep_temps(dir);
	ok(!file_exists(dead_file) && file_exists(live_file),
	    "the sweep removes a dead run's file and leaves a live one's");
	ok(file_is_dir(dead_dir) && file_exists(dead_link),
	    "and leaves a directory and a symbolic link under a dead run's names");
	ok(file_exists(other_new) && file_exists(legacy_new),
	    "another host's fresh file stays, though its pid runs nowhere here");
	ok(!file_exists(other_old) && !file_exists(legacy_old),
	    "another host's file older than the age limit goes");
	rmdir(dead_dir);
	remove_dir(dir);
	free(dead_file);
	free(dead_dir);
	free(dead_link);
	free(live_file);
	free(mine);
	free(other_new);
	free(other_old);
	free(legacy_new);
	free(legacy_old);
	free(dir);
}

int
main(void)
{
	plan(31);
	mkdir("tests", 0777);
	mkdir("tests/tmp", 0777);
	if (mkdtemp(root) == NULL) {
		printf("Bail out! cannot create %s: %s\n", root, strerror(errno));
		return 1;
	}
	test_many();
	test_open_commit();
	test_signals();
	test_fork();
	test_sweep();
	test_load();
	remove_dir(root);
	return done_testing();
}
