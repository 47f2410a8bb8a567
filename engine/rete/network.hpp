// The Rete network compiled from a checked Program (Forgy 1982; Doorenbos 1995, "Production Matching for Large
// Learning Systems", CMU-CS-95-113, chapter 2). This header holds only the static structure: nodes live in vectors
// and refer to each other by index. The dynamic state (tokens, hash indexes, aggregate state) is in matcher.hpp.
//
// Shape:
//  - Alpha network (Doorenbos §2.2): per template a tree of AlphaNodes, one constant or intra-pattern test each;
//    patterns with the same leading tests share the path. A path ends in an AlphaMemory, shared by every pattern with
//    exactly those tests. Alpha memories hold no fact list: every consumer (join, negative, exists, aggregate node)
//    keeps its own hash index over the memory's facts, keyed by the slots it joins on (§2.3, "hashed memories").
//  - Beta network: one node per condition, each adding one level to the tokens passing through it (a token at depth d
//    has one entry per condition before it). Node kinds:
//      Join       positive pattern (§2.4): left input = parent's tokens, right input = alpha memory;
//      Negative   `not pattern` (§2.7): passes a left token while no fact matches it;
//      Exists     `exists pattern`: passes while at least one fact matches (the same node with the test inverted);
//      Ncc        `not (a, b, ...)` / `exists (a, b, ...)` (§2.8): a subnetwork built on the same parent ends in an
//                 NccPartner, which counts the subnetwork's results per owner token;
//      Test       `test EXPR`: filters tokens;
//      Aggregate  `?v = count/sum/min/max/avg/score(pattern)`: one output token per left token carrying the value;
//      Terminal   one per rule: its tokens are the rule's activations.
//  - Join, Negative, Exists and Aggregate nodes are shared between rules when parent, alpha memory and tests are the
//    same (§2.1 / §6: a common condition prefix is matched once).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "program/program.hpp"

namespace covenant::rete {

using NodeId = std::uint32_t;
using AlphaId = std::uint32_t;
constexpr std::uint32_t kNone = 0xFFFFFFFF;

// Where an operand's value comes from.
// The order matters: the kinds that read the fact being tested come right after Const, so that the matcher tells
// them from the token kinds with one comparison (kind <= FactPart).
enum class OperandKind : std::uint8_t {
    Const,       // `constant`
    FactSlot,    // slot `slot` of the fact being tested (an intra-pattern test)
    FactPart,    // FactSlot, then the list part `part`/`index` of it (list patterns; apart from FactSlot so that the
                 // common kinds read a slot without looking at a part)
    TokenSlot,   // slot `slot` of the fact `up` levels above the left token (0 = the left token itself)
    TokenFact,   // the id of that fact (a `?f <-` variable), as an Int
    TokenValue,  // the value carried by an aggregate token `up` levels above the left token
    TokenPart    // TokenSlot, then the list part `part`/`index` of it
};

struct Operand {
    OperandKind kind = OperandKind::Const;
    ListPart part = ListPart::Whole;      // FactPart / TokenPart
    std::uint16_t slot = 0;
    std::uint16_t up = 0;
    std::uint16_t index = 0;              // FactPart / TokenPart: the part's position (program.hpp)
    Value constant;
    friend bool operator==(const Operand&, const Operand&) = default;
};

// slot OP values, with the semantics of program.hpp's SlotTest.
struct SlotCheck {
    std::uint16_t slot = 0;
    CmpOp op = CmpOp::Eq;
    ListPart part = ListPart::Whole;      // the part of the slot tested (list patterns)
    std::uint16_t index = 0;
    std::vector<Operand> values;
    friend bool operator==(const SlotCheck&, const SlotCheck&) = default;
};

struct AlphaNode {
    SlotCheck test;
    std::vector<std::uint32_t> children;  // alpha node indices, in creation order
    AlphaId memory = kNone;               // the memory of patterns whose tests end here
};

struct AlphaMemory {
    TemplateId tmpl = 0;
    std::vector<NodeId> successors;       // beta nodes fed by this memory, latest-created first (CLIPS order)
    std::vector<std::uint32_t> right_indexes;  // the hash indexes kept over this memory's facts
};

// A hash index over one alpha memory's facts, keyed by the values of `slots` (in slot order). Every beta node that
// reads the memory and joins on exactly these slots shares it (CLIPS 6.30 likewise hashes an alpha memory once per
// join key), so a fact costs one index entry per distinct key, not one per node.
struct RightIndex {
    std::vector<std::uint16_t> slots;
    AlphaId memory = kNone;               // the alpha memory whose facts it indexes
    // False when every node using it is a Join below the root. Such a join looks into its right index only when the
    // root token arrives, at reset, while working memory is empty; the index would never be read, so it is not kept.
    bool read = false;
};

enum class NodeKind : std::uint8_t { Root, Join, Negative, Exists, Ncc, NccPartner, Test, Aggregate, Terminal };
std::string_view node_kind_name(NodeKind k);

// The hashed part of a join: fact slot `slot` must equal `left` (an operand resolved from the left token).
struct HashedEq {
    std::uint16_t slot = 0;
    Operand left;
    friend bool operator==(const HashedEq&, const HashedEq&) = default;
};

// A rule variable's place in a token chain (used by tests, actions and justifications).
struct VarRef {
    VarId var = kNoVar;
    Operand where;    // TokenSlot / TokenFact / TokenValue, `up` relative to the consumer's left token
};

struct BetaNode {
    NodeKind kind = NodeKind::Root;
    std::uint16_t depth = 0;              // token depth of this node's output tokens (root = 0)
    NodeId parent = kNone;
    std::vector<NodeId> children;         // propagation visits them in this order: latest-created first, except
                                          // that an Ncc node follows its subnetwork's top node (§2.8)
    AlphaId alpha = kNone;                // Join, Negative, Exists, Aggregate

    std::vector<HashedEq> hashed;         // equality joins, in slot order: the hash key of both indexes
    std::uint32_t right_index = kNone;    // Join, Negative, Exists, Aggregate: its RightIndex (keyed by hashed slots)
    // Join, Test, Negative: the Terminal node that is this node's only child, when there is one. Such a terminal
    // makes no tokens: the match is this node's token, whose `aux` (free while the token is active) holds the
    // activation — one record fewer per activation.
    NodeId inline_terminal = kNone;
    std::vector<SlotCheck> checks;        // the other join tests, checked on each candidate

    // Test nodes: the rule's expression and the variables it reads.
    RuleId rule = 0;                      // Test, Aggregate, Terminal: the rule it belongs to
    const Expr* expr = nullptr;
    std::vector<VarRef> expr_vars;

    // Aggregate nodes.
    AggOp agg = AggOp::Count;
    std::uint16_t over_slot = 0xFFFF;     // the aggregated slot (0xFFFF for count)
    Type result_type = Type::Any;

    // Ncc / NccPartner.
    NodeId partner = kNone;               // Ncc: its partner; NccPartner: its Ncc node
    std::uint16_t group_levels = 0;       // NccPartner: levels between the owner token and the partner's input
    bool exists_group = false;            // Ncc used for `exists (a, b)`: passes while the count is > 0
};

// Per-rule information the runtime needs to read a match.
struct RuleInfo {
    NodeId terminal = kNone;
    std::uint16_t depth = 0;              // depth of the terminal's left input (= number of top-level conditions)
    std::vector<Operand> vars;            // per VarId, relative to the terminal's left token; Const Any when the var
                                          // is local to a not/exists/aggregate group
    std::vector<std::uint16_t> positive_ups;  // per positive top-level pattern, in condition order: `up` of its token
};

struct Network {
    std::vector<AlphaNode> alpha_nodes;
    std::vector<std::vector<std::uint32_t>> alpha_roots;   // per template: top alpha nodes
    std::vector<AlphaId> template_memory;                   // per template: the memory of patterns with no test
    std::vector<AlphaMemory> alpha_memories;
    std::vector<RightIndex> right_indexes;
    std::vector<BetaNode> nodes;                            // nodes[0] is the root
    std::vector<RuleInfo> rules;                            // per RuleId
    std::vector<std::uint16_t> score_value_slot;            // per template: the `value` slot of score templates
    // Per template: 1 when its facts feed only Join nodes outside every Ncc subnetwork. Asserting such a fact can then
    // only add tokens and activations, and retracting it only remove them (no `not`, `exists`, aggregate or group
    // sees it) — the engine relies on this to defer the propagation of such asserts within a firing.
    std::vector<std::uint8_t> join_only;

    // A human-readable dump of the network (for `--show=rete` and tests).
    std::string dump(const Program& program) const;
};

// Compiles the network for every rule of `program`, in rule order. Throws std::logic_error when the program
// violates the checker's guarantees (a variable used before it is bound).
Network compile_network(const Program& program);

}  // namespace covenant::rete
