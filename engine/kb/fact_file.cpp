// Fact files: YAML events -> checked InitialFacts, without building a YAML::Node tree.
//
// FactEventReader is a pushdown automaton over yaml-cpp's event stream. Each open collection has a Frame saying what
// it is (the top-level map, the `facts` map, one template's list, one fact's slot map, a metadata node, or a node
// being skipped after an error). Map frames alternate between expecting a key and a value; a child collection's end
// counts as one completed node in its parent. Errors are recorded and reading continues (skipping the offending
// node), so one pass reports every problem in the file; only a YAML syntax error ends the pass, because yaml-cpp
// cannot resume after one.
//
// Decisions (also in docs/cli.md, "Fact files"):
//  - An empty file, a file with only comments, or a document that is just `~` is a valid fact file with no facts.
//    A top-level mapping without `facts:` is valid too (metadata only).
//  - `facts: ~` and `person: ~` mean "no facts"; a null slot value is an error (leave the slot out for its default).
//  - Anchors and aliases work for scalars; an alias of a mapping or sequence is an E0202 error (this keeps the reader
//    single-pass and immune to "billion laughs" expansion).
//  - Duplicate keys (YAML forbids them; yaml-cpp does not check) are E0202 errors.
//  - One YAML document per file; a second document is an E0202 error.
//  - The file must be UTF-8 (a UTF-16/32 byte-order mark or a NUL byte is an E0201 error).
#include "kb/fact_file.hpp"

#include <algorithm>
#include <cstdlib>
#include <istream>
#include <limits>
#include <streambuf>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "kb/simple_yaml.hpp"
#include "kb/value_text.hpp"

namespace covenant {

MetaValue::MetaValue() = default;
MetaValue::MetaValue(const MetaValue&) = default;
MetaValue::MetaValue(MetaValue&&) noexcept = default;
MetaValue& MetaValue::operator=(const MetaValue&) = default;
MetaValue& MetaValue::operator=(MetaValue&&) noexcept = default;
MetaValue::~MetaValue() = default;

const MetaValue* MetaValue::get(std::string_view key) const {
    if (kind != Kind::Map) return nullptr;
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

const MetaValue* FactFile::meta(std::string_view key) const {
    for (const auto& [k, v] : metadata)
        if (k == key) return &v;
    return nullptr;
}

namespace {

// An istream over the file text without copying it (YAML::Parser wants a stream).
class TextStreamBuf : public std::streambuf {
public:
    explicit TextStreamBuf(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // read-only use: the get area is never written through
        setg(begin, begin, begin + text.size());
    }
};

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// yaml-cpp's terse messages, said in words a fact-file author can act on.
std::string explain_yaml_error(const std::string& msg) {
    struct Known {
        std::string_view yaml;
        std::string_view words;
    };
    static constexpr Known kKnown[] = {
        {"illegal map value",
         "a ':' is not allowed here (put the value on its own line, or quote it if it contains ': ')"},
        {"illegal map key", "a mapping key is not allowed here"},
        {"end of map not found", "this mapping is not closed (check the indentation)"},
        {"end of map flow not found", "expected '}' to close the mapping"},
        {"end of sequence not found", "this list is not closed (check the indentation)"},
        {"end of sequence flow not found", "expected ']' to close the list"},
        {"illegal block entry", "a '- ' list entry is not allowed here (check the indentation)"},
        {"illegal flow end", "this ']' or '}' closes nothing"},
        {"unknown token", "unexpected text here (check the indentation)"},
        {"illegal EOF in scalar", "a quoted value is not closed before the end of the file"},
        {"illegal character in scalar", "a character that cannot appear in a plain value here"},
        {"the referenced anchor is not defined", "an alias '*name' refers to an anchor that is not defined"},
        {"illegal document indicator in scalar", "'---' or '...' inside a value"},
    };
    for (const auto& k : kKnown)
        if (msg == k.yaml) return std::string(k.words);
    if (msg.rfind("unknown escape character", 0) == 0) return "unknown escape sequence in a double-quoted value";
    if (msg.find("tab") != std::string::npos) return "a tab in indentation (YAML indents with spaces only)";
    if (msg.find("depth") != std::string::npos || msg.find("recursion") != std::string::npos)
        return "the file nests too deeply";
    return "not well-formed YAML: " + msg;
}

struct ScalarAnchor {
    std::string value;
    bool quoted = false;
    bool is_null = false;
};

class FactEventReader final : public YAML::EventHandler {
public:
    FactEventReader(const SourceFile& file, const Program& program, DiagnosticSink& sink, std::uint32_t pos_shift,
                    const FactFileOptions& options)
        : file_(file), program_(program), sink_(sink), pos_shift_(pos_shift), options_(options) {}

    FactFile result;
    bool failed = false;

    // A span for a YAML mark, `length` bytes long (clamped to the file).
    SourceSpan span_at(const YAML::Mark& mark, std::size_t length = 1) const {
        std::uint32_t size = static_cast<std::uint32_t>(file_.text.size());
        std::uint32_t pos = mark.pos < 0 ? size : static_cast<std::uint32_t>(mark.pos) + pos_shift_;
        if (pos > size) pos = size;
        std::uint32_t len = static_cast<std::uint32_t>(std::min<std::size_t>(length, size - pos));
        // Events arrive in file order: the line hint saves a binary search per node.
        return file_.span_at(pos, len, line_hint_);
    }

    // For "end of map/sequence flow not found": where the innermost open `{` or `[` is, if the reader saw it open.
    std::optional<SourceSpan> open_flow_collection(const std::string& yaml_message) const {
        char opener = yaml_message == "end of map flow not found"        ? '{'
                      : yaml_message == "end of sequence flow not found" ? '['
                                                                         : '\0';
        if (!opener) return std::nullopt;
        for (auto it = stack_.rbegin(); it != stack_.rend(); ++it)
            if (it->span.offset < file_.text.size() && file_.text[it->span.offset] == opener) return it->span;
        return std::nullopt;
    }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (anchor != 0) scalar_anchors_[anchor] = {{}, false, true};
        node(Event::Null, mark, {}, false);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        auto it = scalar_anchors_.find(anchor);
        if (it == scalar_anchors_.end()) {
            error(span_at(mark), Code::YamlShape,
                  "an alias of a mapping or list is not supported in fact files; repeat the content instead");
            node(Event::Skipped, mark, {}, false);
            return;
        }
        // Copy first: node() may record another anchor and rehash the table.
        ScalarAnchor target = it->second;
        node(target.is_null ? Event::Null : Event::Scalar, mark, target.value, target.quoted);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        bool quoted = false;
        if (tag == "!" || tag == "tag:yaml.org,2002:str") {
            quoted = true;
        } else if (tag != "?" && tag != "tag:yaml.org,2002:int" && tag != "tag:yaml.org,2002:float" &&
                   tag != "tag:yaml.org,2002:bool") {
            constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";
            std::string shown = tag.rfind(kCoreTagPrefix, 0) == 0 ? "!!" + tag.substr(kCoreTagPrefix.size()) : tag;
            error(span_at(mark), Code::YamlShape, "the YAML tag '{}' is not supported in fact files", shown);
            node(Event::Skipped, mark, {}, false);
            return;
        }
        if (anchor != 0) scalar_anchors_[anchor] = {value, quoted};
        node(Event::Scalar, mark, value, quoted);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        node(Event::SeqStart, mark, {}, false);
    }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        node(Event::MapStart, mark, {}, false);
    }
    void OnSequenceEnd() override { end_collection(); }
    void OnMapEnd() override { end_collection(); }

private:
    enum class Event { Null, Scalar, SeqStart, MapStart, Skipped };
    // ListValue: the items of a `list of T` slot's value, a YAML sequence inside a FactMap.
    enum class FrameKind { TopMap, FactsMap, FactList, FactMap, ListValue, Meta, Skip };

    struct Frame {
        FrameKind kind = FrameKind::Skip;
        bool expect_key = true;       // maps: the next node is a key
        bool skip_value = false;      // maps: the key was bad, ignore the value that follows
        std::string key;              // maps: the current key
        SourceSpan key_span;
        int slot = -1;                // FactMap: the current key's slot index
        SourceSpan span;              // where the collection starts
        const TemplateDef* tmpl = nullptr;  // FactList, FactMap
        std::vector<std::string> seen_keys;  // TopMap, FactsMap: for duplicate keys
        // FactMap:
        std::vector<Value> values;
        std::vector<bool> given;
        bool fact_ok = true;
        std::vector<std::pair<SlotIndex, SourceSpan>> value_spans;  // ref slots and slots bounded by a header key
        // Meta:
        MetaValue meta;
        int skip_depth = 0;           // Skip: open collections inside the skipped node
    };

    const SourceFile& file_;
    const Program& program_;
    DiagnosticSink& sink_;
    std::uint32_t pos_shift_;
    FactFileOptions options_;
    struct HeaderBound {  // a value to check against a range bound that names a header key, once the header is read
        std::uint32_t fact;
        SlotIndex slot;
        SourceSpan span;
    };
    std::vector<HeaderBound> header_bounds_;
    mutable std::uint32_t line_hint_ = 1;  // the line last located (SourceFile::span_at)
    std::vector<Frame> stack_;
    std::unordered_map<YAML::anchor_t, ScalarAnchor> scalar_anchors_;

    template <typename... Args>
    void error(const SourceSpan& span, Code code, fmt::format_string<Args...> f, Args&&... args) {
        failed = true;
        sink_.error(span, code, f, std::forward<Args>(args)...);
    }

    // The byte length of the scalar token at `mark`, for the caret: the value's own length for plain scalars
    // written as-is, up to the closing quote for quoted ones on one line, else 1.
    std::size_t token_length(const YAML::Mark& mark, std::string_view value) const {
        if (mark.pos < 0) return 1;
        std::size_t pos = static_cast<std::size_t>(mark.pos) + pos_shift_;
        std::string_view text = file_.text;
        if (pos >= text.size()) return 1;
        char open = text[pos];
        if (open == '"' || open == '\'') {
            for (std::size_t i = pos + 1; i < text.size() && text[i] != '\n'; ++i) {
                if (open == '"' && text[i] == '\\') {
                    ++i;
                    continue;
                }
                if (text[i] == open) {
                    if (open == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                        ++i;  // '' is an escaped quote in single-quoted scalars
                        continue;
                    }
                    return i - pos + 1;
                }
            }
            return 1;
        }
        if (!value.empty() && text.substr(pos, value.size()) == value) return value.size();
        return 1;
    }

    static std::string_view kind_words(Event e) {
        switch (e) {
            case Event::Null: return "nothing";
            case Event::Scalar: return "a single value";
            case Event::SeqStart: return "a list";
            case Event::MapStart: return "a mapping";
            case Event::Skipped: return "an unsupported value";
        }
        return "a value";
    }

    void push(FrameKind kind, const SourceSpan& span) {
        Frame f;
        f.kind = kind;
        f.span = span;
        stack_.push_back(std::move(f));
    }

    // Ignores a node in a place where it is not wanted: a collection is skipped to its end.
    void skip(Event e, const SourceSpan& span) {
        if (e == Event::SeqStart || e == Event::MapStart) {
            push(FrameKind::Skip, span);
            stack_.back().skip_depth = 1;
        } else {
            completed();
        }
    }

    // One node of the parent is complete: maps flip between key and value.
    void completed() {
        if (stack_.empty()) return;
        Frame& f = stack_.back();
        if (f.kind == FrameKind::Skip) return;
        bool is_map = f.kind == FrameKind::TopMap || f.kind == FrameKind::FactsMap || f.kind == FrameKind::FactMap ||
                      (f.kind == FrameKind::Meta && f.meta.kind == MetaValue::Kind::Map);
        if (!is_map) return;
        if (!f.expect_key) f.skip_value = false;
        f.expect_key = !f.expect_key;
    }

    void node(Event e, const YAML::Mark& mark, const std::string& value, bool quoted) {
        SourceSpan span = span_at(mark, e == Event::Scalar ? token_length(mark, value) : 1);
        if (stack_.empty()) return root(e, span);
        Frame& f = stack_.back();
        if (f.kind == FrameKind::Skip) {
            if (e == Event::SeqStart || e == Event::MapStart) ++f.skip_depth;
            return;
        }
        bool is_map = f.kind != FrameKind::FactList && f.kind != FrameKind::ListValue &&
                      !(f.kind == FrameKind::Meta && f.meta.kind == MetaValue::Kind::Sequence);
        if (e == Event::Skipped) {
            // Already reported where it was found; it only takes up its place (a key or a value) in the parent.
            if (is_map && f.expect_key) f.skip_value = true;
            if (f.kind == FrameKind::FactMap && !f.expect_key) {
                f.fact_ok = false;
                if (f.slot >= 0) f.given[static_cast<std::size_t>(f.slot)] = true;
            }
            return completed();
        }
        if (is_map && f.expect_key) {
            if (e != Event::Scalar) {
                error(span, Code::YamlShape, "expected a plain key here, got {}", kind_words(e));
                f.skip_value = true;
                return skip(e, span);
            }
            f.key = value;
            f.key_span = span;
            return key(f);
        }
        if (is_map && f.skip_value) return skip(e, span);
        switch (f.kind) {
            case FrameKind::TopMap: return top_value(f, e, span, value);
            case FrameKind::FactsMap: return template_value(f, e, span);
            case FrameKind::FactList: return fact_item(f, e, span);
            case FrameKind::FactMap: return slot_value(f, e, span, value, quoted);
            case FrameKind::ListValue: return list_item(f, e, span, value, quoted);
            case FrameKind::Meta: return meta_node(e, span, value);
            case FrameKind::Skip: return;
        }
    }

    void root(Event e, const SourceSpan& span) {
        if (e == Event::MapStart) return push(FrameKind::TopMap, span);
        if (e == Event::Null || e == Event::Skipped) return;
        error(span, Code::YamlShape, "a fact file must be a mapping with a `facts:` key at the top level, got {}",
              kind_words(e));
        if (e == Event::SeqStart) {
            push(FrameKind::Skip, span);
            stack_.back().skip_depth = 1;
        }
    }

    // A key of a map frame has been read into f.key; checks it, then waits for the value.
    void key(Frame& f) {
        switch (f.kind) {
            case FrameKind::TopMap:
            case FrameKind::FactsMap: {
                for (const auto& k : f.seen_keys)
                    if (k == f.key) {
                        error(f.key_span, Code::YamlShape, "the key '{}' appears twice{}", f.key,
                              f.kind == FrameKind::FactsMap ? "; put all its facts in one list" : "");
                        f.skip_value = true;
                        return completed();
                    }
                f.seen_keys.push_back(f.key);
                if (f.kind == FrameKind::FactsMap) f.tmpl = lookup_template(f);
                break;
            }
            case FrameKind::FactMap: {
                f.slot = -1;
                const auto& slots = f.tmpl->slots;
                for (std::size_t i = 0; i < slots.size(); ++i)
                    if (slots[i].name == f.key) f.slot = static_cast<int>(i);
                if (f.slot < 0) {
                    std::vector<std::string> names;
                    for (const auto& s : slots) names.push_back(s.name);
                    std::string guess = closest_match(f.key, names);
                    if (guess.empty()) {
                        error(f.key_span, Code::FactUnknownSlot, "'{}' has no slot '{}'; its slots are {}",
                              f.tmpl->name, f.key, slot_list(*f.tmpl));
                    } else {
                        error(f.key_span, Code::FactUnknownSlot, "'{}' has no slot '{}'; did you mean '{}'?",
                              f.tmpl->name, f.key, guess);
                        // The misspelt slot is the suggested one: do not also report that one as missing.
                        for (std::size_t i = 0; i < slots.size(); ++i)
                            if (slots[i].name == guess) f.given[i] = true;
                    }
                    f.skip_value = true;
                    f.fact_ok = false;
                } else if (f.given[static_cast<std::size_t>(f.slot)]) {
                    error(f.key_span, Code::YamlShape, "the slot '{}' is given twice", f.key);
                    f.skip_value = true;
                    f.fact_ok = false;
                }
                break;
            }
            case FrameKind::Meta: {
                for (const auto& [k, v] : f.meta.entries)
                    if (k == f.key) {
                        error(f.key_span, Code::YamlShape, "the key '{}' appears twice", f.key);
                        f.skip_value = true;
                        return completed();
                    }
                break;
            }
            case FrameKind::FactList:
            case FrameKind::ListValue:  // not a map: has no keys
            case FrameKind::Skip: break;
        }
        completed();
    }

    static std::string slot_list(const TemplateDef& t) {
        if (t.slots.empty()) return "(none)";
        std::string s;
        for (std::size_t i = 0; i < t.slots.size(); ++i) {
            if (i) s += ", ";
            s += t.slots[i].name;
        }
        return s;
    }

    const TemplateDef* lookup_template(Frame& f) {
        auto it = program_.template_by_name.find(f.key);
        const TemplateDef* t =
            it != program_.template_by_name.end() && it->second < program_.templates.size()
                ? &program_.templates[it->second]
                : nullptr;
        if (t && t->is_score) {
            error(f.key_span, Code::FactUnknownTemplate,
                  "'{}' is a score; scores come from `evidence` in rules and cannot be given in a fact file", f.key);
            f.skip_value = true;
            return nullptr;
        }
        if (!t) {
            std::vector<std::string> names;
            for (const auto& tt : program_.templates)
                if (!tt.is_score) names.push_back(tt.name);
            std::string guess = closest_match(f.key, names);
            if (guess.empty())
                error(f.key_span, Code::FactUnknownTemplate, "unknown template '{}'", f.key);
            else
                error(f.key_span, Code::FactUnknownTemplate, "unknown template '{}'; did you mean '{}'?", f.key, guess);
            f.skip_value = true;
        }
        return t;
    }

    // The value of a top-level key: `facts`, or metadata. `f` may dangle after push(): it is not used after one.
    void top_value(Frame& f, Event e, const SourceSpan& span, const std::string& value) {
        if (e == Event::Skipped) return completed();
        if (f.key == "facts") {
            if (e == Event::MapStart) return push(FrameKind::FactsMap, span);
            if (e == Event::Null) return completed();
            error(span, Code::YamlShape,
                  "`facts` must be a mapping from template names to lists of facts, got {}", kind_words(e));
            return skip(e, span);
        }
        MetaValue m;
        m.span = span;
        if (e == Event::Scalar) {
            m.kind = MetaValue::Kind::Scalar;
            m.scalar = value;
        } else if (e == Event::SeqStart || e == Event::MapStart) {
            push(FrameKind::Meta, span);
            stack_.back().meta.kind = e == Event::MapStart ? MetaValue::Kind::Map : MetaValue::Kind::Sequence;
            stack_.back().meta.span = span;
            return;
        }
        result.metadata.emplace_back(f.key, std::move(m));
        completed();
    }

    void template_value(Frame& f, Event e, const SourceSpan& span) {
        if (e == Event::SeqStart) {
            const TemplateDef* t = f.tmpl;
            push(FrameKind::FactList, span);
            stack_.back().tmpl = t;
            return;
        }
        if (e == Event::Null) return completed();
        error(span, Code::YamlShape,
              "the facts of '{}' must be a list of slot mappings (`- {{slot: value, ...}}`), got {}", f.key,
              kind_words(e));
        skip(e, span);
    }

    void fact_item(Frame& f, Event e, const SourceSpan& span) {
        if (e == Event::MapStart) {
            const TemplateDef* t = f.tmpl;
            push(FrameKind::FactMap, span);
            Frame& fact = stack_.back();
            fact.tmpl = t;
            fact.values.resize(t->slots.size());
            fact.given.assign(t->slots.size(), false);
            return;
        }
        error(span, Code::YamlShape, "each fact of '{}' must be a mapping of slot: value, got {}", f.tmpl->name,
              kind_words(e));
        skip(e, span);
    }

    void slot_value(Frame& f, Event e, const SourceSpan& span, const std::string& value, bool quoted) {
        const SlotDef& slot = f.tmpl->slots[static_cast<std::size_t>(f.slot)];
        if (e == Event::SeqStart && slot.type == Type::List) {
            const TemplateDef* tmpl = f.tmpl;
            int index = f.slot;
            push(FrameKind::ListValue, span);
            stack_.back().tmpl = tmpl;
            stack_.back().slot = index;
            return;
        }
        if (e == Event::Scalar) {
            kb::ValueProblem problem;
            if (auto v = kb::convert_scalar(value, quoted, slot, problem)) {
                f.values[static_cast<std::size_t>(f.slot)] = *v;
                f.given[static_cast<std::size_t>(f.slot)] = true;
                if (std::string out = slot_range_problem(slot, *v); !out.empty()) {
                    f.fact_ok = false;
                    error(span, Code::FactOutOfRange, "{} (slot '{}' of '{}')", out, slot.name, f.tmpl->name);
                } else if (slot.is_ref() || has_named_bound(slot)) {
                    f.value_spans.emplace_back(static_cast<SlotIndex>(f.slot), span);
                }
            } else {
                f.fact_ok = false;
                f.given[static_cast<std::size_t>(f.slot)] = true;  // do not also report it as missing
                std::string hint = problem.hint.empty() ? "" : " (" + problem.hint + ")";
                if (!problem.sentence.empty())
                    error(span, Code::FactBadValue, "{} for slot '{}' of '{}'{}", problem.sentence, slot.name,
                          f.tmpl->name, hint);
                else
                    error(span, Code::FactBadValue, "expected {} for slot '{}' of '{}', got {}{}", problem.expected,
                          slot.name, f.tmpl->name, problem.got, hint);
            }
            return completed();
        }
        f.fact_ok = false;
        f.given[static_cast<std::size_t>(f.slot)] = true;
        if (e == Event::Null)
            error(span, Code::FactBadValue, "slot '{}' of '{}' has no value{}", slot.name, f.tmpl->name,
                  slot.default_value ? " (leave the slot out to use its default)" : "");
        else if (e != Event::Skipped)
            error(span, Code::FactBadValue, "expected {} for slot '{}' of '{}', got {}", kb::expected_words(slot),
                  slot.name, f.tmpl->name, kind_words(e));
        skip(e, span);
    }

    // One item of a list slot's value: a scalar of the list's item type.
    void list_item(Frame& f, Event e, const SourceSpan& span, const std::string& value, bool quoted) {
        const SlotDef& slot = f.tmpl->slots[static_cast<std::size_t>(f.slot)];
        const SlotDef item = item_slot(slot);
        if (e == Event::Scalar) {
            kb::ValueProblem problem;
            if (auto v = kb::convert_scalar(value, quoted, item, problem)) {
                f.values.push_back(*v);
            } else {
                f.fact_ok = false;
                std::string hint = problem.hint.empty() ? "" : " (" + problem.hint + ")";
                error(span, Code::FactBadValue, "expected {} in the list of slot '{}' of '{}', got {}{}",
                      problem.expected.empty() ? kb::expected_words(item) : problem.expected, slot.name,
                      f.tmpl->name, problem.got.empty() ? shown_value(value) : problem.got, hint);
            }
            return;
        }
        f.fact_ok = false;
        if (e != Event::Skipped)
            error(span, Code::FactBadValue, "the items of slot '{}' of '{}' are single values, not {}", slot.name,
                  f.tmpl->name, kind_words(e));
        if (e == Event::SeqStart || e == Event::MapStart) skip(e, span);
    }

    static std::string shown_value(const std::string& value) { return "'" + value + "'"; }

    void meta_node(Event e, const SourceSpan& span, const std::string& value) {
        if (e == Event::SeqStart || e == Event::MapStart) {
            push(FrameKind::Meta, span);
            Frame& child = stack_.back();
            child.meta.kind = e == Event::MapStart ? MetaValue::Kind::Map : MetaValue::Kind::Sequence;
            child.meta.span = span;
            return;
        }
        if (e == Event::Skipped) return completed();
        MetaValue m;
        m.span = span;
        if (e == Event::Scalar) {
            m.kind = MetaValue::Kind::Scalar;
            m.scalar = value;
        }
        attach_meta(stack_.back(), std::move(m));
        completed();
    }

    // Adds a finished metadata node to the Meta frame `parent` (under its current key when it is a map).
    static void attach_meta(Frame& parent, MetaValue m) {
        if (parent.meta.kind == MetaValue::Kind::Map)
            parent.meta.entries.emplace_back(parent.key, std::move(m));
        else
            parent.meta.items.push_back(std::move(m));
    }

    void end_collection() {
        if (stack_.empty()) return;  // yaml-cpp balances events; this only guards against surprises
        Frame& f = stack_.back();
        if (f.kind == FrameKind::Skip) {
            if (--f.skip_depth > 0) return;
            stack_.pop_back();
            return completed();
        }
        Frame done = std::move(f);
        stack_.pop_back();
        switch (done.kind) {
            case FrameKind::FactMap: finish_fact(done); break;
            case FrameKind::ListValue: {  // the parent is the fact whose slot this list fills
                if (stack_.empty()) break;
                Frame& fact = stack_.back();
                auto index = static_cast<std::size_t>(done.slot);
                fact.given[index] = true;
                if (done.fact_ok) fact.values[index] = Value::of_list(done.values);
                else fact.fact_ok = false;
                break;
            }
            case FrameKind::Meta: {
                if (stack_.empty()) break;
                Frame& parent = stack_.back();
                if (parent.kind == FrameKind::TopMap)
                    result.metadata.emplace_back(parent.key, std::move(done.meta));
                else
                    attach_meta(parent, std::move(done.meta));
                break;
            }
            default: break;
        }
        completed();
    }

    void finish_fact(Frame& f) {
        std::string missing;
        std::size_t missing_count = 0;
        for (std::size_t i = 0; i < f.tmpl->slots.size(); ++i) {
            if (f.given[i]) continue;
            const SlotDef& slot = f.tmpl->slots[i];
            if (slot.default_value) {
                f.values[i] = *slot.default_value;
                continue;
            }
            if (missing_count++) missing += ", ";
            missing += "'" + slot.name + "'";
        }
        if (missing_count) {
            error(f.span, Code::FactMissingSlot, "this '{}' fact leaves out the required slot{} {}", f.tmpl->name,
                  missing_count == 1 ? "" : "s", missing);
            return;
        }
        if (!f.fact_ok) return;
        auto index = static_cast<std::uint32_t>(result.facts.size());
        for (const auto& [slot, span] : f.value_spans) {
            result.value_sites.push_back({index, slot, span});
            if (has_named_bound(f.tmpl->slots[slot])) header_bounds_.push_back({index, slot, span});
        }
        InitialFact fact;
        fact.tmpl = f.tmpl->id;
        fact.values = std::move(f.values);
        fact.span = f.span;
        result.facts.push_back(std::move(fact));
    }

    // A bound that names something (as_of, institution.founded) rather than a number.
    static bool has_named_bound(const SlotDef& slot) {
        for (const auto& b : slot.range)
            if (b.bound.type == Type::Symbol) return true;
        return false;
    }

public:
    // The checks that need the whole file (the header may come after the facts): called once the events are read,
    // by both paths, so that they accept and reject the same files.
    void finish() {
        if (failed) return;
        result.is_case = options_.as_case || result.meta("case") || result.meta("as_of");
        HeaderNumbers numbers;
        if (const MetaValue* a = result.meta("as_of"); a && a->kind == MetaValue::Kind::Scalar)
            if (auto n = header_number(a->scalar)) numbers.emplace_back("as_of", *n);
        // Judged on the facts written: a case file whose header alone makes a snapshot still describes nothing.
        if (result.facts.empty()) {
            error(file_.span_at(0, 0), Code::EmptyFactFile,
                  "this file holds no facts; a fact file lists them under `facts:` (docs/kb.md)");
            return;
        }
        if (result.is_case) make_case_facts();
        for (const auto& hb : header_bounds_) {
            const InitialFact& fact = result.facts[hb.fact];
            const TemplateDef& t = program_.templates[fact.tmpl];
            const SlotDef& slot = t.slots[hb.slot];
            if (std::string problem = slot_range_problem(slot, fact.values[hb.slot], &numbers); !problem.empty())
                error(hb.span, Code::FactOutOfRange,
                      "{} (slot '{}' of '{}'): a case records what was true at its as_of", problem, slot.name, t.name);
        }
    }

private:
    static std::optional<double> header_number(const std::string& text) {
        if (text.empty() || text.size() > 32) return std::nullopt;
        char* end = nullptr;
        double d = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) return std::nullopt;
        return d;
    }

    // One fact per case template, its slots from the header keys their `from` names. A hand-written fact of a case
    // template must agree with the header: a copy is dropped with a warning, a different one is an error.
    void make_case_facts() {
        for (const auto& t : program_.templates) {
            if (t.is_score || !t.is_case_template()) continue;
            InitialFact made;
            made.tmpl = t.id;
            made.values.resize(t.slots.size());
            bool ok = true;
            SourceSpan where = file_.span_at(0, 0);
            for (std::size_t i = 0; i < t.slots.size(); ++i) {
                const SlotDef& slot = t.slots[i];
                if (slot.from.empty()) {
                    made.values[i] = slot.default_value ? *slot.default_value : Value();
                    continue;
                }
                const MetaValue* m = result.meta(slot.from);
                if (!m || m->kind != MetaValue::Kind::Scalar) {
                    if (m) {
                        error(m->span, Code::CaseHeader, "`{}:` must be a single value (template '{}' takes its '{}' "
                              "from it)", slot.from, t.name, slot.name);
                    } else if (slot.default_value) {
                        made.values[i] = *slot.default_value;
                        continue;
                    } else {
                        error(where, Code::CaseHeader,
                              "this case file has no `{}:`; every case file needs one (template '{}' takes its '{}' "
                              "from it){}",
                              slot.from, t.name, slot.name,
                              slot.from == "as_of" ? ": write `as_of: YEAR` at the top, the year the case describes"
                                                   : "");
                    }
                    ok = false;
                    continue;
                }
                where = m->span;
                kb::ValueProblem problem;
                auto v = kb::convert_scalar(m->scalar, false, slot, problem);
                if (!v) {
                    error(m->span, Code::CaseHeader, "`{}: {}` cannot fill slot '{}' of '{}': expected {}", slot.from,
                          m->scalar, slot.name, t.name, kb::expected_words(slot));
                    ok = false;
                    continue;
                }
                if (std::string out = slot_range_problem(slot, *v); !out.empty()) {
                    error(m->span, Code::FactOutOfRange, "`{}: {}`: {} (slot '{}' of '{}')", slot.from, m->scalar,
                          out, slot.name, t.name);
                    ok = false;
                    continue;
                }
                made.values[i] = *v;
            }
            if (!ok) continue;
            made.span = where;
            // Hand-written facts of the case template: reported, then dropped.
            bool dropped = false;
            for (auto& f : result.facts) {
                if (f.tmpl != t.id) continue;
                dropped = true;
                if (f.values == made.values) {
                    Diagnostic* d = sink_.warning(f.span, Code::RepeatsHeader,
                                                  "this '{}' fact repeats what the header says; leave it out (it is "
                                                  "made from the header)",
                                                  t.name);
                    if (d) d->notes.push_back({where, "the header gives it here"});
                } else {
                    Diagnostic* d = sink_.error(f.span, Code::CaseHeader,
                                                "this '{}' fact disagrees with the case's header, which makes {}; "
                                                "leave it out",
                                                t.name, format_fact(program_, t.id, made.values.data()));
                    failed = true;
                    if (d) d->notes.push_back({where, "the header gives it here"});
                }
            }
            if (dropped) {
                // Indexes into facts changed: recompute the sites (rare: only files that still write the fact).
                std::vector<std::uint32_t> remap(result.facts.size(), 0);
                std::uint32_t next = 0;
                for (std::size_t i = 0; i < result.facts.size(); ++i)
                    remap[i] = result.facts[i].tmpl == t.id ? UINT32_MAX : next++;
                auto fix = [&](auto& sites) {
                    std::size_t w = 0;
                    for (auto& site : sites)
                        if (remap[site.fact] != UINT32_MAX) {
                            site.fact = remap[site.fact];
                            sites[w++] = site;
                        }
                    sites.resize(w);
                };
                fix(result.value_sites);
                fix(header_bounds_);
                result.facts.erase(std::remove_if(result.facts.begin(), result.facts.end(),
                                                  [&](const InitialFact& f) { return f.tmpl == t.id; }),
                                   result.facts.end());
            }
            // First, where case files used to write it by hand: the order of facts (and so their ids and the order
            // in which evidence is combined) stays as it was.
            for (auto& site : result.value_sites) ++site.fact;
            for (auto& hb : header_bounds_) ++hb.fact;
            result.facts.insert(result.facts.begin(), std::move(made));
        }
    }
};

// Ignores every event; used to look past the first document for a second one.
class IgnoreEvents final : public YAML::EventHandler {
public:
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// Sends the subset scanner's events to `reader` as yaml-cpp would have sent them.
void replay(const std::vector<kb::YamlEvent>& events, FactEventReader& reader) {
    static const std::string kPlainTag = "?", kQuotedTag = "!";
    std::string value;
    for (const kb::YamlEvent& e : events) {
        YAML::Mark mark;
        mark.pos = static_cast<int>(e.pos);
        mark.line = static_cast<int>(e.line);
        mark.column = static_cast<int>(e.column);
        auto style = e.flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block;
        switch (e.kind) {
            case kb::YamlEvent::Kind::DocumentStart: reader.OnDocumentStart(mark); break;
            case kb::YamlEvent::Kind::DocumentEnd: reader.OnDocumentEnd(); break;
            case kb::YamlEvent::Kind::MapStart: reader.OnMapStart(mark, kPlainTag, YAML::NullAnchor, style); break;
            case kb::YamlEvent::Kind::MapEnd: reader.OnMapEnd(); break;
            case kb::YamlEvent::Kind::SeqStart: reader.OnSequenceStart(mark, kPlainTag, YAML::NullAnchor, style); break;
            case kb::YamlEvent::Kind::SeqEnd: reader.OnSequenceEnd(); break;
            case kb::YamlEvent::Kind::Null: reader.OnNull(mark, YAML::NullAnchor); break;
            case kb::YamlEvent::Kind::Scalar:
                value.assign(e.value);
                reader.OnScalar(mark, e.quoted ? kQuotedTag : kPlainTag, YAML::NullAnchor, value);
                break;
        }
    }
}

// UTF-16 (by its byte-order mark) or binary (a NUL byte): rejected before any YAML parsing.
bool looks_binary(std::string_view text) {
    return text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF" ||
           text.find('\0') != std::string_view::npos;
}

}  // namespace

// The fast path (simple_yaml.hpp): a file in the plain subset that case files are written in is scanned without
// yaml-cpp, into the same events.
kb::FastRead kb::read_fact_file_fast(const SourceFile& file, const Program& program, FactFile& out,
                                     const FactFileOptions& options, DiagnosticSink* warnings) {
    std::string_view text = file.text;
    // yaml-cpp consumes a UTF-8 byte-order mark without counting it in Mark::pos: such a file goes to yaml-cpp.
    if (looks_binary(text) || text.substr(0, kUtf8Bom.size()) == kUtf8Bom) return FastRead::OutsideSubset;
    thread_local std::vector<kb::YamlEvent> events;
    if (!kb::scan_simple_yaml(text, events)) return FastRead::OutsideSubset;
    DiagnosticSink fast_found(std::numeric_limits<std::size_t>::max());
    FactEventReader fast(file, program, fast_found, 0, options);
    fast.result.file = file.id;
    replay(events, fast);
    fast.finish();
    // Errors send the file to yaml-cpp, which reports them; warnings alone (W0005) do not change what is accepted, so
    // they are passed on and the file is accepted here (as yaml-cpp's path accepts it, with the same warnings).
    if (fast.failed || fast_found.has_errors()) return FastRead::Rejected;
    if (warnings)
        for (const Diagnostic& d : fast_found.diagnostics())
            if (Diagnostic* copy = warnings->add(d.severity, d.span, d.code, d.message)) copy->notes = d.notes;
    out = std::move(fast.result);
    return FastRead::Accepted;
}

std::optional<FactFile> read_fact_file(const SourceFile& file, const Program& program, DiagnosticSink& sink,
                                       const FactFileOptions& options) {
    // A file outside the subset, or one the reader finds a problem in, is read again by yaml-cpp from the start, so
    // every diagnostic comes from the one reference path.
    if (FactFile fast; kb::read_fact_file_fast(file, program, fast, options, &sink) == kb::FastRead::Accepted)
        return fast;
    return kb::read_fact_file_yaml_cpp(file, program, sink, options);
}

std::optional<FactFile> kb::read_fact_file_yaml_cpp(const SourceFile& file, const Program& program,
                                                    DiagnosticSink& sink, const FactFileOptions& options) {
    std::string_view text = file.text;
    auto whole_file = [&] { return file.span_at(0, 0); };
    if (looks_binary(text)) {
        sink.error(whole_file(), Code::YamlSyntax, "fact files must be UTF-8 text (this looks like UTF-16 or binary)");
        return std::nullopt;
    }
    // yaml-cpp consumes a UTF-8 byte-order mark without counting it in Mark::pos.
    std::uint32_t shift = text.substr(0, kUtf8Bom.size()) == kUtf8Bom ? static_cast<std::uint32_t>(kUtf8Bom.size()) : 0;

    // The reader records into a local sink: yaml-cpp reports a syntax error only after it has sent the events before
    // it, and what the reader made of those (a flow mapping left open looks like a mapping used as a key) would be
    // noise. So after a syntax error only the syntax error is reported; otherwise everything found is.
    DiagnosticSink found(std::numeric_limits<std::size_t>::max());
    FactEventReader reader(file, program, found, shift, options);
    reader.result.file = file.id;
    auto forward_found = [&] {
        for (const Diagnostic& d : found.diagnostics())
            if (Diagnostic* copy = sink.add(d.severity, d.span, d.code, d.message)) copy->notes = d.notes;
    };
    TextStreamBuf buf(text);
    std::istream in(&buf);
    try {
        YAML::Parser parser(in);
        if (parser.HandleNextDocument(reader)) {
            IgnoreEvents rest;
            if (parser.HandleNextDocument(rest)) {
                reader.failed = true;
                found.error(reader.span_at(rest.start, 3), Code::YamlShape,
                            "a fact file holds one YAML document; this is a second one");
            }
        }
        reader.finish();
        forward_found();
    } catch (const YAML::Exception& e) {
        reader.failed = true;
        std::string message = explain_yaml_error(e.msg);
        std::optional<SourceSpan> opened = reader.open_flow_collection(e.msg);
        if (opened) message += fmt::format(" (it opens at {}:{})", opened->line, opened->col);
        Diagnostic* d = sink.error(reader.span_at(e.mark), Code::YamlSyntax, "{}", message);
        if (d && opened) d->notes.push_back({*opened, "opened here"});
    } catch (const std::exception& e) {
        // yaml-cpp documents only YAML::Exception, but a fact file must never take the program down.
        reader.failed = true;
        sink.error(whole_file(), Code::YamlSyntax, "the YAML file could not be read: {}", e.what());
    }
    if (reader.failed) return std::nullopt;
    return std::move(reader.result);
}

}  // namespace covenant
