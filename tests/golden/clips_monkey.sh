#!/usr/bin/env bash
# rules/examples/monkey.rules is CLIPS's monkey and bananas (mab.clp) ported: run both and compare what they do. CLIPS
# runs mab.clp with (load*) (reset) (watch rules) (run), Covenant runs monkey.rules with --watch rules and its default
# strategy (depth, as CLIPS's); the two must fire the same number of rules, the same rules in the same order, and
# print the same story, once CLIPS's symbols are written with `_` for `-` (green-couch is green_couch).
#
# usage: clips_monkey.sh COVENANT
# Exit status 0 when they agree, 1 when they differ (the first difference is shown), 77 (skipped) when `clips` or the
# example file is missing. CLIPS=PATH and MAB_CLP=FILE (mab.clp or mab.clp.gz) override where they are looked for.
set -uo pipefail
if [[ $# -ne 1 ]]; then
    echo "usage: clips_monkey.sh COVENANT" >&2
    exit 2
fi
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=clips_example.sh
source "$root/tests/golden/clips_example.sh"
clips_example_run mab MAB_CLP rules/examples/monkey.rules

# `FIRE    3 rule-name: f-1,f-2,*` -> the rule's name, `-` written `_`; the fact ids are left out (CLIPS 6.30 numbers
# its initial-fact f-0, so its ids are one ahead of Covenant's).
grep '^FIRE' "$scratch/clips.out" | awk '{ sub(/:$/, "", $3); gsub(/-/, "_", $3); print $3 }' >"$scratch/clips.fired"
grep '^FIRE' "$scratch/covenant.out" | awk '{ sub(/:$/, "", $3); print $3 }' >"$scratch/covenant.fired"
# The story: every other line CLIPS prints; Covenant's output less the trace and the final working memory (f-N lines).
grep -v '^FIRE' "$scratch/clips.out" | sed 's/-/_/g' >"$scratch/clips.story"
grep -Ev '^(FIRE |f-[0-9]+ )' "$scratch/covenant.out" >"$scratch/covenant.story"

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
if diff -u --label "CLIPS mab.clp (rules fired)" --label "Covenant monkey.rules (rules fired)" \
    "$scratch/clips.fired" "$scratch/covenant.fired" >"$scratch/diff"; then
    echo "ok   the same rules fire in the same order"
else
    echo "FAIL: the rules fire in a different order:"; head -40 "$scratch/diff"; failed=1
fi
if diff -u --label "CLIPS mab.clp (printed, - as _)" --label "Covenant monkey.rules (printed)" \
    "$scratch/clips.story" "$scratch/covenant.story" >"$scratch/diff"; then
    echo "ok   the same story: $(wc -l <"$scratch/clips.story") lines"
else
    echo "FAIL: the printed story differs:"; head -40 "$scratch/diff"; failed=1
fi
exit $failed
