#include "runtime/working_memory.hpp"

#include <algorithm>

namespace covenant {

WorkingMemory::WorkingMemory() { clear(); }

void WorkingMemory::clear() {
    records_.clear();
    pool_.clear();
    free_blocks_.clear();
    by_hash_.clear_keeping(rete::kKeptTableSlots);
    live_ = 0;
    peak_ = 0;
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
}

std::size_t WorkingMemory::memory_bytes() const {
    std::size_t free_count = 0;
    for (const auto& f : free_blocks_) free_count += f.capacity();
    return records_.resident_bytes() + pool_.resident_bytes() +
           free_count * sizeof(std::uint32_t) + by_hash_.capacity() * sizeof(FactSlot);
}

}  // namespace covenant
