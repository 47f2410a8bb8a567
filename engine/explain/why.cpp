#include "explain/why.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "program/operators.hpp"

namespace covenant {

std::string location_text(const SourceManager& sm, const SourceSpan& span) {
    if (!span.valid() || span.file == 0 || span.file >= sm.size()) return {};
    // Paths under the working directory are shown relative to it, as the user would type them.
    std::string path = sm.file(span.file).path;
    std::error_code ec;
    std::string cwd = std::filesystem::current_path(ec).string();
    if (!ec && path.size() > cwd.size() + 1 && path.compare(0, cwd.size(), cwd) == 0 && path[cwd.size()] == '/')
        path = path.substr(cwd.size() + 1);
    return fmt::format("{}:{}", path, span.line);
}

namespace {

class WhyBuilder {
public:
    WhyBuilder(const Engine& e, const SourceManager& sm, const WhyOptions& o)
        : e_(e), p_(e.program()), sm_(sm), opt_(o) {}

    WhyNode fact_node(FactId id, std::size_t depth) {
        FactView f = e_.fact(id);
        const TemplateDef& t = p_.templates[f.tmpl];
        if (t.is_score) {
            WhyNode n = score_node(f.tmpl, f.values.first(t.slots.size() - 1), depth);
            n.fact = id;
            return n;
        }
        WhyNode n;
        n.kind = WhyNode::Kind::Fact;
        n.fact = id;
        n.tmpl = t.name;
        for (std::size_t i = 0; i < t.slots.size() && i < f.values.size(); ++i)
            n.slots.emplace_back(t.slots[i].name, f.values[i]);
        n.label = format_fact(p_, f.tmpl, f.values.data(), /*reading=*/true);
        // A given fact is written out in full once per tree; later mentions are abbreviated to its first slot.
        if (f.origin == Origin::Given && !shown_.insert(id).second) {
            n.seen_before = true;
            std::size_t cut = n.label.find(", ");
            if (cut != std::string::npos) n.label = n.label.substr(0, cut) + ", ...)";
        }
        n.origin = origin_word(f.origin);
        n.detail = n.origin;
        if (f.origin == Origin::Given) {
            n.location = location_text(sm_, f.span);
            if (!n.location.empty()) n.detail = "given at " + n.location;
        }
        if (f.origin == Origin::Given || f.supports.empty()) return n;
        if (std::find(path_.begin(), path_.end(), id) != path_.end()) {
            n.repeated = true;
            return n;
        }
        if (depth >= opt_.max_depth) {
            n.truncated = true;
            return n;
        }
        path_.push_back(id);
        for (std::uint32_t j : f.supports) n.children.push_back(rule_node(j, depth + 1));
        path_.pop_back();
        return n;
    }

    WhyNode score_node(TemplateId tmpl, std::span<const Value> args, std::size_t depth) {
        const TemplateDef& t = p_.templates[tmpl];
        WhyNode n;
        n.kind = WhyNode::Kind::Score;
        std::string arg_text;
        for (const Value& v : args) arg_text += (arg_text.empty() ? "" : ", ") + to_source(v);
        double value = e_.score(tmpl, args);
        n.label = fmt::format("score {}({}) = {:.3f}", t.predicate, arg_text, value);
        n.tmpl = t.predicate;
        n.args.assign(args.begin(), args.end());
        n.value = Value::real(value);
        std::vector<Contribution> cs = e_.contributions(tmpl, args);
        if (cs.empty()) {
            n.detail = "no evidence: the score is 0";
            return n;
        }
        std::string steps;
        for (const auto& c : cs) steps += fmt::format("{}{:+.2f}", steps.empty() ? "" : " ⊕ ", c.weight);
        n.detail = cs.size() == 1
                       ? fmt::format("one contribution of {:+.2f}", cs[0].weight)
                       : fmt::format("{} = {:.3f} (certainty factors combined by the MYCIN rule)", steps, value);
        if (depth >= opt_.max_depth) {
            n.truncated = true;
            return n;
        }
        for (const auto& c : cs) {
            WhyNode r = rule_node(c.justification, depth + 1);
            r.weight = c.weight;
            r.reason = c.reason;
            n.children.push_back(std::move(r));
        }
        return n;
    }

    WhyNode rule_node(std::uint32_t j, std::size_t depth) {
        const Justification* kept = e_.justification(j);
        if (!kept) {  // released (Engine::history): never the case for a live fact's supports or a live contribution
            WhyNode gone;
            gone.label = fmt::format("firing #{}", std::uint64_t{j} + 1);
            gone.detail = "no longer kept";
            return gone;
        }
        const Justification& just = *kept;
        const Rule& rule = p_.rules[just.rule];
        WhyNode n;
        n.kind = WhyNode::Kind::Rule;
        n.label = rule.name;
        n.firing = j;
        n.rule_kind = std::string(rule_kind_name(rule.kind));
        n.detail = rule.doc;
        n.location = location_text(sm_, rule.span);
        // Walk the conditions in order: a positive pattern contributes the next matched fact; an aggregate its value,
        // and a score(...) the whole derivation of that score (how the analyst sees why a threshold was met).
        std::size_t next_fact = 0;
        for (const Condition& c : rule.conditions) {
            if (c.kind == CondKind::Pattern && next_fact < just.facts.size()) {
                n.children.push_back(matched_fact(just.facts[next_fact++], depth));
            } else if (c.kind == CondKind::Aggregate) {
                n.children.push_back(aggregate_node(c, just, depth));
            }
        }
        while (next_fact < just.facts.size()) n.children.push_back(matched_fact(just.facts[next_fact++], depth));
        return n;
    }

    WhyNode matched_fact(FactId fid, std::size_t depth) {
        if (e_.is_live(fid)) return fact_node(fid, depth);
        WhyNode gone;
        gone.fact = fid;
        gone.label = fmt::format("f-{}", fid);
        gone.detail = "since retracted";
        return gone;
    }

    // The value an aggregate condition had when the rule fired. For score(...), the score's own derivation.
    WhyNode aggregate_node(const Condition& c, const Justification& just, std::size_t depth) {
        auto bound = [&](VarId v) { return v < just.bindings.size() ? just.bindings[v] : Value(); };
        const TemplateDef& t = p_.templates[c.pattern.tmpl];
        if (c.agg == AggOp::Score && t.is_score) {
            std::vector<Value> args(t.slots.size() - 1);
            for (const SlotTest& test : c.pattern.tests) {
                if (test.op != CmpOp::Eq || test.values.size() != 1 || test.slot >= args.size()) continue;
                const Operand& o = test.values[0];
                args[test.slot] = o.is_var ? bound(o.var) : o.constant;
            }
            return score_node(c.pattern.tmpl, args, depth);
        }
        WhyNode n;
        n.kind = WhyNode::Kind::Fact;
        n.label = fmt::format("{}({}) = {}", agg_op_name(c.agg), t.name, to_source(bound(c.result)));
        n.detail = "aggregate when the rule fired";
        n.tmpl = t.name;
        n.aggregate = std::string(agg_op_name(c.agg));
        n.value = bound(c.result);
        return n;
    }

private:
    const Engine& e_;
    const Program& p_;
    const SourceManager& sm_;
    const WhyOptions& opt_;
    std::vector<FactId> path_;          // facts being explained on the current branch, to cut support cycles
    std::unordered_set<FactId> shown_;  // given facts already written out in full
};

void text_node(std::string& out, const WhyNode& n, const std::string& prefix, bool last, bool root,
               const TreeStyle& st) {
    const char* branch = st.unicode ? (last ? "└─ " : "├─ ") : (last ? "`- " : "|- ");
    const char* cont = st.unicode ? (last ? "   " : "│  ") : (last ? "   " : "|  ");
    auto paint = [&](const std::string& s, const char* code) {
        return st.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
    };
    std::string line = root ? "" : prefix + branch;
    switch (n.kind) {
        case WhyNode::Kind::Fact:
            line += paint(n.label, "1") + "  [" + n.detail + "]";
            break;
        case WhyNode::Kind::Score:
            line += paint(n.label, "1;36") + "  [" + n.detail + "]";
            break;
        case WhyNode::Kind::Rule: {
            if (n.weight) line += paint(fmt::format("{:+.2f}", *n.weight), "1;33") + " ";
            line += paint(n.rule_kind + " " + n.label, "1;32");
            if (!n.reason.empty()) line += ": " + n.reason;
            else if (!n.detail.empty()) line += " \"" + n.detail + "\"";
            if (!n.location.empty()) line += "  (" + n.location + ")";
            break;
        }
    }
    if (n.repeated) line += "  (already explained above: a support cycle)";
    if (n.truncated) line += "  ...";
    if (!st.unicode) {
        // Plain ASCII off a terminal: the combination sign too.
        for (std::size_t at = line.find("⊕"); at != std::string::npos; at = line.find("⊕", at))
            line.replace(at, std::string("⊕").size(), "(+)");
    }
    out += line + "\n";
    std::string child_prefix = root ? "" : prefix + cont;
    for (std::size_t i = 0; i < n.children.size(); ++i)
        text_node(out, n.children[i], child_prefix, i + 1 == n.children.size(), false, st);
}

// A slot value as a JSON value: numbers as numbers, bools as bools, symbols and strings as strings.
nlohmann::ordered_json json_value(const Value& v) {
    switch (v.type) {
        case Type::Int: return v.i;
        case Type::Float: return v.f;
        case Type::Bool: return v.b;
        case Type::Symbol:
        case Type::String: return std::string(v.text());
        case Type::List: {
            auto list = nlohmann::ordered_json::array();
            for (const auto& item : v.items()) list.push_back(json_value(item));
            return list;
        }
        case Type::Any: break;
    }
    return to_display(v);
}

nlohmann::ordered_json json_node(const WhyNode& n) {
    nlohmann::ordered_json j;
    switch (n.kind) {
        case WhyNode::Kind::Fact:
            if (!n.aggregate.empty()) {
                // An aggregate's value when the rule fired: not a fact of working memory.
                nlohmann::ordered_json a;
                a["op"] = n.aggregate;
                a["template"] = n.tmpl;
                a["value"] = n.value ? json_value(*n.value) : nlohmann::ordered_json();
                j["aggregate"] = std::move(a);
                j["text"] = n.label;
                j["origin"] = n.detail;
                break;
            }
            if (n.tmpl.empty()) {
                // Retracted since, or a firing no longer kept: only its id (if any) and the words.
                j["fact"] = n.fact == kNoFact ? nlohmann::ordered_json() : nlohmann::ordered_json{{"id", n.fact}};
                j["text"] = n.label;
                j["origin"] = n.detail;
                break;
            }
            {
                nlohmann::ordered_json f;
                if (n.fact != kNoFact) f["id"] = n.fact;
                f["template"] = n.tmpl;
                nlohmann::ordered_json slots = nlohmann::ordered_json::object();
                for (const auto& [name, v] : n.slots) slots[name] = json_value(v);
                f["slots"] = std::move(slots);
                j["fact"] = std::move(f);
            }
            j["text"] = n.label;
            j["origin"] = n.origin;
            if (!n.location.empty()) j["location"] = n.location;
            break;
        case WhyNode::Kind::Score: {
            nlohmann::ordered_json sc;
            if (n.fact != kNoFact) sc["id"] = n.fact;
            sc["predicate"] = n.tmpl;
            auto args = nlohmann::ordered_json::array();
            for (const Value& v : n.args) args.push_back(json_value(v));
            sc["args"] = std::move(args);
            sc["value"] = n.value ? json_value(*n.value) : nlohmann::ordered_json();
            j["score"] = std::move(sc);
            j["text"] = n.label;
            j["combination"] = n.detail;
            break;
        }
        case WhyNode::Kind::Rule:
            j["rule"] = n.label;
            j["kind"] = n.rule_kind;
            if (!n.detail.empty()) j["doc"] = n.detail;
            if (n.weight) j["weight"] = *n.weight;
            if (!n.reason.empty()) j["reason"] = n.reason;
            if (!n.location.empty()) j["location"] = n.location;
            break;
    }
    if (n.repeated) j["cycle"] = true;
    if (n.seen_before) j["shown_above"] = true;
    if (n.truncated) j["truncated"] = true;
    if (!n.children.empty()) {
        auto because = nlohmann::ordered_json::array();
        for (const auto& c : n.children) because.push_back(json_node(c));
        j["because"] = std::move(because);
    }
    return j;
}

std::string dot_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// One DOT graph of several trees. A fact, a score or a rule firing that the trees mention more than once (a given
// fact that several rules matched, a score that several thresholds read) is one node with an edge to everything it
// supports; edges point from the supporting node to what it supports, so the graph reads bottom-up from given facts
// to the conclusion. Aggregates and retracted facts have no identity to share and stay one node per mention.
class DotGraph {
public:
    // Adds a node and its subtree; returns the node's DOT id.
    int add(const WhyNode& n) {
        int id = declare(n);
        for (const auto& c : n.children) {
            int cid = add(c);
            std::string edge = c.kind == WhyNode::Kind::Rule && c.weight
                                   ? fmt::format("  n{} -> n{} [label=\"{:+.2f}\"];\n", cid, id, *c.weight)
                                   : fmt::format("  n{} -> n{};\n", cid, id);
            if (edges_seen_.insert(edge).second) edges_ += edge;
        }
        return id;
    }

    std::string text() const {
        std::string out = "digraph why {\n  rankdir=BT;\n  node [fontname=\"Helvetica\"];\n";
        for (const auto& d : nodes_) out += d.text;
        return out + edges_ + "}\n";
    }

private:
    struct Declared {
        std::string text;
        bool abbreviated = false;  // written from an abbreviated mention (WhyNode::seen_before)
    };

    static std::string identity(const WhyNode& n) {
        switch (n.kind) {
            case WhyNode::Kind::Rule: return n.firing ? fmt::format("r{}", *n.firing) : std::string();
            case WhyNode::Kind::Score: return "s:" + n.label;
            case WhyNode::Kind::Fact:
                return n.aggregate.empty() && !n.tmpl.empty() && n.fact != kNoFact ? fmt::format("f{}", n.fact)
                                                                                   : std::string();
        }
        return {};
    }

    static std::string declaration(const WhyNode& n, int id) {
        switch (n.kind) {
            case WhyNode::Kind::Fact:
                return fmt::format("  n{} [shape=ellipse, label=\"{}\\n[{}]\"{}];\n", id, dot_escape(n.label),
                                   dot_escape(n.detail),
                                   n.detail.rfind("given", 0) == 0 ? ", style=filled, fillcolor=\"#e8f0ff\"" : "");
            case WhyNode::Kind::Score:
                return fmt::format("  n{} [shape=ellipse, style=bold, label=\"{}\"];\n", id, dot_escape(n.label));
            case WhyNode::Kind::Rule:
                return fmt::format("  n{} [shape=box, label=\"{}\\n({})\"];\n", id, dot_escape(n.label),
                                   dot_escape(n.rule_kind));
        }
        return {};
    }

    int declare(const WhyNode& n) {
        std::string key = identity(n);
        if (!key.empty()) {
            auto it = ids_.find(key);
            if (it != ids_.end()) {
                // The node is there; a full mention replaces an abbreviated one's label.
                Declared& d = nodes_[static_cast<std::size_t>(it->second)];
                if (d.abbreviated && !n.seen_before) d = {declaration(n, it->second), false};
                return it->second;
            }
        }
        int id = static_cast<int>(nodes_.size());
        nodes_.push_back({declaration(n, id), n.seen_before});
        if (!key.empty()) ids_.emplace(std::move(key), id);
        return id;
    }

    std::vector<Declared> nodes_;
    std::unordered_map<std::string, int> ids_;
    std::string edges_;
    std::unordered_set<std::string> edges_seen_;
};

}  // namespace

WhyNode explain_fact(const Engine& engine, const SourceManager& sm, FactId fact, const WhyOptions& options) {
    WhyBuilder b(engine, sm, options);
    return b.fact_node(fact, 0);
}

WhyNode explain_score(const Engine& engine, const SourceManager& sm, TemplateId score_tmpl, std::span<const Value> args,
                      const WhyOptions& options) {
    WhyBuilder b(engine, sm, options);
    return b.score_node(score_tmpl, args, 0);
}

std::string render_why_text(const WhyNode& root, const TreeStyle& style) {
    std::string out;
    text_node(out, root, "", true, true, style);
    return out;
}

// Text from rule files and case files need not be UTF-8 (a Latin-1 doc string); JSON must be, and nlohmann's dump
// throws on a bad byte. Bad bytes become U+FFFD, as in classify's JSON (found by fuzz_run and fuzz_repl).
namespace {
std::string json_text(const nlohmann::ordered_json& j) {
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}
}  // namespace

std::string render_why_json(const WhyNode& root) { return json_text(json_node(root)); }

std::string render_why_dot(const WhyNode& root) { return render_why_dot(std::vector<WhyNode>{root}); }

std::string render_why_text(const std::vector<WhyNode>& roots, const TreeStyle& style) {
    std::string out;
    for (std::size_t i = 0; i < roots.size(); ++i) out += (i ? "\n" : "") + render_why_text(roots[i], style);
    return out;
}

std::string render_why_json(const std::vector<WhyNode>& roots) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& r : roots) all.push_back(json_node(r));
    return json_text(all);
}

std::string render_why_dot(const std::vector<WhyNode>& roots) {
    DotGraph g;  // shared by all trees: a fact they both mention is one node of the one graph
    for (const auto& r : roots) g.add(r);
    return g.text();
}

}  // namespace covenant
