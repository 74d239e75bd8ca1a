#!/usr/bin/env bash
# Runs tools/jscc/jscc.py with Debian's python3-torch (/usr/bin/python3) and OpenBLAS
# (libopenblas0-pthread; the reference BLAS is ~14x slower at torch's convolutions), one BLAS
# thread per process: the parallelism is one process per ratio (--workers).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[ -d "$openblas" ] && export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
exec /usr/bin/python3 "$here/jscc.py" "$@"
