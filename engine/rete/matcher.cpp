#include "rete/matcher.hpp"

#include <algorithm>
#include <cassert>

#include "program/semantics.hpp"

namespace covenant::rete {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h;
}

std::uint64_t pair_key(NodeId node, TokenId owner) { return (static_cast<std::uint64_t>(node) << 32) | owner; }

// equal_for_match with the same-type case inline (program/semantics.hpp): on the path of every join candidate.
inline bool same_value(const Value& a, const Value& b) { return match_equal(a, b); }

bool is_token_operand(const Operand& o) { return o.kind > OperandKind::FactPart; }

// The value of an operand that reads the fact being tested (FactSlot, FactPart).
inline Value fact_operand(const Operand& o, const Value* fv) {
    return o.kind == OperandKind::FactSlot ? fv[o.slot] : list_part(fv[o.slot], o.part, o.index);
}

// The test `c` on the fact values `fv`, with operand(o, i) giving the value of c.values[i] == o. The meaning of the
// test is slot_test_holds (program/semantics.hpp), which why-not shares.
template <typename OperandValue>
bool check_with(const SlotCheck& c, const Value* fv, OperandValue operand) {
    // One call of slot_test_holds, so that it stays inlined (two call sites, one per case, made the compiler outline
    // it: +2.5% instructions on Manners).
    const Value* v = &fv[c.slot];
    Value part;
    if (c.part != ListPart::Whole) [[unlikely]] {
        part = list_part(*v, c.part, c.index);
        v = &part;
    }
    return slot_test_holds(c.op, *v, c.values.size(), [&](std::size_t i) -> Value { return operand(c.values[i], i); });
}

}  // namespace

Matcher::Matcher(const Program& program, const Network& net, WorkingMemory& wm, MatchListener& listener)
    : program_(program), net_(net), wm_(wm), listener_(listener) {
    build_segments();
}

void Matcher::reset() {
    tokens_.clear();
    free_tokens_.clear();
    live_tokens_ = 0;
    entries_.clear();
    free_entries_.clear();
    buckets_.clear();
    free_buckets_.clear();
    bucket_map_.clear_keeping(kKeptTableSlots);
    empty_buckets_.clear();
    agg_states_.clear();
    free_agg_states_.clear();
    ncc_tokens_.clear();
    ncc_pending_.clear();
    left_count_.assign(net_.nodes.size(), 0);
    last_blocker_.assign(net_.nodes.size(), kNoFact);
    // What go_eager_if_wasteful learnt stays: it is about the rules, and a program is often run on many fact sets in
    // turn (classify resets the engine for every case).
    for (Segment& seg : segments_) {
        seg.live.clear();
        seg.count = 0;
    }
    suspensions_.clear();
    free_suspensions_.clear();
    live_suspensions_ = 0;
    suspended_.clear();
    partial_index_.clear();
    partial_owner_.clear();
    TokenId root = make_token<false>(0, kNone, kNoFact);   // the root token is no rule's partial match
    tokens_[root].flags = kActive;
    if (profile_) activate<true>(root);
    else activate<false>(root);
}

// ---- profiling ----

// Times a node's work while profiling (P): its left or right activation, or the removal of one of its tokens. The
// general template, used when profiling is off, does nothing and compiles to nothing.
template <bool P>
class Matcher::NodeScope {
public:
    NodeScope(Matcher&, NodeId) {}
};

template <>
class Matcher::NodeScope<true> {
public:
    NodeScope(Matcher& m, NodeId n) : m_(m), n_(n) { m_.timer_.enter(); }
    ~NodeScope() { m_.charge(n_, m_.timer_.leave()); }
    NodeScope(const NodeScope&) = delete;
    NodeScope& operator=(const NodeScope&) = delete;

private:
    Matcher& m_;
    NodeId n_;
};

void Matcher::set_profile(Profile* profile) {
    profile_ = profile;
    if (!profile) return;
    if (profile->rules.size() < program_.rules.size()) profile->rules.resize(program_.rules.size());
    if (!node_rules_.empty()) return;   // the network never changes: computed once
    node_rules_.resize(net_.nodes.size());
    for (RuleId r = 0; r < net_.rules.size(); ++r)
        if (net_.rules[r].terminal != kNone) add_rule_path(net_.rules[r].terminal, kNone, r);
}

// Rule r's path: from `n` up through the parents to `stop` (exclusive), and for every Ncc node on it the Ncc's
// subnetwork, which hangs off the Ncc's parent and ends in its partner (Doorenbos §2.8).
void Matcher::add_rule_path(NodeId n, NodeId stop, RuleId r) {
    for (; n != stop && n != kNone; n = net_.nodes[n].parent) {
        std::vector<RuleId>& rules = node_rules_[n];
        if (rules.empty() || rules.back() != r) rules.push_back(r);
        const BetaNode& b = net_.nodes[n];
        if (b.kind == NodeKind::Ncc && b.partner != kNone) add_rule_path(b.partner, b.parent, r);
    }
}

void Matcher::charge(NodeId n, std::uint64_t ns) {
    profile_->match_ns += ns;
    for (RuleId r : node_rules_[n]) profile_->rules[r].match_ns += ns;
}

// A terminal's token is an activation (counted as such), not a partial match.
void Matcher::count_token(NodeId n) {
    if (net_.nodes[n].kind == NodeKind::Terminal) return;
    ++profile_->tokens;
    for (RuleId r : node_rules_[n]) ++profile_->rules[r].tokens;
}

// ---- hash indexes ----

void Matcher::index_insert(std::uint32_t index, std::uint64_t key, std::uint32_t item, std::uint32_t& item_head) {
    std::uint32_t b;
    std::uint32_t h = static_cast<std::uint32_t>(bucket_hash(index, key));
    if (BucketSlot* slot = bucket_map_.find(h, [&](const BucketSlot& s) { return same_bucket(s, index, key); })) {
        b = slot->bucket;
    } else {
        // Empty buckets are dropped only when the table would otherwise grow (see entry_erase).
        if (bucket_map_.full() && !empty_buckets_.empty()) sweep_empty_buckets();
        if (!free_buckets_.empty()) {
            b = free_buckets_.back();
            free_buckets_.pop_back();
        } else {
            b = buckets_.push();
        }
        buckets_[b] = Bucket{key, kNone, index, 0};
        bucket_map_.insert(BucketSlot{h, b});
    }
    std::uint32_t e;
    if (!free_entries_.empty()) {
        e = free_entries_.back();
        free_entries_.pop_back();
    } else {
        e = entries_.push();
    }
    // Appended at the tail would need a tail pointer; inserting at the head keeps the bucket O(1). Bucket order is
    // deterministic either way (it depends only on the sequence of operations).
    Entry& en = entries_[e];
    en.item = item;
    en.bucket = b;
    en.prev = kNone;
    en.next = buckets_[b].head;
    if (en.next != kNone) entries_[en.next].prev = e;
    buckets_[b].head = e;
    en.next_of_item = item_head;
    item_head = e;
    if ((index & 1) == 0) ++left_count_[index / 2];
}

void Matcher::entry_erase(std::uint32_t e) {
    Entry& en = entries_[e];
    Bucket& bucket = buckets_[en.bucket];
    if ((bucket.index & 1) == 0) --left_count_[bucket.index / 2];
    if (en.prev != kNone) entries_[en.prev].next = en.next;
    else bucket.head = en.next;
    if (en.next != kNone) entries_[en.next].prev = en.prev;
    if (bucket.head == kNone && !bucket.queued) {
        // An emptied bucket stays in the map for now: the same key is often filled again soon (a context fact
        // retracted and re-asserted rebuilds the same tokens), and erasing and re-inserting it each time was a
        // large part of the cost. Empty buckets are swept when a new bucket would make the table grow, so the table
        // never holds more buckets than it did at its fullest.
        bucket.queued = 1;
        empty_buckets_.push_back(en.bucket);
    }
    en.item = kNone;
    free_entries_.push_back(e);
}

void Matcher::sweep_empty_buckets() {
    for (std::uint32_t b : empty_buckets_) {
        Bucket& bucket = buckets_[b];
        bucket.queued = 0;
        if (bucket.head != kNone) continue;
        bucket_map_.erase(static_cast<std::uint32_t>(bucket_hash(bucket.index, bucket.key)),
                          [&](const BucketSlot& s) { return s.bucket == b; });
        free_buckets_.push_back(b);
    }
    empty_buckets_.clear();
}

std::uint32_t Matcher::bucket_head(std::uint32_t index, std::uint64_t key) const {
    const BucketSlot* slot = bucket_map_.find(static_cast<std::uint32_t>(bucket_hash(index, key)),
                                              [&](const BucketSlot& s) { return same_bucket(s, index, key); });
    return slot ? buckets_[slot->bucket].head : kNone;
}

std::uint64_t Matcher::left_key(const BetaNode& n, TokenId left) const {
    std::uint64_t h = 0x12345;
    for (const auto& eq : n.hashed) h = mix(h, resolve(left, eq.left).hash());
    return h;
}

std::uint64_t Matcher::push_left_values(const BetaNode& n, TokenId left) {
    std::uint64_t h = 0x12345;
    for (const auto& eq : n.hashed) {
        scratch_values_.push_back(resolve(left, eq.left));
        h = mix(h, scratch_values_.back().hash());
    }
    // The token-side operands of the other tests are fixed for the whole walk over the candidates, so they are
    // resolved here once rather than per candidate (each resolve climbs the token's parents). One slot per operand of
    // every check, in order; constants and the fact's own slots leave theirs unused.
    for (const auto& c : n.checks)
        for (const auto& o : c.values)
            scratch_values_.push_back(is_token_operand(o) ? resolve(left, o) : Value());
    return h;
}

bool Matcher::passes_with(const BetaNode& n, std::size_t values, const Value* fv) const {
    for (std::size_t i = 0; i < n.hashed.size(); ++i)
        if (!same_value(fv[n.hashed[i].slot], scratch_values_[values + i])) return false;
    std::size_t k = values + n.hashed.size();
    for (const auto& c : n.checks) {
        const Value* resolved = scratch_values_.data() + k;
        auto operand = [&](const Operand& o, std::size_t i) -> Value {
            if (o.kind == OperandKind::Const) return o.constant;
            if (o.kind <= OperandKind::FactPart) return fact_operand(o, fv);  // FactSlot or FactPart
            return resolved[i];
        };
        if (!check_with(c, fv, operand)) return false;
        k += c.values.size();
    }
    return true;
}

// A fact's key in right index r — and, since a node's hashed slots are its right index's slots in the same order,
// the key under which the fact meets the left tokens of every node using r (left keys hash the same values).
std::uint64_t Matcher::index_key(const RightIndex& r, const Value* fv) const {
    std::uint64_t h = 0x12345;
    for (auto slot : r.slots) h = mix(h, fv[slot].hash());
    return h;
}

// ---- tests ----

Value Matcher::resolve(TokenId left, const Operand& op) const {
    if (op.kind == OperandKind::Const) return op.constant;
    TokenId t = left;
    for (std::uint16_t i = 0; i < op.up; ++i) t = tokens_[t].parent;
    const Token& tok = tokens_[t];
    switch (op.kind) {
        case OperandKind::TokenSlot: return wm_.values(tok.fact)[op.slot];
        case OperandKind::TokenFact: return Value::integer(tok.fact);
        case OperandKind::TokenValue: return agg_states_[tok.aux].current;
        case OperandKind::TokenPart: return list_part(wm_.values(tok.fact)[op.slot], op.part, op.index);
        default: return op.constant;
    }
}

TokenId Matcher::match_left(TokenId match) const {
    return net_.nodes[tokens_[match].node].kind == NodeKind::Terminal ? tokens_[match].parent : match;
}

FactId Matcher::fact_above(TokenId left, std::uint16_t up) const {
    TokenId t = left;
    for (std::uint16_t i = 0; i < up; ++i) t = tokens_[t].parent;
    return tokens_[t].fact;
}

bool Matcher::check(const SlotCheck& c, const Value* fv, TokenId left) const {
    auto operand = [&](const Operand& o, std::size_t) -> Value {
        if (o.kind == OperandKind::Const) return o.constant;
        if (o.kind <= OperandKind::FactPart) return fact_operand(o, fv);  // FactSlot or FactPart
        return resolve(left, o);
    };
    return check_with(c, fv, operand);
}

bool Matcher::join_passes(const BetaNode& n, TokenId left, const Value* fv) const {
    for (const auto& eq : n.hashed)
        if (!same_value(fv[eq.slot], resolve(left, eq.left))) return false;
    for (const auto& c : n.checks)
        if (!check(c, fv, left)) return false;
    return true;
}

// ---- tokens ----

template <bool P>
TokenId Matcher::make_token(NodeId node, TokenId parent, FactId fact) {
    if constexpr (P) count_token(node);
    TokenId t;
    if (!free_tokens_.empty()) {
        t = free_tokens_.back();
        free_tokens_.pop_back();
        tokens_[t] = Token{};
    } else {
        t = tokens_.push();
    }
    Token& tok = tokens_[t];
    tok.parent = parent;
    tok.fact = fact;
    tok.node = node;
    if (parent != kNone) {
        tok.next_sibling = tokens_[parent].first_child;
        if (tok.next_sibling != kNone) tokens_[tok.next_sibling].prev_sibling = t;
        tokens_[parent].first_child = t;
    }
    if (fact != kNoFact) {
        FactRecord& r = wm_.record(fact);
        tok.next_same_fact = r.first_token;
        if (r.first_token != kNone) tokens_[r.first_token].prev_same_fact = t;
        r.first_token = t;
    }
    ++live_tokens_;
    return t;
}

void Matcher::free_token(TokenId t) {
    Token& tok = tokens_[t];
    if (tok.flags & kPartial) [[unlikely]] forget_partial(t);
    if (tok.parent != kNone) {
        if (tok.prev_sibling != kNone) tokens_[tok.prev_sibling].next_sibling = tok.next_sibling;
        else tokens_[tok.parent].first_child = tok.next_sibling;
        if (tok.next_sibling != kNone) tokens_[tok.next_sibling].prev_sibling = tok.prev_sibling;
    }
    if (tok.fact != kNoFact) {
        if (tok.prev_same_fact != kNone) tokens_[tok.prev_same_fact].next_same_fact = tok.next_same_fact;
        else wm_.record(tok.fact).first_token = tok.next_same_fact;
        if (tok.next_same_fact != kNone) tokens_[tok.next_same_fact].prev_same_fact = tok.prev_same_fact;
    }
    for (std::uint32_t e = tok.first_entry; e != kNone;) {
        std::uint32_t next = entries_[e].next_of_item;
        entry_erase(e);
        e = next;
    }
    tok.first_entry = kNone;
    tok.node = kFreedNode;
    free_tokens_.push_back(t);
    --live_tokens_;
}

template <bool P>
void Matcher::remove_children(TokenId t) {
    if (tokens_[t].flags & kSuspended) [[unlikely]] drop_suspensions(t);
    while (tokens_[t].first_child != kNone) remove_token<P>(tokens_[t].first_child);
}

// Tree-based removal (Doorenbos §2.5): children first, then node-specific bookkeeping, then the token itself.
// The node is read before the flags are written, here and in activate/deactivate: the flags share a word with the
// node, and a load of a word just after a byte store into it cannot be forwarded from the store buffer (a stall of
// ~15 cycles, measured at a third of left_activate's time on Manners).
template <bool P>
void Matcher::remove_token(TokenId t) {
    NodeScope<P> timed(*this, tokens_[t].node);
    const BetaNode& n = net_.nodes[tokens_[t].node];
    bool matched = n.inline_terminal != kNone && (tokens_[t].flags & kActive);
    tokens_[t].flags |= kDying;
    remove_children<P>(t);
    if (matched) listener_.on_unmatch(net_.nodes[n.inline_terminal].rule, t);
    switch (n.kind) {
        case NodeKind::Terminal: listener_.on_unmatch(n.rule, t); break;
        case NodeKind::Aggregate:
            agg_states_[tokens_[t].aux].values.clear();
            free_agg_states_.push_back(tokens_[t].aux);
            break;
        case NodeKind::Ncc: ncc_tokens_.erase(pair_key(tokens_[t].node, tokens_[t].parent)); break;
        case NodeKind::NccPartner: partner_result<P>(tokens_[t].node, tokens_[t].parent, -1); break;
        default: break;
    }
    free_token(t);
}

template <bool P>
void Matcher::activate(TokenId t) {
    const BetaNode& n = net_.nodes[tokens_[t].node];
    tokens_[t].flags |= kActive;
    for (NodeId child : n.children) {
        if (top_of_[child] != kNone && lazy_) [[unlikely]] suspend(child, t);
        else left_activate<P>(child, t);
    }
}

// The token stops being visible to its node's children: everything built on it goes, and so do its entries in the
// children's left indexes (its entry in its own node's index stays).
template <bool P>
void Matcher::deactivate(TokenId t) {
    NodeId own = tokens_[t].node;
    tokens_[t].flags |= kDying;
    remove_children<P>(t);
    if (NodeId term = net_.nodes[own].inline_terminal; term != kNone) listener_.on_unmatch(net_.nodes[term].rule, t);
    std::uint32_t* link = &tokens_[t].first_entry;
    while (*link != kNone) {
        std::uint32_t e = *link;
        if (buckets_[entries_[e].bucket].index / 2 != own) {
            *link = entries_[e].next_of_item;
            entry_erase(e);
        } else {
            link = &entries_[e].next_of_item;
        }
    }
    tokens_[t].flags = tokens_[t].flags & ~(kActive | kDying);
}

template <bool P>
void Matcher::set_ncc_count(TokenId t, std::uint32_t count) {
    Token& tok = tokens_[t];
    bool passes_before = (tok.flags & kActive) != 0;
    tok.aux = count;
    bool passes = net_.nodes[tok.node].exists_group ? count > 0 : count == 0;
    if (passes == passes_before) return;
    if (passes) activate<P>(t);
    else deactivate<P>(t);
}

// ---- activations ----

template <bool P>
void Matcher::left_activate(NodeId id, TokenId left) {
    NodeScope<P> timed(*this, id);
    const BetaNode& n = net_.nodes[id];
    switch (n.kind) {
        case NodeKind::Join: {
            // The left token's join values are resolved once, for the key and for every candidate.
            std::size_t values = scratch_values_.size();
            std::uint64_t key = push_left_values(n, left);
            prefetch_bucket(right_index(n), key);
            index_insert(left_index(id), key, left, tokens_[left].first_entry);
            std::size_t base = scratch_.size();
            for (std::uint32_t e = bucket_head(right_index(n), key); e != kNone; e = entries_[e].next)
                scratch_.push_back(entries_[e].item);
            std::size_t end = scratch_.size();
            // Facts are visited oldest first (a bucket lists its newest entry first), as CLIPS 6.30 walks an alpha
            // memory: the last activation made, on top under depth, has the newest fact.
            for (std::size_t i = end; i > base; --i) {
                FactId f = scratch_[i - 1];
                if (!passes_with(n, values, wm_.values(f))) continue;
                bool reused = false;
                TokenId t = partial_index_.empty() ? make_token<P>(id, left, f) : obtain_token<P>(id, left, f, reused);
                activate<P>(t);
            }
            scratch_.resize(base);
            scratch_values_.resize(values);
            break;
        }
        case NodeKind::Negative:
        case NodeKind::Exists: {
            // Blockers, as CLIPS and Drools keep them: the token remembers one matching fact, so the scan stops at the
            // first match and later matches cost nothing (right_activate skips blocked tokens without a test).
            bool reused = false;
            TokenId t = partial_index_.empty() ? make_token<P>(id, left, kNoFact)
                                               : obtain_token<P>(id, left, kNoFact, reused);
            std::size_t values = scratch_values_.size();
            std::uint64_t key = push_left_values(n, left);
            prefetch_bucket(right_index(n), key);
            index_insert(left_index(id), key, t, tokens_[t].first_entry);
            if (reused) [[unlikely]] {
                // A token expand made (lazy matching): it has been kept up to date since (blocked or not), and its
                // aux may hold its match's activation; only its place in the index is renewed (above).
                scratch_values_.resize(values);
                if (tokens_[t].flags & kActive) activate<P>(t);
                break;
            }
            std::uint32_t blocker = first_match(n, values, key);
            scratch_values_.resize(values);
            tokens_[t].aux = blocker;
            if ((n.kind == NodeKind::Exists) == (blocker != kNone)) activate<P>(t);
            break;
        }
        case NodeKind::Ncc: {
            // The subnetwork already saw `left` (it comes earlier among the parent's children): its results for
            // this owner are waiting in ncc_pending_.
            TokenId t = make_token<P>(id, left, kNoFact);
            std::uint32_t count = 0;
            if (auto it = ncc_pending_.find(pair_key(id, left)); it != ncc_pending_.end()) {
                count = it->second;
                ncc_pending_.erase(it);
            }
            ncc_tokens_[pair_key(id, left)] = t;
            tokens_[t].aux = count;
            bool passes = n.exists_group ? count > 0 : count == 0;
            if (passes) activate<P>(t);
            break;
        }
        case NodeKind::NccPartner: {
            TokenId t = make_token<P>(id, left, kNoFact);
            tokens_[t].flags |= kActive;
            partner_result<P>(id, left, +1);
            break;
        }
        case NodeKind::Test: {
            const Rule& rule = program_.rules[n.rule];
            scratch_bindings_.resize(std::max(scratch_bindings_.size(), rule.vars.size()));
            for (const auto& ref : n.expr_vars) scratch_bindings_[ref.var] = resolve(left, ref.where);
            EvalError error;
            bool failed = false;
            bool ok = evaluate_test(*n.expr, scratch_bindings_.data(), error, failed);
            if (failed) listener_.on_test_error(n.rule, error);
            if (ok) activate<P>(make_token<P>(id, left, kNoFact));
            break;
        }
        case NodeKind::Aggregate: {
            TokenId t = make_token<P>(id, left, kNoFact);
            std::uint64_t key = left_key(n, left);
            index_insert(left_index(id), key, t, tokens_[t].first_entry);
            std::uint32_t s = new_agg_state();
            tokens_[t].aux = s;
            for (std::uint32_t e = bucket_head(right_index(n), key); e != kNone; e = entries_[e].next) {
                const Value* fv = wm_.values(entries_[e].item);
                if (!join_passes(n, left, fv)) continue;
                agg_states_[s].add(n.over_slot == 0xFFFF ? Value() : fv[n.over_slot], +1, n.agg == AggOp::Collect);
            }
            agg_states_[s].compute(n.agg, n.result_type);
            if (agg_states_[s].defined) activate<P>(t);
            break;
        }
        case NodeKind::Terminal: {
            if (net_.nodes[n.parent].inline_terminal == id) {
                // The match is the parent's token. A token expand made was matched then (lazy matching).
                if (tokens_[left].flags & kPartial) break;
                if constexpr (P) ++profile_->rules[n.rule].activations;
                listener_.on_match(n.rule, left);
                break;
            }
            bool reused = false;
            TokenId t = partial_index_.empty() ? make_token<P>(id, left, kNoFact)
                                               : obtain_token<P>(id, left, kNoFact, reused);
            if (reused) break;
            if constexpr (P) ++profile_->rules[n.rule].activations;
            tokens_[t].flags |= kActive;
            listener_.on_match(n.rule, t);
            break;
        }
        case NodeKind::Root: break;
    }
}

template <bool P>
void Matcher::partner_result(NodeId partner, TokenId bottom, int delta) {
    const BetaNode& p = net_.nodes[partner];
    TokenId owner = bottom;
    for (std::uint16_t i = 0; i < p.group_levels; ++i) owner = tokens_[owner].parent;
    std::uint64_t key = pair_key(p.partner, owner);
    auto it = ncc_tokens_.find(key);
    if (it == ncc_tokens_.end()) {
        // The Ncc token for this owner is not made yet (we are inside the owner's left activation) or already
        // gone (the owner is being removed or deactivated).
        if (delta > 0) {
            ++ncc_pending_[key];
        } else if (auto pit = ncc_pending_.find(key); pit != ncc_pending_.end() && --pit->second == 0) {
            ncc_pending_.erase(pit);
        }
        return;
    }
    // While the owner is going away its Ncc token goes too; changing it now would only make transient matches.
    if (tokens_[owner].flags & kDying) return;
    TokenId t = it->second;
    std::uint32_t count = tokens_[t].aux;
    set_ncc_count<P>(t, delta > 0 ? count + 1 : count - 1);
}

// `f` is already in n's right index (add_fact).
template <bool P>
void Matcher::right_activate(NodeId id, FactId f) {
    NodeScope<P> timed(*this, id);
    const BetaNode& n = net_.nodes[id];
    const Value* fv = wm_.values(f);
    std::uint64_t key = index_key(net_.right_indexes[n.right_index], fv);
    std::size_t base = scratch_.size();
    for (std::uint32_t e = bucket_head(left_index(id), key); e != kNone; e = entries_[e].next)
        scratch_.push_back(entries_[e].item);
    std::size_t end = scratch_.size();
    // Tokens are visited newest first (bucket order), as CLIPS 6.30 walks a beta memory: the activation with the
    // oldest token is made last and so is on top under depth.
    for (std::size_t i = base; i < end; ++i) {
        TokenId cand = scratch_[i];
        switch (n.kind) {
            case NodeKind::Join: {
                if (!join_passes(n, cand, fv)) break;
                activate<P>(make_token<P>(id, cand, f));
                break;
            }
            case NodeKind::Negative:
            case NodeKind::Exists: {
                if (blocker_of(cand, n) != kNone || !join_passes(n, tokens_[cand].parent, fv)) break;
                set_blocker<P>(cand, f);
                break;
            }
            case NodeKind::Aggregate: {
                if (join_passes(n, tokens_[cand].parent, fv)) aggregate_fact<P>(n, cand, fv, +1);
                break;
            }
            default: break;
        }
    }
    scratch_.resize(base);
}

// Updates what `f`, already out of the node's right index, contributed to: the tokens of negative and exists nodes
// that f blocked, and aggregate values (a join's tokens with f were already removed by tree-based removal).
template <bool P>
void Matcher::right_remove(NodeId id, FactId f) {
    NodeScope<P> timed(*this, id);
    const BetaNode& n = net_.nodes[id];
    if (n.kind == NodeKind::Join) return;
    const Value* fv = wm_.values(f);
    std::uint64_t key = index_key(net_.right_indexes[n.right_index], fv);
    std::size_t base = scratch_.size();
    for (std::uint32_t e = bucket_head(left_index(id), key); e != kNone; e = entries_[e].next)
        scratch_.push_back(entries_[e].item);
    std::size_t end = scratch_.size();
    for (std::size_t i = base; i < end; ++i) {  // newest token first, as in right_activate
        TokenId cand = scratch_[i];
        if (n.kind != NodeKind::Aggregate) {
            // Only the tokens f blocked change; each looks for another blocker (f is out of the index already).
            if (blocker_of(cand, n) == f) set_blocker<P>(cand, find_blocker(n, tokens_[cand].parent, key));
            continue;
        }
        if (join_passes(n, tokens_[cand].parent, fv)) aggregate_fact<P>(n, cand, fv, -1);
    }
    scratch_.resize(base);
}

// A fact joins (sign +1) or leaves (-1) the group of aggregate token t. When the value changes, the downstream
// matches are retracted and the token is emitted again.
template <bool P>
void Matcher::aggregate_fact(const BetaNode& n, TokenId t, const Value* fv, int sign) {
    AggState& s = agg_states_[tokens_[t].aux];
    s.add(n.over_slot == 0xFFFF ? Value() : fv[n.over_slot], sign, n.agg == AggOp::Collect);
    Value before = s.current;
    bool was_defined = s.defined;
    s.compute(n.agg, n.result_type);
    if (was_defined == s.defined && (!s.defined || before == s.current)) return;
    if (tokens_[t].flags & kActive) deactivate<P>(t);
    if (agg_states_[tokens_[t].aux].defined) activate<P>(t);
}

std::uint32_t Matcher::first_match(const BetaNode& n, std::size_t values, std::uint64_t key) const {
    // The last blocker found here first: passing the tests (hashed equalities included) puts it in this bucket.
    FactId& last = last_blocker_[static_cast<std::size_t>(&n - net_.nodes.data())];
    if (last != kNoFact && passes_with(n, values, wm_.values(last))) return last;
    for (std::uint32_t e = bucket_head(right_index(n), key); e != kNone; e = entries_[e].next)
        if (passes_with(n, values, wm_.values(entries_[e].item))) {
            last = entries_[e].item;
            return last;
        }
    return kNone;
}

std::uint32_t Matcher::find_blocker(const BetaNode& n, TokenId left, std::uint64_t key) {
    std::size_t values = scratch_values_.size();
    push_left_values(n, left);
    std::uint32_t blocker = first_match(n, values, key);
    scratch_values_.resize(values);
    return blocker;
}

// A Negative token's `aux` is its blocker only while it is blocked (inactive); while it is active it may hold the
// activation of an inline terminal (BetaNode::inline_terminal). So the blocker is written after deactivate — which
// ends that activation — and cleared before activate.
template <bool P>
void Matcher::set_blocker(TokenId t, std::uint32_t blocker) {
    bool passes_before = (tokens_[t].flags & kActive) != 0;
    bool passes = (net_.nodes[tokens_[t].node].kind == NodeKind::Exists) == (blocker != kNone);
    if (passes == passes_before) {
        if (!passes || blocker != kNone) tokens_[t].aux = blocker;   // Negative stays blocked, or Exists stays open
        return;
    }
    if (passes) {
        tokens_[t].aux = blocker;
        activate<P>(t);
    } else {
        deactivate<P>(t);
        tokens_[t].aux = blocker;
    }
}

void Matcher::collect_memories_below(std::uint32_t node, const Value* fv, std::vector<AlphaId>& out) const {
    const AlphaNode& a = net_.alpha_nodes[node];
    if (!alpha_passes(a.test, fv)) return;
    if (a.memory != kNone) out.push_back(a.memory);
    for (auto child : a.children) collect_memories_below(child, fv, out);
}

// Doorenbos §2.2: the alpha network, walked depth-first in creation order.
void Matcher::collect_memories(TemplateId tmpl, const Value* fv, std::vector<AlphaId>& out) const {
    out.clear();
    if (tmpl >= net_.alpha_roots.size()) return;
    if (net_.template_memory[tmpl] != kNone) out.push_back(net_.template_memory[tmpl]);
    for (auto top : net_.alpha_roots[tmpl]) collect_memories_below(top, fv, out);
}

void Matcher::add_fact(FactId f) {
    if (profile_) add_fact_impl<true>(f);
    else add_fact_impl<false>(f);
}

template <bool P>
void Matcher::add_fact_impl(FactId f) {
    const Value* fv = wm_.values(f);
    std::vector<AlphaId>& memories = scratch_memories_;
    collect_memories(wm_.record(f).tmpl, fv, memories);
    // Memory by memory, f goes into the memory's right indexes and then its successors are activated. A memory's
    // successors are latest-created first, so descendants come before ancestors and a node that is both an ancestor
    // and a successor of the memory (a self-join) sees f exactly once (Doorenbos 1995 §2.4.1). Across memories the
    // order is what makes it exact: a node of a later memory does not hold f yet when tokens made by an earlier
    // memory's successors reach it, and meets those tokens in its own right activation instead.
    // (Right activations assert nothing — listeners only queue activations — so `memories` stays valid.)
    for (AlphaId m : memories) {
        if (live_suspensions_ != 0) [[unlikely]] replay_before<P>(m, true);
        for (std::uint32_t r : net_.alpha_memories[m].right_indexes)
            if (net_.right_indexes[r].read)
                index_insert(2 * r + 1, index_key(net_.right_indexes[r], fv), f, wm_.record(f).first_entry);
        for (NodeId s : net_.alpha_memories[m].successors)
            if (left_count_[s] != 0) right_activate<P>(s, f);
    }
}

// The mirror of add_fact, memory by memory: f leaves one memory's right indexes and then that memory's successors
// account for it, before the next memory is touched. Every node therefore sees f leave exactly once: a token that an
// earlier memory's successors re-create (an aggregate whose value changed re-emits its token, and the nodes below
// rebuild theirs) still finds f in the right indexes of the later memories, counts it, and loses it again in that
// memory's own step. Erasing f from every index first and then walking the memories (as this code once did) let such
// a re-created aggregate token miss f and then be decremented for it a second time (issue 9: two counts over one
// template with different filters gave `1 orders, 0 open`).
// Tokens built on f (Join tokens) go before each memory's step, while f is still in that memory's indexes: removing
// them can re-open an Ncc or a negation upstream, and what that rebuilds must meet the same state as any other token.
void Matcher::remove_fact(FactId f) {
    if (profile_) remove_fact_impl<true>(f);
    else remove_fact_impl<false>(f);
}

template <bool P>
void Matcher::remove_fact_impl(FactId f) {
    // The scratch list, as add_fact uses it: nothing below adds or removes a fact (listeners only queue), so no
    // nested add_fact or remove_fact refills it while the loop reads it.
    std::vector<AlphaId>& memories = scratch_memories_;
    collect_memories(wm_.record(f).tmpl, wm_.values(f), memories);
    for (AlphaId m : memories) {
        remove_fact_tokens<P>(f);
        // After the tokens on f went (which can re-open an Ncc or change an aggregate upstream, and so make new
        // suspensions), while f is still in m's indexes: what a replay makes must meet f as the eager tokens did.
        if (live_suspensions_ != 0) [[unlikely]] replay_before<P>(m, false);
        // A fact has one index entry per read right index of each of its memories (add_fact).
        std::uint32_t* link = &wm_.record(f).first_entry;
        while (*link != kNone) {
            std::uint32_t e = *link;
            if (net_.right_indexes[buckets_[entries_[e].bucket].index / 2].memory == m) {
                *link = entries_[e].next_of_item;
                entry_erase(e);
            } else {
                link = &entries_[e].next_of_item;
            }
        }
        for (NodeId s : net_.alpha_memories[m].successors) {
            if (last_blocker_[s] == f) last_blocker_[s] = kNoFact;   // out of s's memory now
            if (left_count_[s] != 0) right_remove<P>(s, f);
        }
    }
    // After the last memory no index holds f, so nothing can build on it any more.
    remove_fact_tokens<P>(f);
    assert(wm_.record(f).first_entry == kNone);
}

template <bool P>
void Matcher::remove_fact_tokens(FactId f) {
    while (wm_.record(f).first_token != kNone) remove_token<P>(wm_.record(f).first_token);
}

// ---- aggregates ----

std::uint32_t Matcher::new_agg_state() {
    if (!free_agg_states_.empty()) {
        std::uint32_t s = free_agg_states_.back();
        free_agg_states_.pop_back();
        agg_states_[s] = AggState{};
        return s;
    }
    agg_states_.emplace_back();
    return static_cast<std::uint32_t>(agg_states_.size() - 1);
}

std::size_t Matcher::memory_bytes() const {
    return tokens_.resident_bytes() + free_tokens_.capacity() * sizeof(TokenId) +
           entries_.resident_bytes() + free_entries_.capacity() * sizeof(std::uint32_t) +
           buckets_.resident_bytes() + empty_buckets_.capacity() * sizeof(std::uint32_t) +
           bucket_map_.capacity() * sizeof(BucketSlot) + agg_states_.capacity() * sizeof(AggState) +
           (ncc_tokens_.size() + ncc_pending_.size()) * 32;
}

// ---- lazy matching ----
//
// Eager Rete makes every match as soon as it exists; under the depth strategy most of them never fire, because the
// newest one fires first and its actions retract what the others rest on (Miss Manners: 831,446 activations for
// 8,639 firings). Lazy matching (Miranker et al. 1990, "On the Performance of Lazy Matching in Production Systems",
// AAAI-90 — LEAPS; Drools 6's Phreak) makes a match only when it is about to fire. Here it keeps the eager order
// exactly: the order of the agenda is the contract, whatever the algorithm.
//
// Where. A lazy segment is the tail of one rule's chain of nodes: Join, Negative or Exists nodes, each with a single
// child, down to the rule's terminal, starting below a node whose tokens have depth >= 1 (build_segments). A left
// activation of the segment's top, left_activate(top, T), is put off: a suspension (top, T) is recorded and the
// listener puts ONE placeholder on the agenda where the eager activations would all have gone (on_suspend). Under
// depth they would have been consecutive activations of one rule at one salience, made in the order of a depth-first
// walk in which a join visits its facts oldest first (left_activate); the newest — the one to fire first — is the
// walk's LAST match.
//
// expand(s), when the placeholder reaches the top of the agenda: the same walk run backwards — a join's facts newest
// first (bucket order; facts enter indexes in id order, so bucket order is descending id), negations and exists
// tested on the way — stops at its first complete match, which is the last of the eager walk. Only that match's
// tokens are made ("partial" tokens), and it is reported with on_match as a new activation, which puts it on top.
// The suspension keeps a cursor: the facts of that match; the next expand looks only at matches lexicographically
// before it (strictly), so each match is made once, in the eager order from the top down.
//
// What may happen meanwhile. An event that could only DESTROY matches in a segment is handled as usual and affects
// the suspended rest for free, since expand reads working memory as it is then: a retract (tree-based removal
// reaches partial tokens, which are linked to their parents and facts), a blocker asserted for a `not` (partial
// Negative tokens are in their node's left index), an `exists` losing its last fact. An event that could CREATE
// matches in a segment — a fact entering a Join's or an Exists' memory, or leaving a Negative's — would make
// activations with new (higher) creation sequences that the suspension must not absorb. Before such an event
// (replay_before, per alpha memory, before the fact enters or leaves its indexes — for a retract after the tokens on
// the fact went, since their removal can make new suspensions upstream) every suspension of the segment is
// replayed, oldest first: left_activate(top, T) runs as it would have, reusing partial tokens (obtain_token) and
// renewing their index entries so that every bucket lists its items as the eager network's would, without reporting
// the matches expand already made; its new matches go where the placeholder stands (on_replay). Before the event,
// the state is then exactly the eager one; the event itself runs eagerly.
//
// Everything that looks at matches, tokens or the whole agenda (agenda listings, why-not, the oracle, statistics, a
// change of strategy) replays everything first (replay_all). A suspension whose left token goes (removed, or
// deactivated) simply goes, with its placeholder and partial tokens.

void Matcher::build_segments() {
    segment_of_.assign(net_.nodes.size(), kNone);
    top_of_.assign(net_.nodes.size(), kNone);
    auto chain_kind = [](NodeKind k) {
        return k == NodeKind::Join || k == NodeKind::Negative || k == NodeKind::Exists;
    };
    for (RuleId r = 0; r < net_.rules.size(); ++r) {
        NodeId term = net_.rules[r].terminal;
        if (term == kNone) continue;
        std::vector<NodeId> chain;
        for (NodeId n = net_.nodes[term].parent; n != kNone && n != 0; n = net_.nodes[n].parent) {
            const BetaNode& b = net_.nodes[n];
            if (!chain_kind(b.kind) || b.children.size() != 1 || segment_of_[n] != kNone) break;
            chain.push_back(n);
        }
        // The top's left tokens must have depth >= 1: below the root, left activations happen only at reset.
        while (!chain.empty() && net_.nodes[chain.back()].depth < 2) chain.pop_back();
        if (chain.empty()) continue;
        std::reverse(chain.begin(), chain.end());
        auto id = static_cast<std::uint32_t>(segments_.size());
        for (NodeId n : chain) segment_of_[n] = id;
        top_of_[chain.front()] = id;
        segments_.push_back(Segment{r, term, std::move(chain), {}});
    }
}

void Matcher::set_lazy(bool on) {
    if (!on && lazy_) replay_all();
    lazy_ = on;
}

void Matcher::suspend(NodeId top, TokenId left) {
    std::uint32_t id;
    if (!free_suspensions_.empty()) {
        id = free_suspensions_.back();
        free_suspensions_.pop_back();
    } else {
        id = static_cast<std::uint32_t>(suspensions_.size());
        suspensions_.emplace_back();
    }
    std::uint32_t seg = top_of_[top];
    Suspension& s = suspensions_[id];
    s.segment = seg;
    s.left = left;
    s.live = true;
    s.has_cursor = false;
    s.exhausted = false;
    s.cursor.assign(segments_[seg].chain.size(), kNoFact);
    s.partial.clear();
    segments_[seg].live.push_back(id);
    ++segments_[seg].count;
    ++live_suspensions_;
    tokens_[left].flags |= kSuspended;
    suspended_.emplace(left, id);
    std::uint32_t placeholder = listener_.on_suspend(segments_[seg].rule, id);
    suspensions_[id].placeholder = placeholder;
}

// Ends suspension s (replayed or dropped): its placeholder goes, its left token is no longer suspended by it.
void Matcher::end_suspension(std::uint32_t id) {
    Suspension& s = suspensions_[id];
    if (!s.live) return;
    s.live = false;
    --live_suspensions_;
    Segment& seg = segments_[s.segment];
    --seg.count;
    // The segment's list drops ended suspensions in bulk (erasing one by one from a long list was quadratic).
    if (seg.count == 0 || seg.live.size() > 2 * std::size_t{seg.count} + 32) {
        std::size_t kept = 0;
        for (std::uint32_t other : seg.live) {
            if (suspensions_[other].live) seg.live[kept++] = other;
            else free_suspensions_.push_back(other);
        }
        seg.live.resize(kept);
    }
    auto range = suspended_.equal_range(s.left);
    std::size_t others = 0;
    for (auto it = range.first; it != range.second;) {
        if (it->second == id) it = suspended_.erase(it);
        else ++it, ++others;
    }
    if (others == 0) tokens_[s.left].flags &= ~kSuspended;
    for (TokenId t : s.partial) {
        auto it = partial_owner_.find(t);
        if (it == partial_owner_.end() || it->second != id) continue;   // freed since (and maybe reused)
        forget_partial(t);
    }
    s.partial.clear();
    std::uint32_t placeholder = s.placeholder;
    s.placeholder = kNone;
    if (placeholder != kNone) listener_.on_suspension_end(placeholder);
}

// `left` is being removed or deactivated: the eager network would now remove everything built on it, which for a
// suspension is what it stands for. Its partial tokens are `left`'s descendants and go with them.
void Matcher::drop_suspensions(TokenId left) {
    std::vector<std::uint32_t> ids;
    auto range = suspended_.equal_range(left);
    for (auto it = range.first; it != range.second; ++it) ids.push_back(it->second);
    for (std::uint32_t id : ids) {
        if (!suspensions_[id].exhausted) ++segments_[suspensions_[id].segment].saved;
        end_suspension(id);
    }
}

void Matcher::forget_partial(TokenId t) {
    partial_owner_.erase(t);
    auto pr = partial_index_.equal_range(partial_key(tokens_[t].node, tokens_[t].parent));
    for (auto p = pr.first; p != pr.second; ++p)
        if (p->second == t) {
            partial_index_.erase(p);
            break;
        }
    tokens_[t].flags &= ~kPartial;
}

TokenId Matcher::find_partial(NodeId node, TokenId left, FactId fact) const {
    auto pr = partial_index_.equal_range(partial_key(node, left));
    for (auto p = pr.first; p != pr.second; ++p)
        if (tokens_[p->second].fact == fact) return p->second;
    return kNone;
}

// During a replay: the partial token (node, left, fact) if expand made one — its index entries dropped, to be
// renewed by the caller where the eager network would have made them — else a new token.
template <bool P>
TokenId Matcher::obtain_token(NodeId node, TokenId left, FactId fact, bool& reused) {
    TokenId t = find_partial(node, left, fact);
    if (t == kNone) {
        reused = false;
        return make_token<P>(node, left, fact);
    }
    reused = true;
    for (std::uint32_t e = tokens_[t].first_entry; e != kNone;) {
        std::uint32_t next = entries_[e].next_of_item;
        entry_erase(e);
        e = next;
    }
    tokens_[t].first_entry = kNone;
    return t;
}

bool Matcher::expand(std::uint32_t s) { return profile_ ? expand_impl<true>(s) : expand_impl<false>(s); }

void Matcher::exhausted(std::uint32_t s) {
    // The suspension stays (it is still owed a replay: its left token is not in the top's index, the dead ends of
    // its walk were never made); only its placeholder is gone.
    suspensions_[s].placeholder = kNone;
    suspensions_[s].exhausted = true;
    std::uint32_t seg = suspensions_[s].segment;
    ++segments_[seg].wasted;
    go_eager_if_wasteful(seg);
}

// Where putting matches off mostly wastes work — a placeholder, a search and a replay each — the segment matches
// eagerly from now on (for the matcher's life: across resets too). Its live suspensions are replayed first, so that the two kinds never
// mix in its indexes. The choice depends only on the run so far, so it is deterministic, and either way the
// matches and their order are the eager ones.
void Matcher::go_eager_if_wasteful(std::uint32_t seg) {
    Segment& sg = segments_[seg];
    if (top_of_[sg.chain.front()] == kNone || sg.wasted < 16 || sg.wasted <= 4 * std::uint64_t{sg.saved}) return;
    top_of_[sg.chain.front()] = kNone;
    if (sg.count == 0) return;
    if (profile_) replay_segment<true>(seg);
    else replay_segment<false>(seg);
}

template <bool P>
bool Matcher::expand_impl(std::uint32_t id) {
    Suspension& s0 = suspensions_[id];
    if (!s0.live) return false;
    const Segment& seg = segments_[s0.segment];
    path_.assign(seg.chain.size(), PathStep{});
    if (!search<P>(id, 0, s0.left, s0.has_cursor)) return false;
    // The match found: its fresh tokens become partial tokens, as left_activate would have left them.
    Suspension& s = suspensions_[id];
    for (std::size_t i = 0; i < seg.chain.size(); ++i) {
        PathStep& st = path_[i];
        Token& tok = tokens_[st.token];
        s.cursor[i] = tok.fact;
        if (!st.fresh) continue;
        const BetaNode& n = net_.nodes[seg.chain[i]];
        tok.flags |= kActive | kPartial;
        if (n.kind != NodeKind::Join) {
            tokens_[st.token].aux = st.blocker;   // kNone for a Negative; an Exists' supporting fact
            index_insert(left_index(seg.chain[i]), st.key, st.token, tokens_[st.token].first_entry);
        }
        partial_index_.emplace(partial_key(seg.chain[i], tokens_[st.token].parent), st.token);
        partial_owner_.emplace(st.token, id);
        s.partial.push_back(st.token);
    }
    s.has_cursor = true;
    TokenId last = path_.back().token;
    const BetaNode& bottom = net_.nodes[seg.chain.back()];
    if constexpr (P) ++profile_->rules[seg.rule].activations;
    if (bottom.inline_terminal == seg.terminal) {
        listener_.on_match(seg.rule, last);
        return true;
    }
    TokenId t = make_token<P>(seg.terminal, last, kNoFact);
    tokens_[t].flags |= kActive | kPartial;
    partial_index_.emplace(partial_key(seg.terminal, last), t);
    partial_owner_.emplace(t, id);
    suspensions_[id].partial.push_back(t);
    listener_.on_match(seg.rule, t);
    return true;
}

// The backward walk from chain level `level` with left token `left`: true when it completes a match (path_ holds
// its tokens). `bounded`: the levels above took exactly the cursor's facts, so this level may not go past the
// cursor's (and at the end, the cursor's own match, made already, does not count).
template <bool P>
bool Matcher::search(std::uint32_t id, std::size_t level, TokenId left, bool bounded) {
    const Segment& seg = segments_[suspensions_[id].segment];
    if (level == seg.chain.size()) return !bounded;
    NodeId nid = seg.chain[level];
    const BetaNode& n = net_.nodes[nid];
    std::size_t values = scratch_values_.size();
    std::uint64_t key = push_left_values(n, left);
    if (n.kind == NodeKind::Join) {
        FactId bound = bounded ? suspensions_[id].cursor[level] : kNoFact;
        for (std::uint32_t e = bucket_head(right_index(n), key); e != kNone; e = entries_[e].next) {
            FactId f = entries_[e].item;
            if (bounded && f > bound) continue;
            bool on_cursor = bounded && f == bound;
            if (!passes_with(n, values, wm_.values(f))) continue;
            TokenId t = on_cursor ? find_partial(nid, left, f) : kNone;
            bool fresh = t == kNone;
            if (fresh) t = make_token<P>(nid, left, f);
            path_[level] = PathStep{t, fresh, key, kNone};
            if (search<P>(id, level + 1, t, on_cursor)) {
                scratch_values_.resize(values);
                return true;
            }
            if (fresh) free_token(t);
        }
        scratch_values_.resize(values);
        return false;
    }
    // Negative or Exists: one token, passing or not.
    std::uint32_t blocker = first_match(n, values, key);
    scratch_values_.resize(values);
    if ((n.kind == NodeKind::Exists) != (blocker != kNone)) return false;
    TokenId t = bounded ? find_partial(nid, left, kNoFact) : kNone;
    bool fresh = t == kNone;
    if (!fresh && !(tokens_[t].flags & kActive)) return false;
    if (fresh) t = make_token<P>(nid, left, kNoFact);
    path_[level] = PathStep{t, fresh, key, blocker};
    if (search<P>(id, level + 1, t, bounded)) return true;
    if (fresh) free_token(t);
    return false;
}

template <bool P>
void Matcher::replay_segment(std::uint32_t seg) {
    std::vector<std::uint32_t> ids;
    ids.swap(segments_[seg].live);   // end_suspension must not find them there (their slots are released below)
    NodeId top = segments_[seg].chain.front();
    for (std::uint32_t id : ids) {
        if (!suspensions_[id].live) continue;
        std::uint32_t placeholder = suspensions_[id].placeholder;
        listener_.on_replay(placeholder, true);
        left_activate<P>(top, suspensions_[id].left);
        listener_.on_replay(placeholder, false);
        end_suspension(id);
        ++segments_[seg].wasted;
    }
    free_suspensions_.insert(free_suspensions_.end(), ids.begin(), ids.end());
    go_eager_if_wasteful(seg);
}

// Before fact f enters (adding) or leaves alpha memory m: replays the segments where that could make matches.
template <bool P>
void Matcher::replay_before(AlphaId m, bool adding) {
    for (NodeId n : net_.alpha_memories[m].successors) {
        std::uint32_t seg = segment_of_[n];
        if (seg == kNone || segments_[seg].count == 0) continue;
        NodeKind k = net_.nodes[n].kind;
        bool creates = adding ? (k == NodeKind::Join || k == NodeKind::Exists) : k == NodeKind::Negative;
        if (creates) replay_segment<P>(seg);
    }
}

void Matcher::replay_all() {
    for (std::uint32_t seg = 0; seg < segments_.size(); ++seg) {
        if (segments_[seg].count == 0) continue;
        if (profile_) replay_segment<true>(seg);
        else replay_segment<false>(seg);
    }
}

}  // namespace covenant::rete
