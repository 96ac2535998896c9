// SPDX-License-Identifier: MIT
/*
 * Setting the VF count on sysfs-like trees (tree_build_igb(): 82576 PF with
 * 2 of 7 VFs, capability TotalVFs 8): the checks before any write (limit and
 * its source, VFs in use, autoprobe), the planned steps, the writes and the
 * read-back, the bounded wait for links/drivers/netdevs/udev, a write that
 * blocks (a FIFO in place of sriov_numvfs: a writer with no reader blocks in
 * open), and the diagnosis of the kernel's errors from its log lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "sriov/ops.h"
#include "tree_util.h"

#define VF2_DIR "sys/devices/pci0000:00/0000:00:02.0/0000:01:10.4"
#define VF3_DIR "sys/devices/pci0000:00/0000:00:02.0/0000:01:10.6"

struct fixture {
	char tree[TREE_PATH_MAX];
	struct sriov_root *root;
	struct inventory inv;
	bool have_inv;
	struct fn_user users[2];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tree_new(f->tree);
	tree_build_igb(f->tree);
	assert_int_equal(sriov_root_open(f->tree, &f->root, NULL), 0);
	*state = f;
	return 0;
}

static void drop_inventory(struct fixture *f)
{
	if (!f->have_inv)
		return;
	/* users the test put in are its own, not the inventory's */
	for (size_t i = 0; i < f->inv.n_pfs; i++)
		for (size_t j = 0; j < f->inv.pfs[i].n_vfs; j++)
			if (f->inv.pfs[i].vfs[j].users.v == f->users ||
			    f->inv.pfs[i].vfs[j].users.v == f->users + 1)
				memset(&f->inv.pfs[i].vfs[j].users, 0,
				       sizeof(f->inv.pfs[i].vfs[j].users));
	sriov_inventory_free(&f->inv);
	f->have_inv = false;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	drop_inventory(f);
	sriov_root_close(f->root);
	tree_remove(f->tree);
	free(f);
	return 0;
}

static struct pf *read_pf(struct fixture *f)
{
	struct sriov_err e;

	drop_inventory(f);
	sriov_err_clear(&e);
	assert_int_equal(
		sriov_inventory_read(f->root, INV_NO_NETLINK | INV_NO_NAMES, &f->inv, &e),
		0);
	f->have_inv = true;
	assert_int_equal(f->inv.n_pfs, 1);
	return &f->inv.pfs[0];
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static void assert_file(struct fixture *f, const char *rel, const char *want)
{
	char path[TREE_PATH_MAX], buf[64] = "";
	FILE *fp;

	tree_path(f->tree, rel, path);
	fp = fopen(path, "r");
	assert_non_null(fp);
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	assert_string_equal(buf, want);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- limits -------------------------------------------------------------- */

static void test_limit_driver(void **state)
{
	struct fixture *f = *state;
	struct numvfs_request req;
	struct vf_limit lim;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	vf_limit_of(pf, &lim);
	assert_int_equal(lim.total_vfs, 7);
	assert_int_equal(lim.cap_total, 8);
	assert_int_equal(lim.source, VF_LIMIT_DRIVER);

	numvfs_request_init(&req, 8);
	sriov_err_clear(&e);
	assert_int_equal(numvfs_check(pf, &req, &e), -ERANGE);
	assert_contains(e.msg, "0000:01:00.0: 8 VFs asked, the limit is 7");
	assert_contains(e.msg, "sriov_totalvfs");
	assert_contains(e.msg, "igb");
	assert_contains(e.msg, "TotalVFs 8");
	assert_contains(e.hint, "0 to 7");

	req.count = 7;
	assert_int_equal(numvfs_check(pf, &req, &e), 0);
	req.count = -1;
	assert_int_equal(numvfs_check(pf, &req, &e), -EINVAL);
}

static void test_limit_capability_and_sysfs(void **state)
{
	struct fixture *f = *state;
	struct numvfs_request req;
	struct vf_limit lim;
	struct sriov_err e;
	struct pf *pf;

	/* the driver keeps the capability's TotalVFs: the firmware's number */
	tree_writef(f->tree, TREE_IGB_PF "/sriov_totalvfs", "8\n");
	pf = read_pf(f);
	vf_limit_of(pf, &lim);
	assert_int_equal(lim.source, VF_LIMIT_CAPABILITY);
	numvfs_request_init(&req, 9);
	sriov_err_clear(&e);
	assert_int_equal(numvfs_check(pf, &req, &e), -ERANGE);
	assert_contains(e.msg, "the limit is 8: the device's TotalVFs");
	assert_contains(e.hint, "firmware");

	/* config space unreadable: only sysfs knows */
	tree_unlink(f->tree, TREE_IGB_PF "/config");
	pf = read_pf(f);
	vf_limit_of(pf, &lim);
	assert_int_equal(lim.cap_total, -1);
	assert_int_equal(lim.source, VF_LIMIT_SYSFS);
	assert_int_equal(numvfs_check(pf, &req, &e), -ERANGE);
	assert_contains(e.msg, "the limit is 8 (sysfs sriov_totalvfs)");

	/* sriov_totalvfs unreadable */
	pf->total_vfs = -1;
	req.count = 1;
	assert_int_equal(numvfs_check(pf, &req, &e), -ENODEV);
}

/* ---- VFs in use ------------------------------------------------------------ */

static void put_users(struct fixture *f, struct pf *pf)
{
	struct fn_user *qemu = &f->users[0], *net = &f->users[1];

	memset(f->users, 0, sizeof(f->users));
	qemu->kind = FN_USER_PROCESS;
	qemu->pid = 4242;
	snprintf(qemu->command, sizeof(qemu->command), "qemu-system-x86");
	snprintf(qemu->vm_name, sizeof(qemu->vm_name), "web1");
	snprintf(qemu->device, sizeof(qemu->device), "/dev/vfio/10");
	net->kind = FN_USER_NETDEV;
	snprintf(net->ifname, sizeof(net->ifname), "eth1");
	net->n_addrs = 2;
	snprintf(net->addrs[0], sizeof(net->addrs[0]), "192.0.2.1/24");
	snprintf(net->addrs[1], sizeof(net->addrs[1]), "2001:db8::1/64");
	net->default_route = true;
	assert_int_equal(pf->n_vfs, 2);
	pf->vfs[1].users = (struct fn_users){.v = qemu, .n = 1};
	pf->vfs[0].users = (struct fn_users){.v = net, .n = 1};
}

static void test_users_refusal(void **state)
{
	struct fixture *f = *state;
	struct numvfs_request req;
	struct sriov_err e;
	struct pf *pf = read_pf(f);
	char text[512];

	put_users(f, pf);
	assert_int_equal(numvfs_users_describe(pf, text, sizeof(text)), 2);
	assert_string_equal(text,
			    "VF 0 0000:01:10.0: eth1 is up with 192.0.2.1/24, "
			    "2001:db8::1/64 (default route); VF 1 0000:01:10.2: pid "
			    "4242 (qemu-system-x86) VM \"web1\" holds /dev/vfio/10");

	numvfs_request_init(&req, 4); /* 2 -> 4 goes through 0 */
	sriov_err_clear(&e);
	assert_int_equal(numvfs_check(pf, &req, &e), -EBUSY);
	assert_contains(e.msg, "2 VFs in use");
	assert_contains(e.msg, "pid 4242");
	assert_contains(e.msg, "\"web1\"");
	assert_contains(e.msg, "/dev/vfio/10");
	assert_contains(e.msg, "192.0.2.1/24");
	assert_contains(e.hint, "--force");

	req.count = 0; /* disable */
	assert_int_equal(numvfs_check(pf, &req, &e), -EBUSY);
	assert_contains(e.msg, "disabling the 2 VFs");

	req.count = 2; /* the same count: nothing is removed */
	assert_int_equal(numvfs_check(pf, &req, &e), 0);

	req.count = 4;
	req.force = true;
	assert_int_equal(numvfs_check(pf, &req, &e), 0);
}

static void test_users_forced_plan(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct numvfs_request req;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	put_users(f, pf);
	numvfs_request_init(&req, 0);
	req.dry_run = true;
	sriov_err_clear(&e);
	/* refused: nothing planned */
	assert_int_equal(numvfs_set(f->root, pf, &req, &res, &e), -EBUSY);
	assert_int_equal(res.n_steps, 0);
	assert_false(res.forced);
	numvfs_result_free(&res);
	req.force = true;
	assert_int_equal(numvfs_set(f->root, pf, &req, &res, &e), 0);
	assert_true(res.forced);
	assert_int_equal(res.n_steps, 2);
	numvfs_result_free(&res);
	assert_file(f, TREE_IGB_PF "/sriov_numvfs", "2\n");
}

/* ---- autoprobe ----------------------------------------------------------------- */

static void test_autoprobe_checks(void **state)
{
	struct fixture *f = *state;
	struct numvfs_request req;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	numvfs_request_init(&req, 2);
	req.autoprobe = 0; /* 2 VFs exist, created with autoprobe 1 */
	sriov_err_clear(&e);
	assert_int_equal(numvfs_check(pf, &req, &e), -EINVAL);
	assert_contains(e.msg, "--autoprobe no only applies when VFs are created");
	assert_contains(e.hint, "sriovctl disable 0000:01:00.0");
	req.autoprobe = 1;
	assert_int_equal(numvfs_check(pf, &req, &e), 0);
	req.count = 3; /* through 0: it applies */
	req.autoprobe = 0;
	assert_int_equal(numvfs_check(pf, &req, &e), 0);

	tree_unlink(f->tree, TREE_IGB_PF "/sriov_drivers_autoprobe");
	pf = read_pf(f);
	assert_int_equal(numvfs_check(pf, &req, &e), -EOPNOTSUPP);
	assert_contains(e.msg, "sriov_drivers_autoprobe");
	req.autoprobe = -1;
	assert_int_equal(numvfs_check(pf, &req, &e), 0);
}

/* ---- plans ------------------------------------------------------------------------ */

struct want_step {
	enum numvfs_step_kind kind;
	const char *value;
};

static void assert_steps(const struct numvfs_result *res, const struct want_step *want,
			 size_t n, enum numvfs_step_status status)
{
	assert_int_equal(res->n_steps, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(res->steps[i].kind, want[i].kind);
		assert_string_equal(res->steps[i].value, want[i].value);
		assert_int_equal(res->steps[i].status, status);
	}
}

static void plan(struct fixture *f, const struct pf *pf, int count, int autoprobe,
		 struct numvfs_result *res)
{
	struct numvfs_request req;
	struct sriov_err e;

	numvfs_request_init(&req, count);
	req.autoprobe = autoprobe;
	req.dry_run = true;
	sriov_err_clear(&e);
	assert_int_equal(numvfs_set(f->root, pf, &req, res, &e), 0);
}

static void test_plans(void **state)
{
	static const struct want_step through_zero[] = {
		{NUMVFS_STEP_DISABLE, "0"}, {NUMVFS_STEP_AUTOPROBE, "0"},
		{NUMVFS_STEP_ENABLE, "4"},  {NUMVFS_STEP_VERIFY, ""},
		{NUMVFS_STEP_WAIT, ""},
	};
	static const struct want_step disable[] = {
		{NUMVFS_STEP_DISABLE, "0"},
		{NUMVFS_STEP_VERIFY, ""},
	};
	static const struct want_step autoprobe_only[] = {{NUMVFS_STEP_AUTOPROBE, "0"}};
	struct fixture *f = *state;
	struct numvfs_result res;
	struct pf *pf = read_pf(f);

	plan(f, pf, 4, 0, &res);
	assert_steps(&res, through_zero, 5, NUMVFS_PLANNED);
	assert_int_equal(res.previous, 2);
	assert_int_equal(res.requested, 4);
	assert_int_equal(res.enabled, 2);
	assert_int_equal(res.autoprobe_previous, 1);
	assert_int_equal(res.autoprobe, 0);
	assert_false(res.changed);
	assert_false(res.already);
	numvfs_result_free(&res);

	plan(f, pf, 2, -1, &res);
	assert_true(res.already);
	assert_int_equal(res.n_steps, 0);
	numvfs_result_free(&res);

	plan(f, pf, 0, -1, &res);
	assert_steps(&res, disable, 2, NUMVFS_PLANNED);
	numvfs_result_free(&res);

	/* nothing was written by any of them */
	assert_file(f, TREE_IGB_PF "/sriov_numvfs", "2\n");
	assert_file(f, TREE_IGB_PF "/sriov_drivers_autoprobe", "1\n");

	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	plan(f, pf, 0, 0, &res);
	assert_steps(&res, autoprobe_only, 1, NUMVFS_PLANNED);
	assert_false(res.already);
	numvfs_result_free(&res);
}

/* ---- doing it on a tree ---------------------------------------------------------- */

static int set(struct fixture *f, const struct pf *pf, int count, int autoprobe,
	       int timeout_ms, struct numvfs_result *res, struct sriov_err *e)
{
	struct numvfs_request req;

	numvfs_request_init(&req, count);
	req.autoprobe = autoprobe;
	req.timeout_ms = timeout_ms;
	sriov_err_clear(e);
	return numvfs_set(f->root, pf, &req, res, e);
}

static void test_disable(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	assert_int_equal(set(f, pf, 0, 0, 2000, &res, &e), 0);
	assert_file(f, TREE_IGB_PF "/sriov_numvfs", "0");
	assert_file(f, TREE_IGB_PF "/sriov_drivers_autoprobe", "0");
	assert_true(res.changed);
	assert_int_equal(res.enabled, 0);
	assert_int_equal(res.n_steps, 3);
	for (size_t i = 0; i < res.n_steps; i++)
		assert_int_equal(res.steps[i].status, NUMVFS_DONE);
	assert_int_equal(res.steps[2].kind, NUMVFS_STEP_VERIFY);
	assert_contains(res.steps[2].detail, "reads 0");
	assert_int_equal(res.pending_pid, 0);
	numvfs_result_free(&res);
}

/* A third VF as the kernel would add it: virtfn2 -> 0000:01:10.4. */
static void add_vf2(struct fixture *f, const char *driver, const char *netdev)
{
	char rel[TREE_PATH_MAX], target[TREE_PATH_MAX];

	tree_mkdir(f->tree, VF2_DIR);
	tree_symlink(f->tree, TREE_IGB_PF "/virtfn2", "../0000:01:10.4");
	tree_symlink(f->tree, "sys/bus/pci/devices/0000:01:10.4",
		     "../../../devices/pci0000:00/0000:00:02.0/0000:01:10.4");
	if (driver) {
		snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s",
			 driver);
		tree_symlink(f->tree, VF2_DIR "/driver", target);
	}
	if (netdev) {
		snprintf(rel, sizeof(rel), VF2_DIR "/net/%s", netdev);
		tree_mkdir(f->tree, rel);
	}
}

static void test_enable_waits_until_settled(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf;
	long long t0;

	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	add_vf2(f, "igbvf", "eth3");
	t0 = now_ms();
	assert_int_equal(set(f, pf, 3, -1, 5000, &res, &e), 0);
	assert_true(now_ms() - t0 < 3000);
	assert_file(f, TREE_IGB_PF "/sriov_numvfs", "3");
	assert_int_equal(res.enabled, 3);
	assert_int_equal(res.n_steps, 3);
	assert_int_equal(res.steps[0].kind, NUMVFS_STEP_ENABLE);
	assert_int_equal(res.steps[2].kind, NUMVFS_STEP_WAIT);
	assert_int_equal(res.steps[2].status, NUMVFS_DONE);
	assert_contains(res.steps[2].detail, "3/3 VF links, 3/3 drivers bound");
	/* settling takes at least the quiet period */
	assert_true(res.steps[2].elapsed_ms >= 300);
	numvfs_result_free(&res);
}

static void test_enable_vf_without_driver(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf;

	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	add_vf2(f, NULL, NULL);
	/* autoprobe on but no driver claims VF 2: settled after the grace period */
	assert_int_equal(set(f, pf, 3, -1, 5000, &res, &e), 0);
	assert_contains(res.steps[2].detail, "2/3 drivers bound");
	assert_true(res.steps[2].elapsed_ms >= 1000);
	numvfs_result_free(&res);

	/* autoprobe off: drivers are not waited for */
	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	assert_int_equal(set(f, pf, 3, 0, 5000, &res, &e), 0);
	assert_int_equal(res.autoprobe, 0);
	assert_int_equal(res.steps[0].kind, NUMVFS_STEP_AUTOPROBE);
	assert_true(res.steps[3].elapsed_ms < 1000);
	assert_null(strstr(res.steps[3].detail, "drivers"));
	numvfs_result_free(&res);
}

static void test_wait_timeout(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf;

	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	add_vf2(f, "igbvf", NULL);
	/* 4 VFs asked, the "kernel" made 3 links: the wait gives up */
	assert_int_equal(set(f, pf, 4, -1, 400, &res, &e), -ETIMEDOUT);
	assert_int_equal(res.enabled, 4);
	assert_int_equal(res.steps[2].status, NUMVFS_TIMEOUT);
	assert_contains(res.steps[2].detail, "3/4 VF links");
	assert_contains(res.steps[2].detail, "virtfn3 missing");
	assert_contains(e.msg, "the 4 VFs are enabled but not settled after 0.4 s");
	assert_int_equal(res.pending_pid, 0);
	numvfs_result_free(&res);
}

static void test_wait_udev_queue(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf;

	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	tree_write(f->tree, "run/udev/queue", "", 0);
	pf = read_pf(f);
	assert_int_equal(set(f, pf, 2, -1, 500, &res, &e), -ETIMEDOUT);
	assert_contains(res.steps[2].detail, "udev busy");
	numvfs_result_free(&res);

	tree_unlink(f->tree, "run/udev/queue");
	tree_writef(f->tree, TREE_IGB_PF "/sriov_numvfs", "0\n");
	pf = read_pf(f);
	assert_int_equal(set(f, pf, 2, -1, 3000, &res, &e), 0);
	numvfs_result_free(&res);
}

/* ---- writes that block or fail ---------------------------------------------------- */

static void make_fifo(struct fixture *f, const char *rel)
{
	char path[TREE_PATH_MAX];

	tree_path(f->tree, rel, path);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
}

/* Lets the blocked writer finish: open the FIFO for reading, take its data. */
static void release_writer(struct fixture *f, const char *rel, int pid, const char *want)
{
	char path[TREE_PATH_MAX], buf[16] = "";
	struct pollfd p;
	int fd, status = -1;
	ssize_t n;

	tree_path(f->tree, rel, path);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 5000), 1);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
	close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bounded_write_blocks(void **state)
{
	struct fixture *f = *state;
	struct sriov_err e;
	long long t0;
	int pid = 0;

	make_fifo(f, TREE_IGB_PF "/sriov_numvfs");
	sriov_err_clear(&e);
	t0 = now_ms();
	assert_int_equal(sriov_write_attr_bounded(f->root,
						  "/sys/bus/pci/devices/0000:01:00.0/"
						  "sriov_numvfs",
						  "4", 300, &pid, NULL, NULL, &e),
			 -ETIMEDOUT);
	assert_true(now_ms() - t0 >= 290);
	assert_true(now_ms() - t0 < 2000);
	assert_true(pid > 0);
	assert_contains(e.msg, "did not finish in 0.3 s");
	assert_contains(e.msg, "still running in the kernel");
	/* left alone, not killed: it finishes once the "kernel" lets it */
	assert_int_equal(kill(pid, 0), 0);
	release_writer(f, TREE_IGB_PF "/sriov_numvfs", pid, "4");
}

static void test_bounded_write_errors(void **state)
{
	struct fixture *f = *state;
	struct sriov_err e;
	int pid = -1;

	sriov_err_clear(&e);
	assert_int_equal(sriov_write_attr_bounded(f->root, "/sys/nonexistent", "1", 2000,
						  &pid, NULL, NULL, &e),
			 -ENOENT);
	assert_int_equal(pid, 0);
	assert_contains(e.msg, "writing \"1\" to /sys/nonexistent");
	assert_int_equal(sriov_write_attr_bounded(f->root, "/sys/bus", "1", 2000, &pid,
						  NULL, NULL, &e),
			 -EISDIR);
	assert_int_equal(sriov_write_attr_bounded(f->root, "/" TREE_IGB_PF "/secret", "x",
						  2000, &pid, NULL, NULL, &e),
			 0);
}

#ifdef SRIOV_FAULT_HOOKS /* -Dfault_hooks=true (lib/fault.h) */
/* SRIOVCTL_FAULT_BLOCK_WRITE=ATTR: the writer of .../ATTR waits to be killed. */
static void test_fault_block_write(void **state)
{
	const char *path = "/" TREE_IGB_PF "/secret";
	struct fixture *f = *state;
	struct sriov_err e;
	int pid = 0, status;

	setenv("SRIOVCTL_FAULT_BLOCK_WRITE", "secret", 1);
	sriov_err_clear(&e);
	assert_int_equal(
		sriov_write_attr_bounded(f->root, path, "x", 200, &pid, NULL, NULL, &e),
		-ETIMEDOUT);
	assert_true(pid > 0);
	assert_contains(e.msg, "did not finish");
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	/* only a whole file name matches */
	setenv("SRIOVCTL_FAULT_BLOCK_WRITE", "ecret", 1);
	assert_int_equal(
		sriov_write_attr_bounded(f->root, path, "y", 2000, &pid, NULL, NULL, &e),
		0);
	unsetenv("SRIOVCTL_FAULT_BLOCK_WRITE");
}
#endif

static void test_set_write_blocks(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	make_fifo(f, TREE_IGB_PF "/sriov_numvfs");
	assert_int_equal(set(f, pf, 0, -1, 300, &res, &e), -ETIMEDOUT);
	assert_int_equal(res.steps[0].status, NUMVFS_TIMEOUT);
	assert_int_equal(res.steps[1].status, NUMVFS_PLANNED); /* never reached */
	assert_true(res.pending_pid > 0);
	assert_int_equal(res.enabled, -1); /* unknown until the kernel finishes */
	assert_true(res.changed);
	assert_contains(e.hint, "--autoprobe no");
	assert_contains(e.hint, "/stack");
	release_writer(f, TREE_IGB_PF "/sriov_numvfs", res.pending_pid, "0");
	numvfs_result_free(&res);
}

static void test_set_write_fails(void **state)
{
	struct fixture *f = *state;
	struct numvfs_result res;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	/* a line from before the write must not explain it */
	tree_writef(f->tree, "dev/kmsg",
		    "3,1,1,-;igb 0000:01:00.0: not enough MMIO resources for SR-IOV\n"
		    " DEVICE=+pci:0000:01:00.0\n");
	tree_unlink(f->tree, TREE_IGB_PF "/sriov_numvfs");
	assert_int_equal(set(f, pf, 0, -1, 2000, &res, &e), -ENOENT);
	assert_int_equal(res.steps[0].status, NUMVFS_FAILED);
	assert_int_equal(res.steps[0].error, -ENOENT);
	assert_false(res.changed);
	assert_int_equal(res.enabled, 2);
	assert_int_equal(res.kernel_log.n, 0);
	assert_int_equal(res.diagnosis, -1);
	assert_contains(e.msg, "writing 0 to sriov_numvfs failed");
	assert_contains(e.msg, "the PF driver cannot create VFs through sysfs");
	assert_contains(e.hint, "igb has no sriov_configure");
	assert_contains(res.steps[0].detail, "No such file or directory");
	numvfs_result_free(&res);
}

/* ---- diagnosis ------------------------------------------------------------------- */

static int diagnose(const struct pf *pf, int err, const char *log_text,
		    struct sriov_err *e)
{
	struct kmsg_log log = {0};
	int idx;

	assert_int_equal(kmsg_parse_text(log_text, strlen(log_text), &log), 0);
	sriov_err_clear(e);
	idx = numvfs_diagnose(err, pf, 8, &log, e);
	assert_int_equal(e->code, err);
	kmsg_log_free(&log);
	return idx;
}

static void test_diagnose(void **state)
{
	struct fixture *f = *state;
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	assert_int_equal(
		diagnose(
			pf, -ENOMEM,
			"[ 1.0] igb 0000:01:00.0: 8 VFs\n"
			"[ 1.1] igb 0000:01:00.0: not enough MMIO resources for SR-IOV\n",
			&e),
		1);
	assert_contains(e.msg, "0000:01:00.0: writing 8 to sriov_numvfs failed: Cannot "
			       "allocate memory");
	assert_contains(e.msg, "kernel: \"igb 0000:01:00.0: not enough MMIO resources");
	assert_contains(e.hint, "pci=realloc");

	assert_int_equal(
		diagnose(pf, -ENOMEM,
			 "6,1,2,-;pci 0000:01:00.0: can't enable 8 VFs (bus 02 out "
			 "of range of [bus 01])\n DEVICE=+pci:0000:01:00.0\n",
			 &e),
		0);
	assert_contains(e.hint, "pci=assign-busses");

	/* only lines about this PF count */
	assert_int_equal(
		diagnose(pf, -ENOMEM,
			 "[ 1.1] igb 0000:01:00.1: not enough MMIO resources for "
			 "SR-IOV\n",
			 &e),
		-1);
	assert_null(strstr(e.msg, "kernel:"));
	assert_contains(e.hint, "pci=realloc");
	assert_contains(e.hint, "pci=assign-busses");

	assert_int_equal(
		diagnose(pf, -ENOSPC,
			 "[ 2.0] igb 0000:01:00.0: Unable to set MSI-X resources "
			 "for 8 VFs, err -28\n",
			 &e),
		0);
	assert_contains(e.hint, "fewer VFs");

	assert_int_equal(diagnose(pf, -EBUSY, "", &e), -1);
	assert_contains(e.msg, "VFs are enabled already");
	assert_contains(e.hint, "goes through 0");

	diagnose(pf, -ENOENT, "", &e);
	assert_contains(e.hint, "igb has no sriov_configure");
	pf->driver[0] = '\0';
	diagnose(pf, -ENOENT,
		 "[ 3.0] pci 0000:01:00.0: no driver bound to device; cannot configure "
		 "SR-IOV\n",
		 &e);
	assert_contains(e.msg, "no driver is bound to the PF");
	assert_contains(e.msg, "kernel: \"pci 0000:01:00.0: no driver bound");
	assert_contains(e.hint, "load and bind");

	sriov_err_clear(&e);
	assert_int_equal(numvfs_diagnose(-EIO, pf, 8, NULL, &e), -1);
	assert_contains(e.hint, "dmesg");
}

static void test_diagnose_short(void **state)
{
	static const char text[] = "4,513,95000412,-;igb 0000:01:00.0: 8 VFs requested; "
				   "only 4 enabled\n";
	struct fixture *f = *state;
	struct kmsg_log log = {0};
	struct sriov_err e;
	struct pf *pf = read_pf(f);

	assert_int_equal(kmsg_parse_text(text, strlen(text), &log), 0);
	sriov_err_clear(&e);
	assert_int_equal(numvfs_diagnose_short(pf, 8, 4, &log, &e), 0);
	assert_int_equal(e.code, -EIO);
	assert_contains(e.msg, "the driver enabled 4 of the 8 VFs asked");
	assert_contains(e.msg, "only 4 enabled");
	assert_contains(e.hint, "fewer");
	kmsg_log_free(&log);
	sriov_err_clear(&e);
	assert_int_equal(numvfs_diagnose_short(pf, 3, 5, NULL, &e), -1);
	assert_contains(e.msg, "reads 5 after writing 3");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(numvfs_step_name(NUMVFS_STEP_DISABLE), "disable");
	assert_string_equal(numvfs_step_name(NUMVFS_STEP_AUTOPROBE), "autoprobe");
	assert_string_equal(numvfs_step_name(NUMVFS_STEP_ENABLE), "enable");
	assert_string_equal(numvfs_step_name(NUMVFS_STEP_VERIFY), "verify");
	assert_string_equal(numvfs_step_name(NUMVFS_STEP_WAIT), "wait");
	assert_string_equal(numvfs_status_name(NUMVFS_PLANNED), "planned");
	assert_string_equal(numvfs_status_name(NUMVFS_DONE), "done");
	assert_string_equal(numvfs_status_name(NUMVFS_FAILED), "failed");
	assert_string_equal(numvfs_status_name(NUMVFS_TIMEOUT), "timeout");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_limit_driver),
		T(test_limit_capability_and_sysfs),
		T(test_users_refusal),
		T(test_users_forced_plan),
		T(test_autoprobe_checks),
		T(test_plans),
		T(test_disable),
		T(test_enable_waits_until_settled),
		T(test_enable_vf_without_driver),
		T(test_wait_timeout),
		T(test_wait_udev_queue),
		T(test_bounded_write_blocks),
		T(test_bounded_write_errors),
#ifdef SRIOV_FAULT_HOOKS
		T(test_fault_block_write),
#endif
		T(test_set_write_blocks),
		T(test_set_write_fails),
		T(test_diagnose),
		T(test_diagnose_short),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
