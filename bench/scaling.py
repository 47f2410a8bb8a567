#!/usr/bin/env python3
"""How cost grows with the data: Manners and Waltz at a series of sizes, in CLIPS 6.30 and Covenant (issue 15).

Usage:
  python3 bench/scaling.py COVENANT CLIPS [--manners 16,32,64,128,256] [--waltz 12,25,37,50,100,200] [--runs N]
                           [--timeout S] [--measure BENCH_MEASURE] [--svg PATH | --no-plot] [--json PATH]
  python3 bench/scaling.py --replot JSON [--svg PATH | --no-plot]    # tables and plot again from --json's file

For each size: the data set bench/data/NAME.{fct,yaml} (generated first with bench/gen_ops5.py when missing), one
warm-up run of each engine, then --runs (default 3) counted runs ALTERNATING CLIPS and Covenant, exactly as
bench/run.py runs them (its Runner, its command lines, its checks: this script imports them). Both engines must fire
the same number of rules with the same result (bench/canonical.py) in every run, and CLIPS 6.30's published count on
the published sizes; a size where they do not is reported as FAILED and left out of the fits.

Reported per size: firings, median wall seconds of the whole process (start-up, loading, run, output) in each engine,
the median of the per-pair CLIPS/Covenant ratios, microseconds per firing (the whole process's time / firings: flat
when the cost is linear in the firings, start-up inflating it on small sizes), the largest peak RSS of each. Per
workload and engine: the fitted exponent k of time ~ size^k (least squares on log time against log size), over all
sizes and over the three largest (where start-up matters less), and the same for firings and peak RSS. Under GNU
time (below) also the median CPU seconds (user + system) of each, and their exponent: on a machine shared with other
work, CPU time is less disturbed than wall time.
Size = guests (Manners), regions (Waltz). The plot also draws the firings, scaled to meet Covenant's largest point: a
cost linear in the firings runs parallel to that line.

Peak RSS: measured by bench_measure when available (--measure, or BUILD/bench/bench_measure beside COVENANT; see
bench/micro/measure.cpp), else by GNU time (/usr/bin/time -f %M, which forks the engine itself, so the figure is the
engine's own), else by os.wait4, whose figure includes this script's own peak (the report says which).

The plot: a log-log SVG (default docs/img/scaling.svg), one panel per workload, both engines, with the fitted
exponents in the legend. Drawn with matplotlib when it can be imported (Debian: python3-matplotlib; when `python3`
is not Debian's own, e.g. pyenv, Debian's copy for the same Python version is used), otherwise by the small SVG
writer in this file.

Exit status: 0 when every size ran and the engines agreed, 1 otherwise, 2 on bad arguments.
"""

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.dont_write_bytecode = True  # importing run.py and gen_ops5.py must leave no __pycache__ in bench/
sys.path.insert(0, BENCH_DIR)
import gen_ops5  # noqa: E402
import run  # noqa: E402

DEFAULT_MANNERS = [16, 32, 64, 128, 256]
DEFAULT_WALTZ = [12, 25, 37, 50, 100, 200]
GNU_TIME = "/usr/bin/time"


# ---- running ---------------------------------------------------------------------------------------------------------

class TimeRunner(run.Runner):
    """run.Runner without bench_measure: runs each command under GNU time for the engine's own peak RSS (run.Runner's
    own fallback, os.wait4, would report at least this script's peak); wall time is still Runner's, fork to exit."""

    def run(self, argv, cwd=ROOT):
        report = os.path.join(self.workdir, "time-report")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        m = super().run([GNU_TIME, "-f", "%M", "-o", report] + argv, cwd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds of the engine (and of GNU time, a few ms at most): the children waited for during this run.
        m.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        try:
            with open(report, encoding="utf-8") as f:
                lines = [line for line in f.read().splitlines() if line.strip()]
            m.maxrss_kib = int(lines[-1])
        except (OSError, ValueError, IndexError):
            pass    # killed before GNU time wrote its report: keep os.wait4's figure
        return m


def make_workload(name, program, covenant, clips, workdir):
    """run.EngineWorkload for any size. It takes its --max-firings safety bound from run.PUBLISHED_FIRINGS, which
    knows only the published sizes: for the others a bound is lent for the construction and taken back, and the
    workload's `expected` is None (the engines must then agree with each other, not with a published count)."""
    published = name in run.PUBLISHED_FIRINGS
    if not published:
        run.PUBLISHED_FIRINGS[name] = 500_000_000   # --max-firings 1e9: only a looping port reaches it
    try:
        w = run.EngineWorkload(name, program, covenant, clips, workdir)
    finally:
        if not published:
            del run.PUBLISHED_FIRINGS[name]
    if not published:
        w.expected = None
    return w


def measure_size(w, runner, runs, log):
    """Warm-up and alternating counted runs; returns a row dict or raises run.Failure."""
    log(f"{w.name}: warm-up")
    clips_firings, clips_result = w.check_clips(runner.run(w.clips_argv))
    covenant_firings, covenant_result = w.check_covenant(runner.run(w.covenant_argv))
    if clips_firings != covenant_firings:
        raise run.Failure(f"{w.name}: the engines fire different numbers of rules: CLIPS {clips_firings}, "
                          f"Covenant {covenant_firings}")
    run.compare_results(w.name, clips_result, covenant_result)
    if w.expected is not None and clips_firings != w.expected:
        raise run.Failure(f"{w.name}: both engines fire {clips_firings} rules; CLIPS 6.30's published count is "
                          f"{w.expected}")
    clips_runs, covenant_runs = [], []
    for i in range(runs):
        log(f"{w.name}: run {i + 1}/{runs}")
        for engine, argv, check, into in (("CLIPS", w.clips_argv, w.check_clips, clips_runs),
                                          ("Covenant", w.covenant_argv, w.check_covenant, covenant_runs)):
            m = runner.run(argv)
            firings, result = check(m)
            if firings != clips_firings or result != clips_result:
                raise run.Failure(f"{w.name}: {engine} run {i + 1} differs from the warm-up ({firings} firings)")
            into.append(m)
    row = {
        "workload": w.name, "firings": clips_firings,
        "clips_s": statistics.median(m.wall for m in clips_runs),
        "covenant_s": statistics.median(m.wall for m in covenant_runs),
        "ratio": statistics.median(c.wall / v.wall for c, v in zip(clips_runs, covenant_runs)),
        "clips_rss_kib": max(m.maxrss_kib for m in clips_runs),
        "covenant_rss_kib": max(m.maxrss_kib for m in covenant_runs),
    }
    if all(hasattr(m, "cpu") for m in clips_runs + covenant_runs):
        row["clips_cpu_s"] = statistics.median(m.cpu for m in clips_runs)
        row["covenant_cpu_s"] = statistics.median(m.cpu for m in covenant_runs)
    return row


def count_facts(name):
    with open(os.path.join(BENCH_DIR, "data", name + ".fct"), encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def ensure_data(program, n, log):
    name = f"{program}{n}"
    data = os.path.join(BENCH_DIR, "data")
    if all(os.path.isfile(os.path.join(data, f"{name}.{ext}")) for ext in ("fct", "yaml")):
        return
    if program == "manners" and n in gen_ops5.NOT_REPRODUCED:
        raise run.Failure(f"{name}: the published data set is missing from bench/data (bench/convert.py writes it)")
    log(f"{name}: generating bench/data/{name}.fct and .yaml (bench/gen_ops5.py)")
    gen_ops5.write_both(name, gen_ops5.generate_text(program, n), data)


# ---- fitting ---------------------------------------------------------------------------------------------------------

def slope(xs, ys):
    """Least-squares exponent k of y ~ x^k; None with fewer than two points."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def fits(rows):
    """{program: {quantity: slope}} over the rows that ran."""
    out = {}
    for program in ("manners", "waltz"):
        ok = sorted((r for r in rows if r["program"] == program and "failure" not in r), key=lambda r: r["size"])
        if len(ok) < 2:
            continue
        sizes = [r["size"] for r in ok]
        top = ok[-3:]
        top_sizes = [r["size"] for r in top]
        out[program] = {
            "sizes": sizes,
            "firings": slope(sizes, [r["firings"] for r in ok]),
            "clips_s": slope(sizes, [r["clips_s"] for r in ok]),
            "covenant_s": slope(sizes, [r["covenant_s"] for r in ok]),
            "clips_s_top": slope(top_sizes, [r["clips_s"] for r in top]),
            "covenant_s_top": slope(top_sizes, [r["covenant_s"] for r in top]),
            "clips_rss": slope(sizes, [r["clips_rss_kib"] for r in ok]),
            "covenant_rss": slope(sizes, [r["covenant_rss_kib"] for r in ok]),
            "top_sizes": top_sizes,
        }
        if all("clips_cpu_s" in r for r in ok):
            out[program]["clips_cpu_top"] = slope(top_sizes, [r["clips_cpu_s"] for r in top])
            out[program]["covenant_cpu_top"] = slope(top_sizes, [r["covenant_cpu_s"] for r in top])
    return out


# ---- report ----------------------------------------------------------------------------------------------------------

def fmt_slope(k):
    return "-" if k is None else f"{k:.2f}"


def size_table(rows):
    cpu = any("clips_cpu_s" in r for r in rows)
    header = ["workload", "size", "facts", "firings", "CLIPS s", "Covenant s", "CLIPS/Covenant",
              "CLIPS us/firing", "Covenant us/firing"] + (["CLIPS CPU s", "Covenant CPU s"] if cpu else []) + [
              "RSS CLIPS MiB", "RSS Covenant MiB"]
    body = []
    for r in rows:
        if "failure" in r:
            body.append([r["workload"], r["size"], f"{r.get('facts', 0):,}"] + ["-"] * 3 + ["FAILED"]
                        + ["-"] * (len(header) - 7))
            continue
        line = [r["workload"], r["size"], f"{r['facts']:,}", f"{r['firings']:,}", f"{r['clips_s']:.3f}",
                f"{r['covenant_s']:.3f}", f"{r['ratio']:.2f}", f"{1e6 * r['clips_s'] / r['firings']:,.1f}",
                f"{1e6 * r['covenant_s'] / r['firings']:,.1f}"]
        if cpu:
            line += [f"{r['clips_cpu_s']:.3f}", f"{r['covenant_cpu_s']:.3f}"] if "clips_cpu_s" in r else ["-", "-"]
        body.append(line + [run.mib(r["clips_rss_kib"]), run.mib(r["covenant_rss_kib"])])
    return run.markdown_table(header, body)


def slope_table(fitted):
    cpu = any("clips_cpu_top" in f for f in fitted.values())
    header = ["workload", "sizes", "firings", "CLIPS time", "Covenant time", "CLIPS time, 3 largest",
              "Covenant time, 3 largest"] + (["CLIPS CPU, 3 largest", "Covenant CPU, 3 largest"] if cpu else []) + [
              "CLIPS RSS", "Covenant RSS"]
    body = []
    for program, f in fitted.items():
        line = [program.capitalize(), f"{f['sizes'][0]}-{f['sizes'][-1]}", fmt_slope(f["firings"]),
                fmt_slope(f["clips_s"]), fmt_slope(f["covenant_s"]), fmt_slope(f["clips_s_top"]),
                fmt_slope(f["covenant_s_top"])]
        if cpu:
            line += [fmt_slope(f.get("clips_cpu_top")), fmt_slope(f.get("covenant_cpu_top"))]
        body.append(line + [fmt_slope(f["clips_rss"]), fmt_slope(f["covenant_rss"])])
    return run.markdown_table(header, body)


# ---- plot ------------------------------------------------------------------------------------------------------------

def import_matplotlib():
    """matplotlib.pyplot with the SVG backend, or None. Falls back to Debian's dist-packages when this interpreter
    is not Debian's own but has the same version (python3-matplotlib is built for /usr/bin/python3)."""
    def attempt():
        import matplotlib
        matplotlib.use("svg")
        import matplotlib.pyplot as plt
        return plt
    try:
        return attempt()
    except ImportError:
        pass
    debian = "/usr/lib/python3/dist-packages"
    if os.path.isdir(os.path.join(debian, "matplotlib")) and debian not in sys.path:
        try:
            probe = subprocess.run(["/usr/bin/python3", "-c", "import sys; print(sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if probe.stdout.strip() == str(tuple(sys.version_info[:2])):
            sys.path.append(debian)
            try:
                return attempt()
            except ImportError:
                sys.path.remove(debian)
    return None


def series(rows, program):
    ok = sorted((r for r in rows if r["program"] == program and "failure" not in r), key=lambda r: r["size"])
    return ([r["size"] for r in ok], [r["clips_s"] for r in ok], [r["covenant_s"] for r in ok],
            [r["firings"] for r in ok])


def firings_line(covenant_s, firings):
    """Firings scaled to meet Covenant's largest point: the slope a cost linear in the firings would have."""
    return [covenant_s[-1] * f / firings[-1] for f in firings]


def legend(label, f, key):
    return f"{label} (k = {fmt_slope(f.get(key))}; 3 largest: {fmt_slope(f.get(key + '_top'))})"


PANELS = (("manners", "Miss Manners", "guests"), ("waltz", "Waltz", "regions"))
COLOURS = {"CLIPS 6.30": "#d62728", "Covenant": "#1f77b4"}


def plot_matplotlib(plt, rows, fitted, path, subtitle):
    plt.rcParams["svg.hashsalt"] = "covenant-scaling"       # stable ids: the same data gives the same file
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, (program, title, unit) in zip(axes, PANELS):
        sizes, clips_s, covenant_s, firings = series(rows, program)
        f = fitted.get(program, {})
        for label, ys, key in (("CLIPS 6.30", clips_s, "clips_s"), ("Covenant", covenant_s, "covenant_s")):
            if sizes:
                ax.loglog(sizes, ys, "o-", color=COLOURS[label], label=legend(label, f, key))
        if sizes:
            ax.loglog(sizes, firings_line(covenant_s, firings), "--", color="#777777",
                      label=f"firings, scaled (k = {fmt_slope(f.get('firings'))})")
        ax.set_title(title)
        ax.set_xlabel(f"{unit} (log scale)")
        ax.set_ylabel("wall seconds, whole process (log scale)")
        ax.grid(True, which="both", linewidth=0.3)
        if sizes:
            ax.set_xticks(sizes)
            ax.set_xticklabels([str(s) for s in sizes])
            ax.minorticks_off()
            ax.legend(loc="upper left", fontsize=9)
    fig.suptitle(subtitle, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def plot_builtin(rows, fitted, path, subtitle):
    """A plain log-log SVG without dependencies: two panels, axes at powers of ten, both engines."""
    width, height, panel_w = 1000, 430, 500
    left, right, top, bottom = 70, 20, 50, 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="11">{subtitle}</text>']
    for i, (program, title, unit) in enumerate(PANELS):
        sizes, clips_s, covenant_s, firings = series(rows, program)
        x0, x1 = i * panel_w + left, (i + 1) * panel_w - right
        y0, y1 = height - bottom, top
        out.append(f'<text x="{(x0 + x1) / 2}" y="{top - 12}" text-anchor="middle" font-size="14">{title}</text>')
        if not sizes:
            continue
        scaled = firings_line(covenant_s, firings)
        ys = clips_s + covenant_s + scaled
        lx0, lx1 = math.log10(min(sizes)) - 0.05, math.log10(max(sizes)) + 0.05
        ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
        if ly1 == ly0:
            ly1 += 1

        def px(x):
            return x0 + (math.log10(x) - lx0) / (lx1 - lx0) * (x1 - x0)

        def py(y):
            return y0 - (math.log10(y) - ly0) / (ly1 - ly0) * (y0 - y1)

        out.append(f'<rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}" fill="none" stroke="#444"/>')
        for e in range(ly0, ly1 + 1):
            y = py(10 ** e)
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ccc" stroke-width="0.5"/>')
            out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{10.0 ** e:g}</text>')
        for s in sizes:
            x = px(s)
            out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" stroke="#ccc" stroke-width="0.5"/>')
            out.append(f'<text x="{x:.1f}" y="{y0 + 16}" text-anchor="middle">{s}</text>')
        out.append(f'<text x="{(x0 + x1) / 2}" y="{y0 + 36}" text-anchor="middle">{unit} (log scale)</text>')
        out.append(f'<text transform="translate({x0 - 52},{(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">'
                   'wall seconds, whole process (log scale)</text>')
        f = fitted.get(program, {})
        for j, (label, vals, key) in enumerate((("CLIPS 6.30", clips_s, "clips_s"),
                                                ("Covenant", covenant_s, "covenant_s"))):
            colour = COLOURS[label]
            points = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in zip(sizes, vals))
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
            out += [f'<circle cx="{px(s):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>' for s, v in zip(sizes, vals)]
            ly = y1 + 16 + 16 * j
            out.append(f'<line x1="{x0 + 10}" y1="{ly - 4}" x2="{x0 + 30}" y2="{ly - 4}" stroke="{colour}" '
                       'stroke-width="1.5"/>')
            out.append(f'<text x="{x0 + 36}" y="{ly}">{legend(label, f, key)}</text>')
        points = " ".join(f"{px(s):.1f},{py(v):.1f}" for s, v in zip(sizes, scaled))
        out.append(f'<polyline points="{points}" fill="none" stroke="#777" stroke-width="1.2" '
                   'stroke-dasharray="5,4"/>')
        ly = y1 + 48
        out.append(f'<line x1="{x0 + 10}" y1="{ly - 4}" x2="{x0 + 30}" y2="{ly - 4}" stroke="#777" '
                   'stroke-width="1.2" stroke-dasharray="5,4"/>')
        out.append(f'<text x="{x0 + 36}" y="{ly}">firings, scaled (k = {fmt_slope(f.get("firings"))})</text>')
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


# ---- main ------------------------------------------------------------------------------------------------------------

def log(message):
    print(f"[scaling] {message}", file=sys.stderr, flush=True)


def sizes_arg(text):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of sizes: '{text}'")
    if any(v < 2 for v in values):
        raise argparse.ArgumentTypeError("sizes must be at least 2")
    return sorted(set(values))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("covenant", nargs="?", help="a Release `covenant` binary")
    parser.add_argument("clips", nargs="?", help="the `clips` binary (CLIPS 6.30)")
    parser.add_argument("--manners", type=sizes_arg, default=DEFAULT_MANNERS,
                        help="guest counts (default 16,32,64,128,256; '' for none)")
    parser.add_argument("--waltz", type=sizes_arg, default=DEFAULT_WALTZ,
                        help="region counts (default 12,25,37,50,100,200; '' for none)")
    parser.add_argument("--runs", type=int, default=3, help="counted runs per engine and size (default 3)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed (default 900)")
    parser.add_argument("--measure", help="bench_measure (default: BUILD/bench/bench_measure beside COVENANT)")
    parser.add_argument("--svg", default=os.path.join(ROOT, "docs", "img", "scaling.svg"),
                        help="the plot (default docs/img/scaling.svg)")
    parser.add_argument("--no-plot", action="store_true", help="write no plot")
    parser.add_argument("--builtin-plot", action="store_true", help="draw with the built-in SVG writer even when "
                                                                    "matplotlib is available")
    parser.add_argument("--json", help="also write the measurements as JSON to this file")
    parser.add_argument("--replot", metavar="JSON", help="run nothing: print the tables and draw the plot again from "
                                                         "a file written by --json")
    args = parser.parse_args(argv)
    if args.replot:
        with open(args.replot, encoding="utf-8") as f:
            saved = json.load(f)
        report(saved["info"], saved["runs"], saved["rss"], saved["rows"], [], args)
        return 0
    if not args.covenant or not args.clips:
        parser.error("COVENANT and CLIPS are required (unless --replot)")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    binaries = []
    for label, path in (("COVENANT", args.covenant), ("CLIPS", args.clips)):
        resolved = shutil.which(path)
        if not resolved:
            parser.error(f"{label}: '{path}' is not an executable file")
        binaries.append(os.path.abspath(resolved))
    covenant, clips = binaries
    measure = args.measure or run.find_beside(covenant, "bench_measure")

    if measure:
        rss_note = "peak RSS by bench_measure"
    elif os.access(GNU_TIME, os.X_OK):
        rss_note = "peak RSS by GNU time (bench_measure not built)"
    else:
        rss_note = "peak RSS by os.wait4: each figure includes this script's own (~10 MB floor)"
    log(rss_note)

    rows, failures = [], []
    with tempfile.TemporaryDirectory(prefix="covenant-scaling-") as workdir:
        if measure:
            runner = run.Runner(measure, args.timeout, workdir)
        elif os.access(GNU_TIME, os.X_OK):
            runner = TimeRunner(None, args.timeout, workdir)
        else:
            runner = run.Runner(None, args.timeout, workdir)
        for program, sizes in (("manners", args.manners), ("waltz", args.waltz)):
            for n in sizes:
                name = f"{program}{n}"
                row = {"workload": name, "program": program, "size": n}
                try:
                    ensure_data(program, n, log)
                    row["facts"] = count_facts(name)
                    w = make_workload(name, program, covenant, clips, workdir)
                    row.update(measure_size(w, runner, args.runs, log))
                except (run.Failure, gen_ops5.convert.InputError, ValueError, OSError) as e:
                    log(f"FAILED: {e}")
                    failures.append(str(e))
                    row["failure"] = str(e)
                rows.append(row)

    info = run.machine_info()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"info": info, "runs": args.runs, "rss": rss_note, "rows": rows}, f, indent=1)
    report(info, args.runs, rss_note, rows, failures, args)
    return 1 if failures else 0


def report(info, runs, rss_note, rows, failures, args):
    """Prints the tables and draws the plot (unless --no-plot)."""
    fitted = fits(rows)
    subtitle = (f"{info['date']}, {info['cpu']} ({info['cores']} cores), commit {info['commit']}; median of "
                f"{runs} alternating runs")
    print(f"Run of {info['date']} on {info['cpu']} ({info['cores']} cores), commit {info['commit']}; CLIPS: Debian "
          f"package {info['clips']}; {runs} counted runs per engine and size after a warm-up, alternating CLIPS "
          f"and Covenant; {rss_note}.\n")
    print(size_table(rows) + "\n")
    print("Fitted exponent k of y ~ size^k (least squares in log-log; size = guests or regions):\n")
    print(slope_table(fitted) + "\n")
    if failures:
        print("Failures:\n" + "\n".join("  " + f.splitlines()[0] for f in failures))
    if not args.no_plot and any("failure" not in r for r in rows):
        os.makedirs(os.path.dirname(os.path.abspath(args.svg)), exist_ok=True)
        plt = None if args.builtin_plot else import_matplotlib()
        if plt is not None:
            plot_matplotlib(plt, rows, fitted, args.svg, subtitle)
            log(f"wrote {args.svg} (matplotlib)")
        else:
            plot_builtin(rows, fitted, args.svg, subtitle)
            log(f"wrote {args.svg} (built-in SVG writer{'' if args.builtin_plot else '; matplotlib not found'})")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
