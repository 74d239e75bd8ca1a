#!/usr/bin/env bash
# Fuzzes with two sanitizer builds' fuzz_config side by side (tools/fuzz.sh in both at once, the
# same seconds, the same starting corpus, one core each) and prints one table: inputs tried,
# findings, libFuzzer's final cov and ft (each build counting its own instrumented edges, so these
# differ in meaning), the new inputs kept, and the coverage of each run's final corpus (committed
# corpus + new inputs) replayed through each build, so that a row compares with a row.
# Used to show what instrumenting toml++ buys (docs/testing.md#fuzzing):
#   git archive main | tar -x -C /tmp/main && (build it as tools/fuzz.sh says, into /tmp/main/build-sanitize)
#   nice bash tools/fuzz-compare.sh 300 /tmp/main/build-sanitize build-sanitize
# Findings are copied into tests/fuzz/corpus/ as tools/fuzz.sh does.
# Usage: bash tools/fuzz-compare.sh SECONDS BUILD_A BUILD_B
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$#" -ne 3 ]; then
  echo "usage: bash tools/fuzz-compare.sh SECONDS BUILD_A BUILD_B" >&2
  exit 2
fi
seconds="$1"
builds=("$(cd "$2" && pwd)" "$(cd "$3" && pwd)")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pids=()
for i in 0 1; do
  bash "$root/tools/fuzz.sh" "$seconds" "${builds[$i]}" "$work/new$i" > "$work/fuzz$i.log" 2>&1 &
  pids+=("$!")
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

# The coverage of a corpus as a build's fuzz_config sees it: its "INITED cov: C ft: F" after
# loading every input once (-runs=0).
replayed() {
  mkdir -p "$work/tmp" "$work/replay-findings"
  TMPDIR="$work/tmp" "$1/tests/fuzz_config" -runs=0 -artifact_prefix="$work/replay-findings/" "$2" \
    "$root/tests/fuzz/corpus" 2>&1 |
    sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' | tail -1
}

# A number from tools/fuzz.sh's summary line ("fuzz: N inputs tried in S s, C crashes, ...").
summary_field() { grep '^fuzz: ' "$2" | tail -1 | sed -n "s/.*$1.*/\\1/p"; }
printf '%-44s %10s %8s %8s %6s %6s %8s %8s %6s %15s %15s\n' build inputs inputs/s crashes hangs slow cov ft new \
  "replay A cov/ft" "replay B cov/ft"
for i in 0 1; do
  log="$work/fuzz$i.log"
  inputs="$(summary_field 'fuzz: \([0-9]*\) inputs' "$log")"
  read -r a_cov a_ft <<< "$(replayed "${builds[0]}" "$work/new$i")"
  read -r b_cov b_ft <<< "$(replayed "${builds[1]}" "$work/new$i")"
  printf '%-44s %10s %8s %8s %6s %6s %8s %8s %6s %15s %15s\n' "$(basename "$(dirname "${builds[$i]}")")/$(basename "${builds[$i]}")" \
    "${inputs:-?}" "$(( ${inputs:-0} / seconds ))" \
    "$(summary_field ', \([0-9]*\) crashes' "$log")" "$(summary_field ', \([0-9]*\) hangs' "$log")" \
    "$(summary_field ', \([0-9]*\) slow' "$log")" "$(summary_field 'cov: \([0-9]*\)' "$log")" \
    "$(summary_field 'ft: \([0-9]*\)' "$log")" "$(find "$work/new$i" -type f | wc -l)" \
    "${a_cov:-?}/${a_ft:-?}" "${b_cov:-?}/${b_ft:-?}"
done
for i in 0 1; do
  if ! grep -q '^fuzz: .* 0 crashes, 0 hangs' "$work/fuzz$i.log"; then
    echo "--- ${builds[$i]}: tools/fuzz.sh reported findings or failed:"
    tail -n 40 "$work/fuzz$i.log"
  fi
done
exit "$status"
