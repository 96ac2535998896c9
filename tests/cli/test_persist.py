#!/usr/bin/env python3
"""CLI tests for `persist`, the shipped unit, the bash completion and `meson install`.

persist runs on scratch trees: the real-kernel capture tests/fixtures/vm-igb-nvme-vf4.tar
(igb PF 0000:01:00.0 = eth0 with 4 VFs, NVMe PF 0000:02:00.0) plus a configuration,
and for --method modprobe the tree's kernel release with the module index of
tests/data/persist/modules (igb with max_vfs, nvme without). The systemd method
runs the real `systemctl --root=TREE`, which creates the wants symlink offline.
A fake systemctl on PATH stands in for one that fails. Ends with "N passed, N failed".
"""
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(__file__))
import test_cli as t  # noqa: E402

FIXTURE = os.path.join(t.FIXTURES, "vm-igb-nvme-vf4.tar")
MODULES = os.path.join(t.SRC, "tests", "data", "persist", "modules")
COMPLETION = os.path.join(t.SRC, "data", "bash-completion", "sriovctl")
UNIT_IN = os.path.join(t.SRC, "data", "sriovctl.service.in")
UNIT = "etc/systemd/system/sriovctl.service"
WANTS = "etc/systemd/system/multi-user.target.wants/sriovctl.service"
MODPROBE = "etc/modprobe.d/sriovctl.conf"
MARKER = "# Written by sriovctl persist"
BINDIR = "/usr/local/bin"  # the build's prefix/bindir, from meson introspect
GOOD_CONF = "[pf eth0]\nnum_vfs = 4\n\n[vf eth0 all]\nmac = auto\n"


def path(root, rel):
    return os.path.join(root, rel)


def write(root, rel, data, mode=0o644):
    p = path(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(data)
    os.chmod(p, mode)


def read(root, rel):
    with open(path(root, rel)) as f:
        return f.read()


def make_tree(tmp, name, conf=GOOD_CONF):
    root = os.path.join(tmp, name)
    os.mkdir(root)
    t.extract(FIXTURE, root)
    if conf is not None:
        write(root, "etc/sriovctl.conf", conf)
    return root


def add_modules(root, os_release="NAME=Ubuntu\nID=ubuntu\nID_LIKE=debian\n"):
    write(root, "proc/sys/kernel/osrelease", "6.1.0-test\n")
    shutil.copytree(os.path.join(MODULES, "6.1.0-test"),
                    path(root, "lib/modules/6.1.0-test"))
    if os_release:
        write(root, "etc/os-release", os_release)


def snapshot(root):
    """Every entry of the tree: type, mode, and link target or content hash."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                out[rel] = ("file", stat.S_IMODE(st.st_mode), digest)
    return out


def run_root(args, root, env=None):
    cmd = [t.SRIOVCTL] + args + ["--root", root]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def have(program):
    return shutil.which(program) is not None


def fake_systemctl(tmp, script):
    """A directory holding a `systemctl` that runs script (sh), for PATH."""
    d = os.path.join(tmp, "fakebin-%d" % len(os.listdir(tmp)))
    os.mkdir(d)
    write(d, "systemctl", "#!/bin/sh\n" + script, 0o755)
    return dict(os.environ, PATH=d)


# ---- arguments and the configuration -------------------------------------------


def test_bad_input(tmp):
    root = make_tree(tmp, "bad-input")
    before = snapshot(root)
    rc, _, err = run_root(["persist", "--method", "initrd"], root)
    t.check("bad --method: exit 2", rc == 2, f"rc={rc}")
    t.check("bad --method: names the allowed values",
            "--method 'initrd': expected systemd or modprobe" in err, err)
    rc, _, err = run_root(["persist", "--remove", "/etc/sriovctl.conf"], root)
    t.check("--remove with FILE: exit 2", rc == 2 and "--remove reads no configuration" in err,
            f"rc={rc} {err}")
    rc, _, err = run_root(["persist", "--bogus"], root)
    t.check("unknown option: exit 2", rc == 2 and "unknown option '--bogus'" in err, err)
    # a configuration with errors: every one with file:line:column, nothing installed
    write(root, "etc/sriovctl.conf", "[pf eth0]\nnum_vfs = 4\nvlna = 3\n[vf eth0 0]\nmac = 1\n")
    rc, out, err = run_root(["persist"], root)
    t.check("bad config: exit 2", rc == 2, f"rc={rc} {err}")
    t.check("bad config: file:line:column of the unknown key",
            "/etc/sriovctl.conf:3:1: " in err and "vlna" in err, err)
    t.check("bad config: the second error too", "/etc/sriovctl.conf:5:" in err, err)
    t.check("bad config: nothing on stdout", out == "", out)
    rc, _, err = run_root(["persist", "--method", "modprobe"], root)
    t.check("bad config, modprobe: exit 2", rc == 2 and "/etc/sriovctl.conf:3:1: " in err, err)
    # a file others may write is not trusted
    write(root, "etc/sriovctl.conf", GOOD_CONF, 0o666)
    rc, _, err = run_root(["persist"], root)
    t.check("config writable by others: exit 2", rc == 2 and "/etc/sriovctl.conf" in err,
            f"rc={rc} {err}")
    os.unlink(path(root, "etc/sriovctl.conf"))
    before = snapshot(root)
    rc, _, err = run_root(["persist"], root)
    t.check("no config: exit 2", rc == 2, f"rc={rc}")
    t.check("no config: says where to write one",
            "no configuration to persist" in err and "write /etc/sriovctl.conf" in err
            and "examples/sriovctl.conf" in err, err)
    t.check("bad input changed nothing", snapshot(root) == before)


# ---- --method systemd ----------------------------------------------------------


def installed_unit_text():
    """The unit text this build writes: the .in with the build's bindir."""
    with open(os.path.join(t.BUILD, "data", "sriovctl.service")) as f:
        return f.read()


def test_systemd_dry_run(tmp):
    root = make_tree(tmp, "systemd-dry")
    before = snapshot(root)
    rc, out, err = run_root(["persist", "--dry-run"], root)
    t.check("systemd --dry-run: exit 0", rc == 0, err)
    t.check("systemd --dry-run: says what it would write",
            "would write /etc/systemd/system/sriovctl.service" in out, out)
    t.check("systemd --dry-run: says what it would run",
            f"would run: systemctl --root={os.path.realpath(root)} enable sriovctl.service"
            in out, out)
    rc, out, err = run_root(["persist", "--dry-run", "--json"], root)
    doc = json.loads(out) if rc == 0 else {}
    t.check("systemd --dry-run --json: keys",
            doc.get("method") == "systemd" and doc.get("dry_run") is True
            and doc.get("changed") is False and doc.get("remove") is False
            and doc.get("modprobe") is None
            and doc.get("config_files") == ["/etc/sriovctl.conf"], out)
    steps = doc.get("steps", [])
    t.check("systemd --dry-run --json: write then run, nothing done",
            [s["action"] for s in steps] == ["write", "run"]
            and not any(s["done"] for s in steps)
            and steps[1]["command"][-2:] == ["enable", "sriovctl.service"], repr(steps))
    t.check("systemd --dry-run changed nothing", snapshot(root) == before)


def test_systemd_install_remove(tmp):
    root = make_tree(tmp, "systemd")
    if not have("systemctl"):
        rc, _, err = run_root(["persist"], root)
        t.check("no systemctl: exit 1 with the remedy",
                rc == 1 and "cannot run systemctl" in err and "no systemctl" in err, err)
        return
    rc, out, err = run_root(["persist"], root)
    t.check("systemd: exit 0", rc == 0, f"rc={rc} {err}")
    t.check("systemd: unit written", os.path.isfile(path(root, UNIT)))
    text = read(root, UNIT) if os.path.isfile(path(root, UNIT)) else ""
    t.check("systemd: unit = marker line + this build's unit",
            text.startswith(MARKER) and text.split("\n", 1)[1] == installed_unit_text(),
            text[:200])
    t.check("systemd: unit mode 0644",
            os.path.exists(path(root, UNIT))
            and stat.S_IMODE(os.stat(path(root, UNIT)).st_mode) == 0o644)
    link = path(root, WANTS)
    t.check("systemd: systemctl --root made the multi-user.target.wants symlink",
            os.path.islink(link) and os.readlink(link) == "/" + UNIT,
            os.readlink(link) if os.path.islink(link) else "missing")
    t.check("systemd: output says enabled", "sriovctl.service is enabled" in out, out)
    # again: the unit is current, only enable runs
    rc, out, err = run_root(["persist", "--json"], root)
    doc = json.loads(out) if rc == 0 else {}
    t.check("systemd again: only systemctl enable",
            [s["action"] for s in doc.get("steps", [])] == ["run"]
            and doc["steps"][0]["done"] and doc["steps"][0]["exit_status"] == 0, out)
    t.check("systemd --json: unit",
            doc.get("unit") == {"name": "sriovctl.service",
                                "path": "/etc/systemd/system/sriovctl.service",
                                "written_by_sriovctl": True}, out)
    # --remove: disabled and removed
    before = snapshot(root)
    rc, out, err = run_root(["persist", "--remove", "--dry-run"], root)
    t.check("systemd --remove --dry-run: exit 0, nothing changed",
            rc == 0 and snapshot(root) == before, err)
    rc, out, err = run_root(["persist", "--remove"], root)
    t.check("systemd --remove: exit 0", rc == 0, err)
    t.check("systemd --remove: symlink and unit gone",
            not os.path.lexists(link) and not os.path.exists(path(root, UNIT)))
    rc, out, err = run_root(["persist", "--remove"], root)
    t.check("systemd --remove again: nothing to do",
            rc == 0 and "no sriovctl.service is installed" in out, f"{out} {err}")


def test_systemd_admin_unit(tmp):
    """A unit persist did not write is used and never removed."""
    if not have("systemctl"):
        return
    root = make_tree(tmp, "systemd-admin")
    own = "[Service]\nType=oneshot\nExecStart=/usr/local/bin/my-sriov\n[Install]\n" \
          "WantedBy=multi-user.target\n"
    write(root, UNIT, own)
    rc, out, err = run_root(["persist"], root)
    t.check("admin unit: exit 0", rc == 0, err)
    t.check("admin unit: not replaced", read(root, UNIT) == own)
    t.check("admin unit: enabled", os.path.islink(path(root, WANTS)))
    t.check("admin unit: said", "using the installed unit /" + UNIT in out, out)
    rc, out, err = run_root(["persist", "--remove"], root)
    t.check("admin unit --remove: disabled, kept",
            rc == 0 and not os.path.lexists(path(root, WANTS))
            and read(root, UNIT) == own and "disabled, not removed" in out, f"{out} {err}")
    # a unit shipped by a package: not copied to /etc
    os.unlink(path(root, UNIT))
    write(root, "usr/lib/systemd/system/sriovctl.service", installed_unit_text())
    rc, out, err = run_root(["persist"], root)
    t.check("shipped unit: used, nothing written to /etc",
            rc == 0 and not os.path.exists(path(root, UNIT))
            and os.readlink(path(root, WANTS)) == "/usr/lib/systemd/system/sriovctl.service",
            f"{out} {err}")


def test_systemctl_fails(tmp):
    root = make_tree(tmp, "systemctl-fails")
    env = fake_systemctl(tmp, "echo 'Failed to enable unit: Access denied' >&2\nexit 4\n")
    rc, out, err = run_root(["persist"], root, env)
    t.check("systemctl fails: exit 1", rc == 1, f"rc={rc} {err}")
    t.check("systemctl fails: its message and exit status",
            "Failed to enable unit: Access denied" in err and "exit status 4" in err, err)
    t.check("systemctl fails: nothing on stdout", out == "", out)
    env = dict(os.environ, PATH=os.path.join(tmp, "empty-path"))
    rc, out, err = run_root(["persist", "--json"], root, env)
    t.check("no systemctl: exit 1 with what to do instead",
            rc == 1 and "cannot run systemctl" in err and "--method modprobe" in err,
            f"rc={rc} {err}")


def test_unit_verifies(tmp):
    """systemd-analyze verify accepts the unit (ExecStart pointed at the built binary)."""
    if not have("systemd-analyze"):
        print("note: systemd-analyze not installed: unit not verified")
        return
    text = installed_unit_text()
    lines = [ln for ln in text.splitlines() if ln.startswith("ExecStart=")]
    t.check("unit: one ExecStart", len(lines) == 1, repr(lines))
    want = os.path.join(BINDIR, "sriovctl") + " apply --device-timeout 60"
    t.check("unit: ExecStart runs apply --device-timeout 60 from bindir",
            lines == ["ExecStart=" + want], repr(lines))
    copy = os.path.join(tmp, "sriovctl.service")
    with open(copy, "w") as f:
        f.write(text.replace(lines[0], f"ExecStart={t.SRIOVCTL} apply --device-timeout 60"))
    p = subprocess.run(["systemd-analyze", "verify", "--man=no", copy],
                       capture_output=True, text=True)
    t.check("unit: systemd-analyze verify passes, no warnings",
            p.returncode == 0 and p.stderr.strip() == "", p.stderr)


# ---- --method modprobe ----------------------------------------------------------


def test_modprobe(tmp):
    root = make_tree(tmp, "modprobe")
    before = snapshot(root)
    rc, _, err = run_root(["persist", "--method", "modprobe"], root)
    t.check("modprobe without a module index: exit 1, says why",
            rc == 1 and "no module index" in err and "--method systemd" in err,
            f"rc={rc} {err}")
    t.check("modprobe without a module index: nothing changed", snapshot(root) == before)
    add_modules(root)
    before = snapshot(root)
    rc, out, err = run_root(["persist", "--method", "modprobe", "--dry-run"], root)
    t.check("modprobe --dry-run: exit 0 and the option",
            rc == 0 and "options igb max_vfs=4" in out, f"{out} {err}")
    t.check("modprobe --dry-run: changed nothing", snapshot(root) == before)
    rc, out, err = run_root(["persist", "--method", "modprobe"], root)
    t.check("modprobe: exit 0", rc == 0, err)
    text = read(root, MODPROBE) if os.path.exists(path(root, MODPROBE)) else ""
    t.check("modprobe: file has the marker and the option",
            text.startswith(MARKER) and "\noptions igb max_vfs=4\n" in text, text)
    t.check("modprobe: only comments and options lines",
            all(ln.startswith("#") or ln.startswith("options ") for ln in text.splitlines()),
            text)
    t.check("modprobe: mode 0644",
            text != "" and stat.S_IMODE(os.stat(path(root, MODPROBE)).st_mode) == 0o644)
    t.check("modprobe: prints the initramfs command (ubuntu)",
            "update-initramfs -u -k all" in out and "dracut" not in out, out)
    t.check("modprobe: says only the VF count persists",
            "only the VF count persists" in out, out)
    rc, out, err = run_root(["persist", "--method", "modprobe", "--json"], root)
    doc = json.loads(out) if rc == 0 else {}
    t.check("modprobe --json: options and initramfs",
            doc.get("modprobe", {}).get("options") == [
                {"module": "igb", "max_vfs": 4, "functions": ["0000:01:00.0"],
                 "also_applies_to": []}]
            and doc["modprobe"]["initramfs_commands"] == ["update-initramfs -u -k all"]
            and doc["modprobe"]["os_id"] == "ubuntu" and doc["unit"] is None, out)
    t.check("modprobe again: nothing to change",
            doc.get("steps") == [] and doc.get("changed") is False, out)
    # a PF whose driver has no max_vfs: refused whole
    write(root, "etc/sriovctl.d/nvme.conf", "[pf 0000:02:00.0]\nnum_vfs = 2\n")
    before = snapshot(root)
    rc, _, err = run_root(["persist", "--method", "modprobe"], root)
    t.check("modprobe, nvme: exit 2", rc == 2, f"rc={rc} {err}")
    t.check("modprobe, nvme: names the driver and the remedy",
            "nvme has no max_vfs parameter" in err and "use --method systemd" in err
            and "/etc/sriovctl.d/nvme.conf:2:1" in err, err)
    t.check("modprobe, nvme: nothing changed", snapshot(root) == before)
    os.unlink(path(root, "etc/sriovctl.d/nvme.conf"))
    # --remove
    rc, out, err = run_root(["persist", "--method", "modprobe", "--remove"], root)
    t.check("modprobe --remove: exit 0, file gone",
            rc == 0 and not os.path.exists(path(root, MODPROBE)), f"{out} {err}")
    t.check("modprobe --remove: initramfs command", "update-initramfs -u -k all" in out, out)
    write(root, MODPROBE, "options igb max_vfs=2\n")
    rc, _, err = run_root(["persist", "--method", "modprobe", "--remove"], root)
    t.check("modprobe --remove of a file persist did not write: refused, kept",
            rc == 1 and "not written by sriovctl persist" in err
            and read(root, MODPROBE) == "options igb max_vfs=2\n", f"rc={rc} {err}")


def test_modprobe_unknown_distribution(tmp):
    root = make_tree(tmp, "modprobe-unknown")
    add_modules(root, os_release=None)
    rc, out, err = run_root(["persist", "--method", "modprobe"], root)
    t.check("unknown distribution: the three initramfs commands",
            rc == 0 and "update-initramfs -u -k all" in out
            and "dracut -f --regenerate-all" in out and "mkinitcpio -P" in out, f"{out} {err}")


# ---- not root -----------------------------------------------------------------------


def test_not_root(tmp):
    """On the live host without root: exit 3 after validation; --dry-run is allowed.

    As root, a copy of the binary runs as uid 65534 from a directory it can
    reach, so the check runs from any checkout (also one in /root, mode 0700).
    """
    conf_dir = os.path.join(tmp, "nobody")
    os.mkdir(conf_dir)
    if os.geteuid() == 0:
        os.chmod(tmp, 0o755)
        os.chmod(conf_dir, 0o755)
    conf = os.path.join(conf_dir, "host.conf")
    write(conf_dir, "host.conf", GOOD_CONF)
    bad = os.path.join(conf_dir, "bad.conf")
    write(conf_dir, "bad.conf", "[pf eth0]\nnum_vfs = many\n")

    def run(args):
        if os.geteuid() != 0:
            return t.run(args)
        return t.run_as_nobody(args, conf_dir)

    ran = run(["persist", bad])
    if ran is None:
        return
    rc, _, err = ran
    t.check("not root, bad config: exit 2 first", rc == 2 and "bad.conf:2:" in err,
            f"rc={rc} {err}")
    rc, _, err = run(["persist", conf])
    t.check("not root on the live host: exit 3", rc == 3 and "needs root" in err,
            f"rc={rc} {err}")
    rc, out, err = run(["persist", conf, "--dry-run"])
    t.check("not root, --dry-run: allowed", rc == 0 and "dry run: nothing changed" in out,
            f"rc={rc} {err}")
    t.check("FILE outside /etc: says the unit reads /etc at boot",
            "not the files named here" in out, out)


# ---- bash completion ----------------------------------------------------------------


def complete(line, root=None):
    """Candidates of the completion function for line (completing its last word)."""
    script = f"""
source {COMPLETION!r}
COMP_LINE={line!r}
COMP_POINT=${{#COMP_LINE}}
read -r -a COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMPREPLY=()
_sriovctl
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                       capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        return ["<error: %s>" % p.stderr.strip()]
    return [w for w in p.stdout.split("\n") if w]


def help_commands():
    rc, out, _ = t.run(["--help"])
    cmds, on = [], False
    for line in out.splitlines():
        if line == "Commands:":
            on = True
        elif on and not line.strip():
            break
        elif on:
            cmds.append(line.split()[0])
    return cmds


def usage_options(text):
    """The --options of the Usage lines (up to the first blank line)."""
    usage = text.split("\n\n", 1)[0]
    return {w.strip("[]|.,").split("=")[0] for w in usage.replace("[", " [").split()
            if w.strip("[]").startswith("--")}


def completion_options(cmd):
    """(option, takes a value) as the completion reads them from the help."""
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        f"source {COMPLETION!r}; _sriovctl_options {t.SRIOVCTL!r} {cmd!r}"],
                       capture_output=True, text=True)
    return [(ln.split()[0], " " in ln) for ln in p.stdout.splitlines() if ln]


SAMPLE_VALUES = {"--method": "systemd", "--format": "libvirt", "--autoprobe": "yes",
                 "--root": "/", "--kmsg": "/dev/null", "--config": "/dev/null",
                 "--vmid": "100"}


def test_completion(tmp):
    if not have("bash"):
        print("note: no bash: completion not tested")
        return
    b = t.SRIOVCTL
    cmds = help_commands()
    t.check("--help lists the commands", len(cmds) >= 14 and "persist" in cmds, repr(cmds))
    t.check("completion: the commands of --help", complete(f"{b} ") == sorted(cmds),
            repr(complete(f"{b} ")))
    t.check("completion: a command prefix", complete(f"{b} pe") == ["persist"])
    for cmd in cmds:
        _, text, _ = t.run([cmd, "--help"])
        offered = complete(f"{b} {cmd} --")
        # every option offered is one the command accepts, with a value when the
        # completion says it takes one (getopt would stop at a wrong one)
        bad = []
        for opt, takes_value in completion_options(cmd):
            value = [SAMPLE_VALUES.get(opt, "1")] if takes_value else []
            rc, _, err = t.run([cmd, opt] + value + ["--help"])
            if rc != 0:
                bad.append(f"{opt}: {err.strip()}")
        t.check(f"completion: {cmd}: every option offered is accepted", not bad, repr(bad))
        missing = usage_options(text) - set(offered)
        t.check(f"completion: {cmd}: every option of the usage line is offered",
                not missing, f"missing {sorted(missing)} offered {offered}")
    t.check("completion: --method values", complete(f"{b} persist --method ")
            == ["modprobe", "systemd"])
    t.check("completion: --method=VALUE", complete(f"{b} persist --method=mo") == ["modprobe"])
    formats = complete(f"{b} export --format ")
    _, export_help, _ = t.run(["export", "--help"])
    t.check("completion: --format values, each in export --help",
            len(formats) == 6 and all(f in export_help for f in formats), repr(formats))
    # devices from a --root tree
    root = make_tree(tmp, "completion", conf=None)
    devs = complete(f"{b} --root {root} show ")
    t.check("completion: devices: PFs, VFs and netdevs of the tree",
            devs == ["0000:01:00.0", "0000:01:10.0", "0000:01:10.2", "0000:01:10.4",
                     "0000:01:10.6", "0000:02:00.0", "0000:02:00.1", "0000:02:00.2",
                     "eth0", "eth1", "eth2", "eth3", "eth4"], repr(devs))
    t.check("completion: a PCI address after ':' (bash splits the word there)",
            complete(f"{b} --root {root} enable 0000:01:1")
            == ["10.0", "10.2", "10.4", "10.6"])
    t.check("completion: PF/INDEX from the PF's VF count",
            complete(f"{b} --root {root} vf eth0/") == ["eth0/0", "eth0/1", "eth0/2",
                                                         "eth0/3", "eth0/all"])
    t.check("completion: bind DRIVER",
            complete(f"{b} --root {root} bind 0000:01:10.0 ")
            == ["default", "igb", "nvme", "vfio-pci"])
    t.check("completion: vf KEY", "spoofchk" in complete(f"{b} vf eth0/1 set mac auto "))
    t.check("completion: vf VALUE", complete(f"{b} vf eth0/1 set trust ") == ["off", "on"])
    t.check("completion: option values are not arguments",
            complete(f"{b} --root {root} enable --timeout 3 ")[:1] == ["0000:01:00.0"])
    files = os.path.join(tmp, "files")
    os.mkdir(files)
    write(files, "site.conf", "")
    t.check("completion: files for persist",
            complete(f"{b} persist {files}/si") == [os.path.join(files, "site.conf")])
    t.check("completion: --root takes a directory",
            complete(f"{b} --root {tmp}/comp") == [os.path.join(tmp, "completion")])


# ---- meson install ------------------------------------------------------------------


def meson_options():
    p = subprocess.run(["meson", "introspect", "--buildoptions", t.BUILD],
                       capture_output=True, text=True)
    return {o["name"]: o["value"] for o in json.loads(p.stdout)} if p.returncode == 0 else {}


def pkg_var(pkg, var):
    try:
        p = subprocess.run(["pkg-config", f"--variable={var}", pkg], capture_output=True,
                           text=True)
    except OSError:
        return ""
    return p.stdout.strip() if p.returncode == 0 else ""


def under(dest, prefix, d):
    return os.path.join(dest, os.path.join(prefix, d).lstrip("/"))


def test_meson_install(tmp):
    if not have("meson"):
        print("note: meson not on PATH: install not tested")
        return
    opts = meson_options()
    t.check("meson introspect gives the install directories",
            all(k in opts for k in ("prefix", "bindir", "mandir", "datadir")), repr(opts)[:200])
    if not opts:
        return
    dest = os.path.join(tmp, "destdir")
    p = subprocess.run(["meson", "install", "-C", t.BUILD, "--destdir", dest, "--no-rebuild",
                        "--quiet"], capture_output=True, text=True)
    t.check("meson install: exit 0", p.returncode == 0, p.stdout + p.stderr)
    prefix = opts["prefix"]
    binary = under(dest, prefix, os.path.join(opts["bindir"], "sriovctl"))
    t.check("installed: the binary", os.access(binary, os.X_OK), binary)
    if have("scdoc"):
        man = under(dest, prefix, os.path.join(opts["mandir"], "man1", "sriovctl.1"))
        t.check("installed: the man page", os.path.isfile(man), man)
    else:
        print("note: scdoc not installed: the man page is not built")
    unitdir = pkg_var("systemd", "systemdsystemunitdir") or os.path.join(
        prefix, "lib/systemd/system")
    unit = under(dest, prefix, os.path.join(unitdir, "sriovctl.service"))
    t.check("installed: the unit", os.path.isfile(unit), unit)
    if os.path.isfile(unit):
        with open(unit) as f:
            text = f.read()
        t.check("installed unit runs the installed binary",
                f"\nExecStart={os.path.join(prefix, opts['bindir'], 'sriovctl')} apply "
                "--device-timeout 60\n" in text, text)
    compdir = pkg_var("bash-completion", "completionsdir") or os.path.join(
        opts["datadir"], "bash-completion", "completions")
    comp = under(dest, prefix, os.path.join(compdir, "sriovctl"))
    t.check("installed: the bash completion", os.path.isfile(comp), comp)
    example = under(dest, prefix, os.path.join(opts["datadir"], "doc", "sriovctl", "examples",
                                               "sriovctl.conf"))
    t.check("installed: the example configuration", os.path.isfile(example), example)
    json_md = under(dest, prefix, os.path.join(opts["datadir"], "doc", "sriovctl", "json.md"))
    t.check("installed: docs/json.md", os.path.isfile(json_md), json_md)
    if os.path.isfile(json_md):
        with open(json_md) as f, open(os.path.join(t.SRC, "docs", "json.md")) as g:
            t.check("installed json.md is docs/json.md", f.read() == g.read())
    if os.path.isfile(example):
        root = make_tree(tmp, "example", conf=None)
        with open(example) as f:
            write(root, "etc/sriovctl.conf", f.read())
        rc, _, err = run_root(["persist", "--dry-run"], root)
        t.check("the example configuration is valid", rc == 0, err)


def main():
    if t.binary_missing():
        return 1
    tmp = tempfile.mkdtemp(prefix="sriov-persist-")
    try:
        global BINDIR
        opts = meson_options() if have("meson") else {}
        BINDIR = os.path.join(opts.get("prefix", "/usr/local"), opts.get("bindir", "bin"))
        test_bad_input(tmp)
        test_systemd_dry_run(tmp)
        test_systemd_install_remove(tmp)
        test_systemd_admin_unit(tmp)
        test_systemctl_fails(tmp)
        test_unit_verifies(tmp)
        test_modprobe(tmp)
        test_modprobe_unknown_distribution(tmp)
        test_not_root(tmp)
        test_completion(tmp)
        test_meson_install(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == "__main__":
    sys.exit(main())
