// SPDX-License-Identifier: GPL-2.0
/*
 * fsnbench - inode hot paths (fsnotify, open, read, file locks), timed from
 * inside the guest.
 *
 * Under QEMU TCG with -icount shift=0 the guest clock advances one
 * nanosecond per guest instruction, so the figures are instruction counts
 * per operation: deterministic, and comparable between two kernels booted
 * the same way.  Each case prints one line per repeat:
 *
 *   fsnbench CASE REPEAT NS_PER_OP
 *
 * Cases (DIR must be on a tmpfs that nothing else watches):
 *   write-unwatched     pwrite() of 1 byte, no watch on the filesystem
 *   write-sb-watched    the same, while another file of the filesystem is
 *                       watched (fsnotify_parent() has to look at the inode)
 *   write-watched       the same on a file with an IN_MODIFY watch
 *   watch-add-rm        inotify_add_watch() + inotify_rm_watch() pair
 *   watch-fresh         the same pair on a new file each time (so the
 *                       inode's first mark allocates its extension area),
 *                       plus creating and unlinking the file
 *   open-close          open() + close() of a file nobody locked
 *   open-close-area     the same on a file whose inode has an extension
 *                       area (an IN_OPEN watch) but no lock context
 *   open-close-chrdev   the same on a character device node (/dev/null's)
 *   read                pread() of 1 byte
 *   flock               flock(LOCK_EX) + flock(LOCK_UN)
 *   posix-lock          fcntl(F_SETLK) write lock + unlock of the file
 *
 * "fsnbench DIR ITERATIONS REPEATS CASE LABEL" runs CASE alone, reports
 * it as LABEL and leaves its files in place: guest.sh times the write
 * loop again with a BPF program attached that way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static long iterations;

static void die(const char *what)
{
	fprintf(stderr, "fsnbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static char *path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static int open_file(const char *name)
{
	int fd = open(path(name), O_RDWR | O_CREAT, 0600);

	if (fd < 0)
		die(name);
	return fd;
}

static double time_writes(int fd)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < iterations; i++)
		if (pwrite(fd, "x", 1, 0) != 1)
			die("pwrite");
	return (now_ns() - t0) / iterations;
}

static double write_unwatched(void)
{
	int fd = open_file("target");
	double ns = time_writes(fd);

	close(fd);
	return ns;
}

/* Time writes to "target" while @watched has an IN_MODIFY watch. */
static double write_with_watch(const char *watched)
{
	int in = inotify_init1(IN_NONBLOCK), fd;
	double ns;

	if (in < 0)
		die("inotify_init1");
	close(open_file(watched));
	/* Identical queued events merge, so the queue stays one event long. */
	if (inotify_add_watch(in, path(watched), IN_MODIFY) < 0)
		die("inotify_add_watch");
	fd = open_file("target");
	ns = time_writes(fd);
	close(fd);
	close(in);
	return ns;
}

static double write_sb_watched(void)
{
	return write_with_watch("other");
}

static double write_watched(void)
{
	return write_with_watch("target");
}

static double watch_add_rm(void)
{
	int in = inotify_init1(IN_NONBLOCK), wd;
	double t0;
	long i;

	if (in < 0)
		die("inotify_init1");
	close(open_file("target"));
	t0 = now_ns();
	for (i = 0; i < iterations; i++) {
		wd = inotify_add_watch(in, path("target"), IN_MODIFY);
		if (wd < 0)
			die("inotify_add_watch");
		if (inotify_rm_watch(in, wd))
			die("inotify_rm_watch");
	}
	t0 = (now_ns() - t0) / iterations;
	close(in);
	return t0;
}

static double watch_fresh(void)
{
	int in = inotify_init1(IN_NONBLOCK), wd;
	char name[32];
	double t0;
	long i;

	if (in < 0)
		die("inotify_init1");
	t0 = now_ns();
	for (i = 0; i < iterations; i++) {
		snprintf(name, sizeof(name), "fresh%ld", i);
		close(open_file(name));
		wd = inotify_add_watch(in, path(name), IN_MODIFY);
		if (wd < 0)
			die("inotify_add_watch");
		if (inotify_rm_watch(in, wd))
			die("inotify_rm_watch");
		if (unlink(path(name)))
			die("unlink");
	}
	t0 = (now_ns() - t0) / iterations;
	close(in);
	return t0;
}

static double time_open_close(const char *name)
{
	double t0;
	long i;
	int fd;

	t0 = now_ns();
	for (i = 0; i < iterations; i++) {
		fd = open(path(name), O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
	return (now_ns() - t0) / iterations;
}

static double open_close(void)
{
	close(open_file("target"));
	return time_open_close("target");
}

static double open_close_area(void)
{
	int in = inotify_init1(IN_NONBLOCK);
	double ns;

	if (in < 0)
		die("inotify_init1");
	close(open_file("target"));
	/* An event nobody opens: the watch only gives the inode an area. */
	if (inotify_add_watch(in, path("target"), IN_DELETE_SELF) < 0)
		die("inotify_add_watch");
	ns = time_open_close("target");
	close(in);
	return ns;
}

static double open_close_chrdev(void)
{
	if (mknod(path("null"), S_IFCHR | 0600, makedev(1, 3)) < 0 && errno != EEXIST)
		die("mknod");
	return time_open_close("null");
}

static double read_file(void)
{
	int fd = open_file("target");
	double t0;
	char c;
	long i;

	if (pwrite(fd, "x", 1, 0) != 1)
		die("pwrite");
	t0 = now_ns();
	for (i = 0; i < iterations; i++)
		if (pread(fd, &c, 1, 0) != 1)
			die("pread");
	t0 = (now_ns() - t0) / iterations;
	close(fd);
	return t0;
}

static double flock_unlock(void)
{
	int fd = open_file("target");
	double t0 = now_ns();
	long i;

	for (i = 0; i < iterations; i++)
		if (flock(fd, LOCK_EX) || flock(fd, LOCK_UN))
			die("flock");
	t0 = (now_ns() - t0) / iterations;
	close(fd);
	return t0;
}

static double posix_lock_unlock(void)
{
	struct flock lock = { .l_whence = SEEK_SET };
	int fd = open_file("target");
	double t0 = now_ns();
	long i;

	for (i = 0; i < iterations; i++) {
		lock.l_type = F_WRLCK;
		if (fcntl(fd, F_SETLK, &lock))
			die("F_SETLK");
		lock.l_type = F_UNLCK;
		if (fcntl(fd, F_SETLK, &lock))
			die("F_SETLK unlock");
	}
	t0 = (now_ns() - t0) / iterations;
	close(fd);
	return t0;
}

static const struct {
	const char *name;
	double (*run)(void);
	long divisor;	/* fewer iterations for the slow cases */
} cases[] = {
	{ "write-unwatched", write_unwatched, 1 },
	{ "write-sb-watched", write_sb_watched, 1 },
	{ "write-watched", write_watched, 1 },
	{ "watch-add-rm", watch_add_rm, 10 },
	{ "watch-fresh", watch_fresh, 10 },
	{ "open-close", open_close, 1 },
	{ "open-close-area", open_close_area, 1 },
	{ "open-close-chrdev", open_close_chrdev, 1 },
	{ "read", read_file, 1 },
	{ "flock", flock_unlock, 1 },
	{ "posix-lock", posix_lock_unlock, 1 },
};

int main(int argc, char **argv)
{
	const char *only = NULL, *label = NULL;
	long base, repeats, r;
	unsigned int c, ran = 0;

	if (argc == 6) {
		only = argv[4];
		label = argv[5];
	} else if (argc != 4) {
		fprintf(stderr, "usage: fsnbench DIR ITERATIONS REPEATS [CASE LABEL]\n");
		return 2;
	}
	dir = argv[1];
	base = atol(argv[2]);
	repeats = atol(argv[3]);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		if (only && strcmp(only, cases[c].name))
			continue;
		iterations = base / cases[c].divisor;
		cases[c].run();	/* warm up: allocate, fault in, settle */
		for (r = 0; r < repeats; r++)
			printf("fsnbench %s %ld %.2f\n",
			       label ? label : cases[c].name, r,
			       cases[c].run());
		fflush(stdout);
		ran++;
		if (only)
			continue;
		unlink(path("target"));
		unlink(path("other"));
		unlink(path("null"));
	}
	if (!ran) {
		fprintf(stderr, "fsnbench: no case %s\n", only);
		return 2;
	}
	return 0;
}
