#!/usr/bin/env bash
# The main job. For now: the default scenario's link summary (instance 0).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tools/setup.sh"
bash "$root/tools/build.sh" > "$root/build.log" 2>&1 || { cat "$root/build.log"; exit 1; }
"$root/build/leosem" scenario "$root/sweeps/scenarios/default.toml" "$@"
