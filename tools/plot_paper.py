#!/usr/bin/env python3
"""Draws leosem sweep results as the paper does, through the leosem Python package (python/):
Monte-Carlo mean transmit power (dBm) of each algorithm against the swept parameter, with 95 %
confidence bands, one figure per sweep file. Also writes beside the figure each file's summary as
CSV (<name>-summary.csv: each algorithm's mean over the instances it serves, as MODEL §8 defines
the reported power) and a paired comparison (<name>-paired.csv: over the instances every
algorithm serves, each algorithm's mean power, and the mean and extremes of the per-instance
power ratio against the first algorithm).

    python3 tools/plot_paper.py OUTDIR SWEEP.h5 [SWEEP.h5 ...]

Needs numpy, h5py, xarray and matplotlib (Debian: python3-h5py python3-xarray python3-matplotlib;
run with /usr/bin/python3).
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import leosem  # noqa: E402

AXIS_LABELS = {
    "users.deadline_mean_slots": "Mean delay requirement (slots of 1 s)",
    "users.images_mean": "Mean number of images per UE",
    "users.ssim_mean": "Mean SSIM requirement",
}


def draw(path, outdir):
    ds = leosem.open_sweep(path)
    if int(ds.attrs["complete"]) != 1:
        sys.exit(f"{path}: not a complete leosem sweep file")
    name = ds.attrs.get("sweep_name") or os.path.splitext(os.path.basename(path))[0]
    fields = list(ds.attrs["axis_fields"])
    if len(fields) != 1:
        sys.exit(f"{path}: plots need exactly one axis, found {fields}")
    field = fields[0]
    os.makedirs(outdir, exist_ok=True)
    fig = leosem.plot(ds, x=field, xlabel=AXIS_LABELS.get(field))
    png = os.path.join(outdir, name + ".png")
    fig.savefig(png, dpi=120)
    plt.close(fig)

    header, rows = leosem.summary_table(ds)
    with open(os.path.join(outdir, name + "-summary.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["algorithm", field, "instances"] + header[3:])
        for row in rows:
            writer.writerow([row[0], f"{row[1]:g}", row[2], row[3]] + [f"{v:.4f}" for v in row[4:]])

    algorithms = [str(a) for a in ds["algorithm"].values]
    p = leosem.paired(ds, reference=algorithms[0])
    first = algorithms[0]
    with open(os.path.join(outdir, name + "-paired.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        head = ["point", field, "common_instances"] + [f"{a}_mean_dbm" for a in algorithms]
        for a in algorithms[1:]:
            head += [f"{a}_vs_{first}_mean_db", f"{a}_vs_{first}_min_db", f"{a}_vs_{first}_max_db"]
        writer.writerow(head)
        for i, x in enumerate(ds[field].values):
            point = p.isel({field: i})
            row = [i, f"{x:g}", int(point["common_instances"])]
            row += [f"{float(point['mean_power_dbm'].sel(algorithm=a)):.4f}" for a in algorithms]
            for a in algorithms[1:]:
                row += [f"{float(point[k].sel(algorithm=a)):.4f}" for k in ("ratio_mean_db", "ratio_min_db", "ratio_max_db")]
            writer.writerow(row)
    print(png)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    for path in argv[2:]:
        draw(path, argv[1])


if __name__ == "__main__":
    main(sys.argv)
