// `or`, `and` and `forall` conditions (docs/language.md §5.7), rewritten before a rule is checked into the condition
// kinds the engine has:
//   and (A B)          A B, spliced into the enclosing list
//   or (A B)           one rule per branch, as CLIPS splits an `or` conditional element into several rules with one
//                      name (CLIPS Basic Programming Guide, 5.4.4 "Or Conditional Element"): each branch gets its own
//                      network path, so a rule fires once per branch that matches
//   forall (P C...)    not (P, not (C...)): no match of P lacks a match of the Cs (CLIPS BPG 5.4.8, "Forall
//                      Conditional Element", which defines it the same way)
// Several `or`s multiply (one rule per combination, at most kMaxDisjuncts). An `or` inside `not`, `exists` or
// `forall` cannot be split into rules and is an error (E0133): `not (or (a b))` is `not a` and `not b`.
#include "check/internal.hpp"

namespace covenant::check_detail {

namespace {

constexpr std::size_t kMaxDisjuncts = 64;

using Alternatives = std::vector<std::vector<ast::Condition>>;

class Expander {
public:
    explicit Expander(DiagnosticSink& sink) : sink_(sink) {}

    // The alternatives of a condition list. `top`: the rule's own conditions (not inside a group), where `or` may
    // stand.
    Alternatives list(const std::vector<ast::Condition>& conds, bool top) {
        Alternatives alts(1);
        for (const auto& c : conds) {
            switch (c.kind) {
                case ast::Condition::Kind::And: alts = cross(alts, list(c.group, top), c.span); break;
                case ast::Condition::Kind::Or: {
                    if (!top) {
                        sink_.error(c.span, Code::BadDisjunction,
                                    "an `or` inside `not`, `exists` or `forall` cannot be split into rules; write one "
                                    "negation per branch, or move the `or` out");
                        break;
                    }
                    if (c.group.empty()) {
                        sink_.error(c.span, Code::BadDisjunction, "an `or` needs at least one branch");
                        break;
                    }
                    Alternatives branches;
                    for (const auto& branch : c.group)
                        for (auto& alt : list({branch}, top)) branches.push_back(std::move(alt));
                    alts = cross(alts, branches, c.span);
                    break;
                }
                case ast::Condition::Kind::Forall: {
                    auto rewritten = forall(c);
                    if (!rewritten) break;
                    for (auto& alt : alts) alt.push_back(*rewritten);
                    break;
                }
                case ast::Condition::Kind::Not:
                case ast::Condition::Kind::Exists: {
                    ast::Condition inner = c;
                    inner.group = single(c.group);
                    for (auto& alt : alts) alt.push_back(inner);
                    break;
                }
                default:
                    for (auto& alt : alts) alt.push_back(c);
            }
        }
        return alts;
    }

private:
    // A group's conditions (inside not/exists/forall): `and` spliced, `forall` rewritten, `or` refused.
    std::vector<ast::Condition> single(const std::vector<ast::Condition>& group) {
        Alternatives alts = list(group, false);
        return alts.empty() ? std::vector<ast::Condition>{} : std::move(alts.front());
    }

    std::optional<ast::Condition> forall(const ast::Condition& c) {
        if (c.group.size() < 2) {
            Diagnostic* d = sink_.error(c.span, Code::BadDisjunction,
                                        "`forall` needs a condition to range over and at least one condition that "
                                        "must hold for each of its matches");
            if (d) d->notes.push_back({{}, "as in forall (member(of: ?o, state: ?s) democracy(state: ?s))"});
            return std::nullopt;
        }
        ast::Condition inner;
        inner.kind = ast::Condition::Kind::Not;
        inner.group.assign(c.group.begin() + 1, c.group.end());
        inner.span = join(c.group[1].span, c.group.back().span);
        ast::Condition outer;
        outer.kind = ast::Condition::Kind::Not;
        outer.group = {c.group.front(), inner};
        outer.group = single(outer.group);
        outer.span = c.span;
        return outer;
    }

    static SourceSpan join(const SourceSpan& a, const SourceSpan& b) {
        if (!a.valid() || !b.valid() || a.file != b.file || b.offset < a.offset) return a;
        SourceSpan s = a;
        s.length = b.offset + b.length - a.offset;
        s.end_line = b.end_line;
        s.end_col = b.end_col;
        return s;
    }

    Alternatives cross(const Alternatives& left, const Alternatives& right, const SourceSpan& where) {
        if (left.size() * right.size() > kMaxDisjuncts) {
            if (!too_many_) {
                too_many_ = true;
                sink_.error(where, Code::BadDisjunction,
                            "the `or` conditions of this rule combine into more than {} rules; split the rule",
                            kMaxDisjuncts);
            }
            return left;
        }
        Alternatives out;
        for (const auto& l : left)
            for (const auto& r : right) {
                out.push_back(l);
                out.back().insert(out.back().end(), r.begin(), r.end());
            }
        return out;
    }

    DiagnosticSink& sink_;
    bool too_many_ = false;
};

}  // namespace

std::vector<std::vector<ast::Condition>> rule_disjuncts(const ast::Rule& rule, DiagnosticSink& sink) {
    return Expander(sink).list(rule.conditions, true);
}

}  // namespace covenant::check_detail
