# Sourced by clips_monkey.sh and clips_zebra.sh: what both do before comparing, for one of CLIPS's examples.
#   clips_example_run NAME FILE_VAR RULES
# finds `clips` (CLIPS=PATH overrides) and the example NAME.clp of Debian's clips-common (the variable named FILE_VAR,
# e.g. MAB_CLP, overrides: NAME.clp or NAME.clp.gz), exits 77 (skipped) with a message when either is missing, then
# runs it in CLIPS with (load*) (reset) (watch rules) (run) into $scratch/clips.out and Covenant's RULES (a path from
# the repository's root) with --watch rules into $scratch/covenant.out; exits 1 when either run fails.
# Needs $covenant (an absolute path) and $root; sets $scratch (removed on exit).
clips_example_run() {
    local name=$1 file_var=$2 rules=$3 example
    local clips=${CLIPS:-$(command -v clips)}
    if [[ -z $clips || ! -x $clips ]]; then
        echo "SKIPPED: clips is not installed (Debian: apt-get install clips); nothing to compare $(basename "$rules") with"
        exit 77
    fi
    example=${!file_var:-}
    if [[ -z $example ]]; then
        for f in "/usr/share/doc/clips-common/examples/$name.clp.gz" "/usr/share/doc/clips-common/examples/$name.clp"; do
            [[ -f $f ]] && { example=$f; break; }
        done
    fi
    if [[ -z $example || ! -f $example ]]; then
        echo "SKIPPED: the CLIPS example $name.clp was not found (Debian's clips-common ships it as" \
            "/usr/share/doc/clips-common/examples/$name.clp.gz; or set $file_var)"
        exit 77
    fi
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    if [[ $example == *.gz ]]; then zcat "$example" >"$scratch/$name.clp"; else cp "$example" "$scratch/$name.clp"; fi
    cat >"$scratch/run.bat" <<BAT
(load* "$scratch/$name.clp")
(reset)
(watch rules)
(run)
(exit)
BAT
    (cd "$scratch" && timeout 60 "$clips" -f2 run.bat) >"$scratch/clips.out" 2>&1 || {
        echo "FAIL: clips did not run $name.clp:"; cat "$scratch/clips.out"; exit 1
    }
    (cd "$root" && NO_COLOR=1 timeout 60 "$covenant" run "$rules" --watch rules) \
        >"$scratch/covenant.out" 2>"$scratch/covenant.err" || {
        echo "FAIL: covenant run $rules failed:"; cat "$scratch/covenant.out" "$scratch/covenant.err"
        exit 1
    }
}
