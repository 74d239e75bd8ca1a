#!/usr/bin/env bash
# `leosem solve`: prints one row per algorithm, writes HDF5 atomically, rejects bad input.
# Usage: bash solve.sh <leosem-binary> <source-dir>
set -euo pipefail
leosem="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A small scenario keeps the exact MILP fast.
config="$work/small.toml"
  cat > "$config" <<'TOML'
seed = 3
[time]
slots = 40
[radio]
subchannels = 4
bandwidth_mhz = 16
[users]
count = 3
deadline_mean_slots = 24
images_mean = 20000
TOML

out="$("$leosem" solve "$config" --instance 2 --algorithms greedy-jscc,jcrra,exact,mcf,greedy-jpeg \
  --output "$work/solve.h5")"
echo "$out"
for name in greedy-jscc jcrra exact mcf greedy-jpeg; do
  grep -q "^$name " <<<"$out" || { echo "missing row for $name"; exit 1; }
done
# Greedy JPEG uses the scenario's JPEG table (the committed default).
grep -q "^greedy-jpeg  *feasible" <<<"$out" || { echo "greedy-jpeg not solved with the default table"; exit 1; }
grep -q "^exact  *optimal" <<<"$out" || { echo "exact not optimal"; exit 1; }
[[ -f "$work/solve.h5" && ! -e "$work/solve.h5.partial" ]] || { echo "no HDF5 output"; exit 1; }
if command -v h5dump >/dev/null; then
  h5dump -a /jcrra/status "$work/solve.h5" | grep -q '"feasible"' || { echo "HDF5 /jcrra/status wrong"; exit 1; }
  h5dump -d /exact/power_w -H "$work/solve.h5" | grep -q "DATASPACE  SIMPLE" || { echo "no /exact/power_w"; exit 1; }
fi
# The exact optimum is never above JCRRA, which is never above Greedy JSCC.
powers="$(awk '$1=="greedy-jscc"||$1=="jcrra"||$1=="exact" {print $1, $3}' <<<"$out")"
g=$(awk '$1=="greedy-jscc"{print $2}' <<<"$powers"); j=$(awk '$1=="jcrra"{print $2}' <<<"$powers")
e=$(awk '$1=="exact"{print $2}' <<<"$powers")
awk -v g="$g" -v j="$j" -v e="$e" 'BEGIN { exit !(e <= j + 1e-3 && j <= g + 1e-3) }' || { echo "order broken: $g $j $e"; exit 1; }

# The certified lower bound: printed, and every JSCC row's gap_db (column 4) is >= 0 (the bound
# is never above a feasible power); greedy-jpeg solves another problem and has none.
grep -q "^lower bound: .* dBm .*certified" <<<"$out" || { echo "no lower bound line"; exit 1; }
# Its Polyak target is the least JSCC power in the list (here the exact optimum, or a tie with it).
grep -q "^lower bound: .* iterations aimed at [a-z-]*'s power" <<<"$out" || { echo "bound's target not named"; exit 1; }
alone="$("$leosem" solve "$config" --algorithms lower-bound)"
grep -q "^lower bound: .* iterations aimed at 1.05 x its best (no JSCC solution)" <<<"$alone" ||
  { echo "bound without a target not said: $alone"; exit 1; }
awk '$1=="greedy-jscc"||$1=="jcrra"||$1=="exact"||$1=="mcf" { if ($4 == "-" || $4 < 0) bad = 1 }
     $1=="greedy-jpeg" { if ($4 != "-") bad = 1 } END { exit bad }' <<<"$out" || { echo "gap_db column wrong"; exit 1; }
if command -v h5dump >/dev/null; then
  h5dump -a /lower_bound_w "$work/solve.h5" | grep -q "H5T_IEEE_F64LE" || { echo "no /lower_bound_w"; exit 1; }
  h5dump -a /jcrra/certified_gap_db "$work/solve.h5" | grep -q "H5T_IEEE_F64LE" || { echo "no certified_gap_db"; exit 1; }
fi

# Bad input: unknown algorithm, missing file.
if "$leosem" solve "$config" --algorithms nonsense 2>"$work/err"; then echo "accepted a bad algorithm"; exit 1; fi
grep -q "unknown algorithm" "$work/err" || { cat "$work/err"; exit 1; }
if "$leosem" solve "$work/missing.toml" 2>"$work/err"; then echo "accepted a missing file"; exit 1; fi
echo "solve CLI OK"
