# Sessions: any program, facts in and out, runs, and explanations as nested dicts.
import pytest

import covenant


@pytest.fixture
def family(repo):
    return covenant.Rules([repo / "rules" / "examples" / "family.rules"]).session()


def ancestors_of(session, who):
    return sorted(row["is"] for row in session.query("ancestor", of=who))


def test_assert_run_query_retract(family):
    report = family.run()
    assert report["stop"] == "quiescent" and report["firings"] > 0 and report["errors"] == []
    assert "corrected" in report["printed"]
    assert ancestors_of(family, "eve") == ["ann", "bob"]

    gus = family.assert_fact("person", name="gus", born=2030)
    link = family.assert_fact("parent(of: gus, is: eve)")
    # `is` is a Python keyword: slots of any name go in as a dict.
    assert family.assert_fact("parent", **{"of": "gus", "is": "eve"}) == link
    family.run()
    assert ancestors_of(family, "gus") == ["ann", "bob", "eve"]
    assert family.fact(gus)["slots"] == {"name": "gus", "born": 2030}
    assert family.fact(link)["text"] == "parent(of: gus, is: eve)"

    # Truth maintenance: the concluded ancestors go with the parent link they rest on.
    assert family.retract(link) is True
    assert family.retract(link) is False
    family.run()
    assert ancestors_of(family, "gus") == []

    moved = family.modify(gus, born=2031)
    assert moved != gus and family.fact(moved)["slots"]["born"] == 2031

    facts = family.facts("person")
    assert all(f["template"] == "person" and f["origin"] == "given" for f in facts)
    family.reset()
    assert not family.query("person", name="gus")


def test_max_firings_stops_a_run(family):
    first = family.run(max_firings=1)
    assert first["firings"] == 1 and first["stop"] == "max-firings"
    assert family.run()["stop"] == "quiescent"


def test_bad_facts_raise(family):
    with pytest.raises(covenant.CovenantError) as caught:
        family.assert_fact("persn", name="x")
    assert caught.value.diagnostics[0]["code"] == "E0101"
    assert "person" in caught.value.diagnostics[0]["message"]  # did you mean
    with pytest.raises(covenant.CovenantError) as caught:
        family.assert_fact("person", name="x", born="soon")
    assert caught.value.diagnostics[0]["code"] == "E0206"
    with pytest.raises(covenant.CovenantError) as caught:
        family.assert_fact("person(name: x, born: soon)")
    d = caught.value.diagnostics[0]
    assert d["line"] == 1 and d["column"] > 1 and d["file"].startswith("<assert")


def test_a_value_outside_its_range_is_refused(rules):
    session = rules.session()
    with pytest.raises(covenant.CovenantError) as caught:
        session.assert_fact("institution", id="pact", name="A Pact", founded=1990, scope="regional", members=0,
                            decision_rule="consensus", enforcement="none")
    (d,) = caught.value.diagnostics
    assert d["code"] == "E0207" and "members" in d["message"]


def test_why_and_why_not_are_nested_dicts(rules, repo):
    session = rules.session()
    session.assert_facts(repo / "kb" / "cases" / "sco-2025.yaml")
    session.run()
    (arch,) = session.query("architecture", institution="sco")
    assert arch["type"] == "balance_of_power"

    tree = session.why(arch["fact_id"])
    assert tree["kind"] == "fact" and tree["fact"] == arch["fact_id"]
    assert tree["label"].startswith("architecture(")
    (rule,) = tree["children"]
    assert rule["kind"] == "rule" and rule["label"] == "classify_balance_of_power"
    assert "architecture.rules:" in rule["location"]
    kinds = {c["kind"] for c in rule["children"]}
    assert kinds <= {"fact", "score"} and "score" in kinds

    score = session.why_score("community", "sco")
    assert score["kind"] == "score" and all(c["kind"] == "rule" and c["weight"] is not None
                                            for c in score["children"])
    assert session.score("community", "sco") == pytest.approx(-0.167, abs=5e-4)

    answer = session.why_not("architecture(institution: sco, type: community)")
    assert answer["holds"] is False and answer["rules"]
    first = answer["rules"][0]
    for key in ["rule", "rule_kind", "location", "can_produce", "conditions_matched", "conditions_total",
                "failed_condition", "failure", "bindings", "would_help"]:
        assert key in first
    assert "community" in answer["text"]
    assert session.why_not("architecture", institution="sco", type="community")["rules"] == answer["rules"]
    assert session.why_not("architecture", institution="sco", type="balance_of_power")["holds"] is True

    (subject,) = session.subjects()
    assert subject["institution"] == "sco" and subject["architecture"] == "balance_of_power"


def test_sessions_in_threads(repo):
    # One session per thread, each running while the others do: the GIL is released during run().
    import threading
    rules = covenant.Rules([repo / "rules" / "examples" / "family.rules"])
    results = [None] * 3

    def work(i):
        s = rules.session()
        s.assert_fact("parent", **{"of": f"kid{i}", "is": "eve"})
        s.run()
        results[i] = ancestors_of(s, f"kid{i}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["ann", "bob", "eve"]] * 3


def test_assert_facts_from_a_dict(family):
    ids = family.assert_facts({"facts": {"person": [{"name": "hal", "born": 2001}], "parent": [{"of": "hal",
                                                                                               "is": "fay"}]}})
    assert len(ids) == 2
    family.run()
    assert ancestors_of(family, "hal") == ["ann", "fay"]


@pytest.mark.parametrize("text", ['A: B # c "q" \\ x', "null", "true", "12", "- dash", "  spaced  ", "line\nbreak",
                                  "tab\there", "ünïcode ✓", "[x]", "{y}", "a,b", "#hash", "x:", "?q", ""])
def test_dict_strings_survive_the_yaml_they_are_written_as(rules, text):
    # Dicts reach the fact reader as YAML text: every string must come back as it was, whatever YAML makes of it.
    session = rules.session()
    institution = {"id": "pact", "name": text, "founded": 1990, "scope": "regional", "members": 4,
                   "decision_rule": "consensus", "enforcement": "none"}
    session.assert_facts({"as_of": 2020, "facts": {"institution": [institution]}})
    assert session.query("institution")[0]["name"] == text
