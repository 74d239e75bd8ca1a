#!/usr/bin/env bash
# `cmake --install` puts leosem, its data, the sweeps and the Python package under a prefix; the
# prefix still works after it is moved (the data directory is found relative to the executable,
# no source path compiled in); LEOSEM_DATA_DIR overrides it; a missing data directory is a
# clear error.
set -euo pipefail
leosem="$1"
source_dir="$2"
build="$(cd "$(dirname "$leosem")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
unset LEOSEM_DATA_DIR

cmake --install "$build" --prefix "$work/first" > "$work/install.log" || fail "cmake --install: $(cat "$work/install.log")"
mv "$work/first" "$work/moved"
prefix="$work/moved"
[ -x "$prefix/bin/leosem" ] || fail "no bin/leosem"
[ -f "$prefix/share/leosem/data/jpeg_table_aerial64.csv" ] || fail "no data"
[ -f "$prefix/share/leosem/sweeps/paper/fig4-delay.toml" ] || fail "no sweeps"
[ -f "$prefix/share/leosem/python/leosem/__init__.py" ] || fail "no Python package"
if grep -q -a "$source_dir/results/data" "$prefix/bin/leosem"; then fail "the source data path is compiled in"; fi

# A sweep from the moved prefix, run from elsewhere (the source tree out of reach of relative paths).
cd "$work"
"$prefix/bin/leosem" run "$prefix/share/leosem/sweeps/paper/fig4-delay.toml" --instances 2 \
  --set users.count=3 --out "$work/r.h5" 2> "$work/err.txt" || fail "run from the moved prefix: $(cat "$work/err.txt")"
"$prefix/bin/leosem" report "$work/r.h5" | grep -q "5 points x 2 instances" || fail "report from the moved prefix"
if command -v /usr/bin/python3 > /dev/null && /usr/bin/python3 -c "import xarray" 2> /dev/null; then
  PYTHONPATH="$prefix/share/leosem/python" /usr/bin/python3 -c "
import leosem
ds = leosem.open_sweep('$work/r.h5')
assert ds.sizes['users.deadline_mean_slots'] == 5 and ds.sizes['instance'] == 2, ds.sizes
assert leosem.__file__.startswith('$prefix'), leosem.__file__
" || fail "the installed Python package"
fi

# Without its data directory: a clear error naming LEOSEM_DATA_DIR; with it set: works again.
mv "$prefix/share/leosem/data" "$work/data-elsewhere"
if "$prefix/bin/leosem" run "$prefix/share/leosem/sweeps/paper/fig4-delay.toml" --instances 2 --out "$work/x.h5" \
  2> "$work/err.txt"; then fail "ran without its data directory"; fi
grep -q "LEOSEM_DATA_DIR" "$work/err.txt" || fail "unclear error without data: $(cat "$work/err.txt")"
LEOSEM_DATA_DIR="$work/data-elsewhere" "$prefix/bin/leosem" run "$prefix/share/leosem/sweeps/paper/fig4-delay.toml" \
  --instances 2 --set users.count=3 --out "$work/y.h5" 2> "$work/err.txt" || fail "LEOSEM_DATA_DIR: $(cat "$work/err.txt")"
h5diff "$work/r.h5" "$work/y.h5" /power_w /power_w > /dev/null || fail "LEOSEM_DATA_DIR gave other results"
echo "install: all checks passed"
