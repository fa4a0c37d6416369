// SPDX-License-Identifier: GPL-2.0
/*
 * memcurve - slab memory per inode as a growing fraction of the inodes
 * carries an extension, for memcurve.sh.
 *
 *   memcurve DIR COUNT MODE PERCENT...
 *
 * Creates COUNT empty files under DIR (1000 per subdirectory), then, for
 * each PERCENT in ascending order, extends the first COUNT * PERCENT / 100
 * files, and after each step prints the slab caches that hold inodes and
 * their extensions.  MODE says how a file is extended:
 *
 *   watch  an inotify watch (IN_MODIFY) on the file, kept until the end:
 *          an fsnotify mark and its connector, and on objext an area
 *   lock   flock(LOCK_SH) and unlock: the lock context stays with the
 *          inode, and on objext an area
 *   bpf    open and close: a BPF LSM program on file_open, attached by
 *          the command in $OBJEXT_MEMCURVE_BPF_ATTACH once the files
 *          exist, creates inode storage for the file (on 6.12 in the
 *          storage pointer of the inode's LSM blob, on objext in a slot)
 *   watch+lock  both of the first two on the same files: two slots
 *
 * Before creating anything it prints the same with PERCENT "empty", so
 * the caller can subtract what was there already.  Output lines:
 *
 *   memcurve PERCENT slab NAME OBJS OBJSIZE SLABS PAGES_PER_SLAB
 *   memcurve PERCENT meminfo Slab KB
 *
 * Nothing is freed at the end; the caller unmounts DIR's filesystem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define PER_DIR	1000

static const char *const caches[] = {
	"shmem_inode_cache", "ext4_inode_cache",
	"fsnotify_mark_connector", "inotify_inode_mark", "file_lock_ctx",
	"lsm_inode_cache", "dentry",
};

/* objext's area caches, one per area size: objext_inode-16, -24, ... */
static const char area_cache_prefix[] = "objext_inode-";

static bool wanted(const char *name)
{
	if (!strncmp(name, area_cache_prefix, sizeof(area_cache_prefix) - 1))
		return true;
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++)
		if (!strcmp(name, caches[i]))
			return true;
	return false;
}

/* A /proc/slabinfo line, up to the number of slabs. */
static const char slabinfo_format[] =
	"%63s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %*u %lu";

static void die(const char *what)
{
	fprintf(stderr, "memcurve: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void report(const char *percent)
{
	char line[512], name[64];
	FILE *f = fopen("/proc/slabinfo", "r");
	unsigned long active, objs, size, perslab, pages, slabs, kb;

	if (!f)
		die("/proc/slabinfo");
	while (fgets(line, sizeof(line), f)) {
		/*
		 * name active num objsize objperslab pagesperslab
		 * : tunables ... : slabdata active_slabs num_slabs shared
		 */
		if (sscanf(line, slabinfo_format, name, &active, &objs, &size,
			   &perslab, &pages, &slabs) != 7)
			continue;
		if (wanted(name))
			printf("memcurve %s slab %s %lu %lu %lu %lu\n",
			       percent, name, objs, size, slabs, pages);
	}
	fclose(f);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lu kB", &kb) == 1)
			printf("memcurve %s meminfo Slab %lu\n", percent, kb);
	fclose(f);
	fflush(stdout);
}

static void file_name(char *buf, size_t len, const char *dir, long i)
{
	snprintf(buf, len, "%s/d%ld/f%ld", dir, i / PER_DIR, i);
}

int main(int argc, char **argv)
{
	long count, done = 0;
	const char *dir, *mode;
	char path[4096], percent[16];
	const char *attach = NULL;
	bool watch, lock, bpf;
	int ifd = -1;

	if (argc < 5) {
		fprintf(stderr, "usage: memcurve DIR COUNT watch|lock|bpf|watch+lock PERCENT...\n");
		return 2;
	}
	dir = argv[1];
	count = atol(argv[2]);
	mode = argv[3];
	watch = !strcmp(mode, "watch") || !strcmp(mode, "watch+lock");
	lock = !strcmp(mode, "lock") || !strcmp(mode, "watch+lock");
	bpf = !strcmp(mode, "bpf");
	if (count <= 0 || !(watch || lock || bpf)) {
		fprintf(stderr, "memcurve: bad COUNT or MODE\n");
		return 2;
	}
	if (bpf) {
		attach = getenv("OBJEXT_MEMCURVE_BPF_ATTACH");
		if (!attach) {
			fprintf(stderr, "memcurve: bpf needs OBJEXT_MEMCURVE_BPF_ATTACH\n");
			return 2;
		}
	}
	if (watch) {
		ifd = inotify_init1(IN_CLOEXEC);
		if (ifd < 0)
			die("inotify_init1");
	}

	report("empty");
	for (long i = 0; i < count; i++) {
		int fd;

		if (i % PER_DIR == 0) {
			snprintf(path, sizeof(path), "%s/d%ld", dir, i / PER_DIR);
			if (mkdir(path, 0755))
				die(path);
		}
		file_name(path, sizeof(path), dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			die(path);
		close(fd);
	}

	/* Only now: creating the files opened each of them. */
	if (attach && system(attach)) {
		fprintf(stderr, "memcurve: %s failed\n", attach);
		return 1;
	}

	for (int a = 4; a < argc; a++) {
		double p = atof(argv[a]);
		long target = (long)(count * p / 100 + 0.5);

		for (; done < target; done++) {
			file_name(path, sizeof(path), dir, done);
			if (watch && inotify_add_watch(ifd, path, IN_MODIFY) < 0)
				die("inotify_add_watch");
			if (lock || bpf) {
				int fd = open(path, O_RDONLY | O_CLOEXEC);

				if (fd < 0)
					die(path);
				if (lock && (flock(fd, LOCK_SH) || flock(fd, LOCK_UN)))
					die("flock");
				close(fd);
			}
		}
		snprintf(percent, sizeof(percent), "%s", argv[a]);
		report(percent);
	}
	/* Watches go with the inotify fd; the caller unmounts. */
	return 0;
}
