// The subset YAML scanner (engine/kb/simple_yaml.hpp) against yaml-cpp, the reference: whenever the scanner accepts a
// text, its events must be exactly yaml-cpp's (kinds, marks, tags, styles, values), and yaml-cpp must accept the text.
// Checked on hand-written inputs, on the project's case files, and on thousands of deterministic mutations of them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "kb/fact_file.hpp"
#include "kb/simple_yaml.hpp"

using namespace covenant;
using covenant::kb::YamlEvent;

namespace {

std::string mark_text(std::size_t pos, std::size_t line, std::size_t column) {
    return std::to_string(pos) + "@" + std::to_string(line) + ":" + std::to_string(column);
}

// yaml-cpp's events as text, one per event; a syntax error or a second document is an event too.
class Recorder final : public YAML::EventHandler {
public:
    std::vector<std::string> events;
    static std::string m(const YAML::Mark& k) {
        return mark_text(static_cast<std::size_t>(k.pos), static_cast<std::size_t>(k.line),
                         static_cast<std::size_t>(k.column));
    }
    void OnDocumentStart(const YAML::Mark&) override { events.push_back("DOC"); }
    void OnDocumentEnd() override { events.push_back("DOCEND"); }
    void OnNull(const YAML::Mark& k, YAML::anchor_t a) override { events.push_back("NULL " + m(k) + anchor(a)); }
    void OnAlias(const YAML::Mark& k, YAML::anchor_t a) override { events.push_back("ALIAS " + m(k) + anchor(a)); }
    void OnScalar(const YAML::Mark& k, const std::string& tag, YAML::anchor_t a, const std::string& v) override {
        events.push_back("SCALAR " + m(k) + " " + tag + anchor(a) + " [" + v + "]");
    }
    void OnSequenceStart(const YAML::Mark& k, const std::string& tag, YAML::anchor_t a,
                         YAML::EmitterStyle::value s) override {
        events.push_back("SEQ " + m(k) + " " + tag + anchor(a) + style(s));
    }
    void OnSequenceEnd() override { events.push_back("SEQEND"); }
    void OnMapStart(const YAML::Mark& k, const std::string& tag, YAML::anchor_t a, YAML::EmitterStyle::value s) override {
        events.push_back("MAP " + m(k) + " " + tag + anchor(a) + style(s));
    }
    void OnMapEnd() override { events.push_back("MAPEND"); }

private:
    static std::string anchor(YAML::anchor_t a) { return a ? " &" + std::to_string(a) : ""; }
    static std::string style(YAML::EmitterStyle::value s) { return s == YAML::EmitterStyle::Flow ? " flow" : " block"; }
};

std::vector<std::string> yaml_cpp_events(const std::string& text) {
    Recorder r;
    std::istringstream in(text);
    try {
        YAML::Parser parser(in);
        if (parser.HandleNextDocument(r)) {
            Recorder rest;
            if (parser.HandleNextDocument(rest)) r.events.push_back("SECOND DOCUMENT");
        }
    } catch (const YAML::Exception& e) {
        r.events.push_back("ERROR " + e.msg);
    }
    return r.events;
}

std::vector<std::string> as_text(const std::vector<YamlEvent>& events) {
    std::vector<std::string> out;
    for (const YamlEvent& e : events) {
        std::string m = mark_text(e.pos, e.line, e.column);
        std::string style = e.flow ? " flow" : " block";
        switch (e.kind) {
            case YamlEvent::Kind::DocumentStart: out.push_back("DOC"); break;
            case YamlEvent::Kind::DocumentEnd: out.push_back("DOCEND"); break;
            case YamlEvent::Kind::MapStart: out.push_back("MAP " + m + " ?" + style); break;
            case YamlEvent::Kind::MapEnd: out.push_back("MAPEND"); break;
            case YamlEvent::Kind::SeqStart: out.push_back("SEQ " + m + " ?" + style); break;
            case YamlEvent::Kind::SeqEnd: out.push_back("SEQEND"); break;
            case YamlEvent::Kind::Null: out.push_back("NULL " + m); break;
            case YamlEvent::Kind::Scalar:
                out.push_back("SCALAR " + m + (e.quoted ? " !" : " ?") + " [" + std::string(e.value) + "]");
                break;
        }
    }
    return out;
}

// True when the scanner accepted `text`; then its events must equal yaml-cpp's (checked with Catch).
bool accepted_and_agrees(const std::string& text) {
    std::vector<YamlEvent> events;
    if (!kb::scan_simple_yaml(text, events)) return false;
    INFO("input:\n" << text);
    CHECK(as_text(events) == yaml_cpp_events(text));
    return true;
}

const std::string kTypicalCase =
    "case: synth-00001\n"
    "as_of: 2019\n"
    "title: \"Synthetic case 1 (mixed)\"\n"
    "sources:\n"
    "  - \"bench/gen_cases.py (synthetic)\"\n"
    "  - plain words, with (some) punctuation; fine\n"
    "# a comment line\n"
    "facts:\n"
    "  snapshot:\n"
    "    - {year: 2019}\n"
    "  institution:\n"
    "    - {id: inst_00001, name: \"Synthetic institution 1\", founded: 1982, members: 5, ratio: -0.25,\n"
    "       collective_defence: false, note: 'single quoted', empty: [], nested: {a: [x, y z]}}\n"
    "  event:\n"
    "  - {institution: inst_00001, kind: suspension, year: 2009, actor: ~}\n"
    "  - {institution: inst_00001, kind: reform, year: 2017}   # trailing comment\n"
    "expect:\n"
    "  inst_00001:\n"
    "    architecture: [community]   # why\n"
    "    strains:\n"
    "    not_strains: [a, b]\n"
    "left_out: null\n"
    "\n";

}  // namespace

TEST_CASE("the subset scanner gives yaml-cpp's events on the plain forms case files use", "[kb]") {
    CHECK(accepted_and_agrees(kTypicalCase));
    CHECK(accepted_and_agrees("a: 1\n"));
    CHECK(accepted_and_agrees("a: 1"));                              // no final line break
    CHECK(accepted_and_agrees("a:\n  b:\nc: 1\n"));                  // a null before a shallower key
    CHECK(accepted_and_agrees("d: # only a comment\ne: x # y\n"));   // a null before the next key
    CHECK(accepted_and_agrees("k:\n- 1\n- 2\nz: end\n"));            // a sequence at its key's column
    CHECK(accepted_and_agrees("n: [~, null, Null, NULL, nulls]\n"));
    CHECK(accepted_and_agrees("u: \"caf\xC3\xA9 \xE2\x82\xAC\"\nv: caf\xC3\xA9\n"));
    CHECK(accepted_and_agrees("k.e-y_1: {a: b c , d: e}\n"));
    CHECK(accepted_and_agrees("q: [ ]\nr: { }\n"));
}

TEST_CASE("the subset scanner leaves everything else to yaml-cpp", "[kb]") {
    const char* outside[] = {
        "",                                   // empty document
        "# only a comment\n",
        "---\na: 1\n",                        // document marker
        "a: 1\n---\nb: 2\n",                  // second document
        "a: &x 1\nb: *x\n",                   // anchor, alias
        "a: !!str 1\n",                       // tag
        "a: \"x\\ty\"\n",                     // escape
        "a: 'it''s'\n",                       // '' in single quotes
        "a: |\n  text\n",                     // block scalar
        "a: b\n  c\n",                        // multi-line plain scalar
        "a: \"b\n  c\"\n",                    // multi-line quoted scalar
        "a:\tb\n",                            // tab
        "a: b\r\n",                           // CR
        "- a\n",                              // top-level sequence
        "  a: 1\n",                           // indented top level
        "a: [b,]\n",                          // trailing comma
        "a: {b: c, , d: e}\n",                // empty entry
        "a: {b: c # comment\n  }\n",          // comment in a flow collection
        "a: {b:c}\n",                         // no space after ':'
        "a: x: y\n",                          // ':' in a plain scalar
        "a:\n",                               // null at the end of the file
        "? a\n: b\n",                         // complex key
        "a:\n  - b: c\n",                     // compact mapping in a sequence
        "a: [b\n]\n",                         // flow continuation not indented past the block
        "\xEF\xBB\xBF" "a: 1\n",              // byte-order mark
    };
    for (const char* text : outside) {
        std::vector<YamlEvent> events;
        INFO("input: " << text);
        CHECK_FALSE(kb::scan_simple_yaml(text, events));
    }
}

TEST_CASE("the subset scanner agrees with yaml-cpp on the project's case files and on mutations of them", "[kb]") {
    std::vector<std::string> corpus = {kTypicalCase};
    std::filesystem::path cases = std::filesystem::path(COVENANT_SOURCE_DIR) / "kb" / "cases";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(cases, ec)) {
        if (entry.path().extension() != ".yaml") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        corpus.push_back(ss.str());
        CHECK(accepted_and_agrees(corpus.back()));  // the shipped cases are all in the subset
    }
    REQUIRE(corpus.size() > 3);

    // Small random edits with YAML's significant characters: many leave the subset or break the YAML, which the
    // scanner must decline; the ones it accepts must match yaml-cpp event for event.
    const std::string alphabet = " \n:-#{}[],'\"~!&*|>?%@`\\.0aZ_\t\r\xC3\xA9";
    std::mt19937 rng(20261126);
    int accepted = 0, tried = 0;
    for (const std::string& base : corpus) {
        for (int k = 0; k < 400; ++k) {
            std::string text = base;
            int edits = 1 + static_cast<int>(rng() % 3);
            for (int j = 0; j < edits && !text.empty(); ++j) {
                std::size_t pos = rng() % text.size();
                char c = alphabet[rng() % alphabet.size()];
                switch (rng() % 3) {
                    case 0: text[pos] = c; break;
                    case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
                    default: text.erase(text.begin() + static_cast<std::ptrdiff_t>(pos)); break;
                }
            }
            ++tried;
            if (accepted_and_agrees(text)) ++accepted;
        }
    }
    // Both outcomes occur, so the comparison above is not vacuous.
    CHECK(accepted > tried / 10);
    CHECK(accepted < tried);
}

TEST_CASE("a fact file reads the same through the subset scanner and through yaml-cpp", "[kb]") {
    Program p;
    TemplateDef t;
    t.id = 0;
    t.name = "person";
    SlotDef name, born;
    name.name = "name";
    name.type = Type::Symbol;
    born.name = "born";
    born.type = Type::Int;
    born.default_value = Value::integer(0);
    t.slots = {name, born};
    p.template_by_name["person"] = 0;
    p.templates.push_back(t);

    const std::string text =
        "case: c\n"
        "facts:\n"
        "  person:\n"
        "    - {name: ada, born: 1815}\n"
        "    - {name: alan}\n";
    // A tab in a final comment is YAML that the scanner leaves to yaml-cpp, and it moves no byte before it.
    const std::string slow_text = text + "#\tend\n";
    std::vector<YamlEvent> events;
    REQUIRE(kb::scan_simple_yaml(text, events));
    REQUIRE_FALSE(kb::scan_simple_yaml(slow_text, events));

    SourceManager sm;
    FileId fast_id = sm.add("fast.yaml", text);
    FileId slow_id = sm.add("slow.yaml", slow_text);
    DiagnosticSink sink;
    auto fast = read_fact_file(sm.file(fast_id), p, sink);
    auto slow = read_fact_file(sm.file(slow_id), p, sink);
    REQUIRE(fast);
    REQUIRE(slow);
    CHECK(sink.diagnostics().empty());
    REQUIRE(fast->facts.size() == 2);
    REQUIRE(slow->facts.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(fast->facts[i].values == slow->facts[i].values);
        SourceSpan a = fast->facts[i].span, b = slow->facts[i].span;
        CHECK(a.line == b.line);
        CHECK(a.col == b.col);
        CHECK(a.offset == b.offset);
        CHECK(a.length == b.length);
    }
    CHECK(fast->facts[1].values[1] == Value::integer(0));
    CHECK(fast->facts[1].span.line == 5);
    CHECK(fast->facts[1].span.col == 7);
    REQUIRE(fast->meta("case"));
    CHECK(fast->meta("case")->scalar == "c");
    REQUIRE(slow->meta("case"));
    CHECK(fast->meta("case")->span.line == slow->meta("case")->span.line);
    CHECK(fast->meta("case")->span.col == slow->meta("case")->span.col);
    CHECK(fast->meta("case")->span.length == slow->meta("case")->span.length);
}
