// An open-addressing hash table with linear probing and backward-shift deletion (Knuth, TAOCP vol. 3, §6.4,
// Algorithm R). Slots are stored inline in one array, so a lookup usually touches one cache line — the matcher's
// hash indexes and the working memory's dedupe index are on the hot path of every assert and retract, and node-based
// std::unordered_map spent most of its time in cache misses there.
//
// Slot requirements: default-constructible as "empty"; `bool empty() const`; `std::uint64_t hash() const` returning a
// well-mixed hash (use mix_hash). Duplicate hashes are allowed (the table works as a multimap); callers pass a
// predicate to pick the slot they mean. The load factor stays <= MaxLoadPercent (at most 90): at 50% an unsuccessful
// lookup probes 2.5 slots on average, at 75% 8.5 (Knuth's estimates) — with 8-byte slots still one or two cache lines.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rete/mapped_array.hpp"

namespace covenant::rete {

// SplitMix64's finaliser: every input bit affects every output bit.
inline std::uint64_t mix_hash(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// How many slots a reset keeps (clear_keeping): 4,096 slots of 8 bytes are 32 KiB, cleared in a microsecond or two.
inline constexpr std::size_t kKeptTableSlots = 4096;

template <typename Slot, unsigned MaxLoadPercent = 50>
class LinearTable {
    static_assert(MaxLoadPercent >= 10 && MaxLoadPercent <= 90);

public:
    LinearTable() { clear(); }

    void clear() {
        slots_.assign(16, Slot{});
        size_ = 0;
    }
    // Empties the table but keeps up to `keep` slots (a power of two, at least 16): a table that is refilled to about
    // the same size after every reset (one engine classifying case after case) then does not regrow — reallocate
    // and rehash — from 16 slots each time. Clearing costs O(min(capacity, keep)).
    void clear_keeping(std::size_t keep) {
        slots_.assign(std::max<std::size_t>(16, std::min(slots_.size(), keep)), Slot{});
        size_ = 0;
    }
    std::size_t size() const { return size_; }
    // True when the next insert grows the table.
    bool full() const { return 100 * (size_ + 1) > MaxLoadPercent * slots_.size(); }
    std::size_t capacity() const { return slots_.size(); }

    // The first slot with hash `h` for which `match(slot)` holds, or nullptr.
    template <typename Match>
    Slot* find(std::uint64_t h, Match match) {
        std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            Slot& s = slots_[i];
            if (s.empty()) return nullptr;
            if (s.hash() == h && match(s)) return &s;
        }
    }
    template <typename Match>
    const Slot* find(std::uint64_t h, Match match) const {
        return const_cast<LinearTable*>(this)->find(h, match);
    }

    // Asks the processor to start loading the slot where a lookup of hash `h` begins, so that a lookup issued a
    // little later — after other independent work — finds it in cache.
    void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }

    // Adds a slot (no duplicate check). Returns where it was put (valid until the next insert or erase).
    Slot* insert(const Slot& slot) {
        if (full()) grow();
        ++size_;
        return place(slot);
    }

    // Removes the first slot with hash `h` matching `match`; false when there is none.
    template <typename Match>
    bool erase(std::uint64_t h, Match match) {
        Slot* s = find(h, match);
        if (!s) return false;
        erase_at(static_cast<std::size_t>(s - slots_.data()));
        return true;
    }

    // Visits every slot (for statistics and tests).
    template <typename F>
    void for_each(F f) const {
        for (const auto& s : slots_)
            if (!s.empty()) f(s);
    }

private:
    Slot* place(const Slot& slot) {
        std::size_t mask = slots_.size() - 1;
        std::size_t i = slot.hash() & mask;
        while (!slots_[i].empty()) i = (i + 1) & mask;
        slots_[i] = slot;
        return &slots_[i];
    }

    void grow() {
        Slots old(slots_.size() * 2, Slot{});
        old.swap(slots_);
        for (const auto& s : old)
            if (!s.empty()) place(s);
    }

    // Backward-shift deletion: moves later members of the probe run into the hole, so no tombstones are needed.
    void erase_at(std::size_t hole) {
        std::size_t mask = slots_.size() - 1;
        std::size_t i = hole;
        for (;;) {
            i = (i + 1) & mask;
            if (slots_[i].empty()) break;
            std::size_t ideal = slots_[i].hash() & mask;
            // The slot at i may move into the hole when its ideal position is not within (hole, i] cyclically.
            bool stays = hole <= i ? (hole < ideal && ideal <= i) : (hole < ideal || ideal <= i);
            if (stays) continue;
            slots_[hole] = slots_[i];
            hole = i;
        }
        slots_[hole] = Slot{};
        --size_;
    }

    // Large tables are allocated on huge pages (LargeBlockAllocator): growing one writes every slot of the new array.
    using Slots = std::vector<Slot, LargeBlockAllocator<Slot>>;
    Slots slots_;
    std::size_t size_ = 0;
};

}  // namespace covenant::rete
