#!/usr/bin/env python3
"""Print a benchmark run's result in a canonical text form, so that the two engines' results can be compared.

  manners: one line per seat, "seat N guest G", sorted by seat. Both programs print exactly these lines (the
           print_results rule); every other line of the output is ignored.
  waltz:   one line per directed edge, "edge P1 P2 LABEL", sorted by P1 then P2. CLIPS prints these lines from
           (print-labelling) after the run; Covenant prints its final working memory, whose `edge(...)` facts are
           read here (p1, p2 and label; the other slots are not part of the result).

Usage:  python3 bench/canonical.py manners|waltz < ENGINE-OUTPUT > CANONICAL
Exit status 1 when the output holds no result (no seat or edge line), so that a harness notices a broken run.
"""

import re
import sys

SEAT_RE = re.compile(r"^seat (\d+) guest (\S+)\s*$")
CLIPS_EDGE_RE = re.compile(r"^edge (-?\d+) (-?\d+) (\S+)\s*$")
# A fact line of `covenant run`: "f-12 edge(p1: 5, p2: 6, angle: 0.0, joined: true, label: boundary, plotted: true)".
COVENANT_EDGE_RE = re.compile(r"^f-\d+\s+edge\((.*)\)\s*$")
SLOT_RE = re.compile(r"(\w+): ([^,]+)")


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


def main(argv):
    if len(argv) != 1 or argv[0] not in ("manners", "waltz"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: canonical.py manners|waltz < OUTPUT", file=sys.stderr)
        return 2
    lines = sys.stdin.read().splitlines()
    result = manners(lines) if argv[0] == "manners" else waltz(lines)
    if not result:
        print(f"canonical.py: no {argv[0]} result in the output", file=sys.stderr)
        return 1
    sys.stdout.write("\n".join(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
