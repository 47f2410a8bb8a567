// Slot ranges, `ref` slots and case templates (issue 11): declared in the language, checked wherever facts come from
// (facts blocks, fact files, rule actions), and the world checks (kb/world.hpp) across the files of one case.
#include <catch2/catch.hpp>

#include <string>

#include "kb/fact_file.hpp"
#include "kb/world.hpp"
#include "runtime/engine.hpp"
#include "runtime/rules_text.hpp"

using namespace covenant;
using covenant::testing::compile_rules;
using covenant::testing::load;

namespace {

const char* kVocabulary = R"(
template inst { id: symbol, members: int >= 1, share: float in [0, 1] = 0.5, founded: int <= as_of }
template threat { id: symbol, severity: float in [0, 1] }
template exposure { institution: ref inst, threat: ref threat }
template event { institution: ref inst, year: int >= 1800 <= as_of, actor: ref inst = none }
template act { institution: ref inst, year: int >= institution.founded }
template snapshot { year: int from as_of }
)";

// Reads `text` as a fact file (a case when `as_case`) against `program`, then checks the world it makes with the
// files already in `world`.
struct Read {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<FactFile> file;
    bool world_ok = false;

    bool has(Code code) const {
        for (const auto& d : sink.diagnostics())
            if (d.code == code) return true;
        return false;
    }
    std::string rendered() const { return render_all(sink, sm); }
};

std::unique_ptr<Read> read(const Program& p, const std::string& text, bool as_case = true,
                           const std::vector<const FactFile*>& shared = {}) {
    auto r = std::make_unique<Read>();
    FileId id = r->sm.add("case.yaml", text);
    FactFileOptions options;
    options.as_case = as_case;
    r->file = read_fact_file(r->sm.file(id), p, r->sink, options);
    if (r->file) {
        std::vector<const FactFile*> world = shared;
        world.push_back(&*r->file);
        r->world_ok = check_world(p, world, r->sink, shared.size());
    }
    return r;
}

}  // namespace

TEST_CASE("ranges, refs and case templates read back as declared", "[kb]") {
    auto l = load(kVocabulary);
    const Program& p = *l->program;
    CHECK(slot_type_text(p, p.find_template("inst")->slots[1]) == "int >= 1");
    CHECK(slot_type_text(p, p.find_template("inst")->slots[2]) == "float in [0, 1]");
    CHECK(slot_type_text(p, p.find_template("exposure")->slots[1]) == "ref threat");
    CHECK(slot_type_text(p, p.find_template("event")->slots[1]) == "int >= 1800 <= as_of");
    CHECK(slot_type_text(p, p.find_template("snapshot")->slots[0]) == "int from as_of");
    CHECK(p.find_template("snapshot")->is_case_template());
    CHECK_FALSE(p.find_template("inst")->is_case_template());
    // print_program's text checks back into the same declarations.
    auto again = load(print_program(p));
    CHECK(print_program(*again->program) == print_program(p));
}

TEST_CASE("bad declarations are located errors", "[kb]") {
    struct Case {
        const char* text;
        Code code;
    };
    for (const Case& c : {Case{"template t { s: string in [0, 1] }", Code::BadRange},
                          Case{"template t { x: float in [1, 0] }", Code::BadRange},
                          Case{"template t { x: int in [0, 1.5] }", Code::BadRange},
                          Case{"template t { x: int >= 1 >= 2 }", Code::BadRange},
                          Case{"template t { x: int <= year }", Code::BadRange},
                          Case{"template t { x: int >= 1 = 0 }", Code::BadDefault},
                          Case{"template t { x: ref nope }", Code::UnknownTemplate},
                          Case{"template u { name: symbol }\ntemplate t { x: ref u }", Code::BadRef},
                          Case{"template t { y: int from asof }", Code::BadCaseSlot},
                          Case{"template t { y: bool from as_of }", Code::BadCaseSlot},
                          Case{"template t { y: int from as_of, z: int }", Code::BadCaseSlot}}) {
        auto l = compile_rules(c.text);
        INFO(c.text << "\n" << render_all(l->sink, l->sm));
        CHECK_FALSE(l->program);
        bool found = false;
        for (const auto& d : l->sink.diagnostics()) found = found || d.code == c.code;
        CHECK(found);
    }
    // A constant may stand for a bound.
    auto l = load("const TOP = 10\ntemplate t { x: int in [0, TOP] }");
    CHECK(slot_type_text(*l->program, l->program->templates[0].slots[0]) == "int in [0, 10]");
}

TEST_CASE("a value outside its range is an error in facts blocks, fact files and rule actions", "[kb]") {
    auto bad_block = compile_rules(std::string(kVocabulary) + "facts { inst(id: a, members: 0, founded: 1990) }");
    REQUIRE_FALSE(bad_block->program);
    CHECK(render_all(bad_block->sink, bad_block->sm).find("0 is outside the slot's range: it must be >= 1") !=
          std::string::npos);

    auto l = load(kVocabulary);
    auto share = read(*l->program, "as_of: 2024\nfacts:\n  inst:\n    - {id: a, members: 3, share: 17.0, founded: 1990}\n");
    INFO(share->rendered());
    REQUIRE_FALSE(share->file);
    REQUIRE(share->sink.diagnostics().size() == 1);
    const Diagnostic& d = share->sink.diagnostics().front();
    CHECK(d.code == Code::FactOutOfRange);
    CHECK(d.span.line == 4);
    CHECK(d.span.col == 34);  // the caret is under 17.0
    CHECK(d.message.find("17.0 is outside the slot's range: it must be in [0, 1]") != std::string::npos);

    // Rules cannot make such a fact either: a run-time error, and the fact is not made.
    auto run = load(std::string(kVocabulary) +
                    "facts { inst(id: a, members: 2, founded: 1990) }\n"
                    "rule shrink { when ?f <- inst(members: ?m > 0) then modify ?f (members: ?m - 1) }");
    Engine engine(*run->program);
    engine.reset();
    RunResult result = engine.run({});
    CHECK(result.reason == StopReason::Error);
    REQUIRE(result.errors.size() == 1);
    std::string error = render_run_error(result.errors[0], engine.sources());
    CHECK(error.find("0 is outside the slot's range: it must be >= 1") != std::string::npos);
}

TEST_CASE("as_of is the snapshot: the case template's fact comes from the header", "[kb]") {
    auto l = load(kVocabulary);
    const Program& p = *l->program;
    const TemplateId snapshot = p.find_template("snapshot")->id;

    auto only_as_of = read(p, "case: c\nas_of: 2024\nfacts:\n  inst:\n    - {id: a, members: 3, founded: 1990}\n");
    INFO(only_as_of->rendered());
    REQUIRE(only_as_of->file);
    CHECK(only_as_of->sink.diagnostics().empty());
    REQUIRE(only_as_of->file->facts.size() == 2);
    CHECK(only_as_of->file->facts.front().tmpl == snapshot);  // first, where case files used to write it
    CHECK(only_as_of->file->facts.front().values[0] == Value::integer(2024));

    // No as_of: an error that says what to write.
    auto none = read(p, "case: c\nfacts:\n  inst:\n    - {id: a, members: 3, founded: 1990}\n");
    REQUIRE_FALSE(none->file);
    CHECK(none->has(Code::CaseHeader));
    CHECK(none->rendered().find("write `as_of: YEAR`") != std::string::npos);

    // A hand-written snapshot that repeats the header: a warning, and only one snapshot fact.
    auto repeated = read(p, "as_of: 2024\nfacts:\n  snapshot:\n    - {year: 2024}\n  inst:\n"
                            "    - {id: a, members: 3, founded: 1990}\n");
    REQUIRE(repeated->file);
    CHECK(repeated->has(Code::RepeatsHeader));
    std::size_t snapshots = 0;
    for (const auto& f : repeated->file->facts) snapshots += f.tmpl == snapshot;
    CHECK(snapshots == 1);

    // One that disagrees, or a second one: an error.
    auto disagrees = read(p, "as_of: 2024\nfacts:\n  snapshot:\n    - {year: 2031}\n  inst:\n"
                             "    - {id: a, members: 3, founded: 1990}\n");
    REQUIRE_FALSE(disagrees->file);
    CHECK(disagrees->has(Code::CaseHeader));

    // Years after the snapshot are located errors; the same fact in a file that is not a case is not checked.
    auto late = read(p, "as_of: 2024\nfacts:\n  inst:\n    - {id: a, members: 3, founded: 2030}\n");
    REQUIRE_FALSE(late->file);
    CHECK(late->has(Code::FactOutOfRange));
    CHECK(late->rendered().find("it must be <= as_of (2024)") != std::string::npos);
    auto not_a_case = read(p, "facts:\n  inst:\n    - {id: a, members: 3, founded: 2030}\n", false);
    CHECK(not_a_case->file);

    // A file that is read as a case without any header gets the same error as one without as_of.
    auto bare = read(p, "facts:\n  inst:\n    - {id: a, members: 3, founded: 1990}\n", true);
    CHECK_FALSE(bare->file);
}

TEST_CASE("every ref names a fact of the world, with the closest id suggested", "[kb]") {
    auto l = load(kVocabulary);
    const Program& p = *l->program;
    SourceManager shared_sm;
    DiagnosticSink shared_sink;
    FileId tid = shared_sm.add("threats.yaml", "facts:\n  threat:\n    - {id: cyber_attacks, severity: 0.6}\n");
    auto threats = read_fact_file(shared_sm.file(tid), p, shared_sink);
    REQUIRE(threats);

    const char* good = "as_of: 2024\nfacts:\n  inst:\n    - {id: nato, members: 3, founded: 1990}\n"
                       "  exposure:\n    - {institution: nato, threat: cyber_attacks}\n"
                       "  event:\n    - {institution: nato, year: 2020}\n";
    auto ok = read(p, good, true, {&*threats});
    INFO(ok->rendered());
    CHECK(ok->world_ok);

    auto typo = read(p,
                     "as_of: 2024\nfacts:\n  inst:\n    - {id: nato, members: 3, founded: 1990}\n"
                     "  exposure:\n    - {institution: natoo, threat: cyber_atacks}\n",
                     true, {&*threats});
    INFO(typo->rendered());
    CHECK_FALSE(typo->world_ok);
    REQUIRE(typo->sink.diagnostics().size() == 2);
    const Diagnostic& inst = typo->sink.diagnostics()[0];
    CHECK(inst.code == Code::UnknownRef);
    CHECK(inst.span.line == 6);
    CHECK(inst.span.col == 21);  // under natoo
    CHECK(inst.message.find("unknown inst 'natoo'") != std::string::npos);
    CHECK(inst.message.find("did you mean 'nato'?") != std::string::npos);
    CHECK(typo->sink.diagnostics()[1].message.find("did you mean 'cyber_attacks'?") != std::string::npos);

    // Without the shared file no threat is known at all.
    auto alone = read(p, good, true);
    CHECK_FALSE(alone->world_ok);
    CHECK(alone->has(Code::UnknownRef));
}

TEST_CASE("a bound may name a slot of the referred fact: nothing happens before founding", "[kb]") {
    auto l = load(kVocabulary);
    const Program& p = *l->program;
    CHECK(slot_type_text(p, p.find_template("act")->slots[1]) == "int >= institution.founded");
    const char* head = "as_of: 2024\nfacts:\n  inst:\n    - {id: a, members: 3, founded: 1990}\n  act:\n";
    auto ok = read(p, std::string(head) + "    - {institution: a, year: 1990}\n");
    INFO(ok->rendered());
    CHECK(ok->world_ok);
    auto early = read(p, std::string(head) + "    - {institution: a, year: 1989}\n");
    INFO(early->rendered());
    CHECK_FALSE(early->world_ok);
    REQUIRE(early->sink.diagnostics().size() == 1);
    CHECK(early->sink.diagnostics()[0].code == Code::FactOutOfRange);
    CHECK(early->sink.diagnostics()[0].span.line == 6);
    CHECK(early->sink.diagnostics()[0].message.find("must be >= institution.founded, which is 1990 for inst 'a'") !=
          std::string::npos);
    for (const char* bad : {"template i { id: symbol, f: int }\ntemplate t { i: symbol, y: int >= i.f }",
                            "template i { id: symbol, f: string }\ntemplate t { i: ref i, y: int >= i.f }",
                            "template i { id: symbol }\ntemplate t { i: ref i, y: int >= i.nope }"}) {
        auto c = compile_rules(bad);
        INFO(bad);
        CHECK_FALSE(c->program);
    }
}

TEST_CASE("two cases in one world are refused: cases never mix", "[kb]") {
    auto l = load(kVocabulary);
    const Program& p = *l->program;
    SourceManager sm;
    DiagnosticSink sink;
    FactFileOptions as_case;
    as_case.as_case = true;
    auto a = read_fact_file(sm.file(sm.add("a.yaml", "case: a\nas_of: 2020\nfacts:\n  inst:\n"
                                                     "    - {id: a, members: 3, founded: 1990}\n")),
                            p, sink, as_case);
    auto b = read_fact_file(sm.file(sm.add("b.yaml", "case: b\nas_of: 2024\nfacts:\n  inst:\n"
                                                     "    - {id: b, members: 3, founded: 1990}\n")),
                            p, sink, as_case);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(check_world(p, {&*a}, sink));
    CHECK_FALSE(check_world(p, {&*a, &*b}, sink));
    REQUIRE(sink.has_errors());
    CHECK(sink.diagnostics().back().code == Code::CaseHeader);
}
