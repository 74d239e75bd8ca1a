#!/usr/bin/env python3
"""What a measured (rho, snr_db, ssim) grid implies, as Markdown: the ceiling (the value at the top
SNR) per rho, the required SNR Gamma(xi; rho) (piecewise linear in SNR, as the grid model of
docs/quality-models.md 3 reads it, on the grid as measured), and per xi the rho that minimises the
energy proxy rho * 10^(Gamma/10) (symbols times linear SNR).

  surface_summary.py GRID.csv [--xi 0.5,0.55,...]
"""
import argparse
import csv
import math


def read_grid(path):
    with open(path) as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    assert rows[0] == ["rho", "snr_db", "ssim"], rows[0]
    grid = {}
    for rho, snr, ssim in rows[1:]:
        grid.setdefault(float(rho), []).append((float(snr), float(ssim)))
    return {rho: sorted(points) for rho, points in sorted(grid.items())}


def required_snr_db(points, xi):
    """Least SNR on the piecewise-linear curve with ssim >= xi; None when never reached."""
    if points[0][1] >= xi:
        return points[0][0]
    for (s0, q0), (s1, q1) in zip(points, points[1:]):
        if q1 >= xi > q0:
            return s0 + (xi - q0) / (q1 - q0) * (s1 - s0)
    return None


def ratio_name(rho):
    inv = 1.0 / rho
    return f"1/{round(inv)}" if abs(inv - round(inv)) < 0.05 else f"{rho:.4g}"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("grid")
    p.add_argument("--xi", default="0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85")
    a = p.parse_args()
    grid = read_grid(a.grid)
    xis = [float(x) for x in a.xi.split(",")]
    lo = min(s for pts in grid.values() for s, _ in pts)
    print(f"| rho | SSIM at {lo:g} dB | ceiling (top SNR) | " + " | ".join(f"Γ(ξ={x:g}) dB" for x in xis) + " |")
    print("|---" * (3 + len(xis)) + "|")
    for rho, pts in grid.items():
        cells = []
        for x in xis:
            g = required_snr_db(pts, x)
            cells.append("—" if g is None else (f"≤ {g:g}" if g == pts[0][0] else f"{g:.1f}"))
        print(f"| {ratio_name(rho)} | {pts[0][1]:.3f} | {pts[-1][1]:.3f} (at {pts[-1][0]:g} dB) | " + " | ".join(cells) + " |")
    print()
    print("| ξ | ρ minimising ρ·10^(Γ/10) | its Γ dB | runner-up (ratio of proxies) |")
    print("|---|---|---|---|")
    for x in xis:
        options = []
        for rho, pts in grid.items():
            g = required_snr_db(pts, x)
            if g is not None and g > pts[0][0]:  # at the lowest SNR the requirement is not resolved
                options.append((rho * 10 ** (g / 10), rho, g))
        floor_hit = [ratio_name(r) for r, pts in grid.items() if pts[0][1] >= x]
        if not options:
            print(f"| {x:g} | " + ("reached at the lowest SNR by " + ", ".join(floor_hit) if floor_hit else "unreachable")
                  + " | | |")
            continue
        options.sort()
        best = options[0]
        second = f"{ratio_name(options[1][1])} (×{options[1][0] / best[0]:.2f})" if len(options) > 1 else "—"
        note = f" (also met at the lowest SNR by {', '.join(floor_hit)})" if floor_hit else ""
        print(f"| {x:g} | {ratio_name(best[1])}{note} | {best[2]:.1f} | {second} |")


if __name__ == "__main__":
    main()
