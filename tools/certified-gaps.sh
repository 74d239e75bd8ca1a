#!/usr/bin/env bash
# Each algorithm's certified gap (issue 18): runs the paper's three sweeps (sweeps/paper/), the
# budget-binding study (sweeps/studies/budget-binding.toml) and the large one (K = 32, N = 20,
# T = 600: sweeps/studies/certified-large.toml) with the certified lower bound (on by default) at
# a modest instance count, and writes results/certified-gaps.md from `leosem report` and the
# file's per-instance /status and /power_w (h5dump; nothing typed by hand). The HDF5 files go to
# a temporary directory (results/*.h5 are not touched).
#   tools/certified-gaps.sh [paper_instances=20] [budget_instances=40] [threads=2] [large_instances=40]
# Needs build/leosem (or LEOSEM=path) and h5dump (hdf5-tools).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
leosem="${LEOSEM:-$root/build/leosem}"
paper_instances="${1:-20}"
budget_instances="${2:-40}"
threads="${3:-2}"
large_instances="${4:-40}"
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

# Per point, from the file's per-instance results: how many instances have a bound, on how many
# the dual proves the optimum itself (the bound's status optimal: a zero projected subgradient),
# how many are proven infeasible, and on how many JCRRA's power is at the proven bound (within
# 1e-7 relative: the bound's gap tolerance, where its ascent stops when JCRRA's power is its target,
# as in a sweep that runs JCRRA), and on how many the optimum is proven either way (that ascent
# stops at JCRRA's power before it reaches a zero subgradient). Arrays are [algorithm][point][instance].
per_instance() {  # file
  h5dump -y -w 0 -m '%.17g' -d /algorithm -d /status -d /power_w "$1" | awk '
    /^DATASET "\/(algorithm|status|power_w)"/ { name = $2; gsub(/"|\//, "", name); want = 1; next }
    /^DATASET/ { want = 0 }
    want && /^   DATASPACE/ { gsub(/[(),]/, " "); split($0, d, " "); dims[name] = d[4] " " d[5] " " d[6]; next }
    want && /^   DATA \{/ { reading = 1; next }
    reading && /^   \}/ { reading = 0; want = 0; next }
    reading { gsub(/\\000/, ""); gsub(/"/, ""); m = split($0, v, ",")
              for (i = 1; i <= m; i++) { x = v[i]; gsub(/ /, "", x); if (x != "") val[name, c[name]++] = x } }
    END {
      split(dims["power_w"], d, " "); A = d[1] + 0; P = d[2] + 0; I = d[3] + 0; lb = jc = -1
      for (a = 0; a < A; a++) { if (val["algorithm", a] == "lower-bound") lb = a; if (val["algorithm", a] == "jcrra") jc = a }
      if (lb < 0 || jc < 0) exit
      for (p = 0; p < P; p++) {
        proven = bounded = infeasible = at_bound = served = either = 0
        for (i = 0; i < I; i++) {
          s = val["status", (lb * P + p) * I + i]; b = val["power_w", (lb * P + p) * I + i] + 0
          proven += s == 0; bounded += s == 0 || s == 1; infeasible += s == 2
          js = val["status", (jc * P + p) * I + i]; j = val["power_w", (jc * P + p) * I + i] + 0
          here = 0
          if (js == 0 || js == 1) { served++; if (b > 0 && j * (1 - 1e-7) <= b) { at_bound++; here = 1 } }
          either += s == 0 || here
        }
        printf "- point %d of %d: bound on %d of %d instances, proven infeasible %d; the dual proves the optimum itself on %d (%.1f %%); JCRRA served %d, proven optimal (at the bound) on %d (%.1f %%); the optimum proven either way on %d (%.1f %%)\n", p + 1, P, bounded, I, infeasible, proven, 100 * proven / I, served, at_bound, served ? 100 * at_bound / served : 0, either, 100 * either / I
      }
    }'
}

{
  echo "# Certified gaps on the paper's sweeps, where the budget binds, and at K = 32, N = 20, T = 600"
  echo
  echo "Written by \`tools/certified-gaps.sh $paper_instances $budget_instances $threads $large_instances\` on $(date -u +%Y-%m-%d)"
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
    per_instance "$work/$name.h5"
    echo
    echo '```'
    "$leosem" report "$work/$name.h5"
    echo '```'
  } >> "$out"
}

for sweep in "$root"/sweeps/paper/*.toml; do run_one "$sweep" "$paper_instances"; done
run_one "$root/sweeps/studies/budget-binding.toml" "$budget_instances"
run_one "$root/sweeps/studies/certified-large.toml" "$large_instances"
echo "certified-gaps: wrote $out"
