#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test that needs no GPU
# (ctest -LE gpu), then the Slurm integration test (a real single-node Slurm on localhost), then
# builds and tests again without CUDA (the stub backend users without nvcc get).
# On a machine with a GPU, run `ctest --test-dir build -L gpu` afterwards for the device tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/setup.sh"
bash "$root/tools/build.sh"
ctest --test-dir "$root/build" -LE gpu --output-on-failure -j "$(nproc)"
if [ "$(id -u)" -eq 0 ]; then
  bash "$root/tools/slurm-test.sh" "$root/build"
else
  echo "slurm-test: skipped (it starts munged and the Slurm daemons, which needs root)"
fi
if command -v nvcc > /dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  LEOSEM_CUDA=OFF LEOSEM_BUILD_DIR="$root/build-nocuda" bash "$root/tools/build.sh" > "$root/build-nocuda.log" 2>&1 ||
    { cat "$root/build-nocuda.log"; exit 1; }
  ctest --test-dir "$root/build-nocuda" -LE gpu --output-on-failure -j "$(nproc)"
fi
