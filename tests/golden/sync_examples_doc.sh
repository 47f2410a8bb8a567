#!/usr/bin/env bash
# Copies the golden outputs tests/golden/example_NAME/expected.out into docs/examples.md: the ```text block that
# follows each line `covenant run rules/examples/NAME.rules` is replaced by that file. Run by `make golden-update`
# after the golden files are regenerated; the docs test checks that the two agree.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
doc="$root/docs/examples.md"
tmp=$(mktemp)
awk -v golden="$root/tests/golden" '
    match($0, /^covenant run rules\/examples\/[a-z_]+\.rules$/) {
        name = $0; sub(/^covenant run rules\/examples\//, "", name); sub(/\.rules$/, "", name); pending = name
    }
    skipping && /^```/ { skipping = 0 }
    skipping { next }
    { print }
    pending != "" && $0 == "```text" {
        file = golden "/example_" pending "/expected.out"
        while ((getline line < file) > 0) print line
        close(file)
        pending = ""; skipping = 1
    }
' "$doc" >"$tmp"
mv "$tmp" "$doc"
