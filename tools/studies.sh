#!/usr/bin/env bash
# The extra studies of issue 21 (sweeps/studies/): Fig. 4 with deadlines counted from closest
# approach, and users per sub-channel on the contended set. Runs them, draws them with
# tools/plot_paper.py and writes OUTDIR/studies.md from the paired CSVs (every number from the data).
#   bash tools/studies.sh [OUTDIR]      (default results/studies; about 2 min on 2 cores)
# Assumes build/leosem is built (bash tools/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
outdir="$(realpath -m "${1:-$root/results/studies}")"
leosem="${LEOSEM:-$root/build/leosem}"
[ -x "$leosem" ] || { echo "studies: build first (bash tools/build.sh)" >&2; exit 1; }
mkdir -p "$outdir"
files=()
for study in fig4-from-approach contended-users; do
  "$leosem" run "$root/sweeps/studies/$study.toml" --out "$outdir/$study.h5" --force > "$outdir/$study.log" 2>&1 ||
    { cat "$outdir/$study.log" >&2; exit 1; }
  rm -f "$outdir/$study.log"
  files+=("$outdir/$study.h5")
done
/usr/bin/python3 "$root/tools/plot_paper.py" "$outdir" "${files[@]}"
/usr/bin/python3 "$root/tools/studies_page.py" "$outdir" "$("$leosem" info | sed -n 's/^git commit: //p')" > "$outdir/studies.md"
echo "studies: wrote $outdir/studies.md"
