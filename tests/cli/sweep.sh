#!/usr/bin/env bash
# End to end through the CLI: a small sweep run, read back (h5dump) and summarised; shards
# merged equal to the single run; a run killed mid-way and resumed equal to an uninterrupted
# one; mismatched shards refused; bad sweep files rejected leaving no file that looks complete.
set -euo pipefail
leosem="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
same() {  # the datasets of two sweep files, bit for bit
  for data in power_w status iterations done evaluated feasible feasible_fraction mean_power_w mean_power_dbm \
    ci95_low_dbm ci95_high_dbm algorithm users.ssim_mean instance; do
    h5diff "$1" "$2" "/$data" "/$data" > /dev/null || fail "$1 and $2 differ in /$data"
  done
}

source "$(dirname "${BASH_SOURCE[0]}")/lib/small_scenario.sh"
write_small_scenario "$work/base.toml"
write_sweep() {  # name instances
  cat > "$work/$1.toml" <<TOML
name = "$1"
scenario = "base.toml"
instances = $2
algorithms = ["jcrra", "greedy-jscc", "greedy-jpeg"]
seed = 4
[[axis]]
field = "users.ssim_mean"
values = [0.7, 0.8]
TOML
}
write_sweep small 24

"$leosem" run "$work/small.toml" --out "$work/single.h5" --threads 2 2> "$work/log.txt"
[ -f "$work/single.h5" ] && [ ! -e "$work/single.h5.partial" ] || fail "single run output"
grep -q "leosem run: 100.0% 48/48 instances" "$work/log.txt" || fail "no progress log: $(cat "$work/log.txt")"
header="$(h5dump -H "$work/single.h5")"
grep -q 'DATASET "power_w"' <<< "$header" || fail "no power_w"
# The lower bound is on by default (sweep key lower_bound): a fourth algorithm, "lower-bound".
grep -q 'DATASPACE  SIMPLE { ( 4, 2, 24 )' <<< "$header" || fail "results are not 4 algorithms x 2 points x 24 instances"
report="$("$leosem" report "$work/single.h5")"
[ "$(grep -c -E '^(jcrra|greedy-jscc|greedy-jpeg|lower-bound) ' <<< "$report")" -eq 8 ] || fail "report rows: $report"
grep -q "certified gap" <<< "$report" || fail "the report lacks the certified gap: $report"
csv="$("$leosem" report "$work/single.h5" --csv)"
head -1 <<< "$csv" | grep -q '^algorithm,users.ssim_mean,instances,feasible.*,certified_gap_mean_db' || fail "csv header: $csv"
[ "$(wc -l <<< "$csv")" -eq 9 ] || fail "csv rows: $csv"
# jcrra's certified gap is a number >= 0 at a point where it serves instances.
awk -F, 'NR > 1 && $1 == "jcrra" && $4 > 0 { n++; if (!($(NF-2) >= 0)) bad = 1 } END { exit !(n > 0 && !bad) }' <<< "$csv" ||
  fail "jcrra's certified gap: $csv"

# Three shards merged equal the single run.
for i in 0 1 2; do
  "$leosem" run "$work/small.toml" --out "$work/shard$i.h5" --shard "$i/3" --threads 1 2> /dev/null
done
"$leosem" merge "$work/merged.h5" "$work/shard2.h5" "$work/shard0.h5" "$work/shard1.h5" > /dev/null
same "$work/single.h5" "$work/merged.h5"

# Killed mid-way (the testing aid exits abruptly after one block), then resumed.
if "$leosem" run "$work/small.toml" --out "$work/killed.h5" --block 5 --abort-after-blocks 2 2> /dev/null; then
  fail "the aborted run exited 0"
fi
[ -f "$work/killed.h5.partial" ] && [ ! -e "$work/killed.h5" ] || fail "an interrupted run must leave only .partial"
if "$leosem" run "$work/small.toml" --out "$work/killed.h5" --block 5 2> "$work/err.txt"; then
  fail "a leftover .partial was overwritten without --resume"
fi
grep -q -- "--resume" "$work/err.txt" || fail "no hint to --resume: $(cat "$work/err.txt")"
"$leosem" run "$work/small.toml" --out "$work/killed.h5" --block 5 --resume 2> "$work/log.txt"
grep -q "resuming with 10 done" "$work/log.txt" || fail "resume did not skip the done blocks: $(cat "$work/log.txt")"
same "$work/single.h5" "$work/killed.h5"

# A real SIGKILL during a longer run, then resumed.
write_sweep long 400
"$leosem" run "$work/long.toml" --out "$work/long-whole.h5" --threads 1 2> /dev/null
"$leosem" run "$work/long.toml" --out "$work/long.h5" --threads 1 --block 8 2> /dev/null &
pid=$!
for _ in $(seq 100); do [ -e "$work/long.h5.partial" ] && break; sleep 0.05; done
sleep 0.3
kill -KILL "$pid" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
if [ -e "$work/long.h5.partial" ]; then  # (the run may have finished before the kill on a fast machine)
  "$leosem" run "$work/long.toml" --out "$work/long.h5" --threads 1 --block 8 --resume 2> /dev/null
fi
same "$work/long-whole.h5" "$work/long.h5"

# Shards of another configuration are refused, and no merged file appears.
write_sweep other 25
"$leosem" run "$work/other.toml" --out "$work/other1.h5" --shard 1/3 2> /dev/null
if "$leosem" merge "$work/bad-merge.h5" "$work/shard0.h5" "$work/other1.h5" "$work/shard2.h5" 2> "$work/err.txt"; then
  fail "merged shards of two configurations"
fi
grep -q "configuration hash" "$work/err.txt" || fail "unclear refusal: $(cat "$work/err.txt")"
[ ! -e "$work/bad-merge.h5" ] && [ ! -e "$work/bad-merge.h5.partial" ] || fail "refused merge left a file"
if "$leosem" merge "$work/bad-merge.h5" "$work/shard0.h5" "$work/shard2.h5" 2> "$work/err.txt"; then
  fail "merged with a shard missing"
fi
grep -q "missing" "$work/err.txt" || fail "unclear refusal: $(cat "$work/err.txt")"

# Bad sweep files: rejected with the field named, non-zero exit, no output file.
reject() {  # description, expected text, sweep body
  printf '%s\n' "$3" > "$work/bad.toml"
  if "$leosem" run "$work/bad.toml" --out "$work/bad.h5" 2> "$work/err.txt"; then fail "$1 accepted"; fi
  grep -q -- "$2" "$work/err.txt" || fail "$1: message lacks '$2': $(cat "$work/err.txt")"
  [ ! -e "$work/bad.h5" ] && [ ! -e "$work/bad.h5.partial" ] || fail "$1 left an output file"
}
head='scenario = "base.toml"
seed = 1'
reject "unknown axis field" "users.colour" "$head
instances = 2
algorithms = [\"jcrra\"]
[[axis]]
field = \"users.colour\"
values = [1]"
reject "empty axis" "axis is empty" "$head
instances = 2
algorithms = [\"jcrra\"]
[[axis]]
field = \"users.count\"
values = []"
reject "zero instances" "'instances' = 0" "$head
instances = 0
algorithms = [\"jcrra\"]"
reject "unknown algorithm" "unknown algorithm" "$head
instances = 2
algorithms = [\"simulated-annealing\"]"
if "$leosem" run "$work/small.toml" --out "$work/bad.h5" --shard 3/3 2> "$work/err.txt"; then fail "shard 3/3 accepted"; fi
grep -q -- "--shard" "$work/err.txt" || fail "bad shard message: $(cat "$work/err.txt")"
# Output into a directory that does not exist: named in the error, nothing written.
if "$leosem" run "$work/small.toml" --out "$work/no/such/dir/x.h5" 2> "$work/err.txt"; then fail "bad --out accepted"; fi
grep -q "does not exist" "$work/err.txt" || fail "unclear --out error: $(cat "$work/err.txt")"
# Backends: an unknown name, and --device or --debug-sync with --backend cpu, are refused; --backend cuda where
# there is no CUDA or no device is a clear error leaving no file; auto says what it chose.
if "$leosem" run "$work/small.toml" --out "$work/b.h5" --backend gpu 2> "$work/err.txt"; then fail "--backend gpu accepted"; fi
grep -q "not one of auto, cpu, cuda" "$work/err.txt" || fail "unclear --backend error: $(cat "$work/err.txt")"
if "$leosem" run "$work/small.toml" --out "$work/b.h5" --backend cpu --device 1 2> "$work/err.txt"; then fail "--device with cpu accepted"; fi
if "$leosem" run "$work/small.toml" --out "$work/b.h5" --backend cpu --debug-sync 2> "$work/err.txt"; then fail "--debug-sync with cpu accepted"; fi
grep -q -- "--debug-sync" "$work/err.txt" || fail "unclear --debug-sync error: $(cat "$work/err.txt")"
if "$leosem" info | grep -q -E "^CUDA devices: none"; then
  if "$leosem" run "$work/small.toml" --out "$work/b.h5" --backend cuda 2> "$work/err.txt"; then fail "--backend cuda ran without a device"; fi
  grep -q -E "no CUDA device is visible|built without CUDA" "$work/err.txt" || fail "unclear cuda error: $(cat "$work/err.txt")"
  [ ! -e "$work/b.h5" ] && [ ! -e "$work/b.h5.partial" ] || fail "--backend cuda without a device left a file"
  "$leosem" run "$work/small.toml" --out "$work/auto.h5" --threads 2 2> "$work/log.txt"
  grep -q "backend cpu (" "$work/log.txt" || fail "auto did not say it chose cpu: $(cat "$work/log.txt")"
  same "$work/single.h5" "$work/auto.h5"
fi
# A sweep file given where a scenario is expected gets a hint.
if "$leosem" scenario "$work/small.toml" 2> "$work/err.txt"; then fail "a sweep file accepted as a scenario"; fi
grep -q "leosem run" "$work/err.txt" || fail "no hint for a sweep file: $(cat "$work/err.txt")"
echo "sweep CLI: all checks passed"
