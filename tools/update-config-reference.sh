#!/usr/bin/env bash
# Rewrites sweeps/scenarios/default.toml and the generated block of docs/configuration.md from the
# field table (host/scenario/field_table.cpp), with `leosem scenario --print-fields toml|md`.
# Run it after changing the table; tests/scenario/test_defaults_docs.cpp fails until the files agree.
# LEOSEM=path/to/leosem picks the binary (default: build/leosem).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
leosem=${LEOSEM:-$root/build/leosem}
[[ -x $leosem ]] || { echo "update-config-reference: $leosem not found; build first (tools/build.sh)" >&2; exit 2; }

toml=$root/sweeps/scenarios/default.toml
"$leosem" scenario --print-fields toml > "$toml.new"
mv "$toml.new" "$toml"

docs=$root/docs/configuration.md
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
"$leosem" scenario --print-fields md > "$generated"
grep -q '^<!-- begin: generated' "$docs" || { echo "update-config-reference: no begin marker in $docs" >&2; exit 1; }
awk -v generated="$generated" '
  index($0, "<!-- begin: generated") == 1 { while ((getline line < generated) > 0) print line; skipping = 1; next }
  skipping && index($0, "<!-- end: generated -->") == 1 { skipping = 0; next }
  !skipping { print }' "$docs" > "$docs.new"
mv "$docs.new" "$docs"
echo "updated $toml and $docs"
