// SPDX-License-Identifier: GPL-2.0
/*
 * dnotify - directory notification (fcntl F_NOTIFY) keeps working now that
 * the inode's fsnotify mark connector lives in a lazily allocated extension:
 * create, modify, rename and delete in DIR signal the watcher, removing the
 * notification stops the signals, and a one-shot notification fires once.
 *
 *   dnotify DIR      DIR: an empty directory (a fresh tmpfs is fine)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static const char *dir;
static int dir_fd;
static sigset_t notify_set;	/* SIGRTMIN + 1, the F_SETSIG signal */

static void mkpath(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
}

/*
 * Wait up to @ms for the notification signal; true if one for dir_fd came.
 * Signals for other fds are noted and passed over.
 */
static bool got_signal(int ms)
{
	struct timespec end = deadline_after(ms), ts;
	siginfo_t si;
	int left;

	for (;;) {
		left = ms_until(&end);
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		if (sigtimedwait(&notify_set, &si, &ts) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				note("sigtimedwait: %s", strerror(errno));
			return false;
		}
		if (si.si_fd == dir_fd)
			return true;
		note("signal %d for fd %d (want fd %d), passed over",
		     si.si_signo, si.si_fd, dir_fd);
	}
}

/* Throw away pending notification signals of earlier steps. */
static void drain(void)
{
	static const struct timespec zero;

	while (sigtimedwait(&notify_set, NULL, &zero) >= 0)
		;
}

static bool signalled(void)
{
	if (got_signal(EVENT_MS))
		return true;
	note("no signal for fd %d within %d ms", dir_fd, EVENT_MS);
	return false;
}

static bool quiet(void)
{
	if (!got_signal(NO_EVENT_MS))
		return true;
	note("signal for fd %d arrived", dir_fd);
	return false;
}

static bool set_notify(unsigned long mask)
{
	drain();
	if (fcntl(dir_fd, F_NOTIFY, mask) == 0)
		return true;
	note("fcntl(F_NOTIFY, %#lx): %s", mask, strerror(errno));
	return false;
}

/* Each action drains old signals first, so a signal after it is its own. */
static bool create(const char *name)
{
	char path[PATH_MAX];
	int fd;

	drain();
	mkpath(path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		note("create %s: %s", path, strerror(errno));
		return false;
	}
	return close(fd) == 0;
}

static bool modify(const char *name)
{
	char path[PATH_MAX];
	int fd;

	drain();
	mkpath(path, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "x", 1) != 1) {
		note("write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	return close(fd) == 0;
}

static bool move(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	drain();
	mkpath(a, from);
	mkpath(b, to);
	if (rename(a, b) == 0)
		return true;
	note("rename %s %s: %s", a, b, strerror(errno));
	return false;
}

static bool delete(const char *name)
{
	char path[PATH_MAX];

	drain();
	mkpath(path, name);
	if (unlink(path) == 0)
		return true;
	note("unlink %s: %s", path, strerror(errno));
	return false;
}

int main(int argc, char **argv)
{
	const unsigned long all = DN_CREATE | DN_MODIFY | DN_DELETE | DN_RENAME;
	int sig = SIGRTMIN + 1;
	sigset_t block;
	bool ready;

	if (argc != 2 || argv[1][0] == '-' || strlen(argv[1]) > PATH_MAX / 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	tap_start();

	/*
	 * Block SIGIO too: should the kernel fall back to it, the check fails
	 * with a timeout instead of SIGIO killing us.
	 */
	sigemptyset(&notify_set);
	sigaddset(&notify_set, sig);
	block = notify_set;
	sigaddset(&block, SIGIO);
	sigprocmask(SIG_BLOCK, &block, NULL);

	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		note("open %s: %s", dir, strerror(errno));
	ready = dir_fd >= 0 && fcntl(dir_fd, F_SETSIG, sig) == 0;
	if (dir_fd >= 0 && !ready)
		note("fcntl(F_SETSIG): %s", strerror(errno));
	if (!ok(ready, "open DIR, F_SETSIG SIGRTMIN+1"))
		return done("dnotify");

	ok(set_notify(all | DN_MULTISHOT),
	   "F_NOTIFY DN_CREATE|DN_MODIFY|DN_DELETE|DN_RENAME|DN_MULTISHOT");
	ok(create("x") && signalled(), "creating x signals, si_fd is the fd");
	ok(modify("x") && signalled(), "writing x signals");
	ok(move("x", "y") && signalled(), "renaming x to y signals");
	ok(delete("y") && signalled(), "unlinking y signals");

	ok(set_notify(0), "F_NOTIFY 0 removes the notification");
	ok(create("z") && quiet(), "creating z then signals nothing");

	ok(set_notify(DN_CREATE), "F_NOTIFY DN_CREATE, one-shot");
	ok(create("o1") && signalled(), "creating o1 signals");
	ok(create("o2") && quiet(), "creating o2 signals nothing (one-shot)");

	delete("z");
	delete("o1");
	delete("o2");
	close(dir_fd);
	return done("dnotify");
}
