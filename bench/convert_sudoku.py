#!/usr/bin/env python3
"""Convert puzzles of CLIPS's Sudoku example into Covenant fact files for bench/covenant/sudoku.rules.

A CLIPS puzzle file (sudoku/puzzles/gridNxN-pK.clp[.gz] in Debian's clips-common) is one rule, grid-values, that
retracts (phase grid-values) and asserts (phase expand-any), (size N) and one (possible (row R) (column C) (value V)
(group G) (id I)) per position, V a number for a given position and `any` for a blank one. For each puzzle this
writes NAME.yaml, a Covenant fact file holding the `size` fact and the `possible` facts in the rule's order (Covenant
asserts a fact file's facts in file order; `any` becomes 0, the constant ANY of sudoku.rules). The phase facts are
left to the port's own grid_values rule. When the puzzle file's header comment gives the solution (the 3x3 puzzles
do), it is copied into the YAML file as a comment, after checking that it keeps every given value. It also writes
stress-test.yaml, the one fact (stress-test) that CLIPS's runbench.bat asserts after (reset) for its second run: give
it to `covenant run` as the first --facts file.

The converter refuses a file whose grid-values rule holds anything else, whose positions are not the N^2 x N^2 grid
each with its own id, or whose given values lie outside 1..N^2 (the message names the file and what is wrong).
The output is a pure function of the input: running the converter twice gives byte-identical files.

Usage:  python3 bench/convert_sudoku.py [--from DIR] [--to DIR] [PUZZLE ...]
  --from  CLIPS's puzzles directory (default /usr/share/doc/clips-common/examples/sudoku/puzzles); each puzzle is
          read from NAME.clp.gz or NAME.clp there
  --to    the output directory (default bench/data/sudoku in the repository)
  PUZZLE  puzzle names (default: the benchmark's, PUZZLES below)
Exit status: 0 on success, 1 when a puzzle is missing or malformed.
"""

import argparse
import gzip
import os
import re
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FROM = "/usr/share/doc/clips-common/examples/sudoku/puzzles"
DEFAULT_TO = os.path.join(BENCH_DIR, "data", "sudoku")
# grid3x3-p17 is the puzzle of CLIPS's runbench.bat; p1 needs naked singles only, p14 the colouring techniques,
# p18 the most techniques of all (colours, forced chains, unique rectangles); one 4x4 and one 5x5 puzzle.
PUZZLES = ["grid3x3-p1", "grid3x3-p14", "grid3x3-p17", "grid3x3-p18", "grid4x4-p17", "grid5x5-p1"]

ASSERT_RE = re.compile(r"\(assert\s+(\((?:[^()]|\([^()]*\))*\))\s*\)")
POSSIBLE_RE = re.compile(r"\(possible\s+\(row\s+(\d+)\)\s+\(column\s+(\d+)\)\s+\(value\s+(\d+|any)\)\s+"
                         r"\(group\s+(\d+)\)\s+\(id\s+(\d+)\)\s*\)\Z")
SIZE_RE = re.compile(r"\(size\s+(\d+)\)\Z")
RULE_RE = re.compile(r"\(defrule\s+grid-values\s+\?f\s*<-\s*\(phase\s+grid-values\)\s*=>\s*"
                     r"\(retract\s+\?f\)(.*)\)\s*\Z", re.S)


class InputError(Exception):
    pass


def read_puzzle(directory, name):
    for path, opener in ((os.path.join(directory, name + ".clp.gz"), gzip.open),
                         (os.path.join(directory, name + ".clp"), open)):
        if os.path.exists(path):
            with opener(path, "rt", encoding="utf-8") as f:
                return path, f.read()
    raise InputError(f"{name}: neither {name}.clp.gz nor {name}.clp in {directory}")


def strip_comments(text):
    return "\n".join(line.split(";", 1)[0] for line in text.splitlines())


def solution_comment(path, text, n):
    """The grid under ';;; The solution is:' as a list of rows of ints, or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == ";;; The solution is:":
            rows = []
            for later in lines[i + 1:]:
                body = later.lstrip(";").strip()
                if not later.startswith(";;;"):
                    break
                if not body:
                    if rows:
                        if len(rows) == n * n:
                            break
                    continue
                if not re.fullmatch(r"[0-9 ]+", body):
                    break
                rows.append([int(v) for v in body.split()])
            if len(rows) != n * n or any(len(r) != n * n for r in rows):
                raise InputError(f"{path}: the solution comment is not a {n * n}x{n * n} grid")
            return rows
    return None


def convert(path, text):
    """(size, [(row, column, value, group, id)], solution rows or None); value 0 for `any`."""
    m = RULE_RE.search(strip_comments(text))
    if not m:
        raise InputError(f"{path}: no rule `grid-values` of the form `?f <- (phase grid-values) => (retract ?f) ...`")
    body = m.group(1)
    facts = ASSERT_RE.findall(body)
    if not facts or ASSERT_RE.sub("", body).strip():
        raise InputError(f"{path}: grid-values holds something other than (assert ...) actions: "
                         f"{ASSERT_RE.sub('', body).strip()[:60]!r}")
    size, positions, phase = None, [], 0
    for fact in facts:
        fact = " ".join(fact.split())
        if fact == "(phase expand-any)":
            phase += 1
        elif SIZE_RE.match(fact):
            if size is not None:
                raise InputError(f"{path}: two size facts")
            size = int(SIZE_RE.match(fact).group(1))
        elif POSSIBLE_RE.match(fact):
            r, c, v, g, i = POSSIBLE_RE.match(fact).groups()
            positions.append((int(r), int(c), 0 if v == "any" else int(v), int(g), int(i)))
        else:
            raise InputError(f"{path}: unexpected fact in grid-values: {fact}")
    if phase != 1 or size is None or not 1 <= size <= 5:
        raise InputError(f"{path}: grid-values must assert (phase expand-any) once and one (size N), N in 1..5")
    side = size * size
    if sorted((r, c) for r, c, _, _, _ in positions) != [(r, c) for r in range(1, side + 1)
                                                          for c in range(1, side + 1)]:
        raise InputError(f"{path}: the positions are not the {side}x{side} grid, each once")
    if len({i for _, _, _, _, i in positions}) != len(positions):
        raise InputError(f"{path}: two positions have the same id")
    for r, c, v, g, _ in positions:
        if not 0 <= v <= side:
            raise InputError(f"{path}: value {v} at row {r} column {c} lies outside 1..{side}")
        if g != (r - 1) // size * size + (c - 1) // size + 1:
            raise InputError(f"{path}: row {r} column {c} is in group {g}, not its box")
    solution = solution_comment(path, text, size)
    if solution:
        for r, c, v, _, _ in positions:
            if v and solution[r - 1][c - 1] != v:
                raise InputError(f"{path}: the solution comment has {solution[r - 1][c - 1]} at row {r} column {c}, "
                                 f"the puzzle gives {v}")
    return size, positions, solution


def yaml_text(name, source, size, positions, solution):
    out = [f"# Converted by bench/convert_sudoku.py from CLIPS's {os.path.basename(source)}; do not edit by hand.",
           "# The puzzle for bench/covenant/sudoku.rules: the size and one `possible` fact per position, in the order",
           "# of the CLIPS rule grid-values; value 0 is the rules' ANY (CLIPS's `any`: not given)."]
    if solution:
        out.append("# The solution, from the puzzle file's comment:")
        out += ["#   " + " ".join(f"{v:>2}" if size > 3 else str(v) for v in row) for row in solution]
    out += ["facts:", "  size:", f"    - {{value: {size}}}", "  possible:"]
    out += [f"    - {{row: {r}, column: {c}, value: {v}, group: {g}, id: {i}}}" for r, c, v, g, i in positions]
    return "\n".join(out) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--from", dest="source", default=DEFAULT_FROM, help="CLIPS's sudoku/puzzles directory")
    parser.add_argument("--to", default=DEFAULT_TO, help="the output directory (default bench/data/sudoku)")
    parser.add_argument("puzzles", nargs="*", help="puzzle names, e.g. grid3x3-p17 (default: the benchmark's)")
    args = parser.parse_args(argv)
    try:
        converted = []
        for name in args.puzzles or PUZZLES:
            if not re.fullmatch(r"grid[0-9]x[0-9]-p[0-9]+", name):
                raise InputError(f"{name}: not a puzzle name (gridNxN-pK)")
            path, text = read_puzzle(args.source, name)
            converted.append((name, path, *convert(path, text)))
    except (InputError, OSError) as e:
        print(f"convert_sudoku.py: {e}", file=sys.stderr)
        return 1
    os.makedirs(args.to, exist_ok=True)
    for name, path, size, positions, solution in converted:
        with open(os.path.join(args.to, name + ".yaml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(yaml_text(name, path, size, positions, solution))
        given = sum(1 for p in positions if p[2])
        print(f"{name}.yaml: {size * size}x{size * size}, {given} given, {len(positions) - given} blank")
    with open(os.path.join(args.to, "stress-test.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# Written by bench/convert_sudoku.py; do not edit by hand. CLIPS's (stress-test) fact, which\n"
                "# runbench.bat asserts after (reset): with it, sudoku.rules enables every technique of a higher rank\n"
                "# at once instead of only when the simpler ones are exhausted. Give it before the puzzle's file.\n"
                "facts:\n  stress_test:\n    - {}\n")
    print("stress-test.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
