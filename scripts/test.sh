#!/bin/bash
# Set up and pass the tests: installs the dependencies (root, apt-get),
# builds the dev configuration (-Wall -Wextra -Werror, ASan + UBSan), runs
# the unit, CLI and bad-input suites, valgrind, every fuzz target for
# SRIOV_FUZZ_SECONDS (30) with clang's libFuzzer, then the real-kernel suite
# in the QEMU guest, and prints the hardening figures (scripts/figures.py).
#   SRIOV_SKIP_DEPS=1  do not run apt-get (dependencies already installed)
#   SRIOV_SKIP_VM=1    skip the QEMU suite (say so loudly; CI never sets it)
set -euo pipefail

top="$(cd "$(dirname "$0")/.." && pwd)"
cd "$top"

if [ "${SRIOV_SKIP_DEPS:-0}" != 1 ]; then
	"$top/scripts/deps.sh"
fi

echo "== build (dev: -Werror, ASan, UBSan)"
if [ ! -f build-dev/build.ninja ]; then
	meson setup build-dev --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined -Dfault_hooks=true
fi
ninja -C build-dev

echo "== unit and CLI tests"
meson test -C build-dev --print-errorlogs --num-processes 2

echo "== valgrind: main commands on a recorded tree"
"$top/tests/valgrind.sh" "$top"

echo "== fuzzing: every parser for ${SRIOV_FUZZ_SECONDS:-30} s (libFuzzer)"
"$top/scripts/fuzz.sh" "${SRIOV_FUZZ_SECONDS:-30}"

if [ "${SRIOV_SKIP_VM:-0}" = 1 ]; then
	echo "== real-kernel tests SKIPPED (SRIOV_SKIP_VM=1)"
	exit 0
fi
echo "== real-kernel tests (QEMU guest)"
"$top/tests/vm/run-tests.sh"

echo "== figures"
python3 "$top/scripts/figures.py"
