#include "agenda/agenda.hpp"

#include <algorithm>

namespace covenant {

void Agenda::clear() {
    acts_.clear();
    free_.clear();
    heap_.clear();
    live_ = 0;
    dead_in_heap_ = 0;
    next_sequence_ = 0;
    pending_release_ = false;
}

void Agenda::set_strategy(Strategy s) {
    strategy_ = s;
    rebuild();
}

bool Agenda::before(ActivationId ia, ActivationId ib) const {
    const ActivationRecord& a = acts_[ia];
    const ActivationRecord& b = acts_[ib];
    if (a.salience != b.salience) return a.salience > b.salience;
    switch (strategy_) {
        case Strategy::Depth: return a.sequence > b.sequence;
        case Strategy::Breadth: return a.sequence < b.sequence;
        case Strategy::Mea:
            if (a.first_recency != b.first_recency) return a.first_recency > b.first_recency;
            [[fallthrough]];
        case Strategy::Lex: {
            std::size_t n = std::min(a.recency.size(), b.recency.size());
            for (std::size_t i = 0; i < n; ++i)
                if (a.recency[i] != b.recency[i]) return a.recency[i] > b.recency[i];
            if (a.recency.size() != b.recency.size()) return a.recency.size() > b.recency.size();
            return a.sequence > b.sequence;
        }
    }
    return a.sequence > b.sequence;
}

void Agenda::release(ActivationId id) {
    acts_[id].recency.clear();
    free_.push_back(id);
}

ActivationId Agenda::add(RuleId rule, std::uint32_t token, int salience, std::uint64_t first_recency,
                         std::vector<std::uint64_t> recency) {
    ActivationId id;
    if (!free_.empty()) {
        id = free_.back();
        free_.pop_back();
    } else {
        id = static_cast<ActivationId>(acts_.size());
        acts_.emplace_back();
    }
    ActivationRecord& a = acts_[id];
    a.rule = rule;
    a.token = token;
    a.salience = salience;
    a.sequence = ++next_sequence_;
    a.first_recency = first_recency;
    a.recency = std::move(recency);
    a.live = true;
    heap_.push_back(id);
    std::push_heap(heap_.begin(), heap_.end(), HeapLess{this});
    ++live_;
    return id;
}

void Agenda::remove(ActivationId id) {
    if (!acts_[id].live) return;
    acts_[id].live = false;
    --live_;
    ++dead_in_heap_;
    // Lazy deletion: the id stays in the heap (and is not reused) until it is popped or the heap is rebuilt.
    if (dead_in_heap_ > 64 && dead_in_heap_ > heap_.size() / 2) rebuild();
}

void Agenda::rebuild() {
    std::vector<ActivationId> kept;
    kept.reserve(live_);
    for (ActivationId id : heap_) {
        if (acts_[id].live) kept.push_back(id);
        else release(id);
    }
    heap_ = std::move(kept);
    dead_in_heap_ = 0;
    std::make_heap(heap_.begin(), heap_.end(), HeapLess{this});
}

bool Agenda::pop(ActivationId& out) {
    if (pending_release_) {
        release(popped_);
        pending_release_ = false;
    }
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), HeapLess{this});
        ActivationId id = heap_.back();
        heap_.pop_back();
        if (!acts_[id].live) {
            --dead_in_heap_;
            release(id);
            continue;
        }
        acts_[id].live = false;
        --live_;
        pending_release_ = true;
        popped_ = id;
        out = id;
        return true;
    }
    return false;
}

std::vector<ActivationId> Agenda::live_ids() const {
    std::vector<ActivationId> out;
    for (ActivationId id : heap_)
        if (acts_[id].live) out.push_back(id);
    return out;
}

std::vector<ActivationId> Agenda::ordered() const {
    std::vector<ActivationId> out = live_ids();
    std::sort(out.begin(), out.end(), [this](ActivationId a, ActivationId b) { return before(a, b); });
    return out;
}

std::size_t Agenda::memory_bytes() const {
    std::size_t bytes = acts_.capacity() * sizeof(ActivationRecord) + heap_.capacity() * sizeof(ActivationId) +
                        free_.capacity() * sizeof(ActivationId);
    for (const auto& a : acts_) bytes += a.recency.capacity() * sizeof(std::uint64_t);
    return bytes;
}

}  // namespace covenant
