#!/usr/bin/env bash
# The main job: runs the paper's three sweeps (sweeps/paper/, MODEL.md §8) and draws them.
#   bash tools/paper.sh [INSTANCES] [OUTDIR]
# INSTANCES per point (default: as in the sweep files); OUTDIR (default out/paper/) receives
# <sweep>.h5, <sweep>.png figures, <sweep>-summary.csv and <sweep>-paired.csv. The committed
# results/ were made with `bash tools/paper.sh 400 results`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
instances="${1:-}"
outdir="$(realpath -m "${2:-$root/out/paper}")"
bash "$root/tools/setup.sh"
bash "$root/tools/build.sh" > "$root/build.log" 2>&1 || { cat "$root/build.log"; exit 1; }
mkdir -p "$outdir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files=()
for sweep in "$root"/sweeps/paper/*.toml; do
  name="$(basename "$sweep" .toml)"
  count=()
  [ -z "$instances" ] || count=(--instances "$instances")  # same sweep, another instance count (recorded)
  "$root/build/leosem" run "$sweep" "${count[@]}" --out "$work/$name.h5"
  "$root/build/leosem" report "$work/$name.h5"
  cp "$work/$name.h5" "$outdir/$name.h5"
  files+=("$outdir/$name.h5")
done
/usr/bin/python3 "$root/tools/plot_paper.py" "$outdir" "${files[@]}"
