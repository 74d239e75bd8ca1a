#!/usr/bin/env bash
# `leosem run --target-ci DB` (adaptive Monte Carlo) through the CLI: the file records each point's
# instances, stop reason and half-widths; a run killed mid-way and resumed gives a file identical
# (h5diff, every dataset) to an uninterrupted one; two runs agree;
# bad values, --shard and merging are refused with exit 3 and no output; --help explains it.
set -euo pipefail
leosem="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same_data() {  # every dataset equal (root attributes such as device may differ)
  local d
  for d in $(h5ls "$1" | awk '{ print $1 }'); do
    h5diff -q "$1" "$2" "/$d" "/$d" || fail "/$d differs between $1 and $2"
  done
  [ "$(h5ls "$1" | awk '{ print $1 }')" = "$(h5ls "$2" | awk '{ print $1 }')" ] || fail "$1 and $2 hold other datasets"
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/small_scenario.sh"
write_small_scenario "$work/base.toml"
write_ssim_sweep "$work/s.toml" adaptive 200

expect_exit 0 run "$work/s.toml" --out "$work/a.h5" --target-ci 0.4 --block-instances 20 --threads 1
grep -q "point 0 stopped after" "$work/err.txt" || fail "no stop line in the log: $(cat "$work/err.txt")"
expect_exit 0 report "$work/a.h5"
grep -q "2 points x up to 200 instances" "$work/out.txt" || fail "report header: $(cat "$work/out.txt")"
grep -q -E "stopped" "$work/out.txt" || fail "report lacks the stop column: $(cat "$work/out.txt")"
expect_exit 0 report "$work/a.h5" --csv
head -1 "$work/out.txt" | grep -q ",ci95_half_width_db,stop_reason$" || fail "csv header: $(head -1 "$work/out.txt")"
# Every point stopped at a multiple of 20 (or the cap) and says why; instances = instances_used.
tail -n +2 "$work/out.txt" | while IFS=, read -r algorithm ssim n served fraction mean low high half reason; do
  [ $((n % 20)) -eq 0 ] && [ "$n" -le 200 ] || fail "row $algorithm $ssim: $n instances"
  case "$reason" in
    target) awk -v h="$half" 'BEGIN { exit !(h <= 0.4) }' || fail "row $algorithm $ssim: target reached at +-$half dB" ;;
    cap) [ "$n" -eq 200 ] || fail "row $algorithm $ssim: cap reason at $n" ;;
    *) fail "row $algorithm $ssim: reason '$reason'" ;;
  esac
done
h5dump -a /target_ci_db "$work/a.h5" | grep -q "(0): 0.4" || fail "target_ci_db not recorded"
h5dump -a /stop_reason/flag_meanings "$work/a.h5" | grep -q "running target_reached cap_reached" ||
  fail "stop_reason flags not described"
"$leosem" verify "$work/a.h5" > /dev/null || fail "verify"

# Deterministic: the same again (other thread count, other write block).
expect_exit 0 run "$work/s.toml" --out "$work/b.h5" --target-ci 0.4 --block-instances 20 --threads 2 --block 7
same_data "$work/a.h5" "$work/b.h5"

# Killed (as by SIGKILL) after 1, 4 and 9 write blocks, then resumed: identical to the whole run.
for k in 1 4 9; do
  if "$leosem" run "$work/s.toml" --out "$work/k$k.h5" --target-ci 0.4 --block-instances 20 --block 8 \
       --abort-after-blocks "$k" 2> /dev/null; then fail "the aborted run exited 0"; fi
  [ -f "$work/k$k.h5.partial" ] || fail "no .partial after $k blocks"
  expect_exit 0 report "$work/k$k.h5.partial"
  grep -q PARTIAL "$work/out.txt" || fail "partial report: $(cat "$work/out.txt")"
  expect_exit 0 run "$work/s.toml" --out "$work/k$k.h5" --target-ci 0.4 --block-instances 20 --block 8 --resume
  same_data "$work/a.h5" "$work/k$k.h5"
done

# The target in the sweep file is the same run (the configuration text differs, the data not).
sed 's/^seed = 4/seed = 4\ntarget_ci_db = 0.4\nblock_instances = 20/' "$work/s.toml" > "$work/t.toml"
expect_exit 0 run "$work/t.toml" --out "$work/t.h5"
same_data "$work/a.h5" "$work/t.h5"

# (That the first n instances are a fixed run's is checked by test_sweep_engine, AdaptiveRun.)

# Paired stopping: the rule and its pair are recorded, the report prints the paired difference;
# a tighter-than-the-means target (the pair's interval is the narrower) stops no later.
expect_exit 0 run "$work/s.toml" --out "$work/p.h5" --target-ci 0.4 --block-instances 20 \
  --target-ci-paired greedy-jpeg,greedy-jscc
grep -q "paired greedy-jpeg - greedy-jscc" "$work/err.txt" || fail "no paired stop line: $(cat "$work/err.txt")"
h5dump -a /target_ci_paired "$work/p.h5" | grep -q '"greedy-jpeg"' || fail "target_ci_paired not recorded"
expect_exit 0 report "$work/p.h5"
grep -q "adaptive, paired" "$work/out.txt" || fail "paired report header: $(cat "$work/out.txt")"
grep -q "paired difference greedy-jpeg - greedy-jscc" "$work/out.txt" || fail "paired table: $(cat "$work/out.txt")"
expect_exit 3 compare "$work/a.h5" "$work/p.h5"
grep -q "adaptive settings differ.*paired" "$work/err.txt" || fail "compare: $(cat "$work/err.txt")"
"$leosem" verify "$work/p.h5" > /dev/null || fail "verify paired"

# Bad values: invalid input (3), the option named, no output.
bad() {  # expected text, arguments...
  local text="$1"
  shift
  expect_exit 3 run "$work/s.toml" --out "$work/bad.h5" "$@"
  grep -q -- "$text" "$work/err.txt" || fail "$*: message lacks '$text': $(cat "$work/err.txt")"
  [ ! -e "$work/bad.h5" ] && [ ! -e "$work/bad.h5.partial" ] || fail "$* left an output file"
}
bad "'--target-ci' = 0" --target-ci 0
bad "'--target-ci' = -0.2" --target-ci=-0.2
bad "'--target-ci' = nan" --target-ci nan
bad "'--block-instances' = 0" --target-ci 0.4 --block-instances 0
bad "more than instances = 200" --target-ci 0.4 --block-instances 201
bad "more than --instances = 10" --target-ci 0.4 --block-instances 20 --instances 10
bad "applies only to an adaptive run" --block-instances 20
bad "cannot be sharded" --target-ci 0.4 --shard 0/2
bad "'jcrra' is not among the sweep's algorithms" --target-ci 0.4 --target-ci-paired jcrra,greedy-jscc
bad "'nosuch' is not an algorithm leosem knows" --target-ci 0.4 --target-ci-paired nosuch,greedy-jscc
bad "names the same algorithm twice" --target-ci 0.4 --target-ci-paired greedy-jscc,greedy-jscc
bad "applies only to an adaptive run" --target-ci-paired greedy-jpeg,greedy-jscc
expect_exit 3 merge "$work/m.h5" "$work/a.h5"
grep -q "adaptive" "$work/err.txt" || fail "merge refusal: $(cat "$work/err.txt")"
[ ! -e "$work/m.h5" ] || fail "merge left a file"

expect_exit 0 run --help
grep -q -- "--target-ci" "$work/out.txt" || fail "--help lacks --target-ci"
grep -q -- "--block-instances" "$work/out.txt" || fail "--help lacks --block-instances"
grep -q -- "--target-ci-paired" "$work/out.txt" || fail "--help lacks --target-ci-paired"
echo "adaptive CLI: all checks passed"
