// Working memory: the facts, stored compactly. A fact is a 20-byte record plus its values in a flat pool (one Value,
// 16 bytes, per slot); value blocks of retracted facts are reused through per-arity free lists. Fact ids count up and
// are never reused (modify makes a new id, as in CLIPS), so an id held by a justification stays unambiguous.
// Identical live facts are deduplicated through a hash table on (template, values).
//
// Since ids are not reused, the record array grows by one record per fact ever made; a long run that modifies one
// fact millions of times would keep millions of dead records. So the records are counted per block of 1,024 (whole
// pages: 5 x 4 KiB), and a block whose facts are all retracted gives its pages back to the system (Linux:
// madvise(MADV_DONTNEED) on the records' mapping). Nothing reads a released block afterwards — is_live and
// for_each_live look at the block's count first — since on some kernels even a read makes a page resident again. The
// resident size of the records follows the blocks that hold a live fact; only their address range keeps growing (20
// bytes per fact id, which is at most 2^32 - 1).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "base/value.hpp"
#include "program/program.hpp"
#include "rete/fact.hpp"
#include "rete/linear_table.hpp"
#include "rete/mapped_array.hpp"

namespace covenant {

struct FactRecord {
    TemplateId tmpl = 0;
    std::uint32_t values = 0;                 // offset into the value pool
    std::uint32_t first_token = 0xFFFFFFFF;   // head of the list of tokens whose entry is this fact (matcher)
    std::uint32_t first_entry = 0xFFFFFFFF;   // head of the list of right-index entries holding this fact (matcher)
    std::uint16_t arity = 0;
    Origin origin = Origin::Given;
    bool live = false;
};

class WorkingMemory {
public:
    WorkingMemory();

    void clear();

    // The live fact identical to (tmpl, values), or kNoFact.
    FactId find(TemplateId tmpl, std::span<const Value> values) const;
    // Adds a new live fact (the caller has checked that no identical one is live).
    FactId add(TemplateId tmpl, std::span<const Value> values, Origin origin);
    // Marks a live fact dead and frees its values.
    void remove(FactId id);

    // A released block is not read (on some kernels even reading its pages makes them resident again).
    bool is_live(FactId id) const {
        return id < records_.size() && block_live_[id / kBlock] != 0 && records_[id].live;
    }
    // Calls f(id) for every live fact in id order, skipping the blocks that hold none.
    template <typename F>
    void for_each_live(F&& f) const {
        for (std::uint32_t b = 0; b < block_live_.size(); ++b) {
            if (block_live_[b] == 0) continue;
            FactId end = std::min<FactId>(static_cast<FactId>((std::uint64_t{b} + 1) * kBlock), end_id());
            for (FactId id = b * kBlock; id < end; ++id)
                if (records_[id].live) f(id);
        }
    }
    FactRecord& record(FactId id) { return records_[id]; }
    const FactRecord& record(FactId id) const { return records_[id]; }
    // Recency: 1 for the first fact added since clear(), 2 for the next, ... Ids count up from 0 in assert order and
    // are never reused, so the timestamp is the id + 1 and needs no field.
    static std::uint64_t timestamp(FactId id) { return std::uint64_t{id} + 1; }
    const Value* values(FactId id) const { return pool_.data() + records_[id].values; }
    std::span<const Value> value_span(FactId id) const { return {values(id), records_[id].arity}; }

    std::size_t live_count() const { return live_; }
    std::size_t peak_count() const { return peak_; }
    FactId end_id() const { return static_cast<FactId>(records_.size()); }
    std::size_t memory_bytes() const;

private:
    static constexpr std::uint32_t kBlock = 1024;   // records per block: 20 KiB, 5 whole pages

    static std::uint32_t hash_of(TemplateId tmpl, const Value* values, std::size_t n);
    std::uint32_t allocate_values(std::size_t n);
    void release_block(std::uint32_t block);

    rete::MappedArray<FactRecord> records_;
    rete::MappedArray<Value> pool_;
    std::vector<std::vector<std::uint32_t>> free_blocks_;   // per arity: offsets of free value blocks
    // Dedupe index: hash of (template, values) -> fact ids with that hash (almost always one).
    // 8 bytes: the low half of the hash (where the slot belongs, and a filter before the values are compared).
    struct FactSlot {
        std::uint32_t h = 0;
        FactId fact = kNoFact;
        bool empty() const { return fact == kNoFact; }
        std::uint64_t hash() const { return h; }
    };
    rete::LinearTable<FactSlot> by_hash_;
    std::size_t live_ = 0;
    std::size_t peak_ = 0;
    std::vector<std::uint16_t> block_live_;  // live facts per block of kBlock ids
    std::size_t released_blocks_ = 0;        // blocks given back since clear()
};

}  // namespace covenant
