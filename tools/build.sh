#!/usr/bin/env bash
# Configures and builds leosem into build/ (CUDA backend included when nvcc is found; set
# LEOSEM_CUDA=OFF to skip it; LEOSEM_BUILD_DIR to build elsewhere). Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:/usr/local/cuda/bin"
jobs="$(nproc)"
build="${LEOSEM_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLEOSEM_CUDA="${LEOSEM_CUDA:-AUTO}" "$@"
cmake --build "$build" -j "$jobs"
