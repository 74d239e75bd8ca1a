#!/usr/bin/env bash
# The extra studies of issue 21 (sweeps/studies/): Fig. 4 with deadlines counted from closest
# approach, users per sub-channel on the contended set, and the paper's three figures on the
# measured deep-JSCC surface (sweeps/studies/measured/). Runs them, draws them with
# tools/plot_paper.py and writes OUTDIR/studies.md from the paired CSVs (every number from the data);
# with OUTDIR = results/studies also the studies' block of results/README.md.
#   bash tools/studies.sh [OUTDIR]      (default results/studies; about 5 min on 2 cores)
# Assumes build/leosem is built (bash tools/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
outdir="$(realpath -m "${1:-$root/results/studies}")"
leosem="${LEOSEM:-$root/build/leosem}"
[ -x "$leosem" ] || { echo "studies: build first (bash tools/build.sh)" >&2; exit 1; }
mkdir -p "$outdir"
files=()
for sweep in fig4-from-approach contended-users measured/fig4-delay measured/fig5-images measured/fig6-ssim; do
  study="$(sed -n 's/^name = "\(.*\)"/\1/p' "$root/sweeps/studies/$sweep.toml")"
  "$leosem" run "$root/sweeps/studies/$sweep.toml" --out "$outdir/$study.h5" --force > "$outdir/$study.log" 2>&1 ||
    { cat "$outdir/$study.log" >&2; exit 1; }
  rm -f "$outdir/$study.log"
  files+=("$outdir/$study.h5")
done
/usr/bin/python3 "$root/tools/plot_paper.py" "$outdir" "${files[@]}"
# With the committed results/studies, the block of results/README.md that summarises them too.
readme=()
[ "$outdir" != "$(realpath -m "$root/results/studies")" ] || readme=(--readme "$root/results/README.md")
/usr/bin/python3 "$root/tools/studies_page.py" "$outdir" "$("$leosem" info | sed -n 's/^git commit: //p')" "${readme[@]}" > "$outdir/studies.md"
echo "studies: wrote $outdir/studies.md"
