#include "rete/network.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "program/semantics.hpp"

namespace covenant::rete {

std::string_view node_kind_name(NodeKind k) {
    switch (k) {
        case NodeKind::Root: return "root";
        case NodeKind::Join: return "join";
        case NodeKind::Negative: return "not";
        case NodeKind::Exists: return "exists";
        case NodeKind::Ncc: return "ncc";
        case NodeKind::NccPartner: return "ncc-partner";
        case NodeKind::Test: return "test";
        case NodeKind::Aggregate: return "aggregate";
        case NodeKind::Terminal: return "terminal";
    }
    return "?";
}

namespace {

// Where a rule variable is bound: the depth of the token that binds it and how to read it there.
struct Binding {
    bool bound = false;
    std::uint16_t depth = 0;
    OperandKind kind = OperandKind::TokenSlot;
    std::uint16_t slot = 0;
    ListPart part = ListPart::Whole;   // TokenPart: the part of the list slot (list patterns)
    std::uint16_t index = 0;
};
using Scope = std::vector<Binding>;

struct CompiledPattern {
    AlphaId alpha = kNone;
    std::vector<HashedEq> hashed;
    std::vector<SlotCheck> checks;
};

class Compiler {
public:
    Compiler(const Program& program, Network& net) : program_(program), net_(net) {}

    void compile() {
        net_.alpha_roots.resize(program_.templates.size());
        net_.template_memory.assign(program_.templates.size(), kNone);
        net_.score_value_slot.assign(program_.templates.size(), 0xFFFF);
        for (const auto& t : program_.templates) {
            if (!t.is_score) continue;
            for (std::size_t i = 0; i < t.slots.size(); ++i)
                if (t.slots[i].name == "value") net_.score_value_slot[t.id] = static_cast<std::uint16_t>(i);
        }
        BetaNode root;
        root.kind = NodeKind::Root;
        net_.nodes.push_back(root);
        net_.rules.resize(program_.rules.size());
        for (const auto& rule : program_.rules) compile_rule(rule);
        if (net_.nodes.size() >= (1u << 28) - 1)   // tokens keep their node in 28 bits (matcher.hpp)
            throw std::length_error("the network has more than 2^28 nodes");
        mark_join_only_templates();
        mark_inline_terminals();
    }

private:
    const Program& program_;
    Network& net_;

    static Operand token_operand(const Binding& b, std::uint16_t left_depth) {
        Operand o;
        o.kind = b.kind;
        o.slot = b.slot;
        o.part = b.part;
        o.index = b.index;
        o.up = static_cast<std::uint16_t>(left_depth - b.depth);
        return o;
    }

    AlphaId alpha_memory_for(TemplateId tmpl, const std::vector<SlotCheck>& tests) {
        // Walks (and extends) the path of alpha nodes by index: pushing a node may move the vector.
        std::uint32_t at = kNone;  // kNone: the template's top level
        for (const auto& test : tests) {
            const auto& level = at == kNone ? net_.alpha_roots[tmpl] : net_.alpha_nodes[at].children;
            std::uint32_t found = kNone;
            for (auto child : level)
                if (net_.alpha_nodes[child].test == test) found = child;
            if (found == kNone) {
                found = static_cast<std::uint32_t>(net_.alpha_nodes.size());
                AlphaNode node;
                node.test = test;
                net_.alpha_nodes.push_back(std::move(node));
                (at == kNone ? net_.alpha_roots[tmpl] : net_.alpha_nodes[at].children).push_back(found);
            }
            at = found;
        }
        AlphaId& memory = at == kNone ? net_.template_memory[tmpl] : net_.alpha_nodes[at].memory;
        if (memory == kNone) {
            memory = static_cast<AlphaId>(net_.alpha_memories.size());
            AlphaMemory m;
            m.tmpl = tmpl;
            net_.alpha_memories.push_back(std::move(m));
        }
        return memory;
    }

    // Splits a pattern's tests into alpha tests (constants and intra-pattern variables), hashed equality joins and
    // other join tests (Doorenbos §2.2 / §2.4). `left_depth` is the depth of the tokens the pattern joins with.
    CompiledPattern compile_pattern(const Rule& rule, const Pattern& pat, const Scope& scope,
                                    std::uint16_t left_depth) {
        std::vector<const SlotBind*> local(rule.vars.size(), nullptr);
        for (const auto& b : pat.binds)
            if (b.var < local.size() && !local[b.var]) local[b.var] = &b;
        CompiledPattern out;
        std::vector<SlotCheck> alpha_tests;
        for (const auto& t : pat.tests) {
            SlotCheck check;
            check.slot = t.slot;
            check.op = t.op;
            check.part = t.part;
            check.index = t.index;
            bool joins = false;
            for (const auto& v : t.values) {
                Operand o;
                if (!v.is_var) {
                    o.constant = v.constant;
                } else if (v.var < local.size() && local[v.var]) {
                    const SlotBind& b = *local[v.var];
                    o.kind = b.part == ListPart::Whole ? OperandKind::FactSlot : OperandKind::FactPart;
                    o.slot = b.slot;
                    o.part = b.part;
                    o.index = b.index;
                } else if (v.var < scope.size() && scope[v.var].bound) {
                    o = token_operand(scope[v.var], left_depth);
                    joins = true;
                } else {
                    throw std::logic_error(fmt::format("rule '{}': variable {} used before it is bound", rule.name,
                                                       v.var < rule.vars.size() ? rule.vars[v.var].name : "?"));
                }
                check.values.push_back(o);
            }
            if (!joins) {
                alpha_tests.push_back(std::move(check));
            } else if (check.op == CmpOp::Eq && check.values.size() == 1 && check.part == ListPart::Whole) {
                // (A join on a part of a list is a plain check: right indexes hash whole slots.)
                out.hashed.push_back(HashedEq{check.slot, check.values[0]});
            } else {
                out.checks.push_back(std::move(check));
            }
        }
        out.alpha = alpha_memory_for(pat.tmpl, alpha_tests);
        // Hashed slots in slot order, so that every node joining a memory on the same slots hashes a fact the same
        // way and can share one right index (add_node).
        std::stable_sort(out.hashed.begin(), out.hashed.end(),
                         [](const HashedEq& a, const HashedEq& b) { return a.slot < b.slot; });
        return out;
    }

    // A new node goes to the FRONT of its parent's children and of its alpha memory's successors, so propagation
    // reaches later-defined rules first, as in CLIPS 6.30 (which links a new rule's joins in front of the existing
    // ones). Under the depth strategy the earlier-defined rule's activations then end on top; see agenda.hpp.
    NodeId add_node(BetaNode node) {
        NodeId id = static_cast<NodeId>(net_.nodes.size());
        if (node.parent != kNone) {
            auto& siblings = net_.nodes[node.parent].children;
            siblings.insert(siblings.begin(), id);
        }
        if (node.alpha != kNone) {
            auto& successors = net_.alpha_memories[node.alpha].successors;
            successors.insert(successors.begin(), id);
            node.right_index = right_index_for(node);
        }
        net_.nodes.push_back(std::move(node));
        return id;
    }

    // The right index of the memory `node` reads, keyed by the slots it joins on: one per (memory, slot list), shared
    // by every node with those, so a fact is indexed once per distinct key rather than once per node.
    std::uint32_t right_index_for(const BetaNode& node) {
        std::vector<std::uint16_t> slots;
        for (const auto& h : node.hashed) slots.push_back(h.slot);
        bool read = !(node.kind == NodeKind::Join && node.parent == 0);
        auto& indexes = net_.alpha_memories[node.alpha].right_indexes;
        for (auto r : indexes)
            if (net_.right_indexes[r].slots == slots) {
                net_.right_indexes[r].read = net_.right_indexes[r].read || read;
                return r;
            }
        auto r = static_cast<std::uint32_t>(net_.right_indexes.size());
        net_.right_indexes.push_back(RightIndex{std::move(slots), node.alpha, read});
        indexes.push_back(r);
        return r;
    }

    // BetaNode::inline_terminal. Only for parents whose tokens leave `aux` free while active (Join, Test: always;
    // Negative: its blocker is kNone exactly while the token is active), and only when the terminal is the only child,
    // so that removing the parent's token ends the match at the same point as removing the terminal's token did.
    void mark_inline_terminals() {
        for (NodeId id = 0; id < net_.nodes.size(); ++id) {
            const BetaNode& t = net_.nodes[id];
            if (t.kind != NodeKind::Terminal) continue;
            BetaNode& p = net_.nodes[t.parent];
            bool free_aux = p.kind == NodeKind::Join || p.kind == NodeKind::Test || p.kind == NodeKind::Negative;
            if (free_aux && p.children.size() == 1) p.inline_terminal = id;
        }
    }

    // Network::join_only: a template's facts reach only Join nodes outside every Ncc subnetwork.
    void mark_join_only_templates() {
        std::vector<bool> in_subnetwork(net_.nodes.size(), false);
        for (const auto& p : net_.nodes) {
            if (p.kind != NodeKind::NccPartner) continue;
            NodeId n = p.parent;
            for (std::uint16_t i = 0; i < p.group_levels; ++i, n = net_.nodes[n].parent) in_subnetwork[n] = true;
        }
        net_.join_only.assign(program_.templates.size(), 1);
        for (const auto& m : net_.alpha_memories)
            for (NodeId s : m.successors)
                if (net_.nodes[s].kind != NodeKind::Join || in_subnetwork[s]) net_.join_only[m.tmpl] = 0;
    }

    // An Ncc node must come after the top node of its subnetwork among the parent's children (Doorenbos §2.8: a new
    // left token has to reach the subnetwork, and through it the partner, before the Ncc node), so it is placed right
    // behind that node instead of in front of everything.
    NodeId add_ncc_node(BetaNode node, NodeId bottom) {
        NodeId parent = node.parent;
        if (bottom == parent) throw std::logic_error("empty not/exists group");
        NodeId top = bottom;
        while (net_.nodes[top].parent != parent) top = net_.nodes[top].parent;
        NodeId id = static_cast<NodeId>(net_.nodes.size());
        auto& siblings = net_.nodes[parent].children;
        siblings.insert(std::find(siblings.begin(), siblings.end(), top) + 1, id);
        net_.nodes.push_back(std::move(node));
        return id;
    }

    // Join, negative and exists nodes are shared when everything that determines their output is equal.
    NodeId add_shareable(BetaNode node) {
        for (NodeId child : net_.nodes[node.parent].children) {
            const BetaNode& c = net_.nodes[child];
            if (c.kind == node.kind && c.alpha == node.alpha && c.hashed == node.hashed && c.checks == node.checks)
                return child;
        }
        return add_node(std::move(node));
    }

    static void collect_vars(const Expr& e, std::vector<VarId>& out) {
        if (e.kind == ExprKind::Var) {
            for (auto v : out)
                if (v == e.var) return;
            out.push_back(e.var);
        }
        for (const auto& a : e.args) collect_vars(a, out);
    }

    static void bind_pattern_vars(const Pattern& pat, std::uint16_t depth, Scope& scope) {
        for (const auto& b : pat.binds) {
            if (b.var >= scope.size() || scope[b.var].bound) continue;
            scope[b.var] = Binding{true, depth, b.part == ListPart::Whole ? OperandKind::TokenSlot : OperandKind::TokenPart,
                                   b.slot, b.part, b.index};
        }
        if (pat.fact_var != kNoVar && pat.fact_var < scope.size())
            scope[pat.fact_var] = Binding{true, depth, OperandKind::TokenFact, 0};
    }

    // Builds the nodes for `conds` below `parent` (whose tokens have depth `depth`); returns the last node.
    NodeId build(const Rule& rule, NodeId parent, std::uint16_t depth, const std::vector<Condition>& conds,
                 Scope& scope) {
        for (const auto& cond : conds) {
            BetaNode node;
            node.parent = parent;
            node.depth = static_cast<std::uint16_t>(depth + 1);
            node.rule = rule.id;
            switch (cond.kind) {
                case CondKind::Pattern: {
                    auto cp = compile_pattern(rule, cond.pattern, scope, depth);
                    node.kind = NodeKind::Join;
                    node.alpha = cp.alpha;
                    node.hashed = std::move(cp.hashed);
                    node.checks = std::move(cp.checks);
                    parent = add_shareable(std::move(node));
                    bind_pattern_vars(cond.pattern, static_cast<std::uint16_t>(depth + 1), scope);
                    break;
                }
                case CondKind::Not:
                case CondKind::Exists: {
                    bool is_not = cond.kind == CondKind::Not;
                    if (cond.group.size() == 1 && cond.group[0].kind == CondKind::Pattern) {
                        // Doorenbos §2.7: a single negated pattern is a negative node.
                        auto cp = compile_pattern(rule, cond.group[0].pattern, scope, depth);
                        node.kind = is_not ? NodeKind::Negative : NodeKind::Exists;
                        node.alpha = cp.alpha;
                        node.hashed = std::move(cp.hashed);
                        node.checks = std::move(cp.checks);
                            parent = add_shareable(std::move(node));
                    } else {
                        // Doorenbos §2.8: the subnetwork hangs off the same parent and precedes the Ncc node among
                        // its children, so a new left token reaches the subnetwork (and the partner) first.
                        Scope inner = scope;
                        NodeId bottom = build(rule, parent, depth, cond.group, inner);
                        node.kind = NodeKind::Ncc;
                        node.exists_group = !is_not;
                        NodeId ncc = add_ncc_node(std::move(node), bottom);
                        BetaNode partner;
                        partner.kind = NodeKind::NccPartner;
                        partner.parent = bottom;
                        partner.depth = static_cast<std::uint16_t>(net_.nodes[bottom].depth + 1);
                        partner.group_levels = static_cast<std::uint16_t>(net_.nodes[bottom].depth - depth);
                        partner.partner = ncc;
                        partner.rule = rule.id;
                        NodeId pid = add_node(std::move(partner));
                        net_.nodes[ncc].partner = pid;
                        parent = ncc;
                    }
                    break;
                }
                case CondKind::Test: {
                    node.kind = NodeKind::Test;
                    node.expr = &cond.test;
                    std::vector<VarId> used;
                    collect_vars(cond.test, used);
                    for (auto v : used) {
                        if (v >= scope.size() || !scope[v].bound)
                            throw std::logic_error(fmt::format("rule '{}': test reads an unbound variable", rule.name));
                        node.expr_vars.push_back(VarRef{v, token_operand(scope[v], depth)});
                    }
                    parent = add_node(std::move(node));
                    break;
                }
                case CondKind::Aggregate: {
                    auto cp = compile_pattern(rule, cond.pattern, scope, depth);
                    node.kind = NodeKind::Aggregate;
                    node.alpha = cp.alpha;
                    node.hashed = std::move(cp.hashed);
                    node.checks = std::move(cp.checks);
                    node.agg = cond.agg;
                    if (cond.agg == AggOp::Score) {
                        node.over_slot = net_.score_value_slot[cond.pattern.tmpl];
                    } else if (cond.agg != AggOp::Count) {
                        for (const auto& b : cond.pattern.binds)
                            if (b.var == cond.over) node.over_slot = b.slot;
                        if (node.over_slot == 0xFFFF)
                            throw std::logic_error(fmt::format("rule '{}': aggregate variable not bound in its "
                                                               "pattern", rule.name));
                    }
                    Type declared = cond.result < rule.vars.size() ? rule.vars[cond.result].type : Type::Any;
                    Type slot_type = node.over_slot == 0xFFFF
                                         ? Type::Any
                                         : program_.templates[cond.pattern.tmpl].slots[node.over_slot].type;
                    node.result_type = aggregate_result_type(cond.agg, declared, slot_type);
                    parent = add_node(std::move(node));
                    if (cond.result < scope.size())
                        scope[cond.result] =
                            Binding{true, static_cast<std::uint16_t>(depth + 1), OperandKind::TokenValue, 0};
                    break;
                }
            }
            ++depth;
        }
        return parent;
    }

    void compile_rule(const Rule& rule) {
        Scope scope(rule.vars.size());
        NodeId last = build(rule, 0, 0, rule.conditions, scope);
        std::uint16_t depth = net_.nodes[last].depth;
        BetaNode term;
        term.kind = NodeKind::Terminal;
        term.parent = last;
        term.depth = static_cast<std::uint16_t>(depth + 1);
        term.rule = rule.id;
        RuleInfo& info = net_.rules[rule.id];
        info.terminal = add_node(std::move(term));
        info.depth = depth;
        info.vars.resize(rule.vars.size());
        for (std::size_t v = 0; v < rule.vars.size(); ++v) {
            if (scope[v].bound) {
                info.vars[v] = token_operand(scope[v], depth);
            } else {
                info.vars[v].kind = OperandKind::Const;
                info.vars[v].constant.type = Type::Any;
            }
        }
        for (std::size_t i = 0; i < rule.conditions.size(); ++i)
            if (rule.conditions[i].kind == CondKind::Pattern)
                info.positive_ups.push_back(static_cast<std::uint16_t>(depth - (i + 1)));
    }
};

// ".length", "[0]", "[-1]" (the last item), "[1..-0]" (the rest after the first item).
std::string describe_part(ListPart part, std::uint16_t index) {
    switch (part) {
        case ListPart::Whole: return "";
        case ListPart::Length: return ".length";
        case ListPart::Item: return fmt::format("[{}]", index);
        case ListPart::ItemFromEnd: return fmt::format("[-{}]", index + 1);
        case ListPart::Rest: return fmt::format("[{}..-{}]", index & 0xFF, index >> 8);
    }
    return "";
}

std::string describe_operand(const Operand& o) {
    switch (o.kind) {
        case OperandKind::Const: return to_source(o.constant);
        case OperandKind::FactSlot: return fmt::format("slot{}", o.slot);
        case OperandKind::TokenSlot: return fmt::format("up{}.slot{}", o.up, o.slot);
        case OperandKind::TokenFact: return fmt::format("up{}.fact", o.up);
        case OperandKind::TokenValue: return fmt::format("up{}.value", o.up);
        case OperandKind::FactPart: return fmt::format("slot{}{}", o.slot, describe_part(o.part, o.index));
        case OperandKind::TokenPart: return fmt::format("up{}.slot{}{}", o.up, o.slot, describe_part(o.part, o.index));
    }
    return "?";
}

// The dump writes equality as "=" (cmp_op_dump_text says why).
std::string_view op_text(CmpOp op) { return cmp_op_dump_text(op); }

std::string describe_check(const SlotCheck& c) {
    std::string s = fmt::format("slot{}{} {}", c.slot, describe_part(c.part, c.index), op_text(c.op));
    for (std::size_t i = 0; i < c.values.size(); ++i) s += (i ? " | " : " ") + describe_operand(c.values[i]);
    return s;
}

}  // namespace

Network compile_network(const Program& program) {
    Network net;
    Compiler(program, net).compile();
    return net;
}

std::string Network::dump(const Program& program) const {
    std::string out;
    out += fmt::format("alpha memories: {}\n", alpha_memories.size());
    for (std::size_t i = 0; i < alpha_memories.size(); ++i) {
        out += fmt::format("  a{} {} ->", i, program.templates[alpha_memories[i].tmpl].name);
        for (auto s : alpha_memories[i].successors) out += fmt::format(" n{}", s);
        out += "\n";
    }
    out += fmt::format("alpha nodes: {}\n", alpha_nodes.size());
    for (std::size_t i = 0; i < alpha_nodes.size(); ++i) {
        out += fmt::format("  t{} [{}]", i, describe_check(alpha_nodes[i].test));
        for (auto c : alpha_nodes[i].children) out += fmt::format(" t{}", c);
        if (alpha_nodes[i].memory != kNone) out += fmt::format(" -> a{}", alpha_nodes[i].memory);
        out += "\n";
    }
    out += fmt::format("beta nodes: {}\n", nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const BetaNode& n = nodes[i];
        out += fmt::format("  n{} {} depth {}", i, node_kind_name(n.kind), n.depth);
        if (n.parent != kNone) out += fmt::format(" parent n{}", n.parent);
        if (n.alpha != kNone) out += fmt::format(" alpha a{}", n.alpha);
        for (const auto& h : n.hashed) out += fmt::format(" [hash slot{} = {}]", h.slot, describe_operand(h.left));
        for (const auto& c : n.checks) out += " [" + describe_check(c) + "]";
        if (n.kind == NodeKind::Terminal || n.kind == NodeKind::Test || n.kind == NodeKind::Aggregate)
            out += fmt::format(" rule {}", program.rules[n.rule].name);
        out += "\n";
    }
    return out;
}

}  // namespace covenant::rete
