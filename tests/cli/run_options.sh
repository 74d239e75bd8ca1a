#!/usr/bin/env bash
# `leosem run --instances/--set` change what they say and are recorded in the output (and its
# configuration hash); bad overrides are rejected like bad files; `report` reads a .partial
# file (marked PARTIAL, with the count done); each kind of failure has its documented exit code.
set -euo pipefail
leosem="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
attribute() { h5dump -a "/$2" "$1"; }  # file, root attribute

source "$(dirname "${BASH_SOURCE[0]}")/lib/small_scenario.sh"
write_small_scenario "$work/base.toml"
write_ssim_sweep "$work/s.toml" s 6

# --instances: the file holds that many, and says so.
expect_exit 0 run "$work/s.toml" --out "$work/n4.h5" --instances 4
attribute "$work/n4.h5" instances_per_point | grep -q "(0): 4" || fail "instances_per_point is not 4"
attribute "$work/n4.h5" config_text | grep -q "instances = 4" || fail "--instances not recorded in config_text"
report="$("$leosem" report "$work/n4.h5")"
grep -q "2 points x 4 instances" <<< "$report" || fail "report: $report"

# --set: the field changes (users.count = 2 users; the same seed draws other instances) and is recorded.
expect_exit 0 run "$work/s.toml" --out "$work/plain.h5"
expect_exit 0 run "$work/s.toml" --out "$work/set.h5" --set users.count=2 --set 'radio.subchannels = 4'
text="$(attribute "$work/set.h5" config_text)"
grep -q "users.count = 2" <<< "$text" || fail "--set users.count not recorded: $text"
grep -q "radio.subchannels = 4" <<< "$text" || fail "--set radio.subchannels not recorded: $text"
[ "$(attribute "$work/set.h5" config_sha256 | grep '(0)')" != "$(attribute "$work/plain.h5" config_sha256 | grep '(0)')" ] ||
  fail "--set did not change the configuration hash"
# A --set equal to the file's value gives the same results (it acts on the same table).
expect_exit 0 run "$work/s.toml" --out "$work/same.h5" --set users.count=3
h5diff "$work/plain.h5" "$work/same.h5" /power_w /power_w > /dev/null || fail "--set users.count=3 changed the results"
# ... and another value other results (users.count = 2 gives fewer users, less power).
if h5diff "$work/plain.h5" "$work/set.h5" /power_w /power_w > /dev/null; then fail "--set changed nothing"; fi
# A string value, written as TOML.
expect_exit 0 run "$work/s.toml" --out "$work/str.h5" --set 'channel.fading="none"' --instances 2
attribute "$work/str.h5" config_text | grep -q "channel.fading = 'none'" || fail "string --set not recorded"

# Bad overrides: invalid input (3), the field named, no output.
bad_set() {  # description, expected text, --set argument
  expect_exit 3 run "$work/s.toml" --out "$work/bad.h5" --set "$3"
  grep -q -- "$2" "$work/err.txt" || fail "$1: message lacks '$2': $(cat "$work/err.txt")"
  [ ! -e "$work/bad.h5" ] && [ ! -e "$work/bad.h5.partial" ] || fail "$1 left an output file"
}
bad_set "out of range" "users.count" "users.count=0"
bad_set "unknown field" "users.colour" "users.colour=1"
bad_set "not TOML" "not a TOML value" "channel.fading=none"
bad_set "no =" "FIELD=VALUE" "users.count"
bad_set "an axis field" "is an axis" "users.ssim_mean=0.7"
bad_set "wrong type" "users.count" 'users.count="many"'
expect_exit 2 run "$work/s.toml" --out "$work/bad.h5" --instances 0

# Exit codes: usage 2, invalid input 3, I/O 4.
expect_exit 2 run "$work/s.toml" --out "$work/x.h5" --no-such-option
expect_exit 2 report
printf 'instances = 2\n' > "$work/broken.toml"
expect_exit 3 run "$work/broken.toml" --out "$work/x.h5"
expect_exit 4 run "$work/s.toml" --out "$work/no/such/dir/x.h5"
expect_exit 4 run "$work/s.toml" --out "$work/plain.h5"  # exists already
printf 'not hdf5\n' > "$work/junk.h5"
expect_exit 3 report "$work/junk.h5"
expect_exit 0 --help
grep -q "Exit status" "$work/out.txt" || fail "--help does not document the exit status"

# report on a partial file (a run killed after 2 blocks of 5): marked PARTIAL, counts done.
if "$leosem" run "$work/s.toml" --out "$work/part.h5" --instances 20 --block 5 --abort-after-blocks 2 2> /dev/null; then
  fail "the aborted run exited 0"
fi
[ -f "$work/part.h5.partial" ] || fail "no .partial left"
expect_exit 0 report "$work/part.h5.partial"
grep -q "PARTIAL: 10 of 40 (point, instance) pairs done" "$work/out.txt" || fail "partial report: $(cat "$work/out.txt")"
grep -q -E '^greedy-jscc +0.7 +10 ' "$work/out.txt" || fail "partial report rows: $(cat "$work/out.txt")"
grep -q -E '^greedy-jscc +0.8 +0 ' "$work/out.txt" || fail "partial report rows: $(cat "$work/out.txt")"
expect_exit 0 report "$work/part.h5" --csv  # FILE when only FILE.partial exists
grep -q "PARTIAL" "$work/err.txt" || fail "csv partial report does not say PARTIAL on stderr"
[ "$(wc -l < "$work/out.txt")" -eq 5 ] || fail "csv partial rows: $(cat "$work/out.txt")"
cp "$work/out.txt" "$work/partial.csv"
# The partial summary equals the complete file's over the same instances (point 0 of a 10-instance run).
expect_exit 0 run "$work/s.toml" --out "$work/ten.h5" --instances 10
"$leosem" report "$work/ten.h5" --csv | grep "^greedy-jpeg,0.7," | cut -d, -f3- > "$work/a.txt"
grep "^greedy-jpeg,0.7," "$work/partial.csv" | cut -d, -f3- > "$work/b.txt" || true
# (part.h5 has 20 instances per point, its first 10 done; ten.h5 the same 10 instances: same key.)
cmp -s "$work/a.txt" "$work/b.txt" || fail "partial summary differs: $(cat "$work/a.txt") vs $(cat "$work/b.txt")"

# A device error (injected: the backend throws after 3 chunks): "leosem: error:" naming the sweep
# point and the instances, exit 1, the .partial kept; --resume completes it equal to a whole run.
expect_exit 1 run "$work/s.toml" --out "$work/dev.h5" --instances 20 --block 2 --fail-after-chunks 3
tail -n 1 "$work/err.txt" | grep -q "^leosem: error: sweep point 0 (users.ssim_mean=[0-9.]*), instances 6..7: injected device error" ||
  fail "unclear device error: $(cat "$work/err.txt")"
[ -e "$work/dev.h5.partial" ] && [ ! -e "$work/dev.h5" ] || fail "the device error did not leave only the .partial"
expect_exit 0 run "$work/s.toml" --out "$work/dev.h5" --instances 20 --block 2 --resume
expect_exit 0 run "$work/s.toml" --out "$work/dev-whole.h5" --instances 20 --block 2
for dataset in /power_w /status /iterations /done; do
  h5diff "$work/dev.h5" "$work/dev-whole.h5" "$dataset" "$dataset" > /dev/null || fail "resumed $dataset differs"
done

# Interrupted (SIGINT): exit 5, the .partial kept, and --resume completes it.
cat > "$work/long.toml" <<'TOML'
scenario = "base.toml"
instances = 400
algorithms = ["jcrra", "greedy-jscc"]
seed = 4
TOML
"$leosem" run "$work/long.toml" --out "$work/long.h5" --threads 1 --block 4 2> "$work/err.txt" &
pid=$!
for _ in $(seq 200); do [ -e "$work/long.h5.partial" ] && break; sleep 0.05; done
sleep 0.3
kill -INT "$pid" 2> /dev/null || true
code=0
wait "$pid" || code=$?
if [ -e "$work/long.h5.partial" ]; then  # (on a fast machine the run may finish before the signal)
  [ "$code" -eq 5 ] || fail "interrupted run exited $code, expected 5: $(cat "$work/err.txt")"
  grep -q -- "--resume" "$work/err.txt" || fail "no resume hint: $(cat "$work/err.txt")"
  expect_exit 0 run "$work/long.toml" --out "$work/long.h5" --threads 1 --block 4 --resume
else
  [ "$code" -eq 0 ] || fail "run exited $code"
fi
[ -f "$work/long.h5" ] || fail "resumed run did not complete"
echo "run options CLI: all checks passed"
