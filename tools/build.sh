#!/usr/bin/env bash
# Configures and builds leosem into build/ (CUDA backend included when nvcc is found; set
# LEOSEM_CUDA=OFF to skip it). Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:/usr/local/cuda/bin"
jobs="$(nproc)"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DLEOSEM_CUDA="${LEOSEM_CUDA:-AUTO}" "$@"
cmake --build "$root/build" -j "$jobs"
