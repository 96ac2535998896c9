// SPDX-License-Identifier: MIT
/*
 * Driver binding over sysfs-like trees (tree_build_igb() plus the files the
 * kernel has for binding): driver names, the plans of bind/default/unbind,
 * the refusals (in use, group not viable, VFs enabled, no IOMMU group,
 * driver not loaded), the writes, and the verification. A tree has no
 * kernel: the tests move the driver link themselves between bind_apply()
 * and bind_verify(), as the kernel would.
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
#include <sys/wait.h>

#include <cmocka.h>

#include "sriov/bind.h"
#include "tree_util.h"

#define VF0	"0000:01:10.0" /* igbvf, group 9, eth1 */
#define VF1	"0000:01:10.2" /* vfio-pci, group 10 */
#define PF	"0000:01:00.0" /* igb, group 8 with 01:00.1, 2 VFs */
#define SIBLING "0000:01:00.1" /* no driver, group 8 */
#define PROBE	"sys/bus/pci/drivers_probe"
#define VF0_OVR TREE_IGB_VF0 "/driver_override"
#define VF1_OVR TREE_IGB_VF1 "/driver_override"
#define SIB_DIR "sys/devices/pci0000:00/0000:00:02.0/0000:01:00.1"

static char tree[TREE_PATH_MAX];
static struct sriov_root *root;

static int setup(void **state)
{
	struct sriov_err e;

	(void)state;
	tree_new(tree);
	tree_build_igb(tree);
	/* what the kernel has for binding, empty as a tree's files start */
	tree_writef(tree, PROBE, "%s", "");
	tree_writef(tree, "sys/bus/pci/drivers/igbvf/unbind", "%s", "");
	tree_writef(tree, "sys/bus/pci/drivers/vfio-pci/unbind", "%s", "");
	tree_writef(tree, "sys/bus/pci/drivers/igb/unbind", "%s", "");
	tree_writef(tree, VF0_OVR, "(null)\n");
	tree_writef(tree, VF1_OVR, "vfio-pci\n");
	tree_writef(tree, TREE_IGB_PF "/driver_override", "(null)\n");
	tree_writef(tree, SIB_DIR "/driver_override", "(null)\n");
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &root, &e), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sriov_root_close(root);
	tree_remove(tree);
	return 0;
}

static void read_tree_file(const char *rel, char *buf, size_t size)
{
	char path[TREE_PATH_MAX];
	ssize_t n;
	int fd;

	tree_path(tree, rel, path);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static void assert_tree_file(const char *rel, const char *want)
{
	char buf[256];

	read_tree_file(rel, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* the kernel's part: the function is now bound to driver */
static void kernel_binds(const char *fn_dir, const char *driver)
{
	char rel[TREE_PATH_MAX], target[64];

	snprintf(rel, sizeof(rel), "%s/driver", fn_dir);
	snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", driver);
	tree_symlink(tree, rel, target);
}

static struct bind_request req_bind(const char *driver)
{
	struct bind_request req = {.action = BIND_DRIVER, .driver = driver};

	return req;
}

static int plan(const char *addr, const struct bind_request *req, struct bind_plan *p,
		struct sriov_err *e)
{
	sriov_err_clear(e);
	return bind_plan(root, addr, req, NULL, p, e);
}

static void assert_step(const struct bind_plan *p, size_t i, const char *path,
			const char *value)
{
	assert_true(i < p->n_steps);
	assert_int_equal(p->steps[i].kind, BIND_STEP_WRITE);
	assert_string_equal(p->steps[i].path, path);
	assert_string_equal(p->steps[i].value, value);
}

/* ---- driver names ------------------------------------------------------------- */

static void test_driver_names(void **state)
{
	static const char *const good[] = {"vfio-pci", "mlx5_core", "igbvf", "a"};
	static const char *const bad[] = {"../x",     "a/b", "",      "..",  ".",
					  "vfio.pci", "a b", "drv\n", "x;rm"};
	char longest[BIND_DRIVER_NAME_MAX + 2];
	struct sriov_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(bind_driver_name_check(good[i], NULL), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sriov_err_clear(&e);
		assert_int_equal(bind_driver_name_check(bad[i], &e), -EINVAL);
		assert_non_null(strstr(e.msg, bad[i]));
	}
	assert_int_equal(bind_driver_name_check(NULL, NULL), -EINVAL);
	memset(longest, 'x', sizeof(longest));
	longest[BIND_DRIVER_NAME_MAX] = '\0';
	assert_int_equal(bind_driver_name_check(longest, NULL), 0);
	longest[BIND_DRIVER_NAME_MAX] = 'x';
	longest[BIND_DRIVER_NAME_MAX + 1] = '\0';
	assert_int_equal(bind_driver_name_check(longest, NULL), -EINVAL);
}

static void test_bad_address(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan("0000:01:10", &req, &p, &e), -EINVAL);
	assert_int_equal(plan("0000:42:00.0", &req, &p, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "0000:42:00.0"));
	req.driver = "../evil";
	assert_int_equal(plan(VF0, &req, &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "../evil"));
}

/* ---- bind to vfio-pci ----------------------------------------------------------- */

static void test_bind_vfio_plan_and_writes(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_string_equal(p.address, VF0);
	assert_string_equal(p.previous_driver, "igbvf");
	assert_string_equal(p.previous_override, "");
	assert_int_equal(p.iommu_group, 9);
	assert_true(p.is_vf);
	assert_false(p.nothing_to_do);
	assert_int_equal(p.n_steps, 3);
	assert_step(&p, 0, "/sys/bus/pci/devices/" VF0 "/driver_override", "vfio-pci");
	assert_step(&p, 1, "/sys/bus/pci/drivers/igbvf/unbind", VF0);
	assert_step(&p, 2, "/sys/bus/pci/drivers_probe", VF0);
	/* planning changed nothing */
	assert_tree_file(VF0_OVR, "(null)\n");
	assert_tree_file(PROBE, "");

	/* the tree has no kernel: the writes land, the driver stays igbvf */
	sriov_err_clear(&e);
	assert_int_equal(bind_apply(root, &p, &e), -EIO);
	assert_non_null(strstr(e.msg, "bound to igbvf"));
	for (size_t i = 0; i < p.n_steps; i++)
		assert_true(p.steps[i].done);
	assert_tree_file(VF0_OVR, "vfio-pci");
	assert_tree_file("sys/bus/pci/drivers/igbvf/unbind", VF0);
	assert_tree_file(PROBE, VF0);

	/* as the kernel would have: bound, and the group's node exists */
	kernel_binds(TREE_IGB_VF0, "vfio-pci");
	tree_writef(tree, "dev/vfio/9", "%s", "");
	sriov_err_clear(&e);
	assert_int_equal(bind_verify(root, &p, &e), 0);
	assert_string_equal(p.driver_after, "vfio-pci");
	assert_string_equal(p.override_after, "vfio-pci");
	assert_string_equal(p.vfio_device, "/dev/vfio/9");
	assert_int_equal(p.n_warnings, 0);
	bind_plan_free(&p);
}

static void test_bind_nothing_bound_after_probe(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	tree_unlink(tree, TREE_IGB_VF0 "/driver"); /* unbound, nothing took it */
	sriov_err_clear(&e);
	assert_int_equal(bind_verify(root, &p, &e), -EIO);
	assert_non_null(strstr(e.msg, "no driver bound"));
	assert_non_null(strstr(e.hint, "dmesg"));
	bind_plan_free(&p);
}

static void test_bind_vfio_without_node(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* VF1 is on vfio-pci already; /dev/vfio/10 is missing from the tree */
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_true(p.nothing_to_do);
	assert_int_equal(p.n_steps, 0);
	assert_int_equal(bind_apply(root, &p, &e), 0);
	assert_string_equal(p.vfio_device, "");
	assert_int_equal(p.n_warnings, 1);
	assert_non_null(strstr(p.warnings[0], "/dev/vfio/10"));
	bind_plan_free(&p);
}

static void test_bind_already_stale_override(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* bound to vfio-pci but the override names another driver: fix it only */
	tree_writef(tree, VF1_OVR, "igbvf\n");
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_false(p.nothing_to_do);
	assert_int_equal(p.n_steps, 1);
	assert_step(&p, 0, "/sys/bus/pci/devices/" VF1 "/driver_override", "vfio-pci");
	bind_plan_free(&p);
}

/* ---- refusals -------------------------------------------------------------------- */

static void test_group_not_viable(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	const char *companions[] = {PF};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* group 8: the sibling (no driver) shares it with the PF on igb */
	assert_int_equal(plan(SIBLING, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "IOMMU group 8"));
	assert_non_null(strstr(e.msg, PF " (igb)"));
	assert_non_null(strstr(e.hint, "--force"));
	req.force = true;
	assert_int_equal(plan(SIBLING, &req, &p, &e), 0);
	assert_int_equal(p.n_warnings, 1);
	assert_non_null(strstr(p.warnings[0], PF " (igb)"));
	assert_int_equal(p.n_steps, 2); /* override, probe: it has no driver */
	bind_plan_free(&p);
	/* the PF bound by the same command does not spoil it */
	req.force = false;
	req.companions = companions;
	req.n_companions = 1;
	assert_int_equal(plan(SIBLING, &req, &p, &e), 0);
	assert_int_equal(p.n_warnings, 0);
	bind_plan_free(&p);
}

static void test_group_not_viable_from_scan(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	char path[TREE_PATH_MAX];
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* a captured tree has no /sys/kernel/iommu_groups: the links tell */
	tree_path(tree, "sys/kernel/iommu_groups", path);
	tree_remove(path);
	assert_int_equal(plan(SIBLING, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, PF " (igb)"));
}

static void test_group_bridge_excepted(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* the root port (class 0604, pcieport) in VF0's group does not count */
	tree_symlink(tree, "sys/kernel/iommu_groups/9/devices/0000:00:02.0",
		     "../../../../devices/pci0000:00/0000:00:02.0");
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_int_equal(p.n_warnings, 0);
	bind_plan_free(&p);
	/* the same function as a plain device does */
	tree_writef(tree, "sys/devices/pci0000:00/0000:00:02.0/class", "0x020000\n");
	assert_int_equal(plan(VF0, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "0000:00:02.0 (pcieport)"));
}

static void test_no_iommu_group(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	tree_unlink(tree, TREE_IGB_VF0 "/iommu_group");
	assert_int_equal(plan(VF0, &req, &p, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "no IOMMU group"));
	assert_non_null(strstr(e.hint, "intel_iommu=on"));
	assert_non_null(strstr(e.hint, "amd_iommu=on"));
	/* other drivers do not need it */
	req.driver = "igb";
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	bind_plan_free(&p);
}

static void test_driver_not_loaded(void **state)
{
	struct bind_request req = req_bind("mlx5_core");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF0, &req, &p, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/sys/bus/pci/drivers/mlx5_core"));
	assert_non_null(strstr(e.hint, "modprobe mlx5_core"));
}

static void test_no_driver_override(void **state)
{
	struct bind_request req = req_bind("vfio-pci");
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	tree_unlink(tree, VF0_OVR);
	assert_int_equal(plan(VF0, &req, &p, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "driver_override"));
}

static void write_holder(int group)
{
	static const char cmdline[] = "qemu-system-x86_64\0-name\0guest=testvm\0";
	char target[32];

	snprintf(target, sizeof(target), "/dev/vfio/%d", group);
	tree_symlink(tree, "proc/4242/fd/17", target);
	tree_writef(tree, "proc/4242/comm", "qemu-system-x86\n");
	tree_write(tree, "proc/4242/cmdline", cmdline, sizeof(cmdline) - 1);
}

static void test_unbind_held(void **state)
{
	struct bind_request req = {.action = BIND_UNBIND};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	write_holder(10);
	assert_int_equal(plan(VF1, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "pid 4242"));
	assert_non_null(strstr(e.msg, "\"testvm\""));
	assert_non_null(strstr(e.msg, "/dev/vfio/10"));
	assert_int_equal(p.users.n, 0);
	/* rebinding away from vfio-pci is refused alike; so is default */
	req = req_bind("igbvf");
	tree_writef(tree, "sys/bus/pci/drivers/igbvf/bind", "%s", "");
	assert_int_equal(plan(VF1, &req, &p, &e), -EBUSY);
	req.action = BIND_DEFAULT;
	assert_int_equal(plan(VF1, &req, &p, &e), -EBUSY);
	/* forced: planned, the users kept and warned about */
	req.action = BIND_UNBIND;
	req.force = true;
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_int_equal(p.users.n, 1);
	assert_int_equal(p.users.v[0].pid, 4242);
	assert_int_equal(p.n_warnings, 1);
	assert_non_null(strstr(p.warnings[0], "forced"));
	assert_int_equal(p.n_steps, 1);
	assert_step(&p, 0, "/sys/bus/pci/drivers/vfio-pci/unbind", VF1);
	bind_plan_free(&p);
}

static void test_unbind_netdev_in_use(void **state)
{
	struct bind_request req = {.action = BIND_UNBIND};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/flags", "0x1003\n");
	tree_writef(tree, "proc/net/route",
		    "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU"
		    "\tWindow\tIRTT\n"
		    "eth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
	assert_int_equal(plan(VF0, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "eth1 is up with the default route"));
	/* down: not in use */
	tree_writef(tree, TREE_IGB_VF0 "/net/eth1/flags", "0x1002\n");
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_int_equal(p.n_steps, 1);
	assert_step(&p, 0, "/sys/bus/pci/drivers/igbvf/unbind", VF0);
	bind_plan_free(&p);
}

static void test_unbind_pf_with_vfs(void **state)
{
	struct bind_request req = {.action = BIND_UNBIND};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(PF, &req, &p, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "2 VFs enabled"));
	assert_non_null(strstr(e.hint, "sriovctl disable"));
	req.force = true;
	assert_int_equal(plan(PF, &req, &p, &e), 0);
	assert_int_equal(p.n_warnings, 1);
	bind_plan_free(&p);
	/* with no VFs enabled it is a plain unbind */
	tree_writef(tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	req.force = false;
	assert_int_equal(plan(PF, &req, &p, &e), 0);
	bind_plan_free(&p);
}

/* ---- unbind and default ---------------------------------------------------------- */

static void test_unbind_applied(void **state)
{
	struct bind_request req = {.action = BIND_UNBIND};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_int_equal(bind_apply(root, &p, &e), -EIO);
	assert_non_null(strstr(e.msg, "still bound to vfio-pci"));
	assert_tree_file("sys/bus/pci/drivers/vfio-pci/unbind", VF1);
	tree_unlink(tree, TREE_IGB_VF1 "/driver");
	assert_int_equal(bind_verify(root, &p, &e), 0);
	assert_string_equal(p.driver_after, "");
	assert_string_equal(p.override_after, "vfio-pci"); /* kept */
	bind_plan_free(&p);
	/* unbound already: nothing to do */
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_true(p.nothing_to_do);
	assert_int_equal(bind_apply(root, &p, &e), 0);
	bind_plan_free(&p);
}

static void test_default_from_vfio(void **state)
{
	struct bind_request req = {.action = BIND_DEFAULT};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_string_equal(p.previous_override, "vfio-pci");
	assert_int_equal(p.n_steps, 3);
	assert_step(&p, 0, "/sys/bus/pci/devices/" VF1 "/driver_override", "\n");
	assert_step(&p, 1, "/sys/bus/pci/drivers/vfio-pci/unbind", VF1);
	assert_step(&p, 2, "/sys/bus/pci/drivers_probe", VF1);
	bind_apply(root, &p, &e); /* no kernel: the link does not move */
	for (size_t i = 0; i < p.n_steps; i++)
		assert_true(p.steps[i].done);
	assert_tree_file("sys/bus/pci/drivers/vfio-pci/unbind", VF1);
	assert_tree_file(PROBE, VF1);
	/* an override the kernel did not clear is a failure */
	tree_writef(tree, VF1_OVR, "vfio-pci\n");
	assert_int_equal(bind_verify(root, &p, &e), -EIO);
	assert_non_null(strstr(e.msg, "driver_override still reads vfio-pci"));
	/* as the kernel: override cleared, igbvf took the VF */
	tree_writef(tree, VF1_OVR, "(null)\n");
	kernel_binds(TREE_IGB_VF1, "igbvf");
	assert_int_equal(bind_verify(root, &p, &e), 0);
	assert_string_equal(p.driver_after, "igbvf");
	assert_string_equal(p.override_after, "");
	assert_int_equal(p.n_warnings, 0);
	bind_plan_free(&p);
	/* now it has no override: nothing to do */
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	assert_true(p.nothing_to_do);
	bind_plan_free(&p);
}

static void test_default_nothing_binds(void **state)
{
	struct bind_request req = {.action = BIND_DEFAULT};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	assert_int_equal(plan(VF1, &req, &p, &e), 0);
	tree_writef(tree, VF1_OVR, "(null)\n");
	tree_unlink(tree, TREE_IGB_VF1 "/driver");
	assert_int_equal(bind_verify(root, &p, &e), 0);
	assert_int_equal(p.n_warnings, 1);
	assert_non_null(strstr(p.warnings[0], "no loaded driver claimed it"));
	/* the PF does not autoprobe its VFs: that is the reason given */
	tree_writef(tree, TREE_IGB_PF "/sriov_drivers_autoprobe", "0\n");
	p.n_warnings = 0;
	assert_int_equal(bind_verify(root, &p, &e), 0);
	assert_non_null(strstr(p.warnings[0], "sriov_drivers_autoprobe is 0"));
	bind_plan_free(&p);
}

static void test_default_override_not_in_effect(void **state)
{
	struct bind_request req = {.action = BIND_DEFAULT};
	struct bind_plan p;
	struct sriov_err e;

	(void)state;
	/* override set while bound to another driver: only the override goes */
	tree_writef(tree, VF0_OVR, "vfio-pci\n");
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_int_equal(p.n_steps, 1);
	assert_step(&p, 0, "/sys/bus/pci/devices/" VF0 "/driver_override", "\n");
	bind_plan_free(&p);
	/* unbound and no override: probe only */
	tree_writef(tree, VF0_OVR, "(null)\n");
	tree_unlink(tree, TREE_IGB_VF0 "/driver");
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_int_equal(p.n_steps, 1);
	assert_step(&p, 0, "/sys/bus/pci/drivers_probe", VF0);
	bind_plan_free(&p);
}

/* ---- a write the kernel blocks ------------------------------------------------ */

static void test_blocking_write_times_out(void **state)
{
	struct bind_request req = {.action = BIND_UNBIND, .timeout_ms = 200};
	char path[TREE_PATH_MAX];
	struct bind_plan p;
	struct sriov_err e;
	int fd, status;

	(void)state;
	/* a FIFO nobody reads: opening it for writing blocks, like a held unbind */
	tree_path(tree, "sys/bus/pci/drivers/igbvf/unbind", path);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(plan(VF0, &req, &p, &e), 0);
	assert_int_equal(bind_apply(root, &p, &e), -ETIMEDOUT);
	assert_non_null(strstr(e.msg, "has not returned"));
	assert_false(p.steps[0].done);
	/* let the writer finish, and reap it */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(wait(&status) > 0);
	close(fd);
	bind_plan_free(&p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_names),
		T(test_bad_address),
		T(test_bind_vfio_plan_and_writes),
		T(test_bind_nothing_bound_after_probe),
		T(test_bind_vfio_without_node),
		T(test_bind_already_stale_override),
		T(test_group_not_viable),
		T(test_group_not_viable_from_scan),
		T(test_group_bridge_excepted),
		T(test_no_iommu_group),
		T(test_driver_not_loaded),
		T(test_no_driver_override),
		T(test_unbind_held),
		T(test_unbind_netdev_in_use),
		T(test_unbind_pf_with_vfs),
		T(test_unbind_applied),
		T(test_default_from_vfio),
		T(test_default_nothing_binds),
		T(test_default_override_not_in_effect),
		T(test_blocking_write_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
