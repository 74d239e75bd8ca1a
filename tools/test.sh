#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test that needs no GPU.
# On a machine with a GPU, run `ctest --test-dir build -L gpu` afterwards for the device tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/setup.sh"
bash "$root/tools/build.sh"
ctest --test-dir "$root/build" -LE gpu --output-on-failure -j "$(nproc)"
