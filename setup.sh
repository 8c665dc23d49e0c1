#!/usr/bin/env bash
# Installs the Debian packages satlm needs (when missing), builds it in build/ and runs the
# bundled default vector set. Usage: ./setup.sh [extra `satlm run` arguments]
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ pkg-config libsystemc-dev libeigen3-dev libfmt-dev
          libboost-test-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libtbb-dev
          libbenchmark-dev libxtensor-dev libsqlite3-dev gnuplot-nox python3 python3-dev pybind11-dev python3-numpy
          python3-torch python3-matplotlib chromium
          clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSATLM_WERROR="${SATLM_WERROR:-OFF}"
cmake --build build -j"$(nproc)"
build/satlm run "$@"
