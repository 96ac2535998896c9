// SPDX-License-Identifier: MIT
/*
 * capture: record an inventory read of a tree built in a temporary
 * directory, write the archive, extract it with libarchive into another
 * directory, and read the inventory again from there: it must be the same.
 * The archive holds symlinks as symlinks and nothing that was never read.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>

#include "sriov/capture.h"
#include "sriov/inventory.h"
#include "tree_util.h"

#define INV_FLAGS (INV_NO_NETLINK | INV_NO_NAMES | INV_KEEP_RTNL)

static char tree[TREE_PATH_MAX]; /* the tree captured */
static char work[TREE_PATH_MAX]; /* the archive, and the tree extracted from it */

struct entry {
	char *path;
	unsigned int type; /* AE_IF* */
	char *link;
	int64_t size;
};

struct entries {
	struct entry *v;
	size_t n;
};

static int setup(void **state)
{
	(void)state;
	tree_new(tree);
	tree_build_igb(tree);
	tree_write_igb_rtnl(tree);
	tree_new(work);
	tree_mkdir(work, "x");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(tree);
	tree_remove(work);
	return 0;
}

static void entries_free(struct entries *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].link);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const struct entry *entries_find(const struct entries *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

static void entries_add(struct entries *l, struct archive_entry *ent)
{
	struct entry *e;
	const char *link = archive_entry_symlink(ent);

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	e = &l->v[l->n++];
	e->path = strdup(archive_entry_pathname(ent));
	assert_non_null(e->path);
	/* tar stores directory names with a trailing slash */
	for (size_t n = strlen(e->path); n > 1 && e->path[n - 1] == '/'; n--)
		e->path[n - 1] = '\0';
	e->type = archive_entry_filetype(ent);
	e->link = link ? strdup(link) : NULL;
	e->size = archive_entry_size(ent);
}

static void copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &off)) == ARCHIVE_OK)
		assert_int_equal(archive_write_data_block(out, buf, size, off),
				 ARCHIVE_OK);
	assert_int_equal(r, ARCHIVE_EOF);
}

/*
 * Lists the archive into l and extracts it under dest, refusing ".." and
 * writing through symlinks (what a careful `tar x` would do).
 */
static void extract(const char *archive_path, const char *dest, struct entries *l)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *ent;
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	assert_true(cwd >= 0);
	assert_non_null(in);
	assert_non_null(out);
	memset(l, 0, sizeof(*l));
	assert_int_equal(archive_read_support_format_tar(in), ARCHIVE_OK);
	assert_int_equal(archive_write_disk_set_options(
				 out, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					      ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					      ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS),
			 ARCHIVE_OK);
	assert_int_equal(archive_read_open_filename(in, archive_path, 10240), ARCHIVE_OK);
	assert_int_equal(chdir(dest), 0);
	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		entries_add(l, ent);
		r = archive_write_header(out, ent);
		if (r != ARCHIVE_OK)
			fail_msg("extracting %s: %s", archive_entry_pathname(ent),
				 archive_error_string(out));
		if (archive_entry_size(ent) > 0)
			copy_data(in, out);
		assert_int_equal(archive_write_finish_entry(out), ARCHIVE_OK);
	}
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	assert_int_equal(r, ARCHIVE_EOF);
	assert_int_equal(archive_write_close(out), ARCHIVE_OK);
	archive_write_free(out);
	archive_read_free(in);
}

/* Reads the tree at dir; with record, records it and writes the archive. */
static void read_inventory(const char *dir, struct inventory *inv,
			   const char *archive_path)
{
	struct sriov_root *r;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(dir, &r, &e), 0);
	sriov_root_record(r, archive_path != NULL);
	assert_int_equal(sriov_inventory_read(r, INV_FLAGS, inv, &e), 0);
	sriov_root_record(r, false);
	if (archive_path) {
		if (sriov_capture_write(r, inv, archive_path, &e) < 0)
			fail_msg("capture: %s", e.msg);
		assert_int_equal(e.code, 0);
	}
	sriov_root_close(r);
}

/* ---- inventory equality --------------------------------------------------- */

static void assert_netdevs_equal(const struct netdev_info *a, size_t na,
				 const struct netdev_info *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].name, b[i].name);
		assert_string_equal(a[i].mac, b[i].mac);
		assert_string_equal(a[i].operstate, b[i].operstate);
		assert_int_equal(a[i].ifindex, b[i].ifindex);
	}
}

static void assert_vf_info_equal(const struct vf_info *a, const struct vf_info *b)
{
	assert_int_equal(a->index, b->index);
	assert_int_equal(a->has_mac, b->has_mac);
	assert_memory_equal(a->mac, b->mac, sizeof(a->mac));
	assert_int_equal(a->has_vlan, b->has_vlan);
	assert_int_equal(a->vlan, b->vlan);
	assert_int_equal(a->qos, b->qos);
	assert_int_equal(a->vlan_proto, b->vlan_proto);
	assert_int_equal(a->has_rate, b->has_rate);
	assert_int_equal(a->min_tx_rate, b->min_tx_rate);
	assert_int_equal(a->max_tx_rate, b->max_tx_rate);
	assert_int_equal(a->spoofchk, b->spoofchk);
	assert_int_equal(a->trust, b->trust);
	assert_int_equal(a->query_rss, b->query_rss);
	assert_int_equal(a->link_state, b->link_state);
}

static void assert_vf_equal(const struct vf *a, const struct vf *b)
{
	assert_int_equal(a->index, b->index);
	assert_string_equal(a->addr_str, b->addr_str);
	assert_int_equal(pci_addr_cmp(&a->addr, &b->addr), 0);
	assert_int_equal(a->device_id, b->device_id);
	assert_string_equal(a->driver, b->driver);
	assert_netdevs_equal(a->netdevs, a->n_netdevs, b->netdevs, b->n_netdevs);
	assert_int_equal(a->iommu_group, b->iommu_group);
	assert_int_equal(a->has_info, b->has_info);
	if (a->has_info)
		assert_vf_info_equal(&a->info, &b->info);
	assert_int_equal(a->addr_mismatch, b->addr_mismatch);
	assert_int_equal(pci_addr_cmp(&a->predicted, &b->predicted), 0);
}

static void assert_caps_equal(const struct pci_caps *a, const struct pci_caps *b)
{
	assert_int_equal(a->vendor_id, b->vendor_id);
	assert_int_equal(a->device_id, b->device_id);
	assert_int_equal(a->class_code, b->class_code);
	assert_int_equal(a->has_pcie, b->has_pcie);
	assert_int_equal(a->has_sriov, b->has_sriov);
	assert_int_equal(a->has_ari, b->has_ari);
	assert_int_equal(a->has_acs, b->has_acs);
	assert_int_equal(a->ext_space_read, b->ext_space_read);
	assert_int_equal(a->n_refs, b->n_refs);
	for (int i = 0; i < a->n_refs; i++) {
		assert_int_equal(a->refs[i].id, b->refs[i].id);
		assert_int_equal(a->refs[i].offset, b->refs[i].offset);
		assert_int_equal(a->refs[i].extended, b->refs[i].extended);
	}
	assert_int_equal(a->sriov.offset, b->sriov.offset);
	assert_int_equal(a->sriov.control_raw, b->sriov.control_raw);
	assert_int_equal(a->sriov.initial_vfs, b->sriov.initial_vfs);
	assert_int_equal(a->sriov.total_vfs, b->sriov.total_vfs);
	assert_int_equal(a->sriov.num_vfs, b->sriov.num_vfs);
	assert_int_equal(a->sriov.vf_offset, b->sriov.vf_offset);
	assert_int_equal(a->sriov.vf_stride, b->sriov.vf_stride);
	assert_int_equal(a->sriov.vf_device_id, b->sriov.vf_device_id);
	assert_int_equal(a->sriov.supported_page_sizes, b->sriov.supported_page_sizes);
	assert_int_equal(a->sriov.system_page_size, b->sriov.system_page_size);
	assert_int_equal(a->ari.next_function, b->ari.next_function);
}

static void assert_pf_equal(const struct pf *a, const struct pf *b)
{
	assert_string_equal(a->addr_str, b->addr_str);
	assert_int_equal(a->vendor_id, b->vendor_id);
	assert_int_equal(a->device_id, b->device_id);
	assert_int_equal(a->subsys_vendor_id, b->subsys_vendor_id);
	assert_int_equal(a->subsys_device_id, b->subsys_device_id);
	assert_int_equal(a->class_code, b->class_code);
	assert_int_equal(a->revision, b->revision);
	assert_string_equal(a->vendor_name, b->vendor_name);
	assert_string_equal(a->device_name, b->device_name);
	assert_string_equal(a->class_name, b->class_name);
	assert_string_equal(a->driver, b->driver);
	assert_string_equal(a->module, b->module);
	assert_int_equal(a->numa_node, b->numa_node);
	assert_int_equal(a->iommu_group, b->iommu_group);
	assert_netdevs_equal(a->netdevs, a->n_netdevs, b->netdevs, b->n_netdevs);
	assert_int_equal(a->total_vfs, b->total_vfs);
	assert_int_equal(a->num_vfs, b->num_vfs);
	assert_int_equal(a->drivers_autoprobe, b->drivers_autoprobe);
	assert_int_equal(a->sysfs_vf_offset, b->sysfs_vf_offset);
	assert_int_equal(a->sysfs_vf_stride, b->sysfs_vf_stride);
	assert_int_equal(a->sysfs_vf_device, b->sysfs_vf_device);
	assert_int_equal(a->has_caps, b->has_caps);
	assert_int_equal(a->config_partial, b->config_partial);
	assert_caps_equal(&a->caps, &b->caps);
	assert_int_equal(a->vf_list_truncated, b->vf_list_truncated);
	assert_int_equal(a->n_vfs, b->n_vfs);
	for (size_t j = 0; j < a->n_vfs; j++)
		assert_vf_equal(&a->vfs[j], &b->vfs[j]);
}

static void assert_inventory_equal(const struct inventory *a, const struct inventory *b)
{
	assert_int_equal(a->n_pfs, b->n_pfs);
	for (size_t i = 0; i < a->n_pfs; i++)
		assert_pf_equal(&a->pfs[i], &b->pfs[i]);
	assert_int_equal(a->n_groups, b->n_groups);
	for (size_t i = 0; i < a->n_groups; i++) {
		assert_int_equal(a->groups[i].id, b->groups[i].id);
		assert_int_equal(a->groups[i].n_members, b->groups[i].n_members);
		for (size_t j = 0; j < a->groups[i].n_members; j++)
			assert_string_equal(a->groups[i].members[j],
					    b->groups[i].members[j]);
	}
	assert_int_equal(a->n_notes, b->n_notes);
}

/* ---- tests ---------------------------------------------------------------- */

static void assert_link(const struct entries *l, const char *path, const char *target)
{
	const struct entry *e = entries_find(l, path);

	if (!e)
		fail_msg("%s: not in the archive", path);
	assert_int_equal(e->type, AE_IFLNK);
	assert_non_null(e->link);
	assert_string_equal(e->link, target);
}

static void assert_file(const struct entries *l, const char *path, int64_t size)
{
	const struct entry *e = entries_find(l, path);

	if (!e)
		fail_msg("%s: not in the archive", path);
	assert_int_equal(e->type, AE_IFREG);
	assert_int_equal(e->size, size);
}

static void assert_absent(const struct entries *l, const char *path)
{
	if (entries_find(l, path))
		fail_msg("%s: in the archive but never read", path);
}

static void test_round_trip(void **state)
{
	struct inventory before, after;
	struct entries l;
	char archive_path[TREE_PATH_MAX], dest[TREE_PATH_MAX];

	(void)state;
	tree_path(work, "capture.tar", archive_path);
	tree_path(work, "x", dest);
	read_inventory(tree, &before, archive_path);
	assert_int_equal(before.n_pfs, 1);
	assert_int_equal(before.pfs[0].n_vfs, 2);
	assert_true(before.pfs[0].vfs[1].has_info);

	extract(archive_path, dest, &l);
	read_inventory(dest, &after, NULL);
	assert_inventory_equal(&before, &after);
	/* and the values are the tree's, not two empty inventories */
	assert_string_equal(after.pfs[0].driver, "igb");
	assert_string_equal(after.pfs[0].module, "igb");
	assert_string_equal(after.pfs[0].netdevs[0].mac, TREE_IGB_MAC0);
	assert_int_equal(after.pfs[0].caps.sriov.total_vfs, 8);
	assert_string_equal(after.pfs[0].vfs[1].driver, "vfio-pci");
	assert_int_equal(after.pfs[0].vfs[1].info.vlan, 200);
	assert_int_equal(after.n_groups, 3);
	assert_int_equal(after.groups[0].n_members, 2);

	sriov_inventory_free(&before);
	sriov_inventory_free(&after);
	entries_free(&l);
}

static void test_archive_contents(void **state)
{
	uint32_t msg[1024];
	struct inventory inv;
	struct entries l;
	char archive_path[TREE_PATH_MAX], dest[TREE_PATH_MAX];

	(void)state;
	tree_path(work, "capture.tar", archive_path);
	tree_path(work, "x", dest);
	read_inventory(tree, &inv, archive_path);
	sriov_inventory_free(&inv);
	extract(archive_path, dest, &l);

	/* symlinks on the way are stored as symlinks, with their own text */
	assert_link(&l, "sys/bus/pci/devices/0000:01:00.0",
		    "../../../devices/pci0000:00/0000:00:02.0/0000:01:00.0");
	assert_link(&l, "sys/bus/pci/devices/0000:01:10.2",
		    "../../../devices/pci0000:00/0000:00:02.0/0000:01:10.2");
	assert_link(&l, "sys/class/net/eth0",
		    "../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/net/eth0");
	assert_link(&l, "sys/class/net/lo", "../../devices/virtual/net/lo");
	assert_link(&l, TREE_IGB_PF "/driver", "../../../../bus/pci/drivers/igb");
	assert_link(&l, TREE_IGB_PF "/iommu_group", "../../../../kernel/iommu_groups/8");
	assert_link(&l, TREE_IGB_PF "/virtfn1", "../0000:01:10.2");
	assert_link(&l, "sys/bus/pci/drivers/igb/module", "../../../../module/igb");
	assert_link(&l, TREE_IGB_VF1 "/driver", "../../../../bus/pci/drivers/vfio-pci");

	/* files with their contents; directories on the way */
	assert_file(&l, TREE_IGB_PF "/config", 4096);
	assert_file(&l, TREE_IGB_PF "/sriov_totalvfs", 2);
	assert_file(&l, TREE_IGB_PF "/net/eth0/address", strlen(TREE_IGB_MAC0) + 1);
	assert_file(&l, ".sriovctl/rtnl/eth0",
		    (int64_t)tree_igb_rtnl_msg(msg, sizeof(msg)));
	assert_non_null(entries_find(&l, ".sriovctl/capture-info"));
	assert_int_equal(entries_find(&l, "sys/devices/pci0000:00")->type, AE_IFDIR);
	assert_int_equal(entries_find(&l, "sys/bus/pci/devices")->type, AE_IFDIR);

	/* nothing that was never read */
	assert_absent(&l, TREE_IGB_PF "/secret");
	assert_absent(&l, TREE_IGB_VF0 "/physfn");
	assert_absent(&l, TREE_IGB_VF0 "/vendor");
	assert_absent(&l, "sys/module/igb"); /* the link is read, not followed */
	assert_absent(&l, "sys/kernel/iommu_groups/8");	 /* likewise */
	assert_absent(&l, "sys/devices/virtual/net/lo"); /* listed, not followed */
	assert_absent(&l, "sys/bus/pci/drivers/igb/0000:01:00.0");
	for (size_t i = 0; i < l.n; i++) {
		assert_true(l.v[i].path[0] != '/');
		assert_null(strstr(l.v[i].path, ".."));
		assert_null(strstr(l.v[i].path, "secret"));
		assert_true(l.v[i].type == AE_IFREG || l.v[i].type == AE_IFDIR ||
			    l.v[i].type == AE_IFLNK);
	}
	/* each path once */
	for (size_t i = 0; i < l.n; i++)
		for (size_t j = i + 1; j < l.n; j++)
			assert_string_not_equal(l.v[i].path, l.v[j].path);
	entries_free(&l);
}

/* Links that point out of the tree are archived as links and not followed out. */
static void test_escaping_links(void **state)
{
	struct inventory inv;
	struct entries l;
	char archive_path[TREE_PATH_MAX], dest[TREE_PATH_MAX];

	(void)state;
	tree_symlink(tree, TREE_IGB_PF "/driver", "/etc");
	tree_symlink(tree, "sys/bus/pci/devices/0000:01:00.0",
		     "../../../../../../../../../sys/devices/pci0000:00/0000:00:02.0/"
		     "0000:01:00.0");
	tree_path(work, "capture.tar", archive_path);
	tree_path(work, "x", dest);
	read_inventory(tree, &inv, archive_path);
	assert_int_equal(inv.n_pfs, 1);
	assert_string_equal(inv.pfs[0].driver, "etc");
	sriov_inventory_free(&inv);
	extract(archive_path, dest, &l);
	assert_link(&l, TREE_IGB_PF "/driver", "/etc");
	assert_absent(&l, "etc");
	assert_absent(&l, "etc/passwd");
	assert_file(&l, TREE_IGB_PF "/sriov_numvfs", 2);
	entries_free(&l);
}

/* A capture of an extracted capture holds the same inventory. */
static void test_capture_of_capture(void **state)
{
	struct inventory first, second;
	struct entries l;
	char a1[TREE_PATH_MAX], a2[TREE_PATH_MAX], d1[TREE_PATH_MAX], d2[TREE_PATH_MAX];

	(void)state;
	tree_path(work, "one.tar", a1);
	tree_path(work, "two.tar", a2);
	tree_path(work, "x", d1);
	tree_mkdir(work, "y");
	tree_path(work, "y", d2);
	read_inventory(tree, &first, a1);
	sriov_inventory_free(&first);
	extract(a1, d1, &l);
	entries_free(&l);
	read_inventory(d1, &first, a2);
	extract(a2, d2, &l);
	entries_free(&l);
	read_inventory(d2, &second, NULL);
	assert_inventory_equal(&first, &second);
	assert_true(second.pfs[0].vfs[0].has_info);
	sriov_inventory_free(&first);
	sriov_inventory_free(&second);
}

/* Capturing while the root still records must not disturb the record. */
static void test_capture_while_recording(void **state)
{
	struct sriov_dirent *ents;
	struct sriov_root *r;
	struct inventory inv;
	struct sriov_err e;
	struct entries l;
	char archive_path[TREE_PATH_MAX], dest[TREE_PATH_MAX], buf[16];
	const struct sriov_record *recs;
	size_t n;

	(void)state;
	tree_path(work, "capture.tar", archive_path);
	tree_path(work, "x", dest);
	assert_int_equal(sriov_root_open(tree, &r, NULL), 0);
	sriov_root_record(r, true);
	/* a directory listing first, then the record array filled to its capacity */
	assert_int_equal(sriov_list_dir(r, "/sys/bus/pci/devices", &ents, &n, NULL), 0);
	free(ents);
	while (sriov_root_recorded(r, &recs) < 256)
		assert_int_equal(sriov_read_attr(r, "/" TREE_IGB_PF "/sriov_numvfs", buf,
						 sizeof(buf), NULL),
				 0);
	memset(&inv, 0, sizeof(inv));
	sriov_err_clear(&e);
	assert_int_equal(sriov_capture_write(r, &inv, archive_path, &e), 0);
	/* the capture's own reads are not added to the record */
	assert_int_equal(sriov_root_recorded(r, &recs), 256);
	assert_string_equal(recs[0].path, "/sys/bus/pci/devices");
	sriov_root_close(r);
	extract(archive_path, dest, &l);
	assert_link(&l, "sys/bus/pci/devices/0000:01:00.0",
		    "../../../devices/pci0000:00/0000:00:02.0/0000:01:00.0");
	entries_free(&l);
}

static void test_write_errors(void **state)
{
	struct sriov_root *r;
	struct inventory inv;
	struct sriov_err e;
	char archive_path[TREE_PATH_MAX];

	(void)state;
	tree_path(work, "nosuchdir/capture.tar", archive_path);
	assert_int_equal(sriov_root_open(tree, &r, NULL), 0);
	memset(&inv, 0, sizeof(inv));
	sriov_err_clear(&e);
	assert_int_equal(sriov_capture_write(r, &inv, archive_path, &e), -ENOENT);
	assert_int_equal(e.code, -ENOENT);
	assert_non_null(strstr(e.msg, archive_path));
	sriov_root_close(r);
}

/* Nothing recorded: an archive with only the capture information. */
static void test_empty_capture(void **state)
{
	struct sriov_root *r;
	struct inventory inv;
	struct entries l;
	char archive_path[TREE_PATH_MAX], dest[TREE_PATH_MAX];

	(void)state;
	tree_path(work, "capture.tar", archive_path);
	tree_path(work, "x", dest);
	assert_int_equal(sriov_root_open(tree, &r, NULL), 0);
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(sriov_capture_write(r, &inv, archive_path, NULL), 0);
	sriov_root_close(r);
	extract(archive_path, dest, &l);
	assert_int_equal(l.n, 3);
	assert_non_null(entries_find(&l, ".sriovctl"));
	assert_non_null(entries_find(&l, ".sriovctl/capture-info"));
	assert_non_null(entries_find(&l, ".sriovctl/rtnl"));
	entries_free(&l);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_archive_contents),
		T(test_escaping_links),
		T(test_capture_of_capture),
		T(test_capture_while_recording),
		T(test_write_errors),
		T(test_empty_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
