#!/usr/bin/env bash
# The example program of docs/embedding.md, built the two ways the page says an embedder builds it, against the
# embedding kit installed from BUILD_DIR into a temporary prefix (`cmake --install BUILD_DIR --component api`):
#   1. with pkg-config (c++ embed.cpp $(pkg-config --cflags --libs covenant));
#   2. with CMake (find_package(Covenant), target Covenant::covenant).
# Each must run from the source tree and print exactly the output the page shows after the program.
# Usage: embedding_example.sh BUILD_DIR CXX
set -euo pipefail

build=${1:?usage: embedding_example.sh BUILD_DIR CXX}
cxx=${2:-c++}
src=$(cd "$(dirname "$0")/../.." && pwd)
doc=$src/docs/embedding.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fenced block after each marker line: <!-- example: embed.cpp --> and <!-- output: embed.cpp -->.
block() {
    awk -v marker="<!-- $1: embed.cpp -->" '
        $0 == marker { found = 1; next }
        found && !inside && /^```/ { inside = 1; next }
        inside && /^```/ { exit }
        inside { print }' "$doc"
}
block example >"$tmp/embed.cpp"
block output >"$tmp/expected.txt"
if [[ ! -s $tmp/embed.cpp || ! -s $tmp/expected.txt ]]; then
    echo "docs/embedding.md: no example or no output block (markers <!-- example: embed.cpp --> and"
    echo "<!-- output: embed.cpp -->, each followed by a fenced block)"
    exit 1
fi

cmake --install "$build" --component api --prefix "$tmp/prefix" >"$tmp/install.log"
pc=$(find "$tmp/prefix" -name covenant.pc | head -n 1)
if [[ -z $pc ]]; then
    echo "cmake --install --component api installed no covenant.pc"
    cat "$tmp/install.log"
    exit 1
fi

check() {  # check HOW BINARY
    if ! (cd "$src" && "$2") >"$tmp/$1.out" 2>"$tmp/$1.err"; then
        echo "the example built with $1 failed:"
        cat "$tmp/$1.err"
        exit 1
    fi
    if ! diff -u "$tmp/expected.txt" "$tmp/$1.out"; then
        echo "the example built with $1 printed something else than docs/embedding.md shows (diff above)"
        exit 1
    fi
}

# 1. pkg-config
libdir=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=libdir covenant)
# shellcheck disable=SC2046
"$cxx" -std=c++17 -Wall -Wextra -o "$tmp/embed-pc" "$tmp/embed.cpp" \
    $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs covenant) -Wl,-rpath,"$libdir"
check pkg-config "$tmp/embed-pc"

# 2. CMake
mkdir -p "$tmp/project"
cp "$tmp/embed.cpp" "$tmp/project/"
cat >"$tmp/project/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(embed CXX)
find_package(Covenant REQUIRED)
add_executable(embed embed.cpp)
target_link_libraries(embed PRIVATE Covenant::covenant)
CMAKE
if ! { cmake -S "$tmp/project" -B "$tmp/project/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
           -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$tmp/project/build"; } >"$tmp/cmake.log" 2>&1; then
    cat "$tmp/cmake.log"
    echo "the example does not build with find_package(Covenant)"
    exit 1
fi
check cmake "$tmp/project/build/embed"
echo "ok: the example of docs/embedding.md builds with pkg-config and with find_package(Covenant), and prints what the page shows"
