#!/bin/sh
# SPDX-License-Identifier: MIT
# Configures the whole project three ways in which oneDNN's CMake package cannot
# be used and checks that each configure succeeds, skips cpu-onednn and its
# oracle test, and names the reason on the skip line.
#   onednn_unloadable.sh SOURCE_DIR WORK_DIR
set -u
src=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
fail=0
check() {  # name, expected text in the reason, cmake arguments...
    name=$1; want=$2; shift 2
    log="$work/$name.log"
    if ! cmake -S "$src" -B "$work/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >"$log" 2>&1; then
        echo "FAIL $name: configure failed:"; grep -A3 "CMake Error" "$log" | head -8; fail=1; return
    fi
    line=$(grep "cpu-onednn plugin skipped: oneDNN's CMake package cannot be loaded: " "$log")
    case "$line" in
        *"$want"*) echo "ok   $name: $line" ;;
        *) echo "FAIL $name: no skip line naming '$want' (got: '$line')"; fail=1 ;;
    esac
    grep -q "test kernels.ternary_onednn skipped" "$log" || { echo "FAIL $name: oracle test not skipped"; fail=1; }
    grep -q "plugin-cpu-onednn" "$work/$name/build.ninja" && { echo "FAIL $name: plugin target still generated"; fail=1; }
}
check opencl-absent "OpenCL" -DCMAKE_DISABLE_FIND_PACKAGE_OpenCL=ON
check broken-config "BitnetNoSuchDependency" "-Ddnnl_DIR=$src/tests/configure/broken-dnnl"
check missing-dir "dnnl_DIR=/nonexistent holds no dnnl-config.cmake" -Ddnnl_DIR=/nonexistent
exit $fail
