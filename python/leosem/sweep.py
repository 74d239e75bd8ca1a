"""The sweep-file reader and the statistics over it. Reads only the documented layout
(docs/sweep-output.md) with h5py; needs no part of the engine."""
import math
import os

import h5py
import numpy as np

FORMAT = "leosem-sweep-2"
# /status codes (also in the file: the flag_values / flag_meanings attributes of `status`).
STATUS_MEANINGS = {-1: "not_computed", 0: "optimal", 1: "feasible", 2: "infeasible", 3: "unsolved"}
SERVED_STATUS = (0, 1)  # an instance the algorithm serves: optimal or feasible
# /stop_reason of an adaptive run (target_ci_db; also its flag_values / flag_meanings attributes).
STOP_REASONS = {0: "running", 1: "target_reached", 2: "cap_reached"}
# Storage details, not meaning: dimension-scale bookkeeping, and `_Encoding` of the fixed-length
# `algorithm` names (read here as str already).
_HDF5_DIMENSION_ATTRS = ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Encoding")


def _text(value):
    """Attribute values as Python text: str for strings, lists of str for string arrays."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OSU":
            return [_text(v) for v in value.tolist()]
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_scale(dataset):
    return bool(h5py.h5ds.is_scale(dataset.id))


def _dimension_names(dataset):
    if _is_scale(dataset):
        return (os.path.basename(dataset.name),)
    names = []
    for axis, dim in enumerate(dataset.dims):
        if len(dim) == 0:
            raise ValueError(f"{dataset.name}: dimension {axis} has no dimension scale attached")
        names.append(os.path.basename(dim[0].name))
    return tuple(names)


# The engine's summary arrays: present (0 / NaN) in a .partial, meaningful once complete = 1.
_SUMMARY_VARIABLES = {"evaluated", "feasible", "feasible_fraction", "mean_power_w", "mean_power_dbm",
                      "ci95_low_dbm", "ci95_high_dbm"}


def open_sweep(path):
    """The sweep file at `path` (complete, merged or a .partial) as an xarray.Dataset.

    Coordinates: `algorithm`, one per axis field (e.g. `users.deadline_mean_slots`, with its
    `units`), `instance` (global instance indices). Variables: per instance `power_w`, `status`,
    `iterations` [algorithm, axes..., instance], `done` [axes..., instance]; in a complete file
    also the engine's summary [algorithm, axes...]. Root attributes become `ds.attrs` (text as
    str, lists as lists of str). An adaptive run's file (attribute `target_ci_db`) has `instance`
    sized to the cap, its points' later instances not done, and `instances_used`, `stop_reason`
    and `ci95_half_width_db` [algorithm, axes...] (docs/sweep-output.md); `summary` counts the
    done instances, so it handles the varying counts as they are.
    """
    import xarray as xr

    with h5py.File(path, "r", locking=False) as f:
        found = _text(f.attrs.get("format", ""))
        if found != FORMAT:
            hint = " (written by an older leosem: run the sweep again)" if found == "leosem-sweep-1" else ""
            raise ValueError(f"{path}: not a {FORMAT} file (format {found!r}){hint}")
        coords, data_vars = {}, {}
        complete = int(f.attrs.get("complete", 0)) == 1
        for name, item in f.items():
            if not isinstance(item, h5py.Dataset):
                continue
            if not complete and name in _SUMMARY_VARIABLES:
                continue  # allocated with the file but filled only when the run completes
            values = item.asstr()[...] if h5py.check_string_dtype(item.dtype) else item[...]
            attrs = {k: _text(v) for k, v in item.attrs.items() if k not in _HDF5_DIMENSION_ATTRS}
            target = coords if _is_scale(item) else data_vars
            target[name] = (_dimension_names(item), values, attrs)
        attrs = {k: _text(v) for k, v in f.attrs.items()}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _served_and_done(ds):
    done = ds["done"].astype(bool)
    evaluated = (ds["status"] >= 0) & done
    served = ds["status"].isin(list(SERVED_STATUS)) & done
    return evaluated, served


def _dbm(watts):
    import xarray as xr

    return xr.where(watts > 0, 10.0 * np.log10(watts.where(watts > 0)) + 30.0, np.nan)


def summary(ds):
    """Per algorithm and point, over the instances done: `evaluated`, `feasible` (served: status
    optimal or feasible), `feasible_fraction`, `mean_power_w` and `mean_power_dbm` over the served
    instances, and the 95 % interval mean ± 1.96·s/√n in dBm (`ci95_low_dbm`, `ci95_high_dbm`;
    NaN below 2 served). The engine's own summary, computed again from the per-instance data, so
    it also works on a .partial file."""
    import xarray as xr

    evaluated, served = _served_and_done(ds)
    n_evaluated = evaluated.sum("instance")
    n_served = served.sum("instance")
    power = ds["power_w"].where(served)
    mean_w = power.sum("instance").where(n_served > 0) / n_served.where(n_served > 0)
    squares = ((power - mean_w) ** 2).sum("instance")
    half_w = 1.96 * np.sqrt(squares / (n_served - 1).where(n_served >= 2) / n_served.where(n_served >= 2))
    out = xr.Dataset({
        "evaluated": n_evaluated.astype(np.int32),
        "feasible": n_served.astype(np.int32),
        "feasible_fraction": (n_served / n_evaluated.where(n_evaluated > 0)).fillna(0.0),
        "mean_power_w": mean_w,
        "mean_power_dbm": _dbm(mean_w),
        "ci95_low_dbm": _dbm(mean_w - half_w),
        "ci95_high_dbm": _dbm(mean_w + half_w),
    })
    units = {"evaluated": "1", "feasible": "1", "feasible_fraction": "1", "mean_power_w": "W",
             "mean_power_dbm": "dBm", "ci95_low_dbm": "dBm", "ci95_high_dbm": "dBm"}
    for name, unit in units.items():
        out[name].attrs["units"] = unit
    out.attrs = dict(ds.attrs)
    return out


def paired(ds, reference=None):
    """Per point, over the instances that every algorithm serves (a paired comparison: the same
    instances for all): `common_instances`, each algorithm's `mean_power_dbm` on that set, and the
    per-instance power ratio 10·log10(P_alg / P_reference) in dB: `ratio_mean_db`, `ratio_min_db`,
    `ratio_max_db` (0 for the reference itself; NaN where no instance is common). `reference`
    defaults to the file's first algorithm."""
    import warnings

    import xarray as xr

    reference = reference or str(ds["algorithm"].values[0])
    _, served = _served_and_done(ds)
    common = served.all("algorithm")
    power = ds["power_w"].where(common)
    count = common.sum("instance")
    ratio = 10.0 * np.log10(power / power.sel(algorithm=reference))
    with warnings.catch_warnings():  # all-NaN slices (no common instance) give NaN, as documented
        warnings.simplefilter("ignore", category=RuntimeWarning)
        out = xr.Dataset({
            "common_instances": count.astype(np.int32),
            "mean_power_dbm": _dbm(power.sum("instance").where(count > 0) / count.where(count > 0)),
            "ratio_mean_db": ratio.mean("instance"),
            "ratio_min_db": ratio.min("instance"),
            "ratio_max_db": ratio.max("instance"),
        })
    out.attrs = {"reference": reference}
    return out


BOUND = "lower-bound"  # the algorithm whose power_w is the certified lower bound (MODEL 7.5)
_NO_GAP = (BOUND, "greedy-jpeg")  # the bound itself; JPEG solves another problem than the one it relaxes


def lower_bound_w(ds):
    """The certified lower bound on the optimal power per point and instance [axes..., instance], W:
    the `lower-bound` algorithm's power_w where it has a bound (status optimal: it equals the
    optimum, or feasible: a bound) and the instance is done; NaN elsewhere (status infeasible:
    proven infeasible). None when the sweep did not list `lower-bound` (older files)."""
    if BOUND not in [str(a) for a in ds["algorithm"].values]:
        return None
    _, served = _served_and_done(ds)
    return ds["power_w"].sel(algorithm=BOUND).where(served.sel(algorithm=BOUND))


def certified_gap_db(ds):
    """The certified gap 10·log10(P / lower bound) in dB per algorithm, point and instance, where the
    algorithm serves the instance and the bound is positive (NaN elsewhere, and for `lower-bound`
    and `greedy-jpeg`); 0 where P is at or below the bound by rounding. None without a bound."""
    import xarray as xr

    bound = lower_bound_w(ds)
    if bound is None:
        return None
    _, served = _served_and_done(ds)
    power = ds["power_w"].where(served)
    ratio = power / bound.where(bound > 0)
    gap = xr.where(ratio <= 1.0, 0.0, 10.0 * np.log10(ratio.where(ratio > 1.0))).where(np.isfinite(ratio))
    keep = xr.DataArray([str(a) not in _NO_GAP for a in ds["algorithm"].values], dims="algorithm",
                        coords={"algorithm": ds["algorithm"]})
    gap = gap.where(keep)
    gap.attrs["units"] = "dB"
    return gap


def certified_gap_summary(ds):
    """Per algorithm and point: `count`, `mean_db`, `p95_db` (the ceil(0.95 n)-th smallest, as
    `leosem report`) and `max_db` of certified_gap_db over the instances; None without a bound."""
    import xarray as xr

    gap = certified_gap_db(ds)
    if gap is None:
        return None

    def p95(values, axis):
        values = np.sort(values, axis=axis)  # NaN sort last
        n = np.sum(np.isfinite(values), axis=axis)
        index = np.clip(np.ceil(0.95 * n).astype(int) - 1, 0, None)
        picked = np.take_along_axis(values, np.expand_dims(index, axis), axis=axis).squeeze(axis)
        return np.where(n > 0, picked, np.nan)

    out = xr.Dataset({
        "count": gap.notnull().sum("instance").astype(np.int32),
        "mean_db": gap.mean("instance"),
        "p95_db": gap.reduce(p95, dim="instance"),
        "max_db": gap.max("instance"),
    })
    for name in ("mean_db", "p95_db", "max_db"):
        out[name].attrs["units"] = "dB"
    return out


def summary_table(ds):
    """summary(ds) as rows (algorithm, axis values..., evaluated, feasible, feasible_fraction,
    mean_power_dbm, ci95_low_dbm, ci95_high_dbm), algorithm-major, points in file order."""
    s = summary(ds)
    axes = list(ds.attrs.get("axis_fields") or [])
    names = ["evaluated", "feasible", "feasible_fraction", "mean_power_dbm", "ci95_low_dbm", "ci95_high_dbm"]
    rows = []
    for algorithm in ds["algorithm"].values:
        one = s.sel(algorithm=algorithm)
        flat = {n: one[n].transpose(*axes).values.reshape(-1) for n in names}
        grids = np.meshgrid(*[ds[a].values for a in axes], indexing="ij") if axes else []
        points = [g.reshape(-1) for g in grids]
        for p in range(flat["evaluated"].size):
            rows.append([str(algorithm)] + [float(v[p]) for v in points] + [flat[n][p].item() for n in names])
    return ["algorithm"] + axes + names, rows


LABELS = {
    "jcrra": "JCRRA (proposed)",
    "greedy-jscc": "Greedy JSCC",
    "greedy-jpeg": "Greedy JPEG",
    "exact": "Exact optimum (MILP)",
    "mcf": "Min-cost flow",
    "lower-bound": "Certified lower bound",
}
STYLES = {"jcrra": ("tab:red", "o"), "greedy-jscc": ("tab:blue", "s"), "greedy-jpeg": ("tab:green", "^"),
          "exact": ("black", "x"), "mcf": ("tab:gray", "d"), "lower-bound": ("black", "_")}


def plot(ds, x=None, ax=None, title=None, xlabel=None):
    """Mean transmit power (dBm) of each algorithm against the axis `x`, with 95 % CI bands, as the
    paper draws it. `x` defaults to the sweep's only axis; with more axes, select the others
    first (e.g. ds.sel({"users.count": 8})). Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    axes = [d for d in ds["power_w"].dims if d not in ("algorithm", "instance")]
    if x is None:
        if len(axes) != 1:
            raise ValueError(f"plot: give x= (the sweep has axes {axes})")
        x = axes[0]
    if x not in axes:
        raise ValueError(f"plot: x={x!r} is not an axis of the sweep (axes: {axes})")
    others = [a for a in axes if a != x]
    if others:
        raise ValueError(f"plot: select one value of the other axes first, e.g. ds.sel({{{others[0]!r}: ...}})")
    s = summary(ds)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.2))
    else:
        fig = ax.figure
    xs = ds[x].values
    for algorithm in ds["algorithm"].values:
        algorithm = str(algorithm)
        one = s.sel(algorithm=algorithm)
        colour, marker = STYLES.get(algorithm, (None, "o"))
        ax.plot(xs, one["mean_power_dbm"].values, marker=marker, color=colour, label=LABELS.get(algorithm, algorithm))
        ax.fill_between(xs, one["ci95_low_dbm"].values, one["ci95_high_dbm"].values, color=colour, alpha=0.2,
                        linewidth=0)
    unit = ds[x].attrs.get("units", "")
    ax.set_xlabel(xlabel or (f"{x} ({unit})" if unit and unit != "1" else x))
    ax.set_ylabel("Mean total transmit power (dBm)")
    if title is None:
        name = ds.attrs.get("sweep_name", "")
        if "target_ci_db" in ds.attrs:  # adaptive: the counts vary per point
            paired = [str(n.decode() if isinstance(n, bytes) else n) for n in ds.attrs.get("target_ci_paired", [])]
            what = f"the 95% CI of {paired[0]} - {paired[1]} (paired)" if len(paired) == 2 else "the 95% CI"
            title = (f"{name}: until {what} is +-{float(ds.attrs['target_ci_db']):g} dB "
                     f"(at most {ds.sizes['instance']} instances per point)")
        else:
            title = f"{name}: {ds.sizes['instance']} instances per point, 95% CI bands"
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
