#!/usr/bin/env bash
# The Debian package as a packager meets it: `cpack -G DEB` in the build directory (what `make package` runs) gives
# covenant_<version>_<arch>.deb; its control data names the package, its dependencies (from dpkg-shlibdeps) and a
# description, it installs under /usr (bin/covenant, share/covenant/{rules,kb}, the man page, the manuals), and the
# unpacked tree runs: the binary finds the packs beside it and classifies the packaged cases.
#
# usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "SKIP: dpkg-deb is not installed (Debian package dpkg)"; exit 0; }

(cd "$build" && cpack -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/out/covenant_*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || { ls -R "$scratch/out"; fail "no covenant_*.deb"; }
dpkg-deb --field "$deb" Package | grep -qx covenant || fail "Package is not covenant"
dpkg-deb --field "$deb" Depends | grep -q "libyaml-cpp" || { dpkg-deb --info "$deb"; fail "Depends does not name libyaml-cpp"; }
dpkg-deb --contents "$deb" >"$scratch/contents.txt"
for f in ./usr/bin/covenant ./usr/share/covenant/rules/core/vocabulary.rules ./usr/share/covenant/kb/threats.yaml \
         ./usr/share/man/man1/covenant.1 ./usr/share/doc/covenant/cli.md; do
    grep -q " $f\$" "$scratch/contents.txt" || { cat "$scratch/contents.txt"; fail "the package lacks $f"; }
done

dpkg-deb -x "$deb" "$scratch/root"
cd "$scratch"
NO_COLOR=1 HOME=$scratch "$scratch/root/usr/bin/covenant" classify "$scratch/root/usr/share/covenant/kb/cases" \
    --format csv --verbose >out.csv 2>err.txt || { cat err.txt; fail "the packaged covenant classify"; }
grep -q "$scratch/root/usr/share/covenant/rules/core" err.txt || { cat err.txt; fail "did not use the packaged packs"; }
[[ $(wc -l <out.csv) -ge 5 ]] || fail "the packaged classify printed fewer than 4 cases"
echo "package test: ok ($(basename "$deb"))"
