// SPDX-License-Identifier: MIT
/*
 * The platform rules of `sriovctl check`: CPU virtualization extensions, the
 * IOMMU in the firmware (ACPI DMAR/IVRS/IORT) and in the kernel (with the
 * kernel arguments for this CPU and how to set them with the boot loader
 * found in the root), vfio-pci, and the kernel log lines that matter for
 * SR-IOV. Every read goes through the root, so --root trees work.
 *
 * Finding ids (stable; subject "host"):
 *   platform.cpu.virt        vmx/svm in /proc/cpuinfo (fail; warn in a VM;
 *                            arm64: /dev/kvm, else skip)
 *   platform.iommu.firmware  ACPI DMAR, IVRS or IORT (fail; skip without ACPI)
 *   platform.iommu.kernel    /sys/class/iommu and iommu_groups (fail, with the
 *                            kernel arguments for the boot loader found)
 *   platform.vfio            vfio-pci loaded, built in or a module (fail; skip
 *                            without a module index)
 *   platform.kmsg            pass: the log has none of the lines below; skip: no log
 *   platform.kmsg.iommu      IOMMU enabled (pass) or disabled (fail) lines
 *   platform.kmsg.bus_range, .no_mmio, .iov_bars (fail); .msix, .vf_reset (warn)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libkmod.h>

#include "sriov/checks.h"
#include "sriov/distro.h"

#define HOST		"host"
#define CPUINFO_MAX	(64 * 1024)
#define BUILTIN_MAX	(1024 * 1024)
#define CMDLINE_MAX	4096
#define MERGED_MAX	(CMDLINE_MAX + 256)
#define GRUB_MAX	(64 * 1024)
#define LOG_LINES_SHOWN 6

#define ETC_GRUB	   "/etc/default/grub"
#define ETC_KERNEL_CMDLINE "/etc/kernel/cmdline"
#define ACPI_DIR	   "/sys/firmware/acpi"
#define ACPI_TABLES	   "/sys/firmware/acpi/tables"
#define VFIO_DRIVER_DIR	   "/sys/bus/pci/drivers/vfio-pci"
#define VFIO_MODULE_DIR	   "/sys/module/vfio_pci"

enum cpu_vendor { CPU_UNKNOWN, CPU_INTEL, CPU_AMD, CPU_ARM };

/* What several rules need, read once. */
struct platform {
	bool cpuinfo_ok;
	char cpuinfo_err[sizeof(((struct sriov_err *)0)->msg)];
	enum cpu_vendor vendor;
	char vendor_id[32]; /* x86 "vendor_id", empty elsewhere */
	bool has_flags;	    /* an x86 "flags" line was found */
	bool vmx, svm, hypervisor;
	/*
	 * Whose IOMMU the kernel would drive: the firmware table's (DMAR Intel,
	 * IVRS AMD, IORT Arm); without one, in a VM Intel's (the virtual IOMMU
	 * the remedy proposes), else the CPU vendor's.
	 */
	enum cpu_vendor iommu;
	char osrelease[128];  /* /proc/sys/kernel/osrelease; empty when unknown */
	struct distro distro; /* /etc/os-release ID and ID_LIKE; empty when unknown */
};

/* Kernel arguments to add (each "key=value") and exact tokens to remove. */
struct boot_args {
	const char *add[4];
	const char *drop[4];
};

/* ---- small text helpers --------------------------------------------------- */

/* The line after "key<spaces>:<spaces>" of the first line starting with key. */
static bool colon_value(const char *text, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *v = line + klen;

		if (!strncmp(line, key, klen) && (*v == ' ' || *v == '\t' || *v == ':')) {
			v += strspn(v, " \t");
			if (*v == ':') {
				v += 1 + strspn(v + 1, " \t");
				snprintf(buf, size, "%.*s", (int)(end - v), v);
				return true;
			}
		}
		line = *end ? end + 1 : NULL;
	}
	return false;
}

/* True when word is one of the whitespace-separated words of list. */
static bool has_word(const char *list, const char *word)
{
	size_t wlen = strlen(word);

	for (const char *p = list; *p;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == wlen && !strncmp(p, word, n))
			return true;
		p += n;
	}
	return false;
}

/* Appends word to a space-separated list in buf; false when it does not fit. */
static bool append_word(char *buf, size_t size, const char *word, size_t wlen)
{
	size_t len = strlen(buf);

	if (len + (len ? 1 : 0) + wlen + 1 > size)
		return false;
	if (len)
		buf[len++] = ' ';
	memcpy(buf + len, word, wlen);
	buf[len + wlen] = '\0';
	return true;
}

static const char *join_args(const char *const *args, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; args[i]; i++)
		append_word(buf, size, args[i], strlen(args[i]));
	return buf;
}

/* ---- kernel command lines ------------------------------------------------- */

/*
 * True when the token tok (tlen bytes) already gives arg: the same key and
 * arg's value among the token's comma-separated values ("intel_iommu=on,sm_on"
 * gives "intel_iommu=on").
 */
static bool token_gives(const char *tok, size_t tlen, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) + 1 : strlen(arg);
	const char *want = eq ? eq + 1 : "";
	size_t wlen = strlen(want);

	if (tlen < klen || strncmp(tok, arg, klen))
		return false;
	if (!eq)
		return tlen == klen;
	for (const char *v = tok + klen; v < tok + tlen;) {
		size_t n = strcspn(v, ",");

		if (v + n > tok + tlen)
			n = tok + tlen - v;
		if (n == wlen && !strncmp(v, want, n))
			return true;
		v += n + 1;
	}
	return false;
}

static bool token_in(const char *tok, size_t tlen, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == tlen && !strncmp(tok, list[i], tlen))
			return true;
	return false;
}

/* True when every argument of add is given by some token of cmdline. */
/* The kernel's part of a command line: up to "--" (the rest is for init). */
static size_t kernel_part(const char *cmdline)
{
	for (const char *p = cmdline; *p;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == 2 && !strncmp(p, "--", 2))
			return p - cmdline;
		p += n;
	}
	return strlen(cmdline);
}

static bool cmdline_gives(const char *cmdline, size_t len, const char *arg)
{
	for (const char *p = cmdline, *end = cmdline + len; p < end;) {
		size_t n;

		p += strspn(p, " \t\n");
		if (p >= end)
			break;
		n = strcspn(p, " \t\n");
		if (p + n > end)
			n = end - p;
		if (n && token_gives(p, n, arg))
			return true;
		p += n;
	}
	return false;
}

/* True when every argument of add is given by the kernel's part of cmdline. */
static bool cmdline_has_all(const char *cmdline, const char *const *add)
{
	size_t len = kernel_part(cmdline);

	for (size_t i = 0; add[i]; i++)
		if (!cmdline_gives(cmdline, len, add[i]))
			return false;
	return true;
}

/*
 * The command line cur with the tokens of b->drop removed and each argument
 * of b->add added unless a token already gives it: existing arguments stay,
 * in their order, nothing is added twice, and the new ones go before a "--"
 * (after which the arguments are init's).
 */
static void cmdline_merge(const char *cur, const struct boot_args *b, char *out,
			  size_t size)
{
	size_t len = kernel_part(cur);

	out[0] = '\0';
	for (const char *p = cur; p < cur + len;) {
		size_t n;

		p += strspn(p, " \t\n");
		if (p >= cur + len)
			break;
		n = strcspn(p, " \t\n");
		if (n && !token_in(p, n, b->drop))
			append_word(out, size, p, n);
		p += n;
	}
	for (size_t i = 0; b->add[i]; i++)
		if (!cmdline_gives(out, strlen(out), b->add[i]))
			append_word(out, size, b->add[i], strlen(b->add[i]));
	if (cur[len])
		append_word(out, size, cur + len, strcspn(cur + len, "\n"));
}

/* ---- reading the platform ------------------------------------------------- */

static void read_cpu(struct sriov_root *r, struct platform *p)
{
	char *text = malloc(CPUINFO_MAX), *flags = malloc(CPUINFO_MAX);
	struct sriov_err e;

	sriov_err_clear(&e);
	if (!text || !flags) {
		snprintf(p->cpuinfo_err, sizeof(p->cpuinfo_err), "out of memory");
	} else if (sriov_read_file(r, "/proc/cpuinfo", text, CPUINFO_MAX, NULL, &e) < 0) {
		snprintf(p->cpuinfo_err, sizeof(p->cpuinfo_err), "%s", e.msg);
	} else {
		p->cpuinfo_ok = true;
		colon_value(text, "vendor_id", p->vendor_id, sizeof(p->vendor_id));
		p->has_flags = colon_value(text, "flags", flags, CPUINFO_MAX);
		p->vmx = p->has_flags && has_word(flags, "vmx");
		p->svm = p->has_flags && has_word(flags, "svm");
		p->hypervisor = p->has_flags && has_word(flags, "hypervisor");
		if (!strcmp(p->vendor_id, "GenuineIntel"))
			p->vendor = CPU_INTEL;
		else if (!strcmp(p->vendor_id, "AuthenticAMD") ||
			 !strcmp(p->vendor_id, "HygonGenuine"))
			p->vendor = CPU_AMD;
		else if (!p->has_flags && colon_value(text, "CPU implementer", flags, 64))
			p->vendor = CPU_ARM;
	}
	free(text);
	free(flags);
}

static void read_os(struct sriov_root *r, struct platform *p)
{
	if (sriov_read_attr(r, "/proc/sys/kernel/osrelease", p->osrelease,
			    sizeof(p->osrelease), NULL) < 0 ||
	    !sriov_name_is_safe(p->osrelease))
		p->osrelease[0] = '\0';
	distro_read(r, &p->distro);
}

static bool os_is(const struct platform *p, const char *id)
{
	return distro_is(&p->distro, id);
}

static bool exists(const struct check_context *c, const char *path)
{
	return sriov_path_exists(c->root, path) == 0;
}

/* ---- remedies shared by several rules ------------------------------------- */

static void remedy_firmware_iommu(const struct platform *p, struct finding *fd)
{
	if (p->hypervisor) {
		finding_remedy(fd, "this is a virtual machine: give it a virtual IOMMU");
		finding_remedy(fd, "QEMU: -machine q35,kernel-irqchip=split -device "
				   "intel-iommu,intremap=on,caching-mode=on");
		finding_remedy(fd, "libvirt: <iommu model='intel'><driver intremap='on' "
				   "caching_mode='on'/></iommu>");
		return;
	}
	switch (p->vendor) {
	case CPU_INTEL:
		finding_remedy(fd, "BIOS/UEFI setup: enable Intel VT-d (\"Intel "
				   "Virtualization Technology for Directed I/O\", often "
				   "under Chipset or System Agent Configuration)");
		return;
	case CPU_AMD:
		finding_remedy(fd,
			       "BIOS/UEFI setup: enable the AMD IOMMU (\"IOMMU\" = "
			       "Enabled; on ASUS and Gigabyte boards also \"SVM Mode\", "
			       "often under Advanced > AMD CBS > NBIO Common Options)");
		return;
	case CPU_ARM:
		finding_remedy(fd, "firmware setup: enable the SMMU so that the firmware "
				   "describes it (ACPI IORT table or the device tree)");
		return;
	case CPU_UNKNOWN:
		break;
	}
	finding_remedy(fd, "BIOS/UEFI setup: enable the IOMMU (Intel VT-d or AMD IOMMU)");
}

static void boot_kernel_cmdline(const struct check_context *c, const struct boot_args *b,
				struct finding *fd)
{
	char cur[CMDLINE_MAX], merged[MERGED_MAX];

	if (sriov_read_attr(c->root, ETC_KERNEL_CMDLINE, cur, sizeof(cur), NULL) < 0)
		cur[0] = '\0';
	finding_evidence(fd, ETC_KERNEL_CMDLINE ": %s", cur);
	cmdline_merge(cur, b, merged, sizeof(merged));
	finding_remedy(fd, ETC_KERNEL_CMDLINE ": %s", merged);
}

/* The value of the last uncommented NAME=... line of a shell-style file. */
static bool grub_value(const char *text, const char *name, char *buf, size_t size)
{
	size_t nlen = strlen(name);
	bool found = false;

	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		const char *v = line + strspn(line, " \t");
		char q;
		size_t n;

		if (!strncmp(v, name, nlen) && v[nlen] == '=') {
			v += nlen + 1;
			q = (*v == '"' || *v == '\'') ? *v++ : 0;
			n = q ? strcspn(v, q == '"' ? "\"\n" : "'\n")
			      : strcspn(v, " \t\n#");
			snprintf(buf, size, "%.*s", (int)n, v);
			found = true;
		}
		line = *end ? end + 1 : NULL;
	}
	return found;
}

/* The GRUB variable to edit (the one of the file that exists) and its value. */
static const char *grub_variable(const char *text, char *cur, size_t size)
{
	cur[0] = '\0';
	if (grub_value(text, "GRUB_CMDLINE_LINUX_DEFAULT", cur, size))
		return "GRUB_CMDLINE_LINUX_DEFAULT";
	if (grub_value(text, "GRUB_CMDLINE_LINUX", cur, size))
		return "GRUB_CMDLINE_LINUX";
	return NULL;
}

static void boot_grub_line(const struct check_context *c, const struct boot_args *b,
			   struct finding *fd)
{
	char *text = malloc(GRUB_MAX);
	char cur[CMDLINE_MAX], merged[MERGED_MAX];
	const char *var = NULL;

	if (text && sriov_read_file(c->root, ETC_GRUB, text, GRUB_MAX, NULL, NULL) == 0)
		var = grub_variable(text, cur, sizeof(cur));
	free(text);
	if (var) {
		finding_evidence(fd, ETC_GRUB ": %s=\"%s\"", var, cur);
	} else {
		var = "GRUB_CMDLINE_LINUX_DEFAULT";
		cur[0] = '\0';
		finding_evidence(fd, ETC_GRUB ": no GRUB_CMDLINE_LINUX_DEFAULT line");
	}
	cmdline_merge(cur, b, merged, sizeof(merged));
	finding_remedy(fd, ETC_GRUB ": %s=\"%s\"", var, merged);
}

static void boot_grub_update(const struct check_context *c, const struct platform *p,
			     const struct boot_args *b, struct finding *fd)
{
	char args[256];

	if (exists(c, "/usr/sbin/update-grub") || exists(c, "/sbin/update-grub")) {
		finding_remedy(fd, "update-grub");
		return;
	}
	if (exists(c, "/usr/sbin/grubby") || exists(c, "/sbin/grubby")) {
		finding_remedy(fd, "grubby --update-kernel=ALL --args=\"%s\"",
			       join_args(b->add, args, sizeof(args)));
		return;
	}
	if (exists(c, "/usr/sbin/grub2-mkconfig") || exists(c, "/boot/grub2") ||
	    os_is(p, "fedora") || os_is(p, "rhel") || os_is(p, "suse")) {
		finding_remedy(fd, "grub2-mkconfig -o /boot/grub2/grub.cfg");
		return;
	}
	finding_remedy(fd, "grub-mkconfig -o /boot/grub/grub.cfg");
}

static void boot_kernel_install(const struct check_context *c, const struct platform *p,
				struct finding *fd)
{
	const char *rel = p->osrelease[0] ? p->osrelease : "KERNEL-VERSION";
	char image[256];

	snprintf(image, sizeof(image), "/boot/vmlinuz-%s", rel);
	if (p->osrelease[0] && !exists(c, image))
		snprintf(image, sizeof(image), "/lib/modules/%s/vmlinuz", rel);
	finding_remedy(fd, "kernel-install add %s %s", rel, image);
}

/*
 * How to put the arguments of b on the kernel command line with the boot
 * loader configuration found in the root: the new line of each file, then
 * the command that writes the boot entries, then reboot.
 */
static void remedy_boot_args(const struct check_context *c, const struct platform *p,
			     const struct boot_args *b, struct finding *fd)
{
	bool kernel_cmdline = exists(c, ETC_KERNEL_CMDLINE);
	bool grub = exists(c, ETC_GRUB);
	char args[256];

	if (!kernel_cmdline && !grub) {
		finding_remedy(fd, "add to the boot loader's kernel command line: %s",
			       join_args(b->add, args, sizeof(args)));
		finding_remedy(fd, "reboot");
		return;
	}
	if (kernel_cmdline)
		boot_kernel_cmdline(c, b, fd);
	if (grub)
		boot_grub_line(c, b, fd);
	if (exists(c, "/usr/sbin/proxmox-boot-tool")) {
		finding_remedy(fd, "proxmox-boot-tool refresh");
	} else {
		if (kernel_cmdline)
			boot_kernel_install(c, p, fd);
		if (grub)
			boot_grub_update(c, p, b, fd);
	}
	finding_remedy(fd, "reboot");
}

/* /proc/cmdline into buf ("" when unreadable) and as evidence. */
static void evidence_cmdline(const struct check_context *c, struct finding *fd, char *buf,
			     size_t size)
{
	struct sriov_err e;

	sriov_err_clear(&e);
	if (sriov_read_attr(c->root, "/proc/cmdline", buf, size, &e) < 0) {
		buf[0] = '\0';
		finding_evidence(fd, "%s", e.msg);
		return;
	}
	finding_evidence(fd, "/proc/cmdline: %s", buf);
}

/* ---- platform.cpu.virt ---------------------------------------------------- */

static int cpu_virt_arm(const struct check_context *c, struct findings *out)
{
	struct finding *fd;

	if (!exists(c, "/dev/kvm")) {
		fd = findings_add(out, "platform.cpu.virt", HOST, CHECK_SKIP,
				  "arm64: /proc/cpuinfo does not show virtualization "
				  "support, and there is no /dev/kvm to show KVM runs");
		finding_evidence(fd, "/dev/kvm: not present");
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(out, "platform.cpu.virt", HOST, CHECK_PASS,
			  "arm64: KVM is available (the kernel runs at EL2)");
	finding_evidence(fd, "/dev/kvm: present");
	return fd ? 0 : -ENOMEM;
}

static void remedy_cpu_virt(const struct platform *p, struct finding *fd)
{
	if (p->hypervisor) {
		finding_remedy(fd,
			       "on the VM's host: enable nested virtualization "
			       "(/etc/modprobe.d/kvm.conf: options kvm_intel nested=1, "
			       "or options kvm_amd nested=1)");
		finding_remedy(fd, "give the VM the host's CPU model (QEMU: -cpu host; "
				   "libvirt: <cpu mode='host-passthrough'/>)");
		return;
	}
	if (p->vendor == CPU_AMD)
		finding_remedy(fd, "BIOS/UEFI setup: enable AMD-V (\"SVM Mode\" on ASUS, "
				   "Gigabyte and MSI boards, under Advanced > CPU "
				   "Configuration)");
	else
		finding_remedy(fd,
			       "BIOS/UEFI setup: enable Intel VT-x (\"Intel "
			       "Virtualization Technology\", often under Advanced > CPU "
			       "Configuration)");
}

static int rule_cpu_virt(const struct check_context *c, const struct platform *p,
			 struct findings *out)
{
	const char *id = "platform.cpu.virt";
	struct finding *fd;

	if (!p->cpuinfo_ok) {
		fd = findings_add(out, id, HOST, CHECK_SKIP,
				  "cannot read /proc/cpuinfo: %s", p->cpuinfo_err);
		return fd ? 0 : -ENOMEM;
	}
	if (p->vendor == CPU_ARM)
		return cpu_virt_arm(c, out);
	if (!p->has_flags) {
		fd = findings_add(
			out, id, HOST, CHECK_SKIP,
			"/proc/cpuinfo has no \"flags\" line: CPU virtualization "
			"support is not shown there on this architecture");
		return fd ? 0 : -ENOMEM;
	}
	if (p->vmx || p->svm) {
		fd = findings_add(out, id, HOST, CHECK_PASS,
				  "the CPU has virtualization extensions (%s)",
				  p->vmx ? "Intel VT-x" : "AMD-V");
		finding_evidence(fd, "/proc/cpuinfo: flags include %s",
				 p->vmx ? "vmx" : "svm");
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(out, id, HOST, p->hypervisor ? CHECK_WARN : CHECK_FAIL,
			  "%s: VMs cannot use hardware virtualization (KVM)",
			  p->hypervisor ? "this virtual machine's CPU has no vmx or svm"
					: "the CPU's virtualization extensions are off");
	finding_evidence(fd, "/proc/cpuinfo: vendor_id %s, flags without vmx or svm%s",
			 p->vendor_id[0] ? p->vendor_id : "(none)",
			 p->hypervisor ? ", with hypervisor" : "");
	remedy_cpu_virt(p, fd);
	return fd ? 0 : -ENOMEM;
}

/* ---- platform.iommu.firmware ---------------------------------------------- */

static const char *const iommu_tables[][2] = {
	{"DMAR", "Intel VT-d"},
	{"IVRS", "AMD-Vi"},
	{"IORT", "Arm SMMU"},
};

/* The index into iommu_tables of the first table present, or -1. */
static int iommu_table_found(const struct check_context *c)
{
	for (size_t i = 0; i < sizeof(iommu_tables) / sizeof(iommu_tables[0]); i++)
		if (sriov_pathf_exists(c->root, ACPI_TABLES "/%s", iommu_tables[i][0]) ==
		    0)
			return (int)i;
	return -1;
}

static enum cpu_vendor iommu_vendor(const struct check_context *c,
				    const struct platform *p)
{
	static const enum cpu_vendor by_table[] = {CPU_INTEL, CPU_AMD, CPU_ARM};
	int t = iommu_table_found(c);

	if (t >= 0)
		return by_table[t];
	return p->hypervisor ? CPU_INTEL : p->vendor;
}

static int rule_iommu_firmware(const struct check_context *c, const struct platform *p,
			       struct findings *out)
{
	const char *id = "platform.iommu.firmware";
	struct finding *fd;
	int t;

	if (!exists(c, ACPI_DIR) || !exists(c, ACPI_TABLES)) {
		fd = findings_add(out, id, HOST, CHECK_SKIP,
				  "no %s: a device-tree system, or a tree without the "
				  "ACPI tables",
				  exists(c, ACPI_DIR) ? ACPI_TABLES : ACPI_DIR);
		return fd ? 0 : -ENOMEM;
	}
	t = iommu_table_found(c);
	if (t >= 0) {
		fd = findings_add(out, id, HOST, CHECK_PASS,
				  "the firmware describes an IOMMU (%s)",
				  iommu_tables[t][1]);
		finding_evidence(fd, ACPI_TABLES "/%s: present", iommu_tables[t][0]);
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(out, id, HOST, CHECK_FAIL,
			  "the firmware describes no IOMMU: it is off in the BIOS/UEFI "
			  "setup (or the platform has none)");
	finding_evidence(fd, ACPI_TABLES ": no DMAR, IVRS or IORT table");
	remedy_firmware_iommu(p, fd);
	return fd ? 0 : -ENOMEM;
}

/* ---- platform.iommu.kernel ------------------------------------------------ */

/* Entries of dir into *n, their names (space-separated) into names when not NULL. */
static int count_dir(const struct check_context *c, const char *dir, size_t *n,
		     char *names, size_t size, struct sriov_err *e)
{
	struct sriov_dirent *ents = NULL;
	int ret = sriov_list_dir(c->root, dir, &ents, n, e);

	if (ret == -ENOENT) {
		*n = 0;
		ret = 0;
	}
	for (size_t i = 0; names && ret == 0 && i < *n; i++)
		append_word(names, size, ents[i].name, strlen(ents[i].name));
	free(ents);
	return ret;
}

static const struct boot_args *iommu_boot_args(const struct platform *p)
{
	static const struct boot_args intel = {
		{"intel_iommu=on", "iommu=pt", NULL},
		{"intel_iommu=off", "iommu=off", "iommu=nopt", NULL},
	};
	static const struct boot_args amd = {
		{"iommu=pt", NULL},
		{"amd_iommu=off", "iommu=off", "iommu=nopt", NULL},
	};

	return p->iommu == CPU_AMD ? &amd : &intel;
}

static void remedy_iommu_kernel(const struct check_context *c, const struct platform *p,
				const char *cmdline, struct finding *fd)
{
	const struct boot_args *b = iommu_boot_args(p);
	char args[256];

	if (p->iommu == CPU_ARM) {
		remedy_firmware_iommu(p, fd);
		return;
	}
	if (cmdline_has_all(cmdline, b->add)) {
		finding_remedy(fd,
			       "the kernel arguments (%s) are set already: the "
			       "firmware must enable the IOMMU",
			       join_args(b->add, args, sizeof(args)));
		remedy_firmware_iommu(p, fd);
		return;
	}
	if (exists(c, ACPI_TABLES) && iommu_table_found(c) < 0)
		remedy_firmware_iommu(p, fd);
	remedy_boot_args(c, p, b, fd);
}

static const char *iommu_kernel_summary(const struct platform *p)
{
	switch (p->iommu) {
	case CPU_INTEL:
		return "the IOMMU is not active: the Intel IOMMU needs intel_iommu=on "
		       "(iommu=pt recommended)";
	case CPU_AMD:
		return "the IOMMU is not active: the AMD IOMMU is on by default when "
		       "the firmware enables it (amd_iommu=on is not needed, harmless "
		       "on older kernels); iommu=pt recommended";
	case CPU_ARM:
		return "the IOMMU is not active: the kernel enables the SMMU when the "
		       "firmware describes it";
	case CPU_UNKNOWN:
		break;
	}
	return "the IOMMU is not active (its vendor is unknown: the Intel arguments "
	       "are shown)";
}

static int rule_iommu_kernel(const struct check_context *c, const struct platform *p,
			     struct findings *out)
{
	const char *id = "platform.iommu.kernel";
	char units[256] = "", cmdline[CMDLINE_MAX];
	size_t n_units, n_groups;
	struct finding *fd;
	struct sriov_err e;

	sriov_err_clear(&e);
	if (!exists(c, "/sys/kernel") ||
	    count_dir(c, "/sys/class/iommu", &n_units, units, sizeof(units), &e) < 0 ||
	    count_dir(c, "/sys/kernel/iommu_groups", &n_groups, NULL, 0, &e) < 0) {
		fd = findings_add(out, id, HOST, CHECK_SKIP, "cannot tell: %s",
				  e.msg[0] ? e.msg : "no /sys/kernel in the tree");
		return fd ? 0 : -ENOMEM;
	}
	fd = findings_add(
		out, id, HOST, n_units && n_groups ? CHECK_PASS : CHECK_FAIL, "%s",
		n_units && n_groups ? "the IOMMU is active" : iommu_kernel_summary(p));
	finding_evidence(fd, "/sys/class/iommu: %s", n_units ? units : "empty");
	finding_evidence(fd, "/sys/kernel/iommu_groups: %zu groups", n_groups);
	evidence_cmdline(c, fd, cmdline, sizeof(cmdline));
	if (fd && fd->status == CHECK_FAIL)
		remedy_iommu_kernel(c, p, cmdline, fd);
	return fd ? 0 : -ENOMEM;
}

/* ---- platform.vfio -------------------------------------------------------- */

/* True when a line of text is a path whose last component is file. */
static bool lists_module_file(const char *text, const char *file)
{
	size_t flen = strlen(file);

	for (const char *line = text; line && *line;) {
		const char *end = strchrnul(line, '\n');
		size_t n = end - line;

		if (n > flen && line[n - flen - 1] == '/' &&
		    !strncmp(end - flen, file, flen))
			return true;
		line = *end ? end + 1 : NULL;
	}
	return false;
}

/* True when modules.builtin of the running kernel lists vfio-pci. */
static bool vfio_builtin_listed(const struct check_context *c, const struct platform *p,
				char *path, size_t size)
{
	char *text;
	bool found = false;

	if (!p->osrelease[0])
		return false;
	if (sriov_pathf(NULL, path, size, "/lib/modules/%s/modules.builtin",
			p->osrelease) < 0)
		return false;
	text = malloc(BUILTIN_MAX);
	if (text && sriov_read_file(c->root, path, text, BUILTIN_MAX, NULL, NULL) == 0)
		found = lists_module_file(text, "vfio-pci.ko") ||
			lists_module_file(text, "vfio_pci.ko");
	free(text);
	return found;
}

/* The module file of vfio-pci in the module index, or NULL. */
static bool vfio_module_path(const struct check_context *c, char *path, size_t size)
{
	struct kmod_module *mod = NULL;
	const char *p;

	if (kmod_module_new_from_name(c->kmod, "vfio-pci", &mod) < 0)
		return false;
	p = kmod_module_get_path(mod);
	if (p)
		snprintf(path, size, "%s", p);
	kmod_module_unref(mod);
	return p != NULL;
}

/* True when c->kmod can answer; else why not into why. */
static bool module_index_usable(const struct check_context *c, const struct platform *p,
				char *why, size_t size)
{
	if (!c->kmod) {
		snprintf(why, size, "%s", c->kmod_unavailable);
		return false;
	}
	if (!p->osrelease[0] ||
	    sriov_pathf_exists(c->root, "/lib/modules/%s/modules.dep.bin",
			       p->osrelease) == 0)
		return true;
	snprintf(why, size, "/lib/modules/%s/modules.dep.bin: not present", p->osrelease);
	return false;
}

static int vfio_pass(struct findings *out, const char *summary, const char *evidence)
{
	struct finding *fd =
		findings_add(out, "platform.vfio", HOST, CHECK_PASS, "%s", summary);

	finding_evidence(fd, "%s", evidence);
	return fd ? 0 : -ENOMEM;
}

static int rule_vfio(const struct check_context *c, const struct platform *p,
		     struct findings *out)
{
	char path[512], evidence[640];
	struct finding *fd;

	if (exists(c, VFIO_DRIVER_DIR))
		return vfio_pass(out, "vfio-pci is loaded", VFIO_DRIVER_DIR ": present");
	if (exists(c, VFIO_MODULE_DIR) && !exists(c, VFIO_MODULE_DIR "/initstate"))
		return vfio_pass(out, "vfio-pci is built into the kernel",
				 VFIO_MODULE_DIR ": present, without initstate");
	if (vfio_builtin_listed(c, p, path, sizeof(path))) {
		snprintf(evidence, sizeof(evidence), "%s: lists vfio-pci.ko", path);
		return vfio_pass(out, "vfio-pci is built into the kernel", evidence);
	}
	if (!module_index_usable(c, p, evidence, sizeof(evidence))) {
		fd = findings_add(
			out, "platform.vfio", HOST, CHECK_SKIP,
			"vfio-pci is neither loaded nor built in, and the module "
			"index cannot be read: %s",
			evidence);
		return fd ? 0 : -ENOMEM;
	}
	if (vfio_module_path(c, path, sizeof(path))) {
		snprintf(evidence, sizeof(evidence), "module index: vfio_pci: %s", path);
		return vfio_pass(out,
				 "vfio-pci is available as a module (not loaded yet)",
				 evidence);
	}
	fd = findings_add(out, "platform.vfio", HOST, CHECK_FAIL,
			  "this kernel has no vfio-pci: VFs cannot be passed to VMs");
	finding_evidence(fd, VFIO_DRIVER_DIR ": not present");
	finding_evidence(fd, "module index%s%s: no vfio_pci",
			 p->osrelease[0] ? " of " : "", p->osrelease);
	finding_remedy(fd,
		       "install the distribution's standard kernel (it has vfio-pci), "
		       "or build the kernel with CONFIG_VFIO_PCI=m");
	return fd ? 0 : -ENOMEM;
}

/* ---- platform.kmsg.* ------------------------------------------------------ */

struct kmsg_rule {
	enum kmsg_kind kind;
	const char *id;
	enum check_status status;
	const char *summary;
};

static const struct kmsg_rule kmsg_rules[] = {
	{KMSG_IOMMU_DISABLED, "platform.kmsg.iommu", CHECK_FAIL,
	 "the kernel log says the IOMMU is disabled"},
	{KMSG_SRIOV_BUS_RANGE, "platform.kmsg.bus_range", CHECK_FAIL,
	 "VFs need bus numbers the firmware did not reserve (pci=realloc does not "
	 "fix this)"},
	{KMSG_SRIOV_NO_MMIO, "platform.kmsg.no_mmio", CHECK_FAIL,
	 "no memory space was reserved for the VF BARs"},
	{KMSG_SRIOV_BARS_UNASSIGNED, "platform.kmsg.iov_bars", CHECK_FAIL,
	 "the VF BARs (IOV BARs) were not allocated"},
	{KMSG_MSIX_FAILED, "platform.kmsg.msix", CHECK_WARN,
	 "MSI-X interrupt vectors ran out while enabling VFs"},
	{KMSG_VF_RESET, "platform.kmsg.vf_reset", CHECK_WARN,
	 "a VF or its PF was still resetting"},
};

static size_t kmsg_count(const struct kmsg_log *log, enum kmsg_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < log->n; i++)
		n += log->v[i].kind == kind;
	return n;
}

static void evidence_record(struct finding *fd, const struct kmsg_record *rec)
{
	if (rec->has_ts)
		finding_evidence(fd, "[%5llu.%06llu] %s",
				 (unsigned long long)(rec->ts_usec / 1000000),
				 (unsigned long long)(rec->ts_usec % 1000000), rec->text);
	else
		finding_evidence(fd, "%s", rec->text);
}

static void evidence_kind(const struct check_context *c, enum kmsg_kind kind,
			  struct finding *fd)
{
	size_t shown = 0, n = kmsg_count(c->log, kind);

	finding_evidence(fd, "kernel log: %s", c->log_source);
	for (size_t i = 0; i < c->log->n && shown < LOG_LINES_SHOWN; i++) {
		if (c->log->v[i].kind != kind)
			continue;
		evidence_record(fd, &c->log->v[i]);
		shown++;
	}
	if (n > shown)
		finding_evidence(fd, "... and %zu more such lines", n - shown);
}

/* The first netdev of the PF that is or owns the function a, or NULL. */
static const char *pf_netdev_of(const struct check_context *c, const struct pci_addr *a)
{
	for (size_t i = 0; c->inv && i < c->inv->n_pfs; i++) {
		const struct pf *pf = &c->inv->pfs[i];
		bool match = !pci_addr_cmp(&pf->addr, a);

		for (size_t j = 0; !match && j < pf->n_vfs; j++)
			match = !pci_addr_cmp(&pf->vfs[j].addr, a);
		if (match && pf->n_netdevs)
			return pf->netdevs[0].name;
	}
	return NULL;
}

static void remedy_vf_reset(const struct check_context *c, struct finding *fd)
{
	for (size_t i = 0; i < c->log->n; i++) {
		const struct kmsg_record *rec = &c->log->v[i];
		const char *netdev;

		if (rec->kind != KMSG_VF_RESET || !rec->has_pci_addr)
			continue;
		netdev = pf_netdev_of(c, &rec->addr);
		if (netdev) {
			finding_remedy(fd, "ip link set dev %s up", netdev);
			return;
		}
	}
	finding_remedy(fd, "%s", kmsg_kind_remedy(KMSG_VF_RESET));
}

static void remedy_kmsg(const struct check_context *c, const struct platform *p,
			enum kmsg_kind kind, struct finding *fd)
{
	static const struct boot_args assign_busses = {{"pci=assign-busses", NULL},
						       {NULL}};
	static const struct boot_args realloc = {{"pci=realloc", NULL}, {NULL}};

	switch (kind) {
	case KMSG_IOMMU_DISABLED:
		remedy_boot_args(c, p, iommu_boot_args(p), fd);
		return;
	case KMSG_SRIOV_BUS_RANGE:
		remedy_boot_args(c, p, &assign_busses, fd);
		return;
	case KMSG_SRIOV_NO_MMIO:
	case KMSG_SRIOV_BARS_UNASSIGNED:
		finding_remedy(fd,
			       "BIOS/UEFI setup: enable \"SR-IOV Support\" (often under "
			       "Advanced > PCI Subsystem Settings); or boot with "
			       "pci=realloc:");
		remedy_boot_args(c, p, &realloc, fd);
		return;
	case KMSG_VF_RESET:
		remedy_vf_reset(c, fd);
		return;
	default:
		finding_remedy(fd, "%s", kmsg_kind_remedy(kind));
		return;
	}
}

static int kmsg_iommu_enabled(const struct check_context *c, struct findings *out)
{
	struct finding *fd = findings_add(out, "platform.kmsg.iommu", HOST, CHECK_PASS,
					  "the kernel log says the IOMMU is enabled");

	evidence_kind(c, KMSG_IOMMU_ENABLED, fd);
	return fd ? 0 : -ENOMEM;
}

static int rule_kmsg(const struct check_context *c, const struct platform *p,
		     struct findings *out)
{
	size_t bad = 0;
	struct finding *fd;

	if (!c->log_available || !c->log || !c->log->n) {
		fd = findings_add(out, "platform.kmsg", HOST, CHECK_SKIP,
				  "no kernel log to read: %s",
				  c->log_available ? "the log is empty"
						   : c->log_unavailable);
		return fd ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(kmsg_rules) / sizeof(kmsg_rules[0]); i++) {
		const struct kmsg_rule *k = &kmsg_rules[i];

		if (!kmsg_count(c->log, k->kind))
			continue;
		bad++;
		fd = findings_add(out, k->id, HOST, k->status, "%s", k->summary);
		if (!fd)
			return -ENOMEM;
		evidence_kind(c, k->kind, fd);
		remedy_kmsg(c, p, k->kind, fd);
	}
	if (!kmsg_count(c->log, KMSG_IOMMU_DISABLED) &&
	    kmsg_count(c->log, KMSG_IOMMU_ENABLED) && kmsg_iommu_enabled(c, out) < 0)
		return -ENOMEM;
	if (bad)
		return 0;
	fd = findings_add(out, "platform.kmsg", HOST, CHECK_PASS,
			  "the kernel log has none of the SR-IOV error lines");
	finding_evidence(fd, "kernel log: %s: %zu records%s", c->log_source, c->log->n,
			 c->log->lost ? " (some were overwritten before they were read)"
				      : "");
	return fd ? 0 : -ENOMEM;
}

/* ---- the platform rules --------------------------------------------------- */

int check_platform(const struct check_context *c, struct findings *out,
		   struct sriov_err *e)
{
	int (*const rules[])(const struct check_context *, const struct platform *,
			     struct findings *) = {
		rule_cpu_virt, rule_iommu_firmware, rule_iommu_kernel,
		rule_vfio,     rule_kmsg,
	};
	struct platform p = {0};

	read_cpu(c->root, &p);
	read_os(c->root, &p);
	p.iommu = iommu_vendor(c, &p);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i](c, &p, out) < 0)
			return sriov_err_set(e, -ENOMEM, "check: out of memory");
	return 0;
}
