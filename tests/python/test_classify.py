# Classification through the module: the records must be what `covenant classify` reports, for files and for dicts,
# whatever the number of jobs.
import json
import subprocess

import pandas
import pytest

import covenant


def cli_json(covenant_bin, repo, *paths):
    out = subprocess.run([covenant_bin, "classify", *map(str, paths), "--format", "json"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_dataframe_matches_the_cli(rules, repo, covenant_bin):
    df = pandas.DataFrame(rules.classify(repo / "kb" / "cases"))
    expected = cli_json(covenant_bin, repo, "kb/cases")
    assert len(df) == len(expected) > 0
    labels = rules.labels
    for column in ["case", labels["subject"], "as_of", labels["conclusion"], labels["detail"],
                   *labels["scores"].keys(), labels["findings"], "file", "title", "error"]:
        assert column in df.columns
    by_key = df.set_index(["case", "institution"])
    for e in expected:
        row = by_key.loc[(e["case"], e["institution"])]
        assert row["as_of"] == e["as_of"]
        assert row["architecture"] == e["architecture"]
        assert row["subtype"] == e["subtype"]
        # The CLI rounds scores to three decimals.
        for label, value in e["scores"].items():
            assert row[label] == pytest.approx(value, abs=5e-4), (e["case"], label)
        assert list(row["strains"]) == [s["kind"] for s in e["strains"]]
        assert row["error"] is None
    # The rows come in the CLI's order.
    assert list(zip(df["case"], df["institution"])) == [(e["case"], e["institution"]) for e in expected]


def test_records_carry_the_reasons(rules, repo, covenant_bin):
    records = rules.classify_records(repo / "kb" / "cases" / "sco-2025.yaml")
    (expected,) = cli_json(covenant_bin, repo, "kb/cases/sco-2025.yaml")
    (record,) = records
    assert record["case"] == "sco-2025" and record["errors"] == [] and record["firings"] > 0
    (subject,) = record["subjects"]
    assert [(r["rule"], r["toward"]) for r in subject["reasons"]] == \
        [(r["rule"], r["toward"]) for r in expected["reasons"]]
    assert [f["kind"] for f in subject["strains"]] == [s["kind"] for s in expected["strains"]]


def test_jobs_do_not_change_the_result(rules, repo):
    one = rules.classify(repo / "kb" / "cases", jobs=1)
    two = rules.classify(repo / "kb" / "cases", jobs=2)
    eight = rules.classify([repo / "kb" / "cases"], jobs=8)
    assert one == two == eight
    assert rules.classify_records(repo / "kb" / "cases", jobs=2) == rules.classify_records(repo / "kb" / "cases")


# A case written as data: the same shape as a case file (docs/kb.md).
SMALL_CASE = {
    "case": "pact-2020",
    "as_of": 2020,
    "title": "A small defence pact",
    "facts": {
        "institution": [{"id": "pact", "name": "A Pact", "founded": 1990, "scope": "regional", "members": 4,
                         "decision_rule": "consensus", "enforcement": "none", "collective_defence": True}],
    },
}

SMALL_CASE_YAML = """\
case: pact-2020
as_of: 2020
title: A small defence pact
facts:
  institution:
    - {id: pact, name: A Pact, founded: 1990, scope: regional, members: 4, decision_rule: consensus,
       enforcement: none, collective_defence: true}
"""


def test_a_dict_case_is_read_like_its_file(rules, tmp_path):
    path = tmp_path / "pact-2020.yaml"
    path.write_text(SMALL_CASE_YAML)
    from_file = rules.classify(path)
    from_dict = rules.classify(SMALL_CASE)
    assert len(from_dict) == 1
    for a, b in zip(from_file, from_dict):
        assert {k: v for k, v in a.items() if k != "file"} == {k: v for k, v in b.items() if k != "file"}
    assert from_dict[0]["file"] == "<data pact-2020>"
    assert from_dict[0]["institution"] == "pact"
    # Files and dicts mix, in order.
    mixed = rules.classify([SMALL_CASE, path, SMALL_CASE])
    assert [r["case"] for r in mixed] == ["pact-2020"] * 3


def test_a_bad_dict_case_raises_with_its_place(rules):
    bad = json.loads(json.dumps(SMALL_CASE))
    bad["facts"]["institution"][0]["decision_rule"] = "lottery"
    with pytest.raises(covenant.CovenantError) as caught:
        rules.classify(bad)
    e = caught.value
    assert isinstance(e, Exception)
    (d,) = [d for d in e.diagnostics if d["severity"] == "error"]
    assert d["code"].startswith("E02")
    assert d["file"] == "<data pact-2020>"
    assert d["line"] > 0 and d["column"] > 0
    assert "lottery" in d["message"]
    assert "lottery" in str(e) and e.rendered == str(e)
    # errors='record' keeps going: the bad case gives a row with its error, the good one its result.
    rows = rules.classify([bad, SMALL_CASE], errors="record")
    assert rows[0]["error"] and "lottery" in rows[0]["error"] and rows[0]["architecture"] is None
    assert rows[1]["error"] is None and rows[1]["architecture"]


def test_a_bad_rule_file_raises_with_code_line_and_column(tmp_path):
    path = tmp_path / "bad.rules"
    path.write_text("template person { name: symbol }\n"
                    "rule r {\n"
                    "  when persn(name: ?n)\n"
                    "  then print \"{?n}\"\n"
                    "}\n")
    with pytest.raises(covenant.CovenantError) as caught:
        covenant.Rules([path])
    (d,) = caught.value.diagnostics
    assert (d["code"], d["line"], d["column"]) == ("E0101", 3, 8)
    assert d["file"] == str(path)
    assert "persn" in d["message"]


def test_a_missing_path_raises(rules, tmp_path):
    with pytest.raises(covenant.CovenantError) as caught:
        rules.classify(tmp_path / "nowhere")
    assert caught.value.diagnostics[0]["code"] == "E0401"


def test_module_level_classify_uses_the_shipped_packs(repo):
    assert covenant.classify(repo / "kb" / "cases" / "nato-2024.yaml")[0]["institution"] == "nato"
    assert covenant.data_directory()


def test_threads_share_one_rules(rules, repo):
    # The GIL is released while cases run, so Python threads classify at the same time; Rules is immutable, so
    # every thread gets the same rows.
    import threading
    expected = rules.classify(repo / "kb" / "cases")
    got = [None] * 4

    def work(i):
        got[i] = rules.classify(repo / "kb" / "cases", jobs=2)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [expected] * 4


def test_max_firings_is_reported_not_raised(rules, repo):
    (row,) = rules.classify(repo / "kb" / "cases" / "nato-2024.yaml", max_firings=3)
    assert row["error"] and "firings" in row["error"]
    (record,) = rules.classify_records(repo / "kb" / "cases" / "nato-2024.yaml", max_firings=3)
    assert record["firings"] == 3 and record["run_problem"]


def test_default_facts_follow_the_cli_rule(repo):
    # The threat catalogue goes with the core vocabulary, whichever way the core packs were named, as on the command
    # line (docs/cli.md, "Defaults, and how to replace them").
    threats = str(repo / "kb" / "threats.yaml")
    assert covenant.Rules().fact_files == [threats]
    assert covenant.Rules(rules=[repo / "rules" / "core"]).fact_files == [threats]
    assert covenant.Rules(rules=[repo / "rules" / "core"], no_default_facts=True).fact_files == []
    assert covenant.Rules(rules=[repo / "rules" / "examples" / "family.rules"]).fact_files == []
    assert covenant.Rules(rules=[repo / "rules" / "core"], facts=[threats]).fact_files == [threats]
