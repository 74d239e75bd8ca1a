#!/usr/bin/env bash
# leosem fit-quality: fits a grid made from known logistic parameters, writes a [quality] section a
# scenario can use; a non-monotone grid is an error naming the point, and writes nothing.
set -euo pipefail
leosem="$1"; source_dir="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
: "$source_dir"

"$leosem" fit-quality --help | grep -q -- "--out" || fail "help does not list --out"

# The grid: a = 0.3 + 0.1u, b = 0.75 + 0.2u, c = 1 dB, w = 3 dB, rho 1/40..1/4, SNR -10..20 dB.
awk 'BEGIN {
  print "# synthetic: logistic a0=0.3 a1=0.1 b0=0.75 b1=0.2 c=1 w=3"; print "rho,snr_db,ssim";
  split("40 20 16 12 8 4", d, " ");
  for (i = 1; i <= 6; i++) { rho = 1 / d[i]; u = log(rho * 40) / log(10);
    for (s = -10; s <= 20; s += 2) { a = 0.3 + 0.1 * u; b = 0.75 + 0.2 * u;
      printf "%.17g,%d,%.17g\n", rho, s, a + (b - a) / (1 + exp(-(s - 1) / 3)) } } }' > "$work/grid.csv"

"$leosem" fit-quality "$work/grid.csv" --out "$work/fit.toml" > "$work/stdout"
grep -q "RMSE = " "$work/stdout" || fail "no RMSE printed"
grep -q "max |error| = " "$work/stdout" || fail "no max error printed"
grep -q '^\[quality\]$' "$work/fit.toml" || fail "no [quality] section written"
awk -F' = ' '
  $1 == "logistic_floor_base"    { if (($2 - 0.3)  ^ 2 > 1e-12) bad = 1; n++ }
  $1 == "logistic_floor_slope"   { if (($2 - 0.1)  ^ 2 > 1e-12) bad = 1; n++ }
  $1 == "logistic_ceiling_base"  { if (($2 - 0.75) ^ 2 > 1e-12) bad = 1; n++ }
  $1 == "logistic_ceiling_slope" { if (($2 - 0.2)  ^ 2 > 1e-12) bad = 1; n++ }
  $1 == "logistic_centre_db"     { if (($2 - 1)    ^ 2 > 1e-12) bad = 1; n++ }
  $1 == "logistic_width_db"      { if (($2 - 3)    ^ 2 > 1e-12) bad = 1; n++ }
  END { exit (bad || n != 6) }' "$work/fit.toml" || fail "fitted parameters are not the known ones: $(cat "$work/fit.toml")"
# A scenario made of the written section loads and uses it.
"$leosem" quality "$work/fit.toml" --ssim 0.8 > "$work/quality.out" || fail "the written section does not load"
grep -q "JSCC model: logistic" "$work/quality.out" || fail "quality did not print the model"

# A non-monotone grid: ρ = 1/12 at 4 dB pushed below its 2 dB neighbour.
awk -F, '$1 ~ /^0.0833/ && $2 == 4 { $3 = 0.1 } { print }' OFS=, "$work/grid.csv" > "$work/bad.csv"
if "$leosem" fit-quality "$work/bad.csv" --out "$work/bad.toml" 2> "$work/err"; then fail "accepted a non-monotone grid"; fi
grep -q "not monotone in snr_db: ssim at (rho=0.08333333333, snr_db=4) = 0.1" "$work/err" || fail "unclear error: $(cat "$work/err")"
[ ! -e "$work/bad.toml" ] || fail "wrote output after an error"
if "$leosem" fit-quality "$work/missing.csv" 2> "$work/err"; then fail "accepted a missing file"; fi
echo "fit_quality.sh: ok"
