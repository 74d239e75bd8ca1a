#!/usr/bin/env bash
# The device check, in one go (under 5 minutes on an H200): the gpu-labelled tests, a parity
# sweep run with --backend cpu and --backend cuda, and the sweep benchmark; prints one table.
# Runs on a GPU machine that has the CUDA 13 driver, nvcc and cmake but none of our Debian
# libraries, from a build packed here (it packs nothing itself):
#   here:    bash tools/build.sh -DCMAKE_CUDA_ARCHITECTURES=90
#            bash ../shared/tools/device-pack.sh build .device     (or /work/shared/tools/...)
#   there:   bash tools/gpu-check.sh [.device]                      (from the project root)
# Exit status 0 when every check passed. For a quick try of the script itself (e.g. without a
# device): GPU_CHECK_INSTANCES=50 GPU_CHECK_BENCH_ARGS="--batches 64 --cpu-instances 32".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pack="${1:-$root/.device}"
[ -f "$pack/env.sh" ] || { echo "gpu-check: no packed build in '$pack' (see the comment at the top)" >&2; exit 2; }
# shellcheck disable=SC1091
source "$pack/env.sh"
bin="$pack/bin"
export LEOSEM_DATA_DIR="$root/results/data"  # the build-time path of the committed tables does not exist here
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rows=()
failed=0
row() { rows+=("| $1 | $2 | $3 |"); [ "$2" = "pass" ] || [ "$2" = "info" ] || failed=1; }
timed() {  # name command...: runs, records pass/fail and seconds, keeps the log
  local name="$1"; shift
  local start=$SECONDS
  if "$@" > "$work/$name.log" 2>&1; then row "$name" pass "$((SECONDS - start)) s"
  else row "$name" FAIL "$((SECONDS - start)) s (log below)"; echo "---- $name ----"; tail -40 "$work/$name.log"; fi
}

row "device" info "$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
timed leosem-info "$bin/leosem" info
row "leosem info" info "$(grep -E '^CUDA device 0' "$work/leosem-info.log" | head -1)"

# 1. The gpu-labelled tests (every tests/gpu/ executable).
for test in "$bin"/gpu_test_*; do
  [ -x "$test" ] || continue
  timed "$(basename "$test")" timeout 180 "$test" --gtest_brief=1
done

# 2. The parity sweep: the same sweep on both backends; the results are compared bit for bit by
#    gpu_test_sweep_batch_gpu (SweepRunGpu); here the summaries, through the CLI, must be equal.
cat > "$work/base.toml" <<'TOML'
[users]
count = 3
deadline_mean_slots = 15
ssim_mean = 0.85
[radio]
subchannels = 3
[time]
slots = 40
TOML
instances="${GPU_CHECK_INSTANCES:-4000}"
cat > "$work/parity.toml" <<TOML
name = "gpu-check-parity"
scenario = "base.toml"
instances = ${instances}
algorithms = ["jcrra", "greedy-jscc", "greedy-jpeg", "mcf"]
seed = 3
[[axis]]
field = "users.ssim_mean"
values = [0.75, 0.85]
TOML
timed sweep-cpu "$bin/leosem" run "$work/parity.toml" --out "$work/cpu.h5" --backend cpu
timed sweep-cuda "$bin/leosem" run "$work/parity.toml" --out "$work/cuda.h5" --backend cuda --max-chunk 2048
if "$bin/leosem" report "$work/cpu.h5" --csv > "$work/cpu.csv" 2>&1 &&
   "$bin/leosem" report "$work/cuda.h5" --csv > "$work/cuda.csv" 2>&1 && cmp -s "$work/cpu.csv" "$work/cuda.csv"; then
  row "parity sweep: summaries equal" pass "2 x $instances instances, 4 algorithms"
else
  row "parity sweep: summaries equal" FAIL "see diff below"; diff "$work/cpu.csv" "$work/cuda.csv" | head -20
fi
if command -v h5diff > /dev/null; then
  if h5diff "$work/cpu.h5" "$work/cuda.h5" /power_w /power_w > /dev/null && h5diff "$work/cpu.h5" "$work/cuda.h5" /status /status > /dev/null; then
    row "parity sweep: h5diff /power_w /status" pass ""
  else
    row "parity sweep: h5diff /power_w /status" FAIL ""
  fi
fi
row "cuda sweep rate" info "$(grep -o 'in [0-9.]* s' "$work/sweep-cuda.log" | tail -1) (cpu: $(grep -o 'in [0-9.]* s' "$work/sweep-cpu.log" | tail -1))"

# 3. The benchmark (JCRRA up to 16k instances: 64k would take minutes).
# shellcheck disable=SC2086
timed bench_sweep timeout 240 "$bin/bench_sweep" ${GPU_CHECK_BENCH_ARGS:---batches 2048,16384,65536 --jcrra-max-batch 16384 --cpu-instances 1024}

echo
echo "| check | result | detail |"
echo "|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "bench_sweep:"
grep -E '^\||^  ' "$work/bench_sweep.log"
exit "$failed"
