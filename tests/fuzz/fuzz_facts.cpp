// libFuzzer target, differential: the input is a fact file, read against the core packs (rules/core) by both of
// read_fact_file's paths (engine/kb/fact_file.hpp): the fast subset scanner (kb/simple_yaml) and yaml-cpp, the
// reference. Whenever the scanner does not decline the text, the two must agree, or the target aborts:
//  - event by event: the scanner's events are exactly yaml-cpp's (kinds, marks, quoted/plain, flow/block, values),
//    and yaml-cpp accepts the text as one document (the contract in kb/simple_yaml.hpp);
//  - accept/reject: the fast path accepts exactly when yaml-cpp's path accepts;
//  - what they yield: the same facts (template, values, where written) and the same metadata.
// Error messages are not compared: only yaml-cpp's path reports them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include "check/check.hpp"
#include "kb/fact_file.hpp"
#include "kb/simple_yaml.hpp"

using namespace covenant;

namespace {

struct Loaded {
    SourceManager sm;
    std::optional<Program> program;
};

Loaded& core() {
    static Loaded* loaded = [] {
        auto* l = new Loaded;
        const char* env = std::getenv("COVENANT_SOURCE_DIR");
        std::filesystem::path dir = std::filesystem::path(env ? env : COVENANT_SOURCE_DIR) / "rules" / "core";
        std::vector<std::string> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            if (entry.path().extension() == ".rules") files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
        DiagnosticSink sink;
        l->program = load_program(files, {}, l->sm, sink);
        if (!l->program) {
            std::fprintf(stderr, "fuzz_facts: cannot load %s:\n%s", dir.c_str(), render_all(sink, l->sm).c_str());
            std::abort();
        }
        return l;
    }();
    return *loaded;
}

// One event in a comparable form: the scanner's YamlEvent, or what yaml-cpp reported.
std::string event_text(kb::YamlEvent::Kind kind, bool quoted, bool flow, std::size_t pos, std::size_t line,
                       std::size_t column, std::string_view value) {
    using K = kb::YamlEvent::Kind;
    static const char* const names[] = {"DOC", "DOCEND", "MAP", "MAPEND", "SEQ", "SEQEND", "SCALAR", "NULL"};
    std::string s = names[static_cast<int>(kind)];
    if (kind == K::MapStart || kind == K::SeqStart || kind == K::Scalar || kind == K::Null)
        s += " " + std::to_string(pos) + "@" + std::to_string(line) + ":" + std::to_string(column);
    if (kind == K::MapStart || kind == K::SeqStart) s += flow ? " flow" : " block";
    if (kind == K::Scalar) s += (quoted ? " ! [" : " ? [") + std::string(value) + "]";
    return s;
}

class Events final : public YAML::EventHandler {
public:
    std::vector<std::string> seen;
    void OnDocumentStart(const YAML::Mark&) override { add(kb::YamlEvent::Kind::DocumentStart, {}); }
    void OnDocumentEnd() override { add(kb::YamlEvent::Kind::DocumentEnd, {}); }
    void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { add(kb::YamlEvent::Kind::Null, m, a); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { seen.push_back("ALIAS " + std::to_string(m.pos)); }
    void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, const std::string& v) override {
        if (tag != "?" && tag != "!") seen.push_back("TAG " + tag);
        add(kb::YamlEvent::Kind::Scalar, m, a, tag == "!", false, v);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                         YAML::EmitterStyle::value s) override {
        if (tag != "?") seen.push_back("TAG " + tag);
        add(kb::YamlEvent::Kind::SeqStart, m, a, false, s == YAML::EmitterStyle::Flow);
    }
    void OnSequenceEnd() override { add(kb::YamlEvent::Kind::SeqEnd, {}); }
    void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, YAML::EmitterStyle::value s) override {
        if (tag != "?") seen.push_back("TAG " + tag);
        add(kb::YamlEvent::Kind::MapStart, m, a, false, s == YAML::EmitterStyle::Flow);
    }
    void OnMapEnd() override { add(kb::YamlEvent::Kind::MapEnd, {}); }

private:
    void add(kb::YamlEvent::Kind k, const YAML::Mark& m, YAML::anchor_t anchor = 0, bool quoted = false,
             bool flow = false, std::string_view value = {}) {
        if (anchor) seen.push_back("ANCHOR");
        seen.push_back(event_text(k, quoted, flow, static_cast<std::size_t>(m.pos), static_cast<std::size_t>(m.line),
                                  static_cast<std::size_t>(m.column), value));
    }
};

std::vector<std::string> yaml_cpp_events(const std::string& text) {
    Events events;
    std::istringstream in(text);
    try {
        YAML::Parser parser(in);
        if (parser.HandleNextDocument(events)) {
            Events rest;
            if (parser.HandleNextDocument(rest)) events.seen.push_back("SECOND DOCUMENT");
        }
    } catch (const YAML::Exception& e) {
        events.seen.push_back("ERROR " + e.msg);
    }
    return events.seen;
}

std::string describe(const SourceSpan& s) {
    return std::to_string(s.offset) + "+" + std::to_string(s.length) + "@" + std::to_string(s.line) + ":" +
           std::to_string(s.col) + "-" + std::to_string(s.end_line) + ":" + std::to_string(s.end_col);
}

void describe(const MetaValue& m, std::string& out) {
    out += "(" + std::to_string(static_cast<int>(m.kind)) + " " + describe(m.span) + " [" + m.scalar + "]";
    for (const MetaValue& item : m.items) describe(item, out);
    for (const auto& [key, value] : m.entries) {
        out += " " + key + ":";
        describe(value, out);
    }
    out += ")";
}

// Everything a read yields, as text (format_fact spells values exactly, and compares NaN equal to itself).
std::string describe(const FactFile& f, const Program& program) {
    std::string out;
    for (const InitialFact& fact : f.facts)
        out += format_fact(program, fact.tmpl, fact.values.data()) + " at " + describe(fact.span) + "\n";
    for (const auto& [key, value] : f.metadata) {
        out += key + ":";
        describe(value, out);
        out += "\n";
    }
    return out;
}

[[noreturn]] void disagree(const char* what, const std::string& fast, const std::string& reference) {
    std::fprintf(stderr, "fuzz_facts: the subset scanner and yaml-cpp disagree: %s\n--- fast path ---\n%s\n"
                         "--- yaml-cpp ---\n%s\n", what, fast.c_str(), reference.c_str());
    std::abort();
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)core();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Loaded& l = core();
    std::string text(reinterpret_cast<const char*>(data), size);
    SourceManager sm;
    const SourceFile& file = sm.file(sm.add("fuzz.yaml", text));

    DiagnosticSink sink;
    std::optional<FactFile> reference = kb::read_fact_file_yaml_cpp(file, *l.program, sink);
    (void)render_all(sink, sm);
    FactFile fast;
    kb::FastRead verdict = kb::read_fact_file_fast(file, *l.program, fast);
    if (verdict == kb::FastRead::OutsideSubset) return 0;

    std::vector<kb::YamlEvent> scanned;
    if (!kb::scan_simple_yaml(text, scanned)) disagree("the scanner declined on a second call", "", "");
    std::vector<std::string> fast_events;
    for (const kb::YamlEvent& e : scanned)
        fast_events.push_back(event_text(e.kind, e.quoted, e.flow, e.pos, e.line, e.column, e.value));
    std::vector<std::string> reference_events = yaml_cpp_events(text);
    if (fast_events != reference_events) disagree("events", joined(fast_events), joined(reference_events));

    if (verdict == kb::FastRead::Rejected) {
        if (reference) disagree("the fast path rejects, yaml-cpp accepts", "rejected", describe(*reference, *l.program));
        return 0;
    }
    if (!reference) disagree("the fast path accepts, yaml-cpp rejects", describe(fast, *l.program), render_all(sink, sm));
    std::string a = describe(fast, *l.program), b = describe(*reference, *l.program);
    if (a != b) disagree("facts or metadata", a, b);
    return 0;
}
