#!/usr/bin/env python3
"""Deep JSCC of Bourtsoulatze, Kurka & Gunduz 2019 (the paper's ref. [2]), trained and measured on
this machine's CPUs: one model per compression ratio rho, E[SSIM](rho, SNR) on held-out tiles.

  jscc.py run --config full|smoke --out DIR [--images A.jpg B.jpg ...] [--seed S] [--workers W]
  jscc.py ssim-fixture FIXTURE.csv      (checks this SSIM against the committed C++ reference)

Run it through tools/jscc/run.sh (which puts OpenBLAS in front of the reference BLAS). What it
does and why: tools/jscc/README.md.
"""
import argparse
import concurrent.futures
import datetime
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE_VALUES = 12288  # real values of a 64x64x3 tile (n_img in [jscc] image_values)
TILE = 64
DEFAULT_RATIOS = [1 / 40, 1 / 20, 1 / 16, 1 / 12, 1 / 8, 1 / 4]  # [jscc] compression_ratios

# Two sizes: `full` is the committed surface; `smoke` is the test suite's end-to-end check.
CONFIGS = {
    "full": dict(width=16, body_kernel=5, train_images=100_000, batch=32, lr=1e-3, lr_final=3e-5,
                 train_snr_db=(-10.0, 20.0), snr_db=[float(x) for x in range(-10, 21, 2)], draws=10,
                 measure_stride=16, ratios=DEFAULT_RATIOS, loss="mse"),
    "smoke": dict(width=8, body_kernel=3, train_images=6_400, batch=32, lr=3e-3, lr_final=1e-3,
                  train_snr_db=(-10.0, 20.0), snr_db=[-10.0, 0.0, 20.0], draws=2,
                  measure_stride=64, ratios=[1 / 40, 1 / 4], loss="mse"),
}


# ----------------------------------------------------------------------------------------------
# SSIM exactly as host/measure/ssim.cpp (Wang et al. 2004, ssim_index.m): 11x11 Gaussian window,
# sigma 1.5, normalised; K1 0.01, K2 0.03, L 255; valid region only; BT.601 luma, unrounded.

SSIM_WINDOW, SSIM_SIGMA, SSIM_K1, SSIM_K2, SSIM_L = 11, 1.5, 0.01, 0.03, 255.0


def ssim_taps(dtype=torch.float64):
    d = torch.arange(SSIM_WINDOW, dtype=torch.float64) - (SSIM_WINDOW - 1) // 2
    taps = torch.exp(-d * d / (2.0 * SSIM_SIGMA * SSIM_SIGMA))
    return (taps / taps.sum()).to(dtype)


def luma_bt601(rgb):
    """rgb: (..., 3, H, W) on the 0..255 scale -> (..., 1, H, W)."""
    return (0.299 * rgb[..., 0:1, :, :] + 0.587 * rgb[..., 1:2, :, :] + 0.114 * rgb[..., 2:3, :, :])


def _filter_valid(x, taps):
    # Rows first, then columns, as filter_valid in ssim.cpp.
    x = F.conv2d(x, taps.view(1, 1, 1, -1))
    return F.conv2d(x, taps.view(1, 1, -1, 1))


def ssim_luma(x, y):
    """Mean SSIM per image of luma batches (N, 1, H, W), 0..255 scale; returns (N,)."""
    taps = ssim_taps(x.dtype).to(x.device)
    mu_x, mu_y = _filter_valid(x, taps), _filter_valid(y, taps)
    e_xx, e_yy, e_xy = _filter_valid(x * x, taps), _filter_valid(y * y, taps), _filter_valid(x * y, taps)
    c1, c2 = (SSIM_K1 * SSIM_L) ** 2, (SSIM_K2 * SSIM_L) ** 2
    var_x, var_y, cov = e_xx - mu_x * mu_x, e_yy - mu_y * mu_y, e_xy - mu_x * mu_y
    s = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2))
    return s.flatten(1).mean(1)


def ssim_rgb_uint8(x, y):
    """SSIM of 8-bit RGB batches (N, 3, H, W) (any integer or float dtype holding 0..255)."""
    return ssim_luma(luma_bt601(x.to(torch.float64)), luma_bt601(y.to(torch.float64)))


# ----------------------------------------------------------------------------------------------
# Images and tiles.

def load_rgb(path):
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def downscale2(img):
    """2x block mean with rounding, as `leosem jpeg-table --downscale 2` ((sum + 2) / 4)."""
    h, w = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2
    s = img[:h, :w].astype(np.int32)
    s = s[0::2, 0::2] + s[1::2, 0::2] + s[0::2, 1::2] + s[1::2, 1::2]
    return ((s + 2) // 4).astype(np.uint8)


def split_image(img, train_fraction):
    """Training part: the columns left of the cut; held out: the columns right of it."""
    cut = int(round(img.shape[1] * train_fraction))
    return img[:, :cut], img[:, cut:]


def synthetic_images(seed, count=2, height=240, width=320):
    """Smooth random RGB fields with edges: the smoke test's imagery (needs no package)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        base = rng.random((height // 16 + 1, width // 16 + 1, 3))
        img = np.kron(base, np.ones((16, 16, 1)))[:height, :width]
        img = 0.7 * img + 0.3 * rng.random((height, width, 3))
        out.append((img * 255).round().astype(np.uint8))
    return out


def measurement_tiles(held_out_images, stride):
    tiles = []
    for img in held_out_images:
        for r in range(0, img.shape[0] - TILE + 1, stride):
            for c in range(0, img.shape[1] - TILE + 1, stride):
                tiles.append(img[r:r + TILE, c:c + TILE])
    return np.stack(tiles)  # (N, 64, 64, 3) uint8


class CropSampler:
    """Random 64x64 crops of the training regions, with the 8 flips/rotations."""

    def __init__(self, regions, rng):
        self.regions = [r for r in regions if r.shape[0] >= TILE and r.shape[1] >= TILE]
        weights = np.array([(r.shape[0] - TILE + 1) * (r.shape[1] - TILE + 1) for r in self.regions], float)
        self.p = weights / weights.sum()
        self.rng = rng

    def batch(self, n):
        out = np.empty((n, TILE, TILE, 3), np.uint8)
        which = self.rng.choice(len(self.regions), size=n, p=self.p)
        for i, k in enumerate(which):
            reg = self.regions[k]
            r = self.rng.integers(0, reg.shape[0] - TILE + 1)
            c = self.rng.integers(0, reg.shape[1] - TILE + 1)
            t = reg[r:r + TILE, c:c + TILE]
            t = np.rot90(t, self.rng.integers(0, 4))
            if self.rng.integers(0, 2):
                t = t[:, ::-1]
            out[i] = t
        return torch.from_numpy(out).permute(0, 3, 1, 2).float().div_(255.0)


# ----------------------------------------------------------------------------------------------
# The model: Bourtsoulatze et al.'s encoder (5x5 convolutions, two of stride 2, PReLU) to a
# 16x16xC latent, of which the first k = round(rho * 12288) real values are sent; power
# normalisation to unit mean power per real value; AWGN; a decoder of plain convolutions with
# pixel-shuffle upsampling (transposed convolutions train far slower on this CPU build of torch).

def channel_values(rho):
    return int(round(rho * IMAGE_VALUES))


class DeepJSCC(nn.Module):
    def __init__(self, rho, width, body_kernel=5):
        super().__init__()
        self.k = channel_values(rho)
        self.c = math.ceil(self.k / 256)  # latent channels at 16x16
        w, kb = width, body_kernel
        act = nn.PReLU
        self.encoder = nn.Sequential(
            nn.Conv2d(3, w, 5, stride=2, padding=2), act(),
            nn.Conv2d(w, 2 * w, 5, stride=2, padding=2), act(),
            nn.Conv2d(2 * w, 2 * w, kb, padding=kb // 2), act(),
            nn.Conv2d(2 * w, 2 * w, kb, padding=kb // 2), act(),
            nn.Conv2d(2 * w, self.c, kb, padding=kb // 2))
        self.decoder = nn.Sequential(
            nn.Conv2d(self.c, 2 * w, kb, padding=kb // 2), act(),
            nn.Conv2d(2 * w, 2 * w, kb, padding=kb // 2), act(),
            nn.Conv2d(2 * w, 2 * w, kb, padding=kb // 2), act(),
            nn.Conv2d(2 * w, 4 * w, 3, padding=1), nn.PixelShuffle(2), act(),
            nn.Conv2d(w, 12, 3, padding=1), nn.PixelShuffle(2), nn.Sigmoid())

    def encode(self, x):
        z = self.encoder(x - 0.5).flatten(1)[:, :self.k]
        # Unit mean power per real value, per image: ||z||^2 = k.
        return z * math.sqrt(self.k) / z.norm(dim=1, keepdim=True).clamp_min(1e-12)

    def decode(self, y):
        pad = self.c * 256 - self.k
        y = F.pad(y, (0, pad)).view(-1, self.c, 16, 16)
        return self.decoder(y)

    def forward(self, x, snr_db, generator=None):
        z = self.encode(x)
        sigma = torch.pow(10.0, -snr_db / 20.0).view(-1, 1)  # noise std per real value
        noise = torch.randn(z.shape, generator=generator) if generator is not None else torch.randn_like(z)
        return self.decode(z + sigma * noise)


def train_loss(kind, x, x_hat):
    if kind == "mse":
        return F.mse_loss(x_hat, x)
    raise ValueError("unknown loss " + kind)


# ----------------------------------------------------------------------------------------------
# Training and measurement of one ratio (one process, one thread).

def train_and_measure(task):
    rho, cfg, seed, data, out_dir, log_path = (task[k] for k in ("rho", "cfg", "seed", "data", "out", "log"))
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = DeepJSCC(rho, cfg["width"], cfg["body_kernel"])
    sampler = CropSampler(data["train_regions"], rng)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    steps = cfg["train_images"] // cfg["batch"]
    gamma = (cfg["lr_final"] / cfg["lr"]) ** (1.0 / max(steps, 1))  # exponential decay to lr_final
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma)
    lo, hi = cfg["train_snr_db"]
    t0 = time.time()
    log = open(log_path, "a")
    running = None
    for step in range(steps):
        x = sampler.batch(cfg["batch"])
        snr = lo + (hi - lo) * torch.rand(cfg["batch"])
        loss = train_loss(cfg["loss"], x, model(x, snr))
        opt.zero_grad()
        loss.backward()
        # Clipping: without it a rho = 1/4 run of the trial collapsed to a constant output.
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if (step + 1) % max(steps // 50, 1) == 0 or step + 1 == steps:
            print(f"rho={rho:.6g} step {step + 1}/{steps} images {(step + 1) * cfg['batch']} "
                  f"loss {running:.5f} psnr {-10 * math.log10(max(running, 1e-12)):.2f} dB "
                  f"lr {sched.get_last_lr()[0]:.2e} {time.time() - t0:.0f} s", file=log, flush=True)
    train_s = time.time() - t0
    torch.save(model.state_dict(), os.path.join(out_dir, f"model_rho_{channel_values(rho)}.pt"))
    model.eval()
    rows = measure(model, data["tiles"], cfg, seed)
    print(f"rho={rho:.6g} trained in {train_s:.0f} s, measured in {time.time() - t0 - train_s:.0f} s", file=log,
          flush=True)
    result = dict(rho=rho, k=channel_values(rho), rows=rows, train_s=train_s, measure_s=time.time() - t0 - train_s)
    # Each ratio's result on its own as soon as it is measured: a run cut short keeps what finished.
    with open(os.path.join(out_dir, f"result_rho_{channel_values(rho)}.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


@torch.no_grad()
def measure(model, tiles_uint8, cfg, seed):
    """E[SSIM] over tiles x channel draws at each SNR; the draws are seeded per (SNR, draw) so that
    every ratio sees the same seeds (common random numbers)."""
    x8 = torch.from_numpy(tiles_uint8).permute(0, 3, 1, 2).contiguous()
    x = x8.float().div(255.0)
    z = model.encode(x)
    rows = []
    for i, snr_db in enumerate(cfg["snr_db"]):
        per_tile = torch.zeros(len(x), dtype=torch.float64)
        for d in range(cfg["draws"]):
            g = torch.Generator().manual_seed(seed * 1_000_003 + i * 1009 + d)
            noise = torch.randn((z.shape[0], IMAGE_VALUES), generator=g)[:, :z.shape[1]]
            sigma = 10.0 ** (-snr_db / 20.0)
            x_hat = model.decode(z + sigma * noise)
            x_hat8 = (x_hat * 255.0).round().clamp(0, 255)  # the decoded 8-bit image
            per_tile += ssim_rgb_uint8(x8, x_hat8)
        per_tile /= cfg["draws"]
        mean = per_tile.mean().item()
        sem = (per_tile.std(unbiased=True).item() / math.sqrt(len(per_tile))) if len(per_tile) > 1 else float("nan")
        rows.append(dict(snr_db=snr_db, ssim=mean, sem_tiles=sem))
    return rows


# ----------------------------------------------------------------------------------------------

def git_commit():
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        c = subprocess.run(["git", "-C", here, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--", "."], capture_output=True,
                               text=True).stdout.strip()
        return c.stdout.strip() + (" (tools/jscc modified)" if dirty else "")
    except Exception:
        return "unknown"


def prepare_data(args, cfg, measure_scale=2, measure_stride=None):
    if args.images:
        images = [load_rgb(p) for p in args.images]
        sources = [f"{p} ({im.shape[1]}x{im.shape[0]})" for p, im in zip(args.images, images)]
    else:
        images = synthetic_images(args.seed)
        sources = ["synthetic smooth random fields (seeded), 2 images 320x240"]
    train_regions, held_out = [], []
    for img in images:
        # Held out: the right part of every image (at the 2x shrink the JPEG table uses); training:
        # the left part, at full size and at the 2x shrink (scale augmentation).
        full_train, full_held = split_image(img, args.train_fraction)
        small = downscale2(img)
        small_train, small_held = split_image(small, args.train_fraction)
        train_regions += [full_train, small_train]
        held_out.append(small_held if measure_scale == 2 else full_held)
    tiles = measurement_tiles(held_out, measure_stride or cfg["measure_stride"])
    return dict(train_regions=train_regions, tiles=tiles), sources


def write_grid(path, results, header_lines):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for line in header_lines:
            f.write("# " + line + "\n")
        f.write("rho,snr_db,ssim\n")
        for r in sorted(results, key=lambda r: r["rho"]):
            for row in r["rows"]:
                f.write(f"{r['rho']:.17g},{row['snr_db']:g},{row['ssim']:.6f}\n")
    os.replace(tmp, path)


def cmd_run(args):
    cfg = dict(CONFIGS[args.config])
    if args.train_images is not None:
        cfg["train_images"] = args.train_images
    if args.width is not None:
        cfg["width"] = args.width
    if args.body_kernel is not None:
        cfg["body_kernel"] = args.body_kernel
    if args.ratios:
        cfg["ratios"] = args.ratios
    os.makedirs(args.out, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    commit = git_commit()  # at the start: the code that runs (HEAD may move during a long run)
    t0 = time.time()
    data, sources = prepare_data(args, cfg)
    log = os.path.join(args.out, "train.log")
    with open(log, "a") as f:
        print(f"start {started.isoformat(timespec='seconds')} config {args.config} {json.dumps(cfg)} "
              f"training regions {[r.shape[:2] for r in data['train_regions']]} measurement tiles "
              f"{len(data['tiles'])}", file=f, flush=True)
    tasks = [dict(rho=rho, cfg=cfg, seed=args.seed * 100 + i, data=data, out=args.out, log=log)
             for i, rho in enumerate(cfg["ratios"])]
    if args.workers <= 1:
        results = [train_and_measure(t) for t in tasks]
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(train_and_measure, tasks))
    duration = time.time() - t0
    command = "tools/jscc/run.sh " + " ".join(sys.argv[1:])
    header = [
        "Measured E[SSIM] of a deep JSCC (Bourtsoulatze, Kurka & Gunduz 2019, the paper's ref. [2]): "
        "one model per rho, made by tools/jscc (README there)",
        "data: " + "; ".join(sources),
        f"split: columns left of {args.train_fraction:g} of each image train (full size and 2x shrunk), "
        f"the rest held out; measured on {len(data['tiles'])} held-out 64x64 tiles of the 2x-shrunk images "
        f"(stride {cfg['measure_stride']})",
        f"model: encoder/decoder width {cfg['width']}, 16x16 layers {cfg['body_kernel']}x{cfg['body_kernel']}, latent 16x16, k = round(rho * {IMAGE_VALUES}) real values "
        f"sent (rho = k / {IMAGE_VALUES}), unit mean power per value, AWGN",
        f"training: {cfg['train_images']} crops per rho, batch {cfg['batch']}, Adam lr {cfg['lr']:g} -> "
        f"{cfg['lr_final']:g} (exponential), loss {cfg['loss']}, SNR uniform in "
        f"[{cfg['train_snr_db'][0]:g}, {cfg['train_snr_db'][1]:g}] dB, grad-norm clip 1",
        f"measurement: {cfg['draws']} channel draws per tile and SNR (seeded, common to all rho); ssim: Wang et al. "
        "2004 as host/measure/ssim.cpp (11x11 Gaussian sigma 1.5, K1 0.01, K2 0.03, L 255, BT.601 luma, "
        "valid region) of the 8-bit decoded tile; value = mean over tiles",
        f"seed: {args.seed}; torch {torch.__version__}; numpy {np.__version__}",
        f"command: {command}",
        f"git commit: {commit}",
        f"date: {started.isoformat(timespec='seconds')}; duration {duration:.0f} s with {args.workers} worker(s)",
    ]
    write_grid(os.path.join(args.out, "grid.csv"), results, header)
    with open(os.path.join(args.out, "grid_sem.csv"), "w") as f:
        f.write("rho,snr_db,ssim,sem_tiles\n")
        for r in sorted(results, key=lambda r: r["rho"]):
            for row in r["rows"]:
                f.write(f"{r['rho']:.17g},{row['snr_db']:g},{row['ssim']:.6f},{row['sem_tiles']:.6f}\n")
    with open(os.path.join(args.out, "timing.json"), "w") as f:
        json.dump(dict(duration_s=duration, per_rho=[dict(rho=r["rho"], k=r["k"], train_s=r["train_s"],
                                                          measure_s=r["measure_s"]) for r in results]), f, indent=1)
    print(f"wrote {os.path.join(args.out, 'grid.csv')} in {duration:.0f} s")


# ----------------------------------------------------------------------------------------------
# The SSIM cross-check against host/measure/ssim.cpp: both compute the same deterministic image
# pairs (integer formulas, tests/data/ssim_reference.csv says which) and must give the committed
# values; tests/measure/test_ssim_jpeg.cpp checks the C++ side against the same file.

def fixture_pair(width, height, variant):
    r = np.arange(height).reshape(-1, 1, 1)
    c = np.arange(width).reshape(1, -1, 1)
    ch = np.arange(3).reshape(1, 1, -1)
    x = (r * r * 3 + c * 7 + ch * 31 + r * c * (variant + 1)) % 256
    y = np.clip(x + ((r * 13 + c * 17 + ch * 5 + variant * 11) % 121) - 60, 0, 255)
    return x.astype(np.uint8), y.astype(np.uint8)


def cmd_ssim_fixture(args):
    bad = 0
    with open(args.fixture) as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    assert lines[0] == "variant,width,height,ssim", "unexpected header " + lines[0]
    for ln in lines[1:]:
        variant, width, height, expected = ln.split(",")
        x, y = fixture_pair(int(width), int(height), int(variant))
        got = ssim_rgb_uint8(torch.from_numpy(x).permute(2, 0, 1)[None], torch.from_numpy(y).permute(2, 0, 1)[None])
        got = got.item()
        ok = abs(got - float(expected)) <= 1e-12
        bad += not ok
        print(f"variant {variant} {width}x{height}: python {got:.17g} reference {expected} {'ok' if ok else 'DIFFERS'}")
    if args.print_only:
        return 0
    return 1 if bad else 0


def measure_saved(task):
    torch.set_num_threads(1)
    cfg, rho = task["cfg"], task["rho"]
    model = DeepJSCC(rho, cfg["width"], cfg["body_kernel"])
    model.load_state_dict(torch.load(os.path.join(task["out"], f"model_rho_{channel_values(rho)}.pt")))
    model.eval()
    t0 = time.time()
    rows = measure(model, task["tiles"], cfg, task["seed"])
    return dict(rho=rho, k=channel_values(rho), rows=rows, train_s=0.0, measure_s=time.time() - t0)


def cmd_measure(args):
    """Measures the models a run saved on another held-out tile set (e.g. full size, --scale 1),
    with the run's seeds; writes GRID in the run's folder."""
    cfg = dict(CONFIGS[args.config])
    started = datetime.datetime.now(datetime.timezone.utc)
    commit = git_commit()
    t0 = time.time()
    data, sources = prepare_data(args, cfg, args.scale, args.stride)
    tasks = [dict(rho=rho, cfg=cfg, seed=args.seed * 100 + i, tiles=data["tiles"], out=args.out)
             for i, rho in enumerate(cfg["ratios"])]
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(measure_saved, tasks))
    size = "full-size" if args.scale == 1 else "2x-shrunk"
    header = [
        "Measured E[SSIM] of a deep JSCC (Bourtsoulatze, Kurka & Gunduz 2019, the paper's ref. [2]): "
        f"the models of {args.out} (config {args.config}; its grid.csv says how they were trained) "
        "re-measured by tools/jscc measure",
        "data: " + "; ".join(sources),
        f"measured on {len(data['tiles'])} held-out 64x64 tiles of the {size} images (columns right of "
        f"{args.train_fraction:g} of each, stride {args.stride or cfg['measure_stride']})",
        f"measurement: {cfg['draws']} channel draws per tile and SNR (seeded, common to all rho); ssim: Wang et al. "
        "2004 as host/measure/ssim.cpp of the 8-bit decoded tile; value = mean over tiles",
        f"seed: {args.seed}; torch {torch.__version__}; numpy {np.__version__}",
        "command: tools/jscc/run.sh " + " ".join(sys.argv[1:]),
        f"git commit: {commit}",
        f"date: {started.isoformat(timespec='seconds')}; duration {time.time() - t0:.0f} s with {args.workers} worker(s)",
    ]
    write_grid(os.path.join(args.out, args.grid), results, header)
    print(f"wrote {os.path.join(args.out, args.grid)}")
    return 0


def cmd_evaluate(args):
    """PSNR (8-bit RGB, mean over tiles and draws of each tile's PSNR) and SSIM of saved models at
    a few SNRs, on the same held-out tiles: to compare with ref. [2], which reports PSNR."""
    cfg = dict(CONFIGS[args.config])
    for key in ("width", "body_kernel"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    torch.set_num_threads(1)
    data, sources = prepare_data(args, cfg)
    x8 = torch.from_numpy(data["tiles"]).permute(0, 3, 1, 2).contiguous()
    x = x8.float().div(255.0)
    print(f"# held-out tiles: {len(x)}; data: {'; '.join(sources)}; {args.draws} draws per tile and SNR")
    print("rho,snr_db,psnr_db,ssim")
    for rho in cfg["ratios"]:
        model = DeepJSCC(rho, cfg["width"], cfg["body_kernel"])
        model.load_state_dict(torch.load(os.path.join(args.out, f"model_rho_{channel_values(rho)}.pt")))
        model.eval()
        with torch.no_grad():
            z = model.encode(x)
            for i, snr_db in enumerate(args.snr_db):
                psnr = ssim = 0.0
                for d in range(args.draws):
                    g = torch.Generator().manual_seed(args.seed * 7919 + i * 101 + d)
                    y = z + 10.0 ** (-snr_db / 20.0) * torch.randn(z.shape, generator=g)
                    x_hat8 = (model.decode(y) * 255.0).round().clamp(0, 255)
                    mse = (x_hat8.double() - x8.double()).pow(2).flatten(1).mean(1).clamp_min(1e-10)
                    psnr += (10 * torch.log10(255.0 ** 2 / mse)).mean().item() / args.draws
                    ssim += ssim_rgb_uint8(x8, x_hat8).mean().item() / args.draws
                print(f"{rho:.6g},{snr_db:g},{psnr:.2f},{ssim:.4f}", flush=True)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="train one model per rho and measure the E[SSIM] grid")
    r.add_argument("--config", choices=sorted(CONFIGS), required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--images", nargs="*", help="RGB images (default: synthetic ones)")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--workers", type=int, default=2, help="processes, one thread each")
    r.add_argument("--train-fraction", type=float, default=0.6, help="left part of each image that trains")
    r.add_argument("--train-images", type=int, help="override the config's crops per rho")
    r.add_argument("--width", type=int, help="override the config's width")
    r.add_argument("--body-kernel", type=int, choices=[3, 5], help="override the kernel of the 16x16 layers")
    r.add_argument("--ratios", type=float, nargs="*", help="override the config's ratios")
    r.set_defaults(func=cmd_run)
    m = sub.add_parser("measure", help="measure a run's saved models on another held-out tile set")
    m.add_argument("--config", choices=sorted(CONFIGS), required=True)
    m.add_argument("--out", required=True, help="the run's folder (model_rho_K.pt)")
    m.add_argument("--images", nargs="*")
    m.add_argument("--seed", type=int, default=1, help="the run's seed")
    m.add_argument("--train-fraction", type=float, default=0.6)
    m.add_argument("--scale", type=int, choices=[1, 2], default=2, help="1: full-size tiles; 2: 2x shrunk")
    m.add_argument("--stride", type=int, help="tile stride (default: the config's)")
    m.add_argument("--workers", type=int, default=2)
    m.add_argument("--grid", required=True, help="file name of the grid in --out")
    m.set_defaults(func=cmd_measure)
    e = sub.add_parser("evaluate", help="PSNR and SSIM of the models a run saved, at a few SNRs")
    e.add_argument("--config", choices=sorted(CONFIGS), required=True)
    e.add_argument("--out", required=True, help="the run's folder (model_rho_K.pt)")
    e.add_argument("--images", nargs="*")
    e.add_argument("--seed", type=int, default=1, help="the run's seed (synthetic images) and the draws'")
    e.add_argument("--train-fraction", type=float, default=0.6)
    e.add_argument("--width", type=int)
    e.add_argument("--body-kernel", type=int, choices=[3, 5])
    e.add_argument("--snr-db", type=float, nargs="+", default=[0.0, 10.0, 20.0])
    e.add_argument("--draws", type=int, default=4)
    e.set_defaults(func=cmd_evaluate)
    s = sub.add_parser("ssim-fixture", help="check this SSIM against tests/data/ssim_reference.csv")
    s.add_argument("fixture")
    s.add_argument("--print-only", action="store_true")
    s.set_defaults(func=cmd_ssim_fixture)
    args = p.parse_args()
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
