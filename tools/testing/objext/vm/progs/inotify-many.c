// SPDX-License-Identifier: GPL-2.0
/*
 * inotify-many - inotify watches on many inodes keep working now that the
 * inode's fsnotify mark connector lives in a lazily allocated extension:
 * COUNT files each get a watch with its own watch descriptor, touched files
 * report events on the right descriptor, and removing every watch reports
 * IN_IGNORED for every descriptor.
 *
 *   inotify-many [--keep] [--hold] DIR COUNT
 *
 *   --keep         leave the files in place at the end
 *   --hold         once the watches are added, print "# watches added" and
 *                  wait for a newline or EOF on stdin before going on, so a
 *                  script can look at the kernel while the watches exist
 *   --phase=add    the same as --hold
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#define MAX_COUNT	1000000	/* names are fNNNNNN */
#define TOUCH_EVERY	1000
#define RM_BATCH	1000	/* << fs.inotify.max_queued_events */
#define MAX_WATCHES	"/proc/sys/fs/inotify/max_user_watches"
#define WATCH_MASK	(IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF)

static const char *dir;
static int count;
static int *wds;		/* wds[i]: the watch on file i */

/* Watch descriptors sorted, to find a file by wd. */
static struct wd_file {
	int wd;
	int file;
} *by_wd;

static uint8_t *state;		/* per file, see below */
#define TOUCHED		0x01
#define TOUCH_SEEN	0x02
#define IGNORED_SEEN	0x04

static void file_path(char *buf, int i)
{
	snprintf(buf, PATH_MAX, "%s/f%06d", dir, i);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f || fscanf(f, "%ld", &v) != 1)
		note("read %s: %s", path, strerror(errno));
	if (f)
		fclose(f);
	return v;
}

static bool write_long(const char *path, long v)
{
	FILE *f = fopen(path, "we");

	if (f && fprintf(f, "%ld\n", v) > 0 && fclose(f) == 0)
		return true;
	note("write %ld to %s: %s", v, path, strerror(errno));
	if (f)
		fclose(f);
	return false;
}

static int cmp_wd(const void *a, const void *b)
{
	const struct wd_file *x = a, *y = b;

	return (x->wd > y->wd) - (x->wd < y->wd);
}

/* The file watched by @wd, -1 if none. */
static int file_of(int wd)
{
	struct wd_file key = { .wd = wd }, *hit;

	hit = bsearch(&key, by_wd, count, sizeof(*by_wd), cmp_wd);
	return hit ? hit->file : -1;
}

/*
 * Pass each event read to @fn, until it returns true (1) or @timeout_ms
 * pass (0); -1 on error (noted).  With @timeout_ms 0, read what is queued.
 */
static int read_events(int fd, int timeout_ms,
		       bool (*fn)(const struct inotify_event *ev, void *arg),
		       void *arg)
{
	char buf[65536]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	struct timespec end = deadline_after(timeout_ms);
	const struct inotify_event *ev;
	bool stop = false;
	ssize_t len;
	char *p;
	int ret;

	while (!stop) {
		ret = wait_readable(fd, &end);
		if (ret <= 0)
			return ret;
		len = read(fd, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0) {
			note("read inotify: %s",
			     len ? strerror(errno) : "end of file");
			return -1;
		}
		for (p = buf; p < buf + len; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (fn(ev, arg))
				stop = true;
		}
	}
	return 1;
}

struct tally {
	int seen;		/* files whose awaited event came */
	int want;		/* files to wait for */
	int stray;		/* events that should not have come */
};

static void note_stray(struct tally *t, const struct inotify_event *ev)
{
	if (t->stray++ < 10)
		note("unexpected event: wd %d mask %#x", ev->wd, ev->mask);
}

static bool touch_fn(const struct inotify_event *ev, void *arg)
{
	struct tally *t = arg;
	int i = file_of(ev->wd);

	if (i < 0 || !(state[i] & TOUCHED) || !(ev->mask & IN_ATTRIB)) {
		note_stray(t, ev);
	} else if (!(state[i] & TOUCH_SEEN)) {
		state[i] |= TOUCH_SEEN;
		t->seen++;
	}
	return t->seen == t->want;
}

static bool ignored_fn(const struct inotify_event *ev, void *arg)
{
	struct tally *t = arg;
	int i = file_of(ev->wd);

	if (i < 0 || ev->mask != IN_IGNORED || (state[i] & IGNORED_SEEN)) {
		note_stray(t, ev);
	} else {
		state[i] |= IGNORED_SEEN;
		t->seen++;
	}
	return t->seen == t->want;
}

static bool create_files(void)
{
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < count; i++) {
		file_path(path, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			note("create %s: %s", path, strerror(errno));
			return false;
		}
		close(fd);
	}
	return true;
}

static bool add_watches(int fd)
{
	char path[PATH_MAX];
	struct timespec t0, t1;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		file_path(path, i);
		wds[i] = inotify_add_watch(fd, path, WATCH_MASK);
		if (wds[i] < 0) {
			note("inotify_add_watch %s: %s", path, strerror(errno));
			return false;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	note("added %d watches in %lld ms", count,
	     (t1.tv_sec - t0.tv_sec) * 1000LL +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000);
	return true;
}

/* Every wd is positive and none repeats; also builds by_wd. */
static bool distinct_wds(void)
{
	int i;

	for (i = 0; i < count; i++)
		by_wd[i] = (struct wd_file){ .wd = wds[i], .file = i };
	qsort(by_wd, count, sizeof(*by_wd), cmp_wd);
	if (by_wd[0].wd <= 0) {
		note("wd %d on f%06d", by_wd[0].wd, by_wd[0].file);
		return false;
	}
	for (i = 1; i < count; i++) {
		if (by_wd[i].wd == by_wd[i - 1].wd) {
			note("wd %d on both f%06d and f%06d", by_wd[i].wd,
			     by_wd[i - 1].file, by_wd[i].file);
			return false;
		}
	}
	return true;
}

/* Change the times of every TOUCH_EVERY-th file; their events arrive. */
static bool touch_some(int fd)
{
	struct tally t = { 0 };
	char path[PATH_MAX];
	int i;

	for (i = 0; i < count; i += TOUCH_EVERY) {
		file_path(path, i);
		if (utimensat(AT_FDCWD, path, NULL, 0)) {
			note("utimensat %s: %s", path, strerror(errno));
			return false;
		}
		state[i] |= TOUCHED;
		t.want++;
	}
	read_events(fd, EVENT_MS, touch_fn, &t);
	for (i = 0; i < count; i += TOUCH_EVERY)
		if (!(state[i] & TOUCH_SEEN))
			note("no IN_ATTRIB on wd %d (f%06d)",
			     wds[i], i);
	return t.seen == t.want && !t.stray;
}

/* The IN_IGNORED events that removing the watches queues. */
static struct tally ignored;

/*
 * inotify_rm_watch() queues IN_IGNORED at once: read them in batches, so
 * the queue never overflows.
 */
static bool remove_watches(int fd)
{
	bool all = true;
	int i;

	ignored.want = count;
	for (i = 0; i < count; i++) {
		if (inotify_rm_watch(fd, wds[i]) && all) {
			note("inotify_rm_watch wd %d (f%06d): %s", wds[i], i,
			     strerror(errno));
			all = false;
		}
		if ((i + 1) % RM_BATCH == 0)
			read_events(fd, 0, ignored_fn, &ignored);
	}
	return all;
}

/* Exactly one IN_IGNORED per watch, and nothing else, arrived. */
static bool all_ignored(int fd)
{
	int i, missing = 0;

	read_events(fd, EVENT_MS, ignored_fn, &ignored);
	for (i = 0; i < count; i++)
		if (!(state[i] & IGNORED_SEEN) && missing++ < 10)
			note("no IN_IGNORED for wd %d (f%06d)", wds[i], i);
	note("IN_IGNORED for %d of %d watches", ignored.seen, count);
	return ignored.seen == count && !ignored.stray;
}

static bool unlink_files(void)
{
	char path[PATH_MAX];
	bool all = true;
	int i;

	for (i = 0; i < count; i++) {
		file_path(path, i);
		if (unlink(path) && all) {
			note("unlink %s: %s", path, strerror(errno));
			all = false;
		}
	}
	return all;
}

/* --hold: wait for a newline or EOF on stdin. */
static void hold(void)
{
	ssize_t n;
	char c;

	diag("watches added");
	do {
		n = read(STDIN_FILENO, &c, 1);
	} while ((n < 0 && errno == EINTR) || (n == 1 && c != '\n'));
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--keep] [--hold|--phase=add] DIR COUNT\n"
			"       COUNT: 1..%d\n", prog, MAX_COUNT);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", no_argument, NULL, 'k' },
		{ "hold", no_argument, NULL, 'h' },
		{ "phase", required_argument, NULL, 'p' },
		{ }
	};
	bool keep = false, want_hold = false, ready;
	long n, limit, old_limit = -1;
	char *end;
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'k')
			keep = true;
		else if (opt == 'h' || (opt == 'p' && !strcmp(optarg, "add")))
			want_hold = true;
		else
			return usage(argv[0]);
	}
	if (argc - optind != 2 || strlen(argv[optind]) > PATH_MAX / 2)
		return usage(argv[0]);
	dir = argv[optind];
	errno = 0;
	n = strtol(argv[optind + 1], &end, 10);
	if (errno || *end || n < 1 || n > MAX_COUNT)
		return usage(argv[0]);
	count = n;

	wds = calloc(count, sizeof(*wds));
	by_wd = calloc(count, sizeof(*by_wd));
	state = calloc(count, 1);
	if (!wds || !by_wd || !state) {
		perror("calloc");
		return 1;
	}
	tap_start();

	/*
	 * alarm() is re-armed for every step below: it catches a hang, while
	 * 50,000 files under an emulated, debug-heavy kernel take their time.
	 */
	limit = read_long(MAX_WATCHES);
	if (limit >= 0 && limit < count) {
		note("raising %s from %ld to %d", MAX_WATCHES, limit, count);
		if (write_long(MAX_WATCHES, count))
			old_limit = limit;
		limit = read_long(MAX_WATCHES);
	}
	ok(limit >= count, "fs.inotify.max_user_watches >= %d", count);

	ready = ok(create_files(), "create %d files", count);

	alarm(SAFETY_NET_SECS);
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0)
		note("inotify_init1: %s", strerror(errno));
	ready = ok(ready && fd >= 0 && add_watches(fd),
		   "inotify_add_watch on each of the %d files", count);
	ready = ok(ready && distinct_wds(),
		   "the %d watch descriptors are positive and distinct", count);

	if (want_hold) {
		alarm(SAFETY_NET_SECS);
		hold();
	}

	alarm(SAFETY_NET_SECS);
	ok(ready && touch_some(fd),
	   "utimensat on every %dth file reports IN_ATTRIB on its wd",
	   TOUCH_EVERY);

	alarm(SAFETY_NET_SECS);
	ok(ready && remove_watches(fd),
	   "inotify_rm_watch returns 0 for each of the %d watches", count);
	ok(ready && all_ignored(fd),
	   "one IN_IGNORED arrives for each of the %d watch descriptors", count);
	if (fd >= 0)
		close(fd);

	alarm(SAFETY_NET_SECS);
	if (!keep)
		ok(unlink_files(), "unlink the %d files", count);

	if (old_limit >= 0)
		ok(write_long(MAX_WATCHES, old_limit),
		   "restore fs.inotify.max_user_watches to %ld", old_limit);
	return done("inotify-many");
}
