// SPDX-License-Identifier: GPL-2.0
/*
 * device-nodes - character and block device nodes made with mknod keep
 * working, and keep pointing at the right device, now that a character
 * device inode's place on its cdev's list lives in a lazily allocated
 * extension.
 *
 * Character devices: an input device created through uinput gets an
 * evdev node; nodes for it made with mknod in DIR deliver its events.
 * Destroying the device while a node is open makes reads fail, and once
 * the last file is closed the cdev lets go of every inode on its list
 * (cdev_purge()), so a new device that takes the same number is reached
 * through the old nodes.  A node removed while its device lives leaves
 * the list at eviction (cd_forget()).
 *
 * Block devices: a node made with mknod for a loop device reads the
 * backing file, and fails with ENXIO once the loop device is removed (or,
 * with CONFIG_BLOCK_LEGACY_AUTOLOAD, opens a new unbound device).
 *
 *   device-nodes DIR      DIR: a directory on the filesystem to test
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/input.h>
#include <linux/loop.h>
#include <linux/uinput.h>

#include "tap.h"

static const char *dir;

static void mkpath(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
}

/* A uinput device with one key; returns the uinput fd, or -1. */
static int input_create(const char *name)
{
	struct uinput_setup setup = { .id = { .bustype = BUS_VIRTUAL } };
	int fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		note("open /dev/uinput: %s", strerror(errno));
		return -1;
	}
	snprintf(setup.name, sizeof(setup.name), "%s", name);
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 ||
	    ioctl(fd, UI_SET_KEYBIT, KEY_A) < 0 ||
	    ioctl(fd, UI_DEV_SETUP, &setup) < 0 ||
	    ioctl(fd, UI_DEV_CREATE) < 0) {
		note("uinput setup: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The device number of the evdev node of uinput device @ufd, or 0. */
static dev_t input_evdev(int ufd)
{
	char sysname[64], path[PATH_MAX];
	unsigned int maj, min;
	struct dirent *de;
	dev_t dev = 0;
	FILE *f;
	DIR *d;

	if (ioctl(ufd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0) {
		note("UI_GET_SYSNAME: %s", strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/devices/virtual/input/%s", sysname);
	d = opendir(path);
	while (d && (de = readdir(d)) && !dev) {
		if (strncmp(de->d_name, "event", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/virtual/input/%s/%s/dev",
			 sysname, de->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%u:%u", &maj, &min) == 2)
			dev = makedev(maj, min);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	if (!dev)
		note("no evdev node under /sys/devices/virtual/input/%s", sysname);
	return dev;
}

static int input_key(int ufd, int value)
{
	struct input_event ev[2] = {
		{ .type = EV_KEY, .code = KEY_A, .value = value },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};

	return write(ufd, ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

/* True if @fd delivers a KEY_A event of @value within EVENT_MS. */
static bool got_key(int fd, int value)
{
	struct timespec end = deadline_after(EVENT_MS);
	struct input_event ev;

	while (wait_readable(fd, &end) > 0) {
		if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			note("read event: %s", strerror(errno));
			return false;
		}
		if (ev.type == EV_KEY && ev.code == KEY_A && ev.value == value)
			return true;
	}
	return false;
}

static int open_node(const char *path)
{
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

static void test_char(void)
{
	char node1[PATH_MAX], node2[PATH_MAX], node3[PATH_MAX];
	int ufd, fd1, fd2, fd3, err;
	struct input_event ev;
	struct stat st;
	dev_t dev, dev2;

	mkpath(node1, "event-a");
	mkpath(node2, "event-b");
	mkpath(node3, "event-c");
	ufd = input_create("objext-test-1");
	dev = ufd >= 0 ? input_evdev(ufd) : 0;
	if (!ok(dev != 0, "char: uinput made an input device with an evdev node"))
		return;
	ok(mknod(node1, S_IFCHR | 0600, dev) == 0 &&
	   mknod(node2, S_IFCHR | 0600, dev) == 0 &&
	   mknod(node3, S_IFCHR | 0600, dev) == 0,
	   "char: three nodes made with mknod for it");

	fd1 = open_node(node1);
	fd2 = open_node(node2);
	ok(fd1 >= 0 && fd2 >= 0, "char: two of the nodes open");
	input_key(ufd, 1);
	ok(got_key(fd1, 1) && got_key(fd2, 1), "char: both deliver the device's events");

	/* Evicting an opened node takes it off the cdev's list. */
	fd3 = open_node(node3);
	ok(fd3 >= 0, "char: the third node opens");
	close(fd3);
	ok(unlink(node3) == 0, "char: the third node is removed while the device lives");

	ok(ioctl(ufd, UI_DEV_DESTROY) == 0, "char: device destroyed with nodes open");
	ok(read(fd1, &ev, sizeof(ev)) < 0 && errno == ENODEV,
	   "char: reading an open node now fails with ENODEV");
	fd3 = open_node(node1);
	err = errno;
	ok(fd3 < 0 && err == ENODEV,
	   "char: while a file is open, a new open fails with ENODEV");
	if (fd3 >= 0)
		close(fd3);
	close(fd1);
	close(fd2);
	close(ufd);

	/* The last close let the cdev go; its inodes no longer point at it. */
	fd3 = open_node(node1);
	err = errno;
	ok(fd3 < 0 && err == ENXIO, "char: after the last close, open fails with ENXIO");
	if (fd3 >= 0)
		close(fd3);
	ok(stat(node1, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev,
	   "char: the nodes themselves remain");

	/*
	 * A new device with the same number is reached through the old
	 * nodes.  evdev gives a new device the lowest free minor, and the
	 * destroyed device's was the lowest (nothing else creates input
	 * devices in the VM), so the number is the same.
	 */
	ufd = input_create("objext-test-2");
	dev2 = ufd >= 0 ? input_evdev(ufd) : 0;
	if (!ok(dev2 == dev, "char: a new device takes the freed number")) {
		note("new device is %u:%u, old %u:%u", major(dev2), minor(dev2),
		     major(dev), minor(dev));
	} else {
		fd1 = open_node(node1);
		fd2 = open_node(node2);
		/* A press: input drops a release of a key that is not down. */
		input_key(ufd, 1);
		ok(fd1 >= 0 && fd2 >= 0 && got_key(fd1, 1) && got_key(fd2, 1),
		   "char: the old nodes reach the new device with the same number");
		close(fd1);
		close(fd2);
	}
	if (ufd >= 0) {
		ioctl(ufd, UI_DEV_DESTROY);
		close(ufd);
	}
	ok(unlink(node1) == 0 && unlink(node2) == 0, "char: nodes removed");
}

static void test_block(void)
{
	char img[PATH_MAX], node[PATH_MAX], loopdev[32], buf[16];
	struct loop_config cfg = { 0 };
	int ctl, nr, loop, imgfd, fd, err;
	struct stat st;

	mkpath(img, "loop.img");
	mkpath(node, "loop-node");
	imgfd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (imgfd < 0 || ftruncate(imgfd, 1 << 20) < 0 ||
	    pwrite(imgfd, "objext-block", 12, 4096) != 12) {
		ok(false, "block: backing file made");
		return;
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	nr = ctl >= 0 ? ioctl(ctl, LOOP_CTL_GET_FREE) : -1;
	snprintf(loopdev, sizeof(loopdev), "/dev/loop%d", nr);
	loop = nr >= 0 ? open(loopdev, O_RDWR | O_CLOEXEC) : -1;
	cfg.fd = imgfd;
	if (!ok(loop >= 0 && ioctl(loop, LOOP_CONFIGURE, &cfg) == 0 &&
		fstat(loop, &st) == 0,
		"block: %s attached to the backing file", loopdev)) {
		note("loop-control %d, free %d: %s", ctl, nr, strerror(errno));
		return;
	}
	ok(mknod(node, S_IFBLK | 0600, st.st_rdev) == 0, "block: node made with mknod");
	fd = open(node, O_RDONLY | O_CLOEXEC);
	ok(fd >= 0 && pread(fd, buf, 12, 4096) == 12 && !memcmp(buf, "objext-block", 12),
	   "block: the node reads the backing file");
	if (fd >= 0)
		close(fd);
	ok(ioctl(loop, LOOP_CLR_FD) == 0, "block: loop device detached");
	close(loop);
	ok(ioctl(ctl, LOOP_CTL_REMOVE, nr) == 0, "block: loop device removed");
	fd = open(node, O_RDONLY | O_CLOEXEC);
	err = errno;
	if (fd < 0) {
		ok(err == ENXIO, "block: the node now fails to open with ENXIO");
	} else {
		/*
		 * CONFIG_BLOCK_LEGACY_AUTOLOAD (Debian's kernel) makes a
		 * new, unbound loop device with the same number on open.
		 */
		struct loop_info64 info;

		note("open succeeded: a new loop device (CONFIG_BLOCK_LEGACY_AUTOLOAD)");
		ok(ioctl(fd, LOOP_GET_STATUS64, &info) < 0 && errno == ENXIO &&
		   pread(fd, buf, 12, 4096) != 12,
		   "block: the node now reaches a new, unbound device");
		close(fd);
	}
	ok(unlink(node) == 0 && unlink(img) == 0, "block: node and image removed");
	close(imgfd);
	close(ctl);
}

int main(int argc, char **argv)
{
	tap_start();
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	test_char();
	test_block();
	return done("device-nodes");
}
