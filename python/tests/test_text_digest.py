"""The text digest (root attribute variable_length_sha256) recomputed here from its description in
docs/sweep-output.md with h5py, sharing no code with the engine: the document and the engine agree."""
import hashlib
import struct

import h5py
import numpy as np

from conftest import run_leosem


def length_prefixed(data: bytes) -> bytes:
    return struct.pack("<Q", len(data)) + data


def record(kind: bytes, path: str, name: str, values) -> bytes:
    out = kind + length_prefixed(path.encode()) + length_prefixed(name.encode()) + struct.pack("<Q", len(values))
    return out + b"".join(length_prefixed(v) for v in values)


def value_bytes(f, value) -> bytes:
    """One variable-length value as the document says: a text's UTF-8 bytes, or a dimension list's
    object references (the referred object's header address, 8 bytes little-endian each)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return b"".join(struct.pack("<Q", h5py.h5o.get_info(h5py.h5r.dereference(r, f.id)).addr) for r in value)


def documented_digest(path) -> str:
    out = b""
    with h5py.File(path, "r") as f:
        paths = ["/"]
        f.visit(lambda name: paths.append("/" + name))
        paths.sort(key=str.encode)
        datasets = []
        for p in paths:
            obj = f[p]
            for name in sorted(obj.attrs.keys(), key=str.encode):
                attr = h5py.h5a.open(obj.id, name.encode())
                kind = attr.get_type()
                variable = isinstance(kind, h5py.h5t.TypeVlenID) or (
                    isinstance(kind, h5py.h5t.TypeStringID) and kind.is_variable_str())
                if variable:
                    values = np.asarray(obj.attrs[name], dtype=object).reshape(-1)
                    out += record(b"A", p, name, [value_bytes(f, v) for v in values])
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "O":
                datasets.append(p)
        for p in datasets:  # a contiguous dataset: one record per row (a 1-D one: per value)
            for v in f[p][...].reshape(-1):
                out += record(b"D", p, "", [value_bytes(f, v)])
        stored = f.attrs["variable_length_sha256"]
    return hashlib.sha256(out).hexdigest(), stored if isinstance(stored, str) else stored.decode()


def test_the_digest_follows_its_documented_serialization(two_axis_file, sweep_dir):
    computed, stored = documented_digest(two_axis_file)
    assert computed == stored
    # A merged file is written by another path (merge): the same rule.
    merged = sweep_dir / "merged-for-digest.h5"
    run_leosem("merge", "--force", str(merged), str(two_axis_file))
    computed, stored = documented_digest(merged)
    assert computed == stored
