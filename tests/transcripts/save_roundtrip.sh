#!/usr/bin/env bash
# `save` writes the session's given facts as a case file that `covenant classify` reads back to the same result:
# for every shipped case, a session that loads it and saves it must classify exactly as the original (the JSON
# results compared without the file name), and a session changed with `modify` must classify as it did in the REPL.
#
# usage: save_roundtrip.sh COVENANT
set -uo pipefail
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$root" || exit 1
export NO_COLOR=1 HOME="$scratch"

# Drops the fields that name the file, so that two files with the same facts compare equal.
strip() { sed -E -e 's/"file":"[^"]*",?//g' -e 's/"case":"[^"]*",?//g'; }

failed=0
for case in kb/cases/*.yaml; do
    name=$(basename "$case" .yaml)
    printf 'save %s\n' "$scratch/$name.yaml" | "$covenant" repl "$case" >"$scratch/$name.log" 2>&1
    if [[ ! -f $scratch/$name.yaml ]]; then
        echo "$name: save wrote nothing:"; cat "$scratch/$name.log"; failed=1; continue
    fi
    "$covenant" classify --format json "$case" | strip >"$scratch/$name.expected"
    "$covenant" classify --format json "$scratch/$name.yaml" | strip >"$scratch/$name.actual"
    if ! diff -u "$scratch/$name.expected" "$scratch/$name.actual"; then
        echo "$name: the saved case classifies differently"; failed=1
    fi
done

# A changed session: the REPL's own classification must match `covenant classify` on the saved file.
printf '%s\n' 'modify institution(id: sco) (decision_rule: majority, enforcement: sanctions)' \
    "save $scratch/changed.yaml" 'classify' | "$covenant" repl kb/cases/sco-2025.yaml >"$scratch/changed.log" 2>&1
# Columns: case, institution, as of, architecture (the case has an as_of, so no column is empty).
repl_type=$(grep -E '^sco-2025 +sco ' "$scratch/changed.log" | awk '{print $3 " " $4}')
classify_type=$("$covenant" classify --format csv "$scratch/changed.yaml" | awk -F, 'NR==2 {print $3 " " $4}')
if [[ -z $repl_type || $repl_type != "$classify_type" ]]; then
    echo "changed session: the REPL says '$repl_type' (as of, architecture), classify of the saved file says '$classify_type'"
    cat "$scratch/changed.log"; "$covenant" classify --format csv "$scratch/changed.yaml"
    failed=1
fi
[[ $failed == 0 ]] && echo "save round trip: $(ls kb/cases/*.yaml | wc -l) cases and one changed session classify the same"
exit $failed
