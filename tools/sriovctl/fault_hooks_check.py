#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks whether a binary has the test-only fault hooks compiled in.

    fault_hooks_check.py absent|present BINARY [STAMP]

'absent' (a build without -Dfault_hooks=true, as every release build):
exit 1 when BINARY contains the string SRIOVCTL_FAULT_, i.e. a hook made
it in. 'present' (a build with the option): exit 1 when it does not, so
that the check itself is seen to work. STAMP, when given, is written on
success (meson runs it as a build step of release builds).
"""
import sys

HOOKS = (b"SRIOVCTL_FAULT_KILL_STEP", b"SRIOVCTL_FAULT_BLOCK_WRITE")


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("absent", "present"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    want, binary = sys.argv[1], sys.argv[2]
    with open(binary, "rb") as f:
        data = f.read()
    found = [h.decode() for h in HOOKS if h in data]
    if want == "absent" and found:
        print(f"{binary}: has the test-only fault hooks {', '.join(found)}: "
              "build without -Dfault_hooks=true", file=sys.stderr)
        return 1
    if want == "present" and len(found) != len(HOOKS):
        missing = [h.decode() for h in HOOKS if h.decode() not in found]
        print(f"{binary}: built with -Dfault_hooks=true but lacks {', '.join(missing)}",
              file=sys.stderr)
        return 1
    if len(sys.argv) == 4:
        with open(sys.argv[3], "w") as f:
            f.write(f"{want}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
