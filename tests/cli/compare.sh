#!/usr/bin/env bash
# `leosem compare` end to end: two runs of one sweep and shards merged against one run are equal
# (exit 0); a perturbed power is reported with its place (exit 1) unless within --atol-db/--rtol;
# a shard against the whole run, another seed (exit 3), a damaged file (4), a missing file or a
# negative tolerance (2) are refused.
set -euo pipefail
leosem="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/small_scenario.sh"
write_small_scenario "$work/base.toml"
write_ssim_sweep "$work/s.toml" cmp 30
sed 's/seed = 4/seed = 5/' "$work/s.toml" > "$work/seed5.toml"

"$leosem" run "$work/s.toml" --out "$work/a.h5" --threads 1 2> /dev/null
"$leosem" run "$work/s.toml" --out "$work/b.h5" --threads 2 2> /dev/null
expect_exit 0 compare "$work/a.h5" "$work/b.h5"
grep -q "^EQUAL: .* values compared; every power value exactly equal" "$work/out.txt" || fail "equal runs: $(cat "$work/out.txt")"
grep -q "tolerance: powers exactly equal" "$work/out.txt" || fail "default tolerance not stated: $(cat "$work/out.txt")"

for i in 0 1; do "$leosem" run "$work/s.toml" --out "$work/shard$i.h5" --shard "$i/2" 2> /dev/null; done
"$leosem" merge "$work/merged.h5" "$work/shard1.h5" "$work/shard0.h5" > /dev/null
expect_exit 0 compare "$work/merged.h5" "$work/a.h5"
expect_exit 3 compare "$work/shard0.h5" "$work/a.h5"
grep -q "different instances: A 15 instances 0..14 (shard 0/2), B 30 instances 0..29" "$work/err.txt" ||
  fail "shard against whole: $(cat "$work/err.txt")"
"$leosem" run "$work/seed5.toml" --out "$work/seed5.h5" 2> /dev/null
expect_exit 3 compare "$work/a.h5" "$work/seed5.h5"
grep -q "the seeds differ: A 4, B 5" "$work/err.txt" || fail "other seed: $(cat "$work/err.txt")"

# One served Greedy JPEG power at users.ssim_mean = 0.8 raised by 0.1 % (0.0043 dB), through HDF5
# (the chunk's checksum is rewritten: the file still verifies).
cp "$work/a.h5" "$work/p.h5"
instance="$(/usr/bin/python3 - "$work/p.h5" <<'PY'
import sys, numpy, h5py
with h5py.File(sys.argv[1], "r+") as f:
    power = f["power_w"][1, 1, :]
    j = int(numpy.flatnonzero(numpy.isfinite(power))[0])
    f["power_w"][1, 1, j] = power[j] * 1.001
    print(f["instance"][j])
PY
)"
"$leosem" verify "$work/p.h5" > /dev/null || fail "the perturbed file does not verify"
expect_exit 1 compare "$work/a.h5" "$work/p.h5"
grep -q "^DIFFERENT: 1 of .* values differ beyond the tolerance" "$work/out.txt" || fail "perturbed: $(cat "$work/out.txt")"
grep -E -q "^power_w +greedy-jpeg +users.ssim_mean=0.8 +1 +0.00434 +$instance\$" "$work/out.txt" ||
  fail "perturbed row (instance $instance): $(cat "$work/out.txt")"
expect_exit 1 compare "$work/a.h5" "$work/p.h5" --atol-db 0.004 --rtol 1e-4
expect_exit 0 compare "$work/a.h5" "$work/p.h5" --atol-db 0.005
grep -q "^EQUAL within the tolerance: .*1 power values not exactly equal (at most 0.00434 dB apart" "$work/out.txt" ||
  fail "within tolerance: $(cat "$work/out.txt")"
expect_exit 0 compare "$work/a.h5" "$work/p.h5" --rtol 2e-3

# A flipped bit in /instance (found by content, as in reliability.sh): damaged, exit 4.
/usr/bin/python3 - "$work/a.h5" "$work/flipped.h5" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
pattern = struct.pack("<16I", *range(16))
at = data.find(pattern)
assert at >= 0 and data.find(pattern, at + 1) < 0, "the index chunk is not unique"
data[at + 21] ^= 0x10
open(sys.argv[2], "wb").write(data)
PY
expect_exit 4 compare "$work/a.h5" "$work/flipped.h5"
grep -q "damaged" "$work/err.txt" || fail "flipped: $(cat "$work/err.txt")"
expect_exit 2 compare "$work/a.h5" "$work/missing.h5"
expect_exit 2 compare "$work/a.h5" "$work/b.h5" --rtol -1
"$leosem" compare --help | grep -q "exactly equal" || fail "--help does not state the default tolerance"
echo "compare: ok"
