#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages bitnet-runtime builds and tests with. Idempotent:
# apt-get skips what is already there. Run as root.
set -eu

packages="g++ cmake ninja-build pkg-config git
libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev
libboost-test1.81-dev libboost-filesystem1.81-dev
libdnnl-dev ocl-icd-opencl-dev libbenchmark-dev libpcre2-dev libssl-dev libcurl4-openssl-dev libsentencepiece-dev
g++-aarch64-linux-gnu libc6-arm64-cross qemu-user
python3 python3-matplotlib rpm file
dpkg-dev help2man lintian
clang libclang-rt-14-dev libomp-dev valgrind"
# libomp-dev: the Clang fuzz build (tests/fuzz) configures the whole tree, and
# cpu-onednn's threading test links OpenMP.
# Node and npm run the server tests' OpenAI client. A machine that already has an
# npm (NodeSource's nodejs bundles one, and conflicts with Debian's npm) keeps it.
command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
