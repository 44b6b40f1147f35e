#!/bin/sh
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
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBITNET_SANITIZE=address,undefined
cmake --build build-asan
# packaging.packages is left out of this pass: it builds and packages its own
# uninstrumented copy of the product from scratch, so under ASan it would only
# repeat the Release pass's work (a cold build of everything) and check nothing
# the sanitizers can see.
UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" --label-exclude '^packaging$'
