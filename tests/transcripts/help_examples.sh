#!/usr/bin/env bash
# Every example that `help COMMAND` shows works in the session the README starts, `covenant repl
# kb/cases/sco-2025.yaml` with the rules loaded by default: each command's example (all its lines) runs in a fresh
# session and must print no diagnostic. The commands are read from `help` itself, so a new row of the command table
# is covered without editing this file. `/tmp/` in an example stands for a scratch directory.
#
# usage: help_examples.sh COVENANT
set -uo pipefail
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$root" || exit 1
repl() { NO_COLOR=1 HOME="$scratch" TMPDIR="$scratch" timeout 120 "$covenant" repl kb/cases/sco-2025.yaml "$@"; }

# `help` lists each command as "  SYNOPSIS  TEXT" (a long synopsis has its text on the next line, indented further).
mapfile -t commands < <(echo help | repl | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
if [[ ${#commands[@]} -lt 10 ]]; then
    echo "FAIL: could not read the commands from \`help\`"; exit 1
fi
failed=0
for command in "${commands[@]}"; do
    example=$(echo "help $command" | repl | sed -n '/^Example:$/,$p' | sed -n 's/^  //p' | sed "s|/tmp/|$scratch/|g")
    if [[ -z $example ]]; then
        echo "FAIL: help $command shows no example"; failed=1; continue
    fi
    output=$(printf '%s\n' "$example" | repl --echo 2>&1)
    code=$?
    if [[ $code != 0 ]] || grep -qE '(error|warning)\[[A-Z][0-9]+\]' <<<"$output"; then
        echo "FAIL: the example of \`help $command\` (exit status $code):"
        echo "$output" | head -20
        failed=1
    fi
done
[[ $failed == 0 ]] && echo "help examples: all ${#commands[@]} work"
exit $failed
