#!/bin/sh
# Runs the libFuzzer targets built in BUILD_DIR (cmake -DCOVENANT_FUZZ=ON, see tests/fuzz/CMakeLists.txt), each for
# SECONDS, with the dictionary tests/fuzz/covenant.dict and the committed seed corpus tests/fuzz/corpus/<target>/.
# Used by `make fuzz` and by the smoke step of `make test`.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]     (default: every target)
#
# The seed corpus is only read: new inputs go to BUILD_DIR/fuzz-work/<target>/ (kept between runs, so a longer
# campaign resumes where the last one stopped) and crash/leak/timeout reproducers to BUILD_DIR/fuzz-artifacts/.
# Exits 1 when any target found something (each target still gets its turn), naming the reproducers.
# FUZZ_FLAGS adds libFuzzer flags (e.g. FUZZ_FLAGS=-jobs=2); FUZZ_NICE sets the nice level (default 19).
set -u
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-fuzz_rules fuzz_facts fuzz_repl fuzz_run}
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
export COVENANT_SOURCE_DIR="${COVENANT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=""
for t in $targets; do
  exe="$build/tests/fuzz/$t"
  if [ ! -x "$exe" ]; then echo "fuzz: $exe is not built" >&2; failed="$failed $t"; continue; fi
  work="$build/fuzz-work/$t"
  mkdir -p "$work"
  echo "=== $t: ${seconds}s (seeds: tests/fuzz/corpus/$t, new inputs: $work)"
  # -max_len: the largest seeds are a few KB; -timeout: one input taking longer is a hang (fuzz_run stops the
  # engine after 2 s itself; a `consult` on the core packs takes a few seconds under ASan, and the timeout is wall
  # time, so it is generous for a machine shared at nice 19); -rss_limit_mb: a runaway allocation is a finding.
  # shellcheck disable=SC2086
  if ! nice -n "${FUZZ_NICE:-19}" "$exe" -dict="$here/covenant.dict" -max_total_time="$seconds" -max_len=8192 \
         -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
         ${FUZZ_FLAGS:-} "$work" "$here/corpus/$t" 2>"$build/fuzz-$t.log"; then
    failed="$failed $t"
    tail -n 60 "$build/fuzz-$t.log" >&2
  fi
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)|cov: ' "$build/fuzz-$t.log" | tail -n 3
done
if [ -n "$failed" ]; then
  echo "fuzz: FAILED:$failed (reproducers in $artifacts; full logs in $build/fuzz-<target>.log)" >&2
  ls -l "$artifacts" >&2
  exit 1
fi
echo "fuzz: no findings ($targets; ${seconds}s each)"
