// The agenda: activations waiting to fire, ordered by conflict resolution (CLIPS Basic Programming Guide §5.3;
// OPS5 LEX and MEA, Forgy 1981).
//
// Order (the first applicable criterion decides; the last one makes the order total):
//   1. salience, higher first;
//   2. the strategy:
//        depth    newer activation first (higher creation sequence);
//        breadth  older activation first;
//        lex      the timestamps of the matched facts (positive patterns), each list sorted newest first, compared
//                 lexicographically: the first differing timestamp decides, newer wins; when one list is a prefix
//                 of the other the longer wins (OPS5 LEX without the specificity step);
//        mea      the timestamp of the fact matched by the first positive pattern, newer first; then as lex;
//   3. ties (lex/mea only): newer activation first, as depth.
// Depth and breadth therefore rest on the order in which activations are CREATED, which the network fixes so that
// the order is deterministic and the same as CLIPS 6.30's (whose depth strategy also puts the newest activation on
// top, and which the OPS5 benchmarks Manners and Waltz depend on; bench/README.md):
//   - facts reach the network in assertion order; one fact walks the alpha network in creation order;
//   - an alpha memory visits its successors, and a beta node its children, LATEST-DEFINED RULE FIRST (a new node is
//     put in front, as CLIPS links a new rule's joins in front); so among the activations one change makes at equal
//     salience, depth fires the earlier-defined rule's first (through a shared node, per token: for the newest
//     token, earliest rule first, then the next token);
//   - a new token (left activation) walks the facts of the alpha memory OLDEST first, so under depth the match with
//     the newest fact fires first; a new fact (right activation) or a retracted blocker walks the tokens NEWEST
//     first, so there the match with the oldest token fires first (both as CLIPS walks its memories).
// Where one fact reaches several alpha memories, the memories are visited in alpha-tree order (CLIPS uses its own
// pattern-network order there; neither benchmark depends on it). Every activation gets the next creation sequence,
// so the order is total.
//
// How working-memory changes interact with the agenda:
//   | change                       | effect on the agenda                                                          |
//   |------------------------------|-------------------------------------------------------------------------------|
//   | assert f                     | every new complete match makes one activation (next creation sequence)        |
//   | retract f                    | every activation whose match used f, or that f now blocks (`not`), is removed |
//   | modify f                     | retract f then assert f' (new fact id and timestamp): activations on f go,     |
//   |                              | matches of f' are new activations, so a rule may fire again on the changed fact |
//   |                              | (a modify that changes no value does nothing)                                 |
//   | fire an activation           | it is removed first (refraction: it never fires again while its match lives)  |
//   | score value changes          | the score fact is modified, so rules reading score(...) re-activate            |
//   | set_strategy                 | the same activations, re-ordered                                              |
//
// Structure, by strategy:
//   depth, breadth  one doubly-linked list per salience (groups sorted by salience): since every new activation has
//                   the highest creation sequence, depth pushes it at the front of its group and breadth at the back,
//                   so add, remove and pop are O(1) (CLIPS 6.30 keeps its agenda the same way);
//   lex, mea        a binary heap of activation ids with lazy deletion (removed activations are skipped when they
//                   reach the top; the heap is rebuilt when more than half of it is dead): O(log n).
#pragma once

#include <cstdint>
#include <vector>

#include "agenda/strategy.hpp"
#include "program/program.hpp"

namespace covenant {

using ActivationId = std::uint32_t;

// 32 bytes: a run can make millions of activations that never fire (Miss Manners 128: 831,446 for 8,639 firings),
// and making and removing them streams these records through the cache. What only LEX and MEA read is kept apart
// (Recency).
struct ActivationRecord {
    RuleId rule = 0;
    std::uint32_t token = 0;           // the terminal token of the match (matcher)
    int salience = 0;
    ActivationId prev = 0xFFFFFFFF;    // depth/breadth: neighbours in the salience group's list
    ActivationId next = 0xFFFFFFFF;
    bool live = false;
    bool placeholder = false;          // lazy matching: stands for matches not made yet; `token` is the suspension
    std::uint64_t sequence = 0;        // creation sequence
};

// The timestamps LEX and MEA order by; kept for every activation only while one of them is the strategy.
struct Recency {
    std::uint64_t first = 0;           // MEA: timestamp of the first positive pattern's fact (0 if none)
    std::vector<std::uint64_t> stamps; // matched facts' timestamps, newest first
};

class Agenda {
public:
    void clear();
    void set_strategy(Strategy s);
    Strategy strategy() const { return strategy_; }

    // `recency` is read only under lex and mea (the engine fills it in only then, and through set_recency when the
    // strategy changes to one of them).
    ActivationId add(RuleId rule, std::uint32_t token, int salience, Recency recency = {});
    // Lazy matching (rete/matcher.cpp), depth strategy only. A placeholder takes the place of a block of activations
    // the matcher has not made yet: it is ordered as the newest activation now, and reserves kBlockSpan creation
    // sequences below the next activation's, for the block.
    static constexpr std::uint64_t kBlockSpan = std::uint64_t{1} << 32;
    ActivationId add_placeholder(RuleId rule, std::uint32_t suspension, int salience);
    // Between begin_block and end_block, add_in_block adds the block's activations in the order they are made (oldest
    // first), each ordered just above the one before, all where the placeholder stands (which stays, below them).
    void begin_block(ActivationId placeholder);
    ActivationId add_in_block(RuleId rule, std::uint32_t token, int salience);
    void end_block() { block_anchor_ = kNil; }
    void set_recency(ActivationId id, Recency recency);
    void remove(ActivationId id);
    // Removes and returns the activation to fire next; false when the agenda is empty. The id stays valid (its
    // record readable) until the next call to add/remove/pop.
    bool pop(ActivationId& out);
    // The activation pop() would return next, left on the agenda; false when the agenda is empty. Under lex and mea
    // removed entries at the top of the heap are dropped on the way (as pop drops them).
    bool peek(ActivationId& out);

    const ActivationRecord& get(ActivationId id) const { return acts_[id]; }
    ActivationRecord& get(ActivationId id) { return acts_[id]; }
    std::size_t size() const { return live_; }
    bool empty() const { return live_ == 0; }
    // Live activations in firing order.
    std::vector<ActivationId> ordered() const;
    // Ids of all live activations (any order); for refilling recency when the strategy changes.
    std::vector<ActivationId> live_ids() const;
    // Re-establishes the heap order (after recency vectors were refilled).
    void rebuild();
    std::size_t memory_bytes() const;

    // True when `a` fires before `b` under the current strategy.
    bool before(ActivationId a, ActivationId b) const;

private:
    static constexpr ActivationId kNil = 0xFFFFFFFF;
    struct HeapLess {
        const Agenda* agenda;
        bool operator()(ActivationId a, ActivationId b) const { return agenda->before(b, a); }
    };
    struct Group {
        int salience = 0;
        ActivationId head = kNil;
        ActivationId tail = kNil;
    };
    static bool uses_lists(Strategy s) { return s == Strategy::Depth || s == Strategy::Breadth; }
    Group& group_for(int salience);
    void link(ActivationId id, bool at_front);
    void link_before(ActivationId id, ActivationId anchor);
    ActivationId new_record();
    void unlink(ActivationId id);
    // Puts the live activations `ids` into the structure of the current strategy (the old one must be empty).
    void restructure(std::vector<ActivationId> ids);
    void release(ActivationId id);

    Strategy strategy_ = Strategy::Depth;
    bool lists_ = true;                  // which structure holds the live activations: groups_ or heap_
    std::vector<ActivationRecord> acts_;
    std::vector<Recency> recency_;       // by activation id; sized only once lex/mea is used
    std::vector<ActivationId> free_;
    std::vector<Group> groups_;          // salience descending
    std::vector<ActivationId> heap_;
    std::size_t live_ = 0;
    std::size_t dead_in_heap_ = 0;
    std::uint64_t next_sequence_ = 0;
    ActivationId block_anchor_ = kNil;   // add_in_block links above it
    std::uint64_t block_sequence_ = 0;
    bool pending_release_ = false;
    ActivationId popped_ = 0;
};

}  // namespace covenant
