#!/usr/bin/env python3
"""The HTML report in a real browser (issue 14): headless Chromium opens `covenant report kb/cases`, and the test
fails on any console message (a script error, a resource that failed to load) and when the parts are missing from
the DOM the browser built; the table's sorting and filtering are exercised by a script run in the page; screenshots
of the table, the heat map, the scatter, a series' trajectory and one case are written to OUT_DIR and named on the
output.

usage: report_browser_test.py COVENANT OUT_DIR     (run from the project root)
Exit status 0 when everything holds, 1 otherwise, 77 (skipped) when no Chromium is installed.
"""
import os
import re
import shutil
import subprocess
import sys

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-extensions", "--allow-file-access-from-files"]

failures = []


def check(ok, what):
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser, args, page, profile):
    cmd = [browser] + FLAGS + ["--user-data-dir=" + profile] + args + ["file://" + os.path.abspath(page)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def variant(page, out, extra_head="", extra_body=""):
    """A copy of the page with a style (to show one part) or a script (to drive the table) added."""
    text = open(page, encoding="utf-8").read()
    text = text.replace("</head>", extra_head + "</head>", 1)
    text = text.replace("</body>", extra_body + "</body>", 1)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    covenant, out_dir = sys.argv[1], sys.argv[2]
    browser = chromium_binary()
    if not browser:
        print("SKIPPED: no Chromium on PATH (Debian: apt-get install chromium, which `make deps` does)")
        return 77
    os.makedirs(out_dir, exist_ok=True)
    profile = os.path.join(out_dir, "profile")
    page = os.path.join(out_dir, "report.html")
    made = subprocess.run([covenant, "report", "kb/cases", "kb/series", "--out", page], capture_output=True, text=True)
    check(made.returncode == 0, "covenant report kb/cases kb/series --out report.html exits 0 ({})".format(
        made.stderr.strip().splitlines()[-1] if made.stderr.strip() else "no output"))
    if made.returncode != 0:
        return 1
    cases = len([f for f in os.listdir("kb/cases") if f.endswith((".yaml", ".yml"))])
    series = len([f for f in os.listdir("kb/series") if f.endswith((".yaml", ".yml"))])

    # 1. The page as the browser builds it, with every console message logged.
    r = run_browser(browser, ["--enable-logging=stderr", "--v=0", "--dump-dom"], page, profile)
    console = [line for line in r.stderr.splitlines() if "CONSOLE" in line or "net::ERR" in line]
    check(r.returncode == 0, "Chromium loads the page")
    check(not console, "no console message and no failed resource" +
          ("" if not console else ": " + " | ".join(console[:3])))
    dom = r.stdout
    check(dom.count('<article class="case"') == cases, "one article per case ({})".format(cases))
    check(dom.count('<svg class="bars"') >= cases, "score bars for every institution")
    check('<svg id="heatmap"' in dom and dom.count('class="cell"') > 0, "the heat map, with coloured cells")
    check('<svg id="scatter"' in dom and dom.count('class="point"') >= cases, "the scatter, a point per institution")
    check(dom.count('class="threshold"') > 0 and dom.count('class="margin"') > 0,
          "threshold and margin lines")
    check(dom.count('<details class="why" open') >= cases and dom.count('<div class="graph"><svg') >= cases,
          "a derivation graph (drawn by Graphviz) for every institution's architecture")
    check(dom.count('<article class="trajectory"') == series, "a trajectory chart per series ({})".format(series))
    check('id="covenant-data"' in dom, "the embedded data")
    outside = re.findall(r'(?:src|href)="(?!#)([^"]*)"', dom)
    check(not outside, "nothing to load: every link is to a place on the page" +
          ("" if not outside else " (found " + ", ".join(outside[:3]) + ")"))

    # 2. The table's script, driven in the page: sort by the first score, descending, then filter.
    driver = """<script>
window.addEventListener('load', function () {
  var th = document.querySelectorAll('#results thead th')[5];
  th.click(); th.click();
  var first = document.querySelector('#results tbody tr td:nth-child(6)').textContent;
  var cells = Array.prototype.map.call(document.querySelectorAll('#results tbody tr td:nth-child(6)'),
                                       function (td) { return parseFloat(td.textContent); });
  var sorted = cells.every(function (v, i) { return i === 0 || cells[i - 1] >= v; });
  var filter = document.getElementById('filter');
  filter.value = 'nato hybrid';
  filter.dispatchEvent(new Event('input'));
  var shown = Array.prototype.filter.call(document.querySelectorAll('#results tbody tr'),
                                          function (tr) { return !tr.hidden; }).length;
  document.body.setAttribute('data-test', 'sorted=' + sorted + ' aria=' + th.getAttribute('aria-sort') +
                             ' shown=' + shown);
});
</script>"""
    driven = run_browser(browser, ["--enable-logging=stderr", "--v=0", "--dump-dom"],
                         variant(page, os.path.join(out_dir, "driven.html"), extra_body=driver), profile)
    m = re.search(r'data-test="([^"]*)"', driven.stdout)
    state = m.group(1) if m else "(the driver did not run)"
    check("sorted=true aria=descending" in state, "clicking a score heading twice sorts by it, descending: " + state)
    check("shown=2" in state, "filtering by 'nato hybrid' keeps the two NATO rows: " + state)

    # 3. Screenshots, one part each (the others hidden by an added style).
    parts = {
        "table": "#across, #trajectories, #cases { display: none; }",
        "heatmap": "header, nav, #classification, #trajectories, #cases, #scatter { display: none; }",
        "scatter": "header, nav, #classification, #trajectories, #cases, #heatmap { display: none; }",
        "trajectory": "header, nav, #classification, #across, #cases { display: none; } "
                      "article.trajectory:not(#series-osce) { display: none; }",
        "case": "header, nav, #classification, #across, #trajectories { display: none; } "
                "article.case:not(#case-g7-2025) { display: none; }",
    }
    for name, style in parts.items():
        shown = variant(page, os.path.join(out_dir, name + ".html"), extra_head="<style>" + style + "</style>")
        png = os.path.join(out_dir, "report-" + name + ".png")
        if os.path.exists(png):
            os.remove(png)
        shot = run_browser(browser, ["--window-size=1100,1500", "--screenshot=" + png], shown, profile)
        size = os.path.getsize(png) if os.path.exists(png) else 0
        # A blank page of this size is about 10 kB; a drawn part is several times that.
        check(shot.returncode == 0 and size > 30000, "screenshot of the {}: {} ({} bytes)".format(name, png, size))

    print("\n{} failed".format(len(failures)) if failures else "\nall passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
