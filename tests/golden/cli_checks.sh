#!/usr/bin/env bash
# Command-line behaviour whose output varies from run to run (times, memory), so it cannot be a golden file:
# checked by exit status and patterns instead.  usage: cli_checks.sh COVENANT
set -uo pipefail
covenant=$(realpath "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# expect NAME CODE PATTERN ARGS...: exit status CODE, and PATTERN (grep -E) somewhere in stdout+stderr.
expect() {
    local name=$1 code=$2 pattern=$3
    shift 3
    NO_COLOR=1 timeout 60 "$covenant" "$@" >"$scratch/out" 2>&1
    local got=$?
    if [[ $got != "$code" ]]; then
        echo "FAIL $name: exit status $got, expected $code"; cat "$scratch/out"; failures=$((failures + 1))
    elif ! grep -Eq -- "$pattern" "$scratch/out"; then
        echo "FAIL $name: output does not match /$pattern/"; cat "$scratch/out"; failures=$((failures + 1))
    else
        echo "ok   $name"
    fi
}

expect version 0 '^covenant [0-9]+\.[0-9]+\.[0-9]+$' --version
expect help 0 'check' --help
expect run-help 0 '--max-firings' run --help
expect stats 0 'peak memory: +[0-9]+ KiB' run rules/examples/quantifiers.rules --stats
expect stats-time 0 'time: +[0-9.]+ ms run' run rules/examples/quantifiers.rules --stats
expect timeout 3 'time limit \(--timeout 0.2s\) was reached after [0-9]+ firings; the last rule fired was .tick.' \
    run tests/golden/limit_max_firings/forever.rules --timeout 0.2
expect check-facts 1 'E0206' check tests/golden/facts_yaml/people.rules --facts tests/golden/bad_yaml_values/case.yaml
expect show-ast 0 'rule ancestor_chain' check --show=ast rules/examples/family.rules
expect bad-show 2 'show' check --show=rete rules/examples/family.rules
expect negative-firings 2 'max-firings' run rules/examples/family.rules --max-firings -1
expect doc-help 0 'Markdown reference' doc --help
expect doc-bad-rules 1 'error\[E01' doc tests/golden/bad_rules_check/wrong.rules
expect doc-no-dir 1 "cannot write '/nonexistent-dir/x.md': no directory" doc rules/examples/family.rules \
    --out /nonexistent-dir/x.md
NO_COLOR=1 "$covenant" doc rules/examples/family.rules --out "$scratch/family.md" >"$scratch/out" 2>&1
if [[ $? == 0 && ! -s $scratch/out ]] && head -1 "$scratch/family.md" | grep -q '^# Rule packs$'; then
    echo "ok   doc-out"
else
    echo "FAIL doc-out: \`doc --out\` did not write the reference (or printed something)"; cat "$scratch/out"
    failures=$((failures + 1))
fi
# docs/rules-core.md is `covenant doc` of the shipped packs (`make golden-update` rewrites it).
NO_COLOR=1 "$covenant" doc >"$scratch/core.md" 2>"$scratch/err"
if diff -u docs/rules-core.md "$scratch/core.md" >"$scratch/out"; then
    echo "ok   doc-core-up-to-date"
else
    echo "FAIL doc-core-up-to-date: docs/rules-core.md differs from \`covenant doc\` (run make golden-update):"
    head -40 "$scratch/out"; failures=$((failures + 1))
fi

# Every rule of the core packs can fire on some shipped case or constructed test case: `check` given all of them as
# fact files reports no W0004 (a rule added to rules/core needs a case that exercises it).
core_facts=()
for f in kb/threats.yaml kb/cases/*.yaml rules/core/tests/*.yaml; do core_facts+=(--facts "$f"); done
NO_COLOR=1 timeout 60 "$covenant" check rules/core/*.rules "${core_facts[@]}" >"$scratch/out" 2>&1
got=$?
if [[ $got != 0 ]] || grep -q 'W0004' "$scratch/out"; then
    echo "FAIL core-rules-exercised: exit status $got, or rules no case exercises:"; cat "$scratch/out"
    failures=$((failures + 1))
else
    echo "ok   core-rules-exercised"
fi
# The JSON report is rendered case by case in the workers and written in pieces: it is the same with one job or
# two, to standard output or to a file, and each case's lines are those the case gives alone.
NO_COLOR=1 "$covenant" classify kb/cases rules/core/tests --format json --explain --jobs 1 >"$scratch/json1" 2>/dev/null
NO_COLOR=1 "$covenant" classify kb/cases rules/core/tests --format json --explain --jobs 2 \
    --out "$scratch/json2" 2>/dev/null
: >"$scratch/json-alone"
for f in $(printf "%s\n" kb/cases/*.yaml rules/core/tests/*.yaml | LC_ALL=C sort); do
    NO_COLOR=1 "$covenant" classify "$f" --format json --explain >>"$scratch/json-alone" 2>/dev/null
done
if [[ -s "$scratch/json1" ]] && cmp -s "$scratch/json1" "$scratch/json2" && cmp -s "$scratch/json1" "$scratch/json-alone"
then
    echo "ok   classify-json-pieces"
else
    echo "FAIL classify-json-pieces: the JSON report differs between --jobs 1, --jobs 2 --out and one case at a time"
    diff "$scratch/json1" "$scratch/json2" | head -5; diff "$scratch/json1" "$scratch/json-alone" | head -5
    failures=$((failures + 1))
fi
# Cases never mix: every shipped and constructed case loaded into one REPL session classifies exactly as each does
# alone with `covenant classify` (each case is its own world in the session).
NO_COLOR=1 "$covenant" classify kb/cases rules/core/tests --format table --explain >"$scratch/alone" 2>&1
printf 'classify\n' | NO_COLOR=1 "$covenant" repl --no-color kb/cases/*.yaml rules/core/tests/*.yaml 2>&1 |
    tail -n +2 >"$scratch/together"
if [[ -s "$scratch/alone" ]] && diff -u "$scratch/alone" "$scratch/together" >"$scratch/out"; then
    echo "ok   cases-never-mix"
else
    echo "FAIL cases-never-mix: the cases classify differently when loaded together:"; head -40 "$scratch/out"
    failures=$((failures + 1))
fi

# Defaults apply unless replaced explicitly (docs/cli.md): naming the core packs with --rules keeps the threat
# catalogue that goes with them, so the shipped expectations still pass; --no-default-facts drops it (and then one
# fails: the catalogue is really in use); --verbose says what was loaded.
expect rules-keep-default-facts 0 ' passed, 0 failed' test --rules rules/core
expect no-default-facts 1 'FAIL' test --rules rules/core --no-default-facts
expect verbose-says-loaded 0 'threats.yaml +\(default: the threat catalogue of the core packs\)' \
    classify kb/cases/sco-2025.yaml --rules rules/core --format csv --verbose
expect verbose-no-catalogue 1 'shared facts: none \(the shipped threat catalogue goes with the core packs' \
    classify kb/cases/sco-2025.yaml --rules rules/examples/family.rules --verbose
expect facts-excludes-no-default 2 'excludes' classify kb/cases --facts kb/threats.yaml --no-default-facts
# One file per --rules/--facts: the case paths after them stay case paths (and a .rules file named among the cases is
# a rule pack, a .yaml file named among the rule files a fact file).
expect rules-then-cases 0 'burden' classify --rules rules/core --rules tests/golden/classify_new_finding/burden.rules \
    tests/golden/classify_new_finding/alliance.yaml --format csv
expect rules-among-cases 0 'burden' classify tests/golden/classify_new_finding/alliance.yaml --rules rules/core \
    tests/golden/classify_new_finding/burden.rules --format csv
expect yaml-among-rules 0 'person\(' run tests/golden/facts_yaml/people.rules tests/golden/facts_yaml/case.yaml
# A pack's print never lands in a machine-readable report: stdout stays JSON Lines (each line parses), the printed
# text goes to stderr.
NO_COLOR=1 "$covenant" classify kb/cases/sco-2025.yaml kb/cases/nato-2024.yaml --rules rules/core \
    --rules tests/golden/cli_inputs/noisy.rules --format json --jobs 2 >"$scratch/json" 2>"$scratch/err"
if [[ $? == 0 ]] && [[ $(wc -l <"$scratch/json") == 2 ]] &&
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$scratch/json" &&
    grep -q 'looking at sco, "quoted", {not json}' "$scratch/err"; then
    echo "ok   print-keeps-json"
else
    echo "FAIL print-keeps-json: stdout is not JSON Lines, or the printed text is not on stderr:"
    cat "$scratch/json" "$scratch/err"; failures=$((failures + 1))
fi
NO_COLOR=1 "$covenant" explain kb/cases/sco-2025.yaml --rules rules/core --rules tests/golden/cli_inputs/noisy.rules \
    --format json >"$scratch/json" 2>"$scratch/err"
if [[ $? == 0 ]] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/json" 2>/dev/null ||
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$scratch/json"; then
    grep -q 'looking at sco' "$scratch/err" && echo "ok   print-keeps-explain-json" ||
        { echo "FAIL print-keeps-explain-json: the printed text is not on stderr"; failures=$((failures + 1)); }
else
    echo "FAIL print-keeps-explain-json: stdout is not JSON"; head -5 "$scratch/json"; failures=$((failures + 1))
fi

# covenant fmt (docs/cli.md): in place (atomically, only when changed, permissions kept, --verbose names the file),
# stdin to stdout, directories recursively with hidden ones skipped, and the usage errors. The goldens fmt_check,
# fmt_diff and fmt_syntax_error pin --check, --diff and the syntax-error report.
fmt_check() {  # fmt_check NAME CONDITION-DESCRIPTION: records ok/FAIL from the exit status of the test before it
    if [[ $1 == 0 ]]; then echo "ok   $2"; else echo "FAIL $2"; cat "$scratch/out" 2>/dev/null; failures=$((failures + 1)); fi
}
mkdir -p "$scratch/fmt/sub" "$scratch/fmt/.hidden"
cp tests/golden/fmt_check/unformatted.rules "$scratch/fmt/sub/messy.rules"
cp tests/golden/fmt_check/unformatted.rules "$scratch/fmt/.hidden/messy.rules"
cp tests/golden/fmt_check/formatted.rules "$scratch/fmt/tidy.rules"
chmod 640 "$scratch/fmt/sub/messy.rules"
touch -d '2000-01-01' "$scratch/fmt/tidy.rules"
NO_COLOR=1 "$covenant" fmt <tests/golden/fmt_check/unformatted.rules >"$scratch/formatted.rules" 2>/dev/null
NO_COLOR=1 "$covenant" fmt --verbose "$scratch/fmt" >"$scratch/out" 2>&1
[[ $? == 0 && $(cat "$scratch/out") == "formatted $scratch/fmt/sub/messy.rules" ]] &&
    cmp -s "$scratch/fmt/sub/messy.rules" "$scratch/formatted.rules" &&
    ! cmp -s "$scratch/fmt/sub/messy.rules" tests/golden/fmt_check/unformatted.rules &&
    [[ $(stat -c %a "$scratch/fmt/sub/messy.rules") == 640 ]] &&
    [[ $(stat -c %Y "$scratch/fmt/tidy.rules") == $(date -d 2000-01-01 +%s) ]] &&
    cmp -s "$scratch/fmt/.hidden/messy.rules" tests/golden/fmt_check/unformatted.rules
fmt_check $? "fmt-in-place: rewrites what changes (keeping its mode), leaves the rest and hidden directories alone"
NO_COLOR=1 "$covenant" fmt --check "$scratch/fmt" >"$scratch/out" 2>&1
fmt_check $? "fmt-in-place-idempotent: a formatted tree passes --check"
NO_COLOR=1 "$covenant" fmt <tests/golden/fmt_diff/input.rules >"$scratch/stdin.out" 2>"$scratch/out" &&
    [[ ! -s $scratch/out ]] && patch -s -o "$scratch/patched.rules" tests/golden/fmt_diff/input.rules \
        tests/golden/fmt_diff/expected.out >/dev/null && cmp -s "$scratch/stdin.out" "$scratch/patched.rules"
fmt_check $? "fmt-stdin: standard input to standard output when no file is named (what --diff says it would be)"
NO_COLOR=1 "$covenant" fmt - --stdin-name piped.rules <tests/golden/fmt_syntax_error/broken.rules \
    >"$scratch/stdin.out" 2>"$scratch/out"
[[ $? == 1 && ! -s $scratch/stdin.out ]] && grep -q '^piped.rules:6:3: error\[E0001\]' "$scratch/out"
fmt_check $? "fmt-stdin-error: a syntax error on standard input is reported under --stdin-name, nothing printed"
expect fmt-dash-and-files 2 'cannot be named together' fmt - rules/examples/family.rules
if command -v script >/dev/null; then
    NO_COLOR=1 script -qec "$covenant fmt" /dev/null </dev/null >"$scratch/out" 2>&1
    [[ $? == 2 ]] && grep -q 'usage: covenant fmt' "$scratch/out"
    fmt_check $? "fmt-tty: no file and a terminal on standard input is a usage error"
fi
expect fmt-help 0 'covenant fmt --check rules/' fmt --help

exit $((failures > 0))
