#!/usr/bin/env bash
# Each algorithm's certified gap (issue 18): runs the paper's three sweeps (sweeps/paper/) and the
# budget-binding study (sweeps/studies/budget-binding.toml) with the certified lower bound (on by
# default) at a modest instance count, and writes results/certified-gaps.md from `leosem report`
# (nothing typed by hand). The HDF5 files go to a temporary directory (results/*.h5 are not
# touched).
#   tools/certified-gaps.sh [paper_instances=20] [budget_instances=40] [threads=2]
# Needs build/leosem (or LEOSEM=path).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
leosem="${LEOSEM:-$root/build/leosem}"
paper_instances="${1:-20}"
budget_instances="${2:-40}"
threads="${3:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$root/results/certified-gaps.md"

# Per algorithm over every point of a report CSV (one axis): instances, served, the largest
# certified gap (max over the points' maxima) and the mean of the points' means weighted by served.
overall() {
  awk -F, 'NR > 1 && $1 != "lower-bound" && $1 != "greedy-jpeg" {
      n[$1] += $3; s[$1] += $4
      if ($(NF) != "nan" && $(NF) != "") { if (!($1 in m) || $(NF) + 0 > m[$1]) m[$1] = $(NF) + 0; w[$1] += $4 * $(NF-2); ws[$1] += $4 }
      if (!($1 in order)) { order[$1] = ++k; name[k] = $1 } }
    END { for (i = 1; i <= k; i++) { a = name[i]
      if (a in m) printf "- **%s**: served %d of %d instances; certified gap mean %.4f dB, max %.4f dB: within %.4f dB of optimal on every instance it served, proven.\n", a, s[a], n[a], w[a] / ws[a], m[a], m[a]
      else printf "- **%s**: served %d of %d instances; no certified gap.\n", a, s[a], n[a] } }'
}

{
  echo "# Certified gaps on the paper's sweeps and where the budget binds"
  echo
  echo "Written by \`tools/certified-gaps.sh $paper_instances $budget_instances $threads\` on $(date -u +%Y-%m-%d)"
  echo "(leosem $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)). The certified gap of an"
  echo "algorithm on an instance is 10·log10(P / bound), P its power and bound the certified Lagrangian"
  echo "lower bound on the optimum (docs/jcrra.md §12): the optimum lies within it, proven. Greedy JPEG"
  echo "is another transmission scheme (not bounded by the JSCC bound) and is left out. Per point:"
  echo "\`leosem report\`'s certified gap mean / p95 / max over the instances served."
} > "$out"

run_one() {  # sweep file, instances
  local sweep="$1" n="$2" name
  name="$(basename "$sweep" .toml)"
  "$leosem" run "$sweep" --instances "$n" --threads "$threads" --out "$work/$name.h5" 2> "$work/$name.log"
  "$leosem" report "$work/$name.h5" --csv > "$work/$name.csv"
  {
    echo
    echo "## $name ($n instances per point)"
    echo
    overall < "$work/$name.csv"
    echo
    echo '```'
    "$leosem" report "$work/$name.h5"
    echo '```'
  } >> "$out"
}

for sweep in "$root"/sweeps/paper/*.toml; do run_one "$sweep" "$paper_instances"; done
run_one "$root/sweeps/studies/budget-binding.toml" "$budget_instances"
echo "certified-gaps: wrote $out"
