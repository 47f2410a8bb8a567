#!/usr/bin/env bash
# Transcript tests of `covenant repl`: each tests/transcripts/<name>.in is a script of REPL commands and <name>.out
# the exact session output (stdout and stderr together). The first line of a script may be
#   #! ARGS...
# the arguments given to `covenant repl` (shell words, relative to the project root). Scripts run from the project
# root with --echo (each command is printed after the prompt before its output), NO_COLOR=1, a scratch HOME and
# TMPDIR; `@TMP@` in a script stands for that scratch directory (for `save`). In the output the project root's
# absolute path is replaced by nothing and the scratch directory by $TMP.
#
# usage: run.sh [--update] COVENANT [NAME.in...]     (default: every *.in here)
# --update rewrites the .out files from the current output instead of comparing (then review `git diff`).
# Exit status: 0 when every transcript matches, 1 otherwise (a unified diff is printed for each mismatch).
set -uo pipefail

update=0
if [[ ${1:-} == --update ]]; then
    update=1
    shift
fi
if [[ $# -lt 1 ]]; then
    echo "usage: run.sh [--update] COVENANT [NAME.in...]" >&2
    exit 2
fi
covenant=$(realpath "$1")
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
scripts=("$@")
if [[ ${#scripts[@]} -eq 0 ]]; then
    scripts=("$here"/*.in)
fi

failed=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for script in "${scripts[@]}"; do
    script=$(realpath "$script")
    name=$(basename "$script" .in)
    args=()
    first=$(head -n 1 "$script")
    if [[ $first == '#!'* ]]; then
        eval "args=(${first#'#!'})"
    fi
    mkdir -p "$scratch/$name"
    sed "s|@TMP@|$scratch/$name|g" "$script" >"$scratch/$name.script"
    (cd "$root" && NO_COLOR=1 HOME="$scratch/$name" TMPDIR="$scratch/$name" timeout 120 \
        "$covenant" repl --echo "${args[@]}" <"$scratch/$name.script" >"$scratch/$name.out" 2>&1)
    code=$?
    echo "exit status $code" >>"$scratch/$name.out"
    sed -i -e "s|$scratch/$name|\$TMP|g" -e "s|$root/||g" "$scratch/$name.out"
    expected="$here/$name.out"
    if [[ $update == 1 ]]; then
        cp "$scratch/$name.out" "$expected"
        echo "updated $name"
    elif [[ ! -f $expected ]]; then
        echo "$name: missing $name.out (run: tests/transcripts/run.sh --update COVENANT)"
        failed=1
    elif ! diff -u --label "$name.out (expected)" --label "$name.out (actual)" "$expected" "$scratch/$name.out"; then
        failed=1
    fi
done
exit $failed
