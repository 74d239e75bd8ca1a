"""Fixtures: fresh sweep files made by the leosem binary named by $LEOSEM (ctest sets it)."""
import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))  # the package from this checkout

BASE = """[users]
count = 3
deadline_mean_slots = 20
[radio]
subchannels = 3
[time]
slots = 60
"""
SWEEP = """name = "two-axes"
scenario = "base.toml"
instances = 7
algorithms = ["greedy-jscc", "greedy-jpeg"]
lower_bound = false
seed = 5
[[axis]]
field = "users.deadline_mean_slots"
values = [20, 30, 40]
[[axis]]
field = "users.ssim_mean"
values = [0.7, 0.8]
"""


def leosem_binary():
    path = os.environ.get("LEOSEM") or shutil.which("leosem")
    if not path:
        pytest.fail("set LEOSEM to the leosem executable (ctest does)")
    return path


def run_leosem(*args, check=True):
    result = subprocess.run([leosem_binary(), *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(f"leosem {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


@pytest.fixture(scope="session")
def sweep_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    (d / "base.toml").write_text(BASE)
    (d / "two.toml").write_text(SWEEP)
    return d


@pytest.fixture(scope="session")
def two_axis_file(sweep_dir):
    out = sweep_dir / "two.h5"
    run_leosem("run", str(sweep_dir / "two.toml"), "--out", str(out), "--threads", "2")
    return out
