#!/usr/bin/env bash
# Installs what leosem needs on a Debian machine; idempotent (does nothing, and needs no root,
# when all is there). Without root and with packages missing it says what is missing and points
# to docs/install.md (Spack/conda).
# The package list lives in tools/debian-packages.txt. CUDA is optional and not installed here:
# the build uses /usr/local/cuda when present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t packages < <(grep -v -E '^\s*(#|$)' "$here/debian-packages.txt")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo > /dev/null; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: installing them needs root. Without root, provide the libraries another way (Spack, conda," >&2
    echo "setup: environment modules: docs/install.md lists them) and build with tools/build.sh." >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
