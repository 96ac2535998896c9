// SPDX-License-Identifier: MIT
/*
 * Setting a PF's number of VFs: checks before the first write (limit, VFs
 * in use), the writes themselves (each in a child process, waited for with
 * a bound), the kernel's answer explained from its log, the count read back,
 * and a bounded wait until the new VFs have settled.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sriov/ops.h"
#include "clock.h"
#include "fault.h"
#include "sysfs_paths.h"

#define ATTR_NUMVFS    "sriov_numvfs"
#define ATTR_AUTOPROBE "sriov_drivers_autoprobe"
#define UDEV_QUEUE     "/run/udev/queue"

#define POLL_MS		50   /* the wait loop's period */
#define SETTLE_MS	300  /* no change in links, drivers, netdev names for this long */
#define DRIVER_GRACE_MS 1000 /* VFs no driver claims: settled after this long */
#define PROGRESS_MS	1000

static void progress(const struct numvfs_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct numvfs_request *req, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!req->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	req->progress(req->progress_ctx, msg);
}

/* ---- the bounded write ---------------------------------------------------- */

/*
 * The child doing the write. It may outlive the command (a write stuck in
 * the kernel): its standard streams go to /dev/null, so that it does not
 * keep the caller's pipes open (`sriovctl enable ... | jq` would wait for
 * it), and a Ctrl-C or a closed terminal meant for the command does not
 * interrupt the kernel's work half-way.
 */
static void __attribute__((noreturn))
child_write(struct sriov_root *r, const char *path, const char *val)
{
	int ret, null = open("/dev/null", O_RDWR | O_CLOEXEC);

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	fault_block_write(path);
	ret = sriov_write_attr(r, path, val, NULL);
	_exit(ret < 0 ? (-ret < 256 ? -ret : EIO) : 0);
}

/* 1 when the child ended (status filled), 0 when it still runs after ms, or -errno. */
static int wait_child(pid_t pid, int pidfd, int ms, int *status)
{
	long long end = mono_ms() + ms;

	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int n = poll(&p, 1, ms);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			return 0;
		return waitpid(pid, status, 0) == pid ? 1 : -errno;
	}
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 1;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (mono_ms() >= end)
			return 0;
		sleep_ms(10);
	}
}

static int child_result(int status, const char *path, const char *val,
			struct sriov_err *e)
{
	int code;

	if (WIFSIGNALED(status))
		return sriov_err_set(e, -EINTR,
				     "writing \"%s\" to %s: the writer got signal %d",
				     val, path, WTERMSIG(status));
	code = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	if (!code)
		return 0;
	return sriov_err_set(e, -code, "writing \"%s\" to %s: %s", val, path,
			     strerror(code));
}

int sriov_write_attr_bounded(struct sriov_root *r, const char *path, const char *val,
			     int timeout_ms, int *pending_pid,
			     void (*progress_fn)(void *ctx, const char *msg), void *ctx,
			     struct sriov_err *e)
{
	long long start = mono_ms(), deadline = start + (timeout_ms > 0 ? timeout_ms : 1);
	int pidfd, status = 0, ret = 0;
	pid_t pid;

	*pending_pid = 0;
	pid = fork();
	if (pid < 0)
		return sriov_err_set(e, -errno, "fork: %s", strerror(errno));
	if (pid == 0)
		child_write(r, path, val);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	while (ret == 0) {
		long long left = deadline - mono_ms();
		char msg[160];

		if (left <= 0)
			break;
		ret = wait_child(pid, pidfd, left < PROGRESS_MS ? (int)left : PROGRESS_MS,
				 &status);
		if (ret == 0 && progress_fn && mono_ms() < deadline) {
			snprintf(msg, sizeof(msg), "writing %s to %s: %llds", val, path,
				 (mono_ms() - start) / 1000);
			progress_fn(ctx, msg);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	if (ret == 1)
		return child_result(status, path, val, e);
	if (ret < 0)
		return sriov_err_set(e, ret, "waiting for the write of \"%s\" to %s: %s",
				     val, path, strerror(-ret));
	*pending_pid = pid;
	return sriov_err_set(e, -ETIMEDOUT,
			     "writing \"%s\" to %s did not finish in %g s: it is still "
			     "running in the kernel (pid %d)",
			     val, path, timeout_ms / 1000.0, (int)pid);
}

/* ---- limits and users ----------------------------------------------------- */

void numvfs_request_init(struct numvfs_request *req, int count)
{
	memset(req, 0, sizeof(*req));
	req->count = count;
	req->autoprobe = -1;
	req->timeout_ms = NUMVFS_DEFAULT_TIMEOUT_MS;
	req->wait = true;
}

static int limit_error(const struct pf *pf, int count, const struct vf_limit *lim,
		       struct sriov_err *e)
{
	const char *drv = pf->driver[0] ? pf->driver : "the PF driver";
	bool driver_limit = lim->source == VF_LIMIT_DRIVER;

	if (driver_limit)
		sriov_err_set(e, -ERANGE,
			      "%s: %d VFs asked, the limit is %d: sriov_totalvfs, set by "
			      "%s below the device's TotalVFs %d",
			      pf->addr_str, count, lim->total_vfs, drv, lim->cap_total);
	else if (lim->source == VF_LIMIT_CAPABILITY)
		sriov_err_set(e, -ERANGE,
			      "%s: %d VFs asked, the limit is %d: the device's TotalVFs "
			      "(SR-IOV capability, set by its firmware; sysfs "
			      "sriov_totalvfs)",
			      pf->addr_str, count, lim->total_vfs);
	else
		sriov_err_set(e, -ERANGE,
			      "%s: %d VFs asked, the limit is %d (sysfs sriov_totalvfs)",
			      pf->addr_str, count, lim->total_vfs);
	if (driver_limit)
		sriov_err_hint(e,
			       "ask for 0 to %d VFs: the driver keeps the rest of the "
			       "device's %d for itself",
			       lim->total_vfs, lim->cap_total);
	else
		sriov_err_hint(e,
			       "ask for 0 to %d VFs; a firmware setting (e.g. mlx5 "
			       "NUM_OF_VFS) may raise TotalVFs",
			       lim->total_vfs);
	return -ERANGE;
}

static size_t cat(char *buf, size_t size, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t cat(char *buf, size_t size, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (off >= size)
		return off;
	va_start(ap, fmt);
	n = vsnprintf(buf + off, size - off, fmt, ap);
	va_end(ap);
	return n < 0 ? off : off + (size_t)n;
}

static size_t describe_user(const struct fn_user *u, char *buf, size_t size, size_t off)
{
	if (u->kind == FN_USER_PROCESS) {
		off = cat(buf, size, off, "pid %d (%s)", u->pid, u->command);
		if (u->vm_name[0])
			off = cat(buf, size, off, " VM \"%s\"", u->vm_name);
		return cat(buf, size, off, " holds %s",
			   u->device[0] ? u->device : "its vfio group");
	}
	off = cat(buf, size, off, "%s is up", u->ifname);
	for (size_t i = 0; i < u->n_addrs && i < FN_USER_MAX_ADDRS; i++)
		off = cat(buf, size, off, "%s%s", i ? ", " : " with ", u->addrs[i]);
	if (u->default_route)
		off = cat(buf, size, off, " (default route)");
	return off;
}

size_t numvfs_users_describe(const struct pf *pf, char *buf, size_t size)
{
	size_t off = 0, in_use = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pf->n_vfs; i++) {
		const struct vf *vf = &pf->vfs[i];

		if (!vf->users.n)
			continue;
		off = cat(buf, size, off, "%sVF %u %s: ", in_use ? "; " : "", vf->index,
			  vf->addr_str);
		for (size_t j = 0; j < vf->users.n; j++) {
			if (j)
				off = cat(buf, size, off, ", ");
			off = describe_user(&vf->users.v[j], buf, size, off);
		}
		in_use++;
	}
	return in_use;
}

static bool goes_through_zero(const struct pf *pf, int count)
{
	return pf->num_vfs > 0 && count != pf->num_vfs;
}

static int users_refusal(const struct pf *pf, int count, struct sriov_err *e)
{
	char users[400];
	size_t n = numvfs_users_describe(pf, users, sizeof(users));

	if (!n)
		return 0;
	sriov_err_set(e, -EBUSY, "%s: %s the %d VFs would remove %zu VF%s in use: %s",
		      pf->addr_str, count ? "changing" : "disabling", pf->num_vfs, n,
		      n == 1 ? "" : "s", users);
	sriov_err_hint(e, "stop the VM or release the VF first (a VF count changes "
			  "through 0), or pass --force to remove them anyway");
	return -EBUSY;
}

static int check_autoprobe(const struct pf *pf, const struct numvfs_request *req,
			   struct sriov_err *e)
{
	if (req->autoprobe < 0)
		return 0;
	if (!pf_vfs_are_pci(pf))
		return sriov_err_set(
			e, -EINVAL,
			"%s: --autoprobe does not apply: its VFs are not PCI "
			"functions, no driver probes them",
			pf->addr_str);
	if (pf->drivers_autoprobe < 0)
		return sriov_err_set(e, -EOPNOTSUPP,
				     "%s: this kernel has no sriov_drivers_autoprobe "
				     "(Linux 4.12 or later has it)",
				     pf->addr_str);
	if (req->count == 0 || req->count != pf->num_vfs ||
	    req->autoprobe == pf->drivers_autoprobe)
		return 0;
	sriov_err_set(e, -EINVAL,
		      "%s: --autoprobe %s only applies when VFs are created, and the %d "
		      "VFs exist already",
		      pf->addr_str, req->autoprobe ? "yes" : "no", pf->num_vfs);
	sriov_err_hint(e, "run 'sriovctl disable %s' first, then enable again",
		       pf->addr_str);
	return -EINVAL;
}

int numvfs_check(const struct pf *pf, const struct numvfs_request *req,
		 struct sriov_err *e)
{
	struct vf_limit lim;
	int ret;

	if (req->count < 0)
		return sriov_err_set(e, -EINVAL, "%s: the VF count must be 0 or more",
				     pf->addr_str);
	if (pf->total_vfs < 0 && pf->num_vfs >= 0 && !pf_vfs_are_pci(pf)) {
		sriov_err_set(e, -ENODEV,
			      "%s: its VF limit is unknown: max_vfs of netdevsim is in "
			      "debugfs (/sys/kernel/debug/netdevsim/%s/max_vfs)",
			      pf->addr_str, pf->dev_name);
		sriov_err_hint(e,
			       "mount debugfs (mount -t debugfs none /sys/kernel/debug) "
			       "and run as root");
		return -ENODEV;
	}
	if (pf->total_vfs < 0 || pf->num_vfs < 0)
		return sriov_err_set(
			e, -ENODEV,
			"%s: sriov_totalvfs/sriov_numvfs are unreadable: not "
			"an SR-IOV PF on this kernel",
			pf->addr_str);
	vf_limit_of(pf, &lim);
	if (req->count > lim.total_vfs)
		return limit_error(pf, req->count, &lim, e);
	ret = check_autoprobe(pf, req, e);
	if (ret < 0)
		return ret;
	if (goes_through_zero(pf, req->count) && !req->force)
		return users_refusal(pf, req->count, e);
	return 0;
}

/* ---- diagnosis ------------------------------------------------------------- */

static const char *generic_hint(int err)
{
	switch (err) {
	case -ENOMEM:
		return "the kernel log (dmesg) says which resource: memory space for the "
		       "VF BARs (enable SR-IOV in the BIOS/UEFI, or boot with "
		       "pci=realloc) "
		       "or bus numbers (boot with pci=assign-busses)";
	case -ENOSPC:
		return "the driver ran out of queues or MSI-X vectors: enable fewer VFs";
	case -EIO:
		return "the device or its firmware failed to enable the VFs: see dmesg";
	case -EINVAL:
		return "the device or its driver refused this count (e.g. more than "
		       "InitialVFs without VF migration): see dmesg, try fewer VFs";
	case -EBUSY:
		return "VFs were enabled meanwhile (another program?): run the command "
		       "again, it goes through 0";
	case -EACCES:
	case -EPERM:
		return "changing SR-IOV settings needs root";
	default:
		return NULL;
	}
}

static const char *what_failed(int err, const struct pf *pf)
{
	switch (err) {
	case -ENOMEM:
		return "the kernel could not reserve resources for the VFs";
	case -ENOSPC:
		return "the driver has no resources left for the VFs";
	case -EBUSY:
		return "VFs are enabled already";
	case -ERANGE:
		return "above the limit sriov_totalvfs";
	case -ENOENT:
		return pf->driver[0] ? "the PF driver cannot create VFs through sysfs"
				     : "no driver is bound to the PF";
	default:
		return NULL;
	}
}

static void enoent_hint(const struct pf *pf, struct sriov_err *e)
{
	if (!pf->driver[0])
		sriov_err_hint(e,
			       "VFs are created by the PF's driver: load and bind it "
			       "first (sriovctl show %s)",
			       pf->addr_str);
	else
		sriov_err_hint(e,
			       "%s has no sriov_configure: use a driver version with "
			       "SR-IOV support, or its module parameter (e.g. max_vfs=N) "
			       "where it has one",
			       pf->driver);
}

int numvfs_diagnose(int err, const struct pf *pf, int count, const struct kmsg_log *log,
		    struct sriov_err *e)
{
	const struct kmsg_record *rec =
		log && pf_vfs_are_pci(pf) ? kmsg_log_find(log, &pf->addr) : NULL;
	const char *what = what_failed(err, pf);
	const char *remedy = rec ? kmsg_kind_remedy(rec->kind) : NULL;
	char msg[sizeof(e->msg)];
	size_t off;

	off = cat(msg, sizeof(msg), 0, "%s: writing %d to sriov_numvfs failed: %s",
		  pf->addr_str, count, strerror(-err));
	if (what)
		off = cat(msg, sizeof(msg), off, " (%s)", what);
	if (rec)
		cat(msg, sizeof(msg), off, "; kernel: \"%s\"", rec->text);
	sriov_err_set(e, err, "%s", msg);
	if (err == -ENOENT && (!rec || !remedy))
		enoent_hint(pf, e);
	else if (remedy)
		sriov_err_hint(e, "%s", remedy);
	else if (generic_hint(err))
		sriov_err_hint(e, "%s", generic_hint(err));
	return rec ? (int)(rec - log->v) : -1;
}

/* ---- steps ----------------------------------------------------------------- */

const char *numvfs_step_name(enum numvfs_step_kind kind)
{
	static const char *const names[] = {"disable", "autoprobe", "enable", "verify",
					    "wait"};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char *numvfs_status_name(enum numvfs_step_status status)
{
	static const char *const names[] = {"planned", "done", "failed", "timeout"};

	return (unsigned int)status < sizeof(names) / sizeof(names[0]) ? names[status]
								       : "?";
}

struct numvfs_run {
	struct sriov_root *r;
	const struct pf *pf;
	const struct numvfs_request *req;
	struct numvfs_result *res;
	struct kmsg_reader *kmsg;
	char dir[80]; /* /sys/bus/BUS_NAME/devices/DEV_NAME */
	int timeout_ms;
};

static void add_step(struct numvfs_result *res, enum numvfs_step_kind kind,
		     const char *attr, const char *value)
{
	struct numvfs_step *st;

	if (res->n_steps >= NUMVFS_MAX_STEPS)
		return;
	st = &res->steps[res->n_steps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	snprintf(st->attr, sizeof(st->attr), "%s", attr ? attr : "");
	snprintf(st->value, sizeof(st->value), "%s", value ? value : "");
}

static void plan_steps(const struct pf *pf, const struct numvfs_request *req,
		       struct numvfs_result *res)
{
	char count[16];

	snprintf(count, sizeof(count), "%d", req->count);
	if (goes_through_zero(pf, req->count))
		add_step(res, NUMVFS_STEP_DISABLE, ATTR_NUMVFS, "0");
	if (req->autoprobe >= 0 && req->autoprobe != pf->drivers_autoprobe)
		add_step(res, NUMVFS_STEP_AUTOPROBE, ATTR_AUTOPROBE,
			 req->autoprobe ? "1" : "0");
	if (req->count > 0 && req->count != pf->num_vfs)
		add_step(res, NUMVFS_STEP_ENABLE, ATTR_NUMVFS, count);
	if (req->count != pf->num_vfs)
		add_step(res, NUMVFS_STEP_VERIFY, NULL, NULL);
	/* the wait watches the VFs' PCI functions (virtfnN, driver, netdevs) */
	if (req->count > 0 && req->count != pf->num_vfs && req->wait &&
	    pf_vfs_are_pci(pf))
		add_step(res, NUMVFS_STEP_WAIT, NULL, NULL);
}

/* Keeps the kernel's new lines about this PF in res->kernel_log. */
static void collect_kernel_lines(struct numvfs_run *run)
{
	struct kmsg_log all = {0}, *keep = &run->res->kernel_log;

	if (!run->kmsg || !pf_vfs_are_pci(run->pf) ||
	    kmsg_read_new(run->kmsg, &all, NULL) < 0) {
		kmsg_log_free(&all);
		return;
	}
	for (size_t i = 0; i < all.n; i++) {
		struct kmsg_record *grown;

		if (!kmsg_record_is_about(&all.v[i], &run->pf->addr))
			continue;
		grown = realloc(keep->v, (keep->n + 1) * sizeof(*grown));
		if (!grown)
			break;
		keep->v = grown;
		keep->v[keep->n++] = all.v[i];
	}
	keep->lost |= all.lost;
	kmsg_log_free(&all);
}

static void timeout_hint(struct numvfs_run *run, const struct numvfs_step *st,
			 struct sriov_err *e)
{
	sriov_err_hint(e,
		       "do not retry yet: the count changes when the kernel finishes "
		       "(watch %s/%s and dmesg; /proc/%d/stack shows where it waits). "
		       "Some drivers take minutes (i40e); VFs that cannot be probed "
		       "block it (NVMe: enable with --autoprobe no)",
		       run->dir, st->attr, run->res->pending_pid);
}

static int run_write(struct numvfs_run *run, struct numvfs_step *st, struct sriov_err *e)
{
	bool numvfs = !strcmp(st->attr, ATTR_NUMVFS);
	char path[128];
	long long t0;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", run->dir, st->attr);
	if (numvfs && !run->kmsg)
		kmsg_open(run->r, &run->kmsg,
			  NULL); /* before the write: only new lines */
	progress(run->req, "%s: writing %s to %s", run->pf->addr_str, st->value,
		 st->attr);
	t0 = mono_ms();
	ret = sriov_write_attr_bounded(run->r, path, st->value, run->timeout_ms,
				       &run->res->pending_pid, run->req->progress,
				       run->req->progress_ctx, e);
	st->elapsed_ms = (long)(mono_ms() - t0);
	st->error = ret;
	if (ret == 0 || ret == -ETIMEDOUT)
		run->res->changed = true;
	if (ret == 0) {
		st->status = NUMVFS_DONE;
		return 0;
	}
	st->status = ret == -ETIMEDOUT ? NUMVFS_TIMEOUT : NUMVFS_FAILED;
	if (ret == -ETIMEDOUT)
		timeout_hint(run, st, e);
	else if (numvfs) {
		collect_kernel_lines(run);
		run->res->diagnosis = numvfs_diagnose(ret, run->pf, atoi(st->value),
						      &run->res->kernel_log, e);
	}
	snprintf(st->detail, sizeof(st->detail), "%s", e->msg);
	return ret;
}

static int read_count(struct numvfs_run *run, struct sriov_err *e)
{
	uint64_t v;
	int ret;

	ret = sriov_readf_u64(run->r, 10, &v, e, "%s/" ATTR_NUMVFS, run->dir);
	if (ret < 0)
		return ret;
	return v > 0xffff ? -ERANGE : (int)v;
}

int numvfs_diagnose_short(const struct pf *pf, int want, int got,
			  const struct kmsg_log *log, struct sriov_err *e)
{
	const struct kmsg_record *rec =
		log && pf_vfs_are_pci(pf) ? kmsg_log_find(log, &pf->addr) : NULL;
	char line[KMSG_TEXT_MAX + 16] = "";

	if (rec)
		snprintf(line, sizeof(line), "; kernel: \"%s\"", rec->text);
	if (want > 0 && got < want)
		sriov_err_set(e, -EIO,
			      "%s: the driver enabled %d of the %d VFs asked (the kernel "
			      "accepted the write)%s",
			      pf->addr_str, got, want, line);
	else
		sriov_err_set(e, -EIO, "%s: sriov_numvfs reads %d after writing %d%s",
			      pf->addr_str, got, want, line);
	if (rec && kmsg_kind_remedy(rec->kind))
		sriov_err_hint(e, "%s", kmsg_kind_remedy(rec->kind));
	else
		sriov_err_hint(e,
			       "the driver's lines in dmesg say which resource ran out; "
			       "ask for fewer VFs");
	return rec ? (int)(rec - log->v) : -1;
}

static int short_count(struct numvfs_run *run, struct numvfs_step *st, int got,
		       struct sriov_err *e)
{
	collect_kernel_lines(run);
	run->res->diagnosis = numvfs_diagnose_short(run->pf, run->req->count, got,
						    &run->res->kernel_log, e);
	st->status = NUMVFS_FAILED;
	st->error = -EIO;
	snprintf(st->detail, sizeof(st->detail), "%s", e->msg);
	return -EIO;
}

static int run_verify(struct numvfs_run *run, struct numvfs_step *st, struct sriov_err *e)
{
	int got = read_count(run, e);

	if (got < 0) {
		st->status = NUMVFS_FAILED;
		st->error = got;
		snprintf(st->detail, sizeof(st->detail), "%s", e->msg);
		return got;
	}
	run->res->enabled = got;
	if (got != run->req->count)
		return short_count(run, st, got, e);
	st->status = NUMVFS_DONE;
	snprintf(st->detail, sizeof(st->detail), "sriov_numvfs reads %d", got);
	return 0;
}

/* ---- waiting for the VFs to settle ------------------------------------------ */

struct vf_states {
	int links, drivers;
	uint64_t sig; /* hash of every VF's address, driver and netdev names */
	char missing[32];
};

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

static void read_vf_state(struct sriov_root *r, const char *addr, struct vf_states *s)
{
	struct sriov_dirent *ents = NULL;
	char driver[64];
	size_t n = 0;

	if (sriov_readf_link_base(r, driver, sizeof(driver), NULL,
				  SYS_PCI_DEVICES "/%s/driver", addr) == 0) {
		s->drivers++;
		s->sig = hash_str(s->sig, driver);
	}
	if (sriov_list_dirf(r, &ents, &n, NULL, SYS_PCI_DEVICES "/%s/net", addr) == 0)
		for (size_t i = 0; i < n; i++)
			s->sig = hash_str(s->sig, ents[i].name);
	free(ents);
}

static void read_vf_states(struct sriov_root *r, struct sriov_dir *pfdir, int count,
			   struct vf_states *s)
{
	memset(s, 0, sizeof(*s));
	s->sig = 0xcbf29ce484222325ull;
	for (int i = 0; i < count; i++) {
		char name[32], addr[64];

		snprintf(name, sizeof(name), "virtfn%d", i);
		if (sriov_dir_read_link_base(pfdir, name, addr, sizeof(addr), NULL) < 0 ||
		    !sriov_name_is_safe(addr)) {
			if (!s->missing[0])
				snprintf(s->missing, sizeof(s->missing), "%s", name);
			continue;
		}
		s->links++;
		s->sig = hash_str(s->sig, addr);
		read_vf_state(r, addr, s);
	}
}

struct settle {
	long long start, changed_at, last_progress;
	uint64_t sig;
	bool udev_busy;
};

static bool settled(const struct settle *w, const struct vf_states *s, int count,
		    bool autoprobe, long long t)
{
	long long stable = t - w->changed_at;

	if (s->links < count || w->udev_busy || stable < SETTLE_MS)
		return false;
	return !autoprobe || s->drivers >= count || stable >= DRIVER_GRACE_MS;
}

static void describe_wait(char *buf, size_t size, const struct vf_states *s, int count,
			  bool autoprobe, bool udev_busy)
{
	size_t off = cat(buf, size, 0, "%d/%d VF links", s->links, count);

	if (autoprobe)
		off = cat(buf, size, off, ", %d/%d drivers bound", s->drivers, count);
	if (s->missing[0])
		off = cat(buf, size, off, ", %s missing", s->missing);
	if (udev_busy)
		cat(buf, size, off, ", udev busy (" UDEV_QUEUE ")");
}

static int wait_result(struct numvfs_run *run, struct numvfs_step *st,
		       const struct vf_states *s, const struct settle *w, bool autoprobe,
		       bool done, struct sriov_err *e)
{
	char what[160];
	int count = run->req->count;

	describe_wait(what, sizeof(what), s, count, autoprobe, w->udev_busy);
	if (done) {
		st->status = NUMVFS_DONE;
		snprintf(st->detail, sizeof(st->detail), "%s; netdev names settled",
			 what);
		return 0;
	}
	st->status = NUMVFS_TIMEOUT;
	st->error = -ETIMEDOUT;
	snprintf(st->detail, sizeof(st->detail), "not settled after %g s: %s",
		 run->timeout_ms / 1000.0, what);
	sriov_err_set(e, -ETIMEDOUT, "%s: the %d VFs are enabled but %s",
		      run->pf->addr_str, count, st->detail);
	sriov_err_hint(e,
		       "see 'sriovctl show %s' and dmesg; a longer --timeout waits more",
		       run->pf->addr_str);
	return -ETIMEDOUT;
}

static int run_wait(struct numvfs_run *run, struct numvfs_step *st, bool autoprobe,
		    struct sriov_err *e)
{
	struct settle w = {.start = mono_ms()};
	struct sriov_dir pfdir;
	struct vf_states s;
	int count = run->req->count, ret;
	bool done = false;

	ret = sriov_dir_open(run->r, run->dir, &pfdir, e);
	if (ret < 0)
		return ret;
	w.changed_at = w.start;
	for (bool first = true;; first = false) {
		long long t;

		read_vf_states(run->r, &pfdir, count, &s);
		w.udev_busy = sriov_path_exists(run->r, UDEV_QUEUE) == 0;
		t = mono_ms();
		if (first || s.sig != w.sig) {
			w.sig = s.sig;
			w.changed_at = t;
		}
		done = settled(&w, &s, count, autoprobe, t);
		if (done || t - w.start >= run->timeout_ms)
			break;
		if (t - w.last_progress >= PROGRESS_MS / 2) {
			char what[160];

			describe_wait(what, sizeof(what), &s, count, autoprobe,
				      w.udev_busy);
			progress(run->req, "%s: waiting: %s", run->pf->addr_str, what);
			w.last_progress = t;
		}
		sleep_ms(POLL_MS);
	}
	sriov_dir_close(&pfdir);
	st->elapsed_ms = (long)(mono_ms() - w.start);
	return wait_result(run, st, &s, &w, autoprobe, done, e);
}

/*
 * The count after a failure. Unknown while a write is still running: reading
 * sriov_numvfs then would wait for the same device lock.
 */
static int final_count(struct numvfs_run *run)
{
	int got;

	if (run->res->pending_pid)
		return -1;
	if (!run->res->changed)
		return run->res->enabled;
	got = read_count(run, NULL);
	return got < 0 ? -1 : got;
}

/* ---- the whole operation ----------------------------------------------------- */

static void result_init(struct numvfs_result *res, const struct pf *pf,
			const struct numvfs_request *req)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->pf, sizeof(res->pf), "%s", pf->addr_str);
	res->previous = pf->num_vfs;
	res->requested = req->count;
	res->enabled = pf->num_vfs;
	res->autoprobe_previous = pf->drivers_autoprobe;
	res->autoprobe = req->autoprobe >= 0 ? req->autoprobe : pf->drivers_autoprobe;
	res->diagnosis = -1;
	vf_limit_of(pf, &res->limit);
}

static bool any_user(const struct pf *pf)
{
	for (size_t i = 0; i < pf->n_vfs; i++)
		if (pf->vfs[i].users.n)
			return true;
	return false;
}

static int run_step(struct numvfs_run *run, struct numvfs_step *st, struct sriov_err *e)
{
	switch (st->kind) {
	case NUMVFS_STEP_DISABLE:
	case NUMVFS_STEP_AUTOPROBE:
	case NUMVFS_STEP_ENABLE:
		return run_write(run, st, e);
	case NUMVFS_STEP_VERIFY:
		return run_verify(run, st, e);
	case NUMVFS_STEP_WAIT:
		return run_wait(run, st, run->res->autoprobe == 1, e);
	}
	return -EINVAL;
}

int numvfs_set(struct sriov_root *r, const struct pf *pf,
	       const struct numvfs_request *req, struct numvfs_result *res,
	       struct sriov_err *e)
{
	struct numvfs_run run = {.r = r, .pf = pf, .req = req, .res = res};
	struct sriov_err local;
	int ret;

	if (!e)
		e = &local;
	result_init(res, pf, req);
	if (!sriov_name_is_safe(pf->addr_str) || !sriov_name_is_safe(pf->bus_name) ||
	    !sriov_name_is_safe(pf->dev_name))
		return sriov_err_set(e, -EINVAL, "invalid PF \"%s/%s\"", pf->bus_name,
				     pf->dev_name);
	ret = numvfs_check(pf, req, e);
	if (ret < 0)
		return ret;
	res->forced = goes_through_zero(pf, req->count) && any_user(pf);
	plan_steps(pf, req, res);
	res->already = res->n_steps == 0;
	if (req->dry_run || res->already)
		return 0;
	ret = sriov_pathf(e, run.dir, sizeof(run.dir), "/sys/bus/%s/devices/%s",
			  pf->bus_name, pf->dev_name);
	if (ret < 0)
		return ret;
	run.timeout_ms =
		req->timeout_ms > 0 ? req->timeout_ms : NUMVFS_DEFAULT_TIMEOUT_MS;
	for (size_t i = 0; ret == 0 && i < res->n_steps; i++)
		ret = run_step(&run, &res->steps[i], e);
	kmsg_close(run.kmsg);
	if (ret < 0)
		res->enabled = final_count(&run);
	return ret;
}

void numvfs_result_free(struct numvfs_result *res)
{
	kmsg_log_free(&res->kernel_log);
}
