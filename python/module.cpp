// The `covenant` Python module: the embedding API (include/covenant/covenant.hpp) with Python's plain types —
// dicts and lists in, lists of dicts out (pandas.DataFrame takes them as they are), covenant.CovenantError for every
// error. docs/python.md is its guide and reference.
//
// Threads: the GIL is released while the engine works (loading, classifying, running, explaining), so other Python
// threads run meanwhile and batch classification uses `jobs` threads of its own. A Rules is immutable and may be used
// from any thread; each Session serialises its own calls with a mutex, taken only after the GIL is released (so a
// thread waiting for the session never holds the GIL a running session's caller needs back).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <covenant/covenant.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

// ---- Python values to the API's ----

covenant::Scalar to_scalar(py::handle h, const char* what) {
    if (PyBool_Check(h.ptr())) return covenant::Scalar(h.cast<bool>());
    if (PyLong_Check(h.ptr())) return covenant::Scalar(h.cast<std::int64_t>());
    if (PyFloat_Check(h.ptr())) return covenant::Scalar(h.cast<double>());
    if (PyUnicode_Check(h.ptr())) return covenant::Scalar(h.cast<std::string>());
    // numpy scalars and other number types: by the protocols they implement.
    if (py::hasattr(h, "__index__"))
        return covenant::Scalar(py::int_(py::reinterpret_borrow<py::object>(h)).cast<std::int64_t>());
    if (py::hasattr(h, "__float__"))
        return covenant::Scalar(py::float_(py::reinterpret_borrow<py::object>(h)).cast<double>());
    throw py::type_error(std::string(what) + " must be a str, int, float or bool, not " +
                         std::string(py::str(py::type::of(h).attr("__name__"))));
}

covenant::Data to_data(py::handle h) {
    if (h.is_none()) return covenant::Data();
    if (py::isinstance<py::dict>(h) || py::hasattr(h, "items")) {
        covenant::Data d = covenant::Data::map();
        for (auto item : py::reinterpret_borrow<py::object>(h).attr("items")()) {
            auto kv = item.cast<py::tuple>();
            d.set(py::str(kv[0]).cast<std::string>(), to_data(kv[1]));
        }
        return d;
    }
    if (py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h)) {
        covenant::Data d = covenant::Data::list();
        for (auto item : h) d.push_back(to_data(item));
        return d;
    }
    return covenant::Data(to_scalar(h, "a value of a case"));
}

covenant::SlotValues to_slots(const py::dict& kwargs) {
    covenant::SlotValues slots;
    for (auto [k, v] : kwargs) slots.emplace_back(py::str(k).cast<std::string>(), to_scalar(v, "a slot value"));
    return slots;
}

std::vector<covenant::Scalar> to_args(const py::args& args) {
    std::vector<covenant::Scalar> out;
    for (auto a : args) out.push_back(to_scalar(a, "a score argument"));
    return out;
}

// A path: str, bytes or os.PathLike.
std::string to_path(py::handle h) {
    py::object p = py::module_::import("os").attr("fspath")(h);
    if (py::isinstance<py::bytes>(p)) return p.cast<std::string>();
    return p.cast<std::string>();
}

bool is_path(py::handle h) {
    return py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) || py::hasattr(h, "__fspath__");
}

// ---- the API's records to Python ----

py::object to_py(const covenant::Scalar& s) {
    return std::visit([](const auto& v) -> py::object { return py::cast(v); }, s);
}

py::dict diagnostic_dict(const covenant::DiagnosticInfo& d) {
    py::dict out;
    out["code"] = d.code;
    out["severity"] = d.severity;
    out["file"] = d.file;
    out["line"] = d.line;
    out["column"] = d.column;
    out["message"] = d.message;
    return out;
}

py::list diagnostics_list(const std::vector<covenant::DiagnosticInfo>& ds) {
    py::list out;
    for (const auto& d : ds) out.append(diagnostic_dict(d));
    return out;
}

py::dict subject_dict(const covenant::SubjectRecord& s, const covenant::Labels& labels) {
    py::dict out;
    out[py::str(labels.subject)] = s.subject;
    out[py::str(labels.conclusion)] = s.conclusion;
    out[py::str(labels.detail)] = s.detail;
    out["conclusion_rule"] = s.conclusion_rule;
    py::dict scores;
    for (const auto& x : s.scores) scores[py::str(x.predicate)] = x.value;
    out["scores"] = scores;
    py::list findings;
    for (const auto& f : s.findings) {
        py::dict d;
        d["kind"] = f.kind;
        d["severity"] = f.severity;
        d["reason"] = f.reason;
        d["rule"] = f.rule;
        d["finding"] = f.finding;
        findings.append(d);
    }
    out[py::str(labels.findings)] = findings;
    py::list reasons;
    for (const auto& r : s.reasons) {
        py::dict d;
        d["rule"] = r.rule;
        d["kind"] = r.kind;
        d["toward"] = r.toward;
        d["weight"] = r.weight;
        d["text"] = r.text;
        reasons.append(d);
    }
    out["reasons"] = reasons;
    return out;
}

py::object optional_year(const std::optional<std::int64_t>& y) {
    return y ? py::cast(*y) : py::none();
}

// One case, nested: everything the record holds.
py::dict case_dict(const covenant::CaseRecord& c, const covenant::Labels& labels) {
    py::dict out;
    out["case"] = c.case_id;
    out["file"] = c.file;
    out["as_of"] = optional_year(c.as_of);
    out["title"] = c.title;
    py::list subjects;
    for (const auto& s : c.subjects) subjects.append(subject_dict(s, labels));
    out["subjects"] = subjects;
    out["errors"] = diagnostics_list(c.errors);
    out["error_text"] = c.error_text;
    out["firings"] = c.firings;
    out["run_problem"] = c.run_problem;
    out["printed"] = c.printed;
    return out;
}

// The rows of `covenant classify`: one flat dict per subject of each case (one row with no subject for a case that
// names none or could not be read), the columns named as `covenant classify --format csv|json` names them: the
// roles by the packs' `report` labels, the scores by their predicates.
void append_rows(py::list& rows, const covenant::CaseRecord& c, const covenant::Labels& labels) {
    auto base = [&] {
        py::dict row;
        row["case"] = c.case_id;
        row[py::str(labels.subject)] = py::none();
        row["as_of"] = optional_year(c.as_of);
        row[py::str(labels.conclusion)] = py::none();
        row[py::str(labels.detail)] = py::none();
        for (const auto& [pred, label] : labels.scores) row[py::str(pred)] = py::none();
        row[py::str(labels.findings)] = py::list();
        row["file"] = c.file;
        row["title"] = c.title;
        std::string error = !c.errors.empty() ? c.error_text : c.run_problem;
        row["error"] = error.empty() ? py::none() : py::cast(error);
        return row;
    };
    if (c.subjects.empty()) {
        rows.append(base());
        return;
    }
    for (const auto& s : c.subjects) {
        py::dict row = base();
        row[py::str(labels.subject)] = s.subject;
        row[py::str(labels.conclusion)] = s.conclusion;
        row[py::str(labels.detail)] = s.detail;
        for (const auto& x : s.scores) row[py::str(x.predicate)] = x.value;
        py::list kinds;
        for (const auto& f : s.findings) kinds.append(f.kind);
        row[py::str(labels.findings)] = kinds;
        rows.append(row);
    }
}

py::dict fact_dict(const covenant::Fact& f) {
    py::dict out;
    out["id"] = f.id;
    out["template"] = f.template_name;
    py::dict slots;
    for (const auto& [name, value] : f.slots) slots[py::str(name)] = to_py(value);
    out["slots"] = slots;
    out["origin"] = f.origin;
    out["text"] = f.text;
    return out;
}

py::dict tree_dict(const covenant::WhyTree& t) {
    py::dict out;
    out["kind"] = t.kind;
    out["label"] = t.label;
    out["detail"] = t.detail;
    out["rule_kind"] = t.rule_kind;
    out["location"] = t.location;
    out["weight"] = t.weight ? py::cast(*t.weight) : py::none();
    out["reason"] = t.reason;
    out["fact"] = t.fact ? py::cast(t.fact) : py::none();
    out["truncated"] = t.truncated;
    out["repeated"] = t.repeated;
    out["seen_before"] = t.seen_before;
    py::list children;
    for (const auto& c : t.children) children.append(tree_dict(c));
    out["children"] = children;
    return out;
}

py::dict why_not_dict(const covenant::WhyNotAnswer& a) {
    py::dict out;
    out["target"] = a.target;
    out["holds"] = a.holds;
    py::list rules;
    for (const auto& r : a.rules) {
        py::dict d;
        d["rule"] = r.rule;
        d["rule_kind"] = r.rule_kind;
        d["location"] = r.location;
        d["can_produce"] = r.can_produce;
        d["cannot_because"] = r.cannot_because;
        d["conditions_matched"] = r.conditions_matched;
        d["conditions_total"] = r.conditions_total;
        d["failed_condition"] = r.failed_condition;
        d["failed_location"] = r.failed_location;
        d["failure"] = r.failure;
        d["bindings"] = r.bindings;
        d["would_help"] = r.would_help;
        d["search_cut"] = r.search_cut;
        rules.append(d);
    }
    out["rules"] = rules;
    out["text"] = a.text;
    return out;
}

py::dict labels_dict(const covenant::Labels& l) {
    py::dict out;
    out["subject"] = l.subject;
    out["conclusion"] = l.conclusion;
    out["detail"] = l.detail;
    out["findings"] = l.findings;
    py::dict scores;
    for (const auto& [pred, label] : l.scores) scores[py::str(pred)] = label;
    out["scores"] = scores;
    return out;
}

// ---- the bound classes ----

std::vector<std::string> path_list(const std::optional<py::object>& o) {
    std::vector<std::string> out;
    if (!o || o->is_none()) return out;
    if (is_path(*o)) {
        out.push_back(to_path(*o));
        return out;
    }
    for (auto p : *o) out.push_back(to_path(p));
    return out;
}

struct PyRules {
    covenant::Rules rules;
    covenant::Labels labels;

    explicit PyRules(covenant::Rules r) : rules(std::move(r)), labels(rules.labels()) {}

    // Classifies case files, directories and dicts, in input order. Files and directories run through
    // classify_files (what `covenant classify` runs), dicts through classify_data; both in parallel on `jobs` threads.
    std::vector<covenant::CaseRecord> classify(py::handle cases, unsigned jobs, std::uint64_t max_firings,
                                               const std::string& errors) const {
        if (errors != "raise" && errors != "record")
            throw py::value_error("errors must be 'raise' or 'record', not '" + errors + "'");
        std::vector<py::object> inputs;
        if (is_path(cases) || py::isinstance<py::dict>(cases))
            inputs.push_back(py::reinterpret_borrow<py::object>(cases));
        else
            for (auto c : cases) inputs.push_back(py::reinterpret_borrow<py::object>(c));
        // Runs of consecutive paths or of consecutive dicts go to the engine together, so that each runs in parallel.
        covenant::BatchOptions options;
        options.jobs = jobs == 0 ? 1 : jobs;
        options.max_firings = max_firings;
        std::vector<covenant::CaseRecord> out;
        std::size_t i = 0;
        while (i < inputs.size()) {
            if (is_path(inputs[i])) {
                std::vector<std::string> paths;
                for (; i < inputs.size() && is_path(inputs[i]); ++i) paths.push_back(to_path(inputs[i]));
                std::vector<covenant::CaseRecord> got;
                {
                    py::gil_scoped_release release;
                    got = rules.classify_files(paths, options);
                }
                for (auto& r : got) out.push_back(std::move(r));
            } else {
                std::vector<covenant::Data> data;
                for (; i < inputs.size() && !is_path(inputs[i]); ++i) {
                    if (!py::isinstance<py::dict>(inputs[i]) && !py::hasattr(inputs[i], "items"))
                        throw py::type_error(
                            "a case is a path (str or os.PathLike) or a dict in the shape of a case "
                            "file");
                    data.push_back(to_data(inputs[i]));
                }
                std::vector<covenant::CaseRecord> got;
                {
                    py::gil_scoped_release release;
                    got = rules.classify_data(data, options);
                }
                for (auto& r : got) out.push_back(std::move(r));
            }
        }
        if (errors == "raise")
            for (const auto& r : out)
                if (!r.errors.empty()) throw covenant::Error(r.error_text, r.errors);
        return out;
    }
};

struct PySession {
    covenant::Session session;
    covenant::Labels labels;
    std::mutex mutex;

    explicit PySession(const PyRules& r) : session(r.rules), labels(r.labels) {}

    // Runs `f` on the session without the GIL, one call at a time.
    template <typename F>
    auto locked(F f) -> decltype(f(session)) {
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(mutex);
        return f(session);
    }
};

}  // namespace

PYBIND11_MODULE(covenant, m) {
    m.doc() =
        "Covenant: a rule-based expert system — load rule packs, classify cases, run rules, ask why "
        "(docs/python.md)";
    m.attr("__version__") = covenant::version();

    // CovenantError: an ordinary Exception subclass, so that `except Exception` catches it; the translator below
    // fills in .diagnostics (a list of dicts: code, severity, file, line, column, message) and .rendered.
    static py::exception<covenant::Error> error_type(m, "CovenantError", PyExc_Exception);
    error_type.doc() =
        "An error of Covenant: str(e) is the rendered diagnostics; e.diagnostics lists them as dicts "
        "(code, severity, file, line, column, message); e.rendered is the text the CLI prints.";
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const covenant::Error& e) {
            py::object exc = py::reinterpret_borrow<py::object>(error_type)(e.rendered());
            exc.attr("diagnostics") = diagnostics_list(e.diagnostics());
            exc.attr("rendered") = e.rendered();
            PyErr_SetObject(error_type.ptr(), exc.ptr());
        }
    });

    py::class_<PyRules, std::shared_ptr<PyRules>>(m, "Rules", R"doc(
Loaded rule packs and the facts shared by every case (immutable; usable from any thread).

Rules() loads the shipped core packs with the threat catalogue. Rules(rules, facts=None, search_path=None,
no_default_facts=False): rules are .rules files or directories (a directory: the *.rules directly inside it);
facts are fact files (YAML) asserted into every case and session (default: the shipped threat catalogue whenever
the rules use core.vocabulary, unless no_default_facts); search_path is searched for `use` before COVENANT_PATH and
the shipped rules/. Raises CovenantError when anything fails to load.)doc")
        .def(py::init([](std::optional<py::object> rules, std::optional<py::object> facts,
                         std::optional<py::object> search_path, bool no_default_facts) {
                 covenant::RulesOptions o;
                 o.rules = path_list(rules);
                 o.facts = path_list(facts);
                 o.search_path = path_list(search_path);
                 o.no_default_facts = no_default_facts;
                 std::optional<covenant::Rules> loaded;
                 {
                     py::gil_scoped_release release;
                     loaded.emplace(o);
                 }
                 return std::make_shared<PyRules>(std::move(*loaded));
             }),
             py::arg("rules") = py::none(), py::arg("facts") = py::none(), py::arg("search_path") = py::none(),
             py::arg("no_default_facts") = false)
        .def_property_readonly(
            "labels", [](const PyRules& r) { return labels_dict(r.labels); },
            "The report labels: subject, conclusion, detail, findings, and scores "
            "(predicate -> label): the column names of classify().")
        .def_property_readonly("warnings", [](const PyRules& r) { return diagnostics_list(r.rules.warnings()); })
        .def_property_readonly("rule_files", [](const PyRules& r) { return r.rules.rule_files(); })
        .def_property_readonly("fact_files", [](const PyRules& r) { return r.rules.fact_files(); })
        .def_property_readonly("templates", [](const PyRules& r) { return r.rules.template_names(); })
        .def(
            "slots", [](const PyRules& r, const std::string& t) { return r.rules.slot_names(t); }, py::arg("template"),
            "The slot names of a template, in order.")
        .def(
            "classify",
            [](const PyRules& r, py::handle cases, unsigned jobs, std::uint64_t max_firings,
               const std::string& errors) {
                py::list rows;
                for (const auto& c : r.classify(cases, jobs, max_firings, errors)) append_rows(rows, c, r.labels);
                return rows;
            },
            py::arg("cases"), py::arg("jobs") = 1, py::arg("max_firings") = 1'000'000, py::arg("errors") = "raise",
            R"doc(
Classifies cases: a path (a case file or a directory of them, searched for *.yaml/*.yml), a dict in the shape of a
case file, or a list of those. Returns one flat dict per subject of each case, in input order — pandas.DataFrame
takes the list as it is: case, the subject (institution), as_of, the conclusion (architecture), its detail (subtype),
one column per declared score, the findings (strains) as a list of kinds, file, title and error.
jobs: cases classified in parallel (the result is the same for every jobs). errors='raise' raises CovenantError for
the first case that cannot be read; errors='record' puts its diagnostics in the `error` column instead.)doc")
        .def(
            "classify_records",
            [](const PyRules& r, py::handle cases, unsigned jobs, std::uint64_t max_firings,
               const std::string& errors) {
                py::list out;
                for (const auto& c : r.classify(cases, jobs, max_firings, errors)) out.append(case_dict(c, r.labels));
                return out;
            },
            py::arg("cases"), py::arg("jobs") = 1, py::arg("max_firings") = 1'000'000, py::arg("errors") = "raise",
            "Like classify, but one nested dict per case: case, file, as_of, title, subjects (each with its scores, "
            "findings and the reasons behind the scores), errors, error_text, firings, run_problem, printed.")
        .def("__repr__",
             [](const PyRules& r) {
                 return "<covenant.Rules: " + std::to_string(r.rules.rule_files().size()) + " rule files, " +
                        std::to_string(r.rules.fact_files().size()) + " shared fact files>";
             })
        .def(
            "session", [](const std::shared_ptr<PyRules>& r) { return std::make_shared<PySession>(*r); },
            "A new Session over these rules.");

    py::class_<PySession, std::shared_ptr<PySession>>(m, "Session", R"doc(
A working memory over Rules: assert, retract and modify facts, run, query, explain. Facts are named by the ids the
CLI shows (f-ID). Session(rules) or rules.session().)doc")
        .def(py::init([](const std::shared_ptr<PyRules>& r) { return std::make_shared<PySession>(*r); }),
             py::arg("rules"))
        .def(
            "reset", [](PySession& s) { s.locked([](covenant::Session& x) { x.reset(); }); },
            "Clears working memory, then asserts the program's facts blocks and the shared facts.")
        .def(
            "assert_fact",
            [](PySession& s, const std::string& what, py::kwargs slots) {
                if (slots.empty() && what.find('(') != std::string::npos)
                    return s.locked([&](covenant::Session& x) { return x.assert_text(what); });
                covenant::SlotValues values = to_slots(slots);
                return s.locked([&](covenant::Session& x) { return x.assert_fact(what, values); });
            },
            py::arg("template"), R"doc(
assert_fact("person", name="ann", age=31) or assert_fact("person(name: ann, age: 31)"): asserts a fact (slots left
out take their defaults) and returns its id — the existing id when an identical fact is live.)doc")
        .def(
            "assert_facts",
            [](PySession& s, py::handle facts) {
                if (is_path(facts)) {
                    std::string path = to_path(facts);
                    return s.locked([&](covenant::Session& x) { return x.assert_file(path); });
                }
                covenant::Data data = to_data(facts);
                return s.locked([&](covenant::Session& x) { return x.assert_data(data); });
            },
            py::arg("facts"),
            "Asserts every fact of a fact file (a path) or of a dict in its shape ({'facts': {'person': [{...}]}}); "
            "returns their ids.")
        .def(
            "retract",
            [](PySession& s, std::uint64_t id) {
                return s.locked([&](covenant::Session& x) { return x.retract(id); });
            },
            py::arg("id"), "Retracts a live fact; False when it is not live.")
        .def(
            "modify",
            [](PySession& s, std::uint64_t id, py::kwargs changes) {
                covenant::SlotValues values = to_slots(changes);
                return s.locked([&](covenant::Session& x) { return x.modify(id, values); });
            },
            py::arg("id"), "modify(id, slot=value, ...): changes slots of a live fact; returns its new id.")
        .def(
            "run",
            [](PySession& s, std::uint64_t max_firings) {
                covenant::RunReport r = s.locked([&](covenant::Session& x) { return x.run(max_firings); });
                py::dict out;
                out["firings"] = r.firings;
                out["stop"] = r.stop;
                out["errors"] = diagnostics_list(r.errors);
                out["printed"] = r.printed;
                return out;
            },
            py::arg("max_firings") = 0,
            "Fires rules until none is left, `halt`, or max_firings (0: no limit). Returns a dict: firings, stop "
            "(quiescent, halted, max-firings, error), errors (run-time diagnostics), printed (`print` output).")
        .def(
            "facts",
            [](PySession& s, const std::string& tmpl) {
                auto facts = s.locked([&](covenant::Session& x) { return x.facts(tmpl); });
                py::list out;
                for (const auto& f : facts) out.append(fact_dict(f));
                return out;
            },
            py::arg("template") = "",
            "Live facts in id order, all or of one template: dicts with id, template, slots (a dict), origin, text.")
        .def(
            "query",
            [](PySession& s, const std::string& tmpl, py::kwargs where) {
                auto facts = s.locked([&](covenant::Session& x) { return x.facts(tmpl); });
                py::list out;
                for (const auto& f : facts) {
                    py::dict row;
                    row["fact_id"] = f.id;
                    for (const auto& [name, value] : f.slots) row[py::str(name)] = to_py(value);
                    bool keep = true;
                    for (auto [k, v] : where) {
                        py::str key(k);
                        if (!row.contains(key))
                            throw py::key_error("template '" + tmpl + "' has no slot '" + key.cast<std::string>() +
                                                "'");
                        if (!py::object(row[key]).equal(py::reinterpret_borrow<py::object>(v))) keep = false;
                    }
                    if (keep) out.append(row);
                }
                return out;
            },
            py::arg("template"),
            "query(template, slot=value, ...): the live facts of a template whose slots equal the values given, as "
            "flat dicts (fact_id, then every slot) — a DataFrame's rows.")
        .def(
            "fact",
            [](PySession& s, std::uint64_t id) {
                return fact_dict(s.locked([&](covenant::Session& x) { return x.fact(id); }));
            },
            py::arg("id"))
        .def(
            "score",
            [](PySession& s, const std::string& predicate, py::args args) {
                auto values = to_args(args);
                return s.locked([&](covenant::Session& x) { return x.score(predicate, values); });
            },
            py::arg("predicate"), "score('community', 'nato'): the combined certainty factor (0 when no evidence).")
        .def(
            "subjects",
            [](PySession& s) {
                auto subjects = s.locked([](covenant::Session& x) { return x.subjects(); });
                py::list out;
                for (const auto& r : subjects) out.append(subject_dict(r, s.labels));
                return out;
            },
            "What classify would report for this working memory: one dict per subject.")
        .def(
            "why",
            [](PySession& s, std::uint64_t id, std::size_t depth) {
                return tree_dict(s.locked([&](covenant::Session& x) { return x.why(id, depth); }));
            },
            py::arg("id"), py::arg("depth") = 32,
            "The derivation tree of a live fact: a dict (kind, label, detail, rule_kind, location, weight, reason, "
            "fact, truncated, repeated, seen_before, children).")
        .def(
            "why_score",
            [](PySession& s, const std::string& predicate, py::args args, std::size_t depth) {
                auto values = to_args(args);
                return tree_dict(s.locked([&](covenant::Session& x) { return x.why_score(predicate, values, depth); }));
            },
            py::arg("predicate"), py::arg("depth") = 32,
            "why_score('community', 'nato'): the contributions behind a score, as why() gives them.")
        .def(
            "why_not",
            [](PySession& s, const std::string& what, py::kwargs slots) {
                if (slots.empty() && what.find('(') != std::string::npos)
                    return why_not_dict(s.locked([&](covenant::Session& x) { return x.why_not_text(what); }));
                covenant::SlotValues values = to_slots(slots);
                return why_not_dict(s.locked([&](covenant::Session& x) { return x.why_not(what, values); }));
            },
            py::arg("template"), R"doc(
why_not("architecture", institution="sco", type="community") or why_not("architecture(institution: sco, type:
community)"): why no such fact holds — a dict with target, holds, text (as the REPL prints it) and rules: every rule
that could conclude it with how far its match got (conditions_matched of conditions_total), the failed condition,
the failure in words, the bindings and the evidence that would help.)doc");

    m.def("data_directory", &covenant::data_directory,
          "The directory holding the shipped rules/ and kb/ (what Rules() loads), or '' when none is found.");
    m.def(
        "classify",
        [](py::handle cases, unsigned jobs, std::uint64_t max_firings, const std::string& errors) {
            std::optional<covenant::Rules> loaded;
            {
                py::gil_scoped_release release;
                loaded.emplace(covenant::RulesOptions{});
            }
            PyRules r(std::move(*loaded));
            py::list rows;
            for (const auto& c : r.classify(cases, jobs, max_firings, errors)) append_rows(rows, c, r.labels);
            return rows;
        },
        py::arg("cases"), py::arg("jobs") = 1, py::arg("max_firings") = 1'000'000, py::arg("errors") = "raise",
        "Rules().classify(cases, ...) with the shipped packs: one flat dict per subject of each case.");
}
