#!/usr/bin/env python3
"""Write N synthetic but valid case files for the domain benchmark (`covenant classify` over many cases).

Usage:  python3 bench/gen_cases.py DIR [--count N] [--seed S] [--catalogue kb/threats.yaml]

Each file DIR/case-NNNNN.yaml describes one made-up security institution at a snapshot year, in the vocabulary of
rules/core/vocabulary.rules (the public contract for case files; docs/kb.md): an institution with 5-40 members and
every required slot, usually a membership and a power fact, 0-10 threat exposures (to threats of the shipped catalogue
kb/threats.yaml, or to threats the case defines itself), 0-7 mandate kinds, 0-20 events, 0-4 armed conflicts, and
sometimes rivals, legitimacy ratings, event tallies and a peace record. Sizes and mixes are drawn so that the cases
exercise every core pack (both architecture types, each strain kind) rather than one path through the rules.

The output is a function of (N, seed, catalogue) only: the same arguments write byte-identical files, so timings of
different commits classify the same cases. Existing case-*.yaml files in DIR are overwritten; other files are left
alone. Exit status 0 on success, 2 on bad arguments.
"""

import argparse
import os
import random
import re
import sys

# The `one of` lists of rules/core/vocabulary.rules (kept in the vocabulary's order).
SCOPES = ["global", "regional", "subregional", "minilateral"]
DECISION_RULES = ["unanimity", "consensus", "qualified_majority", "majority", "great_power_veto", "informal",
                  "hegemonic"]
ENFORCEMENT = ["none", "political", "sanctions", "military"]
SECRETARIAT = ["none", "weak", "strong"]
POWER_BASIS = ["military_expenditure", "gdp", "cinc"]
THREAT_KINDS = ["interstate_war", "intrastate_conflict", "terrorism", "proliferation", "cyber", "hybrid", "climate",
                "pandemic", "maritime", "migration", "great_power_rivalry"]
CONFLICT_KINDS = ["interstate", "intrastate", "internationalised"]
INTENSITIES = ["minor", "war", "unknown"]
EVENT_KINDS = ["veto", "blocked_decision", "summit_failed", "withdrawal", "withdrawal_announced", "suspension",
               "expulsion", "participation_frozen", "coup", "non_compliance", "unanswered_request", "budget_crisis",
               "mission_closed", "member_dispute", "rival_created", "enlargement", "reform"]
ADVERSARIES = ["none", "none", "none", "state_a", "state_b", "bloc_c", "bloc_d"]

CATALOGUE_ID_RE = re.compile(r"^\s*-\s*\{id:\s*([a-z][a-z0-9_]*)\s*,")


def catalogue_threats(path):
    """The threat ids of the catalogue file, or [] when it cannot be read (cases then define all their threats)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [m.group(1) for m in map(CATALOGUE_ID_RE.match, f) if m]
    except OSError:
        return []


def fmt_float(x):
    return f"{x:.2f}"


def fmt_bool(b):
    return "true" if b else "false"


def flow(pairs):
    """A YAML flow mapping from (key, already formatted value) pairs."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def make_case(rng, index, catalogue):
    """The text of case number `index` (1-based)."""
    case_id = f"synth-{index:05d}"
    inst = f"inst_{index:05d}"
    as_of = rng.randint(1990, 2025)
    founded = rng.randint(1945, as_of - 1)
    members = rng.randint(5, 40)
    # Alliance-like and community-like institutions in roughly equal numbers, the rest in between, so that the
    # classification rules see every architecture type.
    flavour = rng.choice(["alliance", "community", "concert", "cooperative", "mixed"])
    scope = "minilateral" if flavour == "concert" else rng.choice(SCOPES)
    decision = {"alliance": rng.choice(["consensus", "unanimity", "hegemonic"]),
                "community": rng.choice(["qualified_majority", "consensus", "majority"]),
                "concert": rng.choice(["great_power_veto", "informal"]),
                "cooperative": rng.choice(["consensus", "informal"]),
                "mixed": rng.choice(DECISION_RULES)}[flavour]

    institution = [("id", inst), ("name", f'"Synthetic institution {index}"'), ("founded", founded),
                   ("scope", scope), ("members", members), ("decision_rule", decision)]
    optional_slots = [
        ("collective_defence", fmt_bool(flavour == "alliance" or rng.random() < 0.15)),
        ("collective_security", fmt_bool(rng.random() < 0.25)),
        ("values_clause", fmt_bool(flavour == "community" or rng.random() < 0.2)),
        ("enforcement", rng.choice(ENFORCEMENT)),
        ("integrated_command", fmt_bool(flavour == "alliance" and rng.random() < 0.6)),
        ("pooled_sovereignty", fmt_bool(flavour == "community" and rng.random() < 0.5)),
        ("secretariat", rng.choice(SECRETARIAT)),
        ("confidence_building", fmt_bool(flavour == "cooperative" or rng.random() < 0.2)),
        ("adversary", rng.choice(ADVERSARIES[3:]) if flavour == "alliance" else rng.choice(ADVERSARIES)),
        ("values_declared", fmt_bool(rng.random() < 0.3)),
        ("peaceful_settlement", fmt_bool(rng.random() < 0.5)),
    ]
    # Analysts leave out what their sources do not give: each optional slot is written with probability 0.7.
    institution += [(k, v) for k, v in optional_slots if rng.random() < 0.7]
    if decision == "great_power_veto" or rng.random() < 0.1:
        seats = rng.randint(3, max(3, members // 2))
        institution += [("council_seats", seats), ("privileged_members", rng.randint(1, min(5, seats)))]
    if rng.random() < 0.08:
        institution.append(("suspended_members", rng.randint(1, 3)))

    facts = {"snapshot": [flow([("year", as_of)])], "institution": [flow(institution)]}

    if rng.random() < 0.75:
        democracy = rng.uniform(0.6, 1.0) if flavour == "community" else rng.uniform(0.0, 1.0)
        facts["membership"] = [flow([("institution", inst), ("democracy_share", fmt_float(democracy)),
                                     ("largest_share", fmt_float(rng.uniform(0.1, 0.8))),
                                     ("great_powers", rng.randint(0, 3)),
                                     ("rivals_inside", fmt_bool(rng.random() < 0.2))])]
    if rng.random() < 0.6:
        bases = rng.sample(POWER_BASIS, rng.randint(1, 2))
        facts["power"] = [flow([("institution", inst), ("basis", b), ("share_then", fmt_float(rng.uniform(0.05, 0.7))),
                                ("share_now", fmt_float(rng.uniform(0.05, 0.7)))]) for b in bases]

    # 0-10 exposures, to catalogue threats or to threats this case defines (ids local to the case).
    threats, exposures = [], []
    n_exposures = rng.randint(0, 10)
    catalogue_pick = rng.sample(catalogue, min(len(catalogue), rng.randint(0, n_exposures)))
    for threat_id in catalogue_pick:
        exposures.append(flow([("institution", inst), ("threat", threat_id)]))
    for k in range(n_exposures - len(catalogue_pick)):
        threat_id = f"local_threat_{k + 1}"
        kind = rng.choice(THREAT_KINDS)
        threats.append(flow([("id", threat_id), ("kind", kind), ("severity", fmt_float(rng.uniform(0.2, 1.0))),
                             ("name", f'"Local threat {k + 1} ({kind})"')]))
        exposures.append(flow([("institution", inst), ("threat", threat_id)]))
    if threats:
        facts["threat"] = threats
    if exposures:
        facts["exposure"] = exposures

    mandates = rng.sample(THREAT_KINDS, rng.randint(0, 7))
    if mandates:
        facts["mandate"] = [flow([("institution", inst), ("kind", k)]) for k in mandates]

    conflicts = []
    for k in range(rng.choices([0, 1, 2, 3, 4], weights=[50, 25, 12, 8, 5])[0]):
        start = rng.randint(max(founded, as_of - 30), as_of)
        end = 0 if rng.random() < 0.4 else rng.randint(start, as_of)
        conflicts.append(flow([("institution", inst), ("id", f"conflict_{k + 1}"), ("kind", rng.choice(CONFLICT_KINDS)),
                               ("between_members", fmt_bool(rng.random() < 0.3)), ("start", start), ("end", end),
                               ("intensity", rng.choice(INTENSITIES))]))
    if conflicts:
        facts["conflict"] = conflicts

    events = []
    for _ in range(rng.randint(0, 20)):
        event = [("institution", inst), ("kind", rng.choice(EVENT_KINDS)),
                 ("year", rng.randint(max(founded, as_of - 15), as_of))]
        if rng.random() < 0.5:
            event.append(("actor", f"state_{rng.randint(1, members)}"))
        if rng.random() < 0.3:
            event.append(("note", '"synthetic event"'))
        if rng.random() < 0.1:
            event.append(("ongoing", "true"))
        events.append(flow(event))
    if events:
        facts["event"] = events

    if rng.random() < 0.3:
        facts["rival"] = [flow([("institution", inst), ("rival", f"inst_rival_{k + 1}"),
                                ("overlap", fmt_float(rng.uniform(0.1, 0.9)))]) for k in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        facts["legitimacy"] = [flow([("institution", inst),
                                     ("representativeness", fmt_float(rng.uniform(0, 1))),
                                     ("transparency", fmt_float(rng.uniform(0, 1))),
                                     ("accountability", fmt_float(rng.uniform(0, 1)))])]
    if rng.random() < 0.2:
        since = rng.randint(max(founded, as_of - 10), as_of)
        facts["tally"] = [flow([("institution", inst), ("kind", rng.choice(EVENT_KINDS)), ("since", since),
                                ("until", rng.randint(since, as_of)), ("count", rng.randint(1, 12))])]
    if not any("between_members: true" in c for c in conflicts) and rng.random() < 0.5:
        facts["peace_record"] = [flow([("institution", inst), ("since", founded)])]

    lines = [f"case: {case_id}", f"as_of: {as_of}", f'title: "Synthetic case {index} ({flavour})"',
             "sources:", '  - "bench/gen_cases.py (synthetic)"', "facts:"]
    for template, items in facts.items():
        lines.append(f"  {template}:")
        lines.extend(f"    - {item}" for item in items)
    return "\n".join(lines) + "\n"


def generate(directory, count, seed=1, catalogue_path=None):
    """Writes case-00001.yaml ... into `directory` (created if missing); returns the list of paths written."""
    if catalogue_path is None:
        catalogue_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kb", "threats.yaml")
    catalogue = catalogue_threats(catalogue_path)
    os.makedirs(directory, exist_ok=True)
    paths = []
    for index in range(1, count + 1):
        # One generator per case, seeded from (seed, index): a case does not change when N changes.
        rng = random.Random(f"{seed}:{index}")
        path = os.path.join(directory, f"case-{index:05d}.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(make_case(rng, index, catalogue))
        paths.append(path)
    return paths


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("directory", help="where to write the case files (created if missing)")
    parser.add_argument("--count", type=int, default=10000, help="how many case files (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--catalogue", help="the threat catalogue whose ids exposures may name (default kb/threats.yaml)")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 99999:
        parser.error("--count must be between 1 and 99999")
    paths = generate(args.directory, args.count, args.seed, args.catalogue)
    print(f"gen_cases.py: wrote {len(paths)} case files to {args.directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
