#!/usr/bin/env bash
# The device check, in one go, inside one deadline: the gpu-labelled tests, a parity sweep run with
# --backend cpu and --backend cuda compared by `leosem compare`, compute-sanitizer (memcheck,
# racecheck, synccheck) on a small cuda sweep, and the benchmarks.
#   bash tools/gpu-check.sh [--quick] [--deadline SECONDS] [DIR]
# DIR: a pack made by device-pack.sh (bin/ and env.sh) or a build folder; default .device when it
# exists, else build. --deadline (or GPU_CHECK_DEADLINE_S): the whole check's wall-clock budget in
# seconds, default 420 (the device tool allows 600 s a command); every step runs under `timeout`
# with what is left, steps that no longer fit are marked "skipped (deadline)". --quick: few
# instances and short benchmarks (about a minute on a GPU, estimated).
# Each row of the table is printed as it completes; with OUT set (the device tool's folder that
# comes back), rows are appended to $OUT/gpu-check.md and every step's log to $OUT/gpu-check.log as
# they finish, so a check killed at its limit still leaves what it did. Exit 0 when every check
# passed; 1 when one failed; 2 when there is no usable device (named), quickly.
# Pack on the build machine (an sm_90 build for the H100/H200; -lineinfo is in the CUDA flags):
#   bash tools/build.sh -DCMAKE_CUDA_ARCHITECTURES=90
#   bash ../shared/tools/device-pack.sh build .device && rm -f .device/bin/test_*
# (the host tests are not run there: the pack keeps leosem, gpu_test_* and bench_*, 44 MiB
# measured 2026-12-07, docs/testing.md#the-device-check). There, from the project root:
#   OUT=$OUT bash tools/gpu-check.sh .device
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
quick=0
deadline_s="${GPU_CHECK_DEADLINE_S:-420}"
dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --deadline) deadline_s="${2:?--deadline needs seconds}"; shift ;;
    --deadline=*) deadline_s="${1#--deadline=}" ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "gpu-check: unknown option $1" >&2; exit 2 ;;
    *) dir="$1" ;;
  esac
  shift
done
[[ "$deadline_s" =~ ^[0-9]+$ ]] && [ "$deadline_s" -ge 10 ] ||
  { echo "gpu-check: the deadline must be a whole number of seconds >= 10 (got '$deadline_s')" >&2; exit 2; }
end=$((SECONDS + deadline_s))
if [ -z "$dir" ]; then
  if [ -f "$root/.device/env.sh" ]; then dir="$root/.device"; else dir="$root/build"; fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
  table="$OUT/gpu-check.md"
  log="$OUT/gpu-check.log"
else
  table="$work/gpu-check.md"
  log="$work/gpu-check.log"
fi
: > "$table"
: > "$log"
failed=0
emit() { echo "$1" | tee -a "$table"; }
header=0
row() {  # check result detail
  if [ "$header" -eq 1 ]; then emit ""; emit "| check | result | detail |"; emit "|---|---|---|"; header=0; fi
  emit "| $1 | $2 | $3 |"
  case "$2" in pass|info|skipped*) ;; *) failed=1 ;; esac
}
left() { echo $((end - SECONDS)); }
# step NAME CAP_S COMMAND...: runs COMMAND under timeout (its cap or what is left of the deadline,
# less 5 s for the table), records pass/FAIL and seconds, appends its log. Returns its status.
step() {
  local name="$1" cap="$2"; shift 2
  local budget=$(( $(left) - 5 ))
  [ "$budget" -lt "$cap" ] || budget="$cap"
  if [ "$budget" -lt 5 ]; then row "$name" "skipped (deadline)" "$(left) s left of ${deadline_s} s"; return 124; fi
  local start=$SECONDS status=0
  timeout --kill-after=5 "$budget" "$@" > "$work/step.log" 2>&1 || status=$?
  { echo "==== $name (status $status, $((SECONDS - start)) s): $*"; cat "$work/step.log"; echo; } >> "$log"
  cp "$work/step.log" "$work/$name.log"
  if [ "$status" -eq 0 ]; then row "$name" pass "$((SECONDS - start)) s"
  elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then row "$name" "FAIL (timeout)" "stopped after ${budget} s"
  else
    # the last line naming an error (a sanitizer's summary of 0 errors is none), else the last line
    local why
    why="$(grep -a -i -E 'error|fail|abort|what\(\)' "$work/step.log" | grep -v -E 'SUMMARY: 0 ' | tail -1)"
    [ -n "$why" ] || why="$(grep -a -v '^\s*$' "$work/step.log" | tail -1)"
    row "$name" FAIL "status $status after $((SECONDS - start)) s: $(echo "$why" | tr '|' '/' | cut -c1-160)"
  fi
  return "$status"
}

emit "gpu-check: $(date -u +%FT%TZ), DIR $dir, deadline ${deadline_s} s$([ "$quick" -eq 1 ] && echo ", --quick")"
emit ""
emit "| check | result | detail |"
emit "|---|---|---|"

# The build: a pack (bin/ and env.sh, which unpacks its libraries) or a build folder.
if [ -f "$dir/env.sh" ] && [ -d "$dir/bin" ]; then
  # shellcheck disable=SC1091
  source "$dir/env.sh"
  bin="$dir/bin"; tests="$dir/bin"
elif [ -x "$dir/leosem" ]; then
  export PATH="$PATH:/usr/local/cuda/bin"
  bin="$dir"; tests="$dir/tests"
else
  row "build" FAIL "'$dir' is neither a pack (env.sh, bin/) nor a build folder (leosem)"
  exit 2
fi
leosem="$bin/leosem"
export LEOSEM_DATA_DIR="$root/results/data"  # a pack's build-time data path does not exist there

# The device first: without one, say so and stop quickly (the host-side steps below that need
# none still run, so the check itself is exercised).
device=""
if ! command -v nvidia-smi > /dev/null; then reason="no NVIDIA driver: nvidia-smi is not installed"
elif ! device="$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)" ||
     [ -z "$device" ] || ! timeout 20 nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
  reason="nvidia-smi lists no GPU (${device:-no output})"; device=""
fi
if [ -n "$device" ]; then row "device" info "$device"; else row "device" "FAIL (no device)" "no CUDA device: $reason"; fi
step leosem-info 20 "$leosem" info
row "leosem info" info "$(grep -E '^(backends|CUDA device)' "$work/leosem-info.log" 2>/dev/null | paste -s -d ';' | sed 's/;/; /g')"
if [ -n "$device" ] && ! grep -q '^CUDA device 0' "$work/leosem-info.log" 2>/dev/null; then
  row "leosem sees the device" FAIL "nvidia-smi lists $device but leosem info does not (built without CUDA, or the driver is too old)"
  device=""
fi

# The parity sweep: the small scenario, four algorithms, two points (without a device, a few
# instances: only the check's own plumbing is tried).
if [ -z "$device" ]; then instances=10
elif [ "$quick" -eq 1 ]; then instances="${GPU_CHECK_INSTANCES:-200}"
else instances="${GPU_CHECK_INSTANCES:-4000}"; fi
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
step sweep-cpu 120 "$leosem" run "$work/parity.toml" --out "$work/cpu.h5" --backend cpu

if [ -z "$device" ]; then
  # leosem compare on the cpu file against itself: the parity step's plumbing, tried here.
  [ -f "$work/cpu.h5" ] && step compare-self-check 20 "$leosem" compare "$work/cpu.h5" "$work/cpu.h5"
  for skipped in gpu-tests sweep-cuda parity memcheck racecheck synccheck benchmarks; do
    row "$skipped" "skipped (no device)" ""
  done
  emit ""
  emit "gpu-check: no CUDA device ($reason): nothing was checked on a GPU; exit 2 after $SECONDS s"
  exit 2
fi

# 1. The gpu-labelled tests (every tests/gpu/ executable).
for test in "$tests"/gpu_test_*; do
  [ -x "$test" ] || continue
  step "$(basename "$test")" "$([ "$quick" -eq 1 ] && echo 60 || echo 150)" "$test" --gtest_brief=1
done

# 2. Parity: the same sweep on both backends, compared per instance by leosem compare: statuses,
#    iterations and done flags identical, powers within 1e-6 dB (docs/sweeps.md: the device's
#    math library may differ from the host's in the last bit).
step sweep-cuda 120 "$leosem" run "$work/parity.toml" --out "$work/cuda.h5" --backend cuda --max-chunk 2048
if [ -f "$work/cpu.h5" ] && [ -f "$work/cuda.h5" ]; then
  step parity 30 "$leosem" compare "$work/cpu.h5" "$work/cuda.h5" --atol-db 1e-6
  row "parity detail" info "$(grep -E '^(EQUAL|DIFFERENT)' "$work/parity.log" | head -1 | cut -c1-200)"
  exact=0; "$leosem" compare "$work/cpu.h5" "$work/cuda.h5" > /dev/null 2>&1 && exact=1
  row "parity bit-identical" info "$([ "$exact" -eq 1 ] && echo yes || echo no): 2 x $instances instances, 4 algorithms"
  row "sweep rates" info "cuda $(grep -o 'in [0-9.e+-]* s' "$work/sweep-cuda.log" | tail -1), cpu $(grep -o 'in [0-9.e+-]* s' "$work/sweep-cpu.log" | tail -1)"
else
  row parity FAIL "a sweep file is missing (see the sweep rows)"
fi

# 3. compute-sanitizer on a small cuda sweep (the channel, quality, Greedy and JCRRA block kernels):
#    errors make it exit non-zero.
if command -v compute-sanitizer > /dev/null; then
  sed -e "s/^instances = .*/instances = $([ "$quick" -eq 1 ] && echo 4 || echo 16)/" \
      -e 's/^algorithms = .*/algorithms = ["jcrra", "greedy-jscc", "greedy-jpeg"]/' \
      -e 's/^values = .*/values = [0.85]/' "$work/parity.toml" > "$work/small.toml"
  for tool in memcheck racecheck synccheck; do
    rm -f "$work/$tool.h5"
    step "$tool" 120 compute-sanitizer --tool "$tool" --error-exitcode 99 \
      "$leosem" run "$work/small.toml" --out "$work/$tool.h5" --backend cuda --max-chunk 16
    row "$tool summary" info "$(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$work/$tool.log" | tail -1)"
  done
else
  row "compute-sanitizer" FAIL "not found (PATH has /usr/local/cuda/bin?)"
fi

# 4. The benchmarks (last: what the deadline cuts first).
if [ "$quick" -eq 1 ]; then
  bench_sweep_args=(--batches 1024 --jcrra-max-batch 1024 --cpu-instances 64); block=(256 16); precision=512
else
  # shellcheck disable=SC2054  # the batches are one comma-separated argument
  bench_sweep_args=(--batches 2048,16384,65536 --jcrra-max-batch 16384 --cpu-instances 1024); block=(4096 32); precision=10000
fi
bench() {  # name cap args...: a benchmark, its table appended as soon as it finishes
  local name="$1" cap="$2"; shift 2
  [ -x "$bin/$name" ] || { row "$name" "skipped" "not in $bin"; return; }
  step "$name" "$cap" "$bin/$name" "$@" || return
  emit ""
  emit "$name:"
  grep -E '^\||^  |^JCRRA|^\(' "$work/$name.log" | tee -a "$table"
  header=1  # the next row starts the table again
}
bench bench_sweep 180 "${bench_sweep_args[@]}"
bench bench_jcrra_block 120 "${block[@]}"
bench bench_jcrra_precision 180 --instances "$precision" --backend cuda
emit ""
emit "gpu-check: $([ "$failed" -eq 0 ] && echo "every check passed" || echo "FAILED (logs: ${OUT:+$OUT/}gpu-check.log)") in $SECONDS s"
exit "$failed"
