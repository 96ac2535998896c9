// SPDX-License-Identifier: MIT
/*
 * The platform rules of `sriovctl check` (lib/checks_platform.c) on small
 * trees: CPU virtualization, the IOMMU in the firmware and in the kernel
 * (with the boot-loader-specific remedy), vfio-pci, and the kernel log rules
 * on the saved logs in tests/data/kmsg and tests/data/check/platform.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sriov/checks.h"
#include "tree_util.h"

static char tree[TREE_PATH_MAX];

#define CPU_INTEL                                                                        \
	"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"                   \
	"flags\t\t: fpu vme de pse msr pae vmx ept\nvmx flags\t: vnmi ept\n\n"           \
	"processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx\n"
#define CPU_INTEL_NO_VMX                                                                 \
	"processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse msr pae\n"
#define CPU_AMD	       "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme svm npt\n"
#define CPU_AMD_NO_SVM "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme\n"
#define CPU_GUEST                                                                        \
	"processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme hypervisor\n"
#define CPU_ARM64                                                                        \
	"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm\n"              \
	"CPU implementer\t: 0x41\nCPU architecture: 8\n"

/* ---- the tree and running the rules -------------------------------------- */

/* A host without the IOMMU units and groups: Debian, GRUB not yet configured. */
static void tree_base(const char *dir, const char *cpuinfo)
{
	tree_writef(dir, "proc/cpuinfo", "%s", cpuinfo);
	tree_writef(dir, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n");
	tree_writef(dir, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	tree_writef(dir, "etc/os-release",
		    "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\n");
	tree_writef(dir, "sys/firmware/acpi/tables/DMAR", "DMAR");
	tree_mkdir(dir, "sys/class/iommu");
	tree_mkdir(dir, "sys/kernel/iommu_groups");
	tree_mkdir(dir, "sys/bus/pci/drivers/vfio-pci");
}

/* A host with everything in place: the CPU's extensions, DMAR, intel-iommu on. */
static void tree_good(const char *dir, const char *cpuinfo)
{
	tree_base(dir, cpuinfo);
	tree_mkdir(dir, "sys/class/iommu/dmar0");
	tree_mkdir(dir, "sys/kernel/iommu_groups/0/devices");
	tree_mkdir(dir, "sys/kernel/iommu_groups/1/devices");
}

static void tree_rm(const char *dir, const char *rel)
{
	char path[TREE_PATH_MAX];

	tree_path(dir, rel, path);
	tree_remove(path);
}

struct run {
	struct sriov_root *root;
	struct check_context c;
	struct kmsg_log log;
	struct findings f;
};

static void run_open(struct run *r, const char *dir)
{
	struct sriov_err e;

	memset(r, 0, sizeof(*r));
	sriov_err_clear(&e);
	assert_int_equal(sriov_root_open(dir, &r->root, &e), 0);
	check_context_init(&r->c, r->root, NULL);
}

/* Points the context at a saved log: tests/data/NAME. */
static void run_log(struct run *r, const char *name)
{
	const char *data = getenv("SRIOV_TEST_DATA");
	struct sriov_err e;
	char path[1024];

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/%s", data, name);
	sriov_err_clear(&e);
	assert_int_equal(check_context_load_log(&r->c, &r->log, path, &e), 0);
}

static void run_check(struct run *r)
{
	struct sriov_err e;

	sriov_err_clear(&e);
	assert_int_equal(check_platform(&r->c, &r->f, &e), 0);
	for (size_t i = 0; i < r->f.n; i++)
		assert_true(!strncmp(r->f.v[i].id, "platform.", 9));
}

static void run_close(struct run *r)
{
	findings_free(&r->f);
	kmsg_log_free(&r->log);
	check_context_release(&r->c);
	sriov_root_close(r->root);
}

/* Opens dir, runs the platform rules, returns the finding id (asserting one). */
static const struct finding *run_find(struct run *r, const char *id)
{
	const struct finding *found = NULL;

	for (size_t i = 0; i < r->f.n; i++) {
		if (strcmp(r->f.v[i].id, id))
			continue;
		assert_null(found); /* one finding per id */
		found = &r->f.v[i];
	}
	if (!found)
		fail_msg("no finding %s", id);
	return found;
}

static bool run_has(const struct run *r, const char *id)
{
	for (size_t i = 0; i < r->f.n; i++)
		if (!strcmp(r->f.v[i].id, id))
			return true;
	return false;
}

static size_t count_substr(const char *s, const char *sub)
{
	size_t n = 0;

	for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub))
		n++;
	return n;
}

#define assert_contains(s, sub)                                                          \
	do {                                                                             \
		if (!strstr((s), (sub)))                                                 \
			fail_msg("\"%s\" not in:\n%s", (sub), (s));                      \
	} while (0)
#define assert_lacks(s, sub)                                                             \
	do {                                                                             \
		if (strstr((s), (sub)))                                                  \
			fail_msg("\"%s\" unexpectedly in:\n%s", (sub), (s));             \
	} while (0)

/* One rule on the tree in `tree`: its status, and the finding in *out. */
static const struct finding *check_one(struct run *r, const char *id,
				       enum check_status want)
{
	const struct finding *fd;

	run_open(r, tree);
	run_check(r);
	fd = run_find(r, id);
	if (fd->status != want)
		fail_msg("%s: status %s, want %s (%s)", id, check_status_name(fd->status),
			 check_status_name(want), fd->summary);
	if (want == CHECK_PASS || want == CHECK_SKIP)
		assert_string_equal(fd->remedy, "");
	else
		assert_true(fd->remedy[0] != '\0');
	assert_string_equal(fd->subject, "host");
	return fd;
}

static int setup(void **state)
{
	(void)state;
	tree_new(tree);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(tree);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- platform.cpu.virt ---------------------------------------------------- */

static void test_cpu_intel_vmx_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	fd = check_one(&r, "platform.cpu.virt", CHECK_PASS);
	assert_contains(fd->summary, "Intel VT-x");
	assert_contains(fd->evidence, "/proc/cpuinfo: flags include vmx");
	run_close(&r);
}

static void test_cpu_amd_svm_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_AMD);
	fd = check_one(&r, "platform.cpu.virt", CHECK_PASS);
	assert_contains(fd->summary, "AMD-V");
	assert_contains(fd->evidence, "flags include svm");
	run_close(&r);
}

static void test_cpu_intel_no_vmx_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL_NO_VMX);
	fd = check_one(&r, "platform.cpu.virt", CHECK_FAIL);
	assert_contains(fd->evidence, "vendor_id GenuineIntel, flags without vmx or svm");
	assert_contains(fd->remedy, "BIOS/UEFI setup: enable Intel VT-x");
	run_close(&r);
}

static void test_cpu_amd_no_svm_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_AMD_NO_SVM);
	fd = check_one(&r, "platform.cpu.virt", CHECK_FAIL);
	assert_contains(fd->remedy, "\"SVM Mode\"");
	assert_lacks(fd->remedy, "VT-x");
	run_close(&r);
}

static void test_cpu_guest_warn(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_GUEST);
	fd = check_one(&r, "platform.cpu.virt", CHECK_WARN);
	assert_contains(fd->evidence, "with hypervisor");
	assert_contains(fd->remedy, "options kvm_intel nested=1");
	run_close(&r);
}

static void test_cpu_unreadable_skip(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "proc/cpuinfo");
	fd = check_one(&r, "platform.cpu.virt", CHECK_SKIP);
	assert_contains(fd->summary, "/proc/cpuinfo");
	run_close(&r);
}

static void test_cpu_arm64(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_ARM64);
	fd = check_one(&r, "platform.cpu.virt", CHECK_SKIP);
	assert_contains(fd->summary, "arm64");
	run_close(&r);
	tree_writef(tree, "dev/kvm", "#!/bin/sh\n");
	fd = check_one(&r, "platform.cpu.virt", CHECK_PASS);
	assert_contains(fd->evidence, "/dev/kvm: present");
	run_close(&r);
}

/* ---- platform.iommu.firmware ---------------------------------------------- */

static void test_firmware_dmar_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	fd = check_one(&r, "platform.iommu.firmware", CHECK_PASS);
	assert_contains(fd->evidence, "/sys/firmware/acpi/tables/DMAR: present");
	run_close(&r);
}

static void test_firmware_ivrs_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_AMD);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	tree_writef(tree, "sys/firmware/acpi/tables/IVRS", "IVRS");
	fd = check_one(&r, "platform.iommu.firmware", CHECK_PASS);
	assert_contains(fd->summary, "AMD-Vi");
	assert_contains(fd->evidence, "tables/IVRS: present");
	run_close(&r);
}

static void test_firmware_intel_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	tree_writef(tree, "sys/firmware/acpi/tables/APIC", "APIC");
	fd = check_one(&r, "platform.iommu.firmware", CHECK_FAIL);
	assert_contains(fd->evidence, "no DMAR, IVRS or IORT table");
	assert_contains(fd->remedy, "enable Intel VT-d");
	run_close(&r);
}

static void test_firmware_amd_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_AMD);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	fd = check_one(&r, "platform.iommu.firmware", CHECK_FAIL);
	assert_contains(fd->remedy, "\"IOMMU\" = Enabled");
	assert_contains(fd->remedy, "\"SVM Mode\"");
	run_close(&r);
}

static void test_firmware_guest_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_GUEST);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	fd = check_one(&r, "platform.iommu.firmware", CHECK_FAIL);
	assert_contains(fd->remedy, "-device intel-iommu,intremap=on,caching-mode=on");
	run_close(&r);
}

static void test_firmware_no_acpi_skip(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/firmware/acpi");
	fd = check_one(&r, "platform.iommu.firmware", CHECK_SKIP);
	assert_contains(fd->summary, "no /sys/firmware/acpi");
	run_close(&r);
}

/* ---- platform.iommu.kernel ------------------------------------------------ */

static void test_kernel_iommu_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	fd = check_one(&r, "platform.iommu.kernel", CHECK_PASS);
	assert_contains(fd->evidence, "/sys/class/iommu: dmar0");
	assert_contains(fd->evidence, "/sys/kernel/iommu_groups: 2 groups");
	assert_contains(fd->evidence, "/proc/cmdline: BOOT_IMAGE=/vmlinuz");
	run_close(&r);
}

/* Units without groups is not active: a unit alone does not give groups. */
static void test_kernel_iommu_no_groups_fail(void **state)
{
	struct run r;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/kernel/iommu_groups/0");
	tree_rm(tree, "sys/kernel/iommu_groups/1");
	check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	run_close(&r);
}

static void test_kernel_grub_debian(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "etc/default/grub",
		    "GRUB_DEFAULT=0\n"
		    "#GRUB_CMDLINE_LINUX_DEFAULT=\"commented out\"\n"
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash iommu=pt\"\n"
		    "GRUB_CMDLINE_LINUX=\"\"\n");
	tree_writef(tree, "usr/sbin/update-grub", "#!/bin/sh\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->summary, "intel_iommu=on");
	assert_contains(fd->evidence, "/sys/class/iommu: empty");
	assert_contains(fd->evidence, "/sys/kernel/iommu_groups: 0 groups");
	assert_contains(fd->evidence,
			"/etc/default/grub: GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash "
			"iommu=pt\"");
	/* the existing arguments stay, iommu=pt is not added a second time */
	assert_string_equal(
		fd->remedy,
		"/etc/default/grub: GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash "
		"iommu=pt intel_iommu=on\"\n"
		"update-grub\n"
		"reboot");
	run_close(&r);
}

static void test_kernel_grub_replaces_off(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "etc/default/grub",
		    "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=off'\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->remedy, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on "
				    "iommu=pt\"");
	assert_lacks(fd->remedy, "intel_iommu=off");
	/* no update-grub: Debian's os-release still means grub-mkconfig */
	assert_contains(fd->remedy, "grub-mkconfig -o /boot/grub/grub.cfg");
	run_close(&r);
}

static void test_kernel_grub_fedora(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "etc/os-release",
		    "NAME=\"Rocky Linux\"\nID=\"rocky\"\n"
		    "ID_LIKE=\"rhel centos fedora\"\n");
	tree_writef(
		tree, "etc/default/grub",
		"GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"crashkernel=auto rhgb quiet\"\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->remedy, "/etc/default/grub: GRUB_CMDLINE_LINUX=\"crashkernel="
				    "auto rhgb quiet intel_iommu=on iommu=pt\"");
	assert_contains(fd->remedy, "grub2-mkconfig -o /boot/grub2/grub.cfg");
	run_close(&r);
	tree_writef(tree, "usr/sbin/grubby", "#!/bin/sh\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->remedy,
			"grubby --update-kernel=ALL --args=\"intel_iommu=on iommu=pt\"");
	run_close(&r);
}

static void test_kernel_proxmox(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	tree_writef(tree, "usr/sbin/proxmox-boot-tool", "#!/bin/sh\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->evidence, "/etc/kernel/cmdline: root=ZFS=rpool/ROOT/pve-1 "
				      "boot=zfs");
	assert_string_equal(fd->remedy, "/etc/kernel/cmdline: root=ZFS=rpool/ROOT/pve-1 "
					"boot=zfs intel_iommu=on iommu=pt\n"
					"proxmox-boot-tool refresh\n"
					"reboot");
	run_close(&r);
}

static void test_kernel_systemd_boot(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "etc/kernel/cmdline", "root=UUID=1234 rw\n");
	tree_writef(tree, "boot/vmlinuz-6.1.0-test", "#!/bin/sh\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->remedy,
			"/etc/kernel/cmdline: root=UUID=1234 rw "
			"intel_iommu=on iommu=pt\n"
			"kernel-install add 6.1.0-test /boot/vmlinuz-6.1.0-test");
	run_close(&r);
}

/* Arguments after "--" are init's: they do not count, and new ones go before. */
static void test_kernel_init_args(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_writef(tree, "proc/cmdline", "root=/dev/sda1 -- intel_iommu=on iommu=pt\n");
	tree_writef(tree, "etc/kernel/cmdline", "root=UUID=1234 rw -- single\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_lacks(fd->remedy, "are set already");
	assert_contains(fd->remedy, "/etc/kernel/cmdline: root=UUID=1234 rw "
				    "intel_iommu=on iommu=pt -- single\n");
	run_close(&r);
}

static void test_kernel_no_boot_loader(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_string_equal(fd->remedy, "add to the boot loader's kernel command line: "
					"intel_iommu=on iommu=pt\n"
					"reboot");
	run_close(&r);
}

static void test_kernel_amd_args(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_AMD);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	tree_writef(tree, "sys/firmware/acpi/tables/IVRS", "IVRS");
	tree_writef(tree, "etc/default/grub",
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet amd_iommu=off\"\n");
	tree_writef(tree, "usr/sbin/update-grub", "#!/bin/sh\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->summary, "on by default");
	assert_contains(fd->remedy, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"");
	assert_lacks(fd->remedy, "intel_iommu");
	assert_lacks(fd->remedy, "BIOS"); /* the firmware has its IVRS */
	run_close(&r);
}

/*
 * The VM testbed: QEMU's TCG CPU says AuthenticAMD, the IOMMU is QEMU's
 * intel-iommu (DMAR): the Intel arguments. Without it, the VM needs a
 * virtual IOMMU, the one the remedy names: Intel again.
 */
static void test_kernel_vm_amd_cpu_intel_iommu(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
			"flags\t\t: fpu svm hypervisor\n");
	tree_writef(tree, "proc/cmdline", "console=ttyS0 panic=-1\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->summary, "intel_iommu=on");
	assert_contains(fd->remedy, "kernel command line: intel_iommu=on iommu=pt");
	assert_lacks(fd->remedy, "virtual IOMMU"); /* the VM has one (DMAR) */
	run_close(&r);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->remedy, "give it a virtual IOMMU\nQEMU: -machine "
				    "q35,kernel-irqchip=split -device intel-iommu");
	assert_contains(fd->remedy, "kernel command line: intel_iommu=on iommu=pt");
	run_close(&r);
}

/* The arguments are set but no IOMMU: the firmware is the culprit. */
static void test_kernel_args_set_firmware_off(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_rm(tree, "sys/firmware/acpi/tables/DMAR");
	tree_writef(tree, "proc/cmdline",
		    "root=/dev/sda1 intel_iommu=on,sm_on iommu=pt\n");
	tree_writef(tree, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
	fd = check_one(&r, "platform.iommu.kernel", CHECK_FAIL);
	assert_contains(fd->evidence,
			"/proc/cmdline: root=/dev/sda1 intel_iommu=on,sm_on");
	assert_contains(fd->remedy, "are set already");
	assert_contains(fd->remedy, "enable Intel VT-d");
	assert_lacks(fd->remedy, "GRUB_CMDLINE");
	run_close(&r);
}

static void test_kernel_no_sys_skip(void **state)
{
	struct run r;

	(void)state;
	tree_base(tree, CPU_INTEL);
	tree_rm(tree, "sys/kernel");
	check_one(&r, "platform.iommu.kernel", CHECK_SKIP);
	run_close(&r);
}

/* ---- platform.vfio -------------------------------------------------------- */

static void test_vfio_loaded_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	fd = check_one(&r, "platform.vfio", CHECK_PASS);
	assert_contains(fd->evidence, "/sys/bus/pci/drivers/vfio-pci: present");
	run_close(&r);
}

static void test_vfio_builtin_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/bus/pci/drivers/vfio-pci");
	tree_writef(tree, "sys/module/vfio_pci/parameters/ids", "\n");
	fd = check_one(&r, "platform.vfio", CHECK_PASS);
	assert_contains(fd->summary, "built into the kernel");
	run_close(&r);
	/* a loaded module has an initstate: not built in, and not loaded here */
	tree_writef(tree, "sys/module/vfio_pci/initstate", "live\n");
	check_one(&r, "platform.vfio", CHECK_SKIP);
	run_close(&r);
	tree_writef(tree, "lib/modules/6.1.0-test/modules.builtin",
		    "kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/pci/vfio-pci.ko");
	fd = check_one(&r, "platform.vfio", CHECK_PASS);
	assert_contains(fd->evidence, "/lib/modules/6.1.0-test/modules.builtin: lists "
				      "vfio-pci.ko");
	run_close(&r);
}

/* Copies a module index made by depmod (tests/data/check/platform/NAME) into the tree. */
static void tree_module_index(const char *dir, const char *name)
{
	const char *data = getenv("SRIOV_TEST_DATA");
	struct sriov_err e;
	char path[1024];
	size_t len;
	char *bin;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/check/platform/%s", data, name);
	sriov_err_clear(&e);
	assert_int_equal(sriov_read_user_file(path, 4096, &bin, &len, &e), 0);
	tree_write(dir, "lib/modules/6.1.0-test/modules.dep.bin", bin, len);
	free(bin);
}

/* The rules with libkmod over the tree's module index. */
static const struct finding *check_with_kmod(struct run *r, const char *id)
{
	run_open(r, tree);
	check_context_open_kmod(&r->c);
	assert_non_null(r->c.kmod);
	run_check(r);
	return run_find(r, id);
}

static void test_vfio_module_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/bus/pci/drivers/vfio-pci");
	tree_module_index(tree, "vfio-pci.modules.dep.bin");
	fd = check_with_kmod(&r, "platform.vfio");
	assert_int_equal(fd->status, CHECK_PASS);
	assert_contains(fd->summary, "available as a module");
	assert_contains(fd->evidence, "kernel/drivers/vfio/pci/vfio-pci.ko");
	run_close(&r);
}

static void test_vfio_missing_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/bus/pci/drivers/vfio-pci");
	tree_module_index(tree, "igbvf-only.modules.dep.bin");
	fd = check_with_kmod(&r, "platform.vfio");
	assert_int_equal(fd->status, CHECK_FAIL);
	assert_contains(fd->evidence, "module index of 6.1.0-test: no vfio_pci");
	assert_contains(fd->remedy, "CONFIG_VFIO_PCI=m");
	run_close(&r);
}

static void test_vfio_no_index_skip(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_rm(tree, "sys/bus/pci/drivers/vfio-pci");
	fd = check_one(&r, "platform.vfio", CHECK_SKIP);
	assert_contains(fd->summary, "not opened"); /* kmod_unavailable, never opened */
	run_close(&r);
	tree_mkdir(tree, "lib/modules/6.1.0-test");
	run_open(&r, tree);
	check_context_open_kmod(&r.c);
	run_check(&r);
	fd = run_find(&r, "platform.vfio");
	assert_int_equal(fd->status, CHECK_SKIP);
	assert_contains(fd->summary, "modules.dep.bin: not present");
	run_close(&r);
}

/* ---- platform.kmsg.* ------------------------------------------------------ */

/* The rules on tree_good() with the saved log tests/data/NAME. */
static void check_log(struct run *r, const char *name)
{
	tree_good(tree, CPU_INTEL);
	run_open(r, tree);
	run_log(r, name);
	run_check(r);
}

static void assert_status(const struct finding *fd, enum check_status want)
{
	if (fd->status != want)
		fail_msg("%s: status %s, want %s", fd->id, check_status_name(fd->status),
			 check_status_name(want));
}

static void test_kmsg_unavailable_skip(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	fd = check_one(&r, "platform.kmsg", CHECK_SKIP); /* never loaded */
	assert_contains(fd->summary, "not read");
	run_close(&r);
	check_log(&r, "check/platform/not-a-log.txt");
	fd = run_find(&r, "platform.kmsg");
	assert_status(fd, CHECK_SKIP);
	assert_contains(fd->summary, "not a kernel log");
	assert_false(run_has(&r, "platform.kmsg.iommu"));
	run_close(&r);
}

static void test_kmsg_clean_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "check/platform/clean.kmsg");
	fd = run_find(&r, "platform.kmsg");
	assert_status(fd, CHECK_PASS);
	assert_contains(fd->evidence, "clean.kmsg: 5 records");
	assert_false(run_has(&r, "platform.kmsg.iommu"));
	for (size_t i = 0; i < r.f.n; i++)
		assert_true(strncmp(r.f.v[i].id, "platform.kmsg.", 14));
	run_close(&r);
}

static void test_kmsg_iommu_on_pass(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "kmsg/iommu-on.dmesg");
	fd = run_find(&r, "platform.kmsg.iommu");
	assert_status(fd, CHECK_PASS);
	assert_contains(fd->evidence, "[    0.141477] DMAR: IOMMU enabled");
	assert_status(run_find(&r, "platform.kmsg"), CHECK_PASS);
	run_close(&r);
	check_log(&r, "kmsg/amd-iommu.dmesg");
	fd = run_find(&r, "platform.kmsg.iommu");
	assert_status(fd, CHECK_PASS);
	assert_contains(fd->evidence, "AMD-Vi: Found IOMMU");
	run_close(&r);
}

static void test_kmsg_iommu_off_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_writef(tree, "etc/default/grub",
		    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"\n");
	tree_writef(tree, "usr/sbin/update-grub", "#!/bin/sh\n");
	run_open(&r, tree);
	run_log(&r, "kmsg/iommu-off.dmesg");
	run_check(&r);
	fd = run_find(&r, "platform.kmsg.iommu");
	assert_status(fd, CHECK_FAIL);
	assert_contains(fd->evidence, "kmsg/iommu-off.dmesg");
	assert_contains(fd->evidence, "[    0.130771] DMAR: IOMMU disabled");
	assert_contains(fd->remedy, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on "
				    "iommu=pt\"\nupdate-grub\nreboot");
	assert_false(run_has(&r, "platform.kmsg")); /* a bad line: no clean pass */
	run_close(&r);
}

static void test_kmsg_bus_range_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	tree_good(tree, CPU_INTEL);
	tree_writef(tree, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs\n");
	tree_writef(tree, "usr/sbin/proxmox-boot-tool", "#!/bin/sh\n");
	run_open(&r, tree);
	run_log(&r, "kmsg/bus-range.kmsg");
	run_check(&r);
	fd = run_find(&r, "platform.kmsg.bus_range");
	assert_status(fd, CHECK_FAIL);
	assert_contains(fd->summary, "pci=realloc does not fix this");
	assert_contains(fd->evidence,
			"i40e 0000:3b:00.0: can't enable 64 VFs (bus 3c out "
			"of range of [bus 3b])");
	assert_lacks(fd->evidence, "Allocating 64 VFs");
	assert_string_equal(fd->remedy, "/etc/kernel/cmdline: root=ZFS=rpool/ROOT/pve-1 "
					"boot=zfs pci=assign-busses\n"
					"proxmox-boot-tool refresh\n"
					"reboot");
	run_close(&r);
}

static void test_kmsg_no_mmio_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "kmsg/no-mmio.dmesg");
	fd = run_find(&r, "platform.kmsg.no_mmio");
	assert_status(fd, CHECK_FAIL);
	assert_int_equal(count_substr(fd->evidence, "not enough MMIO resources"), 2);
	assert_contains(fd->remedy, "\"SR-IOV Support\"");
	assert_contains(fd->remedy, "add to the boot loader's kernel command line: "
				    "pci=realloc");
	run_close(&r);
}

static void test_kmsg_iov_bars_fail(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "kmsg/bars.kmsg");
	fd = run_find(&r, "platform.kmsg.iov_bars");
	assert_status(fd, CHECK_FAIL);
	assert_contains(fd->evidence, "bnxt_en 0000:41:00.0: SR-IOV: IOV BARS not "
				      "allocated");
	assert_contains(fd->remedy, "pci=realloc");
	run_close(&r);
}

static void test_kmsg_msix_warn(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "kmsg/ice-msix.dmesg");
	fd = run_find(&r, "platform.kmsg.msix");
	assert_status(fd, CHECK_WARN);
	assert_contains(fd->evidence, "Unable to set MSI-X resources for 128 VFs");
	assert_contains(fd->remedy, "ethtool -L");
	run_close(&r);
}

static void test_kmsg_vf_reset_warn(void **state)
{
	struct netdev_info eth0 = {.name = "eth0"};
	struct vf vf = {.index = 0};
	struct pf pf = {.netdevs = &eth0, .n_netdevs = 1, .vfs = &vf, .n_vfs = 1};
	struct inventory inv = {.pfs = &pf, .n_pfs = 1};
	struct run r;
	const struct finding *fd;

	(void)state;
	assert_int_equal(pci_addr_parse("0000:01:00.0", &pf.addr), 0);
	assert_int_equal(pci_addr_parse("0000:01:10.0", &vf.addr), 0);
	check_log(&r, "kmsg/vf-reset.dmesg");
	fd = run_find(&r, "platform.kmsg.vf_reset");
	assert_status(fd, CHECK_WARN);
	assert_int_equal(count_substr(fd->evidence, "\n["), 4); /* four log lines */
	assert_contains(fd->remedy, "retry"); /* no inventory: the general advice */
	run_close(&r);
	/* with the inventory: the igbvf VF's PF netdev */
	run_open(&r, tree);
	r.c.inv = &inv;
	run_log(&r, "kmsg/vf-reset.dmesg");
	run_check(&r);
	assert_string_equal(run_find(&r, "platform.kmsg.vf_reset")->remedy,
			    "ip link set dev eth0 up");
	run_close(&r);
}

/* Each kind once, at most six lines shown, the rest counted. */
static void test_kmsg_many_lines(void **state)
{
	struct run r;
	const struct finding *fd;

	(void)state;
	check_log(&r, "check/platform/many-errors.dmesg");
	fd = run_find(&r, "platform.kmsg.no_mmio");
	assert_int_equal(count_substr(fd->evidence, "not enough MMIO resources"), 6);
	assert_contains(fd->evidence, "... and 2 more such lines");
	assert_status(run_find(&r, "platform.kmsg.msix"), CHECK_WARN);
	assert_status(run_find(&r, "platform.kmsg.iommu"), CHECK_PASS);
	assert_false(run_has(&r, "platform.kmsg.bus_range"));
	assert_false(run_has(&r, "platform.kmsg"));
	run_close(&r);
}

/* ---- every rule at once --------------------------------------------------- */

static void test_good_host_all_pass(void **state)
{
	static const char *const ids[] = {
		"platform.cpu.virt", "platform.iommu.firmware", "platform.iommu.kernel",
		"platform.vfio",     "platform.kmsg.iommu",	"platform.kmsg",
	};
	struct run r;

	(void)state;
	check_log(&r, "kmsg/iommu-on.dmesg");
	assert_int_equal(r.f.n, sizeof(ids) / sizeof(ids[0]));
	for (size_t i = 0; i < r.f.n; i++) {
		assert_string_equal(r.f.v[i].id, ids[i]);
		assert_status(&r.f.v[i], CHECK_PASS);
	}
	assert_false(findings_failed(&r.f));
	run_close(&r);
}

/* An empty tree: every rule skips (or reads nothing), none passes. */
static void test_empty_tree_no_pass(void **state)
{
	struct run r;

	(void)state;
	run_open(&r, tree);
	run_check(&r);
	assert_true(r.f.n >= 5);
	for (size_t i = 0; i < r.f.n; i++)
		if (r.f.v[i].status == CHECK_PASS)
			fail_msg("%s passes on an empty tree", r.f.v[i].id);
	run_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cpu_intel_vmx_pass),
		T(test_cpu_amd_svm_pass),
		T(test_cpu_intel_no_vmx_fail),
		T(test_cpu_amd_no_svm_fail),
		T(test_cpu_guest_warn),
		T(test_cpu_unreadable_skip),
		T(test_cpu_arm64),
		T(test_firmware_dmar_pass),
		T(test_firmware_ivrs_pass),
		T(test_firmware_intel_fail),
		T(test_firmware_amd_fail),
		T(test_firmware_guest_fail),
		T(test_firmware_no_acpi_skip),
		T(test_kernel_iommu_pass),
		T(test_kernel_iommu_no_groups_fail),
		T(test_kernel_grub_debian),
		T(test_kernel_grub_replaces_off),
		T(test_kernel_grub_fedora),
		T(test_kernel_proxmox),
		T(test_kernel_systemd_boot),
		T(test_kernel_init_args),
		T(test_kernel_no_boot_loader),
		T(test_kernel_amd_args),
		T(test_kernel_vm_amd_cpu_intel_iommu),
		T(test_kernel_args_set_firmware_off),
		T(test_kernel_no_sys_skip),
		T(test_vfio_loaded_pass),
		T(test_vfio_builtin_pass),
		T(test_vfio_module_pass),
		T(test_vfio_missing_fail),
		T(test_vfio_no_index_skip),
		T(test_kmsg_unavailable_skip),
		T(test_kmsg_clean_pass),
		T(test_kmsg_iommu_on_pass),
		T(test_kmsg_iommu_off_fail),
		T(test_kmsg_bus_range_fail),
		T(test_kmsg_no_mmio_fail),
		T(test_kmsg_iov_bars_fail),
		T(test_kmsg_msix_warn),
		T(test_kmsg_vf_reset_warn),
		T(test_kmsg_many_lines),
		T(test_good_host_all_pass),
		T(test_empty_tree_no_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
