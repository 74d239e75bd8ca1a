"""tools/robustness.py writes the whole robustness page from sweep files: a claim that cannot be
tested is "n/a" (never "fails"), a variant's own axis is shown, the effects are the paired means
recomputed here from the raw per-instance data, and the README block is rewritten in place."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import run_leosem

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "robustness.py")
BASE = "[users]\ncount = 3\ndeadline_mean_slots = 20\nimages_mean = {images}.0\n[radio]\nsubchannels = 2\n[time]\nslots = 60\n"
SWEEP = ('name = "{name}"\nscenario = "scenario.toml"\ninstances = 6\nalgorithms = ["jcrra", "greedy-jscc", "greedy-jpeg"]\n'
         'lower_bound = false\nseed = 3\n[[axis]]\nfield = "{field}"\nvalues = {values}\n')
# Two variants: "easy" (20 000 images: every scheme serves) and "hard" (200 000 images: Greedy
# JPEG serves nothing, so the claims about it cannot be tested there).
AXES = {"easy": {"fig4-delay": "[15, 20, 25]", "fig5-images": "[10000, 20000, 30000]", "fig6-ssim": "[0.7, 0.8]"},
        "hard": {"fig4-delay": "[15, 20, 25]", "fig5-images": "[200000, 300000]", "fig6-ssim": "[0.7, 0.8]"}}
FIELDS = {"fig4-delay": "users.deadline_mean_slots", "fig5-images": "users.images_mean", "fig6-ssim": "users.ssim_mean"}


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    root = tmp_path_factory.mktemp("robustness")
    dirs = {}
    for name, images in (("easy", 20000), ("hard", 200000)):
        d = root / name
        d.mkdir()
        (d / "scenario.toml").write_text(BASE.format(images=images))
        (d / "note.md").write_text(f"The {name} variant")
        for study, values in AXES[name].items():
            (d / f"{study}.toml").write_text(SWEEP.format(name=study, field=FIELDS[study], values=values))
            run_leosem("run", str(d / f"{study}.toml"), "--out", str(d / f"{study}.h5"))
        dirs[name] = d
    return root, dirs


def write_page(root, dirs, *extra):
    out = root / "page.md"
    result = subprocess.run([sys.executable, SCRIPT, str(out), *extra, *(f"{n}={d}" for n, d in dirs.items())],
                            capture_output=True, text=True)
    return out, result


def row(text, start):
    line = next(l for l in text.splitlines() if l.startswith(start))
    return [c.strip() for c in line.strip().strip("|").split("|")][1:]


def test_page_marks_untestable_claims_and_own_axes(variants):
    root, dirs = variants
    out, result = write_page(root, dirs, "--command", "bash tools/robustness.sh 6 x 0", "--elapsed-s", "12")
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "| claim | easy | hard |" in text
    assert "Made by `bash tools/robustness.sh 6 x 0` in 12 s" in text
    assert "[users] count = 3; deadline_mean_slots = 20; images_mean = 200000.0" in text and "The hard variant" in text
    # Greedy JPEG serves nothing in "hard": claims 4, 5, 6 are n/a there, not failures, and the
    # count of claims holding is over the testable ones only.
    for claim in ("4.", "5.", "6."):
        assert row(text, f"| {claim}")[1] == "n/a"
    holding = row(text, "| claims holding")
    assert holding[1].endswith("/3") and holding[0].endswith("/6")
    assert "G-JPEG 0/6 at 0.7 and 0/6 at 0.8" in text
    # Each variant's own axis is shown (bold where it is not the paper's).
    assert row(text, "| Fig. 4 axis")[0] == "**15, 20, 25**"
    assert row(text, "| Fig. 5 axis")[1] == "**200000, 300000**"
    assert "## What it says" in text and "## Run time" in text


def test_claim_3_is_the_paired_mean_of_the_raw_data(variants):
    """Claim 3's cell: over every point, the smallest lower CI bound of 10 log10(P_G-JSCC / P_JCRRA)
    over the instances both serve, recomputed from /power_w and /status."""
    root, dirs = variants
    out, result = write_page(root, {"easy": dirs["easy"]})
    assert result.returncode == 0, result.stderr
    effects = []
    for study in AXES["easy"]:
        with h5py.File(dirs["easy"] / f"{study}.h5", "r") as f:
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["algorithm"][...]]
            power, status = f["power_w"][...], f["status"][...]
        j, g = names.index("jcrra"), names.index("greedy-jscc")
        for p in range(power.shape[1]):
            both = np.isin(status[j, p], (0, 1)) & np.isin(status[g, p], (0, 1))
            d = 10 * np.log10(power[g, p][both] / power[j, p][both])
            half = 1.96 * d.std(ddof=1) / np.sqrt(d.size)
            effects.append((d.mean() - half, d.mean(), half))
    low, mean, half = min(effects)
    cell = row(out.read_text(), "| 3.")[0]
    assert cell.startswith("holds" if low > 0 else "**fails**")
    assert f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]" in cell


def test_readme_block_is_rewritten_in_place(variants):
    root, dirs = variants
    readme = root / "README.md"
    begin, end = "<!-- begin generated: tools/robustness.py -->", "<!-- end generated: tools/robustness.py -->"
    readme.write_text(f"head\n{begin}\nstale 9.99 dB\n{end}\ntail\n")
    out, result = write_page(root, dirs, "--readme", str(readme))
    assert result.returncode == 0, result.stderr
    text = readme.read_text()
    assert text.startswith("head\n" + begin) and text.endswith(end + "\ntail\n")
    assert "stale" not in text and "| `hard` |" in text and "| `easy` |" in text
    readme.write_text("no block here\n")
    out, result = write_page(root, dirs, "--readme", str(readme))
    assert result.returncode != 0 and "no '<!-- begin generated: tools/robustness.py -->'" in result.stderr


def test_previous_page_verdicts_are_compared(variants):
    root, dirs = variants
    out, result = write_page(root, dirs)
    assert result.returncode == 0, result.stderr
    old = root / "old.md"
    # The same page with easy's claim 2 turned into a failure: the new page names the change.
    lines = out.read_text().splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("| 2."))
    cells = lines[at].split("|")
    cells[2] = " **fails** -1.00 [-2.00, -0.50] "
    lines[at] = "|".join(cells)
    old.write_text("\n".join(lines) + "\n")
    out, result = write_page(root, dirs, "--previous", str(old))
    assert result.returncode == 0, result.stderr
    assert "`easy` claim 2 (fails -> holds)" in out.read_text()


def test_from_reads_the_runs_record(variants):
    """--from DIR: command, time, variant order and previous page from DIR/run.txt, as robustness.sh writes it."""
    root, dirs = variants
    (root / "run.txt").write_text("command = bash tools/robustness.sh 6 x 0\nelapsed_s = 34\nvariants = hard easy\n")
    out = root / "from.md"
    result = subprocess.run([sys.executable, SCRIPT, str(out), "--from", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "| claim | hard | easy |" in text and "Made by `bash tools/robustness.sh 6 x 0` in 34 s" in text
    result = subprocess.run([sys.executable, SCRIPT, str(out), "--from", str(dirs["easy"])], capture_output=True, text=True)
    assert result.returncode != 0 and "no run.txt there" in result.stderr
