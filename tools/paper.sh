#!/usr/bin/env bash
# The main job: runs the paper's three sweeps (sweeps/paper/, MODEL.md §8) and draws them.
#   bash tools/paper.sh [INSTANCES] [OUTDIR]
# INSTANCES per point (default: as in the sweep files); OUTDIR (default out/paper/) receives
# <sweep>.h5, <sweep>.png figures, <sweep>-summary.csv and <sweep>-paired.csv (and the generated
# block of OUTDIR/README.md, when it has one: tools/plot_paper.py --readme). The committed
# results/ were made with `bash tools/paper.sh 400 results`. Builds first (below: build-cpu/
# without a GPU, build/ with one).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
instances="${1:-}"
outdir="$(realpath -m "${2:-$root/out/paper}")"
bash "$root/tools/setup.sh"
# With a GPU (nvidia-smi lists one): the usual build/, CUDA built for that GPU alone (CMake's
# `native`). Without: the leosem command alone (no tests, no benchmarks), CUDA off, in a folder
# of its own, build-cpu/ (so build/ keeps its settings): device code for five architectures
# would take minutes to compile and never run here. LEOSEM_CUDA=ON|OFF decides instead.
started=$SECONDS
if [ "${LEOSEM_CUDA:-AUTO}" != OFF ] && { [ "${LEOSEM_CUDA:-AUTO}" = ON ] || nvidia-smi -L 2> /dev/null | grep -q '^GPU '; }; then
  build="$root/build"
  bash "$root/tools/build.sh" > "$root/build.log" 2>&1 || { cat "$root/build.log"; exit 1; }
else
  build="$root/build-cpu"
  LEOSEM_CUDA=OFF LEOSEM_BUILD_DIR="$build" bash "$root/tools/build.sh" -DBUILD_TESTING=OFF -DLEOSEM_BENCHMARKS=OFF \
    > "$root/build.log" 2>&1 || { cat "$root/build.log"; exit 1; }
fi
built=$SECONDS
echo "paper.sh: built $build/leosem in $((built - started)) s ($(grep -m1 '^backends' <("$build/leosem" info)))"
mkdir -p "$outdir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files=()
for sweep in "$root"/sweeps/paper/*.toml; do
  name="$(basename "$sweep" .toml)"
  count=()
  [ -z "$instances" ] || count=(--instances "$instances")  # same sweep, another instance count (recorded)
  "$build/leosem" run "$sweep" "${count[@]}" --out "$work/$name.h5"
  "$build/leosem" report "$work/$name.h5"
  cp "$work/$name.h5" "$outdir/$name.h5"
  files+=("$outdir/$name.h5")
done
swept=$SECONDS
# The results page's generated block (numbers from these files), when OUTDIR has such a page.
readme=()
grep -q -- '<!-- begin generated: tools/plot_paper.py -->' "$outdir/README.md" 2> /dev/null && readme=(--readme "$outdir/README.md")
/usr/bin/python3 "$root/tools/plot_paper.py" "$outdir" "${files[@]}" "${readme[@]}"
echo "paper.sh: build $((built - started)) s, sweeps $((swept - built)) s, figures $((SECONDS - swept)) s"
