#!/usr/bin/env bash
# The memory soak (issue 9): does a long run over a constant working memory stay under a fixed ceiling?
#   bench/soak_memory.sh [FIRINGS]          default 10,000,000 firings per workload
# Builds the soak_memory target (EXCLUDE_FROM_ALL) in $BUILD_DIR (default build/, Release), then runs its two workloads
# (`modify`: one fact modified over and over; `churn`: conclusions, supports and evidence withdrawn and remade every
# tick), each in its own process so that each peak is its own, and prints a table of firings against resident set
# per workload. CEILING_MIB (default 64) is the ceiling passed on; see bench/micro/soak_memory.cpp for the checks.
# Exit status: 0 when both workloads pass, 1 when one fails, 2 on a build or usage error.
set -uo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FIRINGS=${1:-10000000}
CEILING_MIB=${CEILING_MIB:-64}
case "$FIRINGS" in
  ''|*[!0-9]*) echo "usage: bench/soak_memory.sh [FIRINGS]" >&2; exit 2 ;;
esac

cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 2
cmake --build "$BUILD_DIR" --target soak_memory -j"$JOBS" >/dev/null || exit 2

status=0
for workload in modify churn; do
  "$BUILD_DIR/bench/soak_memory" --workload "$workload" --firings "$FIRINGS" --ceiling-mib "$CEILING_MIB" || status=1
  echo
done
exit $status
