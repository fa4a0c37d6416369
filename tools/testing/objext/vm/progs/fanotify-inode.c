// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-inode - fanotify inode marks keep working now that the inode's
 * mark connector lives in a lazily allocated extension, not in struct inode.
 *
 *   fanotify-inode DIR              DIR on a fresh tmpfs: events on a
 *                                   marked file, none on an unmarked one,
 *                                   parent marks with a child ignore mask,
 *                                   mark removal, 1000 marks and
 *                                   FAN_MARK_FLUSH, permission events
 *   fanotify-inode --evictable DIR  DIR on a freshly mounted ext2: an
 *                                   evictable mark goes away with its
 *                                   evicted inode, a normal mark pins its
 *                                   inode and survives drop_caches
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define NR_MANY		1000
#define PERM_EVENTS	(FAN_OPEN_PERM | FAN_ACCESS_PERM | \
			 FAN_OPEN_EXEC_PERM)

static const char *dir;

/*
 * Called for every event read, with the stat of its event fd (NULL for
 * events without one, like a queue overflow); returns true once the wait is
 * over.  Events later in the same read are still passed on, so a callback
 * must cope with being called after it returned true.  The event fd is
 * closed after the call.
 */
typedef bool (*event_fn)(int fan, const struct fanotify_event_metadata *ev,
			 const struct stat *st, void *arg);

static void note_event(const char *what,
		       const struct fanotify_event_metadata *ev,
		       const struct stat *st)
{
	if (st)
		note("%s: mask %#llx on inode %lu, pid %d", what,
		     (unsigned long long)ev->mask, (unsigned long)st->st_ino,
		     ev->pid);
	else
		note("%s: mask %#llx without a file", what,
		     (unsigned long long)ev->mask);
}

/* 1 once @fn returned true, 0 after @timeout_ms, -1 on error (noted). */
static int read_events(int fan, int timeout_ms, event_fn fn, void *arg)
{
	char buf[4096] __attribute__((aligned(8)));
	struct timespec end = deadline_after(timeout_ms);
	struct fanotify_event_metadata *ev;
	bool stop = false;
	ssize_t len;
	int ret;

	while (!stop) {
		ret = wait_readable(fan, &end);
		if (ret <= 0)
			return ret;
		len = read(fan, buf, sizeof(buf));
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			note("read fanotify: %s", strerror(errno));
			return -1;
		}
		for (ev = (void *)buf; FAN_EVENT_OK(ev, len);
		     ev = FAN_EVENT_NEXT(ev, len)) {
			struct stat st;
			bool have_st = false;

			if (ev->vers != FANOTIFY_METADATA_VERSION) {
				note("fanotify metadata version %u, want %u",
				     ev->vers, FANOTIFY_METADATA_VERSION);
				return -1;
			}
			if (ev->fd >= 0) {
				have_st = fstat(ev->fd, &st) == 0;
				if (!have_st)
					note("fstat event fd: %s",
					     strerror(errno));
			}
			if (fn(fan, ev, have_st ? &st : NULL, arg))
				stop = true;
			if (ev->fd >= 0)
				close(ev->fd);
		}
	}
	return 1;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

struct want {
	const struct stat *obj;	/* the object the events must be on */
	uint64_t mask;		/* all of these must arrive */
	uint64_t seen;		/* those of them that did */
};

static bool want_fn(int fan, const struct fanotify_event_metadata *ev,
		    const struct stat *st, void *arg)
{
	struct want *w = arg;

	(void)fan;
	if (st && same_inode(st, w->obj))
		w->seen |= ev->mask & w->mask;
	else
		note_event("unrelated event", ev, st);
	return w->seen == w->mask;
}

/* All events in @mask arrive on @obj (maybe merged) within EVENT_MS. */
static bool got_events(int fan, const struct stat *obj, uint64_t mask)
{
	struct want w = { .obj = obj, .mask = mask };

	if (read_events(fan, EVENT_MS, want_fn, &w) == 1)
		return true;
	note("got mask %#llx of %#llx on inode %lu within %d ms",
	     (unsigned long long)w.seen, (unsigned long long)mask,
	     (unsigned long)obj->st_ino, EVENT_MS);
	return false;
}

static bool any_fn(int fan, const struct fanotify_event_metadata *ev,
		   const struct stat *st, void *arg)
{
	(void)fan;
	(void)arg;
	note_event("unexpected event", ev, st);
	return true;
}

/* No event at all arrives within NO_EVENT_MS. */
static bool no_event(int fan)
{
	return read_events(fan, NO_EVENT_MS, any_fn, NULL) == 0;
}

static void mkpath(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
}

static bool stat_path(const char *path, struct stat *st)
{
	if (stat(path, st) == 0)
		return true;
	note("stat %s: %s", path, strerror(errno));
	return false;
}

/* Append a byte to @path, creating it if needed. */
static bool write_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0) {
		note("open %s for writing: %s", path, strerror(errno));
		return false;
	}
	if (write(fd, "x", 1) != 1) {
		note("write %s: %s", path, strerror(errno));
		close(fd);
		return false;
	}
	return close(fd) == 0;
}

static bool open_close(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		note("open %s: %s", path, strerror(errno));
		return false;
	}
	return close(fd) == 0;
}

static bool mark(int fan, unsigned int flags, uint64_t mask, const char *path)
{
	if (fanotify_mark(fan, flags, mask, AT_FDCWD, path) == 0)
		return true;
	note("fanotify_mark(flags %#x, mask %#llx, %s): %s", flags,
	     (unsigned long long)mask, path, strerror(errno));
	return false;
}

/*
 * An empty file @name in DIR, its stat in @st (if not NULL).  Empty
 * matters for --evictable: drop_caches=2 keeps inodes with page cache.
 */
static bool new_file(char *path, const char *name, struct stat *st)
{
	int fd;

	mkpath(path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		note("create %s: %s", path, strerror(errno));
		return false;
	}
	return close(fd) == 0 && (!st || stat_path(path, st));
}

/* a), b), d): a marked file, an unmarked one, removing the mark. */
static void test_inode_mark(int fan)
{
	char a[PATH_MAX], un[PATH_MAX];
	struct stat sa;
	bool ready;

	ready = new_file(a, "a", &sa) &&
		mark(fan, FAN_MARK_ADD, FAN_MODIFY | FAN_CLOSE_WRITE, a);
	ok(ready, "mark a with FAN_MODIFY|FAN_CLOSE_WRITE");
	ok(ready && write_file(a) &&
	   got_events(fan, &sa, FAN_MODIFY | FAN_CLOSE_WRITE),
	   "writing a reports FAN_MODIFY and FAN_CLOSE_WRITE on a");

	ok(new_file(un, "unmarked", NULL) && write_file(un) && no_event(fan),
	   "writing unmarked reports nothing");

	ok(mark(fan, FAN_MARK_REMOVE, FAN_MODIFY | FAN_CLOSE_WRITE, a),
	   "FAN_MARK_REMOVE the mark on a");
	ok(write_file(a) && no_event(fan),
	   "writing a reports nothing after its mark is removed");
}

/* c): a directory mark for events on children, a child's ignore mask. */
static void test_ignore_mask(int fan)
{
	char d[PATH_MAX], ign[PATH_MAX], seen[PATH_MAX];
	struct stat ss;
	bool ready;

	mkpath(d, "d");
	if (mkdir(d, 0755))
		note("mkdir %s: %s", d, strerror(errno));
	ready = new_file(ign, "d/ignored", NULL) &&
		new_file(seen, "d/seen", &ss) &&
		mark(fan, FAN_MARK_ADD, FAN_MODIFY | FAN_EVENT_ON_CHILD, d);
	ok(ready, "mark directory d with FAN_MODIFY|FAN_EVENT_ON_CHILD");
	/*
	 * Without FAN_MARK_IGNORED_SURV_MODIFY every FS_MODIFY clears the
	 * ignore mask before it is applied: FAN_MODIFY would never be ignored.
	 */
	ok(ready && mark(fan, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK |
			 FAN_MARK_IGNORED_SURV_MODIFY, FAN_MODIFY, ign),
	   "ignore mask FAN_MODIFY (surviving modify) on d/ignored");
	ok(ready && write_file(ign) && no_event(fan),
	   "writing d/ignored reports nothing");
	ok(ready && write_file(seen) && got_events(fan, &ss, FAN_MODIFY),
	   "writing d/seen reports FAN_MODIFY on d/seen");
}

struct many {
	struct stat st[NR_MANY];
	int hits[NR_MANY];	/* FAN_MODIFY events per file */
	int distinct;		/* files with at least one */
	bool stop_when_all;
};

static bool many_fn(int fan, const struct fanotify_event_metadata *ev,
		    const struct stat *st, void *arg)
{
	struct many *m = arg;
	int i;

	(void)fan;
	for (i = 0; st && i < NR_MANY; i++)
		if (same_inode(st, &m->st[i]))
			break;
	if (!st || i == NR_MANY || !(ev->mask & FAN_MODIFY)) {
		note_event("unrelated event", ev, st);
		return false;
	}
	if (m->hits[i]++ == 0)
		m->distinct++;
	return m->stop_when_all && m->distinct == NR_MANY;
}

/* Write every file in DIR/many; false (noted) at the first failure. */
static bool write_many(void)
{
	char path[PATH_MAX], name[32];
	int i;

	for (i = 0; i < NR_MANY; i++) {
		snprintf(name, sizeof(name), "many/f%04d", i);
		mkpath(path, name);
		if (!write_file(path))
			return false;
	}
	return true;
}

/* e): a thousand marked inodes, one event each, then FAN_MARK_FLUSH. */
static void test_many(int fan)
{
	static struct many m;
	char path[PATH_MAX], name[32];
	bool ready = true, exact = true;
	int i;

	mkpath(path, "many");
	if (mkdir(path, 0755))
		note("mkdir %s: %s", path, strerror(errno));
	for (i = 0; ready && i < NR_MANY; i++) {
		snprintf(name, sizeof(name), "many/f%04d", i);
		ready = new_file(path, name, &m.st[i]) &&
			mark(fan, FAN_MARK_ADD, FAN_MODIFY, path);
	}
	ok(ready, "mark %d files with FAN_MODIFY", NR_MANY);

	if (ready && write_many()) {
		/* Collect until all arrived, then make sure no more follow. */
		m.stop_when_all = true;
		read_events(fan, EVENT_MS, many_fn, &m);
		m.stop_when_all = false;
		read_events(fan, NO_EVENT_MS, many_fn, &m);
		for (i = 0; i < NR_MANY; i++) {
			if (m.hits[i] == 1)
				continue;
			if (exact)
				note("f%04d (inode %lu): %d FAN_MODIFY events",
				     i, (unsigned long)m.st[i].st_ino,
				     m.hits[i]);
			exact = false;
		}
		note("%d of %d files reported", m.distinct, NR_MANY);
	} else {
		exact = false;
	}
	ok(exact, "writing %d marked files reports exactly one FAN_MODIFY on each",
	   NR_MANY);

	ok(mark(fan, FAN_MARK_FLUSH, 0, dir), "FAN_MARK_FLUSH the inode marks");
	mkpath(path, "d/seen");
	ok(write_many() && write_file(path) && no_event(fan),
	   "after the flush, writing the %d files and d/seen reports nothing",
	   NR_MANY);
}

struct perm {
	const struct stat *obj;
	pid_t pid;		/* the opener */
	uint32_t answer;	/* FAN_ALLOW or FAN_DENY for its open */
	bool answered;
};

static bool respond(int fan, int fd, uint32_t answer)
{
	struct fanotify_response r = { .fd = fd, .response = answer };

	if (write(fan, &r, sizeof(r)) == (ssize_t)sizeof(r))
		return true;
	note("write fanotify_response: %s", strerror(errno));
	return false;
}

/* Answer the opener's FAN_OPEN_PERM; let any other permission event pass. */
static bool perm_fn(int fan, const struct fanotify_event_metadata *ev,
		    const struct stat *st, void *arg)
{
	struct perm *p = arg;
	bool ours = !p->answered && st && same_inode(st, p->obj) &&
		    (ev->mask & FAN_OPEN_PERM) && ev->pid == p->pid;

	if (!ours)
		note_event("unrelated event", ev, st);
	if (ev->mask & PERM_EVENTS) {
		if (respond(fan, ev->fd, ours ? p->answer : FAN_ALLOW) && ours)
			p->answered = true;
	}
	return p->answered;
}

/*
 * Fork a child that opens @path and reports the result of open() (0 or
 * its errno) on a pipe; answer its FAN_OPEN_PERM event with @answer.
 * *opened is true if the report arrived, *err is the report.
 */
static bool perm_open(int fan, const char *path, const struct stat *obj,
		      uint32_t answer, bool *opened, int *err)
{
	struct perm p = { .obj = obj, .answer = answer };
	struct timespec end;
	int pfd[2], fd;

	*opened = false;
	if (pipe2(pfd, O_CLOEXEC)) {
		note("pipe: %s", strerror(errno));
		return false;
	}
	fflush(stdout);
	p.pid = fork();
	if (p.pid < 0) {
		note("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (p.pid == 0) {
		alarm(SAFETY_NET_SECS);
		fd = open(path, O_RDONLY);
		*err = fd < 0 ? errno : 0;
		_exit(write(pfd[1], err, sizeof(*err)) !=
		      (ssize_t)sizeof(*err));
	}
	close(pfd[1]);

	read_events(fan, EVENT_MS, perm_fn, &p);
	end = deadline_after(EVENT_MS);
	if (wait_readable(pfd[0], &end) == 1 &&
	    read(pfd[0], err, sizeof(*err)) == (ssize_t)sizeof(*err))
		*opened = true;
	else
		note("no open() result from the child within %d ms", EVENT_MS);
	close(pfd[0]);
	if (!*opened)
		kill(p.pid, SIGKILL); /* still waiting for an answer */
	waitpid(p.pid, NULL, 0);
	if (!p.answered)
		note("no FAN_OPEN_PERM from pid %d on inode %lu within %d ms",
		     p.pid, (unsigned long)obj->st_ino, EVENT_MS);
	return p.answered;
}

/*
 * Permission events need CONFIG_FANOTIFY_ACCESS_PERMISSIONS.  Without it,
 * older kernels fail fanotify_init(FAN_CLASS_CONTENT) and 6.12 fails any
 * mark with a permission event in its mask with EINVAL; the mask is checked
 * before the path is looked up, so a path that doesn't exist tells the two
 * apart without touching an inode.
 */
static bool perm_events_configured(int fan)
{
	char path[PATH_MAX];

	mkpath(path, "no-such-file");
	return fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD,
			     path) == 0 || errno != EINVAL;
}

/* f): FAN_OPEN_PERM answered with FAN_ALLOW, then with FAN_DENY. */
static void test_perm(void)
{
	char path[PATH_MAX];
	bool ready, opened;
	struct stat st;
	int fan, err, i;

	fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	if ((fan < 0 && errno == EINVAL) ||
	    (fan >= 0 && !perm_events_configured(fan))) {
		for (i = 0; i < 5; i++)
			skip("permission events not configured");
		if (fan >= 0)
			close(fan);
		return;
	}
	if (fan < 0)
		note("fanotify_init(FAN_CLASS_CONTENT): %s", strerror(errno));
	ready = fan >= 0 && new_file(path, "perm", &st) &&
		mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, path);
	ok(ready, "FAN_CLASS_CONTENT group, mark perm with FAN_OPEN_PERM");

	ok(ready && perm_open(fan, path, &st, FAN_ALLOW, &opened, &err),
	   "a child's open of perm raises FAN_OPEN_PERM, answered FAN_ALLOW");
	if (ready && opened && err)
		note("open %s: %s", path, strerror(err));
	ok(ready && opened && !err, "the allowed open() succeeds");

	ok(ready && perm_open(fan, path, &st, FAN_DENY, &opened, &err),
	   "a child's open of perm raises FAN_OPEN_PERM, answered FAN_DENY");
	if (ready && opened)
		note("open %s: %s", path, err ? strerror(err) : "succeeded");
	ok(ready && opened && err == EPERM,
	   "the denied open() fails with EPERM");
	if (fan >= 0)
		close(fan);
}

static bool drop_caches(void)
{
	int fd, i;

	for (i = 0; i < 2; i++) {
		sync();
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "2\n", 2) != 2) {
			note("2 > /proc/sys/vm/drop_caches: %s",
			     strerror(errno));
			if (fd >= 0)
				close(fd);
			return false;
		}
		close(fd);
	}
	return true;
}

/* g): evictable marks go with their inode, normal marks pin theirs. */
static void test_evictable(int fan)
{
	char ev[PATH_MAX], pin[PATH_MAX];
	struct stat sev, spin;
	bool ev_ready, pin_ready;
	int err;

	ev_ready = new_file(ev, "evict", &sev) &&
		   mark(fan, FAN_MARK_ADD | FAN_MARK_EVICTABLE, FAN_OPEN, ev);
	ok(ev_ready, "evictable FAN_OPEN mark on evict");
	pin_ready = new_file(pin, "pinned", &spin) &&
		    mark(fan, FAN_MARK_ADD, FAN_OPEN, pin);
	ok(pin_ready, "normal FAN_OPEN mark on pinned");

	/* fanotify_mark(2): a non-evictable mark cannot become evictable. */
	err = 0;
	if (pin_ready && fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_EVICTABLE,
				       FAN_OPEN, AT_FDCWD, pin) < 0)
		err = errno;
	if (pin_ready && err != EEXIST)
		note("fanotify_mark: %s", err ? strerror(err) : "succeeded");
	ok(pin_ready && err == EEXIST,
	   "FAN_MARK_EVICTABLE on the non-evictable mark of pinned fails with EEXIST");

	ok(ev_ready && open_close(ev) && got_events(fan, &sev, FAN_OPEN),
	   "opening evict reports FAN_OPEN");
	ok(pin_ready && open_close(pin) && got_events(fan, &spin, FAN_OPEN),
	   "opening pinned reports FAN_OPEN");

	ok(drop_caches(), "sync; echo 2 > /proc/sys/vm/drop_caches (twice)");
	ok(pin_ready && open_close(pin) && got_events(fan, &spin, FAN_OPEN),
	   "after drop_caches, opening pinned still reports FAN_OPEN");
	ok(ev_ready && open_close(ev) && no_event(fan),
	   "after drop_caches, opening evict reports nothing (mark evicted with the inode)");
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s DIR            (DIR on a fresh tmpfs)\n"
			"       %s --evictable DIR  (DIR on a fresh ext2)\n",
		prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	bool evictable = argc == 3 && !strcmp(argv[1], "--evictable");
	int fan;

	if (argc != 2 + evictable || argv[argc - 1][0] == '-')
		return usage(argv[0]);
	dir = argv[argc - 1];
	if (strlen(dir) > PATH_MAX / 2)
		return usage(argv[0]);
	tap_start();

	fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
	if (fan < 0)
		note("fanotify_init(FAN_CLASS_NOTIF): %s", strerror(errno));
	if (!ok(fan >= 0, "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY)"))
		return done("fanotify-inode");

	if (evictable) {
		test_evictable(fan);
	} else {
		test_inode_mark(fan);
		test_ignore_mask(fan);
		test_many(fan);
		test_perm();
	}
	close(fan);
	return done("fanotify-inode");
}
