#!/usr/bin/env bash
# End to end: `leosem info` and `leosem scenario` through the CLI, HDF5 export read back with
# h5dump, and bad input rejected with a clear message, a non-zero exit and no output file.
set -euo pipefail
leosem="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

info="$("$leosem" info)"
grep -q "git commit" <<< "$info" || fail "info lacks the git commit"
grep -q "CUDA device" <<< "$info" || fail "info lacks the CUDA devices line"

out="$("$leosem" scenario "$source_dir/sweeps/scenarios/default.toml" --instance 3 --export "$work/i3.h5")"
grep -q "instance 3 (seed 1, point 0)" <<< "$out" || fail "summary header"
[ "$(grep -c -E '^ +[0-7] +[0-9]+ +0\.[0-9]{3} ' <<< "$out")" -eq 8 ] || fail "expected 8 UE rows:
$out"
[ -f "$work/i3.h5" ] || fail "no export"
[ ! -e "$work/i3.h5.partial" ] || fail "partial file left behind"
# (h5dump output is captured first: grep -q closing the pipe early would trip pipefail)
header="$(h5dump -H "$work/i3.h5")"
grep -q 'DATASET "gain_per_watt"' <<< "$header" || fail "gain dataset"
grep -q 'DATASPACE  SIMPLE { ( 8, 10, 240 )' <<< "$header" || fail "gain dims"
grep -q 'DATASPACE  SIMPLE { ( 8, 6 )' <<< "$header" || fail "D_k dims"
grep -q '(0): 1$' <<< "$(h5dump -a /seed "$work/i3.h5")" || fail "seed attribute"

# Same instance twice: identical bytes of the gain dataset.
"$leosem" scenario "$source_dir/sweeps/scenarios/default.toml" --instance 3 --export "$work/again.h5" > /dev/null
cmp <(h5dump -d /channel/gain_per_watt "$work/i3.h5" | tail -n +3) \
    <(h5dump -d /channel/gain_per_watt "$work/again.h5" | tail -n +3) || fail "not reproducible"

# Bad configuration: named field, non-zero exit, no export file.
printf '[radio]\nbandwidth_mhz = -40\n' > "$work/bad.toml"
if "$leosem" scenario "$work/bad.toml" --export "$work/bad.h5" 2> "$work/err.txt"; then fail "bad config accepted"; fi
grep -q "radio.bandwidth_mhz" "$work/err.txt" || fail "error does not name the field: $(cat "$work/err.txt")"
[ ! -e "$work/bad.h5" ] && [ ! -e "$work/bad.h5.partial" ] || fail "output left after a failed run"

# Unwritable export path: clear error, non-zero exit.
if "$leosem" scenario "$source_dir/sweeps/scenarios/default.toml" --export "$work/no/such/dir/x.h5" > /dev/null 2> "$work/err.txt"; then
  fail "unwritable export accepted"
fi
grep -q "directory .* does not exist" "$work/err.txt" || fail "unclear export error: $(cat "$work/err.txt")"
# The field table: --print-fields toml is the committed default.toml, md the docs' generated block;
# without --print-fields a CONFIG is required (usage error, exit 2).
"$leosem" scenario --print-fields toml > "$work/fields.toml"
cmp "$work/fields.toml" "$source_dir/sweeps/scenarios/default.toml" ||
  fail "--print-fields toml differs from sweeps/scenarios/default.toml (tools/update-config-reference.sh)"
"$leosem" scenario --print-fields md > "$work/fields.md"
head -n 1 "$work/fields.md" | grep -q '^<!-- begin: generated' || fail "--print-fields md lacks the begin marker"
grep -q '^| `altitude_km` | km | `550.0` | in (0, 2000\] |' "$work/fields.md" || fail "--print-fields md: no altitude row"
got=0; "$leosem" scenario > /dev/null 2> "$work/err.txt" || got=$?
[ "$got" -eq 2 ] || fail "scenario without CONFIG exited $got, expected 2"
got=0; "$leosem" scenario --print-fields yaml > /dev/null 2> "$work/err.txt" || got=$?
[ "$got" -eq 2 ] || fail "--print-fields yaml exited $got, expected 2"
echo "scenario CLI: all checks passed"
