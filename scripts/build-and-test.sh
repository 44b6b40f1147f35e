#!/bin/sh
# SPDX-License-Identifier: MIT
# What CI runs (.ci/run) and the README's test command: the Release build and
# every test, then the whole suite again built with ASan and UBSan in build-asan
# (cmake/BitnetHardening.cmake). Both must pass. BITNET_JOBS sets ctest's
# parallelism (default 2).
set -eu
cd "$(dirname "$0")/.."
jobs="${BITNET_JOBS:-2}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build
ctest --test-dir build --output-on-failure -j"$jobs"

# Any sanitizer report fails the test that triggered it: UBSan aborts
# (-fno-sanitize-recover), ASan and LSan exit non-zero.
# -O1 and no debug info keep this second cold build short; ASan's
# reports still name every function.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE=-O1 \
    -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DBITNET_SANITIZE=address,undefined
cmake --build build-asan
# Two labels are left out of this pass, since each builds its own product from
# scratch and the sanitizers would see nothing of it: packaging (an
# uninstrumented install tree and packages) and fuzz (the Clang libFuzzer build,
# which carries ASan and UBSan itself and already ran in the Release pass).
UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" --label-exclude '^(packaging|fuzz)$'
