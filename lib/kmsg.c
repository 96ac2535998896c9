// SPDX-License-Identifier: MIT
/*
 * The kernel log: /dev/kmsg records and dmesg text parsed into records, each
 * classified by what it means for SR-IOV and tied to the PCI device it is
 * about; and a reader for the live log that returns only what the kernel
 * wrote after a given moment (just before a write to sriov_numvfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov/kmsg.h"
#include "hex.h"

#define KMSG_READ_CHUNK 16384	   /* one /dev/kmsg record always fits */
#define KMSG_READ_MAX	(4u << 20) /* never read more than this in one call */

void kmsg_log_free(struct kmsg_log *log)
{
	free(log->v);
	memset(log, 0, sizeof(*log));
}

/* ---- classification ----------------------------------------------------- */

#define ANY_MAX 6

/* A message is of kind when it contains one of any[] and (if given) one of also[]. */
struct kmsg_pattern {
	enum kmsg_kind kind;
	const char *any[ANY_MAX];
	const char *also[ANY_MAX];
};

/* First match wins: specific messages before the generic ones. */
static const struct kmsg_pattern patterns[] = {
	{KMSG_SRIOV_BUS_RANGE, {"can't enable"}, {"out of range"}},
	{KMSG_SRIOV_BUS_RANGE, {"SR-IOV: bus number out of range"}, {NULL}},
	{KMSG_SRIOV_NO_MMIO, {"not enough MMIO resources for SR-IOV"}, {NULL}},
	{KMSG_SRIOV_BARS_UNASSIGNED, {"IOV BARS not allocated"}, {NULL}},
	{KMSG_SRIOV_NO_DRIVER, {"no driver bound to device"}, {"SR-IOV", "SRIOV"}},
	{KMSG_SRIOV_NO_CONFIGURE,
	 {"support SR-IOV configuration via sysfs",
	  "support SRIOV configuration via sysfs"},
	 {NULL}},
	{KMSG_SRIOV_ALREADY_ENABLED, {"VFs already enabled"}, {NULL}},
	{KMSG_SRIOV_FEWER_ENABLED, {"VFs requested; only"}, {NULL}},
	{KMSG_VF_RESET,
	 {"still in reset", "in reset. Try again", "PF still resetting"},
	 {NULL}},
	{KMSG_MSIX_FAILED,
	 {"MSI-X", "MSIX"},
	 {"fail", "unable", "not enough", "insufficient", "can't", "cannot"}},
	{KMSG_IOMMU_DISABLED, {"IOMMU disabled"}, {NULL}},
	{KMSG_IOMMU_ENABLED,
	 {"DMAR: IOMMU enabled", "Virtualization Technology for Directed I/O",
	  "AMD-Vi: Found IOMMU", "AMD-Vi: Interrupt remapping enabled"},
	 {NULL}},
	{KMSG_SRIOV_ENABLE_FAILED,
	 {"SR-IOV", "SRIOV"},
	 {"fail", "unable", "can't", "cannot", "error"}},
};

static bool contains_any(const char *text, const char *const *subs)
{
	for (int i = 0; i < ANY_MAX && subs[i]; i++)
		if (strcasestr(text, subs[i]))
			return true;
	return false;
}

static bool pattern_matches(const struct kmsg_pattern *p, const char *text)
{
	if (!contains_any(text, p->any))
		return false;
	return !p->also[0] || contains_any(text, p->also);
}

enum kmsg_kind kmsg_classify(const char *text)
{
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (pattern_matches(&patterns[i], text))
			return patterns[i].kind;
	return KMSG_OTHER;
}

struct kind_info {
	const char *name;
	const char *summary;
	const char *remedy;
};

static const struct kind_info kinds[KMSG_KIND_COUNT] = {
	[KMSG_OTHER] = {"other", NULL, NULL},
	[KMSG_SRIOV_BUS_RANGE] =
		{"sriov_bus_range", "the VFs need bus numbers that are not reserved",
		 "the firmware reserved too few bus numbers behind this port for "
		 "the VFs' routing IDs: boot with pci=assign-busses on the kernel "
		 "command line (pci=realloc does not fix this)"},
	[KMSG_SRIOV_NO_MMIO] =
		{"sriov_no_mmio", "no memory space was reserved for the VF BARs",
		 "enable SR-IOV (\"SR-IOV support\") in the BIOS/UEFI setup so that the "
		 "firmware reserves VF BAR space, or boot with pci=realloc"},
	[KMSG_SRIOV_BARS_UNASSIGNED] =
		{"sriov_bars_unassigned", "the VF BARs could not be enabled",
		 "enable SR-IOV (\"SR-IOV support\") in the BIOS/UEFI setup so that the "
		 "firmware assigns the VF BARs, or boot with pci=realloc"},
	[KMSG_SRIOV_NO_DRIVER] =
		{"sriov_no_driver", "no driver is bound to the PF",
		 "load and bind the PF's driver first: VFs are created through it"},
	[KMSG_SRIOV_NO_CONFIGURE] =
		{"sriov_no_configure", "the PF driver cannot create VFs through sysfs",
		 "this driver has no sriov_configure: use a driver version with SR-IOV "
		 "support, or its module parameter (e.g. max_vfs=N) where it has one"},
	[KMSG_SRIOV_ALREADY_ENABLED] =
		{"sriov_already_enabled", "VFs are enabled: the count changes through 0",
		 "write 0 first, then the new count (sriovctl enable does this)"},
	[KMSG_SRIOV_FEWER_ENABLED] =
		{"sriov_fewer_enabled", "the driver enabled fewer VFs than asked",
		 "the driver's messages around this line say which resource ran out; "
		 "ask for fewer VFs"},
	[KMSG_SRIOV_ENABLE_FAILED] = {"sriov_enable_failed", "enabling SR-IOV failed",
				      NULL},
	[KMSG_VF_RESET] = {"vf_reset", "a VF or its PF is still resetting",
			   "bring the PF link up and retry after a moment"},
	[KMSG_MSIX_FAILED] =
		{"msix_failed", "MSI-X interrupt vectors ran out",
		 "enable fewer VFs, or give the PF fewer queues first (ethtool -L)"},
	[KMSG_IOMMU_ENABLED] = {"iommu_enabled", "the IOMMU is on", NULL},
	[KMSG_IOMMU_DISABLED] =
		{"iommu_disabled", "the IOMMU is off",
		 "VFIO passthrough needs the IOMMU: enable VT-d/AMD-Vi in the BIOS/UEFI "
		 "and boot without intel_iommu=off (intel_iommu=on on older kernels)"},
};

static const struct kind_info *kind_info(enum kmsg_kind kind)
{
	if ((unsigned int)kind >= KMSG_KIND_COUNT)
		kind = KMSG_OTHER;
	return &kinds[kind];
}

const char *kmsg_kind_name(enum kmsg_kind kind)
{
	return kind_info(kind)->name;
}

const char *kmsg_kind_summary(enum kmsg_kind kind)
{
	return kind_info(kind)->summary;
}

const char *kmsg_kind_remedy(enum kmsg_kind kind)
{
	return kind_info(kind)->remedy;
}

/* ---- message text ------------------------------------------------------- */

/* Copies a message, decoding the kernel's "\xNN" escapes; control bytes become spaces. */
static void copy_message(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		int hi = -1, lo = -1;

		if (c == '\\' && i + 3 < len && src[i + 1] == 'x') {
			hi = hex_digit_value(src[i + 2]);
			lo = hex_digit_value(src[i + 3]);
		}
		if (hi >= 0 && lo >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			i += 3;
		}
		dst[o++] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
	}
	while (o && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

/* A PCI device name as the kernel writes it: "DDDD:BB:DD.F" (domain included). */
static bool parse_full_pci_name(const char *s, size_t len, struct pci_addr *a)
{
	char buf[PCI_ADDR_STRLEN];
	const char *colon;

	if (len < 12 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	colon = strchr(buf, ':');
	if (!colon || !strchr(colon + 1, ':'))
		return false;
	return pci_addr_parse(buf, a) == 0;
}

static void set_device(struct kmsg_record *rec, const char *name, size_t len)
{
	if (len >= sizeof(rec->device))
		len = sizeof(rec->device) - 1;
	memcpy(rec->device, name, len);
	rec->device[len] = '\0';
	rec->has_pci_addr = parse_full_pci_name(name, len, &rec->addr);
}

/*
 * dev_printk() writes "DRIVER DEVICE: message" (netdev_printk adds the
 * interface: "DRIVER DEVICE IFNAME: message"). Takes the device from there
 * when it is a PCI address.
 */
static void device_from_prefix(struct kmsg_record *rec)
{
	const char *t = rec->text, *sp1 = strchr(t, ' '), *dev, *end;
	size_t dlen;

	if (!sp1 || sp1 == t || t[sp1 - t - 1] == ':')
		return;
	dev = sp1 + 1;
	end = dev + strcspn(dev, " ");
	dlen = (size_t)(end - dev);
	if (dlen && dev[dlen - 1] == ':')
		dlen--;
	if (!parse_full_pci_name(dev, dlen, &rec->addr))
		return;
	if (!rec->device[0])
		set_device(rec, dev, dlen);
	if ((size_t)(sp1 - t) < sizeof(rec->origin)) {
		memcpy(rec->origin, t, (size_t)(sp1 - t));
		rec->origin[sp1 - t] = '\0';
	}
}

static void record_init(struct kmsg_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->level = -1;
	rec->facility = -1;
}

static void record_finish(struct kmsg_record *rec)
{
	device_from_prefix(rec);
	if (rec->device[0] && !rec->has_pci_addr)
		rec->has_pci_addr =
			parse_full_pci_name(rec->device, strlen(rec->device), &rec->addr);
	rec->kind = kmsg_classify(rec->text);
}

/* ---- /dev/kmsg records --------------------------------------------------- */

static bool parse_u64_field(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
		s++;
	}
	*p = s;
	*v = x;
	return true;
}

/* "PRI,SEQ,TS_USEC,FLAGS[,...];" Returns the position after ';' or NULL. */
static const char *parse_header(const char *line, const char *end,
				struct kmsg_record *rec)
{
	const char *p = line, *semi = memchr(line, ';', (size_t)(end - line));
	uint64_t pri, seq, ts;

	if (!semi)
		return NULL;
	if (!parse_u64_field(&p, semi, &pri) || p >= semi || *p++ != ',')
		return NULL;
	if (!parse_u64_field(&p, semi, &seq) || p >= semi || *p++ != ',')
		return NULL;
	if (!parse_u64_field(&p, semi, &ts) || (p < semi && *p != ','))
		return NULL;
	rec->level = (int)(pri & 7);
	rec->facility = (int)((pri >> 3) & 0xff);
	rec->seq = seq;
	rec->ts_usec = ts;
	rec->has_ts = true;
	return semi + 1;
}

/* " KEY=VALUE": the device is " DEVICE=+pci:0000:01:00.0" ("+SUBSYSTEM:NAME"). */
static void parse_continuation(const char *line, size_t len, struct kmsg_record *rec)
{
	static const char key[] = " DEVICE=+";
	const char *colon;

	if (len <= sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1))
		return;
	line += sizeof(key) - 1;
	len -= sizeof(key) - 1;
	colon = memchr(line, ':', len);
	if (!colon)
		return;
	set_device(rec, colon + 1, len - (size_t)(colon + 1 - line));
}

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *rec)
{
	const char *end = buf + len, *nl, *msg;

	record_init(rec);
	nl = memchr(buf, '\n', len);
	if (!nl)
		nl = end;
	msg = parse_header(buf, nl, rec);
	if (!msg)
		return -EINVAL;
	copy_message(rec->text, sizeof(rec->text), msg, (size_t)(nl - msg));
	for (const char *line = nl + 1; line < end;) {
		const char *lend = memchr(line, '\n', (size_t)(end - line));

		if (!lend)
			lend = end;
		if (*line == ' ')
			parse_continuation(line, (size_t)(lend - line), rec);
		line = lend + 1;
	}
	record_finish(rec);
	return 0;
}

/* ---- dmesg text ---------------------------------------------------------- */

/* "[   12.345678]" -> microseconds. Returns the position after ']' or NULL. */
static const char *parse_dmesg_ts(const char *p, const char *end, struct kmsg_record *rec)
{
	uint64_t sec, frac = 0;
	int digits = 0;

	if (p >= end || *p != '[')
		return NULL;
	p++;
	while (p < end && *p == ' ')
		p++;
	if (!parse_u64_field(&p, end, &sec))
		return NULL;
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 6)
				frac = frac * 10 + (uint64_t)(*p - '0');
		for (; digits < 6; digits++)
			frac *= 10;
	}
	if (p >= end || *p != ']')
		return NULL;
	rec->ts_usec = sec * 1000000 + frac;
	rec->has_ts = true;
	return p + 1;
}

/* "<6>" as dmesg -r writes it. */
static const char *parse_raw_level(const char *p, const char *end,
				   struct kmsg_record *rec)
{
	uint64_t pri;
	const char *q = p + 1;

	if (p >= end || *p != '<' || !parse_u64_field(&q, end, &pri) || q >= end ||
	    *q != '>')
		return p;
	rec->level = (int)(pri & 7);
	rec->facility = (int)((pri >> 3) & 0xff);
	return q + 1;
}

/* A syslog or journal line: "Aug 10 11:43:24 host kernel: MESSAGE". */
static const char *skip_syslog_prefix(const char *p, const char *end)
{
	static const char tag[] = " kernel: ";
	const char *hit = memmem(p, (size_t)(end - p), tag, sizeof(tag) - 1);

	return hit ? hit + sizeof(tag) - 1 : p;
}

int kmsg_parse_text_line(const char *line, size_t len, struct kmsg_record *rec)
{
	const char *end = line + len, *p, *after;

	record_init(rec);
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	p = parse_raw_level(line, end, rec);
	if (p < end && *p != '[')
		p = skip_syslog_prefix(p, end);
	after = parse_dmesg_ts(p, end, rec);
	if (after)
		p = after;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return -EINVAL;
	copy_message(rec->text, sizeof(rec->text), p, (size_t)(end - p));
	record_finish(rec);
	return 0;
}

/* ---- whole logs ----------------------------------------------------------- */

static bool is_record_header(const char *line, const char *end)
{
	struct kmsg_record tmp;

	return parse_header(line, end, &tmp) != NULL;
}

bool kmsg_line_is_log(const char *line, size_t len)
{
	const char *end = line + len, *p;
	struct kmsg_record tmp;

	if (memchr(line, '\0', len))
		return false;
	if (is_record_header(line, end))
		return true;
	record_init(&tmp);
	p = parse_raw_level(line, end, &tmp);
	if (p != line)
		return true;
	if (parse_dmesg_ts(p, end, &tmp))
		return true;
	return skip_syslog_prefix(p, end) != p;
}

static int log_append(struct kmsg_log *log, const struct kmsg_record *rec, size_t *cap)
{
	if (log->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct kmsg_record *grown = realloc(log->v, ncap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		log->v = grown;
		*cap = ncap;
	}
	log->v[log->n++] = *rec;
	return 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

int kmsg_parse_text(const char *text, size_t len, struct kmsg_log *log)
{
	const char *p = text, *end = text + len;
	struct kmsg_record *rec = malloc(sizeof(*rec));
	size_t cap = log->n;
	int ret = 0;

	if (!rec)
		return -ENOMEM;
	while (ret == 0 && p < end) {
		const char *lend = line_end(p, end), *next = lend < end ? lend + 1 : end;
		int parsed;

		if (is_record_header(p, lend)) {
			/* the record's continuation lines start with a space */
			while (next < end && *next == ' ')
				next = line_end(next, end) < end ? line_end(next, end) + 1
								 : end;
			parsed = kmsg_parse_record(p, (size_t)(next - p), rec);
		} else {
			parsed = kmsg_parse_text_line(p, (size_t)(lend - p), rec);
		}
		if (parsed == 0)
			ret = log_append(log, rec, &cap);
		p = next;
	}
	free(rec);
	return ret;
}

/* ---- selection ------------------------------------------------------------ */

bool kmsg_record_is_about(const struct kmsg_record *rec, const struct pci_addr *a)
{
	char name[PCI_ADDR_STRLEN];

	if (rec->has_pci_addr && !pci_addr_cmp(&rec->addr, a))
		return true;
	pci_addr_format(a, name);
	return strstr(rec->text, name) != NULL;
}

const struct kmsg_record *kmsg_log_find(const struct kmsg_log *log,
					const struct pci_addr *a)
{
	const struct kmsg_record *first = NULL;

	for (size_t i = 0; i < log->n; i++) {
		const struct kmsg_record *rec = &log->v[i];

		if (rec->kind == KMSG_OTHER || !kmsg_record_is_about(rec, a))
			continue;
		if (kmsg_kind_remedy(rec->kind))
			return rec; /* a line with a known fix beats a generic one */
		if (!first)
			first = rec;
	}
	return first;
}

/* ---- the live log ---------------------------------------------------------- */

struct kmsg_reader {
	int fd;
};

/* Opens /dev/kmsg; at its end when to_end, else at the first record it holds. */
static int kmsg_open_at(struct sriov_root *r, bool to_end, struct kmsg_reader **out,
			struct sriov_err *e)
{
	struct kmsg_reader *k;
	int fd;

	*out = NULL;
	fd = sriov_root_openat(r, "/dev/kmsg", O_RDONLY | O_NONBLOCK, e);
	if (fd < 0)
		return fd;
	if (to_end && lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return sriov_err_set(e, err, "/dev/kmsg: seek to end: %s",
				     strerror(-err));
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		close(fd);
		return sriov_err_set(e, -ENOMEM, "out of memory");
	}
	k->fd = fd;
	*out = k;
	return 0;
}

int kmsg_open(struct sriov_root *r, struct kmsg_reader **out, struct sriov_err *e)
{
	return kmsg_open_at(r, true, out, e);
}

int kmsg_open_all(struct sriov_root *r, struct kmsg_reader **out, struct sriov_err *e)
{
	return kmsg_open_at(r, false, out, e);
}

void kmsg_close(struct kmsg_reader *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k);
}

/* Reads what is new into a growing buffer. 0 at the end of the log, or -errno. */
static int read_pending(int fd, char **buf, size_t *len, bool *lost)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	while (*len < KMSG_READ_MAX) {
		ssize_t n;

		if (cap - *len < KMSG_READ_CHUNK) {
			char *grown = realloc(*buf, cap + 4 * KMSG_READ_CHUNK);

			if (!grown)
				return -ENOMEM;
			*buf = grown;
			cap += 4 * KMSG_READ_CHUNK;
		}
		n = read(fd, *buf + *len, KMSG_READ_CHUNK);
		if (n > 0) {
			*len += (size_t)n;
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EPIPE)
			return -errno;
		*lost = true; /* overwritten before we read it; reading goes on */
	}
	return 0;
}

int kmsg_read_new(struct kmsg_reader *k, struct kmsg_log *log, struct sriov_err *e)
{
	char *buf;
	size_t len;
	int ret;

	ret = read_pending(k->fd, &buf, &len, &log->lost);
	if (ret == 0)
		ret = kmsg_parse_text(buf, len, log);
	free(buf);
	if (ret < 0)
		return sriov_err_set(e, ret, "/dev/kmsg: %s", strerror(-ret));
	return 0;
}
