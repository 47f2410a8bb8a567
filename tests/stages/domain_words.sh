#!/usr/bin/env bash
# The engine is domain-free: no word of the shipped domain (security institutions) in the engine's stage folders
# below the domain layer, in code or in comments. What the domain layer (engine/classify) and the CLI need to know
# of a pack's conclusions comes from the packs' `report` declarations (docs/language.md §12). Examples in comments
# use neutral names (person, parent, trust, owner.founded).
# Usage: domain_words.sh [SOURCE_DIR]   (default: the repository this script is in)
set -euo pipefail

src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
folders=(base syntax check program rete agenda runtime explain)
# Whole words only ("constraint" is not "strain"); case-insensitive.
words='institutions?|architectures?|strains?|community|communities|balance_of_power|hybrid|legitimacy|subtypes?|'\
'alliances?|nato|sco|osce|asean'

paths=()
for f in "${folders[@]}"; do paths+=("$src/engine/$f"); done
if hits=$(grep -rn -i -w -E "$words" "${paths[@]}"); then
    echo "domain words in the domain-free engine (move the knowledge into a pack's declarations, or use a neutral"
    echo "example):"
    echo "${hits//$src\//}"
    exit 1
fi
echo "no domain words in engine/{$(IFS=,; echo "${folders[*]}")}"
