// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-inode-storage - load and drive the inode storage test programs of
 * inode_storage.bpf.c (embedded as a libbpf skeleton).
 *
 *   attach PIN DEVPATH PROG...  load PROGs, count writes on DEVPATH's
 *                               filesystem, attach, pin the links, the
 *                               counter map and the statistics in PIN
 *   read PIN FILE...            print each FILE's counter, or "none"
 *   update PIN FILE N           set FILE's counter to N (map syscall)
 *   delete PIN FILE             delete FILE's counter (map syscall)
 *   stats PIN                   print the programs' statistics
 *   misses PIN PROG...          print how often each pinned PROG was
 *                               skipped by the recursion guard
 *   load PROG                   load PROG only: exit 0 if the kernel
 *                               accepts it, 1 if it refuses it
 *   udp PIN N                   send N datagrams to a UDP socket bound to
 *                               127.0.0.1 (loopback: received in softirq),
 *                               receive them, print the socket's counter
 *   stress DIR SECONDS THREADS  THREADS threads create, write, stat and
 *                               unlink files in DIR, counted by the fentry
 *                               counter, while another thread gives them
 *                               storage in new maps and frees the maps,
 *                               over and over
 *   recycle DIR SECONDS THREADS  on the XFS filesystem mounted at DIR:
 *                               THREADS threads look up and open its
 *                               files, an LSM program gives every inode
 *                               they pass storage, one inode allocation
 *                               in 8 fails, and caches are dropped all
 *                               the time, so that XFS recycles evicted
 *                               inodes under the walkers; then unmount
 *                               DIR and wait for the storage to go
 *
 * Programs: count_write_fentry, drop_on_fsync, count_write_lsm,
 * nested_get, create_after_destroy, create_before_init,
 * create_then_fail_alloc, count_selem_alloc, count_selem_free,
 * storage_get_lsm, count_sock_rcv, create_on_permission,
 * fail_alloc_sometimes, count_recycle, count_recycle_fail,
 * fentry_file_as_inode, kprobe_scalar_inode.
 * Unpinning (rm -r PIN) detaches them and frees the map once nothing else
 * holds it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "inode_storage.h"

#include "inode_storage.skel.h"

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bpf-inode-storage: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* The kernel's dev_t (MKDEV: 12-bit major, 20-bit minor). */
static __u32 kernel_dev(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		die("stat %s: %s", path, strerror(errno));
	return (major(st.st_dev) << 20) | minor(st.st_dev);
}

static struct inode_storage *open_with(const char *const *progs, int nr)
{
	struct inode_storage *skel = inode_storage__open();
	int i;

	if (!skel)
		die("cannot open the BPF object: %s", strerror(errno));
	for (i = 0; i < nr; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(skel->obj, progs[i]);

		if (!prog)
			die("no program %s", progs[i]);
		bpf_program__set_autoload(prog, true);
	}
	return skel;
}

static int pin_fd(const char *pin, const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		die("bpf_obj_get %s: %s", path, strerror(errno));
	return fd;
}

/*
 * How often the program @fd (@name) was not run because it was already
 * running on the CPU: with full preemption a task can be preempted inside
 * a tracing program, and the trampoline's recursion guard then skips the
 * program for every other task that hits the hook on that CPU meanwhile.
 */
static __u64 prog_fd_misses(int fd, const char *name)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("prog info of %s: %s", name, strerror(errno));
	return info.recursion_misses;
}

static void pin_map(struct bpf_map *map, const char *pin, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", pin, name);
	if (bpf_map__pin(map, path))
		die("pin %s: %s", path, strerror(errno));
}

static int cmd_attach(int argc, char **argv)
{
	struct inode_storage *skel;
	char path[4096];
	int i;

	if (argc < 3)
		die("usage: attach PIN DEVPATH PROG...");
	skel = open_with((const char *const *)argv + 2, argc - 2);
	skel->rodata->target_dev = kernel_dev(argv[1]);
	if (inode_storage__load(skel))
		die("load: %s", strerror(errno));
	if (mkdir(argv[0], 0700) && errno != EEXIST)
		die("mkdir %s: %s", argv[0], strerror(errno));
	for (i = 2; i < argc; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(skel->obj, argv[i]);
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link)
			die("attach %s: %s", argv[i], strerror(errno));
		snprintf(path, sizeof(path), "%s/%s", argv[0], argv[i]);
		if (bpf_link__pin(link, path))
			die("pin %s: %s", path, strerror(errno));
	}
	pin_map(skel->maps.counters, argv[0], "counters");
	pin_map(skel->maps.bss, argv[0], "stats");
	inode_storage__destroy(skel);
	return 0;
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

static int cmd_read(int argc, char **argv)
{
	struct inode_counter c;
	int map, i;

	if (argc < 2)
		die("usage: read PIN FILE...");
	map = pin_fd(argv[0], "counters");
	for (i = 1; i < argc; i++) {
		int fd = open_file(argv[i]);

		if (!bpf_map_lookup_elem(map, &fd, &c))
			printf("%s writes=%llu ino=%llu\n", argv[i],
			       (unsigned long long)c.writes,
			       (unsigned long long)c.ino);
		else if (errno == ENOENT)
			printf("%s none\n", argv[i]);
		else
			die("lookup %s: %s", argv[i], strerror(errno));
		close(fd);
	}
	return 0;
}

static int cmd_update(int argc, char **argv)
{
	struct inode_counter c = {};
	struct stat st;
	int map, fd;

	if (argc != 3)
		die("usage: update PIN FILE N");
	map = pin_fd(argv[0], "counters");
	fd = open_file(argv[1]);
	if (fstat(fd, &st))
		die("stat %s: %s", argv[1], strerror(errno));
	c.writes = strtoull(argv[2], NULL, 0);
	c.ino = st.st_ino;
	if (bpf_map_update_elem(map, &fd, &c, BPF_ANY))
		die("update %s: %s", argv[1], strerror(errno));
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	int map, fd;

	if (argc != 2)
		die("usage: delete PIN FILE");
	map = pin_fd(argv[0], "counters");
	fd = open_file(argv[1]);
	if (bpf_map_delete_elem(map, &fd))
		die("delete %s: %s", argv[1], strerror(errno));
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	struct inode_storage__bss bss;
	const struct {
		const char *name;
		const __u64 *value;
	} stats[] = {
		{ "counted", &bss.nr_counted },
		{ "no_storage", &bss.nr_no_storage },
		{ "deleted", &bss.nr_deleted },
		{ "nested", &bss.nr_nested },
		{ "nested_storage", &bss.nr_nested_storage },
		{ "selem_alloc", &bss.nr_selem_alloc },
		{ "selem_free", &bss.nr_selem_free },
		{ "late_tries", &bss.nr_late_tries },
		{ "late_storage", &bss.nr_late_storage },
		{ "early_tries", &bss.nr_early_tries },
		{ "early_storage", &bss.nr_early_storage },
		{ "failed_alloc_storage", &bss.nr_failed_alloc_storage },
		{ "sock_counted", &bss.nr_sock_counted },
		{ "sock_no_storage", &bss.nr_sock_no_storage },
		{ "walk_counted", &bss.nr_walk_counted },
		{ "walk_no_storage", &bss.nr_walk_no_storage },
		{ "alloc_failed", &bss.nr_alloc_failed },
		{ "recycled", &bss.nr_recycled },
		{ "recycle_failed", &bss.nr_recycle_failed },
		{ "unlink_refused", &bss.nr_unlink_refused },
		{ "rename_new_name", &bss.nr_rename_new_name },
		{ "rename_new_name_storage", &bss.nr_rename_new_name_storage },
		{ "rename_over_counted", &bss.nr_rename_over_counted },
	};
	int zero = 0, map;
	size_t i;

	if (argc != 1)
		die("usage: stats PIN");
	map = pin_fd(argv[0], "stats");
	if (bpf_map_lookup_elem(map, &zero, &bss))
		die("lookup stats: %s", strerror(errno));
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		printf("%s%s=%llu", i ? " " : "", stats[i].name,
		       (unsigned long long)*stats[i].value);
	putchar('\n');
	return 0;
}

/* misses PIN PROG...: prog_fd_misses() of each program pinned as a link. */
static int cmd_misses(int argc, char **argv)
{
	struct bpf_link_info link;
	__u32 len;
	int i, fd, prog;

	if (argc < 2)
		die("usage: misses PIN PROG...");
	for (i = 1; i < argc; i++) {
		fd = pin_fd(argv[0], argv[i]);
		len = sizeof(link);
		memset(&link, 0, sizeof(link));
		if (bpf_obj_get_info_by_fd(fd, &link, &len))
			die("link info of %s: %s", argv[i], strerror(errno));
		prog = bpf_prog_get_fd_by_id(link.prog_id);
		if (prog < 0)
			die("prog of %s: %s", argv[i], strerror(errno));
		printf("%s%s=%llu", i > 1 ? " " : "", argv[i],
		       (unsigned long long)prog_fd_misses(prog, argv[i]));
		close(prog);
		close(fd);
	}
	putchar('\n');
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	struct inode_storage *skel;
	int err;

	if (argc != 1)
		die("usage: load PROG");
	skel = open_with((const char *const *)argv, 1);
	err = inode_storage__load(skel);
	inode_storage__destroy(skel);
	printf("%s: %s\n", argv[0], err ? "refused" : "loaded");
	return err ? 1 : 0;
}

static int cmd_udp(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	struct inode_counter c;
	int map, fd, n, i;
	char buf[16];

	if (argc != 2)
		die("usage: udp PIN N");
	map = pin_fd(argv[0], "counters");
	n = atoi(argv[1]);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(fd, (struct sockaddr *)&addr, &len))
		die("udp socket on 127.0.0.1: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (sendto(fd, "objext", 6, 0, (struct sockaddr *)&addr,
			   sizeof(addr)) != 6)
			die("sendto: %s", strerror(errno));
		if (recv(fd, buf, sizeof(buf), 0) != 6)
			die("recv: %s", strerror(errno));
	}
	if (!bpf_map_lookup_elem(map, &fd, &c))
		printf("received=%d counter=%llu\n", n,
		       (unsigned long long)c.writes);
	else if (errno == ENOENT)
		printf("received=%d counter=none\n", n);
	else
		die("lookup: %s", strerror(errno));
	close(fd);
	return 0;
}

/* --- stress ------------------------------------------------------------- */

static const char *stress_dir;
static bool stress_stop;		/* __atomic: read by every thread */
static unsigned long stress_errors, stress_updates, stress_lost_races;

static void stress_error(const char *what, const char *path)
{
	fprintf(stderr, "bpf-inode-storage: stress: %s %s: %s\n", what, path,
		strerror(errno));
	__atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
}

static void *stress_files(void *arg)
{
	unsigned long id = (unsigned long)arg, n = 0;
	char path[4096];
	struct stat st;

	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%lu-%lu", stress_dir, id,
			 n++ % 64);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0) {
			stress_error("open", path);
			continue;
		}
		if (write(fd, "x", 1) != 1)
			stress_error("write", path);
		if (fstat(fd, &st) || stat(path, &st))
			stress_error("stat", path);
		close(fd);
		if (unlink(path))
			stress_error("unlink", path);
	}
	return (void *)n;
}

/*
 * Map churn, without attaching programs over and over (text patching of
 * a hot function under TCG is not what this test is about): create an
 * inode storage map, give storage through it to files the other threads
 * are busy unlinking, free the map; again.
 */
static void *stress_maps(void *arg)
{
	struct inode_counter c = {};
	unsigned long rounds = 0;
	char path[4096];

	(void)arg;
	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		struct inode_storage *skel = open_with(NULL, 0);
		int map, k;

		if (inode_storage__load(skel))
			die("stress: load: %s", strerror(errno));
		map = bpf_map__fd(skel->maps.counters);
		for (k = 0; k < 64; k++) {
			int fd;

			snprintf(path, sizeof(path), "%s/f%d-%d", stress_dir,
				 k % 4, k);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;	/* unlinked meanwhile */
			c.writes = k;
			/*
			 * EAGAIN: the fentry program was creating the inode's
			 * first storage at the same time; that is the
			 * documented outcome of the race, not an error.
			 */
			if (!bpf_map_update_elem(map, &fd, &c, BPF_ANY))
				stress_updates++;
			else if (errno == EAGAIN)
				stress_lost_races++;
			else
				stress_error("map update", path);
			close(fd);
		}
		usleep(5000);
		inode_storage__destroy(skel);
		rounds++;
	}
	return (void *)rounds;
}

static int cmd_stress(int argc, char **argv)
{
	static const char *const progs[] = { "count_write_fentry" };
	pthread_t maps, files[64];
	struct inode_storage *skel;
	int seconds, threads, i;
	unsigned long ops = 0;
	void *ret;

	if (argc != 3)
		die("usage: stress DIR SECONDS THREADS");
	stress_dir = argv[0];
	seconds = atoi(argv[1]);
	threads = atoi(argv[2]);
	if (threads < 1 || threads > 64)
		die("stress: 1 to 64 threads");

	/* The writers' storage: one fentry program for the whole run. */
	skel = open_with(progs, 1);
	skel->rodata->target_dev = kernel_dev(stress_dir);
	if (inode_storage__load(skel) || inode_storage__attach(skel))
		die("stress: load/attach: %s", strerror(errno));

	for (i = 0; i < threads; i++)
		pthread_create(&files[i], NULL, stress_files,
			       (void *)(unsigned long)i);
	pthread_create(&maps, NULL, stress_maps, NULL);
	sleep(seconds);
	__atomic_store_n(&stress_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < threads; i++) {
		pthread_join(files[i], &ret);
		ops += (unsigned long)ret;
	}
	pthread_join(maps, &ret);
	printf("stress: %lu file cycles, %llu writes counted, %lu maps, ",
	       ops, (unsigned long long)skel->bss->nr_counted,
	       (unsigned long)ret);
	printf("%lu map updates (%lu lost races), %lu errors\n",
	       stress_updates, stress_lost_races, stress_errors);
	inode_storage__destroy(skel);
	return stress_errors ? 1 : 0;
}

/* --- recycle ------------------------------------------------------------ */

#define RECYCLE_DIRS	16
#define RECYCLE_FILES	32

static unsigned long recycle_lookups, recycle_enomem;

/* An error the injected allocation failures explain, or a real one. */
static void recycle_result(int ret, const char *what, const char *path)
{
	if (!ret)
		return;
	if (errno == ENOMEM)
		__atomic_add_fetch(&recycle_enomem, 1, __ATOMIC_RELAXED);
	else
		stress_error(what, path);
}

static void *recycle_walk(void *arg)
{
	unsigned int seed = (unsigned long)arg, n = 0;
	char path[4096];
	struct stat st;

	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		unsigned int r = rand_r(&seed);
		int fd;

		snprintf(path, sizeof(path), "%s/d%u/f%u", stress_dir,
			 r % RECYCLE_DIRS, (r / RECYCLE_DIRS) % RECYCLE_FILES);
		recycle_result(stat(path, &st), "stat", path);
		if (r & (1u << 24)) {
			fd = open(path, O_RDONLY);
			recycle_result(fd < 0, "open", path);
			if (fd >= 0)
				close(fd);
		}
		n++;
	}
	__atomic_add_fetch(&recycle_lookups, n, __ATOMIC_RELAXED);
	return NULL;
}

/* Evict what the walkers just looked up, so that they find it reclaimable. */
static void drop_caches(const char *what)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd < 0 || write(fd, what, 1) != 1)
		stress_error(what, "> /proc/sys/vm/drop_caches");
	if (fd >= 0)
		close(fd);
}

static void *recycle_drop_caches(void *arg)
{
	(void)arg;
	drop_caches("4");	/* no more "drop_caches: 2" in the kernel log */
	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		drop_caches("2");	/* dentries and inodes */
		usleep(10000);
	}
	return NULL;
}

static __u64 recursion_misses(const struct bpf_program *prog)
{
	return prog_fd_misses(bpf_program__fd(prog), bpf_program__name(prog));
}

static int cmd_recycle(int argc, char **argv)
{
	static const char *const progs[] = {
		"create_on_permission", "fail_alloc_sometimes",
		"count_recycle", "count_recycle_fail",
		"count_selem_alloc", "count_selem_free",
	};
	pthread_t dropper, walkers[64];
	struct inode_storage *skel;
	int seconds, threads, i, j, tries;
	__u64 alloc_misses = 0, free_misses = 0;
	char path[4096];
	long left;

	if (argc != 3)
		die("usage: recycle DIR SECONDS THREADS");
	stress_dir = argv[0];
	seconds = atoi(argv[1]);
	threads = atoi(argv[2]);
	if (threads < 1 || threads > 64)
		die("recycle: 1 to 64 threads");

	skel = open_with(progs, sizeof(progs) / sizeof(progs[0]));
	skel->rodata->target_dev = kernel_dev(stress_dir);
	if (inode_storage__load(skel) || inode_storage__attach(skel))
		die("recycle: load/attach: %s", strerror(errno));

	for (i = 0; i < RECYCLE_DIRS; i++) {
		snprintf(path, sizeof(path), "%s/d%d", stress_dir, i);
		if (mkdir(path, 0755) && errno != EEXIST)
			die("mkdir %s: %s", path, strerror(errno));
		for (j = 0; j < RECYCLE_FILES; j++) {
			int fd;

			snprintf(path, sizeof(path), "%s/d%d/f%d", stress_dir,
				 i, j);
			fd = open(path, O_CREAT | O_WRONLY, 0644);
			if (fd < 0)
				die("create %s: %s", path, strerror(errno));
			close(fd);
		}
	}

	skel->bss->fail_alloc_one_in = 8;
	for (i = 0; i < threads; i++)
		pthread_create(&walkers[i], NULL, recycle_walk,
			       (void *)(unsigned long)(i + 1));
	pthread_create(&dropper, NULL, recycle_drop_caches, NULL);
	sleep(seconds);
	__atomic_store_n(&stress_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < threads; i++)
		pthread_join(walkers[i], NULL);
	pthread_join(dropper, NULL);
	skel->bss->fail_alloc_one_in = 0;

	printf("lookups=%lu enomem=%lu errors=%lu ", recycle_lookups,
	       recycle_enomem, stress_errors);
	printf("walk_counted=%llu walk_no_storage=%llu alloc_failed=%llu ",
	       (unsigned long long)skel->bss->nr_walk_counted,
	       (unsigned long long)skel->bss->nr_walk_no_storage,
	       (unsigned long long)skel->bss->nr_alloc_failed);
	printf("recycled=%llu recycle_failed=%llu\n",
	       (unsigned long long)skel->bss->nr_recycled,
	       (unsigned long long)skel->bss->nr_recycle_failed);

	/*
	 * With the map still alive, unmounting evicts every inode: their
	 * storage must go with them, not wait for the map to be freed.
	 */
	for (tries = 0; umount(stress_dir); tries++) {
		if (errno != EBUSY || tries == 50)
			die("umount %s: %s", stress_dir, strerror(errno));
		usleep(100000);
	}
	/*
	 * The element counts are exact unless their programs missed calls
	 * (recursion_misses()): a missed allocation makes the difference
	 * smaller, a missed free larger, so with no element left it lies
	 * within [-alloc_misses, free_misses].
	 */
	for (tries = 0; tries < 300; tries++) {
		left = skel->bss->nr_selem_alloc - skel->bss->nr_selem_free;
		alloc_misses = recursion_misses(skel->progs.count_selem_alloc);
		free_misses = recursion_misses(skel->progs.count_selem_free);
		if (left >= -(long)alloc_misses && left <= (long)free_misses)
			break;
		usleep(100000);
	}
	printf("elements_left=%ld selem_alloc_misses=%llu selem_free_misses=%llu\n",
	       left, (unsigned long long)alloc_misses,
	       (unsigned long long)free_misses);
	inode_storage__destroy(skel);
	return stress_errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "attach", cmd_attach }, { "read", cmd_read },
		{ "update", cmd_update }, { "delete", cmd_delete },
		{ "stats", cmd_stats },	  { "misses", cmd_misses },
		{ "load", cmd_load },
		{ "udp", cmd_udp },	  { "stress", cmd_stress },
		{ "recycle", cmd_recycle },
	};
	size_t i;

	if (argc < 2)
		die("usage: bpf-inode-storage %s ...",
		    "attach|read|update|delete|stats|misses|load|udp|stress|recycle");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	die("unknown command %s", argv[1]);
	return 2;
}
