#!/usr/bin/env python3
"""Generate Miss Manners and Waltz data sets of any size, as the OPS5 benchmark suite's own generators did.

The data sets in bench/data (manners16/32/64/128, waltz12/25/37/50) come from the OPS5 benchmark suite (Brant, Grose,
Lofaso & Miranker 1991), which made them with two small C programs. This script is a faithful port of both, so that
the benchmarks can be run at sizes that were never published, on data drawn exactly as the published data was:

  manners N   Tim Grose's "Miss Manners Data Generator" (January 1991). Guests are named 1..N. For each guest, in
              order: one rand() for the sex (m when below 2^30, else f; but never more than N div 2 males nor
              N - N div 2 females, so the split is exact), one rand() for the number of hobbies (between MIN and
              MAX), then one rand() per hobby, drawn again while it repeats one the guest already has, each hobby
              printed as it is drawn. Then last_seat N, count 1, context start. The generator calls srand(10) and
              scales rand() by 2^31 - 1 through a C float: that is the 4.3BSD rand() (a linear congruential
              generator, next = next * 1103515245 + 12345, result next & 0x7fffffff), reproduced here bit for bit,
              float rounding included. Hobbies are written h1..hMAX, names as bare integers, as the published
              CLIPS files spell them (bench/convert.py then renames guest 7 to n7 for both engines).
  waltz N     "WALTZY, the DATA FILE GENERATOR" (Jan 1989): N + 1 "regions" of 72 lines (four cubes of 17 lines,
              joined by a mostly hidden centre cube of 4 lines), laid side by side every 120000, and N extra centre
              cubes of 4 lines that join neighbouring regions: 76 N + 72 lines, after (stage (value duplicate)).
              A point p is x = p div 100, y = p mod 100 to the Waltz program. Beyond 833 regions the original
              stacks further rows upwards and diagonally; that part is ported too, quirks included.

Which published sets this reproduces (checked by --verify, byte for byte):
  waltz12, waltz25, waltz37, waltz50: exactly (N regions as above).
  manners64: exactly, with hobbies between 2 and 3; manners128: exactly, with hobbies between 2 and 5.
  manners16, manners32: NOT reproduced. They have the same shape (2-3 of the hobbies h1-h3 a guest, exactly N/2
      males, the same closing facts) but their guests are spelt n1, n2, ... and no seed of this generator with the
      BSD rand() (all 2^32 were tried), nor with glibc's random() (seeds below 2^26), draws them: they were made
      some other way. --verify checks their shape only. `manners 16` and `manners 32` still generate this
      generator's sets of those sizes, but will not overwrite the published ones in bench/data.

Sizes that were not published use hobbies between 2 and 3 up to 64 guests and between 2 and 5 above (the
parameters of manners128, the largest published set); --max-hobbies and --min-hobbies change them, --seed the seed.

Output: NAME.fct and NAME.yaml in the output directory, written by bench/convert.py's own functions (so with the
same normalisation as the published sets there), NAME = manners<N> or waltz<N>. --print writes the CLIPS text as
the generator draws it (before normalisation) to standard output instead.

Usage:
  python3 bench/gen_ops5.py manners N [--max-hobbies M] [--min-hobbies M] [--seed S] [--to DIR | --print]
  python3 bench/gen_ops5.py waltz N [--to DIR | --print]
  python3 bench/gen_ops5.py --verify [--from DIR]    # regenerate all 8 published sets and compare
Exit status: 0 on success (for --verify: every reproducible set identical, manners16/32 of the published shape),
1 when a check fails or the output cannot be written, 2 on bad arguments.
"""

import argparse
import collections
import os
import re
import struct
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.dont_write_bytecode = True  # importing convert.py must leave no __pycache__ in bench/
sys.path.insert(0, BENCH_DIR)
import convert  # noqa: E402  (bench/convert.py, beside this file)

# ---- Miss Manners --------------------------------------------------------------------------------------------------

MANNERS_SEED = 10                     # srand(10) in the original
PUBLISHED_MANNERS_HOBBIES = {64: (2, 3), 128: (2, 5)}   # (min, max) found to reproduce the published sets
NOT_REPRODUCED = {16, 32}             # published, but not by this generator (see the module docstring)


def bsd_rand(seed):
    """4.3BSD rand(): yields successive values in [0, 2^31 - 1]."""
    state = seed & 0xFFFFFFFF
    while True:
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        yield state & 0x7FFFFFFF


def c_float(x):
    """x rounded to an IEEE single, as a C float variable stores it."""
    return struct.unpack("f", struct.pack("f", x))[0]


def unit(rng):
    """num = (float) rand() / 2147483647.0, stored in a float: (float) rounds the int, the division is in double, the
    assignment rounds again. The arithmetic that follows in the original is done in double (K&R C), as below."""
    return c_float(c_float(float(next(rng))) / 2147483647.0)


def default_hobbies(n):
    if n in PUBLISHED_MANNERS_HOBBIES:
        return PUBLISHED_MANNERS_HOBBIES[n]
    return (2, 3) if n <= 64 else (2, 5)


def manners_guests(n, min_hobby, max_hobby, seed=MANNERS_SEED):
    """[(guest number, 'm' or 'f', hobby number)] in the order the original generator prints them."""
    rng = bsd_rand(seed)
    max_male = n // 2
    max_female = n - max_male
    males = females = 0
    rows = []
    for guest in range(1, n + 1):
        sex = "m" if next(rng) < 1073741824 else "f"
        if sex == "m" and males == max_male:
            sex = "f"
        if sex == "f" and females == max_female:
            sex = "m"
        if sex == "m":
            males += 1
        else:
            females += 1
        count = int(min_hobby + unit(rng) * (max_hobby - min_hobby + 1))
        if count > max_hobby:
            # Only when rand() rounds to 2^31 in a float: the original would then loop forever looking for a hobby.
            raise ValueError(f"guest {guest}: the original generator would need {count} distinct hobbies out of "
                             f"{max_hobby} here and never end; choose another --seed")
        taken = set()
        for _ in range(count):
            while True:
                hobby = int(1.0 + unit(rng) * max_hobby)
                # hobby == max_hobby + 1 needs rand() to round to 2^31 in a float; the original then reads past its
                # table (whose entry is not -1 in practice) and draws again, as done here.
                if hobby <= max_hobby and hobby not in taken:
                    break
            taken.add(hobby)
            rows.append((guest, sex, hobby))
    return rows


def manners_text(n, min_hobby, max_hobby, seed=MANNERS_SEED):
    """The data set in CLIPS fact syntax, as the published manners64/128.fct spell it (bare integer names)."""
    lines = [f"(guest (name {g}) (sex {s}) (hobby h{h}))" for g, s, h in manners_guests(n, min_hobby, max_hobby, seed)]
    lines += [f"(last_seat (seat {n}))", "(count (c 1))", "(context (state start))"]
    return "\n".join(lines) + "\n"


# ---- Waltz ---------------------------------------------------------------------------------------------------------

# The original's tables. Its C source writes some of these with a leading 0 (00002, 000012): octal in C, which only
# matters for u = 000012 = 10 below.
CUBE = ((0, 20000, 30000, 0, 2, 3, 4, 40004, 40000, 50001, 50002, 50003, 50005, 50005, 30005, 20005, 10005),
        (20000, 30000, 40000, 2, 3, 4, 40004, 40000, 50001, 50002, 50003, 50005, 40004, 30005, 20005, 10005, 4))
CENTRE = ((50003, 30005, 80005, 50008), (60003, 30006, 80006, 60008))
REGION = (0, 60000, 6, 60006)         # the four cubes of a region
SIDE_STEP = 120000                    # s: the next region to the right
UP_STEP = 10                          # u = 000012 (octal): the next row up
MAX1, MAX2, ROW_LENGTH = 833, 1665, 908


def waltz_lines(numreg):
    """[(p1, p2)] in the order the original generator prints them, for numreg >= 1."""
    lines = []

    def centre(off):
        lines.extend((CENTRE[0][i] + off, CENTRE[1][i] + off) for i in range(4))

    def region(off):
        centre(off)
        for k in range(4):
            lines.extend((CUBE[0][i] + off + REGION[k], CUBE[1][i] + off + REGION[k]) for i in range(17))

    def up(off):
        centre(off - 6)

    def side(off):
        centre(off - 60000)

    def middle(off):
        centre(off - 60006)
        up(off)
        side(off)

    max1, max2, flag = MAX1, MAX2, 3
    if numreg <= max2:
        flag, max2 = 2, numreg
    if numreg <= max1:
        flag, max1 = 1, numreg
    offset = 0
    region(offset)
    for _ in range(1, max1 + 1):
        offset += SIDE_STEP
        region(offset)
        side(offset)
    offset = 0
    if flag != 1:
        for _ in range(max1 + 1, max2 + 1):
            offset += UP_STEP
            region(offset)
            up(offset)
        offset = 0
        if flag != 2:
            offset = offset + UP_STEP + SIDE_STEP
            count = count2 = 1
            for _ in range(max2 + 1, numreg + 1):
                if count <= ROW_LENGTH:
                    region(offset)
                    middle(offset)
                    offset += SIDE_STEP
                    count += 1
                else:                  # as in the original, this step draws nothing
                    count = 1
                    count2 += 1
                    offset = SIDE_STEP + count2 * UP_STEP
    return lines


def waltz_text(numreg):
    lines = ["(stage (value duplicate))"] + [f"(line (p1 {a}) (p2 {b}))" for a, b in waltz_lines(numreg)]
    return "\n".join(lines) + "\n"


# ---- output --------------------------------------------------------------------------------------------------------

def generate_text(kind, n, args=None):
    if kind == "waltz":
        return waltz_text(n)
    min_h, max_h = default_hobbies(n)
    seed = MANNERS_SEED
    if args is not None:
        min_h = args.min_hobbies if args.min_hobbies is not None else min_h
        max_h = args.max_hobbies if args.max_hobbies is not None else max_h
        seed = args.seed
    return manners_text(n, min_h, max_h, seed)


def write_both(name, text, out_dir):
    """Writes NAME.fct and NAME.yaml into out_dir through bench/convert.py (same normalisation as the published
    sets); returns the number of facts."""
    with tempfile.TemporaryDirectory(prefix="gen-ops5-") as tmp:
        with open(os.path.join(tmp, name + ".fct"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return convert.convert(name, tmp, out_dir)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return f"line {i}: generated '{x}', published '{y}'"
    return f"generated {len(a.splitlines())} lines, published {len(b.splitlines())}"


MANNERS_GUEST_RE = re.compile(r"\(guest \(name n?(\d+)\) \(sex ([mf])\) \(hobby h(\d+)\)\)\Z")


def manners_shape(text):
    """(guests, males, {hobby count: guests}, hobbies used, closing facts) of a Manners file."""
    guests = collections.OrderedDict()
    closing = []
    for line in text.splitlines():
        m = MANNERS_GUEST_RE.match(line)
        if m:
            guests.setdefault(int(m.group(1)), [m.group(2), []])[1].append(int(m.group(3)))
        else:
            closing.append(line)
    counts = collections.Counter(len(h) for _, h in guests.values())
    distinct = all(len(h) == len(set(h)) for _, h in guests.values())
    return {"guests": len(guests), "numbered 1..N": list(guests) == list(range(1, len(guests) + 1)),
            "males": sum(1 for s, _ in guests.values() if s == "m"),
            "hobbies a guest": tuple(sorted(counts)), "distinct": distinct,
            "hobbies used": tuple(sorted({h for _, hs in guests.values() for h in hs})),
            "closing facts": tuple(closing)}


def verify(source_dir, data_dir):
    """Regenerates the 8 published sets; returns the number of failed checks."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gen-ops5-verify-") as tmp:
        for name in convert.DATA_SETS:
            kind, n = re.match(r"([a-z]+)(\d+)\Z", name).groups()
            n = int(n)
            text = generate_text(kind, n)
            write_both(name, text, tmp)
            checks = []
            if kind == "manners" and n in NOT_REPRODUCED:
                published = read(os.path.join(data_dir, name + ".fct"))
                got, want = manners_shape(read(os.path.join(tmp, name + ".fct"))), manners_shape(published)
                bad = [k for k in want if got[k] != want[k]]
                verdict = ("shape identical (guests, males, hobbies per guest, hobbies used, closing facts); the guest "
                           "data itself is not reproduced" if not bad else
                           "shape DIFFERS: " + "; ".join(f"{k}: generated {got[k]}, published {want[k]}" for k in bad))
                failures += bool(bad)
                print(f"{name}: {verdict}")
                continue
            for ext in ("fct", "yaml"):
                path = os.path.join(data_dir, f"{name}.{ext}")
                if not os.path.isfile(path):
                    checks.append(f"{path} missing")
                    continue
                a, b = read(os.path.join(tmp, f"{name}.{ext}")), read(path)
                checks.append(f"bench/data {ext} identical" if a == b else
                              f"bench/data {ext} DIFFERS ({first_difference(a, b)})")
            original = os.path.join(source_dir, name + ".fct") if source_dir else None
            if original and os.path.isfile(original):
                b = read(original)
                if text == b:
                    checks.append("original .fct byte-identical")
                elif [x.rstrip() for x in text.splitlines()] == [y.rstrip() for y in b.splitlines()]:
                    # manners64.fct has two spaces after one line: not data, and convert.py drops them.
                    checks.append("original .fct identical but for trailing blanks on "
                                  f"{sum(y != y.rstrip() for y in b.splitlines())} line(s) of the original")
                else:
                    checks.append(f"original .fct DIFFERS ({first_difference(text, b)})")
            bad = [c for c in checks if "DIFFERS" in c or "missing" in c]
            failures += len(bad)
            params = ""
            if kind == "manners":
                params = " (hobbies {}-{}, seed {})".format(*default_hobbies(n), MANNERS_SEED)
            print(f"{name}{params}: {'REPRODUCED' if not bad else 'NOT REPRODUCED'}: " + "; ".join(checks))
    return failures


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", nargs="?", choices=("manners", "waltz"))
    parser.add_argument("n", nargs="?", type=int, help="guests (manners) or regions (waltz)")
    parser.add_argument("--to", default=os.path.join(BENCH_DIR, "data"), help="output directory (default bench/data)")
    parser.add_argument("--print", dest="print_text", action="store_true",
                        help="write the CLIPS text, as drawn (before normalisation), to standard output")
    parser.add_argument("--max-hobbies", type=int, help="manners: most hobbies a guest has (default: see above)")
    parser.add_argument("--min-hobbies", type=int, help="manners: fewest hobbies a guest has (default 2)")
    parser.add_argument("--seed", type=int, default=MANNERS_SEED, help="manners: srand() seed (default 10)")
    parser.add_argument("--verify", action="store_true", help="regenerate the 8 published sets and compare")
    parser.add_argument("--from", dest="source", default=os.path.join(os.path.dirname(ROOT), "shared", "bench-data"),
                        help="--verify: the original CLIPS files, compared byte for byte when present "
                             "(default ../shared/bench-data)")
    args = parser.parse_args(argv)

    if args.verify:
        if args.kind:
            parser.error("--verify takes no data set")
        failures = verify(args.source, os.path.join(BENCH_DIR, "data"))
        print("verify: OK" if not failures else f"verify: {failures} check(s) FAILED")
        return 1 if failures else 0
    if not args.kind or args.n is None:
        parser.error("say what to generate: manners N or waltz N (or --verify)")
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.kind == "manners":
        min_h, max_h = default_hobbies(args.n)
        min_h = args.min_hobbies if args.min_hobbies is not None else min_h
        max_h = args.max_hobbies if args.max_hobbies is not None else max_h
        if not 1 <= min_h <= max_h <= 100:   # the original's table holds 100 hobbies
            parser.error("need 1 <= --min-hobbies <= --max-hobbies <= 100")
        if args.n < 2:
            parser.error("Manners needs at least 2 guests")
    elif args.n > 100000:
        parser.error("waltz: at most 100000 regions")
    if args.kind == "waltz" and (args.max_hobbies is not None or args.min_hobbies is not None
                                 or args.seed != MANNERS_SEED):
        parser.error("--max-hobbies, --min-hobbies and --seed are for manners")

    name = f"{args.kind}{args.n}"
    try:
        text = generate_text(args.kind, args.n, args)
    except ValueError as e:
        print(f"gen_ops5.py: {e}", file=sys.stderr)
        return 1
    if args.print_text:
        sys.stdout.write(text)
        return 0
    out_dir = os.path.abspath(args.to)
    if (args.kind == "manners" and args.n in NOT_REPRODUCED
            and os.path.realpath(out_dir) == os.path.realpath(os.path.join(BENCH_DIR, "data"))):
        print(f"gen_ops5.py: {name} in bench/data is the published set, which this generator does not reproduce; "
              "write it elsewhere with --to DIR", file=sys.stderr)
        return 1
    try:
        os.makedirs(out_dir, exist_ok=True)
        count = write_both(name, text, out_dir)
    except (convert.InputError, OSError) as e:
        print(f"gen_ops5.py: {e}", file=sys.stderr)
        return 1
    print(f"{name}: {count} facts -> {os.path.join(out_dir, name)}.fct, .yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
