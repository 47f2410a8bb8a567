#!/usr/bin/env python3
"""Head-to-head benchmark of Covenant against CLIPS 6.30 (issue 5); `make bench` runs it through bench/bench.sh.

Usage:
  python3 bench/run.py COVENANT CLIPS [--measure BENCH_MEASURE] [--micro ENGINE_MICRO] [--runs N] [--only PATTERN]
                       [--cases N] [--timeout SECONDS] [--clips-examples DIR] [--no-write]

COVENANT is a Release `covenant` binary, CLIPS the `clips` binary (Debian's package, 6.30). This script builds
nothing. BENCH_MEASURE and ENGINE_MICRO are the bench/ targets of the same build; by default they are looked for
beside COVENANT's build tree (BUILD/bench/), and the micro-benchmarks are skipped when absent.

Workloads:
  manners16/32/64/128, waltz12/25/37/50 -- the same program in both engines (bench/clips, bench/covenant) on the same
      data (bench/data). One warm-up run of each engine, then N counted runs (default 5) ALTERNATING CLIPS and
      Covenant run by run. Every run's firing count and result (bench/canonical.py) must be the same in both engines,
      in every run, and equal to CLIPS 6.30's published count; otherwise the workload FAILS: a message names it and
      both values, no timing is reported for it, and the exit status is 1.
  zebra, sudoku-PUZZLE (sudoku-grid3x3-p17, ...) -- two of CLIPS's own example programs: CLIPS runs the files of
      Debian's clips-common as installed (--clips-examples, default /usr/share/doc/clips-common/examples; gunzipped
      to a temporary directory, unchanged), Covenant its ports bench/covenant/zebra.rules and sudoku.rules (puzzles:
      bench/data/sudoku, written by bench/convert_sudoku.py). Checked and timed as Manners and Waltz, against the
      counts CLIPS 6.30 gives (bench/README.md); results compared by canonical.py zebra / sudoku (the solved grid,
      which CLIPS prints after the run with do-for-all-facts). sudoku-grid3x3-p17-stress is the second half of
      CLIPS's runbench.bat: the same puzzle with the (stress-test) fact asserted after (reset).
  domain -- `covenant classify DIR --jobs 2 --format json --out FILE` over --cases (default 10,000) synthetic case
      files written by bench/gen_cases.py; cases/s and peak RSS; the output must be identical with --jobs 1. Skipped
      with a message when the binary has no `classify` command.
  micro -- bench/micro/engine_micro (asserts/s, retracts/s, bytes per fact, compiling 10,000 rules).

Every run is one whole process, timed from fork to exit (start-up, loading and printing included, in both engines),
with its own peak RSS, measured by bench_measure (bench/micro/measure.cpp explains why not os.wait4 from Python).
The table is printed and, unless --no-write, written to docs/benchmarks.md with the date, CPU model and commit. The
part of that file from the line HAND_WRITTEN_MARKER on is kept as it is: profiles and analysis go there.

Exit status: 0 when every selected workload ran and agreed, 1 when any failed or disagreed, 2 on bad arguments.
"""

import argparse
import datetime
import filecmp
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.dont_write_bytecode = True  # importing canonical.py and gen_cases.py must leave no __pycache__ in bench/
sys.path.insert(0, BENCH_DIR)
import canonical  # noqa: E402  (bench/canonical.py, beside this file)
import gen_cases  # noqa: E402

HAND_WRITTEN_MARKER = "<!-- bench/run.py keeps everything from this line on: hand-written profiles and analysis -->"

# CLIPS 6.30's firing counts under the depth strategy (the issue, and bench/README.md's reproduction).
PUBLISHED_FIRINGS = {
    "manners16": 183, "manners32": 623, "manners64": 2271, "manners128": 8639,
    "waltz12": 3576, "waltz25": 7164, "waltz37": 10476, "waltz50": 14064,
}
# CLIPS's own examples, ported (bench/README.md): CLIPS 6.30's counts under depth, measured on Debian's 6.30-4.1
# with the installed example files (runbench.bat prints 7515 and 8746 for grid3x3-p17 and its stress test).
CLIPS_EXAMPLES = "/usr/share/doc/clips-common/examples"
SUDOKU_PUZZLES = ["grid3x3-p1", "grid3x3-p14", "grid3x3-p17", "grid3x3-p18", "grid4x4-p17", "grid5x5-p1"]
EXAMPLE_FIRINGS = {
    "zebra": 28,
    "sudoku-grid3x3-p1": 1774, "sudoku-grid3x3-p14": 2798, "sudoku-grid3x3-p17": 7515,
    "sudoku-grid3x3-p17-stress": 8746, "sudoku-grid3x3-p18": 7986, "sudoku-grid4x4-p17": 17429,
    "sudoku-grid5x5-p1": 27372,
}
# Issue 15's targets (the second round; issue 5's were 2-3x): Covenant at least this many times faster than CLIPS
# (same run); peak memory below CLIPS's on the two largest workloads.
SPEED_TARGETS = {"manners64": 5, "manners128": 10, "waltz12": 5, "waltz25": 5, "waltz37": 5, "waltz50": 10}
MEMORY_TARGETS = {"manners128", "waltz50"}
DOMAIN_TARGET_CASES_PER_S = 20_000
MICRO_TARGETS = {  # key: (bound, "min" or "max", text)
    "join.asserts_per_s": (3_000_000, "min", ">= 3,000,000/s"),
    "join.retracts_per_s": (3_000_000, "min", ">= 3,000,000/s"),
    "join.rss_bytes_per_fact": (100, "max", "< 100 B"),
    "join.engine_bytes_per_fact": (100, "max", "< 100 B"),
    "compile.total_s": (0.5, "max", "< 0.5 s"),
}

CLIPS_FIRED_RE = re.compile(r"^(\d+) rules? fired", re.M)
CLIPS_ERROR_RE = re.compile(r"^\[[A-Z]+\d+\] .*$", re.M)   # e.g. "[EXPRNPSR3] Missing function declaration for foo."
COVENANT_FIRINGS_RE = re.compile(r"^firings:\s+(\d+) \((.*)\)\s*$", re.M)


class Failure(Exception):
    """A workload that could not be measured or on which the engines disagree; the message says why."""


# ---- running one process -------------------------------------------------------------------------------------------

class Measured:
    def __init__(self, status, wall, maxrss_kib, timed_out, stdout, stderr):
        self.status, self.wall, self.maxrss_kib, self.timed_out = status, wall, maxrss_kib, timed_out
        self.stdout, self.stderr = stdout, stderr


class Runner:
    """Runs commands through bench_measure (or, without it, directly with os.wait4: peak RSS then includes this
    script's own, see bench/micro/measure.cpp), output to temporary files (pipes could fill and block the child)."""

    def __init__(self, measure, timeout, workdir):
        self.measure, self.timeout, self.workdir = measure, timeout, workdir

    def run(self, argv, cwd=ROOT):
        out_path = os.path.join(self.workdir, "stdout")
        err_path = os.path.join(self.workdir, "stderr")
        report_path = os.path.join(self.workdir, "report")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            if self.measure:
                rc = subprocess.call([self.measure, report_path, str(self.timeout)] + argv, cwd=cwd,
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=err)
                if rc != 0:
                    raise Failure(f"bench_measure failed (exit {rc}) running {' '.join(argv)}")
                with open(report_path, encoding="utf-8") as f:
                    fields = dict(item.split("=", 1) for item in f.read().split())
                status, wall = int(fields["status"]), float(fields["wall"])
                maxrss, timed_out = int(fields["maxrss_kib"]), fields["timed_out"] == "1"
            else:
                fired = threading.Event()
                def kill(proc):
                    fired.set()
                    proc.kill()
                start = time.perf_counter()
                proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
                timer = threading.Timer(self.timeout, kill, (proc,)) if self.timeout else None
                if timer:
                    timer.start()
                _, wait_status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                if timer:
                    timer.cancel()
                proc.returncode = status = os.waitstatus_to_exitcode(wait_status)
                maxrss, timed_out = usage.ru_maxrss, fired.is_set()
        with open(out_path, encoding="utf-8", errors="replace") as f:
            stdout = f.read()
        with open(err_path, encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        return Measured(status, wall, maxrss, timed_out, stdout, stderr)


def tail(text, head=4, last=4):
    """The first and last lines of a failed run's output (the first error and the summary), indented."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) > head + last:
        lines = lines[:head] + [f"... ({len(lines) - head - last} more lines)"] + lines[-last:]
    return "\n".join("    " + line for line in lines) or "    (no output)"


# ---- Manners and Waltz ---------------------------------------------------------------------------------------------

class EngineWorkload:
    def __init__(self, name, program, covenant, clips, workdir):
        self.name, self.program = name, program          # "waltz12", "waltz"
        self.expected = PUBLISHED_FIRINGS[name]
        self.covenant_argv = [covenant, "run", os.path.join(ROOT, "bench", "covenant", program + ".rules"),
                              "--facts", os.path.join(ROOT, "bench", "data", name + ".yaml"),
                              "--strategy", "depth", "--stats",
                              # A broken port can loop (bench/README.md): stop it well past the published count.
                              "--max-firings", str(max(1000, 2 * self.expected))]
        batch = os.path.join(workdir, name + ".bat")
        commands = ["(set-strategy depth)",
                    f'(load* "{os.path.join(ROOT, "bench", "clips", program + ".clp")}")',
                    "(reset)",
                    f'(load-facts "{os.path.join(ROOT, "bench", "data", name + ".fct")}")',
                    "(watch statistics)",
                    "(run)"]
        if program == "waltz":
            commands.append("(print-labelling)")
        commands.append("(exit)")
        with open(batch, "w", encoding="utf-8") as f:
            f.write("\n".join(commands) + "\n")
        self.clips_argv = [clips, "-f2", batch]

    def result(self, text):
        return canonical.manners(text.splitlines()) if self.program == "manners" else canonical.waltz(
            text.splitlines())

    def check_clips(self, m):
        """(firings, canonical result) of a CLIPS run, or Failure."""
        if m.timed_out:
            raise Failure(f"{self.name}: CLIPS did not finish within the timeout")
        errors = CLIPS_ERROR_RE.findall(m.stdout) + CLIPS_ERROR_RE.findall(m.stderr)
        if m.status != 0 or errors:
            raise Failure(f"{self.name}: CLIPS failed (exit {m.status}):\n" + tail("\n".join(errors) or m.stderr))
        fired = CLIPS_FIRED_RE.findall(m.stdout)
        if len(fired) != 1:
            raise Failure(f"{self.name}: no 'N rules fired' line in CLIPS's output:\n" + tail(m.stdout))
        result = self.result(m.stdout)
        if not result:
            raise Failure(f"{self.name}: CLIPS printed no {self.program} result:\n" + tail(m.stdout))
        return int(fired[0]), result

    def check_covenant(self, m):
        if m.timed_out:
            raise Failure(f"{self.name}: Covenant did not finish within the timeout")
        found = COVENANT_FIRINGS_RE.findall(m.stderr)
        if m.status != 0 or len(found) != 1:
            limit = " (it stopped at the --max-firings safety limit: the run does not end)" if m.status == 3 else ""
            raise Failure(f"{self.name}: Covenant failed (exit {m.status}){limit}:\n" + tail(m.stderr))
        result = self.result(m.stdout)
        if not result:
            raise Failure(f"{self.name}: Covenant printed no {self.program} result:\n" + tail(m.stdout))
        return int(found[0][0]), result


class ExampleWorkload(EngineWorkload):
    """zebra or sudoku-PUZZLE[-stress]: CLIPS runs its example files as installed (copied, gunzipped, by
    unpack_examples), Covenant the port in bench/covenant. The checks and run_engine_workload are Manners's."""

    def __init__(self, name, covenant, clips, workdir, examples):
        self.name = name
        self.expected = EXAMPLE_FIRINGS[name]
        self.program = "zebra" if name == "zebra" else "sudoku"
        cap = ["--max-firings", str(max(1000, 2 * self.expected))]
        if self.program == "zebra":
            commands = [f'(load* "{os.path.join(examples, "zebra.clp")}")', "(reset)"]
            self.covenant_argv = [covenant, "run", os.path.join(ROOT, "bench", "covenant", "zebra.rules"),
                                  "--strategy", "depth", "--stats"] + cap
        else:
            m = re.fullmatch(r"sudoku-(grid\dx\d-p\d+)(-stress)?", name)
            puzzle, stress = m.group(1), bool(m.group(2))
            sudoku = os.path.join(examples, "sudoku")
            # runbench.bat's order: sudoku.clp, solve.clp, output-none.clp, the puzzle; (reset); for the stress test
            # (assert (stress-test)) after the reset.
            commands = [f'(load* "{os.path.join(sudoku, f)}")' for f in ("sudoku.clp", "solve.clp", "output-none.clp")]
            commands += [f'(load* "{os.path.join(sudoku, "puzzles", puzzle + ".clp")}")', "(reset)"]
            data = os.path.join(ROOT, "bench", "data", "sudoku")
            facts = ["--facts", os.path.join(data, puzzle + ".yaml")]
            if stress:
                commands.append("(assert (stress-test))")
                facts = ["--facts", os.path.join(data, "stress-test.yaml")] + facts
            self.covenant_argv = [covenant, "run", os.path.join(ROOT, "bench", "covenant", "sudoku.rules")] + facts + [
                "--strategy", "depth", "--stats"] + cap
        commands = ["(set-strategy depth)"] + commands + ["(watch statistics)", "(run)"]
        if self.program == "sudoku":
            # output-none.clp prints nothing: the solution is the possible facts left, one per position.
            commands.append('(do-for-all-facts ((?f possible)) TRUE '
                            '(printout t "possible " ?f:row " " ?f:column " " ?f:value crlf))')
        commands.append("(exit)")
        batch = os.path.join(workdir, name + ".bat")
        with open(batch, "w", encoding="utf-8") as f:
            f.write("\n".join(commands) + "\n")
        self.clips_argv = [clips, "-f2", batch]

    def result(self, text):
        return canonical.zebra(text.splitlines()) if self.program == "zebra" else canonical.sudoku(text.splitlines())


def unpack_examples(source, workdir, names):
    """Copies the CLIPS example files the selected workloads need from SOURCE (clips-common's examples directory)
    into WORKDIR/clips-examples, gunzipping the .gz ones; returns that directory or raises Failure."""
    target = os.path.join(workdir, "clips-examples")
    wanted = []
    if "zebra" in names:
        wanted.append("zebra.clp")
    puzzles = sorted({re.fullmatch(r"sudoku-(grid\dx\d-p\d+)(-stress)?", n).group(1)
                      for n in names if n.startswith("sudoku-")})
    if puzzles:
        wanted += ["sudoku/sudoku.clp", "sudoku/solve.clp", "sudoku/output-none.clp"]
        wanted += [f"sudoku/puzzles/{p}.clp" for p in puzzles]
    for rel in wanted:
        src = os.path.join(source, rel)
        out = os.path.join(target, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if os.path.exists(src + ".gz"):
            with gzip.open(src + ".gz", "rb") as f, open(out, "wb") as g:
                shutil.copyfileobj(f, g)
        elif os.path.exists(src):
            shutil.copyfile(src, out)
        else:
            raise Failure(f"CLIPS's example file {rel} is not in {source} (Debian's clips-common installs "
                          "them: apt-get install clips-common; or pass --clips-examples DIR)")
    return target


def compare_results(name, clips_result, covenant_result):
    if clips_result == covenant_result:
        return
    differing = [(i, a, b) for i, (a, b) in enumerate(zip(clips_result, covenant_result)) if a != b]
    if differing:
        i, a, b = differing[0]
        detail = f"line {i + 1}: CLIPS '{a}' vs Covenant '{b}' (first of {len(differing)} differing lines)"
    else:
        detail = "one result is a prefix of the other"
    raise Failure(f"{name}: the engines' results differ: {detail}; CLIPS {len(clips_result)} lines, "
                  f"Covenant {len(covenant_result)} lines")


def run_engine_workload(w, runner, runs, log):
    """Warm-up and counted runs, alternating; returns the table row or raises Failure."""
    log(f"{w.name}: warm-up")
    clips_firings, clips_result = w.check_clips(runner.run(w.clips_argv))
    covenant_firings, covenant_result = w.check_covenant(runner.run(w.covenant_argv))
    if clips_firings != covenant_firings:
        raise Failure(f"{w.name}: the engines fire different numbers of rules: CLIPS {clips_firings}, "
                      f"Covenant {covenant_firings}")
    compare_results(w.name, clips_result, covenant_result)
    if clips_firings != w.expected:
        kind = "published" if w.name in PUBLISHED_FIRINGS else "reference (bench/README.md)"
        raise Failure(f"{w.name}: both engines fire {clips_firings} rules; CLIPS 6.30's {kind} count is "
                      f"{w.expected}")

    clips_runs, covenant_runs = [], []
    for i in range(runs):
        log(f"{w.name}: run {i + 1}/{runs}")
        for engine in ("clips", "covenant"):
            if engine == "clips":
                m = runner.run(w.clips_argv)
                firings, result = w.check_clips(m)
                clips_runs.append(m)
            else:
                m = runner.run(w.covenant_argv)
                firings, result = w.check_covenant(m)
                covenant_runs.append(m)
            if firings != clips_firings or result != clips_result:
                what = f"{firings} firings" if firings != clips_firings else "a different result"
                raise Failure(f"{w.name}: {engine} run {i + 1} gave {what} (the warm-up gave {clips_firings} "
                              "firings and the same result in both engines)")

    ratios = [c.wall / v.wall for c, v in zip(clips_runs, covenant_runs)]
    return {
        "workload": w.name,
        "clips_firings": clips_firings,
        "covenant_firings": covenant_firings,
        "clips_s": statistics.median(m.wall for m in clips_runs),
        "covenant_s": statistics.median(m.wall for m in covenant_runs),
        "ratio": statistics.median(ratios),
        "clips_rss_kib": max(m.maxrss_kib for m in clips_runs),
        "covenant_rss_kib": max(m.maxrss_kib for m in covenant_runs),
    }


def target_text(row):
    name = row["workload"]
    notes = []
    if name in SPEED_TARGETS:
        need = SPEED_TARGETS[name]
        notes.append(f">= {need}x: {'met' if row['ratio'] >= need else 'MISSED'}")
    if name in MEMORY_TARGETS:
        notes.append(f"memory < CLIPS: {'met' if row['covenant_rss_kib'] < row['clips_rss_kib'] else 'MISSED'}")
    return "; ".join(notes) or "-"


# ---- the domain workload -------------------------------------------------------------------------------------------

def run_domain(covenant, runner, runs, n_cases, workdir, log):
    """Returns (row dict, None) or (None, skip message); raises Failure on a failed or inconsistent run."""
    probe = subprocess.run([covenant, "classify", "--help"], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if probe.returncode != 0:
        return None, ("domain workload skipped: this covenant binary has no `classify` command "
                      f"(`covenant classify --help` exited {probe.returncode})")
    cases_dir = os.path.join(workdir, "cases")
    log(f"domain: writing {n_cases} case files (bench/gen_cases.py)")
    gen_cases.generate(cases_dir, n_cases)

    def classify(jobs, out, rules=None):
        argv = [covenant, "classify", cases_dir, "--jobs", str(jobs), "--format", "json", "--out", out]
        return argv + (["--rules", rules] if rules else [])

    def check(m, out, jobs):
        if m.timed_out:
            raise Failure(f"domain: `covenant classify --jobs {jobs}` did not finish within the timeout")
        if m.status != 0:
            raise Failure(f"domain: `covenant classify --jobs {jobs}` failed (exit {m.status}) on generated cases:\n"
                          + tail(m.stderr))
        with open(out, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
        errors = [r for r in records if "error" in r]
        if errors:
            raise Failure(f"domain: {len(errors)} generated cases gave error records, the first: {errors[0]}")
        cases = {r.get("case") for r in records}
        if len(cases) != n_cases:
            raise Failure(f"domain: the output names {len(cases)} cases, expected {n_cases}")
        return len(records)

    out2 = os.path.join(workdir, "classify-jobs2.json")
    out1 = os.path.join(workdir, "classify-jobs1.json")
    log("domain: warm-up (--jobs 2)")
    records = check(runner.run(classify(2, out2)), out2, 2)
    timed = []
    for i in range(runs):
        log(f"domain: run {i + 1}/{runs} (--jobs 2)")
        m = runner.run(classify(2, out2))
        check(m, out2, 2)
        timed.append(m)
    log("domain: one run with --jobs 1")
    m1 = runner.run(classify(1, out1))
    check(m1, out1, 1)
    if not filecmp.cmp(out1, out2, shallow=False):
        with open(out1, encoding="utf-8") as a, open(out2, encoding="utf-8") as b:
            for n, (x, y) in enumerate(zip(a, b), 1):
                if x != y:
                    raise Failure(f"domain: the output differs between --jobs 1 and --jobs 2, first at line {n}:\n"
                                  f"    jobs 1: {x.strip()[:200]}\n    jobs 2: {y.strip()[:200]}")
        raise Failure("domain: the output differs in length between --jobs 1 and --jobs 2")
    # Where the time goes: the same command with the vocabulary pack alone (templates, no rules) reads, checks and
    # asserts every case file and writes the report, but matches and fires nothing.
    vocabulary = os.path.join(ROOT, "rules", "core", "vocabulary.rules")
    out_vocab = os.path.join(workdir, "classify-vocabulary.json")
    reading = []
    for i in range(runs):
        log(f"domain: run {i + 1}/{runs} with the vocabulary alone (no rules)")
        m = runner.run(classify(2, out_vocab, vocabulary))
        check(m, out_vocab, 2)
        reading.append(m.wall)
    wall = statistics.median(m.wall for m in timed)
    return {"cases": n_cases, "records": records, "wall_s": wall, "cases_per_s": n_cases / wall,
            "rss_kib": max(m.maxrss_kib for m in timed), "jobs1_s": m1.wall,
            "jobs1_cases_per_s": n_cases / m1.wall, "vocabulary_s": statistics.median(reading)}, None


# ---- micro-benchmarks ----------------------------------------------------------------------------------------------

def run_micro(micro, timeout, log):
    log("micro: engine_micro")
    try:
        proc = subprocess.run([micro], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout or None)
    except subprocess.TimeoutExpired:
        raise Failure("micro: engine_micro did not finish within the timeout")
    if proc.returncode != 0:
        raise Failure(f"micro: engine_micro failed (exit {proc.returncode}):\n" + tail(proc.stderr + proc.stdout))
    values = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            values[key.strip()] = float(value)
    return values


def micro_rows(values):
    def verdict(key):
        if key not in MICRO_TARGETS or key not in values:
            return "-"
        bound, kind, text = MICRO_TARGETS[key]
        ok = values[key] >= bound if kind == "min" else values[key] < bound
        return f"{text}: {'met' if ok else 'MISSED'}"

    def get(key, fmt):
        return fmt.format(values[key]) if key in values else "n/a"

    return [
        (f"assert {get('join.facts', '{:,.0f}')} facts (3-pattern equality join + negation)",
         get("join.asserts_per_s", "{:,.0f}") + " asserts/s", verdict("join.asserts_per_s")),
        ("retract them all", get("join.retracts_per_s", "{:,.0f}") + " retracts/s", verdict("join.retracts_per_s")),
        ("bytes per fact at peak (peak RSS growth / facts)", get("join.rss_bytes_per_fact", "{:.0f}") + " B",
         verdict("join.rss_bytes_per_fact")),
        ("bytes per fact at peak (EngineStats::memory_bytes / facts)", get("join.engine_bytes_per_fact", "{:.0f}")
         + " B", verdict("join.engine_bytes_per_fact")),
        (f"parse + check + compile {get('compile.rules', '{:,.0f}')} generated rules",
         get("compile.total_s", "{:.2f}") + " s (parse " + get("compile.parse_s", "{:.2f}") + ", check "
         + get("compile.check_s", "{:.2f}") + ", network " + get("compile.network_s", "{:.2f}") + ")",
         verdict("compile.total_s")),
    ]


# ---- report --------------------------------------------------------------------------------------------------------

def mib(kib):
    return f"{kib / 1024:.1f}"


def markdown_table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def engine_table(rows):
    header = ["workload", "firings CLIPS", "firings Covenant", "CLIPS s", "Covenant s", "CLIPS/Covenant",
              "RSS CLIPS MiB", "RSS Covenant MiB", "target"]
    body = []
    for r in rows:
        if "failure" in r:
            body.append([r["workload"], "-", "-", "-", "-", "FAILED", "-", "-", "see failures"])
        else:
            body.append([r["workload"], f"{r['clips_firings']:,}", f"{r['covenant_firings']:,}", f"{r['clips_s']:.3f}",
                         f"{r['covenant_s']:.3f}", f"{r['ratio']:.2f}", mib(r["clips_rss_kib"]),
                         mib(r["covenant_rss_kib"]), target_text(r)])
    return markdown_table(header, body)


def machine_info():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    try:
        clips_version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "clips"], capture_output=True,
                                       text=True).stdout.strip()
    except OSError:
        clips_version = ""
    return {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "cpu": cpu,
            "cores": os.cpu_count(), "commit": commit, "clips": clips_version or "unknown"}


def render_report(info, args, rows, domain, domain_note, micro, micro_note, failures, measured_alone):
    out = [f"Run of {info['date']} on {info['cpu']} ({info['cores']} cores), commit {info['commit']}; "
           f"CLIPS: Debian package {info['clips']}; {args.runs} counted runs per engine after a warm-up, "
           "alternating CLIPS and Covenant.", ""]
    if not measured_alone:
        out += ["Peak RSS measured without bench_measure: each figure includes the harness's own (~10 MB floor).", ""]
    if rows:
        out += ["### Miss Manners, Waltz and CLIPS's examples (zebra, sudoku)", "",
                "Median wall seconds of whole processes (start-up, loading, run and output); CLIPS/Covenant is the "
                "median of the per-pair ratios (> 1: Covenant is faster); RSS is the largest peak resident set over "
                "the counted runs.", "", engine_table(rows), ""]
    out += ["### Domain workload", ""]
    if domain:
        target = "met" if domain["cases_per_s"] >= DOMAIN_TARGET_CASES_PER_S else "MISSED"
        out += [f"`covenant classify DIR --jobs 2 --format json` over {domain['cases']:,} generated case files "
                f"(bench/gen_cases.py, seed 1; {domain['records']:,} result records): median "
                f"{domain['wall_s']:.2f} s, **{domain['cases_per_s']:,.0f} cases/s** (target >= "
                f"{DOMAIN_TARGET_CASES_PER_S:,}: {target}), peak RSS {mib(domain['rss_kib'])} MiB. With --jobs 1: "
                f"{domain['jobs1_s']:.2f} s ({domain['jobs1_cases_per_s']:,.0f} cases/s); output identical.", "",
                f"Where the time goes: with the vocabulary pack alone (`--rules rules/core/vocabulary.rules`: every "
                f"case file read, checked and asserted, the report written, no rule to match or fire) the same run "
                f"takes {domain['vocabulary_s']:.2f} s ({100 * domain['vocabulary_s'] / domain['wall_s']:.0f}% of "
                f"the whole); matching and firing the core packs take the remaining "
                f"{max(0.0, domain['wall_s'] - domain['vocabulary_s']):.2f} s.", ""]
    else:
        out += [domain_note or "not selected (--only)", ""]
    out += ["### Engine micro-benchmarks (bench/micro/engine_micro)", ""]
    if micro:
        out += [markdown_table(["benchmark", "result", "target"], micro_rows(micro)), ""]
    else:
        out += [micro_note or "not selected (--only)", ""]
    if failures:
        out += ["### Failures", ""] + ["```\n" + f + "\n```" for f in failures] + [""]
    return "\n".join(out)


def write_docs(path, report):
    kept = HAND_WRITTEN_MARKER + "\n\n## Analysis\n\n(Profiles and analysis, written by hand, go here.)\n"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
        at = old.find(HAND_WRITTEN_MARKER)
        # A file without the marker is all hand-written: keep all of it.
        kept = old[at:] if at >= 0 else HAND_WRITTEN_MARKER + "\n\n" + old
    text = ("# Benchmarks: Covenant against CLIPS 6.30\n\n"
            "Written by `make bench` (bench/run.py; bench/README.md says how to run it and what each workload is). "
            "Absolute times vary between machines; the ratio within one run is the figure. Everything above the "
            "marker line below is replaced by each run.\n\n## Latest run\n\n" + report + "\n" + kept)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---- main ----------------------------------------------------------------------------------------------------------

def find_beside(covenant, name):
    """BUILD/bench/NAME for a covenant binary at BUILD/repl/covenant, if it exists."""
    build = os.path.dirname(os.path.dirname(os.path.abspath(covenant)))
    path = os.path.join(build, "bench", name)
    return path if os.access(path, os.X_OK) else None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("covenant", help="a Release `covenant` binary")
    parser.add_argument("clips", help="the `clips` binary (CLIPS 6.30)")
    parser.add_argument("--measure", help="bench_measure (default: BUILD/bench/bench_measure beside COVENANT)")
    parser.add_argument("--micro", help="engine_micro (default: BUILD/bench/engine_micro beside COVENANT)")
    parser.add_argument("--runs", type=int, default=5, help="counted runs per engine and workload (default 5, min 1)")
    parser.add_argument("--only", metavar="PATTERN",
                        help="run only the workloads whose name matches this regular expression (manners16 ... "
                             "waltz50, zebra, sudoku-grid3x3-p17 ..., domain, micro), e.g. 'manners|micro'")
    parser.add_argument("--cases", type=int, default=10000, help="case files for the domain workload (default 10000)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds before a run is killed and its workload failed (default 120; CLIPS needs ~3 s "
                             "for the slowest Manners or Waltz workload, 5-15 s for sudoku-grid4x4-p17)")
    parser.add_argument("--clips-examples", metavar="DIR", default=CLIPS_EXAMPLES,
                        help="CLIPS's examples (zebra.clp, sudoku/) for the zebra and sudoku workloads (default "
                             f"{CLIPS_EXAMPLES}, Debian's clips-common)")
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave docs/benchmarks.md")
    parser.add_argument("--docs", default=os.path.join(ROOT, "docs", "benchmarks.md"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not 1 <= args.cases <= 99999:
        parser.error("--cases must be between 1 and 99999")
    try:
        only = re.compile(args.only) if args.only else None
    except re.error as e:
        parser.error(f"--only: not a regular expression: {e}")
    for label, path in (("COVENANT", args.covenant), ("CLIPS", args.clips)):
        resolved = shutil.which(path)
        if not resolved:
            parser.error(f"{label}: '{path}' is not an executable file")
    covenant = os.path.abspath(shutil.which(args.covenant))
    clips = os.path.abspath(shutil.which(args.clips))
    measure = args.measure or find_beside(covenant, "bench_measure")
    micro = args.micro or find_beside(covenant, "engine_micro")

    def log(message):
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    def selected(name):
        return only is None or only.search(name) is not None

    if not measure:
        log("bench_measure not found: peak RSS will include this script's own (build it: cmake --build BUILD "
            "--target bench_measure)")
    names = [f"manners{n}" for n in (16, 32, 64, 128)] + [f"waltz{n}" for n in (12, 25, 37, 50)]
    example_names = ["zebra"] + [f"sudoku-{p}" for p in SUDOKU_PUZZLES]
    example_names.insert(example_names.index("sudoku-grid3x3-p17") + 1, "sudoku-grid3x3-p17-stress")
    rows, failures = [], []
    domain = micro_values = None
    domain_note = micro_note = None
    with tempfile.TemporaryDirectory(prefix="covenant-bench-") as workdir:
        runner = Runner(measure, args.timeout, workdir)
        for name in filter(selected, names):
            program = re.match(r"[a-z]+", name).group(0)
            w = EngineWorkload(name, program, covenant, clips, workdir)
            try:
                rows.append(run_engine_workload(w, runner, args.runs, log))
            except Failure as e:
                log(f"FAILED: {e}")
                failures.append(str(e))
                rows.append({"workload": name, "failure": str(e)})
        chosen = list(filter(selected, example_names))
        examples = None
        if chosen:
            try:
                examples = unpack_examples(args.clips_examples, workdir, chosen)
            except Failure as e:
                log(f"FAILED: {e}")
                failures.append(str(e))
                rows += [{"workload": name, "failure": str(e)} for name in chosen]
        for name in chosen if examples else []:
            try:
                w = ExampleWorkload(name, covenant, clips, workdir, examples)
                rows.append(run_engine_workload(w, runner, args.runs, log))
            except Failure as e:
                log(f"FAILED: {e}")
                failures.append(str(e))
                rows.append({"workload": name, "failure": str(e)})
        if selected("domain"):
            try:
                domain, domain_note = run_domain(covenant, runner, args.runs, args.cases, workdir, log)
                if domain_note:
                    log(domain_note)
            except Failure as e:
                log(f"FAILED: {e}")
                failures.append(str(e))
                domain_note = "FAILED (see failures)"
        if selected("micro"):
            if not micro:
                micro_note = ("micro-benchmarks skipped: engine_micro not found (build it: cmake --build BUILD "
                              "--target engine_micro, or pass --micro PATH)")
                log(micro_note)
            else:
                try:
                    micro_values = run_micro(micro, args.timeout, log)
                except Failure as e:
                    log(f"FAILED: {e}")
                    failures.append(str(e))
                    micro_note = "FAILED (see failures)"

    info = machine_info()
    report = render_report(info, args, rows, domain, domain_note, micro_values, micro_note, failures, bool(measure))
    print(report)
    if not args.no_write:
        write_docs(args.docs, report)
        log(f"wrote {os.path.relpath(args.docs, os.getcwd())}")
    if failures:
        print(f"bench: {len(failures)} workload(s) FAILED:", file=sys.stderr)
        for f in failures:
            print("  " + f.splitlines()[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
