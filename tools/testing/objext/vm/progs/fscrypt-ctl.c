// SPDX-License-Identifier: GPL-2.0
/*
 * fscrypt-ctl - drive the fscrypt v2 key and policy ioctls from a shell
 * test, as fscryptctl does (Debian 12 does not ship fscryptctl).
 *
 *   fscrypt-ctl add-key MNT          read a 64-byte raw key from stdin,
 *                                    add it to MNT's filesystem keyring,
 *                                    print its identifier (32 hex digits)
 *   fscrypt-ctl set-policy DIR ID    encrypt the empty directory DIR with
 *                                    the key ID (AES-256-XTS contents,
 *                                    AES-256-CTS names, 32-byte padding)
 *   fscrypt-ctl get-policy DIR       print "v2 ID" for DIR's policy, or
 *                                    "v1" for a v1 policy
 *   fscrypt-ctl key-status MNT ID    print present, absent or
 *                                    incompletely-removed
 *   fscrypt-ctl remove-key MNT ID    remove the key; print removed, or
 *                                    files-busy if files still use it
 *
 * Exit status 0 on success, 1 with the error on stderr if the ioctl
 * failed, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fscrypt.h>

#define RAW_KEY_SIZE	FSCRYPT_MAX_KEY_SIZE

static int usage(void)
{
	fprintf(stderr,
		"usage: fscrypt-ctl add-key MNT < KEY\n"
		"       fscrypt-ctl set-policy DIR ID\n"
		"       fscrypt-ctl get-policy DIR\n"
		"       fscrypt-ctl key-status MNT ID\n"
		"       fscrypt-ctl remove-key MNT ID\n");
	return 2;
}

static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "fscrypt-ctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "fscrypt-ctl: %s %s: %s\n", what, path,
		strerror(errno));
	return 1;
}

static void print_id(const __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	for (int i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++)
		printf("%02x", id[i]);
}

/* Parse 32 hex digits into @id; false if @hex is anything else. */
static bool parse_id(const char *hex, __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	if (strlen(hex) != 2 * FSCRYPT_KEY_IDENTIFIER_SIZE ||
	    strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
		return false;
	for (int i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return false;
		id[i] = byte;
	}
	return true;
}

static void fill_specifier(struct fscrypt_key_specifier *spec,
			   const __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	memset(spec, 0, sizeof(*spec));
	spec->type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	memcpy(spec->u.identifier, id, FSCRYPT_KEY_IDENTIFIER_SIZE);
}

static int add_key(const char *mnt)
{
	struct {
		struct fscrypt_add_key_arg arg;
		__u8 raw[RAW_KEY_SIZE];
	} req;
	size_t got = 0;
	int fd, ret = 0;

	memset(&req, 0, sizeof(req));
	while (got < RAW_KEY_SIZE) {
		ssize_t n = read(0, req.raw + got, RAW_KEY_SIZE - got);

		if (n <= 0) {
			fprintf(stderr, "fscrypt-ctl: need %d key bytes on stdin, got %zu\n",
				RAW_KEY_SIZE, got);
			return 1;
		}
		got += n;
	}
	req.arg.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	req.arg.raw_size = RAW_KEY_SIZE;
	fd = open_dir(mnt);
	if (ioctl(fd, FS_IOC_ADD_ENCRYPTION_KEY, &req.arg)) {
		ret = fail("FS_IOC_ADD_ENCRYPTION_KEY", mnt);
	} else {
		print_id(req.arg.key_spec.u.identifier);
		putchar('\n');
	}
	memset(&req, 0, sizeof(req));
	close(fd);
	return ret;
}

static int set_policy(const char *dir,
		      const __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_policy_v2 policy = {
		.version = FSCRYPT_POLICY_V2,
		.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS,
		.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS,
		.flags = FSCRYPT_POLICY_FLAGS_PAD_32,
	};
	int fd = open_dir(dir), ret = 0;

	memcpy(policy.master_key_identifier, id, FSCRYPT_KEY_IDENTIFIER_SIZE);
	if (ioctl(fd, FS_IOC_SET_ENCRYPTION_POLICY, &policy))
		ret = fail("FS_IOC_SET_ENCRYPTION_POLICY", dir);
	close(fd);
	return ret;
}

static int get_policy(const char *dir)
{
	struct fscrypt_get_policy_ex_arg arg = {
		.policy_size = sizeof(arg.policy),
	};
	int fd = open_dir(dir), ret = 0;

	if (ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg)) {
		ret = fail("FS_IOC_GET_ENCRYPTION_POLICY_EX", dir);
	} else if (arg.policy.version == FSCRYPT_POLICY_V2) {
		printf("v2 ");
		print_id(arg.policy.v2.master_key_identifier);
		putchar('\n');
	} else if (arg.policy.version == FSCRYPT_POLICY_V1) {
		puts("v1");
	} else {
		printf("version-%u\n", arg.policy.version);
	}
	close(fd);
	return ret;
}

static int key_status(const char *mnt,
		      const __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_get_key_status_arg arg;
	int fd = open_dir(mnt), ret = 0;

	memset(&arg, 0, sizeof(arg));
	fill_specifier(&arg.key_spec, id);
	if (ioctl(fd, FS_IOC_GET_ENCRYPTION_KEY_STATUS, &arg)) {
		ret = fail("FS_IOC_GET_ENCRYPTION_KEY_STATUS", mnt);
	} else {
		switch (arg.status) {
		case FSCRYPT_KEY_STATUS_ABSENT:
			puts("absent");
			break;
		case FSCRYPT_KEY_STATUS_PRESENT:
			puts("present");
			break;
		case FSCRYPT_KEY_STATUS_INCOMPLETELY_REMOVED:
			puts("incompletely-removed");
			break;
		default:
			printf("status-%u\n", arg.status);
		}
	}
	close(fd);
	return ret;
}

static int remove_key(const char *mnt,
		      const __u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE])
{
	struct fscrypt_remove_key_arg arg;
	int fd = open_dir(mnt), ret = 0;

	memset(&arg, 0, sizeof(arg));
	fill_specifier(&arg.key_spec, id);
	if (ioctl(fd, FS_IOC_REMOVE_ENCRYPTION_KEY, &arg))
		ret = fail("FS_IOC_REMOVE_ENCRYPTION_KEY", mnt);
	else if (arg.removal_status_flags &
		 FSCRYPT_KEY_REMOVAL_STATUS_FLAG_FILES_BUSY)
		puts("files-busy");
	else
		puts("removed");
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	__u8 id[FSCRYPT_KEY_IDENTIFIER_SIZE];
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc == 3 && !strcmp(cmd, "add-key"))
		return add_key(argv[2]);
	if (argc == 3 && !strcmp(cmd, "get-policy"))
		return get_policy(argv[2]);
	if (argc != 4 || !parse_id(argv[3], id))
		return usage();
	if (!strcmp(cmd, "set-policy"))
		return set_policy(argv[2], id);
	if (!strcmp(cmd, "key-status"))
		return key_status(argv[2], id);
	if (!strcmp(cmd, "remove-key"))
		return remove_key(argv[2], id);
	return usage();
}
