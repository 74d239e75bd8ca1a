#!/usr/bin/env python3
"""Tests the paper's six claims (MODEL §8) on sweep files, one set of three studies per model
variant, and writes the whole robustness page: provenance, the claims x variants table (each cell
"holds", "fails" or "n/a" with its effect and 95 % CI), what it says, run time and details. Every
number on the page is computed here from the sweep files, so none can go stale. tools/robustness.sh
runs the sweeps and calls this.

    python3 tools/robustness.py OUT.md [--command CMD] [--elapsed-s S] [--previous OLD.md]
                                [--readme README.md] VARIANT=DIR [VARIANT=DIR ...]
    python3 tools/robustness.py results/robustness.md --from results/robustness --readme results/README.md

--from DIR takes the command, run time, variants (DIR/<variant>) and previous page (DIR/previous.md)
from the run's record DIR/run.txt, which tools/robustness.sh writes: the committed page is rewritten
from the committed sweep files in seconds, without a re-run.

Each DIR holds fig4-delay.h5, fig5-images.h5 and fig6-ssim.h5 (leosem sweep files, layout in
docs/sweep-output.md, schema 1 or 2), each with the algorithms jcrra, greedy-jscc, greedy-jpeg,
and optionally scenario.toml (the variant's fields, listed on the page) and note.md (a sentence on
what the variant is). A variant's axes are read from its files: a variant may sweep another range
(e.g. Fig. 4's deadlines inside a shorter window), and each claim compares the ends of the axis
the variant ran, which the page names. --previous compares the verdicts with an older page;
--readme rewrites the block between "<!-- begin generated: tools/robustness.py -->" and
"<!-- end generated: tools/robustness.py -->" of that page with a summary. Reads only the
documented HDF5 layout, not the engine. Needs h5py (Debian: python3-h5py).

Every effect is a mean of per-instance power ratios in dB, 10 log10(P_a / P_b), over the
instances both sides serve (in an adaptive run's files, those both points evaluated and serve),
with the 95 % CI mean +/- 1.96 s / sqrt(n). Under common random numbers (the default) instance i
is the same draw at every point, so differences between points are paired per instance. An effect
with fewer than two such instances cannot be tested: "n/a", never "fails".
"""
import math
import os
import re
import sys

import h5py

from readme_block import rewrite_block

STUDIES = ("fig4-delay", "fig5-images", "fig6-ssim")
FIG = {"fig4-delay": "Fig. 4", "fig5-images": "Fig. 5", "fig6-ssim": "Fig. 6"}
PAPER_AXES = {"fig4-delay": [30, 45, 60, 90, 120], "fig5-images": [20000, 35000, 50000, 65000, 80000],
              "fig6-ssim": [0.65, 0.70, 0.75, 0.80, 0.85]}
UNIT = {"fig4-delay": "slots", "fig5-images": "images", "fig6-ssim": "SSIM"}
ALGORITHMS = ("jcrra", "greedy-jscc", "greedy-jpeg")
SHORT = {"jcrra": "JCRRA", "greedy-jscc": "G-JSCC", "greedy-jpeg": "G-JPEG"}
LONG = {v: k for k, v in SHORT.items()}
# The variants whose every claim the page sets against the default's (issue 21: the measured surface,
# contended allocation, deadlines from closest approach), where present.
HIGHLIGHT = ("measured", "contended-k10", "contended-k14", "closest-approach")
BEGIN, END = "<!-- begin generated: tools/robustness.py -->", "<!-- end generated: tools/robustness.py -->"


def text_attr(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class Study:
    """One study's per-instance power and status by algorithm, [point, instance], from either
    sweep-file schema (leosem-sweep-2: root arrays [algorithm, axis, instance]; leosem-sweep-1:
    /results/<algorithm>/...), with the run's adaptive settings."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            if int(f.attrs["complete"]) != 1:
                sys.exit(f"{path}: not a complete sweep file")
            fmt = text_attr(f.attrs["format"])
            if fmt == "leosem-sweep-1":
                self.x = [float(v) for v in f["/points/axis_values"][:, 0]]
                self.power = {a: f["/results/" + a + "/power_w"][...] for a in ALGORITHMS}
                self.status = {a: f["/results/" + a + "/status"][...] for a in ALGORITHMS}
            else:
                power, status = f["/power_w"], f["/status"]
                if len(power.shape) != 3:
                    sys.exit(f"{path}: expected one axis")
                names = [text_attr(n) for n in power.dims[0][0][...]]
                missing = [a for a in ALGORITHMS if a not in names]
                if missing:
                    sys.exit(f"{path}: lacks algorithm(s) {', '.join(missing)}")
                self.x = [float(v) for v in power.dims[1][0][...]]
                self.power = {a: power[names.index(a), :, :] for a in ALGORITHMS}
                self.status = {a: status[names.index(a), :, :] for a in ALGORITHMS}
            self.commit = text_attr(f.attrs.get("git_commit", "?"))
            self.target_ci_db = float(f.attrs["target_ci_db"]) if "target_ci_db" in f.attrs else None
            self.block = int(f.attrs["block_instances"]) if "block_instances" in f.attrs else None
            self.paired = [text_attr(n) for n in f.attrs.get("target_ci_paired", [])]
            self.lower_bound = "lower-bound" in [text_attr(n) for n in f.attrs.get("algorithms", [])]
            self.instances = self.power[ALGORITHMS[0]].shape[1]
            # Instances evaluated per point: all of them, or an adaptive run's count (its later
            # instances are not computed, status -1, so they are never served).
            self.evaluated = [int((self.status[ALGORITHMS[0]][p, :] >= 0).sum()) for p in range(len(self.x))]

    def point(self, value):
        return min(range(len(self.x)), key=lambda p: abs(self.x[p] - value))

    def served(self, a, p, i):
        return self.status[a][p, i] in (0, 1)

    def served_count(self, a, p):
        return sum(self.served(a, p, i) for i in range(self.instances))

    def db(self, a, p, i):
        return 10.0 * math.log10(self.power[a][p, i])


class Effect:
    """Mean and 95 % CI of per-instance values; testable with two values or more, `holds` when
    the CI lies above 0."""

    def __init__(self, values):
        self.n = len(values)
        self.mean = sum(values) / self.n if values else float("nan")
        if self.n > 1:
            variance = sum((v - self.mean) ** 2 for v in values) / (self.n - 1)
            self.half = 1.96 * math.sqrt(variance / self.n)
        else:
            self.half = float("nan")

    @property
    def testable(self):
        return self.n > 1

    @property
    def low(self):
        return self.mean - self.half

    @property
    def high(self):
        return self.mean + self.half

    @property
    def holds(self):
        return self.testable and self.low > 0.0

    def short(self):
        return f"{self.mean:+.2f} [{self.low:+.2f}, {self.high:+.2f}]"

    def text(self, unit="dB"):
        if not self.testable:
            return f"untestable: {self.n} instance(s) served at both ends"
        return f"{self.mean:+.2f} {unit} [{self.low:+.2f}, {self.high:+.2f}] (n={self.n})"


def paired(study, terms):
    """Per instance, sum of c * dB(a at point p) over terms (c, a, p), over instances where
    every term's algorithm serves its point."""
    values = []
    for i in range(study.instances):
        if all(study.served(a, p, i) for _, a, p in terms):
            values.append(sum(c * study.db(a, p, i) for c, a, p in terms))
    return Effect(values)


class Claim:
    """One claim in one variant: verdict ("holds", "fails", "n/a"), the deciding effect, where
    it was weakest, what could not be tested, and notes."""

    def __init__(self, effects, where_label, notes=(), why=None):
        testable = {k: e for k, e in effects.items() if e.testable}
        # Each untestable comparison with who serves what there (why: key -> text).
        self.untested = [k + (f" ({why(k)})" if why else "") for k, e in effects.items() if not e.testable]
        self.notes = list(notes)
        if not testable:
            self.verdict, self.where, self.effect = "n/a", None, None
            return
        self.where, self.effect = min(testable.items(), key=lambda kv: kv[1].low)
        self.verdict = "holds" if all(e.holds for e in testable.values()) else "fails"
        self.where_label = where_label

    def cell(self):
        if self.verdict == "n/a":
            return "n/a"
        verdict = "**fails**" if self.verdict == "fails" else "holds"
        more = f" ({len(self.untested)} n/a)" if self.untested else ""
        return f"{verdict} {self.effect.short()}{more}"

    def detail(self):
        if self.verdict == "n/a":
            text = "n/a: nothing to compare (" + "; ".join(self.untested) + ")"
        else:
            verdict = "**fails**" if self.verdict == "fails" else "holds"
            where = f"{self.where_label} {self.where}: " if self.where_label else ""
            text = f"{verdict}: {where}{self.effect.text()}"
            if self.untested:
                text += "; untestable (fewer than two instances served by both): " + ", ".join(self.untested)
        return text + "".join("; " + n for n in self.notes)


def serving(study, algorithms, points):
    """Who serves what at these points: "G-JPEG 0/10 at 0.65 and 0/10 at 0.85, JCRRA ...", or at one
    point "JCRRA 10/10, G-JSCC 0/10"."""
    return ", ".join(f"{SHORT[a]} " + " and ".join(
        f"{study.served_count(a, p)}/{study.evaluated[p]}" + (f" at {study.x[p]:g}" if len(points) > 1 else "")
        for p in points) for a in algorithms)


def claims(dirpath):
    studies = {name: Study(os.path.join(dirpath, name + ".h5")) for name in STUDIES}
    s4, s5, s6 = (studies[n] for n in STUDIES)
    out = []
    # 1. Power falls as deadlines relax: P(shortest) / P(longest deadline) > 1 for every scheme.
    lo, hi = 0, len(s4.x) - 1
    out.append(Claim({SHORT[a]: paired(s4, [(1, a, lo), (-1, a, hi)]) for a in ALGORITHMS}, "weakest scheme",
                     why=lambda k: serving(s4, [LONG[k]], [lo, hi])))
    # 2. Power rises with demand: P(most images) / P(fewest) > 1 for every scheme.
    lo, hi = 0, len(s5.x) - 1
    out.append(Claim({SHORT[a]: paired(s5, [(1, a, hi), (-1, a, lo)]) for a in ALGORITHMS}, "weakest scheme",
                     why=lambda k: serving(s5, [LONG[k]], [lo, hi])))
    # 3, 4. JCRRA < Greedy JSCC < Greedy JPEG at every point of every study. Where the better
    #       scheme fails an instance the worse one serves, the note says so (a per-instance loss).
    for better, worse in (("jcrra", "greedy-jscc"), ("greedy-jscc", "greedy-jpeg")):
        effects, notes, where, wins = {}, [], {}, []
        for name, s in studies.items():
            for p, x in enumerate(s.x):
                effects[f"{FIG[name]} at {x:g}"] = paired(s, [(1, worse, p), (-1, better, p)])
                where[f"{FIG[name]} at {x:g}"] = (s, p)
                lost = sum(s.served(worse, p, i) and not s.served(better, p, i) for i in range(s.instances))
                if lost:
                    notes.append(f"{SHORT[better]} fails {lost} of {s.evaluated[p]} instances {SHORT[worse]} serves "
                                 f"at {FIG[name]} {x:g}")
                won = sum(s.served(better, p, i) and not s.served(worse, p, i) for i in range(s.instances))
                if won:
                    wins.append(f"{won} of {s.evaluated[p]} at {FIG[name]} {x:g}")
        c = Claim(effects, "weakest point", notes,
                  why=lambda k, b=better, w=worse, at=where: serving(at[k][0], [b, w], [at[k][1]]))
        c.wins = wins
        out.append(c)
    # 5. The JSCC-JPEG gap widens at low SSIM: gap(lowest) - gap(highest) > 0, gap = dB(JPEG / JCRRA).
    lo, hi = 0, len(s6.x) - 1
    e = paired(s6, [(1, "greedy-jpeg", lo), (-1, "jcrra", lo), (-1, "greedy-jpeg", hi), (1, "jcrra", hi)])
    out.append(Claim({f"{s6.x[lo]:g} vs {s6.x[hi]:g}": e}, "",
                     why=lambda k: serving(s6, ["greedy-jpeg", "jcrra"], [lo, hi])))
    # 6. JPEG power barely falls as the requirement is lowered: its fall from the highest to the
    #    lowest SSIM is less than a third of JCRRA's: fall(JCRRA)/3 - fall(JPEG) > 0.
    fall_jpeg = paired(s6, [(1, "greedy-jpeg", hi), (-1, "greedy-jpeg", lo)])
    fall_jcrra = paired(s6, [(1, "jcrra", hi), (-1, "jcrra", lo)])
    e = paired(s6, [(1 / 3, "jcrra", hi), (-1 / 3, "jcrra", lo), (-1, "greedy-jpeg", hi), (1, "greedy-jpeg", lo)])
    c = Claim({f"{s6.x[hi]:g} -> {s6.x[lo]:g}": e}, "",
              [f"JPEG falls {fall_jpeg.text()}", f"JCRRA falls {fall_jcrra.text()}"],
              why=lambda k: serving(s6, ["greedy-jpeg", "jcrra"], [hi, lo]))
    c.fall_jpeg, c.fall_jcrra = fall_jpeg, fall_jcrra
    out.append(c)
    # Feasible fraction of each scheme at the default point of Fig. 4 (60 slots, or the nearest).
    p = s4.point(60)
    feasible = {a: (s4.served_count(a, p), s4.evaluated[p]) for a in ALGORITHMS}
    return {"claims": out, "studies": studies, "feasible": feasible, "feasible_at": s4.x[p]}


CLAIMS = [
    "1. Power falls as deadlines relax (Fig. 4: shortest vs longest deadline of the axis, every scheme)",
    "2. Power rises with demand (Fig. 5: most vs fewest images of the axis, every scheme)",
    "3. JCRRA < Greedy JSCC everywhere (every point of the three studies)",
    "4. Greedy JSCC < Greedy JPEG everywhere (every point of the three studies)",
    "5. The JSCC-JPEG gap widens at low SSIM (Fig. 6: gap at the lowest minus gap at the highest SSIM of "
    "the axis, JCRRA)",
    "6. JPEG power barely falls as the requirement is lowered (Fig. 6: JPEG's fall from the highest to the "
    "lowest SSIM less than a third of JCRRA's)",
]
CLAIM_SHORT = ["power falls as deadlines relax", "power rises with demand", "JCRRA < Greedy JSCC",
               "Greedy JSCC < Greedy JPEG", "the JSCC-JPEG gap widens at low SSIM", "JPEG power barely falls"]


def axis_text(values):
    return ", ".join(f"{v:g}" for v in values)


def describe(dirpath):
    """A variant's fields ("[section] key = value; ...") from DIR/scenario.toml, and its note."""
    fields, section = [], None
    path = os.path.join(dirpath, "scenario.toml")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if re.fullmatch(r"\[[a-z_]+\]", line):
                section = line
            elif line:
                fields.append((section + " " if section else "") + line)
                section = None
    note_path = os.path.join(dirpath, "note.md")
    note = open(note_path, encoding="utf-8").read().strip() if os.path.exists(note_path) else ""
    return "; ".join(fields), note


def previous_verdicts(path):
    """{variant: [verdict per claim]} from an older page's table ("holds"/"fails"/"n/a")."""
    if not path or not os.path.exists(path):
        return {}
    header, rows = None, []
    for line in open(path, encoding="utf-8"):
        if line.startswith("| claim |"):
            header = [c.strip() for c in line.strip().strip("|").split("|")][1:]
        elif header and re.match(r"\| [1-6]\. ", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")][1:])
    out = {}
    for col, name in enumerate(header or []):
        out[name] = ["fails" if "fails" in r[col] else "n/a" if r[col].startswith("n/a") else "holds" for r in rows]
    return out


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def page(variants, results, opts):
    names = [n for n, _ in variants]
    first = results[names[0]]["studies"]["fig4-delay"]
    lines = ["# How robust are the paper's claims?", ""]
    # Provenance: the command, time and engine from the caller and the files.
    commits = sorted({s.commit for r in results.values() for s in r["studies"].values()})
    made = f"Made by `{opts['command']}`" if opts.get("command") else "Made by tools/robustness.py"
    if opts.get("elapsed_s"):
        made += f" in {int(opts['elapsed_s'])} s ({cores()} cores)"
    made += f", engine commit {', '.join(commits)}: the three studies of sweeps/paper/ per variant, seed 2026,"
    made += " common random numbers"
    if first.target_ci_db is not None:
        caps = sorted({s.instances for r in results.values() for s in r["studies"].values()})
        rule = (f"the paired difference {' - '.join(SHORT.get(a, a) for a in first.paired)} "
                f"(`--target-ci-paired {','.join(first.paired)}`) had a 95 % CI within ±{first.target_ci_db:g} dB"
                if first.paired else f"every scheme's mean power had a 95 % CI within ±{first.target_ci_db:g} dB")
        made += (f", adaptive: each point took blocks of {first.block} instances until {rule} "
                 f"(and at least 10 instances served by both), at most {axis_text(caps)} (`--target-ci "
                 f"{first.target_ci_db:g}`; the counts are in the table's last rows)")
    else:
        made += f", {first.instances} instances per point"
    made += ("; without the certified lower bound (`lower_bound = false`: no claim uses it)."
             if not first.lower_bound else ".")
    lines += [made, "", "Variants (every other field at its default; a variant's own axes are in the table):", ""]
    for name, path in variants:
        fields, note = describe(path)
        text = fields or "the defaults (steered beam, los, logistic surrogate, JPEG whole-file rate)"
        lines.append(f"- `{name}`: {text}" + (f". {note}" if note else ""))
    # The table.
    lines += ["", "| claim | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for c, claim in enumerate(CLAIMS):
        lines.append(f"| {claim} | " + " | ".join(results[n]["claims"][c].cell() for n in names) + " |")
    lines.append("| claims holding (of those testable) | " + " | ".join(
        f"{sum(c.verdict == 'holds' for c in results[n]['claims'])}/"
        f"{sum(c.verdict != 'n/a' for c in results[n]['claims'])}" for n in names) + " |")
    lines.append("| feasible at the default point (Fig. 4, 60 slots or nearest) | " + " | ".join(
        ", ".join(f"{SHORT[a]} {k / n:.0%}" for a, (k, n) in results[v]["feasible"].items()) for v in names) + " |")
    for study in STUDIES:
        lines.append(f"| {FIG[study]} axis ({UNIT[study]}) | " + " | ".join(
            ("paper's" if results[n]["studies"][study].x == [float(v) for v in PAPER_AXES[study]]
             else "**" + axis_text(results[n]["studies"][study].x) + "**") for n in names) + " |")
    lines.append("| instances per point (points at the cap) | " + " | ".join(
        count_text(results[n]) for n in names) + " |")
    lines += ["", "Cells: verdict, effect in dB [95 % CI]; \"n/a\": fewer than two instances served where the "
              "claim compares (\"(k n/a)\": k of its comparisons untestable; the details name them). The paper's "
              f"axes: Fig. 4 {axis_text(PAPER_AXES['fig4-delay'])} slots, Fig. 5 {axis_text(PAPER_AXES['fig5-images'])} "
              f"images, Fig. 6 {axis_text(PAPER_AXES['fig6-ssim'])}; a bold axis is the variant's own, and each "
              "claim compares that axis's ends.", ""]
    lines += ["## What it says", ""] + says(names, results, opts) + [""]
    lines += ["## Run time", ""] + run_time(names, results, opts) + [""]
    lines += ["Claims:", ""] + [f"- {c}" for c in CLAIMS] + ["", "## Details"]
    for n in names:
        lines += ["", f"**{n}**", ""]
        for c, claim in enumerate(results[n]["claims"]):
            lines.append(f"- claim {c + 1}: {claim.detail()}")
    return "\n".join(lines) + "\n"


def count_text(result):
    counts = [k for s in result["studies"].values() for k in s.evaluated]
    capped = sum(k >= s.instances for s in result["studies"].values() for k in s.evaluated)
    span = str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
    return f"{span} ({capped})"


def says(names, results, opts):
    """The page's reading, every number from the results."""
    out = []
    verdicts = {n: [c.verdict for c in results[n]["claims"]] for n in names}
    everywhere = [c for c in range(6) if all(verdicts[n][c] == "holds" for n in names)]
    if everywhere:
        out.append("- **Claims " + ", ".join(str(c + 1) for c in everywhere) +
                   f" hold in every variant** ({', '.join(CLAIM_SHORT[c] for c in everywhere)}).")
    for c in range(6):
        failing = [n for n in names if verdicts[n][c] == "fails"]
        untestable = [n for n in names if verdicts[n][c] == "n/a"]
        holding = [n for n in names if verdicts[n][c] == "holds"]
        if c in everywhere:
            continue
        parts = []
        if failing:
            parts.append("fails in " + ", ".join(
                f"`{n}` ({where(results[n]['claims'][c])}{results[n]['claims'][c].effect.short()} dB)" for n in failing))
        if untestable:
            parts.append("cannot be tested in " + "; ".join(
                f"`{n}`: {results[n]['claims'][c].untested[0]}" for n in untestable))
        if holding:
            parts.append(f"holds in the other {len(holding)}")
        out.append(f"- **Claim {c + 1} ({CLAIM_SHORT[c]})** " + "; ".join(parts) + ".")
    # The variants issue 21 asked for, set against the default claim by claim.
    if "default" in names:
        base = results["default"]["claims"]
        for n in (v for v in HIGHLIGHT if v in names):
            cl = results[n]["claims"]
            out.append(f"- **`{n}` against `default`**, claim by claim (dB, each over its own axes): " + "; ".join(
                f"{c + 1}: " + (f"{cl[c].effect.mean:+.2f}" if cl[c].effect is not None else "n/a") +
                (f" vs {base[c].effect.mean:+.2f}" if base[c].effect is not None else "") for c in range(6)) + ".")
    # Sizes: claim 1 (the deadline effect) and claim 3 (JCRRA's margin) across variants.
    for c, label in ((0, "Claim 1's size (the weakest scheme's fall from the shortest to the longest deadline)"),
                     (2, "Claim 3's margin (Greedy JSCC − JCRRA at its weakest point)")):
        sized = [(n, results[n]["claims"][c]) for n in names if results[n]["claims"][c].effect is not None]
        if not sized:
            continue
        sized.sort(key=lambda nc: nc[1].effect.mean)
        out.append(f"- {label} by variant, smallest first: " + "; ".join(
            f"`{n}` {cl.effect.mean:+.2f} dB{' at ' + cl.where if c == 2 else ''}" for n, cl in sized) + ".")
    # Feasibility at the default point.
    short = [n for n in names if any(k < m for k, m in results[n]["feasible"].values())]
    if short:
        out.append("- **Not every instance is served** at the default point (Fig. 4, nearest 60 slots) in " + "; ".join(
            f"`{n}` (" + ", ".join(f"{SHORT[a]} {k}/{m}" for a, (k, m) in results[n]["feasible"].items()) + ")"
            for n in short) + ": each effect is over the instances both sides serve (n in the details).")
    lost = [(n, notes) for n in names
            if (notes := [note for c in (2, 3) for note in results[n]["claims"][c].notes])]
    if lost:
        out.append("- **Where the better scheme fails instances the worse one serves** (a per-instance loss the "
                   "paired means leave out): " + "; ".join(f"`{n}`: " + ", ".join(notes) for n, notes in lost) + ".")
    wins = [(n, results[n]["claims"][2].wins) for n in names if results[n]["claims"][2].wins]
    if wins:
        out.append("- **Where JCRRA serves instances Greedy JSCC cannot** (claim 3 by feasibility, beyond the paired "
                   "means): " + "; ".join(f"`{n}`: " + ", ".join(w) for n, w in wins) + ".")
    # Claim 6's falls, where it fails: the JPEG and JCRRA falls.
    for n in names:
        c6 = results[n]["claims"][5]
        if c6.verdict == "fails":
            out.append(f"- In `{n}` JPEG's power falls {c6.fall_jpeg.mean:.2f} dB from the highest to the lowest SSIM "
                       f"of its axis, JCRRA's {c6.fall_jcrra.mean:.2f} dB, so claim 6 fails there.")
    # Against the previous page.
    old = opts.get("previous_verdicts") or {}
    common = [n for n in names if n in old and len(old[n]) == 6]
    if common:
        changed = [f"`{n}` claim {c + 1} ({old[n][c]} -> {verdicts[n][c]})" for n in common for c in range(6)
                   if old[n][c] != verdicts[n][c]]
        out.append(f"- Against the previous page (its variants {', '.join(f'`{n}`' for n in common)}): " +
                   ("the same verdict in every cell." if not changed else "verdicts changed: " + "; ".join(changed) + ".") +
                   " (How it was run: its own first line.)")
    return out


def thousands(n):
    return f"{n:,}".replace(",", " ")


def where(claim):
    return f"at {claim.where}: " if claim.where_label == "weakest point" else ""


def run_time(names, results, opts):
    points = sum(len(s.x) for n in names for s in results[n]["studies"].values())
    used = sum(sum(s.evaluated) for n in names for s in results[n]["studies"].values())
    fixed = sum(s.instances * len(s.x) for n in names for s in results[n]["studies"].values())
    capped = sum(k >= s.instances for n in names for s in results[n]["studies"].values() for k in s.evaluated)
    out = []
    if opts.get("elapsed_s"):
        out.append(f"{int(opts['elapsed_s'])} s ({int(opts['elapsed_s']) / 60:.0f} min) for {len(names)} variants × 3 "
                   f"studies on this machine ({cores()} cores, shared with other developers' builds and tests).")
    out.append(f"The stopping rule evaluated {thousands(used)} of the {thousands(fixed)} (point, instance) pairs "
               f"its cap allows ({used / fixed:.0%}) over {points} points; {capped} points ran to the cap (per "
               "variant in the table's last row: points where the pair is rarely served by both, or whose "
               "paired difference has a heavy tail).")
    out.append("Every effect is paired per instance (common random numbers): a difference between two points uses "
               "the instances both evaluated and serve (the smaller count, `n` in the details). With paired "
               "stopping the other schemes' means are not held to the target: the effects of claims 1, 2, 4, 5 "
               "and 6 come with whatever CI the instances give, shown in every cell.")
    return out


def readme_block(names, results, opts):
    """A summary for results/README.md: per variant its verdicts, claim 3's margin and feasibility."""
    lines = [BEGIN, "", "Written by `tools/robustness.py --readme` from the robustness run's sweep files"
             + (f" (`{opts['command']}`)" if opts.get("command") else "") + "; the page is "
             "[robustness.md](robustness.md). Per variant: claims holding of those testable, those failing or "
             "untestable, the deadline effect (claim 1: the weakest scheme's fall over the Fig. 4 axis) and "
             "JCRRA's margin over Greedy JSCC at its weakest point (claim 3), in dB with 95 % CI.", "",
             "| variant | fields | claims holding | fails | n/a | deadline effect (Fig. 4 axis) | JCRRA margin (weakest point) |",
             "|---|---|---|---|---|---|---|"]
    for n in names:
        cl = results[n]["claims"]
        fields, _ = describe(opts["dirs"][n])
        own = [f"{FIG[s]} axis {axis_text(results[n]['studies'][s].x)}" for s in STUDIES
               if results[n]["studies"][s].x != [float(v) for v in PAPER_AXES[s]]]
        fields = "; ".join([fields or "defaults"] + own)
        fails = ", ".join(str(c + 1) for c in range(6) if cl[c].verdict == "fails") or "—"
        na = ", ".join(str(c + 1) for c in range(6) if cl[c].verdict == "n/a") or "—"
        margin = f"{cl[2].effect.short()} at {cl[2].where}" if cl[2].effect is not None else "n/a"
        x4 = results[n]["studies"]["fig4-delay"].x
        deadline = (f"{cl[0].effect.short()} ({x4[0]:g}-{x4[-1]:g} slots)" if cl[0].effect is not None else "n/a")
        lines.append(f"| `{n}` | {fields} | {sum(c.verdict == 'holds' for c in cl)}/"
                     f"{sum(c.verdict != 'n/a' for c in cl)} | {fails} | {na} | {deadline} | {margin} |")
    lines += ["", END]
    return "\n".join(lines)


def main(argv):
    opts, args = {}, []
    i = 1
    while i < len(argv):
        if argv[i] in ("--command", "--elapsed-s", "--previous", "--readme", "--from"):
            if i + 1 >= len(argv):
                sys.exit(f"{argv[i]} needs a value")
            opts[argv[i][2:].replace("-", "_")] = argv[i + 1]
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if opts.get("from"):
        # A run's record (robustness.sh writes it): its command, time, variants and previous page.
        run = os.path.join(opts["from"], "run.txt")
        if not os.path.exists(run):
            sys.exit(f"--from {opts['from']}: no run.txt there (written by tools/robustness.sh)")
        for line in open(run, encoding="utf-8"):
            key, _, value = (part.strip() for part in line.partition("="))
            if key in ("command", "elapsed_s") and key not in opts:
                opts[key] = value
            elif key == "variants" and len(args) == 1:
                args += [f"{n}={os.path.join(opts['from'], n)}" for n in value.split()]
        previous = os.path.join(opts["from"], "previous.md")
        if "previous" not in opts and os.path.exists(previous):
            opts["previous"] = previous
    if len(args) < 2 or any("=" not in a for a in args[1:]):
        sys.exit(__doc__)
    out, variants = args[0], [tuple(arg.split("=", 1)) for arg in args[1:]]
    if opts.get("elapsed_s"):
        try:
            opts["elapsed_s"] = float(opts["elapsed_s"])
        except ValueError:
            sys.exit(f"--elapsed-s = {opts['elapsed_s']}: not a number of seconds")
    opts["previous_verdicts"] = previous_verdicts(opts.get("previous"))
    opts["dirs"] = dict(variants)
    results = {name: claims(path) for name, path in variants}
    text = page(variants, results, opts)
    if opts.get("readme"):
        rewrite_block(opts["readme"], BEGIN, END, readme_block([n for n, _ in variants], results, opts))
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(out)


if __name__ == "__main__":
    main(sys.argv)
