#!/usr/bin/env bash
# The benchmark against CLIPS 6.30 (issue 5), what `make bench` runs:
#   1. installs Debian's `clips` (and python3) when missing — only as root; otherwise says what to install and stops;
#   2. configures and builds Release in $BUILD_DIR (default build/): covenant, engine_micro and bench_measure (the
#      bench targets are EXCLUDE_FROM_ALL, so a plain build or `make test` never compiles them);
#   3. runs bench/run.py, which prints the table and writes docs/benchmarks.md.
# Arguments are passed on to run.py, e.g.  bench/bench.sh --runs 10 --only 'manners|waltz' --no-write
# Exit status: run.py's (1 when a workload failed or the engines disagreed), or the failing step's.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

missing=()
command -v clips >/dev/null 2>&1 || missing+=(clips)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# CLIPS's examples (the sudoku and zebra workloads run them as CLIPS ships them); Debian's clips only recommends them.
[ -d /usr/share/doc/clips-common/examples ] || missing+=(clips-common)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench.sh: missing Debian packages: ${missing[*]}" >&2
    echo "bench.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "bench.sh: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" --target covenant engine_micro bench_measure -j"$JOBS"

exec python3 bench/run.py "$BUILD_DIR/repl/covenant" "$(command -v clips)" \
  --measure "$BUILD_DIR/bench/bench_measure" --micro "$BUILD_DIR/bench/engine_micro" "$@"
