#!/usr/bin/python3
"""Measures what leosem's checksums cover: flips one bit in HDF5's structures of a sweep file and
runs `leosem verify` on each copy.

    /usr/bin/python3 tools/checksum-coverage.py build/leosem [--keep DIR]   (Debian python3-h5py)

Makes a 900-instance, 2-point Greedy-JSCC sweep of a small scenario, finds the file's structures
by their signatures (HDF5 file format specification), and for up to four structures of each kind
flips one bit at 30 % and at 70 % of its extent (a structure extends to the next structure or
dataset chunk; the superblock is 48 bytes, a global heap collection its recorded size). A flip
verify lets through is then classed by whether `h5dump` still prints the same contents (harmless:
free space, unused entries, padding) or not (silent damage). Prints a Markdown table.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

import h5py

SIGNATURES = {
    b"OHDR": "object header (v2)",
    b"OCHK": "object header continuation",
    b"FRHP": "fractal heap header",
    b"FHDB": "fractal heap direct block",
    b"FHIB": "fractal heap indirect block",
    b"BTHD": "v2 B-tree header",
    b"BTIN": "v2 B-tree internal node",
    b"BTLF": "v2 B-tree leaf",
    b"TREE": "v1 B-tree node (chunk index)",
    b"GCOL": "global heap collection (text)",
    b"FSHD": "free-space manager header",
    b"FSSE": "free-space section list",
    b"FARY": "fixed array header (chunk index)",
    b"FADB": "fixed array data block",
    b"EAHD": "extensible array header",
    b"EAIB": "extensible array index block",
    b"EADB": "extensible array data block",
}
SMALL_SCENARIO = "[users]\ncount = 3\ndeadline_mean_slots = 20\n[radio]\nsubchannels = 3\n[time]\nslots = 40\n"
SWEEP = ('scenario = "base.toml"\ninstances = 900\nalgorithms = ["greedy-jscc"]\nseed = 7\n'
         '[[axis]]\nfield = "users.deadline_mean_slots"\nvalues = [20, 30]\n')


def chunk_extents(path):
    extents = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.chunks is not None:
                for i in range(obj.id.get_num_chunks()):
                    info = obj.id.get_chunk_info(i)
                    extents.append((info.byte_offset, info.byte_offset + info.size))
        f.visititems(visit)
    return extents


def dump(path):
    """h5dump's listing of every object, attribute and value (the file's name left out)."""
    r = subprocess.run(["h5dump", path], capture_output=True, timeout=120)
    return r.returncode, r.stdout.replace(path.encode(), b"FILE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("leosem")
    parser.add_argument("--keep", help="folder for the sweep file (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "base.toml"), "w") as f:
        f.write(SMALL_SCENARIO)
    with open(os.path.join(work, "s.toml"), "w") as f:
        f.write(SWEEP)
    good = os.path.join(work, "good.h5")
    if os.path.exists(good):
        os.remove(good)
    subprocess.run([args.leosem, "run", os.path.join(work, "s.toml"), "--out", good], check=True,
                   stderr=subprocess.DEVNULL)
    data = open(good, "rb").read()
    found = {}  # kind -> [offsets]
    for signature, kind in SIGNATURES.items():
        at = data.find(signature)
        while at >= 0:
            found.setdefault(kind, []).append(at)
            at = data.find(signature, at + 1)
    boundaries = sorted({0, len(data)} | {a for offsets in found.values() for a in offsets}
                        | {b for extent in chunk_extents(good) for b in extent})
    ends = {}
    for offsets in found.values():
        for a in offsets:
            ends[a] = next(b for b in boundaries if b > a)
    for a in found.get(SIGNATURES[b"GCOL"], []):
        ends[a] = a + struct.unpack_from("<Q", data, a + 8)[0]
    found = {"superblock": [0], **found}
    ends[0] = 48
    _, good_dump = dump(good)

    flipped = os.path.join(work, "flipped.h5")
    rows = []
    for kind, offsets in found.items():
        if len(offsets) > 4:  # four spread over the file
            offsets = [offsets[round(i * (len(offsets) - 1) / 3)] for i in range(4)]
        counts = {"flips": 0, "detected": 0, "crashed": 0, "harmless": 0, "silent": 0}
        for start in offsets:
            for fraction in (0.3, 0.7):
                at = start + int(fraction * (ends[start] - start))
                bad = bytearray(data)
                bad[at] ^= 0x10
                with open(flipped, "wb") as f:
                    f.write(bad)
                counts["flips"] += 1
                r = subprocess.run([args.leosem, "verify", flipped], capture_output=True, timeout=120)
                if r.returncode >= 128 or r.returncode < 0:
                    counts["crashed"] += 1
                    print(f"crash: {kind} at byte {at}: exit {r.returncode}", file=sys.stderr)
                if r.returncode != 0:
                    counts["detected"] += 1
                elif dump(flipped) == (0, good_dump):
                    counts["harmless"] += 1
                else:
                    counts["silent"] += 1
                    print(f"silent: {kind} at byte {at}", file=sys.stderr)
        rows.append((kind, len(found[kind]), counts))
    print(f"{os.path.getsize(good)}-byte sweep file; one bit flipped at 30 % and 70 % of up to four structures of each kind\n")
    print("| structure | in the file | flips | detected by verify | of which by a crash | missed, contents unchanged | missed, contents changed |")
    print("|---|---|---|---|---|---|---|")
    for kind, present, c in rows:
        print(f"| {kind} | {present} | {c['flips']} | {c['detected']} | {c['crashed']} | {c['harmless']} | {c['silent']} |")


if __name__ == "__main__":
    main()
