#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (Clang, ASan + UBSan; see tests/fuzz/README.md)
# and runs them over the seed corpus in tests/fuzz/corpus/<target>/.
#
#   scripts/fuzz.sh                      build, then run every target 10 minutes
#   scripts/fuzz.sh --time 3600 gguf     one target for an hour
#   scripts/fuzz.sh --runs 1000000       every target for a million executions
#   scripts/fuzz.sh --build-only
#   scripts/fuzz.sh --seeds              rewrite the seed-* files of the corpus
#   --build-dir DIR (default build-fuzz), --no-build (run what is built),
#   --fresh (start from the committed corpus only)
#
# New interesting inputs go to <build-dir>/corpus/<target>/, crashes to
# <build-dir>/findings/<target>/ (crash-*, leak-*, timeout-*, oom-*). To keep a
# finding as a regression case, copy it to tests/fuzz/corpus/<target>/regress-<what>.
# Extra libFuzzer flags go after --, e.g. -- -jobs=2 -workers=2.
set -eu

src="$(cd "$(dirname "$0")/.." && pwd)"
build="$src/build-fuzz"
mode=run
limit="-max_total_time=600"
fresh=no
build_step=yes
targets=""
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build="$2"; shift 2 ;;
        --build-only) mode=build; shift ;;
        --seeds) mode=seeds; shift ;;
        --time) limit="-max_total_time=$2"; shift 2 ;;
        --runs) limit="-runs=$2"; shift 2 ;;
        --fresh) fresh=yes; shift ;;
        --no-build) build_step=no; shift ;;
        --) shift; break ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets="$targets $1"; shift ;;
    esac
done
[ -n "$targets" ] || targets="$(cat "$src/tests/fuzz/targets.txt")"

if [ "$build_step" = yes ]; then
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DBITNET_FUZZ=ON >/dev/null
    fi
    cmake --build "$build" --target bitnet-fuzzers -- -j"${BITNET_FUZZ_JOBS:-2}"
fi

case "$mode" in
    build) exit 0 ;;
    seeds) exec "$build/bin/make-seed-corpus" "$src/tests/fuzz/corpus" ;;
esac

status=0
for t in $targets; do
    work="$build/corpus/$t"
    findings="$build/findings/$t"
    [ "$fresh" = no ] || rm -rf "$work"
    mkdir -p "$work" "$findings"
    echo "== fuzz-$t $limit $*"
    # The first corpus directory receives new inputs; the committed one is only read.
    if ! "$build/bin/fuzz-$t" "$limit" -print_final_stats=1 -artifact_prefix="$findings/" \
        "$@" "$work" "$src/tests/fuzz/corpus/$t"; then
        status=1
    fi
done
exit $status
