#!/usr/bin/env bash
# Fuzzes the configuration parsers (scenario and sweep TOML, validation, size limits) and the
# TOML parser itself (toml++, compiled into the sanitizer build with coverage) with libFuzzer for
# SECONDS (default 60), starting from the committed corpus tests/fuzz/corpus/.
# Needs the sanitizer build that tools/test.sh makes (build-sanitize/; docs/testing.md):
#   CC=clang CXX=clang++ LEOSEM_CUDA=OFF LEOSEM_BUILD_DIR=build-sanitize bash tools/build.sh \
#     -DCMAKE_BUILD_TYPE=Sanitize -DLEOSEM_SANITIZE=ON -DLEOSEM_FUZZ=ON
# A crash, a sanitizer report, an exception other than ConfigError, or an input taking more than
# 10 s (a hang) ends the run with exit 1; an input taking more than 2 s is reported as slow.
# Each such input is copied into tests/fuzz/corpus/ as finding-KIND-SHA1 and printed: fix the
# bug and commit the input with the fix (test_fuzz_corpus then replays it in every build).
# The inputs that widened coverage are thrown away, unless NEW_DIR is given: they are kept there.
# LEOSEM_FUZZ_SEED=S and LEOSEM_FUZZ_RUNS=N make runs nearly repeatable: libFuzzer's random seed S
# and at most N inputs (SECONDS still bounds it). CI uses them (tools/test.sh), so that every run of
# a commit tries nearly the same inputs (not exactly: libFuzzer also learns from compared values,
# some of them addresses); without them each run explores anew, as long runs by hand should.
# Usage: bash tools/fuzz.sh [SECONDS] [BUILD_DIR] [NEW_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
build="${2:-$root/build-sanitize}"
fuzzer="$build/tests/fuzz_config"
corpus="$root/tests/fuzz/corpus"
if [ ! -x "$fuzzer" ]; then
  echo "fuzz: $fuzzer is not built (configure with -DLEOSEM_FUZZ=ON; see the top of this script)" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/findings" "$work/tmp"
new="${3:-$work/new}"
mkdir -p "$new"

# A dictionary of the words the parsers look for: the default scenario's sections and keys, and
# the sweep file's keys (so the fuzzer need not guess them a letter at a time).
{
  grep -oE '^\[[a-z_]+\]' "$root/sweeps/scenarios/default.toml"
  grep -oE '^[a-z_]+ *=' "$root/sweeps/scenarios/default.toml" | sed -E 's/ *=$//'
  printf '%s\n' '[[axis]]' scenario instances algorithms seed name independent_points field values range \
    start stop step value jcrra greedy-jscc greedy-jpeg exact base.toml
} | sort -u | sed 's/.*/"&"/' > "$work/config.dict"

repeatable=()
[ -n "${LEOSEM_FUZZ_SEED:-}" ] && repeatable+=(-seed="$LEOSEM_FUZZ_SEED")
[ -n "${LEOSEM_FUZZ_RUNS:-}" ] && repeatable+=(-runs="$LEOSEM_FUZZ_RUNS")
rc=0
started=$SECONDS
# New inputs that widen coverage go to $new, not into the committed corpus.
TMPDIR="$work/tmp" "$fuzzer" -max_total_time="$seconds" -timeout=10 -report_slow_units=2 -rss_limit_mb=4096 \
  -max_len=8192 -dict="$work/config.dict" -artifact_prefix="$work/findings/" -print_final_stats=1 "${repeatable[@]}" \
  "$new" "$corpus" > "$work/log.txt" 2>&1 || rc=$?
elapsed=$((SECONDS - started))  # less than SECONDS when a finding stopped the run

fuzzer_stat() { sed -n "s/^stat::$1: *//p" "$work/log.txt" | tail -1; }
count() { find "$work/findings" -name "$1" | wc -l; }
inputs="$(fuzzer_stat number_of_executed_units)"
crashes="$(( $(count 'crash-*') + $(count 'leak-*') + $(count 'oom-*') ))"
hangs="$(count 'timeout-*')"
slow="$(count 'slow-unit-*')"
# Coverage at the end: libFuzzer's last status line; cov counts the instrumented edges reached,
# ft the features (edges with hit-count buckets and comparisons) that the corpus holds.
coverage="$(grep -E '^#[0-9]+.* cov: ' "$work/log.txt" | tail -1 | grep -oE '(cov|ft): [0-9]+' | paste -sd, - || true)"
for finding in "$work"/findings/*; do
  [ -f "$finding" ] || continue
  kind="$(basename "$finding" | sed -E 's/-[0-9a-f]+$//')"
  name="finding-$kind-$(sha1sum "$finding" | cut -c1-12)"
  cp "$finding" "$corpus/$name"
  echo "fuzz: $kind input, copied to tests/fuzz/corpus/$name; it reads (escaped):"
  head -c 2000 "$finding" | od -An -c | head -40
done
if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]; then crashes=1; fi  # died without an artifact
kept="not kept"; [ -n "${3:-}" ] && kept="kept in $new"
echo "fuzz: ${inputs:-?} inputs tried in $elapsed s, $crashes crashes, $hangs hangs (over 10 s), $slow slow (over 2 s);" \
  "${coverage:-cov: ?}; $(find "$new" -type f | wc -l) new inputs widened coverage ($kept)"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ] || [ "$hangs" -ne 0 ]; then
  tail -n 60 "$work/log.txt"
  echo "fuzz: FAILED (exit $rc): reproduce with $fuzzer tests/fuzz/corpus/FINDING" >&2
  exit 1
fi
