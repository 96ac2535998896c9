#!/usr/bin/env python3
"""CLI tests for `apply` and `restore`, against scratch trees.

Each tree is the real-kernel capture tests/fixtures/vm-igb-nvme-vf4.tar (igb
PF 0000:01:00.0 = eth0 with 4 VFs on igbvf, sriov_totalvfs 7, the kernel's
rtnetlink answer about them recorded; NVMe PF 02:00.0 with 2 VFs). A tree has
no kernel: plans, --check, the lock, the journal and restore are tested here
with changes that are plain file writes (sriov_drivers_autoprobe); VF
settings, counts and drivers on the real kernel are in tests/vm (apply).
Ends with "N passed, N failed".
"""
import fcntl
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

FIXTURE = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")
IGB = "0000:01:00.0"
AUTOPROBE = "sys/bus/pci/devices/0000:01:00.0/sriov_drivers_autoprobe"
JOURNAL = "var/lib/sriovctl/journal.json"


def fresh_tree(tmp, name):
    root = os.path.join(tmp, name)
    t.extract(FIXTURE, root)
    return root


def conf(tmp, name, text, mode=0o600):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    return p


def real(root, rel):
    """The file a tree path ends at (sysfs paths are symlinks in the tree)."""
    return os.path.realpath(os.path.join(root, rel))


def read(root, rel):
    with open(real(root, rel)) as f:
        return f.read().strip()


def apply(root, *args):
    rc, out, err = t.run(["apply", "--root", root] + list(args))
    doc = None
    if "--json" in args and out.strip():
        try:
            doc = json.loads(out)
        except ValueError:
            doc = None
    return rc, out, err, doc


def step_keys(doc):
    return [(s["kind"], s["key"], s["vf"], s["old"], s["new"]) for s in (doc or {}).get("steps", [])]


def test_matching_host(tmp):
    root = fresh_tree(tmp, "match")
    c = conf(tmp, "match.conf", "[pf eth0]\nnum_vfs = 4\n")
    before = t.tree_digest(root)
    rc, out, err, doc = apply(root, c, "--check", "--json")
    t.check("check: a matching host exits 0", rc == 0, err)
    t.check("check: matches true, no steps", doc and doc["matches"] and doc["steps"] == [], out)
    rc, out, err, _ = apply(root, c, "--dry-run")
    t.check("dry-run: says nothing to do", rc == 0 and "nothing to do" in out, out + err)
    t.check("check/dry-run: the tree is unchanged", t.tree_digest(root) == before)


def test_plans(tmp):
    root = fresh_tree(tmp, "plans")
    before = t.tree_digest(root)
    c = conf(tmp, "count.conf", "[pf 0000:01:00.0]\nnum_vfs = 2\n")
    rc, out, err, doc = apply(root, c, "--check", "--json")
    t.check("check: pending changes exit 1", rc == 1, err)
    t.check("check: the count step", step_keys(doc) == [("num_vfs", "num_vfs", None, "4", "2")],
            step_keys(doc))
    c = conf(tmp, "vlan.conf", "[vf eth0 1]\nvlan = 42\nqos = 0\n")
    rc, out, err, doc = apply(root, c, "--dry-run", "--json")
    t.check("dry-run: exits 0", rc == 0, err)
    t.check("dry-run: only VF 1's VLAN (qos already 0)",
            step_keys(doc) == [("vf_attr", "vlan", 1, "0", "42")], step_keys(doc))
    s = (doc or {}).get("steps", [{}])[0]
    t.check("dry-run: the step names where it was configured",
            s.get("source") == c + ":2:1", s.get("source"))
    t.check("dry-run: the target is the VF", s.get("target") == "0000:01:10.2", s.get("target"))
    c = conf(tmp, "fleet.conf", "[pf 8086:10c9]\nnum_vfs = 6\nspoofchk = off\n"
             "[pf eth0]\nnum_vfs = 5\n")
    rc, out, err, doc = apply(root, c, "--dry-run", "--json")
    steps = step_keys(doc)
    t.check("fleet: the host section wins over vendor:device",
            steps[:1] == [("num_vfs", "num_vfs", None, "4", "5")], steps[:2])
    t.check("fleet: predicted spoofchk for the 5 new VFs",
            sum(1 for s in (doc or {}).get("steps", []) if s["key"] == "spoofchk" and s["predicted"]) == 5,
            steps)
    rc, out, err, _ = apply(root, c, "--dry-run")
    t.check("dry-run text: one line per step, the summary last",
            "num_vfs" in out and "would be made" in out.splitlines()[-1], out)
    t.check("plans: the tree is unchanged", t.tree_digest(root) == before)


def test_default_files(tmp):
    root = fresh_tree(tmp, "defaults")
    rc, out, err, _ = apply(root, "--dry-run")
    t.check("no configuration: exit 2", rc == 2, err)
    t.check("no configuration: says where to write one", "/etc/sriovctl.conf" in err, err)
    os.makedirs(os.path.join(root, "etc/sriovctl.d"), exist_ok=True)
    conf(root, "etc/sriovctl.conf", "[pf eth0]\nnum_vfs = 3\n")
    conf(root, "etc/sriovctl.d/20-later.conf", "[pf eth0]\nnum_vfs = 2\n")
    conf(root, "etc/sriovctl.d/10-early.conf", "[pf eth0]\nnum_vfs = 6\n")
    rc, out, err, doc = apply(root, "--dry-run", "--json")
    t.check("defaults: exit 0", rc == 0, err)
    t.check("defaults: files in order", doc and doc["files"] == [
        "/etc/sriovctl.conf", "/etc/sriovctl.d/10-early.conf", "/etc/sriovctl.d/20-later.conf"],
        doc and doc["files"])
    t.check("defaults: the last file's key wins", step_keys(doc)[:1] == [
        ("num_vfs", "num_vfs", None, "4", "2")], step_keys(doc))


BAD = [
    ("syntax", "[pf eth0\nnum_vfs = 2\n", ":1:"),
    ("unknown key", "[pf eth0]\nnum_vf = 2\n", ":2:1:"),
    ("bad vlan", "[vf eth0 0]\nvlan = 5000\n", ":2:8:"),
    ("above the limit", "[pf eth0]\nnum_vfs = 9\n", "limit is 7"),
    ("index beyond the count", "[pf eth0]\nnum_vfs = 4\n[vf eth0 6]\ntrust = on\n", "names VF 6"),
    ("address and netdev disagree", "[pf eth0]\nnum_vfs = 2\n[pf 0000:01:00.0]\nnum_vfs = 3\n", "num_vfs"),
]


def test_bad_input(tmp):
    root = fresh_tree(tmp, "bad")
    before = t.tree_digest(root)
    for name, text, must in BAD:
        c = conf(tmp, "bad.conf", text)
        rc, out, err, _ = apply(root, c)
        t.check(f"bad config ({name}): exit 2", rc == 2, f"rc={rc} {err}")
        t.check(f"bad config ({name}): message names it", must in err, err)
        t.check(f"bad config ({name}): nothing written", t.tree_digest(root) == before)
    c = conf(tmp, "open.conf", "[pf eth0]\nnum_vfs = 4\n", mode=0o666)
    rc, out, err, _ = apply(root, c, "--dry-run")
    t.check("world-writable config: exit 2", rc == 2 and "writable" in err, err)
    for args, must in ((["--check", "--dry-run"], "exclude"), (["--lock-timeout", "x"], "--lock-timeout"),
                       (["--device-timeout", "-1"], "--device-timeout"), (["--bogus"], "bogus")):
        rc, out, err, _ = apply(root, conf(tmp, "ok.conf", "[pf eth0]\n"), *args)
        t.check(f"bad argument {args}: exit 2", rc == 2 and must in err, err)
    rc, out, err, _ = apply(root, os.path.join(tmp, "missing.conf"))
    t.check("missing file: exit 2 naming it", rc == 2 and "missing.conf" in err, err)
    t.check("bad input: no journal written", not os.path.exists(os.path.join(root, JOURNAL)))


def test_apply_journal_restore(tmp):
    root = fresh_tree(tmp, "journal")
    c = conf(tmp, "ap.conf", "[pf eth0]\nautoprobe = no\n")
    rc, out, err, doc = apply(root, c, "--json")
    t.check("apply: exit 0", rc == 0, out + err)
    t.check("apply: autoprobe written", read(root, AUTOPROBE) == "0", read(root, AUTOPROBE))
    t.check("apply: one step done", doc and doc["summary"] == {"steps": 1, "done": 1, "failed": 0, "undone": 0},
            doc and doc["summary"])
    with open(os.path.join(root, JOURNAL)) as f:
        j = json.load(f)
    t.check("journal: complete, one done step",
            j.get("state") == "complete" and [s["status"] for s in j["steps"]] == ["done"], j)
    t.check("journal: the original value kept",
            [(o["target"], o["key"], o["old"]) for o in j["originals"]] == [(IGB, "autoprobe", "yes")],
            j.get("originals"))
    t.check("journal: mode 0600", os.stat(os.path.join(root, JOURNAL)).st_mode & 0o777 == 0o600)
    rc, out, err, doc = apply(root, c, "--json")
    t.check("apply again: nothing to do", rc == 0 and doc and doc["steps"] == [], out + err)
    rc, out, err, doc = apply(root, c, "--check")
    t.check("check after apply: exit 0", rc == 0, out + err)
    rc, out, err = t.run(["restore", "--root", root, "--dry-run", "--json"])
    d = json.loads(out) if rc == 0 else {}
    t.check("restore --dry-run: plans autoprobe back to yes",
            step_keys(d) == [("autoprobe", "autoprobe", None, "no", "yes")], out + err)
    t.check("restore --dry-run: changes nothing", read(root, AUTOPROBE) == "0")
    rc, out, err = t.run(["restore", "--root", root])
    t.check("restore: exit 0", rc == 0, out + err)
    t.check("restore: autoprobe back", read(root, AUTOPROBE) == "1", read(root, AUTOPROBE))
    with open(os.path.join(root, JOURNAL)) as f:
        j = json.load(f)
    t.check("restore: originals put back are dropped", j.get("originals") == [], j.get("originals"))
    rc, out, err = t.run(["restore", "--root", root])
    t.check("restore again: nothing to do", rc == 0 and "nothing to do" in out, out + err)


def test_rollback(tmp):
    root = fresh_tree(tmp, "rollback")
    # autoprobe is a file write; VF settings go to the kernel over rtnetlink,
    # which a tree does not have: that step fails and autoprobe is undone.
    c = conf(tmp, "rb.conf", "[pf eth0]\nautoprobe = no\n[vf eth0 0]\ntrust = on\n")
    rc, out, err, doc = apply(root, c, "--rollback-on-error", "--json")
    t.check("rollback: exit 1 (a step failed)", rc == 1, out + err)
    st = {s["key"]: s["status"] for s in (doc or {}).get("steps", [])}
    t.check("rollback: autoprobe undone, count failed",
            st == {"autoprobe": "undone", "trust": "failed"}, st)
    t.check("rollback: autoprobe file back to 1", read(root, AUTOPROBE) == "1")
    t.check("rollback: the failure has a reason",
            any(s["status"] == "failed" and s["message"] for s in doc["steps"]) if doc else False)
    with open(os.path.join(root, JOURNAL)) as f:
        j = json.load(f)
    t.check("rollback: journal says rolled back", j.get("state") == "rolled_back", j.get("state"))


def test_lock_and_corrupt_journal(tmp):
    root = fresh_tree(tmp, "lock")
    c = conf(tmp, "ap.conf", "[pf eth0]\nautoprobe = no\n")
    os.makedirs(os.path.join(root, "run"), exist_ok=True)
    with open(os.path.join(root, "run/sriovctl.lock"), "w") as holder:
        holder.write(f"{os.getpid()} test-holder\n")
        holder.flush()
        fcntl.flock(holder, fcntl.LOCK_EX)
        rc, out, err, _ = apply(root, c, "--lock-timeout", "0")
        t.check("lock held: exit 1", rc == 1, out + err)
        t.check("lock held: names the holder", str(os.getpid()) in err, err)
        t.check("lock held: nothing written", read(root, AUTOPROBE) == "1")
    os.makedirs(os.path.join(root, "var/lib/sriovctl"), exist_ok=True)
    with open(os.path.join(root, JOURNAL), "w") as f:
        f.write("{not json")
    rc, out, err, doc = apply(root, c, "--json")
    t.check("corrupt journal: apply goes on", rc == 0, out + err)
    t.check("corrupt journal: reported", doc and doc["journal"]["corrupt"], doc and doc["journal"])
    t.check("corrupt journal: set aside",
            os.path.exists(os.path.join(root, JOURNAL + ".corrupt-1")), os.listdir(os.path.dirname(os.path.join(root, JOURNAL))))


def test_unsafe_journal(tmp):
    """restore undoes what the journal says: one others can write is refused."""
    root = fresh_tree(tmp, "unsafe")
    c = conf(tmp, "un.conf", "[pf eth0]\nautoprobe = no\n")
    c_yes = conf(tmp, "un-yes.conf", "[pf eth0]\nautoprobe = yes\n")
    rc, out, err, _ = apply(root, c)
    t.check("unsafe journal: set-up apply", rc == 0, out + err)
    jpath = os.path.join(root, JOURNAL)
    jdir = os.path.dirname(jpath)
    with open(jpath) as f:
        before = f.read()
    cases = [("file mode 0666", jpath, 0o666, None, "journal.json is writable by other users"),
             ("dir mode 0777", jdir, 0o777, None, "sriovctl is writable by other users")]
    if os.geteuid() == 0:
        cases.append(("file owned by uid 4242", jpath, 0o600, 4242, "owned by uid 4242"))
    for name, path, mode, uid, words in cases:
        old_mode = os.stat(path).st_mode & 0o7777
        os.chmod(path, mode)
        if uid is not None:
            os.chown(path, uid, -1)
        for cmd in (["restore", "--root", root], ["apply", "--root", root, c_yes],
                    ["apply", "--dry-run", "--root", root, c_yes], ["apply", "--check", "--root", root, c],
                    ["restore", "--dry-run", "--root", root]):
            rc, out, err = t.run(cmd)
            what = " ".join(a for a in cmd if a != root and not a.endswith(".conf"))
            t.check(f"unsafe journal ({name}): {what} exits 2", rc == 2, out + err)
            t.check(f"unsafe journal ({name}): {what} names it", words in err, err)
        t.check(f"unsafe journal ({name}): autoprobe untouched", read(root, AUTOPROBE) == "0")
        with open(jpath) as f:
            t.check(f"unsafe journal ({name}): journal untouched", f.read() == before)
        os.chmod(path, old_mode)
        if uid is not None:
            os.chown(path, 0, -1)
    rc, out, err = t.run(["restore", "--root", root])
    t.check("unsafe journal: restore works once fixed", rc == 0 and read(root, AUTOPROBE) == "1", out + err)


def test_help():
    for cmd, words in (("apply", ["--dry-run", "--check", "--rollback-on-error", "journal"]),
                       ("restore", ["--dry-run", "journal"])):
        rc, out, err = t.run([cmd, "--help"])
        t.check(f"{cmd} --help: exit 0", rc == 0, err)
        t.check(f"{cmd} --help: teaches", all(w in out for w in words), out)


def main():
    if t.binary_missing():
        return 1
    tmp = tempfile.mkdtemp(prefix="sriovctl-apply-")
    try:
        test_matching_host(tmp)
        test_plans(tmp)
        test_default_files(tmp)
        test_bad_input(tmp)
        test_apply_journal_restore(tmp)
        test_rollback(tmp)
        test_lock_and_corrupt_journal(tmp)
        test_unsafe_journal(tmp)
        test_help()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
