#!/usr/bin/env python3
"""Convert the benchmark data sets from CLIPS fact syntax into both engines' inputs.

For every data set (manners16/32/64/128, waltz12/25/37/50) this writes, into the output directory:
  NAME.fct   the facts for CLIPS, one per line, in the original order, normalised as below;
  NAME.yaml  the same facts as a Covenant fact file: a top-level `facts:` mapping from template name to a list of
             slot maps, in the original order (Covenant asserts a fact file's facts in file order, as CLIPS's
             load-facts does, and the depth strategy depends on that order).

Normalisation (applied to both outputs, so that the two engines read the same data):
  - Manners guest names that are bare integers (the 64- and 128-guest sets number their guests 1, 2, ...) become
    symbols `n<number>`, as the 16- and 32-guest sets already spell them: a Covenant symbol starts with a letter.
    The converter refuses a file in which a renamed name would collide with an existing one.
  - Everything else is copied unchanged.

The output is a pure function of the input: running the converter twice gives byte-identical files.

Usage:  python3 bench/convert.py [--from DIR] [--to DIR]
  --from  the directory holding the CLIPS .fct files (default: ../shared/bench-data next to the repository)
  --to    the output directory (default: bench/data in the repository)
Exit status: 0 on success, 1 when an input file is missing or malformed (the message names file:line:col).
"""

import argparse
import os
import re
import sys

DATA_SETS = ["manners16", "manners32", "manners64", "manners128", "waltz12", "waltz25", "waltz37", "waltz50"]

# A template's facts must be contiguous in the source file: a YAML mapping lists each template once, so facts of
# one template that come after another template's would be reordered.


class InputError(Exception):
    pass


INT_RE = re.compile(r"[+-]?[0-9]+\Z")
FLOAT_RE = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?\Z")
SYMBOL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Words that YAML 1.1/1.2 readers may take for something other than a plain symbol, and Covenant's bool words.
YAML_RESERVED = {"true", "false", "True", "False", "TRUE", "FALSE", "null", "Null", "NULL", "yes", "no", "on", "off",
                 "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "y", "n", "Y", "N"}


class Atom:
    """One slot value: kind is 'int', 'float', 'symbol' or 'string'; text is its CLIPS spelling (strings unquoted)."""

    def __init__(self, kind, text):
        self.kind = kind
        self.text = text


def tokenize(text, path):
    """Yields (token, line, col); tokens are '(', ')', ('string', s) or ('word', w)."""
    i, line, col = 0, 1, 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            i, line, col = i + 1, line + 1, 1
        elif c.isspace():
            i, col = i + 1, col + 1
        elif c == ";":  # comment to end of line
            while i < n and text[i] != "\n":
                i += 1
        elif c in "()":
            yield c, line, col
            i, col = i + 1, col + 1
        elif c == '"':
            start_line, start_col = line, col
            i, col = i + 1, col + 1
            out = []
            while True:
                if i >= n:
                    raise InputError(f"{path}:{start_line}:{start_col}: unterminated string")
                if text[i] == "\\" and i + 1 < n:
                    out.append(text[i + 1])
                    i, col = i + 2, col + 2
                    continue
                if text[i] == '"':
                    i, col = i + 1, col + 1
                    break
                if text[i] == "\n":
                    line, col = line + 1, 0
                out.append(text[i])
                i, col = i + 1, col + 1
            yield ("string", "".join(out)), start_line, start_col
        else:
            start = i
            start_col = col
            while i < n and not text[i].isspace() and text[i] not in '();"':
                i, col = i + 1, col + 1
            yield ("word", text[start:i]), line, start_col


def parse_facts(path):
    """Returns [(template, [(slot, Atom), ...], line)] for an ordered-slot CLIPS fact file (deftemplate facts only)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    tokens = list(tokenize(text, path))
    pos = 0

    def expect(what, description):
        nonlocal pos
        if pos >= len(tokens):
            raise InputError(f"{path}: unexpected end of file; expected {description}")
        tok, line, col = tokens[pos]
        if what == "word":
            if not (isinstance(tok, tuple) and tok[0] == "word"):
                raise InputError(f"{path}:{line}:{col}: expected {description}")
        elif tok != what:
            raise InputError(f"{path}:{line}:{col}: expected {description}")
        pos += 1
        return tok, line, col

    facts = []
    while pos < len(tokens):
        _, line, _ = expect("(", "'(' to open a fact")
        (_, template), _, _ = expect("word", "a template name")
        slots = []
        seen = set()
        while True:
            if pos >= len(tokens):
                raise InputError(f"{path}:{line}: fact '{template}' is not closed")
            tok, sline, scol = tokens[pos]
            if tok == ")":
                pos += 1
                break
            expect("(", "'(' to open a slot or ')' to close the fact")
            (_, slot), _, _ = expect("word", "a slot name")
            if slot in seen:
                raise InputError(f"{path}:{sline}:{scol}: slot '{slot}' given twice")
            seen.add(slot)
            if pos >= len(tokens):
                raise InputError(f"{path}: unexpected end of file in slot '{slot}'")
            vtok, vline, vcol = tokens[pos]
            if not isinstance(vtok, tuple):
                raise InputError(f"{path}:{vline}:{vcol}: expected a value for slot '{slot}'")
            pos += 1
            kind, text_value = vtok
            if kind == "string":
                atom = Atom("string", text_value)
            elif INT_RE.match(text_value):
                atom = Atom("int", str(int(text_value)))
            elif FLOAT_RE.match(text_value):
                atom = Atom("float", repr(float(text_value)))
            else:
                atom = Atom("symbol", text_value)
            slots.append((slot, atom))
            expect(")", f"')' to close slot '{slot}' (multifield values are not supported)")
        facts.append((template, slots, line))
    return facts


def normalise_manners(facts, path):
    """Renames integer guest names to n<number>; refuses a collision with a name already in the file."""
    names = {atom.text for template, slots, _ in facts if template == "guest"
             for slot, atom in slots if slot == "name" and atom.kind == "symbol"}
    renamed = {}
    for template, slots, line in facts:
        if template != "guest":
            continue
        for i, (slot, atom) in enumerate(slots):
            if slot == "name" and atom.kind == "int":
                new = "n" + atom.text
                if new in names:
                    raise InputError(f"{path}:{line}: renaming guest {atom.text} to {new} collides with an existing "
                                     f"guest {new}")
                renamed[atom.text] = new
                slots[i] = (slot, Atom("symbol", new))
    return facts


def check_contiguous(facts, path):
    done = set()
    current = None
    for template, _, line in facts:
        if template != current:
            if template in done:
                raise InputError(f"{path}:{line}: facts of template '{template}' are not contiguous; the YAML "
                                 f"mapping could not keep their order")
            if current is not None:
                done.add(current)
            current = template


def clips_value(atom):
    if atom.kind == "string":
        return '"' + atom.text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return atom.text


def yaml_value(atom, path):
    if atom.kind in ("int", "float"):
        return atom.text
    if atom.kind == "symbol":
        if not SYMBOL_RE.match(atom.text) or atom.text in YAML_RESERVED:
            raise InputError(f"{path}: the symbol '{atom.text}' cannot be written as a Covenant symbol")
        return atom.text
    return '"' + atom.text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_clips(facts, out_path):
    lines = []
    for template, slots, _ in facts:
        body = " ".join(f"({slot} {clips_value(atom)})" for slot, atom in slots)
        lines.append(f"({template} {body})" if body else f"({template})")
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_yaml(facts, out_path, source_name):
    lines = [f"# Converted by bench/convert.py from {source_name} (CLIPS fact syntax); do not edit by hand.",
             "facts:"]
    current = None
    for template, slots, _ in facts:
        if template != current:
            lines.append(f"  {template}:")
            current = template
        body = ", ".join(f"{slot}: {yaml_value(atom, out_path)}" for slot, atom in slots)
        lines.append(f"    - {{{body}}}")
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def convert(name, source_dir, out_dir):
    src = os.path.join(source_dir, name + ".fct")
    if not os.path.isfile(src):
        raise InputError(f"{src}: no such file")
    facts = parse_facts(src)
    if not facts:
        raise InputError(f"{src}: no facts")
    if name.startswith("manners"):
        facts = normalise_manners(facts, src)
    check_contiguous(facts, src)
    write_clips(facts, os.path.join(out_dir, name + ".fct"))
    write_yaml(facts, os.path.join(out_dir, name + ".yaml"), name + ".fct")
    return len(facts)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    parser = argparse.ArgumentParser(description="Convert the Manners and Waltz data sets for CLIPS and Covenant.")
    parser.add_argument("--from", dest="source", default=os.path.join(os.path.dirname(repo), "shared", "bench-data"),
                        help="directory of the CLIPS .fct files")
    parser.add_argument("--to", dest="out", default=os.path.join(here, "data"), help="output directory")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    try:
        for name in DATA_SETS:
            count = convert(name, args.source, args.out)
            print(f"{name}: {count} facts")
    except (InputError, OSError) as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
