// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for BPF inode local storage kept in an objext slot.
 *
 * Included at the end of bpf_inode_storage.c, so that the tests reach its
 * static functions and slot.  The inodes are zeroed struct inodes that only
 * the storage and objext code look at.
 */
#include <kunit/test.h>
#include <linux/filelock.h>
#include <linux/rcupdate_trace.h>

static struct bpf_map *inode_storage_test_map(struct kunit *test)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_INODE_STORAGE,
		.key_size = sizeof(int),
		.value_size = sizeof(u64),
		.map_flags = BPF_F_NO_PREALLOC,
	};
	struct bpf_map *map = inode_storage_map_alloc(&attr);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
	/* What map_create() does after ->map_alloc(). */
	map->ops = &inode_storage_map_ops;
	return map;
}

static struct bpf_local_storage_data *
inode_storage_test_update(struct inode *inode, struct bpf_map *map, u64 value)
{
	struct bpf_local_storage_data *sdata;

	/* As for a sleepable program, which may allocate with GFP_KERNEL. */
	rcu_read_lock_trace();
	bpf_inode_storage_lock();
	sdata = bpf_local_storage_update(inode,
					 (struct bpf_local_storage_map *)map,
					 &value, BPF_NOEXIST, GFP_KERNEL);
	bpf_inode_storage_unlock();
	rcu_read_unlock_trace();
	return sdata;
}

/*
 * Storage of a live inode is found, and destroyed with the inode: its
 * element leaves the storage and the map before the map is freed.
 */
static void inode_storage_test_create_destroy(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;
	struct bpf_local_storage *storage;

	KUNIT_ASSERT_NOT_NULL(test, inode);
	rcu_read_lock_trace();
	bpf_inode_storage_lock();
	sdata = inode_storage_create(inode, map, NULL, GFP_KERNEL, false);
	bpf_inode_storage_unlock();
	rcu_read_unlock_trace();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdata);

	/* RCU keeps the storage and the element from being freed. */
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, inode_storage_lookup(inode, map, false),
			    sdata);
	storage = inode_storage_of(inode);
	KUNIT_EXPECT_NOT_NULL(test, storage);
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	if (storage)
		KUNIT_EXPECT_TRUE(test, hlist_empty(&storage->list));
	KUNIT_EXPECT_TRUE(test, hlist_unhashed(&SELEM(sdata)->map_node));
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(inode->i_objext),
			    OBJEXT_DEAD);
	inode_storage_map_free(map);
}

/*
 * A sleepable program keeps the value it found under RCU tasks trace
 * alone (it may sleep in bpf_copy_from_user(), say), and the inode may
 * be torn down meanwhile: the value must outlive a normal grace period
 * and the kfree_rcu() batches behind it.  (KASAN reports the read if it
 * does not.)
 */
static void inode_storage_test_sleepable_reader(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;
	u64 *value = NULL;

	KUNIT_ASSERT_NOT_NULL(test, inode);
	sdata = inode_storage_test_update(inode, map, 42);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdata);

	rcu_read_lock_trace();
	rcu_read_lock();
	sdata = inode_storage_lookup(inode, map, false);
	if (sdata)
		value = (u64 *)sdata->data;
	rcu_read_unlock();
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	synchronize_rcu();
	kvfree_rcu_barrier();
	if (value)
		KUNIT_EXPECT_EQ(test, READ_ONCE(*value), 42);
	rcu_read_unlock_trace();
	KUNIT_EXPECT_NOT_NULL(test, value);
	inode_storage_map_free(map);
}

/*
 * A tracing program with interrupts off may run inside this CPU's hold of
 * the inode's objext lock (here taken by hand, as objext takes it).
 * Deleting the inode's last element there would spin on the lock for
 * ever to clear the slot: the helper must refuse, and the element must
 * stay until a delete outside the lock.
 */
static void inode_storage_test_delete_under_objext_lock(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	unsigned long *lockp = (unsigned long __force *)&inode->i_objext;
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;
	unsigned long word, flags;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, inode);
	sdata = inode_storage_test_update(inode, map, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdata);

	/* The lock as objext takes it: bit 0 of the pointer, interrupts off. */
	local_irq_save(flags);
	word = READ_ONCE(*lockp);
	WRITE_ONCE(*lockp, word | OBJEXT_LOCKED);
	rcu_read_lock();
	err = bpf_inode_storage_delete_recur((unsigned long)map,
					     (unsigned long)inode, 0, 0, 0);
	rcu_read_unlock();
	WRITE_ONCE(*lockp, word);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, err, -EBUSY);

	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, inode_storage_lookup(inode, map, false),
			    sdata);
	err = bpf_inode_storage_delete_recur((unsigned long)map,
					     (unsigned long)inode, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_NULL(test, inode_storage_lookup(inode, map, false));
	rcu_read_unlock();
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	inode_storage_map_free(map);
}

/*
 * A constructed inode takes no storage until inode_init_always() sets it
 * up: a tracing program that sees it in between (on the filesystem's
 * ->alloc_inode() or on inode_init_always_gfp()) must fail, or the
 * initialisation would lose the storage and the area that holds it.
 * A new slab object comes straight from inode_init_once(), which leaves
 * it as a torn-down inode would be.
 */
static void inode_storage_test_constructed(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;

	KUNIT_ASSERT_NOT_NULL(test, inode);
	inode_init_once(inode);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(inode->i_objext),
			    OBJEXT_DEAD);
	sdata = inode_storage_test_update(inode, map, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sdata), -ENOENT);
	/* Nothing to free if it failed; what a wrong success left, if not. */
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	inode_storage_map_free(map);
}

/*
 * An inode whose teardown has begun takes no storage: a creator without
 * a reference (an RCU path walker, say) that comes late fails.  XFS then
 * recycles the inode (inode_init_always() resets i_objext), and its new
 * life gets an area for a lock context only: storage created now lands
 * in the new life and is destroyed with it.
 */
static void inode_storage_test_recycled(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;
	struct bpf_local_storage *storage;

	if (!IS_ENABLED(CONFIG_FILE_LOCKING))
		kunit_skip(test, "needs the file lock slot for the new life");
	KUNIT_ASSERT_NOT_NULL(test, inode);
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	sdata = inode_storage_test_update(inode, map, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sdata), -ENOENT);

	RCU_INIT_POINTER(inode->i_objext, NULL);
#ifdef CONFIG_FILE_LOCKING
	KUNIT_ASSERT_EQ(test, inode_ext_reserve(inode, &file_lock_context_slot,
						GFP_KERNEL), 0);
#endif
	sdata = inode_storage_test_update(inode, map, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdata);

	rcu_read_lock();
	storage = inode_storage_of(inode);
	KUNIT_EXPECT_NOT_NULL(test, storage);
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	/* Destroyed with the inode: no element is left on it. */
	if (storage)
		KUNIT_EXPECT_TRUE(test, hlist_empty(&storage->list));
	rcu_read_unlock();
	inode_storage_map_free(map);
}

/*
 * Freeing a map while the inode's teardown has begun: unlinking the last
 * element frees the storage after a grace period, and must clear the
 * inode's slot first, or a reader (a tracing program on the dying inode,
 * the slot's destructor) would find the freed storage.
 */
static void inode_storage_test_map_free_during_teardown(struct kunit *test)
{
	struct inode *inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	struct bpf_map *map = inode_storage_test_map(test);
	struct bpf_local_storage_data *sdata;
	struct bpf_local_storage *storage;
	struct objext *ext;

	KUNIT_ASSERT_NOT_NULL(test, inode);
	sdata = inode_storage_test_update(inode, map, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdata);

	/*
	 * What objext_destroy() does first: close the area to new values.
	 * The destructors would run next; free the map in between.
	 */
	ext = objext_word_area(objext_word(&inode->i_objext));
	KUNIT_ASSERT_NOT_NULL(test, ext);
	WRITE_ONCE(ext->present, ext->present | OBJEXT_DYING);
#ifdef CONFIG_FILE_LOCKING
	/* Closed indeed: a slot without a cell gets none now. */
	KUNIT_EXPECT_EQ(test, inode_ext_reserve(inode, &file_lock_context_slot,
						GFP_KERNEL), -ENOENT);
#endif
	inode_storage_map_free(map);

	/* Only compared, never used: before the fix, it was freed. */
	rcu_read_lock();
	storage = inode_storage_of(inode);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, storage);
	objext_destroy(&inode_objext_host, &inode->i_objext, inode);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(inode->i_objext),
			    OBJEXT_DEAD);
}

static struct kunit_case inode_storage_test_cases[] = {
	KUNIT_CASE(inode_storage_test_create_destroy),
	KUNIT_CASE(inode_storage_test_sleepable_reader),
	KUNIT_CASE(inode_storage_test_delete_under_objext_lock),
	KUNIT_CASE(inode_storage_test_constructed),
	KUNIT_CASE(inode_storage_test_recycled),
	KUNIT_CASE(inode_storage_test_map_free_during_teardown),
	{}
};

static struct kunit_suite inode_storage_test_suite = {
	.name = "bpf_inode_storage",
	.test_cases = inode_storage_test_cases,
};

kunit_test_suite(inode_storage_test_suite);
