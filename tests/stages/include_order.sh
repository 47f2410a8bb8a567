#!/usr/bin/env bash
# The stages of engine/ must include each other in the order engine/stages.txt declares, lowest first:
#   - every `#include "folder/..."` in engine/<stage>/ names its own stage or an earlier one (no back edge);
#   - the includes between folders form no cycle (checked on its own with tsort, so that the message names the loop);
#   - no include climbs out of its folder with "../" (the one way around the per-stage include roots that
#     engine/CMakeLists.txt sets up), and every folder of engine/ is a listed stage.
# The compiler enforces the libraries' link dependencies (a stage sees only its own and its dependencies' headers);
# this test states the order itself, and fails on a back edge even where a link would happen to allow it.
# Usage: include_order.sh [SOURCE_DIR]   (default: the repository this script is in)
set -euo pipefail

src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
engine=$src/engine
mapfile -t stages < <(grep -E '^[a-z]' "$engine/stages.txt")

declare -A rank
for i in "${!stages[@]}"; do rank[${stages[$i]}]=$i; done

fail=0
for dir in "$engine"/*/; do
    folder=$(basename "$dir")
    if [[ -z ${rank[$folder]+x} ]]; then
        echo "engine/$folder/ is not a stage: add it to engine/stages.txt" \
             "(and a covenant_stage call to engine/CMakeLists.txt)"
        fail=1
    fi
done

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for stage in "${stages[@]}"; do
    if [[ ! -d $engine/$stage ]]; then
        echo "engine/stages.txt lists '$stage', but engine/$stage/ does not exist"
        fail=1
        continue
    fi
    # file:line:included path, for every quoted include of the stage (subfolders included).
    while IFS= read -r hit; do
        file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; path=${rest#*:}
        where="${file#"$src"/}:$line"
        if [[ $path == ../* || $path == */../* ]]; then
            echo "$where: #include \"$path\" climbs out of engine/$stage/; include other stages as \"folder/header\""
            fail=1
            continue
        fi
        [[ $path == */* ]] || continue          # a header next to the including file: same stage
        target=${path%%/*}
        [[ -n ${rank[$target]+x} ]] || continue  # not an engine folder (e.g. a tests/unit helper)
        [[ $target == "$stage" ]] && continue
        echo "$stage $target" >>"$edges"
        if (( rank[$target] > rank[$stage] )); then
            echo "$where: back edge: $stage includes \"$path\", but $target comes after $stage in engine/stages.txt" \
                 "(move what both need down into the lower stage)"
            fail=1
        fi
    done < <(grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.def' \
                 '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]+"' "$engine/$stage" |
             sed -E 's/^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1:\2:\3/')
done

# A cycle between folders (reported even though every edge of one is already a back edge above).
if ! sort -u "$edges" | tsort >/dev/null 2>"$edges.err"; then
    echo "include cycle between the folders of engine/:"
    sed 's/^/  /' "$edges.err"
    fail=1
fi
rm -f "$edges.err"

if (( fail )); then
    echo "FAILED: the includes of engine/ do not follow engine/stages.txt (${stages[*]})"
    exit 1
fi
echo "ok: $(sort -u "$edges" | wc -l) include edges between stages, all following engine/stages.txt (${stages[*]})"
