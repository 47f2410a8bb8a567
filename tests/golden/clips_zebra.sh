#!/usr/bin/env bash
# bench/covenant/zebra.rules is CLIPS's zebra puzzle (zebra.clp) ported: run both and compare what they do. CLIPS
# runs zebra.clp with (load*) (reset) (watch rules) (run), Covenant runs zebra.rules with --watch rules and its
# default strategy (depth, as CLIPS's); the two must fire the same number of rules, the same rules in the same order
# on the same facts (CLIPS numbers its initial-fact f-0, so its fact ids are Covenant's plus one), and print the same
# text and solution table, once CLIPS's symbols are written with `_` for `-` (orange-juice is orange_juice).
#
# usage: clips_zebra.sh COVENANT
# Exit status 0 when they agree, 1 when they differ (the first difference is shown), 77 (skipped) when `clips` or the
# example file is missing. CLIPS=PATH and ZEBRA_CLP=FILE (zebra.clp or zebra.clp.gz) override where they are looked
# for.
set -uo pipefail
if [[ $# -ne 1 ]]; then
    echo "usage: clips_zebra.sh COVENANT" >&2
    exit 2
fi
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=clips_example.sh
source "$root/tests/golden/clips_example.sh"
clips_example_run zebra ZEBRA_CLP bench/covenant/zebra.rules

# `FIRE   27 find-solution: f-123,f-148,...` -> `find_solution f-122,f-147,...`: the rule's name with `_` for `-`, and
# the facts it matched, CLIPS's ids less one. Covenant writes a rule without conditions as `startup: ` (no facts),
# CLIPS as `startup: *` (its initial-fact's place).
grep '^FIRE' "$scratch/clips.out" | awk '{
    sub(/:$/, "", $3); gsub(/-/, "_", $3); facts = ""
    if ($4 != "*") {
        n = split($4, ids, ",")
        for (i = 1; i <= n; i++) { sub(/^f-/, "", ids[i]); facts = facts (i > 1 ? "," : "") "f-" (ids[i] - 1) }
    }
    print $3, facts }' >"$scratch/clips.fired"
grep '^FIRE' "$scratch/covenant.out" | awk '{ sub(/:$/, "", $3); print $3, $4 }' >"$scratch/covenant.fired"
# What they print: every other line CLIPS prints; Covenant's output less the trace and the final working memory.
grep -v '^FIRE' "$scratch/clips.out" | sed 's/-/_/g' >"$scratch/clips.story"
grep -Ev '^(FIRE |f-[0-9]+ )' "$scratch/covenant.out" | sed 's/-/_/g' >"$scratch/covenant.story"
# The solution in canonical form (bench/canonical.py zebra), so a table that is not there at all is caught.
python3 "$root/bench/canonical.py" zebra <"$scratch/clips.out" >"$scratch/clips.solution" 2>/dev/null
python3 "$root/bench/canonical.py" zebra <"$scratch/covenant.out" >"$scratch/covenant.solution" 2>/dev/null

clips_count=$(wc -l <"$scratch/clips.fired")
covenant_count=$(wc -l <"$scratch/covenant.fired")
failed=0
if [[ $clips_count -eq 0 ]]; then
    echo "FAIL: CLIPS fired no rule; its output was:"; cat "$scratch/clips.out"; exit 1
fi
if [[ $clips_count -ne $covenant_count ]]; then
    echo "FAIL: CLIPS fired $clips_count rules, Covenant $covenant_count"
    failed=1
else
    echo "ok   both fire $clips_count rules"
fi
if diff -u --label "CLIPS zebra.clp (rules fired, fact ids less one)" --label "Covenant zebra.rules (rules fired)" \
    "$scratch/clips.fired" "$scratch/covenant.fired" >"$scratch/diff"; then
    echo "ok   the same rules fire in the same order on the same facts"
else
    echo "FAIL: the rules fire in a different order or on different facts:"; head -40 "$scratch/diff"; failed=1
fi
if [[ $(wc -l <"$scratch/clips.solution") -ne 5 ]]; then
    echo "FAIL: CLIPS printed no solution table:"; cat "$scratch/clips.out"; failed=1
elif diff -u --label "CLIPS zebra.clp (solution)" --label "Covenant zebra.rules (solution)" \
    "$scratch/clips.solution" "$scratch/covenant.solution" >"$scratch/diff"; then
    echo "ok   the same solution: $(grep zebra "$scratch/clips.solution" | cut -d' ' -f1-4) owns the zebra"
else
    echo "FAIL: the solutions differ:"; cat "$scratch/diff"; failed=1
fi
if diff -u --label "CLIPS zebra.clp (printed, - as _)" --label "Covenant zebra.rules (printed, - as _)" \
    "$scratch/clips.story" "$scratch/covenant.story" >"$scratch/diff"; then
    echo "ok   the same text: $(wc -l <"$scratch/clips.story") lines"
else
    echo "FAIL: the printed text differs:"; head -40 "$scratch/diff"; failed=1
fi
exit $failed
