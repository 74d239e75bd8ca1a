#!/usr/bin/env bash
# How robust are the paper's claims? Runs the three studies of sweeps/paper/ under model variants
# and writes OUTDIR/robustness.md: the six claims of MODEL §8 x variants, each "holds"/"fails"
# with its effect in dB and 95 % CI (tools/robustness.py says how each claim is measured).
#   bash tools/robustness.sh [INSTANCES] [OUTDIR] [TARGET_CI_DB]
# INSTANCES per point (default 50); OUTDIR (default out/robustness); TARGET_CI_DB (default 0.25):
# adaptive Monte Carlo (leosem run --target-ci, blocks of 10): a point stops once every scheme's
# mean power is known to +-TARGET_CI_DB dB (95 %), INSTANCES being the cap; 0 runs exactly
# INSTANCES per point. The committed results/robustness.md: the command its first line names.
# Assumes build/leosem is built (bash tools/build.sh). ROBUSTNESS_KEEP=DIR keeps the sweep files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
instances="${1:-50}"
outdir="$(realpath -m "${2:-$root/out/robustness}")"
target_ci_db="${3:-0.25}"
adaptive=()
[ "$target_ci_db" = 0 ] || adaptive=(--target-ci "$target_ci_db" --block-instances "$(( instances < 10 ? instances : 10 ))")
leosem="${LEOSEM:-$root/build/leosem}"  # LEOSEM=PATH runs another binary
[ -x "$leosem" ] || { echo "robustness: build first (bash tools/build.sh)" >&2; exit 1; }
mkdir -p "$outdir"
work="${ROBUSTNESS_KEEP:-$(mktemp -d)}"
mkdir -p "$work"
[ -n "${ROBUSTNESS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
start_s=$(date +%s)
engine="$("$leosem" info | sed -n 's/^git commit: //p')"

# A grid-model variant needs a grid: no measured DJSCC grid is available, so this one samples the
# default logistic surface on the six ratios x -10..20 dB (1 dB steps) with sigma = 0.002 SSIM of
# deterministic pseudo-noise, as a measured grid would look; the grid model then uses its lower
# monotone envelope and interpolates bilinearly. It tests the model's structure, not new data.
awk 'BEGIN { print "rho,snr_db,ssim"; split("40 20 16 12 8 4", d, " ");
  for (i = 1; i <= 6; i++) { rho = 1 / d[i]; u = log(rho * 40) / log(10);
    for (s = -10; s <= 20; s++) { n++; a = 0.35 + 0.15 * u; b = 0.70 + 0.27 * u;
      printf "%.17g,%d,%.6f\n", rho, s, a + (b - a) / (1 + exp(-(s + 2) / 2.5)) + noise(n) } } }
  function noise(n,  h) { h = sin(n * 12.9898) * 43758.5453; h -= int(h); if (h < 0) h += 1; return 0.002 * sqrt(12) * (h - 0.5) }' \
  > "$work/grid.csv"

# name|scenario TOML (on top of the defaults; \n for new lines)
variants=(
  'default|'
  'logistic-steep|[quality]\nlogistic_centre_db = -4.0\nlogistic_width_db = 1.5'
  'logistic-shallow|[quality]\nlogistic_centre_db = 1.0\nlogistic_width_db = 4.0'
  'logistic-flat-rho|[quality]\nlogistic_floor_slope = 0.05\nlogistic_ceiling_base = 0.80\nlogistic_ceiling_slope = 0.17'
  'grid|[quality]\njscc_model = "grid"\ngrid_file = "grid.csv"\ngrid_monotone_tolerance = 0.02'
  'earth-fixed|[area]\nbeam_pointing = "earth-fixed"'
  'suburban|[channel]\nenvironment = "suburban-rural"'
  'jpeg-scan|[quality]\njpeg_rate_basis = "scan"'
)
args=()
for variant in "${variants[@]}"; do
  name="${variant%%|*}"
  mkdir -p "$work/$name"
  printf '%b\n' "${variant#*|}" > "$work/$name.toml"
  for sweep in "$root"/sweeps/paper/*.toml; do
    study="$(basename "$sweep" .toml)"
    sed -E "s/^instances = .*/instances = $instances/; s#^scenario = .*#scenario = \"../$name.toml\"#" \
      "$sweep" > "$work/$name/$study.toml"
    rm -f "$work/$name/$study.h5"
    "$leosem" run "$work/$name/$study.toml" --out "$work/$name/$study.h5" "${adaptive[@]}" > "$work/$name/$study.log" 2>&1 ||
      { cat "$work/$name/$study.log" >&2; exit 1; }
  done
  echo "robustness: $name done ($(( $(date +%s) - start_s )) s)"
  args+=("$name=$work/$name")
done
/usr/bin/python3 "$root/tools/robustness.py" "$work/table.md" "${args[@]}" > /dev/null
elapsed_s=$(( $(date +%s) - start_s ))
{
  echo "# How robust are the paper's claims?"
  echo
  echo "Made by \`bash tools/robustness.sh $instances results $target_ci_db\` in ${elapsed_s} s ($(nproc) cores; engine commit"
  if [ "$target_ci_db" = 0 ]; then
    echo "$engine): the three studies of sweeps/paper/ at $instances instances per point,"
  else
    echo "$engine): the three studies of sweeps/paper/, adaptive: each point took blocks of 10"
    echo "instances until every scheme's mean power had a 95 % CI within +-$target_ci_db dB, at most $instances"
    echo "(\`leosem run --target-ci $target_ci_db\`; the counts are in the table's last row),"
  fi
  echo "seed 2026, common random numbers, once per variant. Variants (every other field at its default):"
  echo
  for variant in "${variants[@]}"; do
    name="${variant%%|*}"; body="${variant#*|}"
    echo "- \`$name\`: ${body:-the defaults (steered beam, los, logistic surrogate, JPEG whole-file rate)}" |
      sed 's/\\n/; /g; s/\[\([a-z]*\)\]; /[\1] /g'
  done
  echo
  echo "The grid variant's grid is synthetic (the default surface sampled with 0.002 SSIM noise;"
  echo "see tools/robustness.sh): no measured DJSCC grid is available to this project."
  echo
  cat "$work/table.md"
} > "$outdir/robustness.md"
echo "robustness: $outdir/robustness.md (${elapsed_s} s)"
