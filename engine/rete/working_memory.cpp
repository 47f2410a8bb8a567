#include "rete/working_memory.hpp"

#include <algorithm>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace covenant {

static_assert(sizeof(FactRecord) == 20, "a block of 1,024 records must fill whole pages (see kBlock)");

WorkingMemory::WorkingMemory() { clear(); }

void WorkingMemory::clear() {
    records_.clear();
    pool_.clear();
    free_blocks_.clear();
    by_hash_.clear_keeping(rete::kKeptTableSlots);
    live_ = 0;
    peak_ = 0;
    block_live_.clear();
    released_blocks_ = 0;
}

std::uint32_t WorkingMemory::hash_of(TemplateId tmpl, const Value* values, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ tmpl;
    for (std::size_t i = 0; i < n; ++i) {
        // Identity hash: the type is mixed in, since Int 1 and Float 1.0 are different facts.
        h = (h ^ values[i].hash()) * 0x100000001b3ULL;
        h ^= static_cast<std::uint64_t>(values[i].type) << 56;
    }
    return static_cast<std::uint32_t>(rete::mix_hash(h));
}

FactId WorkingMemory::find(TemplateId tmpl, std::span<const Value> values) const {
    const FactSlot* slot = by_hash_.find(hash_of(tmpl, values.data(), values.size()), [&](const FactSlot& s) {
        const FactRecord& r = records_[s.fact];
        return r.tmpl == tmpl && r.arity == values.size() &&
               std::equal(values.begin(), values.end(), pool_.data() + r.values);
    });
    return slot ? slot->fact : kNoFact;
}

std::uint32_t WorkingMemory::allocate_values(std::size_t n) {
    if (n < free_blocks_.size() && !free_blocks_[n].empty()) {
        std::uint32_t off = free_blocks_[n].back();
        free_blocks_[n].pop_back();
        return off;
    }
    return pool_.push_n(static_cast<std::uint32_t>(n));
}

FactId WorkingMemory::add(TemplateId tmpl, std::span<const Value> values, Origin origin) {
    FactId id = records_.push();
    FactRecord& r = records_[id];
    r.tmpl = tmpl;
    r.arity = static_cast<std::uint16_t>(values.size());
    r.values = allocate_values(values.size());
    std::copy(values.begin(), values.end(), pool_.data() + r.values);
    r.origin = origin;
    r.live = true;
    by_hash_.insert(FactSlot{hash_of(tmpl, values.data(), values.size()), id});
    std::uint32_t block = id / kBlock;
    if (block >= block_live_.size()) block_live_.resize(block + 1u, 0);
    ++block_live_[block];
    ++live_;
    peak_ = std::max(peak_, live_);
    return id;
}

void WorkingMemory::remove(FactId id) {
    FactRecord& r = records_[id];
    by_hash_.erase(hash_of(r.tmpl, pool_.data() + r.values, r.arity), [&](const FactSlot& s) { return s.fact == id; });
    if (free_blocks_.size() <= r.arity) free_blocks_.resize(r.arity + 1u);
    free_blocks_[r.arity].push_back(r.values);
    r.live = false;
    --live_;
    std::uint32_t block = id / kBlock;
    // A full block with no live fact left: give its pages back. The block in which new ids are still being made is
    // not released (its last id's removal comes later and releases it then).
    if (--block_live_[block] == 0 && (std::uint64_t{block} + 1) * kBlock <= records_.size()) release_block(block);
}

void WorkingMemory::release_block(std::uint32_t block) {
#if defined(__linux__)
    constexpr std::size_t bytes = std::size_t{kBlock} * sizeof(FactRecord);
    static_assert(bytes % 4096 == 0);
    // The mapping starts on a page boundary, so a block does too. Anything but a MappedArray on Linux would make
    // this unsafe; MappedArray's fallback (realloc) is not used on Linux.
    if (madvise(records_.data() + std::size_t{block} * kBlock, bytes, MADV_DONTNEED) == 0) ++released_blocks_;
#else
    (void)block;
#endif
}

std::size_t WorkingMemory::memory_bytes() const {
    std::size_t free_count = 0;
    for (const auto& f : free_blocks_) free_count += f.capacity();
    std::size_t records = records_.resident_bytes();
    std::size_t released = released_blocks_ * std::size_t{kBlock} * sizeof(FactRecord);
    records = records > released ? records - released : 0;
    return records + pool_.resident_bytes() + block_live_.capacity() * sizeof(std::uint16_t) +
           free_count * sizeof(std::uint32_t) + by_hash_.capacity() * sizeof(FactSlot);
}

}  // namespace covenant
