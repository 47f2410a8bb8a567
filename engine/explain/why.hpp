// "Why": the derivation tree of a fact or a score, built from the engine's justifications (every firing records the
// rule and the facts it matched; every derived fact and evidence contribution knows its supports). Walks back to the
// given facts, which are marked with the file and line they came from.
//
// The tree is data; renderers turn it into indented text (Unicode or ASCII tree lines), JSON (nested `because`
// arrays; each fact an object with its id, template and slots, values as JSON values, beside its text) or Graphviz
// DOT (rules as boxes with their kind, facts as ellipses, evidence edges labelled with weights; a fact, score or rule
// firing mentioned several times is one node with several edges).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/source.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"

namespace covenant {

struct WhyNode {
    enum class Kind { Fact, Score, Rule };
    Kind kind = Kind::Fact;
    std::string label;        // Fact: the fact as source text; Score: "trust(ann) = 0.61"; Rule: its name
    std::string detail;       // Fact: "given", "given at kb/x.yaml:12", "concluded", "asserted";
                              // Score: how the contributions combined; Rule: the doc string
    std::string rule_kind;    // Rule: rule, norm, criterion, interest
    std::string location;     // Rule: file:line of the rule; Fact (given): file:line it was written
    std::optional<double> weight;  // Rule under a Score: the contribution's weight
    std::string reason;       // Rule under a Score: the contribution's reason
    FactId fact = kNoFact;    // Fact/Score: the fact id when it is live; a fact retracted since: its former id
    // The same as data, for the JSON and DOT renderers:
    std::string origin;       // Fact: given, asserted, concluded (empty for an aggregate or a retracted fact)
    std::string tmpl;         // Fact: its template; Score: the predicate; aggregate: the template aggregated over
    std::vector<std::pair<std::string, Value>> slots;  // Fact: every slot and its value, in template order
    std::vector<Value> args;  // Score: its arguments
    std::optional<Value> value;  // Score: its value; aggregate: the value it had when the rule fired
    std::string aggregate;    // aggregate: the operation (count, sum, ...); empty otherwise
    std::optional<std::uint32_t> firing;  // Rule: the justification (one firing) it stands for
    bool truncated = false;   // the depth limit cut this node's children
    bool repeated = false;    // already explained higher up this branch (a support cycle)
    bool seen_before = false; // a given fact already written out in full earlier in the tree (label abbreviated)
    std::vector<WhyNode> children;
};

struct WhyOptions {
    std::size_t max_depth = 32;  // rule levels to follow; deeper supports are marked `truncated`
};

// The derivation tree of a live fact. For a score fact, the tree of its contributions.
WhyNode explain_fact(const Engine& engine, const SourceManager& sm, FactId fact, const WhyOptions& options = {});

// The derivation of a score PRED(args): each contribution with its weight, reason and the facts its rule matched.
// `score_tmpl` is the score template; a score with no contribution yields a node saying so.
WhyNode explain_score(const Engine& engine, const SourceManager& sm, TemplateId score_tmpl, std::span<const Value> args,
                      const WhyOptions& options = {});

struct TreeStyle {
    bool unicode = true;   // ├─ └─ │ ; ASCII |- `- | otherwise
    bool color = false;
};
std::string render_why_text(const WhyNode& root, const TreeStyle& style = {});
std::string render_why_json(const WhyNode& root);
std::string render_why_dot(const WhyNode& root);
// Several trees at once: text separated by blank lines, a JSON array, one DOT graph.
std::string render_why_text(const std::vector<WhyNode>& roots, const TreeStyle& style = {});
std::string render_why_json(const std::vector<WhyNode>& roots);
std::string render_why_dot(const std::vector<WhyNode>& roots);

// Where a span is, as "file:line" (empty for no location).
std::string location_text(const SourceManager& sm, const SourceSpan& span);

}  // namespace covenant
