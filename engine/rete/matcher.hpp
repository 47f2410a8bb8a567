// The dynamic half of the Rete network: tokens, the hash indexes of the join nodes, negative/NCC counts and aggregate
// state, and the left/right activation procedures (Doorenbos 1995, ch. 2).
//
// Tokens (Doorenbos §2.3, "tokens as linked lists"): a token is (parent token, fact) plus bookkeeping, stored in one
// arena and named by index; free slots are reused. Each node owns the tokens it produced; a token at depth d has one
// ancestor per condition. Tokens of negative, exists, NCC and aggregate nodes exist for every left token and are
// "active" (visible to the node's children) only while their condition holds.
//
// Removal is tree-based (Doorenbos §2.5): every token knows its children (first_child / sibling links) and every
// fact knows the tokens whose entry it is (first_token / same-fact links), so retracting a fact removes exactly the
// tokens built on it without re-running any join.
//
// Hash indexes (Doorenbos §2.3; CLIPS 6.30's hashed memories):
//   - a join-like node N keeps a left index over the tokens it joins (its parent's active tokens for Join; its own
//     tokens for Negative, Exists and Aggregate), keyed by the values of its equality-join variables, and
//   - an alpha memory's facts are kept in right indexes, one per distinct list of joined slots (Network::RightIndex),
//     shared by all the nodes that join the memory on those slots.
// A right activation looks up one bucket of the node's left index and a left activation one bucket of its right
// index; the remaining join tests run on that bucket's candidates only. Index entries are intrusive doubly-linked
// bucket lists, and every token / fact chains its own entries, so removal from an index is O(1) per entry.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "program/eval.hpp"
#include "program/semantics.hpp"
#include "rete/linear_table.hpp"
#include "rete/mapped_array.hpp"
#include "rete/network.hpp"
#include "rete/profile.hpp"
#include "rete/working_memory.hpp"

namespace covenant::rete {

using TokenId = std::uint32_t;

// 40 bytes; the network has fewer than 2^28 nodes (compile_network checks), so the node and the flags share a word.
struct Token {
    TokenId parent = kNone;
    FactId fact = kNoFact;             // Join tokens: the matched fact; otherwise kNoFact
    NodeId node : 28 = 0;
    std::uint32_t flags : 4 = 0;       // Matcher::kActive, kDying, kPartial, kSuspended
    TokenId first_child = kNone;
    TokenId next_sibling = kNone;
    TokenId prev_sibling = kNone;
    TokenId next_same_fact = kNone;
    TokenId prev_same_fact = kNone;
    std::uint32_t first_entry = kNone; // index entries holding this token
    std::uint32_t aux = kNone;         // Exists: the blocking fact (kNone while none matches); Negative: the blocking
                                       // fact while blocked, else like Join; Ncc: match count; Aggregate: state;
                                       // Terminal, and Join/Test/Negative with an inline terminal: the listener's
                                       // (the activation id)
};

// Told about complete matches. Called synchronously from inside add_fact/remove_fact/reset.
// A match is named by a token: the terminal's token, or — for an inline terminal (BetaNode::inline_terminal) — the
// token of the rule's last condition. Either way `aux` is the listener's to use while the match lives, and
// match_left(token) is the token the rule's variables are read from.
class MatchListener {
public:
    virtual ~MatchListener() = default;
    // A match appeared: the rule's conditions hold for the match named by `token`.
    virtual void on_match(RuleId rule, TokenId token) = 0;
    // The match is going (its token's `aux` is still readable).
    virtual void on_unmatch(RuleId rule, TokenId token) = 0;
    // A `test` condition failed with a run-time error (it counts as false).
    virtual void on_test_error(RuleId rule, const EvalError& error) = 0;

    // Lazy matching (Matcher::set_lazy). A left activation of a lazy segment was put off: the listener puts one
    // placeholder on the agenda for all the matches it stands for, where they would all be, and returns its id
    // (the matcher hands it back below; kNone: no placeholder). `suspension` names it for Matcher::expand.
    virtual std::uint32_t on_suspend(RuleId rule, std::uint32_t suspension) {
        (void)rule;
        (void)suspension;
        return kNone;
    }
    // The placeholder goes: its suspension was dropped (its left token went) or replayed.
    virtual void on_suspension_end(std::uint32_t placeholder) { (void)placeholder; }
    // Between begin and end (a replay), on_match calls are the placeholder's matches being made at last, in the order
    // the eager network would have made them: the listener orders them where the placeholder stands.
    virtual void on_replay(std::uint32_t placeholder, bool begin) {
        (void)placeholder;
        (void)begin;
    }
};

class Matcher {
public:
    Matcher(const Program& program, const Network& net, WorkingMemory& wm, MatchListener& listener);

    // Drops every token and index entry, then creates the root token (matching rules without conditions).
    void reset();
    // Propagates a fact that was just added to working memory.
    void add_fact(FactId f);
    // Removes everything built on a fact; call before the fact's values are freed.
    void remove_fact(FactId f);

    // Profiling (rete/profile.hpp): from now on, counts and times go to `profile` (nullptr: off), which is sized
    // for the program's rules. The procedures below are templates on whether profiling is on (P); reset, add_fact and
    // remove_fact pick the instantiation once per call, so with profiling off the matcher runs exactly the code it
    // runs without any profiling support: no counter, no clock read, no branch per node or token.
    void set_profile(Profile* profile);
    Profile* profile() const { return profile_; }
    // A region timed together with the node activations, so that their time nested in it is not charged to it (the
    // engine times a firing's actions with it). Only while a profile is set.
    void profile_enter() { timer_.enter(); }
    std::uint64_t profile_leave() { return timer_.leave(); }

    const Token& token(TokenId t) const { return tokens_[t]; }
    Token& token(TokenId t) { return tokens_[t]; }
    // The value of `op` seen from token `left` (TokenSlot/TokenFact/TokenValue; Const gives the constant).
    Value resolve(TokenId left, const Operand& op) const;
    FactId fact_above(TokenId left, std::uint16_t up) const;
    // The token a match's variables are read from (RuleInfo::vars are relative to it): the terminal token's parent,
    // or the match token itself for an inline terminal.
    TokenId match_left(TokenId match) const;

    // Calls fn(rule, match token) for every complete match alive now, in token order. O(every token ever made and
    // not reused): for inspection (tests, the oracle, tools), never on a hot path.
    template <typename Fn>
    void for_each_match(Fn fn) const {
        for (TokenId t = 0; t < tokens_.size(); ++t) {
            const Token& tok = tokens_[t];
            if (tok.node == kFreedNode) continue;
            const BetaNode& n = net_.nodes[tok.node];
            if (n.kind == NodeKind::Terminal) {
                if (net_.nodes[n.parent].inline_terminal != tok.node) fn(n.rule, t);
            } else if (n.inline_terminal != kNone && (tok.flags & kActive)) {
                fn(net_.nodes[n.inline_terminal].rule, t);
            }
        }
    }

    std::size_t live_tokens() const { return live_tokens_; }
    std::size_t memory_bytes() const;

    // ---- Lazy matching (the second half of matcher.cpp says how it works and why the order is the eager one) ----
    // Off by default. The engine turns it on only under the depth strategy and without a trace listener; turning it
    // off replays every suspension, after which the state is exactly the eager network's.
    void set_lazy(bool on);
    bool lazy() const { return lazy_; }
    // Makes the match of suspension `s` (a placeholder's token) that the eager network would have made last of those
    // not made yet, and reports it with on_match; false when none is left (the listener should then drop the
    // placeholder and call exhausted(s)).
    bool expand(std::uint32_t s);
    void exhausted(std::uint32_t s);
    // Replays every live suspension: afterwards tokens, indexes and matches are those of the eager network.
    void replay_all();
    std::size_t live_suspensions() const { return live_suspensions_; }

private:
    struct Entry {
        std::uint32_t item = kNone;      // token or fact id
        std::uint32_t bucket = kNone;
        std::uint32_t prev = kNone;
        std::uint32_t next = kNone;
        std::uint32_t next_of_item = kNone;
    };
    // 16 bytes: with millions of buckets (one per distinct join key) the index is bound by memory traffic.
    struct Bucket {
        std::uint64_t key = 0;
        std::uint32_t head = kNone;
        std::uint32_t index : 31 = 0;
        std::uint32_t queued : 1 = 0;    // in empty_buckets_
    };
    // Bucket table slot, 8 bytes: the low half of bucket_hash(index, key) (where the slot belongs, and a filter) and
    // the bucket, which holds the full (index, key) to confirm a match.
    struct BucketSlot {
        std::uint32_t hash_lo = 0;
        std::uint32_t bucket = kNone;
        bool empty() const { return bucket == kNone; }
        std::uint64_t hash() const { return hash_lo; }
    };
    static std::uint64_t bucket_hash(std::uint32_t index, std::uint64_t key) {
        return mix_hash(key ^ (static_cast<std::uint64_t>(index) * 0x9E3779B97F4A7C15ULL));
    }
    // One per aggregate token, indexed by its aux; the same accumulator why-not recomputes aggregates with.
    using AggState = AggregateState;

    static constexpr std::uint8_t kActive = 1;
    static constexpr std::uint8_t kDying = 2;
    static constexpr std::uint8_t kPartial = 4;     // made by expand() ahead of its suspension's replay (lazy.cpp)
    static constexpr std::uint8_t kSuspended = 8;   // the left token of at least one live suspension
    static constexpr NodeId kFreedNode = (1u << 28) - 1;   // the node of a token on the free list

    // Index numbers: the left index of node n is 2n; the shared right index r (Network::right_indexes) is 2r + 1.
    static std::uint32_t left_index(NodeId n) { return 2 * n; }
    static std::uint32_t right_index(const BetaNode& n) { return 2 * n.right_index + 1; }
    void index_insert(std::uint32_t index, std::uint64_t key, std::uint32_t item, std::uint32_t& item_head);
    void entry_erase(std::uint32_t e);
    void sweep_empty_buckets();
    bool same_bucket(const BucketSlot& s, std::uint32_t index, std::uint64_t key) const {
        const Bucket& b = buckets_[s.bucket];
        return b.key == key && b.index == index;
    }
    std::uint32_t bucket_head(std::uint32_t index, std::uint64_t key) const;
    // A left activation probes the table twice for unrelated keys (its left index, then the right index): starting
    // the second load before the first probe lets the two cache misses overlap.
    void prefetch_bucket(std::uint32_t index, std::uint64_t key) const {
        bucket_map_.prefetch(static_cast<std::uint32_t>(bucket_hash(index, key)));
    }

    std::uint64_t left_key(const BetaNode& n, TokenId left) const;
    // Pushes the values of n's hashed join operands, then of its checks' token-side operands, seen from `left`, onto
    // scratch_values_; returns the hash key of the hashed ones.
    std::uint64_t push_left_values(const BetaNode& n, TokenId left);
    // join_passes with the left token's operands already resolved at scratch_values_[values...] (push_left_values).
    bool passes_with(const BetaNode& n, std::size_t values, const Value* fv) const;
    std::uint64_t index_key(const RightIndex& r, const Value* fact_values) const;
    // Negative/Exists: the first fact in n's right bucket `key` that passes the join tests, the left token's operands
    // being at scratch_values_[values...] (push_left_values), or kNone.
    std::uint32_t first_match(const BetaNode& n, std::size_t values, std::uint64_t key) const;
    // The same for the left token `left`, resolving its operands.
    std::uint32_t find_blocker(const BetaNode& n, TokenId left, std::uint64_t key);
    template <bool P> void set_blocker(TokenId t, std::uint32_t blocker);
    // The blocker of a Negative or Exists token (a Negative token's aux holds one only while it is inactive).
    std::uint32_t blocker_of(TokenId t, const BetaNode& n) const {
        if (n.kind == NodeKind::Negative && (tokens_[t].flags & kActive)) return kNone;
        return tokens_[t].aux;
    }
    bool check(const SlotCheck& c, const Value* fv, TokenId left) const;
    bool alpha_passes(const SlotCheck& c, const Value* fv) const { return check(c, fv, kNone); }
    bool join_passes(const BetaNode& n, TokenId left, const Value* fv) const;

    // The procedures that can make tokens or activate nodes take P = profiling on (set_profile); they are defined
    // and instantiated in matcher.cpp only.
    template <bool P> TokenId make_token(NodeId node, TokenId parent, FactId fact);
    void free_token(TokenId t);
    template <bool P> void remove_token(TokenId t);
    template <bool P> void remove_children(TokenId t);
    // Removes every token whose entry is f (tokens that later activations re-create included).
    template <bool P> void remove_fact_tokens(FactId f);
    template <bool P> void activate(TokenId t);
    template <bool P> void deactivate(TokenId t);
    template <bool P> void left_activate(NodeId n, TokenId left);
    template <bool P> void right_activate(NodeId n, FactId f);
    template <bool P> void right_remove(NodeId n, FactId f);
    template <bool P> void partner_result(NodeId partner, TokenId bottom, int delta);
    // Ncc tokens: the count of subnetwork results for the owner; (de)activates on crossing zero.
    template <bool P> void set_ncc_count(TokenId t, std::uint32_t count);
    template <bool P> void add_fact_impl(FactId f);
    template <bool P> void remove_fact_impl(FactId f);
    void collect_memories(TemplateId tmpl, const Value* fv, std::vector<AlphaId>& out) const;
    void collect_memories_below(std::uint32_t alpha_node, const Value* fv, std::vector<AlphaId>& out) const;

    std::uint32_t new_agg_state();
    template <bool P> void aggregate_fact(const BetaNode& n, TokenId t, const Value* fv, int sign);

    // Profiling. NodeScope<true> times one node's work (a no-op when P is false).
    template <bool P> class NodeScope;
    void add_rule_path(NodeId n, NodeId stop, RuleId r);
    void charge(NodeId n, std::uint64_t ns);
    void count_token(NodeId n);

    const Program& program_;
    const Network& net_;
    WorkingMemory& wm_;
    MatchListener& listener_;

    MappedArray<Token> tokens_;
    std::vector<TokenId> free_tokens_;
    std::size_t live_tokens_ = 0;
    MappedArray<Entry> entries_;
    std::vector<std::uint32_t> free_entries_;
    MappedArray<Bucket> buckets_;
    std::vector<std::uint32_t> free_buckets_;
    // Filled to 75%: there is one slot per bucket, so on large workloads the table is a large part of the memory.
    LinearTable<BucketSlot, 75> bucket_map_;
    std::vector<std::uint32_t> empty_buckets_;   // buckets that became empty since the last sweep
    std::vector<AggState> agg_states_;
    std::vector<std::uint32_t> free_agg_states_;
    // NCC (Doorenbos §2.8): (ncc node, owner token) -> the Ncc node's token for that owner, and subnetwork results
    // that arrived before that token was made.
    std::unordered_map<std::uint64_t, TokenId> ncc_tokens_;
    std::unordered_map<std::uint64_t, std::uint32_t> ncc_pending_;
    std::vector<std::uint32_t> scratch_;         // candidate lists, used as a stack across nested activations
    std::vector<Value> scratch_bindings_;        // test-node variable values
    std::vector<Value> scratch_values_;          // resolved join operands, used as a stack like scratch_
    std::vector<AlphaId> scratch_memories_;
    // Per node: the number of entries in its left index. A node whose left index is empty is skipped by right
    // activations and removals, which then cannot do anything there ("right unlinking", Doorenbos 1995 §4.1 — without
    // relinking costs, because the right index is kept up to date whether or not anybody reads it).
    std::vector<std::uint32_t> left_count_;
    // Per Negative/Exists node: the blocker its last search found, tried first by the next (first_match). A fact that
    // blocks one token often blocks the next (`not junction(base_point: > ?bp)`: the scan for a larger base point
    // stops at once). Which blocker a token records changes nothing but the work: a token is unblocked exactly when
    // none is left. Cleared for a node when its fact leaves the node's memory (remove_fact).
    mutable std::vector<FactId> last_blocker_;

    // ---- lazy matching ----
    // A lazy segment: the chain of nodes of one rule from `chain.front()` (whose parent has tokens of depth >= 1) down
    // to the node above its terminal, every one a Join, Negative or Exists with that single child.
    struct Segment {
        RuleId rule = 0;
        NodeId terminal = kNone;
        std::vector<NodeId> chain;
        // Its suspensions, oldest first: the live ones and some that ended (their slots are reused only once they
        // are out of this list, so an id is never in it twice).
        std::vector<std::uint32_t> live;
        std::uint32_t count = 0;              // how many of them are live
        // What putting matches off did here: `saved`, suspensions dropped with their left token while they still
        // stood for matches never made; `wasted`, suspensions replayed (the eager work done after all, plus the
        // placeholder's) and searches that found nothing. A segment where it mostly wastes goes back to eager
        // matching (go_eager_if_wasteful).
        std::uint32_t saved = 0;
        std::uint32_t wasted = 0;
    };
    // A put-off left_activate(segment top, left).
    struct Suspension {
        std::uint32_t segment = kNone;
        std::uint32_t placeholder = kNone;    // the listener's, kNone once exhausted
        TokenId left = kNone;
        bool live = false;
        bool has_cursor = false;
        bool exhausted = false;               // a search found no match left (its placeholder is gone)
        std::vector<FactId> cursor;           // per chain level: the fact of the last match expand made (joins only)
        std::vector<TokenId> partial;         // tokens expand made (may name tokens freed since: see partial_owner_)
    };
    struct PathStep {
        TokenId token = kNone;
        bool fresh = false;
        std::uint64_t key = 0;
        std::uint32_t blocker = kNone;
    };
    void build_segments();
    void suspend(NodeId top, TokenId left);
    void end_suspension(std::uint32_t s);
    void drop_suspensions(TokenId left);
    void forget_partial(TokenId t);
    TokenId find_partial(NodeId node, TokenId left, FactId fact) const;
    template <bool P> TokenId obtain_token(NodeId node, TokenId left, FactId fact, bool& reused);
    template <bool P> bool expand_impl(std::uint32_t s);
    template <bool P> bool search(std::uint32_t s, std::size_t level, TokenId left, bool bounded);
    template <bool P> void replay_segment(std::uint32_t seg);
    void go_eager_if_wasteful(std::uint32_t seg);
    template <bool P> void replay_before(AlphaId m, bool adding);
    static std::uint64_t partial_key(NodeId node, TokenId left) { return (static_cast<std::uint64_t>(left) << 32) | node; }

    bool lazy_ = false;
    std::vector<Segment> segments_;
    std::vector<std::uint32_t> segment_of_;   // per node: its segment, or kNone
    std::vector<std::uint32_t> top_of_;       // per node: the segment it is the top of, or kNone
    std::vector<Suspension> suspensions_;
    std::vector<std::uint32_t> free_suspensions_;
    std::size_t live_suspensions_ = 0;
    std::unordered_multimap<TokenId, std::uint32_t> suspended_;       // left token -> its live suspensions
    std::unordered_multimap<std::uint64_t, TokenId> partial_index_;   // partial_key(node, parent) -> partial token
    std::unordered_map<TokenId, std::uint32_t> partial_owner_;        // partial token -> its suspension
    std::vector<PathStep> path_;

    Profile* profile_ = nullptr;
    // Per node: the rules whose path includes it (rete/profile.hpp: a shared node's work is charged to each), made
    // by the first set_profile.
    std::vector<std::vector<RuleId>> node_rules_;
    SelfTimer timer_;
};

}  // namespace covenant::rete
