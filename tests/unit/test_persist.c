// SPDX-License-Identifier: MIT
/*
 * sriovctl persist (lib/persist.c): the initramfs command from os-release
 * (lib/distro.c, shared with check),
 * the marker of the files persist owns, the modprobe.d file, the unit text,
 * the max_vfs lookup with libkmod over a tree's module index
 * (tests/data/persist/modules, made by make-modules.sh), the plans of both
 * methods on trees, and running a program (output, exit status, timeout).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libkmod.h>

#include "sriov/config.h"
#include "sriov/distro.h"
#include "sriov/inventory.h"
#include "sriov/persist.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

#define assert_contains(hay, needle)                                                     \
	do {                                                                             \
		if (!strstr((hay), (needle)))                                            \
			fail_msg("'%s' not in:\n%s", (needle), (hay));                   \
	} while (0)

static int tree_setup(void **state)
{
	(void)state;
	tree_new(tree);
	return 0;
}

static int tree_teardown(void **state)
{
	(void)state;
	tree_remove(tree);
	return 0;
}

#define T(f)	  cmocka_unit_test(f)
#define TREE_T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

/* ---- os-release -> initramfs (lib/distro.c) ------------------------------------ */

static void expect_initramfs(const char *os_release, const char *id, const char *cmd)
{
	struct initramfs_tool t;
	struct distro d;

	memset(&d, 0, sizeof(d));
	distro_parse(os_release, &d);
	initramfs_tool_for(&d, &t);
	assert_string_equal(d.id, id);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.cmds[0], cmd);
}

static void test_initramfs_by_id(void **state)
{
	(void)state;
	expect_initramfs("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
			 "debian", "update-initramfs -u -k all");
	expect_initramfs("NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n", "ubuntu",
			 "update-initramfs -u -k all");
	expect_initramfs("ID=\"fedora\"\nVERSION_ID=39\n", "fedora",
			 "dracut -f --regenerate-all");
	expect_initramfs("ID=\"rhel\"\nVERSION_ID=\"9.3\"\n", "rhel",
			 "dracut -f --regenerate-all");
	expect_initramfs("ID='openeuler'\n", "openeuler", "dracut -f --regenerate-all");
	expect_initramfs("ID=\"sles\"\nID_LIKE=\"suse\"\n", "sles",
			 "dracut -f --regenerate-all");
	expect_initramfs("ID=arch\n", "arch", "mkinitcpio -P");
}

static void test_initramfs_by_id_like(void **state)
{
	(void)state;
	/* ID unknown, ID_LIKE words in order */
	expect_initramfs("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", "rocky",
			 "dracut -f --regenerate-all");
	expect_initramfs("ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n",
			 "opensuse-leap", "dracut -f --regenerate-all");
	expect_initramfs("ID=endeavouros\nID_LIKE=arch\n", "endeavouros",
			 "mkinitcpio -P");
	expect_initramfs("ID=pop\nID_LIKE=\"ubuntu debian\"\n", "pop",
			 "update-initramfs -u -k all");
}

static void test_initramfs_unknown(void **state)
{
	struct initramfs_tool t;
	struct distro d;

	(void)state;
	/* ID_LIKE= must not be read as ID= */
	memset(&d, 0, sizeof(d));
	distro_parse("ID_LIKE=debian\nNAME=x\n", &d);
	initramfs_tool_for(&d, &t);
	assert_string_equal(d.id, "");
	assert_int_equal(t.n, 1);
	assert_true(distro_is(&d, "debian"));
	distro_parse("ID=alpine\n", &d);
	initramfs_tool_for(&d, &t);
	assert_string_equal(d.id, "alpine");
	assert_int_equal(t.n, 3);
	assert_string_equal(t.cmds[0], "update-initramfs -u -k all");
	assert_string_equal(t.cmds[1], "dracut -f --regenerate-all");
	assert_string_equal(t.cmds[2], "mkinitcpio -P");
	distro_parse("", &d);
	initramfs_tool_for(&d, &t);
	assert_string_equal(d.id, "");
	assert_int_equal(t.n, 3);
}

/* In a root: its os-release decides; without one, the one tool installed does. */
static void root_tool(struct initramfs_tool *t, struct distro *d)
{
	struct sriov_root *r;
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, &r, &e), 0);
	distro_read(r, d);
	initramfs_tool_of(r, d, t);
	sriov_root_close(r);
}

static void test_initramfs_in_root(void **state)
{
	struct initramfs_tool t;
	struct distro d;

	(void)state;
	root_tool(&t, &d);
	assert_string_equal(d.source, "");
	assert_int_equal(t.n, 3);
	/* no os-release: the one tool that exists */
	tree_writef(tree, "usr/bin/dracut", "#!/bin/sh\n");
	root_tool(&t, &d);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.cmds[0], "dracut -f --regenerate-all");
	assert_string_equal(t.why, "/usr/bin/dracut exists");
	/* two tools: undecided */
	tree_writef(tree, "usr/sbin/update-initramfs", "#!/bin/sh\n");
	root_tool(&t, &d);
	assert_int_equal(t.n, 3);
	/* /usr/lib/os-release, then /etc/os-release, which wins */
	tree_writef(tree, "usr/lib/os-release", "ID=arch\n");
	root_tool(&t, &d);
	assert_string_equal(d.source, "/usr/lib/os-release");
	assert_string_equal(t.cmds[0], "mkinitcpio -P");
	tree_writef(tree, "etc/os-release", "ID=ubuntu\nID_LIKE=debian\n");
	root_tool(&t, &d);
	assert_string_equal(d.source, "/etc/os-release");
	assert_int_equal(t.n, 1);
	assert_string_equal(t.cmds[0], "update-initramfs -u -k all");
	assert_string_equal(t.why, "os-release ID ubuntu");
}

/* ---- marker, modprobe.d text, unit text ----------------------------------------- */

static void test_marker(void **state)
{
	(void)state;
	assert_true(persist_text_has_marker(PERSIST_MARKER ": x\n[Unit]\n"));
	assert_true(
		persist_text_has_marker("# other\n" PERSIST_MARKER "\noptions a b\n"));
	assert_false(persist_text_has_marker("options igb max_vfs=7\n"));
	assert_false(persist_text_has_marker("x " PERSIST_MARKER "\n"));
	assert_false(persist_text_has_marker("# Written by sriovctl\n"));
	assert_false(persist_text_has_marker(""));
}

static void test_modprobe_text(void **state)
{
	struct persist_module_opt opts[2] = {0};
	char *text;

	(void)state;
	snprintf(opts[0].module, sizeof(opts[0].module), "igb");
	opts[0].max_vfs = 7;
	snprintf(opts[0].pfs[0], PCI_ADDR_STRLEN, "0000:01:00.0");
	snprintf(opts[0].locs[0].file, sizeof(opts[0].locs[0].file),
		 "/etc/sriovctl.conf");
	opts[0].locs[0].line = 2;
	opts[0].n_pfs = 1;
	snprintf(opts[0].others[0], PCI_ADDR_STRLEN, "0000:01:00.1");
	opts[0].n_others = 1;
	snprintf(opts[1].module, sizeof(opts[1].module), "ixgbe");
	opts[1].max_vfs = 0;
	text = persist_modprobe_text(opts, 2);
	assert_non_null(text);
	assert_true(persist_text_has_marker(text));
	assert_int_equal(strncmp(text, PERSIST_MARKER, strlen(PERSIST_MARKER)), 0);
	assert_contains(text, "\noptions igb max_vfs=7\n");
	assert_contains(text, "\noptions ixgbe max_vfs=0\n");
	assert_contains(text, "0000:01:00.0 (num_vfs at /etc/sriovctl.conf:2)");
	assert_contains(text, "also given to: 0000:01:00.1");
	assert_contains(text, "Only the VF count persists");
	/* every line is a comment or an options line: modprobe reads nothing else */
	for (char *line = text; *line; line = strchr(line, '\n') + 1)
		assert_true(line[0] == '#' || !strncmp(line, "options ", 8));
	free(text);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_unit_text(void **state)
{
	const char *tail = "/sriovctl apply --device-timeout 60";
	char *text = persist_unit_file_text(), exec[512];
	const char *line;

	(void)state;
	assert_non_null(text);
	assert_int_equal(strncmp(text, PERSIST_MARKER, strlen(PERSIST_MARKER)), 0);
	assert_int_equal(strcmp(text + strcspn(text, "\n") + 1, sriov_unit_text), 0);
	/* one ExecStart: the VM test runs the same command at its second boot */
	assert_int_equal(count(sriov_unit_text, "\nExecStart="), 1);
	line = strstr(sriov_unit_text, "\nExecStart=") + 1;
	snprintf(exec, sizeof(exec), "%.*s", (int)strcspn(line, "\n"), line);
	assert_int_equal(strncmp(exec, "ExecStart=/", strlen("ExecStart=/")), 0);
	assert_true(strlen(exec) > strlen(tail));
	assert_string_equal(exec + strlen(exec) - strlen(tail), tail);
	assert_contains(sriov_unit_text, "\nType=oneshot\n");
	assert_contains(sriov_unit_text, "\nRemainAfterExit=yes\n");
	assert_contains(sriov_unit_text, "\nBefore=network-pre.target\n");
	assert_contains(sriov_unit_text, "\nWantedBy=multi-user.target\n");
	assert_contains(sriov_unit_text, "\nConditionPathExists=|/etc/sriovctl.conf\n");
	assert_null(strstr(sriov_unit_text, "@BINDIR@"));
	free(text);
}

/* ---- libkmod: max_vfs ----------------------------------------------------------------
 */

/* Copies tests/data/persist/modules/6.1.0-test/REL into the tree. */
static void copy_module_file(const char *rel)
{
	const char *data = getenv("SRIOV_TEST_DATA");
	char path[1024], dst[512];
	struct sriov_err e;
	size_t len;
	char *bin;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/persist/modules/6.1.0-test/%s", data, rel);
	sriov_err_clear(&e);
	assert_int_equal(sriov_read_user_file(path, 65536, &bin, &len, &e), 0);
	snprintf(dst, sizeof(dst), "lib/modules/6.1.0-test/%s", rel);
	tree_write(tree, dst, bin, len);
	free(bin);
}

/* The kernel release, its module index and the two stand-in modules. */
static void tree_modules(void)
{
	tree_writef(tree, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	copy_module_file("modules.dep.bin");
	copy_module_file("kernel/drivers/net/igb.ko");
	copy_module_file("kernel/drivers/nvme/nvme.ko");
}

static void test_module_has_param(void **state)
{
	char dir[TREE_PATH_MAX];
	struct kmod_ctx *ctx;
	struct sriov_err e;

	(void)state;
	tree_modules();
	tree_path(tree, "lib/modules/6.1.0-test", dir);
	ctx = kmod_new(dir, (const char *const[]){tree, NULL});
	assert_non_null(ctx);
	sriov_err_clear(&e);
	assert_int_equal(persist_module_has_param(ctx, "igb", "max_vfs", &e), 1);
	assert_int_equal(persist_module_has_param(ctx, "igb", "debug", &e), 1);
	/* a prefix of a parameter is not that parameter */
	assert_int_equal(persist_module_has_param(ctx, "igb", "max_vf", &e), 0);
	assert_int_equal(persist_module_has_param(ctx, "nvme", "max_vfs", &e), 0);
	assert_int_equal(persist_module_has_param(ctx, "i40e", "max_vfs", &e), -ENOENT);
	assert_contains(e.msg, "i40e: not in the module index");
	kmod_unref(ctx);
}

/* ---- the systemd plan
 * ------------------------------------------------------------------- */

static void open_root(struct sriov_root **r)
{
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(tree, r, &e), 0);
}

static void plan_systemd(bool remove, struct persist_plan *p)
{
	struct sriov_root *r;
	struct sriov_err e;

	open_root(&r);
	sriov_err_clear(&e);
	assert_int_equal(persist_plan_systemd(r, remove, p, &e), 0);
	assert_false(p->on_host);
	sriov_root_close(r);
}

static void assert_systemctl(const struct persist_step *s, const char *verb)
{
	char root_arg[TREE_PATH_MAX + 16], real[TREE_PATH_MAX];

	assert_int_equal(s->kind, PERSIST_STEP_RUN);
	assert_non_null(realpath(tree, real));
	snprintf(root_arg, sizeof(root_arg), "--root=%s", real);
	assert_int_equal(s->n_args, 4);
	assert_string_equal(s->args[0], "systemctl");
	assert_string_equal(s->args[1], root_arg);
	assert_string_equal(s->args[2], verb);
	assert_string_equal(s->args[3], "sriovctl.service");
}

static void test_systemd_no_unit(void **state)
{
	struct persist_plan p;

	(void)state;
	plan_systemd(false, &p);
	assert_int_equal(p.n_steps, 2);
	assert_int_equal(p.steps[0].kind, PERSIST_STEP_WRITE);
	assert_string_equal(p.steps[0].path, PERSIST_UNIT_ETC);
	assert_true(persist_text_has_marker(p.steps[0].content));
	assert_contains(p.steps[0].content, sriov_unit_text);
	assert_systemctl(&p.steps[1], "enable");
	assert_string_equal(p.unit_path, PERSIST_UNIT_ETC);
	assert_true(p.unit_ours);
	persist_plan_free(&p);
}

static void test_systemd_shipped_unit(void **state)
{
	struct persist_plan p;

	(void)state;
	tree_writef(tree, "lib/systemd/system/sriovctl.service", "%s", sriov_unit_text);
	plan_systemd(false, &p);
	assert_int_equal(p.n_steps, 1);
	assert_systemctl(&p.steps[0], "enable");
	assert_string_equal(p.unit_path, "/lib/systemd/system/sriovctl.service");
	assert_false(p.unit_ours);
	persist_plan_free(&p);
	/* /usr/lib comes before /lib */
	tree_writef(tree, "usr/lib/systemd/system/sriovctl.service", "%s",
		    sriov_unit_text);
	plan_systemd(false, &p);
	assert_string_equal(p.unit_path, "/usr/lib/systemd/system/sriovctl.service");
	persist_plan_free(&p);
}

static void test_systemd_own_unit(void **state)
{
	struct persist_plan p;
	char *text = persist_unit_file_text();

	(void)state;
	/* ours and current: only enable */
	tree_writef(tree, "etc/systemd/system/sriovctl.service", "%s", text);
	plan_systemd(false, &p);
	assert_int_equal(p.n_steps, 1);
	assert_true(p.unit_ours);
	persist_plan_free(&p);
	/* ours from another build: rewritten */
	tree_writef(tree, "etc/systemd/system/sriovctl.service",
		    PERSIST_MARKER "\n[Service]\nExecStart=/old/sriovctl apply\n");
	plan_systemd(false, &p);
	assert_int_equal(p.n_steps, 2);
	assert_int_equal(p.steps[0].kind, PERSIST_STEP_WRITE);
	assert_string_equal(p.steps[0].content, text);
	persist_plan_free(&p);
	free(text);
}

static void test_systemd_admin_unit(void **state)
{
	struct persist_plan p;

	(void)state;
	/* an admin's own unit in /etc is used, never replaced */
	tree_writef(tree, "etc/systemd/system/sriovctl.service",
		    "[Service]\nExecStart=/x\n");
	tree_writef(tree, "lib/systemd/system/sriovctl.service", "%s", sriov_unit_text);
	plan_systemd(false, &p);
	assert_int_equal(p.n_steps, 1);
	assert_string_equal(p.unit_path, PERSIST_UNIT_ETC);
	assert_false(p.unit_ours);
	assert_int_equal(p.n_notes, 1);
	assert_contains(p.notes[0], "using the installed unit " PERSIST_UNIT_ETC);
	persist_plan_free(&p);
	/* --remove: disabled, not removed */
	plan_systemd(true, &p);
	assert_int_equal(p.n_steps, 1);
	assert_systemctl(&p.steps[0], "disable");
	assert_contains(p.notes[0],
			"not written by sriovctl persist: disabled, not removed");
	persist_plan_free(&p);
}

static void test_systemd_remove(void **state)
{
	struct persist_plan p;
	char *text = persist_unit_file_text();

	(void)state;
	plan_systemd(true, &p);
	assert_true(p.nothing_to_do);
	assert_int_equal(p.n_steps, 0);
	persist_plan_free(&p);
	tree_writef(tree, "etc/systemd/system/sriovctl.service", "%s", text);
	plan_systemd(true, &p);
	assert_false(p.nothing_to_do);
	/* a tree: no daemon-reload (no manager runs there) */
	assert_int_equal(p.n_steps, 2);
	assert_systemctl(&p.steps[0], "disable");
	assert_int_equal(p.steps[1].kind, PERSIST_STEP_REMOVE);
	assert_string_equal(p.steps[1].path, PERSIST_UNIT_ETC);
	persist_plan_free(&p);
	free(text);
}

/* ---- the modprobe plan
 * ------------------------------------------------------------------ */

static struct netdev_info netdevs[4];

/* A PF of inv: address, driver and module, TotalVFs 7, netdev ethN. */
static void add_pf(struct inventory *inv, const char *addr, const char *module, int n)
{
	struct pf *pf = &inv->pfs[inv->n_pfs++];

	memset(pf, 0, sizeof(*pf));
	assert_int_equal(pci_addr_parse(addr, &pf->addr), 0);
	pci_addr_format(&pf->addr, pf->addr_str);
	pf->vendor_id = 0x8086;
	pf->device_id = 0x10c9;
	snprintf(pf->driver, sizeof(pf->driver), "%s", module);
	snprintf(pf->module, sizeof(pf->module), "%s", module);
	pf->total_vfs = 7;
	snprintf(netdevs[n].name, sizeof(netdevs[n].name), "eth%d", n);
	pf->netdevs = &netdevs[n];
	pf->n_netdevs = 1;
}

struct mp {
	struct pf pfs[4];
	struct inventory inv;
	struct sriov_config *config;
	struct persist_plan plan;
	struct sriov_err err;
	int ret;
};

static void mp_config(struct mp *m, const char *text)
{
	struct cfg_diags d = {0};
	struct sriov_err e;

	sriov_err_clear(&e);
	if (sriov_config_parse_text("/etc/sriovctl.conf", text, strlen(text), &m->config,
				    &d, &e) < 0)
		fail_msg("config: %s", e.msg);
	cfg_diags_free(&d);
}

/* Two igb ports and an nvme PF; the tree has its modules and Debian's os-release. */
static void mp_init(struct mp *m, const char *config)
{
	memset(m, 0, sizeof(*m));
	m->inv.pfs = m->pfs;
	add_pf(&m->inv, "0000:01:00.0", "igb", 0);
	add_pf(&m->inv, "0000:01:00.1", "igb", 1);
	add_pf(&m->inv, "0000:02:00.0", "nvme", 2);
	mp_config(m, config);
	tree_modules();
	tree_writef(tree, "etc/os-release", "NAME=Debian\nID=debian\n");
}

static void mp_plan(struct mp *m, bool remove)
{
	struct sriov_root *r;

	open_root(&r);
	sriov_err_clear(&m->err);
	m->ret = persist_plan_modprobe(r, m->config, &m->inv, remove, &m->plan, &m->err);
	sriov_root_close(r);
}

static void mp_free(struct mp *m)
{
	persist_plan_free(&m->plan);
	sriov_config_free(m->config);
}

static void test_modprobe_one_port(void **state)
{
	struct persist_plan *p;
	struct mp m;

	(void)state;
	mp_init(&m, "[pf eth0]\nnum_vfs = 4\nvlan = 5\n");
	mp_plan(&m, false);
	p = &m.plan;
	assert_int_equal(m.ret, 0);
	assert_int_equal(p->n_opts, 1);
	assert_string_equal(p->opts[0].module, "igb");
	assert_int_equal(p->opts[0].max_vfs, 4);
	assert_int_equal(p->opts[0].n_pfs, 1);
	assert_string_equal(p->opts[0].pfs[0], "0000:01:00.0");
	assert_int_equal(p->opts[0].locs[0].line, 2);
	/* the other igb port gets the same count: said */
	assert_int_equal(p->opts[0].n_others, 1);
	assert_string_equal(p->opts[0].others[0], "0000:01:00.1");
	assert_contains(p->notes[0], "0000:01:00.1 has no num_vfs");
	assert_int_equal(p->n_steps, 1);
	assert_int_equal(p->steps[0].kind, PERSIST_STEP_WRITE);
	assert_string_equal(p->steps[0].path, PERSIST_MODPROBE_FILE);
	assert_contains(p->steps[0].content, "\noptions igb max_vfs=4\n");
	assert_string_equal(p->os_id, "debian");
	assert_int_equal(p->n_initramfs, 1);
	assert_string_equal(p->initramfs[0], "update-initramfs -u -k all");
	mp_free(&m);
}

static void test_modprobe_same_count(void **state)
{
	struct mp m;

	(void)state;
	mp_init(&m, "[pf 8086:10c9]\nnum_vfs = 3\n[pf nosuch0]\nnum_vfs = 2\n");
	/* the nvme PF is 8086:10c9 in this inventory too: make it something else */
	m.pfs[2].vendor_id = 0x1b36;
	mp_plan(&m, false);
	assert_int_equal(m.ret, 0);
	assert_int_equal(m.plan.n_opts, 1);
	assert_int_equal(m.plan.opts[0].n_pfs, 2);
	assert_int_equal(m.plan.opts[0].n_others, 0);
	assert_int_equal(m.plan.n_notes, 1);
	assert_contains(m.plan.notes[0],
			"[pf nosuch0] (/etc/sriovctl.conf:3) matches no");
	mp_free(&m);
}

static void test_modprobe_refusals(void **state)
{
	struct mp m;

	(void)state;
	/* one driver, two counts */
	mp_init(&m, "[pf eth0]\nnum_vfs = 4\n[pf eth1]\nnum_vfs = 2\n");
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EINVAL);
	assert_contains(m.err.msg, "max_vfs of igb is one value for every port");
	assert_contains(m.err.msg, "/etc/sriovctl.conf:2:");
	assert_contains(m.err.hint, "--method systemd");
	assert_int_equal(m.plan.n_steps, 0);
	mp_free(&m);
	/* a driver without max_vfs */
	mp_init(&m, "[pf eth2]\nnum_vfs = 2\n");
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EINVAL);
	assert_contains(m.err.msg,
			"0000:02:00.0 (nvme, num_vfs at /etc/sriovctl.conf:2:1): nvme "
			"has no max_vfs parameter");
	assert_contains(m.err.hint, "use --method systemd");
	mp_free(&m);
	/* more than TotalVFs */
	mp_init(&m, "[pf eth0]\nnum_vfs = 8\n");
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EINVAL);
	assert_contains(m.err.msg, "num_vfs 8 for 0000:01:00.0 is more than the 7");
	mp_free(&m);
	/* built in */
	mp_init(&m, "[pf eth0]\nnum_vfs = 2\n");
	m.pfs[0].module[0] = '\0';
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EINVAL);
	assert_contains(m.err.msg, "built into the kernel");
	mp_free(&m);
	/* nothing configured for this host */
	mp_init(&m, "[pf eth9]\nnum_vfs = 2\n[pf eth0]\nvlan = 3\n");
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EINVAL);
	assert_contains(m.err.msg, "sets num_vfs for no SR-IOV PF of this host");
	mp_free(&m);
}

static void test_modprobe_no_index(void **state)
{
	struct mp m;
	char path[TREE_PATH_MAX];

	(void)state;
	mp_init(&m, "[pf eth0]\nnum_vfs = 2\n");
	tree_path(tree, "lib/modules", path);
	tree_remove(path);
	mp_plan(&m, false);
	assert_int_equal(m.ret, -ENOENT);
	assert_contains(m.err.msg, "no module index");
	assert_contains(m.err.msg, "/lib/modules/6.1.0-test: not in the tree");
	mp_free(&m);
}

static void test_modprobe_existing_file(void **state)
{
	struct mp m;

	(void)state;
	/* the admin's own file: left alone */
	mp_init(&m, "[pf eth0]\nnum_vfs = 2\n");
	tree_writef(tree, "etc/modprobe.d/sriovctl.conf", "options igb max_vfs=1\n");
	mp_plan(&m, false);
	assert_int_equal(m.ret, -EEXIST);
	assert_contains(m.err.msg, "was not written by sriovctl persist");
	mp_free(&m);
	mp_init(&m, "[pf eth0]\nnum_vfs = 2\n");
	mp_plan(&m, true);
	assert_int_equal(m.ret, -EEXIST);
	mp_free(&m);
	/* ours with the same text: nothing to do; --remove removes it */
	mp_init(&m, "[pf eth0]\nnum_vfs = 2\n");
	tree_unlink(tree, "etc/modprobe.d/sriovctl.conf");
	mp_plan(&m, false);
	assert_int_equal(m.ret, 0);
	tree_writef(tree, "etc/modprobe.d/sriovctl.conf", "%s", m.plan.steps[0].content);
	persist_plan_free(&m.plan);
	mp_plan(&m, false);
	assert_int_equal(m.ret, 0);
	assert_true(m.plan.nothing_to_do);
	assert_int_equal(m.plan.n_steps, 0);
	persist_plan_free(&m.plan);
	mp_plan(&m, true);
	assert_int_equal(m.ret, 0);
	assert_int_equal(m.plan.n_steps, 1);
	assert_int_equal(m.plan.steps[0].kind, PERSIST_STEP_REMOVE);
	assert_int_equal(m.plan.n_initramfs, 1);
	mp_free(&m);
}

/* ---- carrying out
 * ----------------------------------------------------------------------- */

static void run_one(struct persist_plan *p, const char *const *args, int *ret,
		    struct sriov_err *e)
{
	struct sriov_root *r;

	memset(p, 0, sizeof(*p));
	p->n_steps = 1;
	p->steps[0].kind = PERSIST_STEP_RUN;
	p->steps[0].exit_status = -1;
	for (; *args; args++)
		snprintf(p->steps[0].args[p->steps[0].n_args++],
			 sizeof(p->steps[0].args[0]), "%s", *args);
	open_root(&r);
	sriov_err_clear(e);
	*ret = persist_execute(r, p, e);
	sriov_root_close(r);
}

static void test_run_program(void **state)
{
	struct persist_plan p;
	struct sriov_err e;
	int ret;

	(void)state;
	run_one(&p, (const char *const[]){"echo", "enabled", "it", NULL}, &ret, &e);
	assert_int_equal(ret, 0);
	assert_true(p.steps[0].done);
	assert_int_equal(p.steps[0].exit_status, 0);
	assert_string_equal(p.steps[0].output, "enabled it");
	/* stderr is captured too; a failure carries the output */
	run_one(&p, (const char *const[]){"ls", "/nonexistent-persist-test", NULL}, &ret,
		&e);
	assert_int_equal(ret, -EIO);
	assert_false(p.steps[0].done);
	assert_int_equal(p.steps[0].exit_status, 2);
	assert_contains(e.msg, "`ls /nonexistent-persist-test` failed (exit status 2): ");
	assert_contains(p.steps[0].output, "nonexistent-persist-test");
}

static void test_run_missing_program(void **state)
{
	struct persist_plan p;
	struct sriov_err e;
	int ret;

	(void)state;
	run_one(&p, (const char *const[]){"sriovctl-no-such-program", NULL}, &ret, &e);
	assert_int_equal(ret, -ENOENT);
	assert_false(p.steps[0].done);
	assert_contains(e.msg, "cannot run sriovctl-no-such-program");
	assert_contains(e.hint, "no systemctl");
}

static void test_run_timeout(void **state)
{
	struct persist_plan p;
	struct sriov_root *r;
	struct sriov_err e;
	int ret;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.n_steps = 1;
	p.run_timeout_ms = 200;
	p.steps[0].kind = PERSIST_STEP_RUN;
	snprintf(p.steps[0].args[0], sizeof(p.steps[0].args[0]), "sleep");
	snprintf(p.steps[0].args[1], sizeof(p.steps[0].args[1]), "30");
	p.steps[0].n_args = 2;
	open_root(&r);
	sriov_err_clear(&e);
	ret = persist_execute(r, &p, &e);
	sriov_root_close(r);
	assert_int_equal(ret, -ETIMEDOUT);
	assert_contains(e.msg, "`sleep 30` did not finish within 0.2 s");
}

static void test_write_and_remove(void **state)
{
	struct persist_plan p;
	struct sriov_root *r;
	struct sriov_err e;
	char path[TREE_PATH_MAX];
	struct stat st;

	(void)state;
	plan_systemd(false, &p);
	p.n_steps = 1; /* the write only: no systemctl in a unit test */
	open_root(&r);
	sriov_err_clear(&e);
	assert_int_equal(persist_execute(r, &p, &e), 0);
	assert_true(p.steps[0].done);
	tree_path(tree, "etc/systemd/system/sriovctl.service", path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal((size_t)st.st_size, strlen(p.steps[0].content));
	persist_plan_free(&p);
	memset(&p, 0, sizeof(p));
	p.n_steps = 1;
	p.steps[0].kind = PERSIST_STEP_REMOVE;
	snprintf(p.steps[0].path, sizeof(p.steps[0].path), PERSIST_UNIT_ETC);
	assert_int_equal(persist_execute(r, &p, &e), 0);
	assert_int_equal(stat(path, &st), -1);
	sriov_root_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_initramfs_by_id),
		T(test_initramfs_by_id_like),
		T(test_initramfs_unknown),
		TREE_T(test_initramfs_in_root),
		T(test_marker),
		T(test_modprobe_text),
		T(test_unit_text),
		TREE_T(test_module_has_param),
		TREE_T(test_systemd_no_unit),
		TREE_T(test_systemd_shipped_unit),
		TREE_T(test_systemd_own_unit),
		TREE_T(test_systemd_admin_unit),
		TREE_T(test_systemd_remove),
		TREE_T(test_modprobe_one_port),
		TREE_T(test_modprobe_same_count),
		TREE_T(test_modprobe_refusals),
		TREE_T(test_modprobe_no_index),
		TREE_T(test_modprobe_existing_file),
		TREE_T(test_run_program),
		TREE_T(test_run_missing_program),
		TREE_T(test_run_timeout),
		TREE_T(test_write_and_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
