#!/usr/bin/env python3
"""Run time per instance of each algorithm against the problem size (K users, N sub-channels, T
slots), one factor at a time from the default scenario, measured with `leosem solve` (its
per-algorithm `time_s`: the solve alone, one thread, no process start or file I/O), and written as
a Markdown table.

    /usr/bin/python3 tools/runtime-table.py [--instances 5] [--leosem build/leosem] [--out results/runtime.md]

Sizes: K in {4, 8, 16, 32}, N in {5, 10, 20, 40}, T in {120, 240, 480} (the default K = 8,
N = 10, T = 240 once). With T the mean deadline scales too (60 slots at T = 240, i.e. T/4), so that the usable
slots grow with T (the window is centred on closest approach, so at T = 960 the deadlines would
all end far before it and no scheme serves: left out); the bandwidth stays 40 MHz (B_sc = B/N). Instances 0..I-1 of the scenario's
seed; each cell is the median over them (min-max beside it). Not the exact MILP (CBC: seconds to
its time limit per instance). Times are wall-clock on whatever machine runs it: on a shared
machine they are noisy, and the page says the load average before and after.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ALGORITHMS = ["jcrra", "greedy-jscc", "greedy-jpeg", "lower-bound"]
DEFAULT = {"K": 8, "N": 10, "T": 240}
SIZES = [dict(DEFAULT, K=k) for k in (4, 8, 16, 32)] + [dict(DEFAULT, N=n) for n in (5, 20, 40)] + \
        [dict(DEFAULT, T=t) for t in (120, 480)]


def scenario_text(base, size):
    """The default scenario with K, N, T (and the deadline, T/4) replaced in their sections."""
    out, section = [], ""
    values = {("users", "count"): str(size["K"]), ("radio", "subchannels"): str(size["N"]),
              ("time", "slots"): str(size["T"]), ("users", "deadline_mean_slots"): f"{size['T'] / 4:.1f}"}
    seen = set()
    for line in base.splitlines():
        m = re.match(r"^\[(\w+)\]", line)
        if m:
            section = m.group(1)
        m = re.match(r"^(\w+)\s*=", line)
        if m and (section, m.group(1)) in values:
            seen.add((section, m.group(1)))
            line = f"{m.group(1)} = {values[(section, m.group(1))]}"
        out.append(line)
    missing = set(values) - seen
    if missing:
        sys.exit(f"runtime-table: the default scenario lacks {sorted(missing)}")
    return "\n".join(out) + "\n"


def solve_times(leosem, scenario, instance):
    """(time_s, served) per algorithm of one `leosem solve`."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    run = subprocess.run([leosem, "solve", scenario, "--instance", str(instance), "--algorithms", ",".join(ALGORITHMS)],
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit(f"runtime-table: leosem solve failed ({run.returncode}): {run.stderr.strip()}")
    times = {}
    for line in run.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in ALGORITHMS and len(parts) >= 6:
            # algorithm status power_dbm gap_db iters time_s ...
            times[parts[0]] = (float(parts[5]), parts[1] in ("optimal", "feasible"))
    if set(times) != set(ALGORITHMS):
        sys.exit(f"runtime-table: could not read every algorithm's time_s from:\n{run.stdout}")
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--leosem", default=os.path.join(ROOT, "build", "leosem"))
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "runtime.md"))
    args = parser.parse_args()
    if args.instances < 1:
        sys.exit("runtime-table: --instances must be >= 1")
    base = open(os.path.join(ROOT, "sweeps", "scenarios", "default.toml"), encoding="utf-8").read()
    load_before = open("/proc/loadavg").read().split()[:3]
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for size in SIZES:
            path = os.path.join(work, "K{K}-N{N}-T{T}.toml".format(**size))
            with open(path, "w", encoding="utf-8") as f:
                f.write(scenario_text(base, size))
            per = {a: [] for a in ALGORITHMS}
            for i in range(args.instances):
                for a, t_served in solve_times(args.leosem, path, i).items():
                    per[a].append(t_served)
            rows.append((size, per))
            print(f"runtime-table: K={size['K']} N={size['N']} T={size['T']} done", file=sys.stderr)
    elapsed = time.monotonic() - started
    load_after = open("/proc/loadavg").read().split()[:3]
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")

    lines = ["# Run time per instance, per algorithm, against K, N, T", "",
             f"Made by `/usr/bin/python3 tools/runtime-table.py --instances {args.instances}` in {elapsed:.0f} s "
             f"(engine commit {commit}) on {os.cpu_count()} cores of an {cpu}, **shared with other developers' builds "
             f"and tests** (load average {' '.join(load_before)} before, {' '.join(load_after)} after): the times "
             "are noisy, good to a factor, not to a percent.", "",
             "Each cell: the median over instances 0.."
             f"{args.instances - 1} of `leosem solve`'s `time_s` (the solve alone, one thread: OMP_NUM_THREADS=1), "
             "in milliseconds (`time_s` has 0.1 ms resolution), min\u2013max in brackets. One factor at a time from the default scenario "
             "(K = 8 users, N = 10 sub-channels, T = 240 slots of 1 s); with T the mean deadline is T/4 "
             "(60 slots at the default), the bandwidth stays 40 MHz. The exact MILP (CBC) is left out: it runs "
             "to seconds per instance (its time limit, `solvers.milp_time_limit_s`). The batch engine "
             "(`leosem run`) runs instances in parallel over threads or on a GPU: docs/benchmarks.md. "
             "\"(s/n served)\": the algorithm served only s of the n instances (for the lower bound: proved a bound "
             "on s, the rest proven infeasible); an infeasible instance often ends early, so such a cell is not "
             "the cost of a solved one.", "",
             "| K | N | T | " + " | ".join(ALGORITHMS) + " |", "|---|---|---|" + "---|" * len(ALGORITHMS)]
    for size, per in rows:
        cells = []
        for a in ALGORITHMS:
            ms = [1000 * t for t, _ in per[a]]
            served = sum(ok for _, ok in per[a])
            note = "" if served == len(ms) else f" ({served}/{len(ms)} served)"
            cells.append(f"{statistics.median(ms):.2f} [{min(ms):.2f}\u2013{max(ms):.2f}]{note}")
        lines.append(f"| {size['K']} | {size['N']} | {size['T']} | " + " | ".join(cells) + " |")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(args.out)


if __name__ == "__main__":
    main()
