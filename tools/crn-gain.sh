#!/usr/bin/env bash
# What common random numbers buy (MODEL §8): Fig. 4's adjacent points 60 and 90 slots, JCRRA
# and Greedy JPEG, INSTANCES per point (default 300), run with common random numbers (the
# default) and with independent_points = true; prints, for each, the mean per-instance power
# ratio P(60)/P(90) in dB over the instances served at both points and its 95 % CI half-width.
#   bash tools/crn-gain.sh [INSTANCES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
instances="${1:-300}"
leosem="${LEOSEM:-$root/build/leosem}"  # LEOSEM=PATH runs another binary
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
for keying in common independent; do
  extra=""; [ "$keying" = independent ] && extra="independent_points = true"
  cat > "$work/$keying.toml" <<TOML
name = "fig4-adjacent-$keying"
scenario = "$root/sweeps/scenarios/default.toml"
instances = $instances
algorithms = ["jcrra", "greedy-jpeg"]
seed = 2026
$extra
[[axis]]
field = "users.deadline_mean_slots"
values = [60, 90]
TOML
  "$leosem" run "$work/$keying.toml" --out "$work/$keying.h5" > /dev/null 2> "$work/$keying.log" ||
    { cat "$work/$keying.log" >&2; exit 1; }
done
/usr/bin/python3 - "$work" "$instances" <<'PY'
import math, sys, h5py
work, instances = sys.argv[1], sys.argv[2]
print(f"Fig. 4, 60 vs 90 slots, {instances} instances per point: per-instance 10 log10(P60/P90), dB")
print("| algorithm | keying | instances served at both | mean dB | 95 % CI half-width dB |")
print("|---|---|---|---|---|")
for algorithm in ("jcrra", "greedy-jpeg"):
    for keying in ("common", "independent"):
        with h5py.File(f"{work}/{keying}.h5", "r") as f:
            if "power_w" in f:  # leosem-sweep-2: [algorithm, point, instance]
                names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["/power_w"].dims[0][0][...]]
                power = f["/power_w"][names.index(algorithm), :, :]
            else:  # leosem-sweep-1
                power = f[f"/results/{algorithm}/power_w"][...]
        d = [10 * math.log10(power[0, i] / power[1, i]) for i in range(power.shape[1])
             if power[0, i] > 0 and power[1, i] > 0]
        mean = sum(d) / len(d)
        half = 1.96 * math.sqrt(sum((x - mean) ** 2 for x in d) / (len(d) - 1) / len(d))
        print(f"| {algorithm} | {keying} | {len(d)} | {mean:+.3f} | {half:.3f} |")
PY
