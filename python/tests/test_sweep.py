"""The sweep file describes itself (xarray opens it with named dimensions, coordinates, units and
status meanings), and the leosem package reads, summarises, pairs and plots it."""
import math

import numpy as np
import pytest
import xarray as xr

import leosem
from conftest import run_leosem


def test_xarray_h5netcdf_opens_a_fresh_sweep(two_axis_file):
    ds = xr.open_dataset(two_axis_file, engine="h5netcdf")
    try:
        dims = ("algorithm", "users.deadline_mean_slots", "users.ssim_mean", "instance")
        for name in ("power_w", "status", "iterations"):
            assert ds[name].dims == dims
        assert ds["done"].dims == dims[1:]
        assert ds["mean_power_dbm"].dims == dims[:-1]
        assert ds.sizes == {"algorithm": 2, "users.deadline_mean_slots": 3, "users.ssim_mean": 2, "instance": 7}
        assert [str(a) for a in ds["algorithm"].values] == ["greedy-jscc", "greedy-jpeg"]
        assert ds["users.deadline_mean_slots"].values.tolist() == [20, 30, 40]
        assert ds["users.ssim_mean"].values.tolist() == [0.7, 0.8]
        assert ds["instance"].values.tolist() == list(range(7))
        assert ds["users.deadline_mean_slots"].attrs["units"] == "slot"
        assert ds["users.ssim_mean"].attrs["units"] == "1"
        assert ds["power_w"].attrs["units"] == "W"
        assert ds["mean_power_dbm"].attrs["units"] == "dBm"
        assert list(ds["status"].attrs["flag_values"]) == [-1, 0, 1, 2, 3]
        assert ds["status"].attrs["flag_meanings"] == "not_computed optimal feasible infeasible unsolved"
        assert ds["status"].dtype == np.int8
        assert set(np.unique(ds["status"].values)) <= {0, 1, 2, 3}
        # Text attributes are str, lists are lists of str (no bytes, no newline-joined lists).
        assert ds.attrs["format"] == "leosem-sweep-2"
        assert isinstance(ds.attrs["config_text"], str) and "users.ssim_mean" in ds.attrs["config_text"]
        assert list(ds.attrs["algorithms"]) == ["greedy-jscc", "greedy-jpeg"]
        assert list(ds.attrs["axis_fields"]) == ["users.deadline_mean_slots", "users.ssim_mean"]
        assert int(ds.attrs["complete"]) == 1
    finally:
        ds.close()


def test_open_sweep_selects_by_coordinates(two_axis_file):
    ds = leosem.open_sweep(two_axis_file)
    one = ds["power_w"].sel(algorithm="greedy-jpeg", **{"users.deadline_mean_slots": 30, "users.ssim_mean": 0.8})
    assert one.dims == ("instance",) and one.sizes["instance"] == 7
    assert ds.attrs["sweep_name"] == "two-axes"
    assert isinstance(ds.attrs["git_commit"], str)


def test_summary_equals_the_engines_summary(two_axis_file):
    """The package recomputes the summary from per-instance data (sharing no code with the engine)."""
    ds = leosem.open_sweep(two_axis_file)
    s = leosem.summary(ds)
    assert s["evaluated"].values.min() == 7
    np.testing.assert_array_equal(s["evaluated"].values, ds["evaluated"].values)
    np.testing.assert_array_equal(s["feasible"].values, ds["feasible"].values)
    for name in ("feasible_fraction", "mean_power_w", "mean_power_dbm", "ci95_low_dbm", "ci95_high_dbm"):
        np.testing.assert_allclose(s[name].values, ds[name].values, rtol=1e-12, atol=0, equal_nan=True)
    assert np.isfinite(s["mean_power_dbm"].values).any()


def test_report_csv_matches_summary_table(two_axis_file):
    csv = run_leosem("report", str(two_axis_file), "--csv").stdout.strip().splitlines()
    header, rows = leosem.summary_table(leosem.open_sweep(two_axis_file))
    assert csv[0].split(",")[:3] == ["algorithm", "users.deadline_mean_slots", "users.ssim_mean"]
    assert len(csv) - 1 == len(rows) == 12
    for line, row in zip(csv[1:], rows):
        fields = line.split(",")
        assert fields[0] == row[0]
        assert [float(v) for v in fields[1:3]] == row[1:3]
        assert int(fields[3]) == row[3] and int(fields[4]) == row[4]
        for text, value in zip(fields[5:], row[5:]):
            assert (math.isnan(float(text)) and math.isnan(value)) or abs(float(text) - value) < 1e-5


def test_partial_file(sweep_dir):
    out = sweep_dir / "part.h5"
    result = run_leosem("run", str(sweep_dir / "two.toml"), "--out", str(out), "--block", "3",
                        "--abort-after-blocks", "2", check=False)
    assert result.returncode != 0
    ds = leosem.open_sweep(str(out) + ".partial")
    assert int(ds.attrs["complete"]) == 0
    assert "mean_power_dbm" not in ds  # the engine's summary is written only when complete
    s = leosem.summary(ds)
    assert int(ds["done"].sum()) == 6
    assert int(s["evaluated"].sel(algorithm="greedy-jscc").sum()) == 6


def test_paired_on_known_numbers():
    status = np.array([[[0, 1, 2, 0]], [[0, 0, 0, 3]]], dtype=np.int8)  # [algorithm, point axis, instance]
    power = np.array([[[1.0, 2.0, np.nan, 4.0]], [[10.0, 4.0, 5.0, np.nan]]])
    ds = xr.Dataset(
        {"power_w": (("algorithm", "x.a", "instance"), power),
         "status": (("algorithm", "x.a", "instance"), status),
         "done": (("x.a", "instance"), np.ones((1, 4), dtype=np.uint8))},
        coords={"algorithm": ["a", "b"], "x.a": [1.0], "instance": np.arange(4)})
    p = leosem.paired(ds).sel({"x.a": 1.0})
    assert int(p["common_instances"]) == 2  # instances 0 and 1: served by both
    assert p["mean_power_dbm"].sel(algorithm="a") == pytest.approx(10 * math.log10(1.5) + 30)
    assert p["mean_power_dbm"].sel(algorithm="b") == pytest.approx(10 * math.log10(7.0) + 30)
    assert float(p["ratio_mean_db"].sel(algorithm="a")) == 0.0
    assert p["ratio_mean_db"].sel(algorithm="b") == pytest.approx((10.0 + 10 * math.log10(2.0)) / 2)
    assert p["ratio_min_db"].sel(algorithm="b") == pytest.approx(10 * math.log10(2.0))
    assert p["ratio_max_db"].sel(algorithm="b") == pytest.approx(10.0)
    s = leosem.summary(ds).sel({"x.a": 1.0})
    assert int(s["evaluated"].sel(algorithm="a")) == 4 and int(s["feasible"].sel(algorithm="a")) == 3
    assert s["mean_power_w"].sel(algorithm="a") == pytest.approx(7.0 / 3)
    sd = np.std([1.0, 2.0, 4.0], ddof=1)
    assert s["ci95_high_dbm"].sel(algorithm="a") == pytest.approx(10 * math.log10(7.0 / 3 + 1.96 * sd / math.sqrt(3)) + 30)


def test_plot(two_axis_file):
    import matplotlib
    matplotlib.use("Agg")
    ds = leosem.open_sweep(two_axis_file)
    with pytest.raises(ValueError, match="select one value"):
        leosem.plot(ds, x="users.ssim_mean")
    fig = leosem.plot(ds.sel({"users.deadline_mean_slots": 30}), x="users.ssim_mean")
    axis = fig.axes[0]
    assert [line.get_label() for line in axis.get_lines()] == ["Greedy JSCC", "Greedy JPEG"]
    assert list(axis.get_lines()[0].get_xdata()) == [0.7, 0.8]
    assert axis.get_xlabel() == "users.ssim_mean"


def test_rejects_other_files(tmp_path):
    import h5py
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "leosem-sweep-1"
    with pytest.raises(ValueError, match="older leosem"):
        leosem.open_sweep(path)


def test_plot_paper_draws_through_the_package(sweep_dir, tmp_path):
    """tools/plot_paper.py (a thin user of the package): figure, summary and paired CSVs."""
    import csv
    import os
    import subprocess
    import sys

    (sweep_dir / "one.toml").write_text(
        'name = "one-axis"\nscenario = "base.toml"\ninstances = 6\nalgorithms = ["greedy-jscc", "greedy-jpeg"]\n'
        'lower_bound = false\nseed = 3\n[[axis]]\nfield = "users.ssim_mean"\nvalues = [0.7, 0.8]\n')
    out = sweep_dir / "one.h5"
    run_leosem("run", str(sweep_dir / "one.toml"), "--out", str(out))
    script = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "plot_paper.py")
    subprocess.run([sys.executable, script, str(tmp_path), str(out)], check=True, capture_output=True)
    assert (tmp_path / "one-axis.png").stat().st_size > 1000
    with open(tmp_path / "one-axis-summary.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["algorithm", "users.ssim_mean", "instances", "feasible", "feasible_fraction",
                       "mean_power_dbm", "ci95_low_dbm", "ci95_high_dbm"]
    assert [r[:3] for r in rows[1:]] == [["greedy-jscc", "0.7", "6"], ["greedy-jscc", "0.8", "6"],
                                         ["greedy-jpeg", "0.7", "6"], ["greedy-jpeg", "0.8", "6"]]
    with open(tmp_path / "one-axis-paired.csv") as f:
        paired_rows = list(csv.reader(f))
    p = "greedy-jpeg_minus_greedy-jscc"
    assert paired_rows[0] == ["point", "users.ssim_mean", f"{p}_pairs", f"{p}_mean_db", f"{p}_ci95_half_width_db",
                              f"{p}_min_db", f"{p}_max_db", f"{p}_greedy-jpeg_cheaper_instances"]
    assert len(paired_rows) == 3
    # The paired difference, recomputed here from the raw per-instance data.
    import h5py

    with h5py.File(out, "r") as f:
        power, status = f["power_w"][...], f["status"][...]  # [algorithm, point, instance]
    for i, row in enumerate(paired_rows[1:]):
        both = np.isin(status[0, i], (0, 1)) & np.isin(status[1, i], (0, 1))
        d = 10 * np.log10(power[1, i][both] / power[0, i][both])
        assert int(row[2]) == both.sum()
        assert abs(float(row[3]) - d.mean()) < 1e-4
        assert abs(float(row[4]) - 1.96 * d.std(ddof=1) / np.sqrt(d.size)) < 1e-4
        assert int(row[7]) == int((d < 0).sum())


def test_pip_installs_the_package_from_the_checkout(tmp_path):
    """`pip install ./python` (offline: no dependencies fetched, the system's numpy/h5py used)."""
    import os
    import shutil
    import subprocess
    import sys

    # A copy: pip writes build files beside pyproject.toml, which must not land in the checkout.
    checkout = tmp_path / "python"
    source = os.path.join(os.path.dirname(__file__), "..")
    shutil.copytree(source, checkout, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                    str(checkout)], check=True, capture_output=True)
    where = subprocess.run([python, "-c", "import leosem; print(leosem.__file__)"], check=True, cwd=str(tmp_path),
                           capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(venv)), where


def test_configuration_holds_no_machine_paths(two_axis_file, sweep_dir):
    ds = leosem.open_sweep(two_axis_file)
    assert str(sweep_dir) not in ds.attrs["config_text"]
    assert "share/leosem" not in ds.attrs["config_text"] and "results/data" not in ds.attrs["config_text"]


def test_adaptive_file(sweep_dir, tmp_path):
    """An adaptive run (--target-ci): counts vary per point; the package's summary (over done
    instances) equals the engine's, and the per-point record reads with its flag meanings."""
    out = tmp_path / "adaptive.h5"
    run_leosem("run", str(sweep_dir / "two.toml"), "--out", str(out), "--instances", "60", "--target-ci", "0.5",
               "--block-instances", "12", "--threads", "2")
    ds = leosem.open_sweep(out)
    assert float(ds.attrs["target_ci_db"]) == 0.5 and int(ds.attrs["block_instances"]) == 12
    assert ds.sizes["instance"] == 60
    used = ds["instances_used"]
    assert used.dims == ("algorithm", "users.deadline_mean_slots", "users.ssim_mean")
    assert (used.values % 12 == 0).all() and (used.values <= 60).all()
    np.testing.assert_array_equal(ds["done"].sum("instance").values, used.isel(algorithm=0).values)
    assert ds["stop_reason"].attrs["flag_meanings"] == "running target_reached cap_reached"
    reasons = {leosem.STOP_REASONS[int(r)] for r in np.unique(ds["stop_reason"].values)}
    assert reasons <= {"target_reached", "cap_reached"}
    s = leosem.summary(ds)
    np.testing.assert_array_equal(s["evaluated"].values, used.values)
    for name in ("mean_power_dbm", "ci95_low_dbm", "ci95_high_dbm"):
        np.testing.assert_allclose(s[name].values, ds[name].values, rtol=1e-12, atol=0, equal_nan=True)
    half = (s["ci95_high_dbm"] - s["ci95_low_dbm"]) / 2
    np.testing.assert_allclose(half.values, ds["ci95_half_width_db"].values, rtol=1e-9, equal_nan=True)
    reached = ds["stop_reason"].values == 1
    assert (ds["ci95_half_width_db"].values[reached] <= 0.5).all()
    assert (used.values[ds["stop_reason"].values == 2] == 60).all()
    figure = leosem.plot(ds.isel({"users.deadline_mean_slots": 0}), x="users.ssim_mean")
    assert "+-0.5 dB" in figure.axes[0].get_title()


BOUND_SWEEP = """name = "bound"
scenario = "base.toml"
instances = 6
algorithms = ["greedy-jscc", "jcrra", "greedy-jpeg", "lower-bound"]
seed = 9
[[axis]]
field = "users.deadline_mean_slots"
values = [20, 40]
"""


def test_certified_lower_bound(sweep_dir):
    """A sweep listing "lower-bound" stores the bound per instance; the package and `report` give
    the same certified gaps; files without it read as before (None, no gap columns)."""
    (sweep_dir / "bound.toml").write_text(BOUND_SWEEP)
    out = sweep_dir / "bound.h5"
    run_leosem("run", str(sweep_dir / "bound.toml"), "--out", str(out), "--threads", "2")
    ds = leosem.open_sweep(out)
    bound = leosem.lower_bound_w(ds)
    assert bound is not None and int(np.isfinite(bound).sum()) > 0
    _, served = leosem.sweep._served_and_done(ds)
    for algorithm in ("greedy-jscc", "jcrra"):
        power = ds["power_w"].sel(algorithm=algorithm).where(served.sel(algorithm=algorithm))
        both = np.isfinite(power.values) & np.isfinite(bound.values)
        assert both.any()
        assert (bound.values[both] <= power.values[both] * (1 + 1e-9)).all()  # never above a solution
    gaps = leosem.certified_gap_summary(ds)
    assert np.isnan(gaps["mean_db"].sel(algorithm="greedy-jpeg").values).all()
    assert (gaps["count"].sel(algorithm="jcrra").values > 0).all()
    csv = run_leosem("report", str(out), "--csv").stdout.strip().splitlines()
    header = csv[0].split(",")
    assert header[-3:] == ["certified_gap_mean_db", "certified_gap_p95_db", "certified_gap_max_db"]
    for line in csv[1:]:
        fields = line.split(",")
        one = gaps.sel(algorithm=fields[0], **{"users.deadline_mean_slots": float(fields[1])})
        for text, name in zip(fields[-3:], ("mean_db", "p95_db", "max_db")):
            value = float(one[name].values)
            assert (math.isnan(float(text)) and math.isnan(value)) or abs(float(text) - value) < 1e-5, (line, name)
    assert "certified gap dB" in run_leosem("report", str(out)).stdout


def test_files_without_a_bound_still_read(two_axis_file):
    ds = leosem.open_sweep(two_axis_file)
    assert leosem.lower_bound_w(ds) is None and leosem.certified_gap_summary(ds) is None
    csv = run_leosem("report", str(two_axis_file), "--csv").stdout.strip().splitlines()
    assert "certified_gap_mean_db" not in csv[0]
