#!/usr/bin/env bash
# tools/jscc end to end on a tiny configuration (~20 s of CPU): its SSIM equals the C++ one on the
# committed reference pairs; it trains two tiny deep JSCC models on synthetic images, measures a
# grid with provenance lines that leosem loads as a grid model and fits; the committed measured
# surface and its named profiles (results/data/jscc_measured*.toml) load. ~20 s of CPU, ~50 s wall on the loaded 2-core machine. Needs Debian's
# python3-torch (tools/debian-packages.txt).
set -euo pipefail
leosem="$1"; source_dir="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run="$source_dir/tools/jscc/run.sh"

/usr/bin/python3 -c "import torch" 2> "$work/err" ||
  fail "python3-torch is missing (bash tools/setup.sh installs tools/debian-packages.txt): $(cat "$work/err")"

# 1. The Python SSIM gives the committed values, which the C++ SSIM gives too (tests/measure/test_ssim_jpeg.cpp).
"$run" ssim-fixture "$source_dir/tests/data/ssim_reference.csv" > "$work/fixture.out" ||
  fail "the Python SSIM differs from the reference: $(cat "$work/fixture.out")"
[ "$(grep -c ' ok$' "$work/fixture.out")" = 4 ] || fail "not 4 reference pairs checked: $(cat "$work/fixture.out")"
# ... and the check can fail: a reference value moved by 1e-9 is refused.
awk -F, '!/^#/ && NR > 5 && $1 == 2 { $4 = $4 + 1e-9 } { print }' OFS=, "$source_dir/tests/data/ssim_reference.csv" \
  > "$work/moved.csv"
if "$run" ssim-fixture "$work/moved.csv" > /dev/null; then fail "a moved reference value was accepted"; fi

# 2. Train and measure on the smoke configuration (2 ratios, 3 SNRs, synthetic images).
"$run" run --config smoke --out "$work/smoke" --seed 3 --workers 2 > "$work/run.out" ||
  fail "the smoke run failed: $(cat "$work/run.out" "$work/smoke/train.log" 2>/dev/null)"
grid="$work/smoke/grid.csv"
for key in "command: tools/jscc/run.sh run --config smoke" "seed: 3" "git commit: " "date: " "data: synthetic" \
  "measurement: 2 channel draws"; do
  grep -q "^# $key" "$grid" || fail "no provenance line '# $key' in the grid: $(cat "$grid")"
done
[ "$(grep -vc '^#' "$grid")" = 7 ] || fail "expected a header and 2 x 3 points: $(cat "$grid")"
ls "$work/smoke"/result_rho_307.json "$work/smoke"/result_rho_3072.json "$work/smoke"/model_rho_3072.pt > /dev/null ||
  fail "per-ratio results or models missing"
# Even a tiny model learns that a stronger channel and more symbols help (seeded; margins ~0.08 and ~0.15).
awk -F, '!/^#/ && NR > 1 { s[$1 "," $2] = $3 }
  END { hi = s["0.25,20"]; lo = s["0.25,-10"]; few = s["0.025000000000000001,20"];
        if (!(hi > lo + 0.02 && hi > few + 0.02)) { print "ssim(1/4,20)=" hi " ssim(1/4,-10)=" lo " ssim(1/40,20)=" few; exit 1 } }' \
  "$grid" || fail "the tiny model did not learn: $(cat "$grid")"

# The saved models measure to the same grid again (seeded draws; what `measure --scale 1` builds on).
"$run" measure --config smoke --out "$work/smoke" --seed 3 --grid again.csv > /dev/null || fail "measure failed"
diff <(grep -v '^#' "$grid") <(grep -v '^#' "$work/smoke/again.csv") > /dev/null ||
  fail "re-measuring the saved models gave another grid: $(cat "$work/smoke/again.csv")"

# 3. leosem takes the grid: as a grid model (tolerance for a tiny model's noise) and through the fit.
printf '[quality]\njscc_model = "grid"\ngrid_file = "smoke/grid.csv"\ngrid_monotone_tolerance = 0.05\n' > "$work/grid.toml"
"$leosem" quality "$work/grid.toml" --ssim 0.3 > "$work/quality.out" || fail "leosem refused the measured grid"
grep -q "JSCC model: grid" "$work/quality.out" || fail "the grid model was not used: $(cat "$work/quality.out")"

# 4. The committed measured surface, its fit and the named profiles load.
committed="$source_dir/results/data/jscc_grid_aerial64.csv"
grep -q "^# command: tools/jscc/run.sh run --config full" "$committed" || fail "the committed grid has no command line"
# From the build's data directory (as installed: PREFIX/share/leosem/data), where they sit beside the grid.
data="$(dirname "$leosem")/share/leosem/data"
for profile in jscc_measured jscc_measured_fit jscc_measured_fullsize; do
  "$leosem" quality "$data/$profile.toml" --ssim 0.6 > "$work/$profile.out" || fail "profile $profile does not load"
done
grep -q "JSCC model: grid ($data/jscc_grid_aerial64.csv)" "$work/jscc_measured.out" ||
  fail "jscc_measured is not the grid model: $(head -1 "$work/jscc_measured.out")"
grep -q "JSCC model: logistic" "$work/jscc_measured_fit.out" || fail "jscc_measured_fit is not the logistic fit"
grep -q "JSCC model: grid ($data/jscc_grid_aerial64_fullsize.csv)" "$work/jscc_measured_fullsize.out" ||
  fail "jscc_measured_fullsize is not its grid: $(head -1 "$work/jscc_measured_fullsize.out")"
echo "jscc_smoke.sh: ok"
