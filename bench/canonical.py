#!/usr/bin/env python3
"""Print a benchmark run's result in a canonical text form, so that the two engines' results can be compared.

  manners: one line per seat, "seat N guest G", sorted by seat. Both programs print exactly these lines (the
           print_results rule); every other line of the output is ignored.
  waltz:   one line per directed edge, "edge P1 P2 LABEL", sorted by P1 then P2. CLIPS prints these lines from
           (print-labelling) after the run; Covenant prints its final working memory, whose `edge(...)` facts are
           read here (p1, p2 and label; the other slots are not part of the result).
  zebra:   one line per house, "house N nationality X color X pet X drink X smokes X", from the table that both
           programs print (print-solution: "  1   | norwegian   | yellow | ..."); CLIPS's `-` in symbols is
           written `_` (orange-juice is orange_juice), as Covenant spells them.
  sudoku:  one line per row of the grid, "row R: V V ...", from the `possible` facts left at the end: CLIPS's
           lines "possible R C V" (printed after the run by the harness's do-for-all-facts) or Covenant's final
           working memory's `possible(...)` facts. A solved position shows its value; a position with several
           candidates left shows them joined by `/` (2/7), one with none `.`, so an unsolved grid compares too.

Usage:  python3 bench/canonical.py manners|waltz|zebra|sudoku < ENGINE-OUTPUT > CANONICAL
Exit status 1 when the output holds no result (no seat, edge, house or possible line), so that a harness notices a
broken run.
"""

import re
import sys

SEAT_RE = re.compile(r"^seat (\d+) guest (\S+)\s*$")
CLIPS_EDGE_RE = re.compile(r"^edge (-?\d+) (-?\d+) (\S+)\s*$")
# A fact line of `covenant run`: "f-12 edge(p1: 5, p2: 6, angle: 0.0, joined: true, label: boundary, plotted: true)".
COVENANT_EDGE_RE = re.compile(r"^f-\d+\s+edge\((.*)\)\s*$")
SLOT_RE = re.compile(r"(\w+): ([^,]+)")
ZEBRA_RE = re.compile(r"^  ([1-5])   \|(.*)$")
ZEBRA_ATTRIBUTES = ("nationality", "color", "pet", "drink", "smokes")
CLIPS_POSSIBLE_RE = re.compile(r"^possible (\d+) (\d+) (\d+)\s*$")
COVENANT_POSSIBLE_RE = re.compile(r"^f-\d+\s+possible\((.*)\)\s*$")


def manners(lines):
    seats = []
    for line in lines:
        m = SEAT_RE.match(line)
        if m:
            seats.append((int(m.group(1)), m.group(2)))
    return [f"seat {seat} guest {guest}" for seat, guest in sorted(seats)]


def waltz(lines):
    edges = []
    for line in lines:
        m = CLIPS_EDGE_RE.match(line)
        if m:
            edges.append((int(m.group(1)), int(m.group(2)), m.group(3)))
            continue
        m = COVENANT_EDGE_RE.match(line)
        if m:
            slots = dict(SLOT_RE.findall(m.group(1)))
            edges.append((int(slots["p1"]), int(slots["p2"]), slots["label"].strip()))
    return [f"edge {p1} {p2} {label}" for p1, p2, label in sorted(edges)]


def zebra(lines):
    houses = {}
    for line in lines:
        m = ZEBRA_RE.match(line)
        if m:
            values = [v.strip().replace("-", "_") for v in m.group(2).split("|")]
            if len(values) == len(ZEBRA_ATTRIBUTES):
                houses[int(m.group(1))] = " ".join(f"{a} {v}" for a, v in zip(ZEBRA_ATTRIBUTES, values))
    return [f"house {h} {houses[h]}" for h in sorted(houses)]


def sudoku(lines):
    cells = {}
    for line in lines:
        m = CLIPS_POSSIBLE_RE.match(line)
        if m:
            r, c, v = (int(x) for x in m.groups())
        else:
            m = COVENANT_POSSIBLE_RE.match(line)
            if not m:
                continue
            slots = dict(SLOT_RE.findall(m.group(1)))
            r, c, v = int(slots["row"]), int(slots["column"]), int(slots["value"].strip())
        cells.setdefault((r, c), set()).add(v)
    if not cells:
        return []
    side = max(max(r, c) for r, c in cells)
    def cell(r, c):
        values = sorted(cells.get((r, c), ()))
        return "/".join(str(v) for v in values) or "."
    return [f"row {r}: " + " ".join(cell(r, c) for c in range(1, side + 1)) for r in range(1, side + 1)]


PROGRAMS = {"manners": manners, "waltz": waltz, "zebra": zebra, "sudoku": sudoku}


def main(argv):
    if len(argv) != 1 or argv[0] not in PROGRAMS:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: canonical.py manners|waltz|zebra|sudoku < OUTPUT", file=sys.stderr)
        return 2
    lines = sys.stdin.read().splitlines()
    result = PROGRAMS[argv[0]](lines)
    if not result:
        print(f"canonical.py: no {argv[0]} result in the output", file=sys.stderr)
        return 1
    sys.stdout.write("\n".join(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
