#!/usr/bin/env bash
# The install as a user meets it: `cmake --install BUILD --prefix TMP`, then the installed covenant run from another
# directory (a scratch HOME and working directory, no source tree in sight) must find its own packs and knowledge
# base under TMP/share/covenant: classify the installed cases, pass `test`, answer a REPL script, list the man page;
# COVENANT_PATH must add a pack directory for `use`; and a copy of the whole prefix moved elsewhere (a relocated
# install) must find the moved packs, not the old ones.
#
# usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$scratch/install.log" || { cat "$scratch/install.log"; fail "cmake --install"; }
bin=$prefix/bin/covenant
[[ -x $bin ]] || fail "no $bin"
for f in share/covenant/rules/core/vocabulary.rules share/covenant/kb/threats.yaml share/man/man1/covenant.1 \
         share/doc/covenant/cli.md share/doc/covenant/README.md; do
    [[ -f $prefix/$f ]] || fail "not installed: $f"
done

mkdir -p "$scratch/work" "$scratch/home"
cd "$scratch/work"
export HOME=$scratch/home NO_COLOR=1
unset COVENANT_PATH

# classify: the installed packs and threat catalogue, said so by --verbose.
"$bin" classify "$prefix/share/covenant/kb/cases" --format csv --verbose >out.csv 2>err.txt || { cat err.txt; fail "classify"; }
grep -q "^case," out.csv || fail "classify printed no CSV header"
[[ $(wc -l <out.csv) -ge 5 ]] || fail "classify printed fewer than 4 cases"
grep -q "$prefix/share/covenant/rules/core/vocabulary.rules" err.txt || { cat err.txt; fail "--verbose does not name the installed core pack"; }
grep -q "$prefix/share/covenant/kb/threats.yaml" err.txt || { cat err.txt; fail "the installed threat catalogue was not loaded"; }

# test: the shipped expectations pass with the installed files (default: the installed kb/cases and core tests).
"$bin" test >test.txt 2>&1 || { tail -20 test.txt; fail "covenant test"; }

# repl: load a case, classify, save it.
printf 'load %s\nclassify\nsave %s\n' "$prefix/share/covenant/kb/cases/sco-2025.yaml" "$scratch/saved.yaml" |
    "$bin" repl >repl.txt 2>&1 || { cat repl.txt; fail "covenant repl"; }
grep -q "sco" repl.txt || { cat repl.txt; fail "the REPL's classify does not show the case"; }
[[ -s $scratch/saved.yaml ]] || fail "the REPL did not save"

# The man page is valid roff with every command.
if command -v man >/dev/null; then
    MANWIDTH=100 man -l "$prefix/share/man/man1/covenant.1" >man.txt 2>/dev/null || fail "man -l covenant.1"
    for c in check run classify trend test explain repl doc; do grep -q "^ *$c\$" man.txt || fail "man page lacks $c"; done
fi

# COVENANT_PATH: a pack of one's own, found by `use` from a rules file elsewhere.
mkdir -p "$scratch/packs/mine" "$scratch/elsewhere"
cat >"$scratch/packs/mine/extra.rules" <<'EOF'
pack mine.extra
template marker { id: symbol }
EOF
cat >"$scratch/elsewhere/main.rules" <<'EOF'
use mine.extra
facts { marker(id: seen) }
EOF
COVENANT_PATH="$scratch/nothing-here:$scratch/packs" "$bin" run "$scratch/elsewhere/main.rules" >run.txt 2>&1 ||
    { cat run.txt; fail "COVENANT_PATH: use mine.extra"; }
grep -q "marker(id: seen)" run.txt || { cat run.txt; fail "COVENANT_PATH: the fact is missing"; }
if "$bin" run "$scratch/elsewhere/main.rules" >run2.txt 2>&1; then fail "use mine.extra found without COVENANT_PATH"; fi

# The Python module, when built: imported from the prefix's site-packages (on sys.path for /usr/local; here given
# with PYTHONPATH), it finds the prefix's packs and classifies the installed cases into a pandas DataFrame.
module=$(find "$prefix/lib" -name 'covenant*.so' -path '*-packages/*' 2>/dev/null | head -1)
if compgen -G "$build/python/covenant*.so" >/dev/null && [[ -z $module ]]; then
    fail "the build has the Python module but cmake --install did not install it"
fi
if [[ -n $module ]] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    PYTHONPATH=$(dirname "$module") /usr/bin/python3 - "$prefix" >py.txt 2>&1 <<'EOF' || { cat py.txt; fail "python: import covenant"; }
import sys, covenant, pandas
prefix = sys.argv[1]
assert covenant.data_directory() == prefix + "/share/covenant", covenant.data_directory()
df = pandas.DataFrame(covenant.classify(prefix + "/share/covenant/kb/cases"))
assert len(df) >= 4 and {"case", "institution", "architecture"} <= set(df.columns), df
print(df[["case", "architecture"]].to_string())
EOF
    grep -q "sco-2025" py.txt || { cat py.txt; fail "python: no sco-2025 row"; }
fi

# A relocated install finds its own packs: move the prefix, break the old one.
mv "$prefix" "$scratch/moved"
"$scratch/moved/bin/covenant" classify "$scratch/moved/share/covenant/kb/cases/sco-2025.yaml" --format csv --verbose \
    >moved.csv 2>moved.txt || { cat moved.txt; fail "relocated classify"; }
grep -q "$scratch/moved/share/covenant/rules/core" moved.txt || { cat moved.txt; fail "the relocated binary did not use its packs"; }
echo "install test: ok"
