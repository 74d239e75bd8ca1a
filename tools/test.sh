#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test that needs no GPU
# (ctest -LE gpu; among them tsan.*, JCRRA's team code on real threads under ThreadSanitizer,
# built by the normal build as tsan_test_team_threads), then the Slurm integration test (a real
# single-node Slurm on localhost), then builds everything again with clang, without CUDA (the stub backend users without nvcc get) and
# with AddressSanitizer + UndefinedBehaviorSanitizer (halting at the first report), runs the same
# tests there, and fuzzes the configuration parsers and the TOML parser: 100 000 inputs from the
# fixed seed 1 (LEOSEM_FUZZ_RUNS, LEOSEM_FUZZ_SEED), at most LEOSEM_FUZZ_SECONDS (default 120) (docs/testing.md).
# On a machine with a GPU, run `ctest --test-dir build -L gpu` afterwards for the device tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/setup.sh"
# Every architecture, even on a machine with a GPU (where a plain build picks `native`): the test
# command is what keeps the device code compiling for all of them.
bash "$root/tools/build.sh" -DCMAKE_CUDA_ARCHITECTURES="${LEOSEM_TEST_CUDA_ARCHITECTURES:-75;80;86;89;90}"
ctest --test-dir "$root/build" -LE gpu --output-on-failure -j "$(nproc)"
if [ "$(id -u)" -eq 0 ]; then
  bash "$root/tools/slurm-test.sh" "$root/build"
else
  echo "slurm-test: skipped (it starts munged and the Slurm daemons, which needs root)"
fi
started=$SECONDS
CC=clang-14 CXX=clang++-14 LEOSEM_CUDA=OFF LEOSEM_BUILD_DIR="$root/build-sanitize" bash "$root/tools/build.sh" \
  -DCMAKE_BUILD_TYPE=Sanitize -DLEOSEM_SANITIZE=ON -DLEOSEM_FUZZ=ON > "$root/build-sanitize.log" 2>&1 ||
  { cat "$root/build-sanitize.log"; exit 1; }
built=$SECONDS
ctest --test-dir "$root/build-sanitize" -LE gpu --output-on-failure -j "$(nproc)"
tested=$SECONDS
# Seeded and bounded in inputs (tools/fuzz.sh), so that a commit's verdict does not hang on which
# random inputs this run happened to try: exploring is for long runs by hand (docs/testing.md).
LEOSEM_FUZZ_SEED="${LEOSEM_FUZZ_SEED:-1}" LEOSEM_FUZZ_RUNS="${LEOSEM_FUZZ_RUNS:-100000}" \
  bash "$root/tools/fuzz.sh" "${LEOSEM_FUZZ_SECONDS:-120}" "$root/build-sanitize"
echo "test.sh: sanitizer build $((built - started)) s, its tests $((tested - built)) s, fuzzing $((SECONDS - tested)) s"
