// SPDX-License-Identifier: GPL-2.0
/*
 * BPF side of the inode storage tests: per-inode write counters kept in
 * BPF inode local storage.  Every program is off by default ("?"); the
 * loader, bpf-inode-storage.c, turns on the ones a test asks for.
 *
 * Only inodes of the filesystem whose device the loader puts in
 * target_dev are counted, so that the test shell's own writes elsewhere
 * do not create storage.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "inode_storage.h"

char LICENSE[] SEC("license") = "GPL";

#define MAY_WRITE	0x2

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inode_counter);
} counters SEC(".maps");

const volatile __u32 target_dev;

/* Read by the loader through the skeleton's bss. */
__u64 nr_counted;
__u64 nr_no_storage;
__u64 nr_deleted;
__u64 nr_nested;
__u64 nr_nested_storage;
__u64 nr_selem_alloc;
__u64 nr_selem_free;
__u64 nr_late_tries;
__u64 nr_late_storage;
__u64 nr_early_tries;
__u64 nr_early_storage;
__u64 nr_failed_alloc_storage;
__u64 nr_sock_counted;
__u64 nr_sock_no_storage;
__u64 nr_walk_counted;
__u64 nr_walk_no_storage;
__u64 nr_alloc_failed;
__u64 nr_recycled;
__u64 nr_recycle_failed;
__u64 nr_unlink_refused;
__u64 nr_rename_new_name;
__u64 nr_rename_new_name_storage;
__u64 nr_rename_over_counted;

/* Set by the loader: fail one in this many inode allocations (0: none). */
__u32 fail_alloc_one_in;

/*
 * One more event in INODE's counter, created if need be; *COUNTED or
 * *NO_STORAGE counts whether the storage was there.
 */
static __always_inline void count_in_storage(struct inode *inode,
					     __u64 *counted, __u64 *no_storage)
{
	struct inode_counter *c;

	c = bpf_inode_storage_get(&counters, inode, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c) {
		__sync_fetch_and_add(no_storage, 1);
		return;
	}
	__sync_fetch_and_add(&c->writes, 1);
	c->ino = inode->i_ino;
	__sync_fetch_and_add(counted, 1);
}

/*
 * One try at creating storage for INODE where none should come, counted
 * in *TRIES, and in *GOT if some came.
 */
static __always_inline void try_create(struct inode *inode, __u64 *tries,
				       __u64 *got)
{
	__sync_fetch_and_add(tries, 1);
	if (bpf_inode_storage_get(&counters, inode, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE))
		__sync_fetch_and_add(got, 1);
}

static void count_write(struct inode *inode)
{
	if (inode->i_sb->s_dev == target_dev)
		count_in_storage(inode, &nr_counted, &nr_no_storage);
}

/* Tracing: every write(2) and friends, before anything else happens. */
SEC("?fentry/vfs_write")
int BPF_PROG(count_write_fentry, struct file *file)
{
	count_write(file->f_inode);
	return 0;
}

/* fsync() drops the counter of the file, from a tracing program. */
SEC("?fentry/vfs_fsync_range")
int BPF_PROG(drop_on_fsync, struct file *file)
{
	struct inode *inode = file->f_inode;

	if (inode->i_sb->s_dev != target_dev)
		return 0;
	if (!bpf_inode_storage_delete(&counters, inode))
		__sync_fetch_and_add(&nr_deleted, 1);
	return 0;
}

/*
 * Memory curve (bench/memcurve.c): storage for every file opened on the
 * target filesystem, as a BPF LSM that tags each inode it sees would have.
 */
SEC("?lsm/file_open")
int BPF_PROG(count_open, struct file *file)
{
	count_write(file->f_inode);
	return 0;
}

/* The same counter from the BPF LSM, as inode storage always allowed. */
SEC("?lsm/file_permission")
int BPF_PROG(count_write_lsm, struct file *file, int mask)
{
	if (mask & MAY_WRITE)
		count_write(file->f_inode);
	return 0;
}

/*
 * Benchmark (bench/guest.sh): a lookup on every write, which finds the
 * file's storage or not depending on what the bench set up.
 */
SEC("?lsm/file_permission")
int BPF_PROG(storage_get_lsm, struct file *file, int mask)
{
	struct inode *inode = file->f_inode;
	struct inode_counter *c;

	if (inode->i_sb->s_dev != target_dev)
		return 0;
	c = bpf_inode_storage_get(&counters, inode, 0, 0);
	if (c)
		c->writes++;
	return 0;
}

/*
 * Fires inside the storage code, while another program's helper call (or
 * a map syscall) is creating an element, and asks for storage on the
 * current directory.  The recursion guard must make the helper return
 * NULL without creating anything rather than take the storage locks
 * again.
 */
SEC("?fentry/bpf_selem_alloc")
int BPF_PROG(nested_get)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct inode *cwd = task->fs->pwd.dentry->d_inode;

	try_create(cwd, &nr_nested, &nr_nested_storage);
	return 0;
}

/*
 * Too late: an inode that __destroy_inode() has torn down must not get
 * storage any more, which nobody would free.
 */
SEC("?fexit/__destroy_inode")
int BPF_PROG(create_after_destroy, struct inode *inode)
{
	if (inode->i_sb->s_dev != target_dev)
		return 0;
	try_create(inode, &nr_late_tries, &nr_late_storage);
	return 0;
}

/*
 * Too early: an inode that inode_init_always() has not set up yet must
 * not get storage either, which the initialisation would lose.  A new
 * slab object comes here straight from inode_init_once(), a reused one
 * as its last life's teardown left it.
 */
SEC("?fentry/inode_init_always_gfp")
int BPF_PROG(create_before_init, struct super_block *sb, struct inode *inode)
{
	if (sb->s_dev != target_dev)
		return 0;
	try_create(inode, &nr_early_tries, &nr_early_storage);
	return 0;
}

/*
 * An LSM that attaches storage to a new inode and then fails its
 * allocation: the inode is freed without __destroy_inode(), and its
 * storage must go with it.
 */
SEC("?lsm/inode_alloc_security")
int BPF_PROG(create_then_fail_alloc, struct inode *inode)
{
	if (inode->i_sb->s_dev != target_dev)
		return 0;
	if (bpf_inode_storage_get(&counters, inode, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE))
		__sync_fetch_and_add(&nr_failed_alloc_storage, 1);
	return -12;	/* -ENOMEM */
}

/*
 * An LSM that acts on what it keeps, as inode storage is meant for: a
 * file of the target filesystem that has been written to (its counter
 * exists and is not zero) cannot be unlinked.
 */
SEC("?lsm/inode_unlink")
int BPF_PROG(refuse_unlink_written, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	struct inode_counter *c;

	if (!inode || inode->i_sb->s_dev != target_dev)
		return 0;
	c = bpf_inode_storage_get(&counters, inode, 0, 0);
	if (!c || !c->writes)
		return 0;
	__sync_fetch_and_add(&nr_unlink_refused, 1);
	return -1;	/* -EPERM */
}

#define DCACHE_ENTRY_TYPE	(7 << 20)	/* 0: a negative dentry */

/*
 * Storage of a rename's target, asked for with F_CREATE: the inode is
 * NULL when the new name does not exist yet, and the helper must then
 * return NULL, as it always has for LSM programs.  (The verifier takes
 * a pointer walked to from a typed one as never NULL and would drop a
 * test of it: the dentry's type says whether it is negative.)
 */
SEC("?lsm/inode_rename")
int BPF_PROG(storage_of_rename_target, struct inode *old_dir,
	     struct dentry *old_dentry, struct inode *new_dir,
	     struct dentry *new_dentry)
{
	bool negative = !(new_dentry->d_flags & DCACHE_ENTRY_TYPE);
	struct inode_counter *c;

	if (new_dir->i_sb->s_dev != target_dev)
		return 0;
	c = bpf_inode_storage_get(&counters, new_dentry->d_inode, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (negative) {
		__sync_fetch_and_add(&nr_rename_new_name, 1);
		if (c)
			__sync_fetch_and_add(&nr_rename_new_name_storage, 1);
	} else if (c && c->writes) {
		__sync_fetch_and_add(&nr_rename_over_counted, 1);
	}
	return 0;
}

/*
 * Element accounting for every local storage map: elements allocated
 * minus elements handed to bpf_selem_free() (which frees them after a
 * grace period) is the number of live elements, exactly, where
 * /proc/slabinfo would drown them in other kmalloc users.
 */
SEC("?fexit/bpf_selem_alloc")
int BPF_PROG(count_selem_alloc, struct bpf_local_storage_map *smap,
	     void *owner, void *value, bool charge_mem, gfp_t gfp_flags,
	     struct bpf_local_storage_elem *selem)
{
	if (selem)
		__sync_fetch_and_add(&nr_selem_alloc, 1);
	return 0;
}

SEC("?fentry/bpf_selem_free")
int BPF_PROG(count_selem_free)
{
	__sync_fetch_and_add(&nr_selem_free, 1);
	return 0;
}

/*
 * Packet receive runs in softirq: a BPF LSM program there that creates
 * storage on the receiving socket's inode (sockfs) must neither deadlock
 * nor teach lockdep an inconsistent lock state.  Counts the datagrams
 * each socket received, in the socket inode's storage.
 */
SEC("?lsm/socket_sock_rcv_skb")
int BPF_PROG(count_sock_rcv, struct sock *sk, struct sk_buff *skb)
{
	struct socket *sock = sk->sk_socket;

	if (!sock || !sock->file || sk->__sk_common.skc_family != 2 /* AF_INET */)
		return 0;
	count_in_storage(sock->file->f_inode, &nr_sock_counted,
			 &nr_sock_no_storage);
	return 0;
}

/*
 * Path walk, RCU mode included: every inode of the target filesystem that
 * a lookup or an open passes gets storage, whatever state its life is in
 * (XFS recycles an evicted inode while RCU walkers may still look at it).
 */
SEC("?lsm/inode_permission")
int BPF_PROG(create_on_permission, struct inode *inode, int mask)
{
	if (inode->i_sb->s_dev == target_dev)
		count_in_storage(inode, &nr_walk_counted, &nr_walk_no_storage);
	return 0;
}

/*
 * An LSM whose inode allocation fails now and then: inode_init_always()
 * fails, for a new inode and for an XFS inode being recycled alike.
 */
SEC("?lsm/inode_alloc_security")
int BPF_PROG(fail_alloc_sometimes, struct inode *inode)
{
	__u32 one_in = fail_alloc_one_in;

	if (inode->i_sb->s_dev != target_dev || !one_in ||
	    bpf_get_prandom_u32() % one_in)
		return 0;
	__sync_fetch_and_add(&nr_alloc_failed, 1);
	return -12;	/* -ENOMEM */
}

/* XFS brought an evicted, not yet reclaimed inode back to life... */
SEC("?raw_tp/xfs_iget_recycle")
int count_recycle(void *ctx)
{
	__sync_fetch_and_add(&nr_recycled, 1);
	return 0;
}

/* ...or failed to, and put it back on the reclaim list. */
SEC("?raw_tp/xfs_iget_recycle_fail")
int count_recycle_fail(void *ctx)
{
	__sync_fetch_and_add(&nr_recycle_failed, 1);
	return 0;
}

/*
 * Must not load: the verifier knows that this pointer is a file, whatever
 * the C cast says, and the helper wants an inode.
 */
SEC("?fentry/vfs_write")
int BPF_PROG(fentry_file_as_inode, struct file *file)
{
	bpf_inode_storage_get(&counters, (struct inode *)file, 0,
			      BPF_LOCAL_STORAGE_GET_F_CREATE);
	return 0;
}

/*
 * Must not load: kprobes have no typed pointers, only numbers, and are
 * not offered the inode storage helpers at all.
 */
SEC("?kprobe/vfs_write")
int BPF_KPROBE(kprobe_scalar_inode, struct file *file)
{
	bpf_inode_storage_get(&counters, (struct inode *)file, 0,
			      BPF_LOCAL_STORAGE_GET_F_CREATE);
	return 0;
}
