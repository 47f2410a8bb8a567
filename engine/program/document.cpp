// `covenant doc`: a Markdown reference of rule packs, written from the checked program.
//
// The reader is an analyst who wants to know what a pack knows without reading every file: which templates it reads
// (with types and defaults), which named weights and thresholds it uses and where they come from (the constants'
// doc strings, or the comments written after them), and for every rule what it matches, what it concludes or which
// evidence it gives with what weight, and its text as written (comments inside the rule included). The closing index
// answers "what pushes toward X?": the evidence each rule gives, per predicate.
//
// Limits: the text of a rule is taken from its source span, so it is shown as written, not as checked (constants by
// name); rules in files that are no longer readable show no text. Weights computed at run time show as "computed".
#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "program/operators.hpp"
#include "program/program.hpp"

namespace covenant {

namespace {

// A table cell: pipes escaped, line breaks folded, so that a doc string cannot break the table.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += "\\|";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out;
}

// Paths as the reader would type them: relative to the base directory when the file is inside it.
std::string display_path(const std::string& path, const std::string& base) {
    namespace fs = std::filesystem;
    fs::path p(path);
    if (base.empty() || !p.is_absolute()) return path;
    fs::path rel = p.lexically_relative(fs::path(base));
    if (rel.empty() || *rel.begin() == "..") return path;
    return rel.string();
}

struct Context {
    const Program& p;
    const SourceManager& sm;
    std::string base;

    std::string file(FileId id) const { return id < sm.size() ? display_path(sm.file(id).path, base) : "?"; }
    std::string where(const SourceSpan& span) const {
        if (!span.valid() || span.file >= sm.size()) return "";
        return fmt::format("{}:{}", file(span.file), span.line);
    }
};

// The comment that documents a declaration without a doc string, as packs write their weights:
//     const EQUAL_VOICE = 0.10   # brief §2: multilateral decision-making ... (supporting only:
//                                # consensus also lets any member block).
// — the `#` comment after the declaration on its line, and the comment-only lines below it whose `#` stands in the
// same column. Empty when there is none.
std::string trailing_comment(const SourceManager& sm, const SourceSpan& span) {
    if (!span.valid() || span.file >= sm.size()) return "";
    const SourceFile& f = sm.file(span.file);
    std::uint32_t line = span.end_line ? span.end_line : span.line;
    std::string_view text = f.line_text(line);
    std::size_t from = line == span.line ? span.col - 1 + span.length : span.end_col;
    if (from > text.size()) return "";
    std::size_t hash = text.find('#', from);
    if (hash == std::string_view::npos) return "";
    auto body = [](std::string_view t, std::size_t at) {
        std::string_view rest = t.substr(at + 1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
        return std::string(rest);
    };
    std::string out = body(text, hash);
    for (std::uint32_t next = line + 1;; ++next) {
        std::string_view t = f.line_text(next);
        std::size_t first = t.find_first_not_of(' ');
        if (first != hash || first >= t.size() || t[first] != '#') break;
        out += " " + body(t, first);
    }
    return out;
}

// "+0.20" / "-0.25" for a weight known before the run, else "computed".
std::string weight_text(const Expr& w) {
    if (w.kind == ExprKind::Const && w.value.is_number()) return fmt::format("{:+.2f}", w.value.as_double());
    return "computed";
}

std::string template_name(const Program& p, TemplateId t) {
    const TemplateDef& def = p.templates[t];
    return def.is_score ? "score(" + def.predicate + ")" : def.name;
}

// What a rule's conditions read: `person`, `not parent`, `exists event`, `count(event)`, `score(trust)`.
void describe_conditions(const Program& p, const std::vector<Condition>& conds, std::vector<std::string>& out) {
    for (const auto& c : conds) {
        switch (c.kind) {
            case CondKind::Pattern: out.push_back("`" + template_name(p, c.pattern.tmpl) + "`"); break;
            case CondKind::Not:
            case CondKind::Exists: {
                std::vector<std::string> inner;
                describe_conditions(p, c.group, inner);
                std::string joined;
                for (const auto& i : inner) joined += (joined.empty() ? "" : ", ") + i;
                out.push_back((c.kind == CondKind::Not ? "not " : "exists ") +
                              (inner.size() == 1 ? joined : "(" + joined + ")"));
                break;
            }
            case CondKind::Aggregate: {
                const TemplateDef& t = p.templates[c.pattern.tmpl];
                out.push_back(fmt::format("`{}({})`", agg_op_name(c.agg), t.is_score ? t.predicate : t.name));
                break;
            }
            case CondKind::Test: out.push_back("a test"); break;
        }
    }
}

// Whether any condition (inside not/exists groups and aggregates too) matches facts of template `t`.
bool reads_template(const std::vector<Condition>& conds, TemplateId t) {
    for (const auto& c : conds) {
        if ((c.kind == CondKind::Pattern || c.kind == CondKind::Aggregate) && c.pattern.tmpl == t) return true;
        if ((c.kind == CondKind::Not || c.kind == CondKind::Exists) && reads_template(c.group, t)) return true;
    }
    return false;
}

std::string describe_action(const Program& p, const Rule& r, const Action& a) {
    switch (a.kind) {
        case ActionKind::Assert: return "asserts `" + p.templates[a.tmpl].name + "`";
        case ActionKind::Conclude: return "concludes `" + p.templates[a.tmpl].name + "`";
        case ActionKind::Evidence:
            return fmt::format("evidence `{}` {}", p.templates[a.tmpl].predicate, weight_text(a.weight));
        case ActionKind::Retract:
        case ActionKind::Modify: {
            std::string var = a.target < r.vars.size() ? "?" + r.vars[a.target].name : "a fact";
            return (a.kind == ActionKind::Retract ? "retracts " : "modifies ") + var;
        }
        case ActionKind::Print: return "prints";
        case ActionKind::Halt: return "halts";
    }
    return "";
}

void document_pack(const Context& c, const PackInfo& pack, std::string& out) {
    const Program& p = c.p;
    const SourceManager& sm = c.sm;
    std::string title = pack.name.empty() ? c.file(pack.file) : pack.name;
    out += fmt::format("## Pack `{}`\n\n", title);
    if (!pack.doc.empty()) out += pack.doc + ".\n\n";
    std::string uses;
    for (PackId u : pack.uses) uses += (uses.empty() ? "" : ", ") + ("`" + p.packs[u].name + "`");
    out += fmt::format("File: `{}`", c.file(pack.file));
    out += uses.empty() ? ".\n\n" : fmt::format(" · uses {}.\n\n", uses);

    bool any_template = false;
    for (const auto& t : p.templates) {
        if (t.pack != pack.id || t.is_score) continue;
        if (!any_template) out += "### Templates\n\n";
        any_template = true;
        out += fmt::format("#### `{}`\n\n", t.name);
        if (!t.doc.empty()) out += t.doc + ".\n\n";
        out += fmt::format("Declared at `{}`.\n\n| slot | type | default |\n|---|---|---|\n", c.where(t.span));
        for (const auto& s : t.slots)
            out += fmt::format("| `{}` | {} | {} |\n", s.name, cell(slot_type_text(p, s)),
                               s.default_value ? "`" + cell(to_source(*s.default_value)) + "`" : "required");
        out += "\n";
        // Cross-references: where its facts come from and which rules read them.
        std::string made, read;
        for (const auto& r : p.rules) {
            if (r.disjunct != 0) continue;  // the branches of one rule's `or`: the first stands for all
            bool makes = std::any_of(r.actions.begin(), r.actions.end(), [&](const Action& a) {
                return (a.kind == ActionKind::Assert || a.kind == ActionKind::Conclude) && a.tmpl == t.id;
            });
            if (makes) made += (made.empty() ? "" : ", ") + ("`" + r.name + "`");
            bool reads = false;
            for (RuleId k = r.id; k < r.id + r.disjuncts && k < p.rules.size(); ++k)
                reads = reads || reads_template(p.rules[k].conditions, t.id);
            if (reads) read += (read.empty() ? "" : ", ") + ("`" + r.name + "`");
        }
        out += fmt::format("Asserted or concluded by: {}.  \nMatched by: {}.\n\n",
                           made.empty() ? "no rule (its facts come from fact files and facts blocks)" : made,
                           read.empty() ? "no rule" : read);
    }

    bool any_constant = false;
    for (const auto& k : p.constants) {
        if (k.pack != pack.id) continue;
        if (!any_constant) out += "### Constants\n\n| constant | value | note | defined at |\n|---|---|---|---|\n";
        any_constant = true;
        std::string note = k.doc.empty() ? trailing_comment(sm, k.span) : k.doc;
        out +=
            fmt::format("| `{}` | `{}` | {} | {} |\n", k.name, cell(to_source(k.value)), cell(note), c.where(k.span));
    }
    if (any_constant) out += "\n";

    bool any_rule = false;
    for (const auto& r : p.rules) {
        if (r.pack != pack.id || r.disjunct != 0) continue;
        if (!any_rule) out += "### Rules\n\n";
        any_rule = true;
        out += fmt::format("#### {} `{}`\n\n", rule_kind_name(r.kind), r.name);
        if (!r.doc.empty()) out += r.doc + ".\n\n";
        std::vector<std::string> reads;
        describe_conditions(p, r.conditions, reads);
        // A rule with `or`: what each branch combination reads, joined by "or".
        for (RuleId k = r.id + 1; k < r.id + r.disjuncts && k < p.rules.size(); ++k) {
            std::vector<std::string> branch;
            describe_conditions(p, p.rules[k].conditions, branch);
            std::string joined;
            for (const auto& b : branch) joined += (joined.empty() ? "" : ", ") + b;
            reads.push_back("or " + joined);
        }
        std::vector<std::string> does;
        for (const auto& a : r.actions) {
            std::string d = describe_action(p, r, a);
            if (std::find(does.begin(), does.end(), d) == does.end()) does.push_back(d);
        }
        auto join = [](const std::vector<std::string>& v) {
            std::string s;
            for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
            return s.empty() ? std::string("nothing") : s;
        };
        out +=
            fmt::format("- at `{}`{}\n", c.where(r.span), r.salience ? fmt::format(", salience {}", r.salience) : "");
        out += fmt::format("- matches: {}\n- then: {}\n\n", join(reads), join(does));
        if (r.span.valid() && r.span.file < sm.size()) {
            const std::string& text = sm.file(r.span.file).text;
            if (r.span.offset + r.span.length <= text.size())
                out += "```covenant\n" + text.substr(r.span.offset, r.span.length) + "\n```\n\n";
        }
    }
}

}  // namespace

std::string document_program(const Program& p, const SourceManager& sm, const std::string& base_dir) {
    Context c{p, sm, base_dir};
    std::string out =
        "# Rule packs\n\nWritten by `covenant doc` from the rule files: edit those, not this page. Each pack "
        "lists its templates, constants and rules; the last section gathers the evidence the rules give, "
        "by predicate.\n\n";
    out += "| pack | about | templates | constants | rules |\n|---|---|---|---|---|\n";
    for (const auto& pack : p.packs) {
        auto count = [&](auto& items, auto pred) {
            return std::count_if(items.begin(), items.end(), pred);
        };
        long templates = count(p.templates, [&](const TemplateDef& t) { return t.pack == pack.id && !t.is_score; });
        long constants = count(p.constants, [&](const ConstantInfo& c) { return c.pack == pack.id; });
        long rules = count(p.rules, [&](const Rule& r) { return r.pack == pack.id && r.disjunct == 0; });
        std::string name = pack.name.empty() ? c.file(pack.file) : pack.name;
        out += fmt::format("| `{}` | {} | {} | {} | {} |\n", name, cell(pack.doc), templates, constants, rules);
    }
    out += "\n";
    for (const auto& pack : p.packs) document_pack(c, pack, out);

    // Evidence index: per predicate, every rule that gives evidence for it, in load order.
    std::map<std::string, std::vector<std::string>> by_predicate;
    for (const auto& r : p.rules)
        for (const auto& a : r.actions)
            if (a.kind == ActionKind::Evidence && r.disjunct == 0)
                by_predicate[p.templates[a.tmpl].predicate].push_back(
                    fmt::format("| {} `{}` | {} | {} | {} |", rule_kind_name(r.kind), r.name, weight_text(a.weight),
                                cell(r.doc), c.where(a.span)));
    if (!by_predicate.empty()) {
        out +=
            "## Evidence by predicate\n\nWhat each rule adds to a score when it fires (certainty factors, combined by "
            "the "
            "MYCIN rule: docs/language.md, section 7).\n\n";
        for (const auto& [pred, rows] : by_predicate) {
            out += fmt::format("### `{}`\n\n| rule | weight | about | at |\n|---|---|---|---|\n", pred);
            for (const auto& row : rows) out += row + "\n";
            out += "\n";
        }
    }
    return out;
}

}  // namespace covenant
