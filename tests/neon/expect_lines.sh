#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs a command, shows its output, and fails unless it exits 0 and each
# --expect pattern (an extended regex) matches at least one line of that output.
# A ctest wrapper: a driver that silently tested nothing must not pass.
#   expect_lines.sh [--expect REGEX]... -- COMMAND [ARG]...
set -u
patterns_file=$(mktemp) || exit 1
output_file=$(mktemp) || exit 1
trap 'rm -f "$patterns_file" "$output_file"' EXIT
while [ $# -gt 0 ]; do
    case "$1" in
        --expect) printf '%s\n' "$2" >>"$patterns_file"; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--expect REGEX]... -- COMMAND [ARG]..." >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--expect REGEX]... -- COMMAND [ARG]..." >&2; exit 2; }
"$@" >"$output_file" 2>&1
status=$?
cat "$output_file"
if [ "$status" -ne 0 ]; then
    echo "expect_lines: command exited with status $status"
    exit 1
fi
missing=0
while IFS= read -r pattern; do
    if ! grep -Eq -- "$pattern" "$output_file"; then
        echo "expect_lines: no output line matches: $pattern"
        missing=1
    fi
done <"$patterns_file"
exit "$missing"
