#!/usr/bin/env python3
"""Draws leosem sweep results as the paper does: Monte-Carlo mean transmit power (dBm) of each
algorithm against the swept parameter, with 95 % confidence bands, one figure per sweep file.
Also writes beside the figure each file's summary as CSV (<name>-summary.csv: each algorithm's
mean over the instances it serves, as MODEL §8 defines the reported power) and a paired
comparison (<name>-paired.csv: over the instances every algorithm serves, each algorithm's mean
power, and the mean and extremes of the per-instance power ratio against the first algorithm).

    python3 tools/plot_paper.py OUTDIR SWEEP.h5 [SWEEP.h5 ...]

Needs h5py and matplotlib (Debian: python3-h5py, python3-matplotlib; run with /usr/bin/python3).
Reads only the documented HDF5 layout (docs/sweep-output.md), not the engine.
"""
import csv
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {
    "jcrra": "JCRRA (proposed)",
    "greedy-jscc": "Greedy JSCC",
    "greedy-jpeg": "Greedy JPEG",
    "exact": "Exact optimum (MILP)",
    "mcf": "Min-cost flow",
}
AXIS_LABELS = {
    "users.deadline_mean_slots": "Mean delay requirement (slots of 1 s)",
    "users.images_mean": "Mean number of images per UE",
    "users.ssim_mean": "Mean SSIM requirement",
}
STYLES = {"jcrra": ("tab:red", "o"), "greedy-jscc": ("tab:blue", "s"), "greedy-jpeg": ("tab:green", "^"),
          "exact": ("black", "x"), "mcf": ("tab:gray", "d")}


def text_attribute(f, name):
    value = f.attrs[name]
    return value.decode() if isinstance(value, bytes) else str(value)


def plot(path, outdir):
    with h5py.File(path, "r") as f:
        if text_attribute(f, "format") != "leosem-sweep-1" or int(f.attrs["complete"]) != 1:
            sys.exit(f"{path}: not a complete leosem sweep file")
        name = text_attribute(f, "sweep_name") or os.path.splitext(os.path.basename(path))[0]
        fields = text_attribute(f, "axis_fields").split("\n")
        if len(fields) != 1:
            sys.exit(f"{path}: plots need exactly one axis, found {fields}")
        x = f["/points/axis_values"][:, 0]
        algorithms = text_attribute(f, "algorithms").split("\n")
        rows = []
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for algorithm in algorithms:
            s = f["/summary/" + algorithm]
            mean, low, high = s["mean_power_dbm"][:], s["ci95_low_dbm"][:], s["ci95_high_dbm"][:]
            fraction = s["feasible_fraction"][:]
            colour, marker = STYLES.get(algorithm, (None, "o"))
            ax.plot(x, mean, marker=marker, color=colour, label=LABELS.get(algorithm, algorithm))
            ax.fill_between(x, low, high, color=colour, alpha=0.2, linewidth=0)
            for i in range(len(x)):
                rows.append([algorithm, x[i], int(s["instances"][i]), int(s["feasible"][i]), fraction[i],
                             mean[i], low[i], high[i]])
        ax.set_xlabel(AXIS_LABELS.get(fields[0], fields[0]))
        ax.set_ylabel("Mean total transmit power (dBm)")
        instances = int(f.attrs["instances_per_point"])
        ax.set_title(f"{name}: {instances} instances per point, 95% CI bands", fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        os.makedirs(outdir, exist_ok=True)
        png = os.path.join(outdir, name + ".png")
        fig.savefig(png, dpi=120)
        plt.close(fig)
        with open(os.path.join(outdir, name + "-summary.csv"), "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["algorithm", fields[0], "instances", "feasible", "feasible_fraction",
                             "mean_power_dbm", "ci95_low_dbm", "ci95_high_dbm"])
            for row in rows:
                writer.writerow([row[0], f"{row[1]:g}"] + row[2:4] + [f"{v:.4f}" for v in row[4:]])
        write_paired(f, name, outdir, algorithms, fields[0], x)
        print(f"{png}")


def write_paired(f, name, outdir, algorithms, field, x):
    """Per point: instances all algorithms serve, their mean power in dBm on that common set, and
    per-instance 10·log10(P_alg / P_first) (mean, min, max) against the first algorithm."""
    import math
    status = {a: f["/results/" + a + "/status"][...] for a in algorithms}
    power = {a: f["/results/" + a + "/power_w"][...] for a in algorithms}
    header = ["point", field, "common_instances"]
    for a in algorithms:
        header.append(f"{a}_mean_dbm")
    for a in algorithms[1:]:
        header += [f"{a}_vs_{algorithms[0]}_mean_db", f"{a}_vs_{algorithms[0]}_min_db",
                   f"{a}_vs_{algorithms[0]}_max_db"]
    with open(os.path.join(outdir, name + "-paired.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for p in range(len(x)):
            common = [i for i in range(status[algorithms[0]].shape[1])
                      if all(status[a][p, i] in (0, 1) for a in algorithms)]
            row = [p, f"{x[p]:g}", len(common)]
            for a in algorithms:
                mean_w = sum(power[a][p, i] for i in common) / len(common) if common else float("nan")
                row.append(f"{10 * math.log10(mean_w) + 30:.4f}" if common else "nan")
            for a in algorithms[1:]:
                ratios = [10 * math.log10(power[a][p, i] / power[algorithms[0]][p, i]) for i in common]
                if ratios:
                    row += [f"{sum(ratios) / len(ratios):.4f}", f"{min(ratios):.4f}", f"{max(ratios):.4f}"]
                else:
                    row += ["nan", "nan", "nan"]
            writer.writerow(row)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    for path in argv[2:]:
        plot(path, argv[1])


if __name__ == "__main__":
    main(sys.argv)
