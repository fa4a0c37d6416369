// SPDX-License-Identifier: GPL-2.0
/*
 * file-locks - POSIX, OFD and flock locks and leases keep working with
 * contention between processes and open files, now that the inode's lock
 * context lives in a lazily allocated extension: conflicting requests
 * fail or wait, F_GETLK and F_OFD_GETLK name the holder, close() drops a
 * process's POSIX locks, a blocked waiter gets the lock once it is
 * released, and opening a leased file for writing breaks the lease.
 *
 *   file-locks DIR      DIR: a directory on the filesystem to test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static char path[PATH_MAX];

static int open_file(int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		note("open %s: %s", path, strerror(errno));
	return fd;
}

static int posix_lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len,
	};

	return fcntl(fd, cmd, &fl);
}

/* The lock that would block a write lock on [start, start + len), or -1. */
static int getlk(int fd, int cmd, off_t start, off_t len, struct flock *fl)
{
	*fl = (struct flock){
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len,
	};
	if (fcntl(fd, cmd, fl) < 0) {
		note("fcntl getlk: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A child process that opens the file and takes a blocking lock of @kind,
 * writing one byte to the returned pipe once it holds it, then keeps it
 * until killed.  Returns the read end; *pid is the child.
 */
enum waiter_kind { WAIT_POSIX, WAIT_FLOCK };

static int start_waiter(enum waiter_kind kind, pid_t *pid)
{
	int p[2], fd, rc;

	if (pipe(p) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		/* Inherited files would keep the parent's flock locks alive. */
		for (fd = 3; fd < 64; fd++)
			if (fd != p[1])
				close(fd);
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(2);
		if (kind == WAIT_POSIX)
			rc = posix_lock(fd, F_SETLKW, F_WRLCK, 0, 0);
		else
			rc = flock(fd, LOCK_EX);
		if (rc == 0 && write(p[1], "L", 1) == 1)
			pause();
		_exit(3);
	}
	close(p[1]);
	return p[0];
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Run @fn in a child process; its return value is the exit status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Child: 0 if a write lock on [50, 60) is refused with EAGAIN. */
static int child_conflicts(void)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 2;
	if (posix_lock(fd, F_SETLK, F_WRLCK, 50, 10) == 0)
		return 1;
	return errno == EAGAIN || errno == EACCES ? 0 : 3;
}

/* Child: 0 if F_GETLK names the parent as holder of [0, 100). */
static int child_sees_holder(void)
{
	struct flock fl;
	int fd = open(path, O_RDWR);

	if (fd < 0 || getlk(fd, F_GETLK, 50, 10, &fl) < 0)
		return 2;
	return fl.l_type == F_WRLCK && fl.l_pid == getppid() &&
	       fl.l_start == 0 && fl.l_len == 100 ? 0 : 1;
}

/* Child: 0 if a write lock outside [0, 100) is granted at once. */
static int child_locks_elsewhere(void)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 2;
	return posix_lock(fd, F_SETLK, F_WRLCK, 200, 100) == 0 ? 0 : 1;
}

/* Child: 0 if a write lock on the whole file is granted at once. */
static int child_locks_all(void)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 2;
	return posix_lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 1;
}

/* Child: 0 if a non-blocking exclusive flock is refused. */
static int child_flock_refused(void)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 2;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	return errno == EWOULDBLOCK ? 0 : 3;
}

/* Wait for the waiter's byte: true if it came within @ms. */
static bool waiter_got_lock(int rfd, int ms)
{
	struct timespec end = deadline_after(ms);
	char c;

	return wait_readable(rfd, &end) > 0 && read(rfd, &c, 1) == 1;
}

static void test_posix(void)
{
	int fd = open_file(O_RDWR), fd2, rfd;
	pid_t waiter;

	if (fd < 0) {
		ok(false, "posix: open");
		return;
	}
	ok(posix_lock(fd, F_SETLK, F_WRLCK, 0, 100) == 0,
	   "posix: write lock on bytes 0-99");
	ok(in_child(child_conflicts) == 0,
	   "posix: another process's overlapping write lock is refused");
	ok(in_child(child_sees_holder) == 0,
	   "posix: F_GETLK in another process names this process as holder");
	ok(in_child(child_locks_elsewhere) == 0,
	   "posix: another process locks bytes 200-299 at once");

	rfd = start_waiter(WAIT_POSIX, &waiter);
	ok(rfd >= 0 && !waiter_got_lock(rfd, NO_EVENT_MS),
	   "posix: F_SETLKW in another process waits while the lock is held");
	ok(posix_lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0, "posix: unlock");
	ok(rfd >= 0 && waiter_got_lock(rfd, EVENT_MS),
	   "posix: the waiter gets the lock once it is released");
	stop_child(waiter);
	close(rfd);

	/* close() of any fd of the file drops the process's POSIX locks. */
	ok(posix_lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "posix: lock again");
	fd2 = open_file(O_RDONLY);
	ok(in_child(child_locks_all) == 1,
	   "posix: held again, another process cannot lock");
	close(fd2);
	ok(in_child(child_locks_all) == 0,
	   "posix: closing another fd of the file released the lock");
	close(fd);
}

static void test_ofd(void)
{
	int fd1 = open_file(O_RDWR), fd2 = open_file(O_RDWR);
	struct flock fl;

	if (fd1 < 0 || fd2 < 0) {
		ok(false, "ofd: open twice");
		return;
	}
	ok(posix_lock(fd1, F_OFD_SETLK, F_WRLCK, 0, 0) == 0,
	   "ofd: write lock through the first open file");
	ok(posix_lock(fd2, F_OFD_SETLK, F_WRLCK, 0, 1) < 0 &&
	   (errno == EAGAIN || errno == EACCES),
	   "ofd: the second open file of the same process is refused");
	ok(getlk(fd2, F_OFD_GETLK, 0, 1, &fl) == 0 && fl.l_type == F_WRLCK &&
	   fl.l_pid == -1,
	   "ofd: F_OFD_GETLK reports the holder with pid -1");
	ok(in_child(child_conflicts) == 0,
	   "ofd: a POSIX lock of another process conflicts with it");
	close(fd1);
	ok(posix_lock(fd2, F_OFD_SETLK, F_WRLCK, 0, 0) == 0,
	   "ofd: closing the first open file released it");
	close(fd2);
}

static void test_flock(void)
{
	int fd1 = open_file(O_RDWR), fd2 = open_file(O_RDWR), rfd;
	pid_t waiter;

	if (fd1 < 0 || fd2 < 0) {
		ok(false, "flock: open twice");
		return;
	}
	ok(flock(fd1, LOCK_EX) == 0, "flock: exclusive lock");
	ok(flock(fd2, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK,
	   "flock: a shared lock through another open file is refused");
	ok(in_child(child_flock_refused) == 0,
	   "flock: another process's exclusive lock is refused");
	ok(flock(fd1, LOCK_SH) == 0 && flock(fd2, LOCK_SH | LOCK_NB) == 0,
	   "flock: after downgrading, another shared lock is granted");
	ok(flock(fd1, LOCK_UN) == 0 && flock(fd2, LOCK_UN) == 0, "flock: unlock");

	ok(flock(fd1, LOCK_EX) == 0, "flock: exclusive again");
	rfd = start_waiter(WAIT_FLOCK, &waiter);
	ok(rfd >= 0 && !waiter_got_lock(rfd, NO_EVENT_MS),
	   "flock: a blocking lock in another process waits");
	close(fd1);
	ok(rfd >= 0 && waiter_got_lock(rfd, EVENT_MS),
	   "flock: the waiter gets the lock when the holder closes");
	stop_child(waiter);
	close(rfd);
	close(fd2);
}

/* Child: 0 if opening for writing is refused while a lease is held. */
static int child_open_nonblock(void)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK);

	if (fd >= 0)
		return 1;
	return errno == EWOULDBLOCK ? 0 : 3;
}

/* Child: 0 if opening for writing succeeds (the lease is gone). */
static int child_open_write(void)
{
	int fd = open(path, O_WRONLY);

	return fd >= 0 ? 0 : 1;
}

static void test_lease(void)
{
	struct timespec wait = {
		.tv_sec = EVENT_MS / 1000, .tv_nsec = EVENT_MS % 1000 * 1000000L,
	};
	int fd = open_file(O_RDONLY);
	sigset_t sigio;

	if (fd < 0) {
		ok(false, "lease: open");
		return;
	}
	/* The break is signalled with SIGIO: take it with sigtimedwait(). */
	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	sigprocmask(SIG_BLOCK, &sigio, NULL);
	ok(fcntl(fd, F_SETLEASE, F_RDLCK) == 0 && fcntl(fd, F_GETLEASE) == F_RDLCK,
	   "lease: read lease taken");
	ok(in_child(child_open_nonblock) == 0,
	   "lease: another process's O_WRONLY|O_NONBLOCK open is refused");
	ok(sigtimedwait(&sigio, NULL, &wait) == SIGIO,
	   "lease: the holder is told of the break (SIGIO)");
	ok(fcntl(fd, F_SETLEASE, F_UNLCK) == 0 && fcntl(fd, F_GETLEASE) == F_UNLCK,
	   "lease: released");
	ok(in_child(child_open_write) == 0,
	   "lease: another process opens for writing afterwards");
	close(fd);
	sigprocmask(SIG_UNBLOCK, &sigio, NULL);
}

/* /proc/locks lists a lock of @type on the file while it is held. */
static void test_proc_locks(void)
{
	char want[64], line[256];
	int fd = open_file(O_RDWR), found = 0;
	struct stat st;
	FILE *f;

	if (fd < 0 || fstat(fd, &st) < 0) {
		ok(false, "/proc/locks: open and stat");
		return;
	}
	snprintf(want, sizeof(want), ":%lu ", (unsigned long)st.st_ino);
	flock(fd, LOCK_EX);
	posix_lock(fd, F_OFD_SETLK, F_WRLCK, 0, 1);
	f = fopen("/proc/locks", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, want))
			continue;
		found |= strstr(line, "FLOCK") ? 1 : 0;
		found |= strstr(line, "OFDLCK") ? 2 : 0;
	}
	if (f)
		fclose(f);
	ok(found == 3, "/proc/locks lists the flock and OFD locks of the inode");
	close(fd);
}

int main(int argc, char **argv)
{
	int fd;

	tap_start();
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/locked", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "0123456789", 10) != 10) {
		perror(path);
		return 2;
	}
	close(fd);

	test_posix();
	test_ofd();
	test_flock();
	test_lease();
	test_proc_locks();
	return done("file-locks");
}
