#!/usr/bin/env python3
"""Compare two builds of `covenant` on one workload, alternating runs (A, B, A, B, ...).

On a machine whose speed drifts (a shared virtual machine), timing one build and then the other measures the drift as
much as the change; alternating and taking the median of the per-pair ratios does not. Everything after the two
binaries is the command line both run, e.g.

    bench/ab.py /tmp/old-covenant build/repl/covenant -- run bench/covenant/manners.rules \\
        --facts bench/data/manners128.yaml --strategy depth

Prints the median seconds of each and the median of A/B (> 1: B is faster). Exit status 1 when a run fails or the two
builds print different output (then the comparison would be meaningless).
"""
import argparse
import statistics
import subprocess
import sys
import time


def main():
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     usage="%(prog)s [-h] [--runs N] A B -- COVENANT-ARGS...",
                                     epilog="Everything after `--` is passed to both builds.")
    parser.add_argument("a", help="the first `covenant` binary (the baseline)")
    parser.add_argument("b", help="the second `covenant` binary")
    parser.add_argument("--runs", type=int, default=10, help="counted pairs, after one warm-up pair (default 10)")
    options = parser.parse_args(argv[:cut])
    args = argv[cut + 1:]
    if not args:
        parser.error("give the command line to run after `--`, e.g. -- run FILE.rules --facts FILE.yaml")
    if options.runs < 1:
        parser.error("--runs must be at least 1")

    times = {"a": [], "b": []}
    outputs = {}
    for i in range(options.runs + 1):
        for key in ("a", "b"):
            exe = getattr(options, key)
            start = time.perf_counter()
            done = subprocess.run([exe] + args, capture_output=True)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                sys.stderr.write(f"ab.py: {exe} exited with {done.returncode}:\n{done.stderr.decode(errors='replace')}")
                return 1
            outputs.setdefault(key, done.stdout)
            if i > 0:
                times[key].append(elapsed)
    if outputs["a"] != outputs["b"]:
        sys.stderr.write("ab.py: the two builds print different output; compare like with like\n")
        return 1
    ratios = [x / y for x, y in zip(times["a"], times["b"])]
    print(f"A {statistics.median(times['a']):.3f} s   B {statistics.median(times['b']):.3f} s   "
          f"A/B {statistics.median(ratios):.3f} (median of {options.runs} pairs; > 1: B is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
