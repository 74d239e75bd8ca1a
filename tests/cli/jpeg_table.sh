#!/usr/bin/env bash
# leosem jpeg-table: a table from a synthetic JPEG; errors exit non-zero and leave no output file.
set -euo pipefail
leosem="$1"; source_dir="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$leosem" jpeg-table --help | grep -q -- "--qualities" || fail "help does not list --qualities"

image="$source_dir/tests/data/synthetic_160x96.jpg"
"$leosem" jpeg-table "$image" --qualities 20,50,90 --note "test fixture" --out "$work/table.csv" > "$work/stdout"
[ -f "$work/table.csv" ] || fail "no table written"
grep -q "^# source: .*synthetic_160x96.jpg (160x96, 2 tiles)" "$work/table.csv" || fail "provenance lacks the source"
grep -q "^# note: test fixture" "$work/table.csv" || fail "provenance lacks the note"
grep -q "^quality,mean_ssim,mean_bits_file,mean_bits_scan,tiles$" "$work/table.csv" || fail "no header"
[ "$(grep -c '^[0-9]' "$work/table.csv")" -eq 3 ] || fail "expected 3 rows"
# Rising SSIM and bits with quality; 2 tiles per row.
awk -F, '/^[0-9]/ { if (n++ && ($2 <= s || $3 <= f || $4 <= b)) bad = 1; s = $2; f = $3; b = $4; if ($5 != 2) bad = 1 }
         END { exit bad }' "$work/table.csv" || fail "table does not rise with quality"
# The table is usable by a scenario.
printf '[quality]\njpeg_table = "table.csv"\njpeg_rate_basis = "scan"\n' > "$work/scenario.toml"
"$leosem" quality "$work/scenario.toml" --ssim 0.5 | grep -q "rate basis scan" || fail "scenario does not use the table"

# Errors: not a JPEG; too small; bad qualities. Non-zero exit, message, no output file.
printf 'not a jpeg' > "$work/bad.jpg"
if "$leosem" jpeg-table "$work/bad.jpg" --out "$work/out.csv" 2> "$work/err"; then fail "accepted a non-JPEG"; fi
grep -q "bad.jpg: not a readable JPEG" "$work/err" || fail "unclear error: $(cat "$work/err")"
[ ! -e "$work/out.csv" ] || fail "left an output file after an error"
if "$leosem" jpeg-table "$image" --downscale 2 --out "$work/out.csv" 2> "$work/err"; then fail "accepted an image smaller than a tile"; fi
grep -q "smaller than one 64x64 tile" "$work/err" || fail "unclear error: $(cat "$work/err")"
if "$leosem" jpeg-table "$image" --qualities 50,40 --out "$work/out.csv" 2> "$work/err"; then fail "accepted descending qualities"; fi
grep -q "strictly ascending" "$work/err" || fail "unclear error: $(cat "$work/err")"
[ ! -e "$work/out.csv" ] || fail "left an output file after an error"
ls "$work" | grep -q '\.tmp\.' && fail "left a temporary file"
echo "jpeg_table.sh: ok"
