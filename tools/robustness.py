#!/usr/bin/env python3
"""Tests the paper's six claims (MODEL §8) on sweep files, one set of three studies per model
variant, and writes a Markdown table: claims x variants, each cell "holds" or "fails" with its
effect size and 95 % confidence interval. tools/robustness.sh runs the sweeps and calls this.

    python3 tools/robustness.py OUT.md VARIANT=DIR [VARIANT=DIR ...]

Each DIR holds fig4-delay.h5, fig5-images.h5 and fig6-ssim.h5 (leosem sweep files, layout in
docs/sweep-output.md, schema 1 or 2), each with the algorithms jcrra, greedy-jscc, greedy-jpeg. Reads only the
documented HDF5 layout, not the engine. Needs h5py (Debian: python3-h5py).

Every effect is a mean of per-instance power ratios in dB, 10 log10(P_a / P_b), over the
instances both sides serve (in an adaptive run's files, those both points evaluated and serve), with the 95 % CI mean +/- 1.96 s / sqrt(n). Under common random
numbers (the default) instance i is the same draw at every point, so differences between points
are paired per instance.
"""
import math
import os
import sys

import h5py

STUDIES = ("fig4-delay", "fig5-images", "fig6-ssim")
ALGORITHMS = ("jcrra", "greedy-jscc", "greedy-jpeg")
SHORT = {"jcrra": "JCRRA", "greedy-jscc": "G-JSCC", "greedy-jpeg": "G-JPEG"}


class Study:
    """One study's per-instance power and status by algorithm, [point, instance], from either
    sweep-file schema (leosem-sweep-2: root arrays [algorithm, axis, instance]; leosem-sweep-1:
    /results/<algorithm>/...)."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            if int(f.attrs["complete"]) != 1:
                sys.exit(f"{path}: not a complete sweep file")
            fmt = f.attrs["format"]
            fmt = fmt.decode() if isinstance(fmt, bytes) else str(fmt)
            if fmt == "leosem-sweep-1":
                self.x = [float(v) for v in f["/points/axis_values"][:, 0]]
                self.power = {a: f["/results/" + a + "/power_w"][...] for a in ALGORITHMS}
                self.status = {a: f["/results/" + a + "/status"][...] for a in ALGORITHMS}
            else:
                power, status = f["/power_w"], f["/status"]
                if len(power.shape) != 3:
                    sys.exit(f"{path}: expected one axis")
                names = [n.decode() if isinstance(n, bytes) else str(n) for n in power.dims[0][0][...]]
                self.x = [float(v) for v in power.dims[1][0][...]]
                self.power = {a: power[names.index(a), :, :] for a in ALGORITHMS}
                self.status = {a: status[names.index(a), :, :] for a in ALGORITHMS}
            self.instances = self.power[ALGORITHMS[0]].shape[1]
            # Instances evaluated per point: all of them, or an adaptive run's (target_ci_db) count
            # (its later instances are not computed, status -1, so they are never served).
            self.evaluated = [int((self.status[ALGORITHMS[0]][p, :] >= 0).sum()) for p in range(len(self.x))]

    def point(self, value):
        return min(range(len(self.x)), key=lambda p: abs(self.x[p] - value))

    def served(self, a, p, i):
        return self.status[a][p, i] in (0, 1)

    def db(self, a, p, i):
        return 10.0 * math.log10(self.power[a][p, i])


class Effect:
    """Mean and 95 % CI of per-instance values; `holds` says whether the CI lies above 0."""

    def __init__(self, values):
        self.n = len(values)
        self.mean = sum(values) / self.n if values else float("nan")
        if self.n > 1:
            variance = sum((v - self.mean) ** 2 for v in values) / (self.n - 1)
            self.half = 1.96 * math.sqrt(variance / self.n)
        else:
            self.half = float("nan")

    @property
    def low(self):
        return self.mean - self.half

    @property
    def holds(self):
        return self.n > 1 and self.low > 0.0

    def text(self, unit="dB"):
        if self.n == 0:
            return "no common instances"
        return f"{self.mean:+.2f} {unit} [{self.low:+.2f}, {self.mean + self.half:+.2f}] (n={self.n})"


def paired(study, terms):
    """Per instance, sum of c * dB(a at point p) over terms (c, a, p), over instances where
    every term's algorithm serves its point."""
    values = []
    for i in range(study.instances):
        if all(study.served(a, p, i) for _, a, p in terms):
            values.append(sum(c * study.db(a, p, i) for c, a, p in terms))
    return Effect(values)


def weakest(effects):
    """The effect with the lowest CI bound, and whether every effect holds."""
    name, effect = min(effects.items(), key=lambda kv: kv[1].low if kv[1].n > 1 else -math.inf)
    return all(e.holds for e in effects.values()), name, effect


def cell(holds, effect, detail):
    """(short text for the table, long text for the details)."""
    verdict = "holds" if holds else "**fails**"
    short = f"{verdict} {effect.mean:+.2f} [{effect.low:+.2f}, {effect.mean + effect.half:+.2f}]"
    return short, f"{verdict}: {detail}"


def claims(dirpath):
    s4, s5, s6 = (Study(os.path.join(dirpath, name + ".h5")) for name in STUDIES)
    rows = []
    # 1. Power falls as deadlines relax: P(30 slots) / P(120 slots) > 1 for every scheme.
    lo, hi = s4.point(30), s4.point(120)
    ok, a, e = weakest({a: paired(s4, [(1, a, lo), (-1, a, hi)]) for a in ALGORITHMS})
    rows.append(cell(ok, e, f"weakest scheme {SHORT[a]}: {e.text()}"))
    # 2. Power rises with demand: P(80 000 images) / P(20 000) > 1 for every scheme.
    lo, hi = s5.point(20000), s5.point(80000)
    ok, a, e = weakest({a: paired(s5, [(1, a, hi), (-1, a, lo)]) for a in ALGORITHMS})
    rows.append(cell(ok, e, f"weakest scheme {SHORT[a]}: {e.text()}"))
    # 3, 4. JCRRA < Greedy JSCC < Greedy JPEG at every point of every study.
    for better, worse in (("jcrra", "greedy-jscc"), ("greedy-jscc", "greedy-jpeg")):
        effects = {}
        for name, s in zip(("Fig. 4", "Fig. 5", "Fig. 6"), (s4, s5, s6)):
            for p, x in enumerate(s.x):
                effects[f"{name} at {x:g}"] = paired(s, [(1, worse, p), (-1, better, p)])
        ok, where, e = weakest(effects)
        rows.append(cell(ok, e, f"weakest point {where}: {e.text()}"))
    # 5. The JSCC-JPEG gap widens at low SSIM: gap(0.65) - gap(0.85) > 0, gap = dB(JPEG / JCRRA).
    lo, hi = s6.point(0.65), s6.point(0.85)
    e = paired(s6, [(1, "greedy-jpeg", lo), (-1, "jcrra", lo), (-1, "greedy-jpeg", hi), (1, "jcrra", hi)])
    rows.append(cell(e.holds, e, e.text()))
    # 6. JPEG power barely falls as the requirement is lowered: its fall from 0.85 to 0.65 is
    #    less than a third of JCRRA's: fall(JCRRA)/3 - fall(JPEG) > 0.
    fall_jpeg = paired(s6, [(1, "greedy-jpeg", hi), (-1, "greedy-jpeg", lo)])
    fall_jcrra = paired(s6, [(1, "jcrra", hi), (-1, "jcrra", lo)])
    e = paired(s6, [(1 / 3, "jcrra", hi), (-1 / 3, "jcrra", lo), (-1, "greedy-jpeg", hi), (1, "greedy-jpeg", lo)])
    rows.append(cell(e.holds, e, f"{e.text()}; JPEG falls {fall_jpeg.text()}, JCRRA {fall_jcrra.text()}"))
    # Feasible fraction of each scheme at the default point of Fig. 4 (60 slots).
    p = s4.point(60)
    feasible = ", ".join(f"{SHORT[a]} {sum(s4.served(a, p, i) for i in range(s4.instances)) / s4.evaluated[p]:.0%}"
                         for a in ALGORITHMS)
    counts = [n for s in (s4, s5, s6) for n in s.evaluated]
    return rows, feasible, str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"


CLAIMS = [
    "1. Power falls as deadlines relax (Fig. 4: 30 vs 120 slots, every scheme)",
    "2. Power rises with demand (Fig. 5: 80 000 vs 20 000 images, every scheme)",
    "3. JCRRA < Greedy JSCC everywhere (every point of the three studies)",
    "4. Greedy JSCC < Greedy JPEG everywhere (every point of the three studies)",
    "5. The JSCC-JPEG gap widens at low SSIM (Fig. 6: gap at 0.65 minus gap at 0.85, JCRRA)",
    "6. JPEG power barely falls as the requirement is lowered (Fig. 6: JPEG's fall 0.85 -> 0.65 "
    "less than a third of JCRRA's)",
]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, variants = argv[1], [arg.split("=", 1) for arg in argv[2:]]
    results = {name: claims(path) for name, path in variants}
    names = [name for name, _ in variants]
    lines = ["| claim | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for c, claim in enumerate(CLAIMS):
        lines.append(f"| {claim} | " + " | ".join(results[n][0][c][0] for n in names) + " |")
    lines.append("| claims holding | " + " | ".join(
        f"{sum(not r[0].startswith('**fails') for r in results[n][0])}/6" for n in names) + " |")
    lines.append("| feasible at the default point (Fig. 4, 60 slots) | " + " | ".join(
        results[n][1] for n in names) + " |")
    lines.append("| instances per point | " + " | ".join(results[n][2] for n in names) + " |")
    details = []
    for n in names:
        details.append(f"\n**{n}**\n")
        for c, claim in enumerate(CLAIMS):
            details.append(f"- claim {c + 1}: {results[n][0][c][1]}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n\nClaims (cell: verdict, effect in dB [95 % CI]):\n\n")
        f.write("\n".join(f"- {c}" for c in CLAIMS) + "\n\n## Details\n" + "\n".join(details) + "\n")
    print(out)


if __name__ == "__main__":
    main(sys.argv)
