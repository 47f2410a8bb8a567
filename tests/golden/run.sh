#!/usr/bin/env bash
# Golden tests: each directory tests/golden/<case>/ holds
#   cmd            the arguments to `covenant`, relative to the project root (shell words; quotes allowed)
#   inputs         any .rules / .yaml files the arguments name
#   expected.out   the exact stdout
#   expected.err   the exact stderr (diagnostics with their carets)
#   expected.code  the exit status
# The command runs from the project root with NO_COLOR=1; the project root's absolute path is replaced by nothing
# in both outputs, so that files found on the search path print the same on every machine.
#
# usage: run.sh [--update] COVENANT CASE_DIR...
#        run.sh [--update] --all COVENANT
# --update rewrites the expected files from the current output instead of comparing (then review `git diff`).
# Exit status: 0 when every case matches, 1 otherwise (a unified diff is printed for each mismatch).
set -uo pipefail

update=0
all=0
while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
        --update) update=1 ;;
        --all) all=1 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ $# -lt 1 ]]; then
    echo "usage: run.sh [--update] COVENANT CASE_DIR... | run.sh [--update] --all COVENANT" >&2
    exit 2
fi
covenant=$(realpath "$1")
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cases=("$@")
if [[ $all == 1 ]]; then
    cases=()
    for d in "$here"/*/; do [[ -f $d/cmd ]] && cases+=("${d%/}"); done
fi

failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for case_dir in "${cases[@]}"; do
    case_dir=$(cd "$case_dir" && pwd)
    name=$(basename "$case_dir")
    eval "args=($(<"$case_dir/cmd"))"
    (cd "$root" && NO_COLOR=1 timeout 120 "$covenant" "${args[@]}" >"$scratch/out" 2>"$scratch/err")
    code=$?
    for f in out err; do
        sed -i "s|$root/||g" "$scratch/$f"
    done
    echo "$code" >"$scratch/code"
    if [[ $update == 1 ]]; then
        for f in out err code; do cp "$scratch/$f" "$case_dir/expected.$f"; done
        echo "updated $name (exit $code)"
        continue
    fi
    for f in out err code; do
        if [[ ! -f $case_dir/expected.$f ]]; then
            echo "$name: missing expected.$f (run: make golden-update)"
            failed=1
        elif ! diff -u --label "$name/expected.$f" --label "$name/actual.$f" "$case_dir/expected.$f" "$scratch/$f"; then
            failed=1
        fi
    done
done
exit $failed
