#include "classify/expect.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "check/check.hpp"
#include "program/semantics.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

namespace covenant {

namespace {

// The keys that may stand at the top of `expect:` beside institution ids: expectations tied to no institution, so
// that packs without the core vocabulary can have expectations too. Every expectation key is reserved there (the
// others are errors, being misplaced), so an institution whose id is one cannot be given expectations; no shipped
// case has such an id.
const std::vector<std::string> kTopKeys = {"facts", "not_facts"};

// How many facts an outcome shows (the matching ones, or the nearest misses).
constexpr std::size_t kShownFacts = 3;

// An expectation key whose values are those of reported slots (`report` declarations, ReportSpec): the primary
// conclusion's main value and its detail, or the kind of every finding.
struct VocabularyKey {
    std::vector<const SlotDef*> slots;  // a value is allowed when some slot allows it; none: the program lacks them
    std::string where;                  // "architecture.type", for messages
    std::string words;                  // what one value is called in messages: "architecture type"
    std::string needs;                  // the declaration the key needs, for the message when `slots` is empty
};

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
    return s;
}

// "a, b or c", for lists of keys in messages.
std::string or_list(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i == 0 ? "" : (i + 1 == v.size() ? " or " : ", ")) + v[i];
    return s;
}

std::string trimmed(std::string_view s) {
    std::size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    std::size_t e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

// Where `key` is written, for the map entry whose value is `value` in the map that starts at `map`. MetaValue keeps
// no span for keys, so this finds the key's last occurrence followed by ':' between the two (a key always precedes
// its value). Falls back to the value's span when the text does not show the key that way.
SourceSpan key_span(const SourceFile& file, std::string_view key, const SourceSpan& map, const SourceSpan& value) {
    std::string_view text = file.text;
    std::size_t lo = std::min<std::size_t>(map.offset, text.size());
    std::size_t hi = std::min<std::size_t>(value.offset, text.size());
    if (!key.empty() && hi >= lo + key.size()) {
        for (std::size_t pos = text.rfind(key, hi - key.size()); pos != std::string_view::npos && pos >= lo;
             pos = pos == 0 ? std::string_view::npos : text.rfind(key, pos - 1)) {
            if (pos > 0 && is_key_char(text[pos - 1])) continue;
            std::size_t j = pos + key.size();
            if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
            if (j < text.size() && text[j] == ':') return file.span_at(static_cast<std::uint32_t>(pos),
                                                                        static_cast<std::uint32_t>(key.size()));
        }
    }
    return value.valid() ? value : map;
}


std::vector<std::string> one_of_names(const SlotDef& slot) {
    std::vector<std::string> names;
    for (SymbolId id : slot.one_of) names.emplace_back(Symbols::name(id));
    return names;
}

// Reads `expect:` against one program, reporting into one sink; every problem is reported, not only the first.
class ExpectationReader {
public:
    ExpectationReader(const Program& program, const SourceFile& file, DiagnosticSink& sink)
        : program_(program), file_(file), sink_(sink) {
        const ReportSpec& spec = program.report;
        if (spec.subject) words_.subject = program.templates[spec.subject->tmpl].name;
        conclusion_.needs = detail_.needs = "a `report conclusion` declaration";
        kinds_.needs = "a `report finding` declaration";
        if (!spec.conclusions.empty()) {
            const auto& c = spec.conclusions.front();
            const TemplateDef& t = program.templates[c.tmpl];
            words_.conclusion = c.label;
            conclusion_ = {{&t.slots[c.slots[0]]}, t.name + "." + t.slots[c.slots[0]].name,
                           c.label + " " + t.slots[c.slots[0]].name, conclusion_.needs};
            if (c.slots.size() > 1) {
                const SlotDef& d = t.slots[c.slots[1]];
                words_.detail = d.name;
                detail_ = {{&d}, t.name + "." + d.name, d.name, detail_.needs};
            }
        }
        if (!spec.findings.empty()) {
            const TemplateDef& first = program.templates[spec.findings.front().tmpl];
            words_.finding = first.name;
            words_.findings = spec.findings_label;
            const SlotDef& kind = first.slots[spec.findings.front().kind];
            kinds_.where = first.name + "." + kind.name;
            kinds_.words = first.name + " " + kind.name;
            for (const auto& f : spec.findings) kinds_.slots.push_back(&program.templates[f.tmpl].slots[f.kind]);
        }
        keys_ = {words_.conclusion, words_.detail, words_.findings, "not_" + words_.findings, "severity", "facts",
                 "not_facts"};
    }

    bool read(const MetaValue& expect, std::vector<Expectation>& out) {
        if (expect.kind == MetaValue::Kind::Null) return true;
        if (expect.kind != MetaValue::Kind::Map) {
            error(expect.span, Code::YamlShape,
                  "`expect` must map {} ids to their expectations ({}), and may hold {}", words_.subject,
                  or_list(keys_), or_list(kTopKeys));
            return false;
        }
        for (const auto& [key, body] : expect.entries) {
            SourceSpan at = key_span(file_, key, expect.span, body.span);
            if (std::find(kTopKeys.begin(), kTopKeys.end(), key) != kTopKeys.end()) {
                Expectation e;
                e.span = body.span;
                read_facts(body, key, key == "facts" ? e.facts : e.not_facts);
                out.push_back(std::move(e));
            } else if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) {
                error(at, Code::YamlShape,
                      "'{}' belongs under {} {}'s id (`expect: {{<id>: {{{}: ...}}}}`); only {} may stand at "
                      "the top of `expect`",
                      key, indefinite_article(words_.subject), words_.subject, key, or_list(kTopKeys));
            } else if (body.kind != MetaValue::Kind::Map) {
                // An id with a list under it is more likely a misspelt top-level key than an institution.
                std::string guess = closest_match(key, kTopKeys);
                if (!guess.empty() && body.kind == MetaValue::Kind::Sequence)
                    error(at, Code::YamlShape, "unknown expectation '{}'; did you mean '{}'?", key, guess);
                else
                    error(at, Code::YamlShape, "the expectations for '{}' must be a map with {}", key,
                          or_list(keys_));
            } else {
                out.push_back(read_institution(key, body));
            }
        }
        return !failed_;
    }

private:
    const Program& program_;
    const SourceFile& file_;
    DiagnosticSink& sink_;
    ExpectationWords words_;
    VocabularyKey conclusion_, detail_, kinds_;
    std::vector<std::string> keys_;  // the keys of a subject's entry, in the order check_expectations reports them
    bool failed_ = false;  // the sink stops counting errors at its limit, so failure is kept here

    template <typename... Args>
    void error(const SourceSpan& span, Code code, fmt::format_string<Args...> f, Args&&... args) {
        failed_ = true;
        sink_.error(span, code, f, std::forward<Args>(args)...);
    }

    Expectation read_institution(const std::string& inst, const MetaValue& body) {
        Expectation e;
        e.institution = inst;
        e.span = body.span;
        e.words = words_;
        for (const auto& [key, v] : body.entries) {
            SourceSpan at = key_span(file_, key, body.span, v.span);
            if (key == keys_[0]) read_names(v, at, key, inst, conclusion_, e.architecture);
            else if (key == keys_[1]) read_names(v, at, key, inst, detail_, e.subtype);
            else if (key == keys_[2]) read_names(v, at, key, inst, kinds_, e.strains);
            else if (key == keys_[3]) read_names(v, at, key, inst, kinds_, e.not_strains);
            else if (key == "severity") read_severity(v, at, inst, e.severity);
            else if (key == "facts") read_facts(v, key, e.facts);
            else if (key == "not_facts") read_facts(v, key, e.not_facts);
            else if (program_.report.conclusions.empty() && program_.report.findings.empty())
                error(at, Code::YamlShape,
                      "'{}' needs `report` declarations in the loaded rules (docs/language.md, \"Reported "
                      "conclusions\"), which they do not have; `facts` and `not_facts` work with any rules",
                      key);
            else if (std::string guess = closest_match(key, keys_); !guess.empty())
                error(at, Code::YamlShape, "unknown expectation '{}' for '{}'; did you mean '{}'?", key, inst, guess);
            else
                error(at, Code::YamlShape, "unknown expectation '{}' for '{}'; expected {}", key, inst,
                      or_list(keys_));
        }
        return e;
    }

    // Whether the program reports what `key` needs; reported at `at` when it does not.
    bool reported(const VocabularyKey& vocab, std::string_view key, const SourceSpan& at) {
        if (!vocab.slots.empty()) return true;
        error(at, Code::YamlShape,
              "'{}' needs {} in the loaded rules (docs/language.md, \"Reported conclusions\"), which they do not "
              "have; `facts` and `not_facts` work with any rules",
              key, vocab.needs);
        return false;
    }

    // Whether `text` is a value of one of the slots: one of its `one of` values; any name when a slot lists none.
    static bool allowed(const VocabularyKey& vocab, std::string_view text) {
        return std::any_of(vocab.slots.begin(), vocab.slots.end(), [&](const SlotDef* slot) {
            return slot->one_of.empty() || std::any_of(slot->one_of.begin(), slot->one_of.end(),
                                                       [&](SymbolId id) { return Symbols::name(id) == text; });
        });
    }

    void not_allowed(const SourceSpan& at, std::string_view text, const VocabularyKey& vocab) {
        std::vector<std::string> names;
        for (const SlotDef* slot : vocab.slots)
            for (auto& n : one_of_names(*slot)) names.push_back(std::move(n));
        std::string guess = closest_match(text, names);
        if (!guess.empty())
            error(at, Code::NotInOneOf, "unknown {} '{}'; did you mean '{}'?", vocab.words, text, guess);
        else
            error(at, Code::NotInOneOf, "unknown {} '{}'; expected one of ({}) ({})", vocab.words, text,
                  join(names, " | "), vocab.where);
    }

    // A list of names (or a single name) each of which must be a value of the vocabulary slot.
    void read_names(const MetaValue& v, const SourceSpan& at, const std::string& key, const std::string& inst,
                    const VocabularyKey& vocab, std::vector<std::string>& out) {
        if (!reported(vocab, key, at)) return;
        std::vector<const MetaValue*> items;
        if (v.kind == MetaValue::Kind::Scalar) {
            items.push_back(&v);
        } else if (v.kind == MetaValue::Kind::Sequence) {
            for (const auto& item : v.items) {
                if (item.kind != MetaValue::Kind::Scalar) {
                    error(item.span, Code::YamlShape, "'{}' of '{}' must be a list of names, like [a, b]", key, inst);
                    return;
                }
                items.push_back(&item);
            }
        } else if (v.kind != MetaValue::Kind::Null) {
            error(v.span, Code::YamlShape, "'{}' of '{}' must be a list of names, like [a, b]", key, inst);
            return;
        }
        for (const MetaValue* item : items) {
            if (allowed(vocab, item->scalar)) out.push_back(item->scalar);
            else not_allowed(item->span, item->scalar, vocab);
        }
    }

    // `severity: {kind: [low, high], ...}`.
    void read_severity(const MetaValue& v, const SourceSpan& at, const std::string& inst,
                       std::vector<SeverityExpectation>& out) {
        if (!reported(kinds_, "severity", at) || v.kind == MetaValue::Kind::Null) return;
        if (v.kind != MetaValue::Kind::Map) {
            error(v.span, Code::YamlShape,
                  "'severity' of '{}' must map {} kinds to closed ranges, like {{conflict_load: [0.3, 0.6]}}", inst,
                  words_.finding);
            return;
        }
        for (const auto& [kind, range] : v.entries) {
            SourceSpan kind_at = key_span(file_, kind, v.span, range.span);
            bool known = allowed(kinds_, kind);
            if (!known) not_allowed(kind_at, kind, kinds_);
            std::optional<double> bounds[2];
            if (range.kind == MetaValue::Kind::Sequence && range.items.size() == 2) {
                SlotDef number;
                number.type = Type::Float;
                for (std::size_t i = 0; i < 2; ++i) {
                    std::string why;
                    if (range.items[i].kind != MetaValue::Kind::Scalar) continue;
                    if (auto x = value_from_text(range.items[i].scalar, false, number, why)) bounds[i] = x->as_double();
                }
            }
            if (!bounds[0] || !bounds[1]) {
                error(range.span.valid() ? range.span : kind_at, Code::YamlShape,
                      "the severity range of '{}' must be two numbers [low, high], like [0.3, 0.6]", kind);
                continue;
            }
            if (*bounds[0] > *bounds[1]) {
                error(range.span, Code::YamlShape,
                      "the severity range [{}, {}] of '{}' is empty: write the lower bound first", *bounds[0],
                      *bounds[1], kind);
                continue;
            }
            if (known) out.push_back({kind, *bounds[0], *bounds[1], kind_at});
        }
    }

    // `facts: ["template(slot: value, ...)", ...]` (or a single text).
    void read_facts(const MetaValue& v, const std::string& key, std::vector<FactExpectation>& out) {
        std::vector<const MetaValue*> items;
        if (v.kind == MetaValue::Kind::Null) return;
        if (v.kind == MetaValue::Kind::Scalar) {
            items.push_back(&v);
        } else if (v.kind == MetaValue::Kind::Sequence) {
            for (const auto& item : v.items) items.push_back(&item);
        } else {
            error(v.span, Code::YamlShape,
                  "'{}' must be a list of facts written as text, like [\"strain(institution: nato, kind: "
                  "mandate_gap)\"]",
                  key);
            return;
        }
        for (const MetaValue* item : items) {
            if (item->kind == MetaValue::Kind::Map)
                error(item->span, Code::YamlShape,
                      "write each fact of '{}' in quotes, like \"strain(institution: nato, kind: mandate_gap)\": "
                      "unquoted, YAML reads its `slot: value` pairs as a mapping",
                      key);
            else if (item->kind != MetaValue::Kind::Scalar)
                error(item->span, Code::YamlShape,
                      "each entry of '{}' must be a fact written as text, like \"strain(institution: nato, kind: "
                      "mandate_gap)\"",
                      key);
            else if (auto f = read_fact(*item))
                out.push_back(std::move(*f));
        }
    }

    // Parses one fact text with the rule language's pattern parser (as the REPL's `facts` and `why-not` read theirs)
    // and resolves it against the program. When the case file holds the scalar's text verbatim (a plain scalar, or a
    // quoted one without escapes), the parser reads the case file's text blanked out around the scalar, as the REPL
    // pads a typed line, so that every position it reports, in spans and in its messages, is the case file's.
    // Otherwise (escapes, a folded multi-line scalar) it reads the text alone and problems are placed at the scalar.
    std::optional<FactExpectation> read_fact(const MetaValue& item) {
        const std::string& text = file_.text;
        std::size_t start = std::min<std::size_t>(item.span.offset, text.size());
        if (start < text.size() && (text[start] == '"' || text[start] == '\'')) ++start;
        bool verbatim = item.span.valid() && text.compare(start, item.scalar.size(), item.scalar) == 0;
        std::string padded;
        if (verbatim) {
            padded.assign(text.size(), ' ');
            for (std::size_t i = 0; i < text.size(); ++i)
                if (text[i] == '\n') padded[i] = '\n';
            padded.replace(start, item.scalar.size(), item.scalar);
        } else {
            padded = item.scalar;
        }
        SourceManager scratch;
        const SourceFile& parsed = scratch.file(scratch.add(file_.path, std::move(padded)));
        auto place = [&](const SourceSpan& s) {
            if (!verbatim || !s.valid()) return item.span;
            SourceSpan in_case = s;
            in_case.file = file_.id;
            return in_case;
        };

        DiagnosticSink parse_sink;
        std::optional<ast::Pattern> pattern = parse_pattern(parsed, parse_sink);
        for (const Diagnostic& d : parse_sink.diagnostics()) {
            if (d.severity == Severity::Error) failed_ = true;
            Diagnostic* copy = sink_.add(d.severity, place(d.span), d.code, d.message);
            if (!copy) continue;
            for (const auto& n : d.notes) copy->notes.push_back({n.span.valid() ? place(n.span) : n.span, n.message});
        }
        if (!pattern || parse_sink.has_errors()) return std::nullopt;

        if (pattern->fact_variable) {
            error(place(pattern->fact_variable->span), Code::ParseExpected,
                  "an expected fact is written without `?{} <-`", pattern->fact_variable->name);
            return std::nullopt;
        }
        const std::string& name = pattern->template_name.name;
        const TemplateDef* t = program_.find_template(name);
        if (!t || t->is_score) {
            std::vector<std::string> names;
            for (const auto& tt : program_.templates)
                if (!tt.is_score) names.push_back(tt.name);
            std::string guess = closest_match(name, names);
            if (guess.empty())
                error(place(pattern->template_name.span), Code::FactUnknownTemplate, "unknown template '{}'", name);
            else
                error(place(pattern->template_name.span), Code::FactUnknownTemplate,
                      "unknown template '{}'; did you mean '{}'?", name, guess);
            return std::nullopt;
        }
        FactExpectation fe;
        fe.text = trimmed(item.scalar);
        fe.tmpl = t->id;
        fe.template_name = t->name;
        fe.span = item.span;
        bool ok = true;
        for (const ast::SlotConstraint& c : pattern->slots) {
            int i = t->slot_index(c.slot.name);
            if (i < 0) {
                std::vector<std::string> slots;
                for (const auto& s : t->slots) slots.push_back(s.name);
                std::string guess = closest_match(c.slot.name, slots);
                if (guess.empty())
                    error(place(c.slot.span), Code::FactUnknownSlot, "'{}' has no slot '{}'; its slots are {}", t->name,
                          c.slot.name, join(slots));
                else
                    error(place(c.slot.span), Code::FactUnknownSlot, "'{}' has no slot '{}'; did you mean '{}'?",
                          t->name, c.slot.name, guess);
                ok = false;
                continue;
            }
            const SlotDef& slot = t->slots[static_cast<std::size_t>(i)];
            if (c.variable) {
                error(place(c.variable->span), Code::FactBadValue,
                      "an expected fact holds values only, not variables; to match any value, leave the slot '{}' out",
                      slot.name);
                ok = false;
                continue;
            }
            if (c.is_list_pattern) {
                error(place(c.span), Code::FactBadValue,
                      "an expected fact holds values only, not a list pattern; write the list itself, as in `{}: [a, "
                      "b]`, or leave the slot out",
                      slot.name);
                ok = false;
                continue;
            }
            if (!c.op) continue;
            FactExpectation::Test test;
            test.slot = static_cast<SlotIndex>(i);
            test.op = program_cmp_op(*c.op);
            for (const ast::Operand& operand : c.values) {
                if (operand.is_variable) {
                    error(place(operand.span), Code::FactBadValue,
                          "an expected fact compares slot '{}' with values only, not with variables", slot.name);
                    ok = false;
                    continue;
                }
                std::string why;
                auto v = value_from_text(literal_text(operand.literal),
                                         operand.literal.kind == ast::Literal::Kind::String, slot, why);
                if (!v) {
                    std::string guess = operand.literal.kind == ast::Literal::Kind::Symbol && !slot.one_of.empty()
                                            ? closest_match(operand.literal.text, one_of_names(slot))
                                            : std::string();
                    error(place(operand.span), Code::FactBadValue, "slot '{}' of '{}': {}{}", slot.name, t->name, why,
                          guess.empty() ? std::string() : "; did you mean '" + guess + "'?");
                    ok = false;
                    continue;
                }
                test.values.push_back(*v);
            }
            fe.tests.push_back(std::move(test));
        }
        if (!ok) return std::nullopt;
        return fe;
    }
};

// Whether a slot holding `have` passes `test`, as the REPL's patterns and rules compare: numbers across int and float.
bool passes(const FactExpectation::Test& test, const Value& have) {
    return slot_values_pass(test.op, have, test.values);
}

void observe(const Engine& engine, FactExpectation& fe) {
    const Program& p = engine.program();
    fe.matching = 0;
    fe.shown.clear();
    std::vector<FactId> ids = engine.facts_of(fe.tmpl);
    fe.of_template = ids.size();
    std::vector<std::pair<std::size_t, FactId>> misses;  // tests met, fact
    for (FactId id : ids) {
        FactView f = engine.fact(id);
        std::size_t met = 0;
        for (const auto& test : fe.tests) met += passes(test, f.values[test.slot]) ? 1 : 0;
        if (met == fe.tests.size()) {
            if (fe.matching++ < kShownFacts) fe.shown.push_back(format_fact(p, f.tmpl, f.values.data(), true));
        } else {
            misses.emplace_back(met, id);
        }
    }
    if (fe.matching > 0) return;
    std::stable_sort(misses.begin(), misses.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < misses.size() && i < kShownFacts; ++i) {
        FactView f = engine.fact(misses[i].second);
        fe.shown.push_back(format_fact(p, f.tmpl, f.values.data(), true));
    }
}

// "found strain(...)", "found strain(...); strain(...) and 2 more".
std::string found_words(const FactExpectation& f) {
    std::string s = "found " + join(f.shown, "; ");
    if (f.matching > f.shown.size()) s += fmt::format(" and {} more", f.matching - f.shown.size());
    return s;
}

}  // namespace

bool parse_expectations(const MetaValue& expect, const Program& program, const SourceFile& file,
                        std::vector<Expectation>& out, DiagnosticSink& sink) {
    return ExpectationReader(program, file, sink).read(expect, out);
}

void observe_fact_expectations(const Engine& engine, std::vector<Expectation>& expectations) {
    for (Expectation& e : expectations) {
        for (FactExpectation& f : e.facts) observe(engine, f);
        for (FactExpectation& f : e.not_facts) observe(engine, f);
    }
}

CaseError case_error_from(const std::string& path, const DiagnosticSink& sink, const SourceManager& sm) {
    CaseError err;
    err.file = path;
    for (const auto& d : sink.sorted()) {
        if (d.severity != Severity::Error) continue;
        CaseErrorItem item;
        item.code = std::string(code_id(d.code));
        item.file = d.span.valid() && d.span.file != 0 && d.span.file < sm.size() ? sm.file(d.span.file).path : path;
        item.line = d.span.line;
        item.col = d.span.col;
        item.message = d.message;
        if (err.errors.empty()) {
            err.line = item.line;
            err.col = item.col;
            err.message = item.message;
        }
        err.errors.push_back(std::move(item));
    }
    err.rendered = render_all(sink, sm);
    return err;
}

std::vector<ExpectationOutcome> check_expectations(const CaseResult& result) {
    std::vector<ExpectationOutcome> out;
    if (result.error) {
        out.push_back({"", "the case loads", false, case_error_text(*result.error)});
        return out;
    }
    for (const Expectation& e : result.expectations) {
        // Null only for an entry from the top of `expect:`, which holds nothing but facts and not_facts: everything
        // that reads `r` below is skipped for it.
        const InstitutionResult* r = nullptr;
        if (!e.institution.empty()) {
            for (const auto& x : result.institutions)
                if (x.institution == e.institution) r = &x;
            if (!r) {
                out.push_back({e.institution, fmt::format("the {} is in the case", e.words.subject), false,
                               fmt::format("no {} fact with id '{}'", e.words.subject, e.institution)});
                continue;
            }
        }
        auto why = [&] {
            std::string s = fmt::format("scores:");
            for (const auto& sc : r->scores) s += fmt::format(" {} {:.2f}", sc.predicate, sc.value);
            return s;
        };
        auto kinds_found = [&] {
            std::vector<std::string> kinds;
            for (const auto& s : r->strains) kinds.push_back(s.kind);
            return fmt::format("{} found: [{}]", e.words.findings, join(kinds));
        };
        if (!e.architecture.empty()) {
            bool ok = std::find(e.architecture.begin(), e.architecture.end(), r->architecture) != e.architecture.end();
            out.push_back({e.institution, fmt::format("{} is one of [{}]", e.words.conclusion, join(e.architecture)),
                           ok, fmt::format("found {} ({})", r->architecture, why())});
        }
        if (!e.subtype.empty()) {
            bool ok = std::find(e.subtype.begin(), e.subtype.end(), r->subtype) != e.subtype.end();
            out.push_back({e.institution, fmt::format("{} is one of [{}]", e.words.detail, join(e.subtype)), ok,
                           fmt::format("found {}", r->subtype)});
        }
        auto strain_of_kind = [&](const std::string& k) {
            return std::find_if(r->strains.begin(), r->strains.end(),
                                [&](const StrainResult& s) { return s.kind == k; });
        };
        for (const auto& k : e.strains) {
            auto it = strain_of_kind(k);
            bool ok = it != r->strains.end();
            out.push_back({e.institution, fmt::format("{} {} is found", e.words.finding, k), ok,
                           ok ? fmt::format("{:.2f}: {}", it->severity, it->reason) : kinds_found()});
        }
        for (const auto& k : e.not_strains) {
            auto it = strain_of_kind(k);
            bool ok = it == r->strains.end();
            out.push_back({e.institution, fmt::format("{} {} is not found", e.words.finding, k), ok,
                           ok ? std::string() : fmt::format("found by rule {}: {}", it->rule, it->reason)});
        }
        for (const auto& s : e.severity) {
            std::string what =
                fmt::format("{} {} has a severity in [{}, {}]", e.words.finding, s.kind, s.low, s.high);
            // A computed severity such as 0.30000000000000004 is meant as 0.3: the bounds are compared with a margin
            // far below the two decimals reports show.
            constexpr double kMargin = 1e-9;
            bool found = false, ok = true;
            std::string detail;
            for (const auto& x : r->strains) {
                if (x.kind != s.kind) continue;
                found = true;
                ok = ok && x.severity >= s.low - kMargin && x.severity <= s.high + kMargin;
                detail += fmt::format("{}severity {:.3f}: {}", detail.empty() ? "" : "; ", x.severity, x.reason);
            }
            if (!found) out.push_back({e.institution, what, false, fmt::format("not found; {}", kinds_found())});
            else out.push_back({e.institution, what, ok, detail});
        }
        for (const auto& f : e.facts) {
            bool ok = f.matching > 0;
            std::string detail;
            if (ok)
                detail = found_words(f);
            else if (f.of_template == 0)
                detail = fmt::format("no {} fact at all", f.template_name);
            else
                detail = fmt::format("none of the {} {} facts matches; the closest: {}", f.of_template,
                                     f.template_name, join(f.shown, "; "));
            out.push_back({e.institution, fmt::format("{} is present", f.text), ok, detail});
        }
        for (const auto& f : e.not_facts) {
            bool ok = f.matching == 0;
            out.push_back(
                {e.institution, fmt::format("{} is absent", f.text), ok, ok ? std::string() : found_words(f)});
        }
    }
    return out;
}

}  // namespace covenant
