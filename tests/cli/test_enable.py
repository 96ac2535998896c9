#!/usr/bin/env python3
"""CLI tests of `sriovctl enable` and `disable` on scratch trees.

The tree is the recorded VM host (tests/fixtures/vm-igb-nvme-vf4.tar: igb PF
0000:01:00.0 with 4 of 7 VFs, NVMe PF 0000:02:00.0 with 2 of 4). A thread
plays the kernel: when a PF's sriov_numvfs changes it adds or removes VFs the
way the kernel does (virtfnN, physfn, bus and class links, the VF driver when
sriov_drivers_autoprobe is 1, a netdev that "udev" renames while
/run/udev/queue exists). A FIFO in place of sriov_numvfs blocks the writer
like a driver that never returns: the real test of --timeout.
Ends with "N passed, N failed".
"""
import json
import os
import shutil
import stat
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

FIXTURE = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")
IGB = "0000:01:00.0"
NVME = "0000:02:00.0"


def pf_dir(root, addr):
    return os.path.realpath(os.path.join(root, "sys/bus/pci/devices", addr))


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class FakeKernel(threading.Thread):
    """Adds and removes VFs when sriov_numvfs changes, as the kernel would."""

    def __init__(self, root, vf_drivers):
        super().__init__(daemon=True)
        self.root = root
        self.vf_drivers = vf_drivers  # PF address -> VF driver name
        self.seen = {pf: self.numvfs(pf) for pf in vf_drivers}
        self.stop = threading.Event()
        self.renames = []  # (due time, vf dir, old name, new name)

    def vf_addr(self, pf, i):
        d = pf_dir(self.root, pf)
        dom, bus, devfn = pf.split(":")[0], int(pf.split(":")[1], 16), pf.split(":")[2]
        dev, fn = devfn.split(".")
        rid = (bus << 8 | int(dev, 16) << 3 | int(fn)) + int(read(d + "/sriov_offset")) \
            + int(read(d + "/sriov_stride")) * i
        return "%s:%02x:%02x.%d" % (dom, rid >> 8, (rid >> 3) & 0x1f, rid & 7)

    def link(self, path, target):
        if os.path.lexists(path):
            os.unlink(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)

    def add_vf(self, pf, i):
        d = pf_dir(self.root, pf)
        addr = self.vf_addr(pf, i)
        vdir = os.path.join(os.path.dirname(d), addr)
        rel = os.path.relpath(vdir, os.path.join(self.root, "sys"))
        os.makedirs(vdir, exist_ok=True)
        write(vdir + "/vendor", read(d + "/vendor") or "0x8086")
        self.link(vdir + "/physfn", "../" + pf)
        self.link(os.path.join(self.root, "sys/bus/pci/devices", addr), "../../../" + rel)
        if read(d + "/sriov_drivers_autoprobe") == "1" and self.vf_drivers.get(pf):
            self.link(vdir + "/driver", "../../../../bus/pci/drivers/" + self.vf_drivers[pf])
            if pf == IGB:
                self.add_netdev(vdir, rel, "eth%d" % (10 + i), "enp1s0f0v%d" % i)
        self.link("%s/virtfn%d" % (d, i), "../" + addr)

    def add_netdev(self, vdir, rel, name, final):
        os.makedirs("%s/net/%s" % (vdir, name))
        self.link(os.path.join(self.root, "sys/class/net", name), "../../%s/net/%s" % (rel, name))
        self.renames.append((time.monotonic() + 0.15, vdir, rel, name, final))

    def remove_vf(self, pf, i):
        d = pf_dir(self.root, pf)
        link = "%s/virtfn%d" % (d, i)
        addr = os.path.basename(os.readlink(link))
        vdir = os.path.join(os.path.dirname(d), addr)
        classdir = os.path.join(self.root, "sys/class/net")
        for n in os.listdir(classdir):
            if "/%s/net/" % addr in os.readlink(os.path.join(classdir, n)):
                os.unlink(os.path.join(classdir, n))
        shutil.rmtree(vdir, ignore_errors=True)
        bus = os.path.join(self.root, "sys/bus/pci/devices", addr)
        if os.path.lexists(bus):
            os.unlink(bus)
        os.unlink(link)

    def sync(self, pf, n):
        """A count change: every VF goes (a non-zero count changes through 0), N come."""
        d = pf_dir(self.root, pf)
        have = len([x for x in os.listdir(d) if x.startswith("virtfn")])
        queue = os.path.join(self.root, "run/udev/queue")
        os.makedirs(os.path.dirname(queue), exist_ok=True)
        write(queue, "")  # udev has events to process
        for i in range(have - 1, -1, -1):
            self.remove_vf(pf, i)
        for i in range(n):
            self.add_vf(pf, i)
        if not self.renames:
            os.unlink(queue)

    def numvfs(self, pf):
        path = pf_dir(self.root, pf) + "/sriov_numvfs"
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None  # a FIFO: the blocking-write test
        return read(path), st.st_mtime_ns

    def do_renames(self):
        now = time.monotonic()
        for r in [r for r in self.renames if r[0] <= now]:
            _, vdir, rel, name, final = r
            if os.path.isdir("%s/net/%s" % (vdir, name)):
                os.rename("%s/net/%s" % (vdir, name), "%s/net/%s" % (vdir, final))
                os.unlink(os.path.join(self.root, "sys/class/net", name))
                self.link(os.path.join(self.root, "sys/class/net", final),
                          "../../%s/net/%s" % (rel, final))
            self.renames.remove(r)
        queue = os.path.join(self.root, "run/udev/queue")
        if not self.renames and os.path.exists(queue):
            os.unlink(queue)

    def run(self):
        while not self.stop.is_set():
            for pf in self.vf_drivers:
                now = self.numvfs(pf)
                if now and now[0] and now[0].isdigit() and now != self.seen.get(pf):
                    self.seen[pf] = now
                    self.sync(pf, int(now[0]))
            self.do_renames()
            time.sleep(0.005)


def wait_for(cond, seconds=3):
    """The fake kernel works asynchronously (the real one removes VFs in the write)."""
    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        time.sleep(0.01)
    return cond()


def state(root):
    """What the tree holds: counts, autoprobe, virtfn links; compared before/after."""
    out = {}
    for pf in (IGB, NVME):
        d = pf_dir(root, pf)
        st = os.stat(d + "/sriov_numvfs")
        out[pf] = (read(d + "/sriov_numvfs") if stat.S_ISREG(st.st_mode) else "fifo",
                   st.st_mtime_ns, read(d + "/sriov_drivers_autoprobe"),
                   sorted(x for x in os.listdir(d) if x.startswith("virtfn")))
    return out


def new_tree(tmp, name):
    root = os.path.join(tmp, name)
    os.mkdir(root)
    t.extract(FIXTURE, root)
    return root


def sriovctl(root, *args):
    return t.run(list(args) + ["--root", root])


# ---- bad input: exit 2, nothing on stdout, nothing changed ----------------------

BAD = [
    ("no arguments", ["enable"], ["missing DEV"]),
    ("no count", ["enable", "eth0"], ["missing N"]),
    ("count not a number", ["enable", "eth0", "four"], ["four", "number of VFs"]),
    ("count with junk", ["enable", "eth0", "3x"], ["3x"]),
    ("count too large for anything", ["enable", "eth0", "99999999999"], ["99999999999"]),
    ("count above the limit", ["enable", "eth0", "8"],
     ["8 VFs asked", "the limit is 7", "sriov_totalvfs", "igb", "TotalVFs 8"]),
    ("NVMe above its limit", ["enable", NVME, "5"], ["the limit is 4", "TotalVFs"]),
    ("extra argument", ["enable", "eth0", "2", "3"], ["unexpected argument '3'"]),
    ("disable extra argument", ["disable", "eth0", "2"], ["unexpected argument '2'"]),
    ("bad --timeout", ["enable", "eth0", "2", "--timeout", "0"], ["--timeout", "'0'"]),
    ("bad --timeout text", ["enable", "eth0", "2", "--timeout", "soon"], ["soon"]),
    ("bad --autoprobe", ["enable", "eth0", "2", "--autoprobe", "maybe"], ["yes or no", "maybe"]),
    ("disable takes no --autoprobe", ["disable", "eth0", "--autoprobe", "no"], ["--autoprobe"]),
    ("a VF", ["enable", "0000:01:10.0", "2"], ["is VF 0 of 0000:01:00.0", "takes the PF"]),
    ("a VF by PF/INDEX", ["enable", "eth0/1", "2"], ["names VFs"]),
    ("disable a VF", ["disable", "eth1"], ["is VF 0 of 0000:01:00.0"]),
    ("no SR-IOV", ["enable", "0000:00:02.0", "1"], ["no SR-IOV capability"]),
    ("unknown device", ["enable", "nosuch0", "1"], ["no such device: nosuch0"]),
    ("path in device", ["enable", "../../x", "1"], ["../../x"]),
    ("autoprobe that cannot apply", ["enable", "eth0", "4", "--autoprobe", "no"],
     ["only applies when VFs are created", "sriovctl disable"]),
]


def test_bad_input(tmp):
    root = new_tree(tmp, "bad")
    before = state(root)
    for name, args, mentions in BAD:
        rc, out, err = sriovctl(root, *args)
        t.check(f"{name}: exit 2", rc == 2, f"rc={rc} err={err.strip()}")
        t.check(f"{name}: nothing on stdout", out == "", out[:200])
        for m in mentions:
            t.check(f"{name}: message names {m!r}", m in err, err.strip())
        rc, out, _ = sriovctl(root, *(args + ["--json"]))
        t.check(f"{name}: no JSON on bad input", rc == 2 and out == "", out[:200])
    t.check("bad input changed nothing", state(root) == before)


def test_help():
    for cmd in ("enable", "disable"):
        rc, out, _ = t.run([cmd, "--help"])
        t.check(f"{cmd} --help", rc == 0 and out.startswith("Usage: sriovctl " + cmd), out[:80])
        for word in ("--timeout", "--force", "--dry-run", "Example", "Exit status"):
            t.check(f"{cmd} --help mentions {word}", word in out)
    rc, out, _ = t.run(["--help"])
    t.check("--help lists enable and disable", "  enable " in out and "  disable " in out)


# ---- doing it --------------------------------------------------------------------


def json_run(root, *args):
    rc, out, err = sriovctl(root, *(list(args) + ["--json"]))
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + " / stdout: " + out[:300]


def test_enable_disable(tmp):
    root = new_tree(tmp, "ops")
    fake = FakeKernel(root, {IGB: "igbvf", NVME: "nvme"})
    fake.start()
    try:
        run_enable_disable(root)
    finally:
        fake.stop.set()
        fake.join()


def run_enable_disable(root):
    d = pf_dir(root, IGB)
    # dry run: what would be done, nothing changed
    before = state(root)
    rc, out, err = sriovctl(root, "enable", "eth0", "6", "--dry-run")
    t.check("dry run exit 0", rc == 0, err)
    t.check("dry run says what it would write",
            "write 0 to /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs" in out
            and "write 6 to" in out and "nothing changed" in out, out)
    rc, doc, err = json_run(root, "enable", "eth0", "6", "--dry-run")
    t.check("dry run JSON", rc == 0 and doc and doc["result"] == "planned"
            and [s["step"] for s in doc["steps"]] == ["disable", "enable", "verify", "wait"]
            and all(s["status"] == "planned" for s in doc["steps"]), err)
    t.check("dry run changed nothing", state(root) == before)

    # 4 -> 2 goes through 0; waits for the links, drivers and udev's renames
    rc, doc, err = json_run(root, "enable", "eth0", "2")
    t.check("enable 2: exit 0", rc == 0, err)
    if doc:
        t.check("enable 2: JSON keys", doc["operation"] == "enable" and doc["pf"] == IGB
                and doc["previous"] == 4 and doc["requested"] == 2 and doc["enabled"] == 2
                and doc["result"] == "done" and doc["changed"] is True
                and doc["error"] is None and doc["pending_pid"] is None, json.dumps(doc)[:400])
        t.check("enable 2: steps", [(s["step"], s["value"], s["status"]) for s in doc["steps"]]
                == [("disable", "0", "done"), ("enable", "2", "done"),
                    ("verify", None, "done"), ("wait", None, "done")], json.dumps(doc["steps"]))
        t.check("enable 2: limit and its source", doc["limit"] == {
            "total_vfs": 7, "capability_total_vfs": 8, "source": "driver"}, str(doc["limit"]))
        vfs = doc["vfs"]
        t.check("enable 2: VF list", [(v["index"], v["address"], v["driver"]) for v in vfs]
                == [(0, "0000:01:10.0", "igbvf"), (1, "0000:01:10.2", "igbvf")], str(vfs))
        t.check("enable 2: netdev names after udev's rename",
                [v["netdevs"] for v in vfs] == [["enp1s0f0v0"], ["enp1s0f0v1"]], str(vfs))
    t.check("enable 2: sriov_numvfs", read(d + "/sriov_numvfs") == "2")
    t.check("enable 2: udev queue gone", not os.path.exists(os.path.join(root, "run/udev/queue")))

    # the same count: nothing written
    mtime = os.stat(d + "/sriov_numvfs").st_mtime_ns
    rc, out, err = sriovctl(root, "enable", "eth0", "2")
    t.check("enable same: exit 0, says already", rc == 0 and "already 2 VFs" in out, out + err)
    t.check("enable same: nothing written", os.stat(d + "/sriov_numvfs").st_mtime_ns == mtime)

    # text output names each VF and its netdev
    rc, out, err = sriovctl(root, "enable", "0000:01:00.0", "3")
    t.check("enable 3: text", rc == 0 and out.startswith(
        "0000:01:00.0: 3 VFs enabled (was 2, through 0): 01:10.0 enp1s0f0v0, "
        "01:10.2 enp1s0f0v1, 01:10.4 enp1s0f0v2"), out + err)

    rc, out, err = sriovctl(root, "disable", "eth0")
    t.check("disable: text", rc == 0 and out == "0000:01:00.0: VFs disabled (was 3)\n", out + err)
    t.check("disable: links gone", wait_for(lambda: not [x for x in os.listdir(d)
                                                         if x.startswith("virtfn")]))
    rc, out, err = sriovctl(root, "disable", "eth0")
    t.check("disable again: nothing to do", rc == 0 and "no VFs" in out, out + err)

    # NVMe: autoprobe off, VFs without a driver
    rc, doc, err = json_run(root, "disable", NVME)
    t.check("nvme disable", rc == 0 and doc and doc["operation"] == "disable"
            and doc["enabled"] == 0, err)
    write(pf_dir(root, NVME) + "/sriov_drivers_autoprobe", "1\n")
    rc, doc, err = json_run(root, "enable", NVME, "2", "--autoprobe", "no")
    t.check("nvme autoprobe no: exit 0", rc == 0, err)
    if doc:
        t.check("nvme autoprobe no: steps", [s["step"] for s in doc["steps"]]
                == ["autoprobe", "enable", "verify", "wait"], str(doc["steps"]))
        t.check("nvme autoprobe no: remembered", doc["autoprobe"] is False
                and doc["autoprobe_previous"] is True and doc["autoprobe_requested"] is False)
        t.check("nvme autoprobe no: VFs without driver",
                [(v["address"], v["driver"]) for v in doc["vfs"]]
                == [("0000:02:00.1", None), ("0000:02:00.2", None)], str(doc["vfs"]))
    t.check("nvme autoprobe written", read(pf_dir(root, NVME) + "/sriov_drivers_autoprobe") == "0")
    rc, out, err = sriovctl(root, "enable", NVME, "3", "--autoprobe", "no")
    t.check("nvme text names autoprobe and missing drivers", rc == 0
            and "(was 2, through 0, autoprobe off): 02:00.1 (no driver)" in out, out + err)


# ---- in use -------------------------------------------------------------------------


def add_holder(root):
    """A QEMU-like process in the tree holding VF 0's group (7) open."""
    p = os.path.join(root, "proc/4242")
    os.makedirs(p + "/fd")
    write(p + "/comm", "qemu-system-x86\n")
    with open(p + "/cmdline", "wb") as f:
        f.write(b"/usr/bin/qemu-system-x86_64\0-name\0guest=web1,debug-threads=on\0")
    os.symlink("/dev/vfio/7", p + "/fd/23")


def test_in_use(tmp):
    root = new_tree(tmp, "inuse")
    add_holder(root)
    before = state(root)
    for args in (["enable", "eth0", "2"], ["disable", "eth0"], ["enable", "eth0", "0"],
                 ["disable", "eth0", "--dry-run"]):
        rc, out, err = sriovctl(root, *args)
        name = " ".join(args)
        t.check(f"in use: {name}: exit 1", rc == 1, f"rc={rc} {err}")
        t.check(f"in use: {name}: names the holder",
                "pid 4242" in err and "\"web1\"" in err and "/dev/vfio/7" in err, err)
        t.check(f"in use: {name}: hints --force", "--force" in err, err)
    rc, doc, err = json_run(root, "disable", "eth0")
    t.check("in use: JSON refusal", rc == 1 and doc and doc["result"] == "refused"
            and doc["changed"] is False and doc["steps"] == []
            and doc["users"] == [{"index": 0, "address": "0000:01:10.0", "used_by": [
                {"kind": "process", "pid": 4242, "command": "qemu-system-x86", "vm": "web1",
                 "device": "/dev/vfio/7"}]}]
            and doc["error"]["errno"] == "EBUSY", json.dumps(doc)[:600] + err)
    t.check("in use: nothing changed", state(root) == before)
    # the same count removes nothing: no refusal
    rc, out, err = sriovctl(root, "enable", "eth0", "4")
    t.check("in use: same count is fine", rc == 0 and "already" in out, err)

    fake = FakeKernel(root, {IGB: "igbvf"})
    fake.start()
    try:
        rc, doc, err = json_run(root, "disable", "eth0", "--force")
    finally:
        fake.stop.set()
        fake.join()
    t.check("in use: --force disables", rc == 0 and doc and doc["forced"] is True
            and doc["enabled"] == 0, err)
    t.check("in use: --force warns", "warning: removing VFs in use (--force)" in err
            and "pid 4242" in err, err)


# ---- a write that blocks --------------------------------------------------------------


class FifoServer(threading.Thread):
    """Answers reads of a FIFO sriov_numvfs with "2" (the inventory reads it);
    a second writer (sriovctl's) then blocks in open(2) until released."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            fd = os.open(self.path, os.O_WRONLY)
            os.write(fd, b"2\n")
            os.close(fd)
            time.sleep(0.01)

    def release(self, want):
        """Opens the FIFO for reading until the blocked writer's value came."""
        if self.stop.is_set() and not self.is_alive():
            return b""
        self.stop.set()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        got = b""
        end = time.monotonic() + 5
        while want not in got and time.monotonic() < end:  # the server only writes "2\n"
            try:
                got += os.read(fd, 64)
            except BlockingIOError:
                pass
            time.sleep(0.01)
        os.close(fd)
        self.join(5)
        return got


def gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] == "Z"
    except OSError:
        return True


def test_blocking_write(tmp):
    root = new_tree(tmp, "fifo")
    path = pf_dir(root, NVME) + "/sriov_numvfs"
    os.unlink(path)
    os.mkfifo(path)
    server = FifoServer(path)
    server.start()
    try:
        blocking_write_json(path, root, server)
    finally:
        server.release(b"0")  # never leave a writer blocked behind
    # text mode
    os.unlink(path)
    os.mkfifo(path)
    server = FifoServer(path)
    server.start()
    try:
        rc, out, err = sriovctl(root, "enable", NVME, "3", "--timeout", "0.3")
        t.check("blocking write text: exit 1 and unknown count", rc == 1
                and "unknown until the kernel finishes" in err and out == "", err)
    finally:
        server.release(b"0")


def blocking_write_json(path, root, server):
    t0 = time.monotonic()
    rc, doc, err = json_run(root, "disable", NVME, "--timeout", "0.5")
    took = time.monotonic() - t0
    t.check("blocking write: exit 1", rc == 1, f"rc={rc} {err}")
    t.check("blocking write: bounded by --timeout", 0.4 < took < 10, f"{took:.2f}s")
    pid = doc["pending_pid"] if doc else None
    if doc:
        t.check("blocking write: JSON", doc["result"] == "timeout" and doc["enabled"] is None
                and doc["steps"][0]["status"] == "timeout"
                and doc["steps"][1]["status"] == "planned"
                and doc["error"]["errno"] == "ETIMEDOUT" and isinstance(pid, int),
                json.dumps(doc)[:600])
    t.check("blocking write: says it still runs, with the pid",
            f"still running in the kernel (pid {pid})" in err, err)
    t.check("blocking write: says what to check", "/proc/%s/stack" % pid in err
            and "--autoprobe no" in err, err)
    t.check("blocking write: the writer was not killed", pid and not gone(pid), str(pid))
    got = server.release(b"0")
    t.check("blocking write: the writer finishes once released", b"0" in got, repr(got))
    end = time.monotonic() + 5
    while pid and not gone(pid) and time.monotonic() < end:
        time.sleep(0.05)
    t.check("blocking write: the writer exited", pid and gone(pid), str(pid))


def main():
    if t.binary_missing():
        return 1
    test_help()
    with tempfile.TemporaryDirectory() as tmp:
        test_bad_input(tmp)
        test_enable_disable(tmp)
        test_in_use(tmp)
        test_blocking_write(tmp)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
