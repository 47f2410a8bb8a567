#include "agenda/agenda.hpp"

#include <algorithm>

namespace covenant {

void Agenda::clear() {
    acts_.clear();
    recency_.clear();
    free_.clear();
    groups_.clear();
    heap_.clear();
    lists_ = uses_lists(strategy_);
    live_ = 0;
    dead_in_heap_ = 0;
    next_sequence_ = 0;
    pending_release_ = false;
}

void Agenda::set_strategy(Strategy s) {
    std::vector<ActivationId> ids = live_ids();
    strategy_ = s;
    restructure(std::move(ids));
}

bool Agenda::before(ActivationId ia, ActivationId ib) const {
    const ActivationRecord& a = acts_[ia];
    const ActivationRecord& b = acts_[ib];
    if (a.salience != b.salience) return a.salience > b.salience;
    switch (strategy_) {
        case Strategy::Depth: return a.sequence > b.sequence;
        case Strategy::Breadth: return a.sequence < b.sequence;
        case Strategy::Mea:
        case Strategy::Lex: {
            static const Recency none;
            const Recency& ra = ia < recency_.size() ? recency_[ia] : none;
            const Recency& rb = ib < recency_.size() ? recency_[ib] : none;
            if (strategy_ == Strategy::Mea && ra.first != rb.first) return ra.first > rb.first;
            std::size_t n = std::min(ra.stamps.size(), rb.stamps.size());
            for (std::size_t i = 0; i < n; ++i)
                if (ra.stamps[i] != rb.stamps[i]) return ra.stamps[i] > rb.stamps[i];
            if (ra.stamps.size() != rb.stamps.size()) return ra.stamps.size() > rb.stamps.size();
            return a.sequence > b.sequence;
        }
    }
    return a.sequence > b.sequence;
}

void Agenda::release(ActivationId id) {
    if (id < recency_.size()) recency_[id] = Recency{};
    free_.push_back(id);
}

void Agenda::set_recency(ActivationId id, Recency recency) {
    if (recency_.size() <= id) recency_.resize(acts_.size());
    recency_[id] = std::move(recency);
}

Agenda::Group& Agenda::group_for(int salience) {
    // Few distinct saliences in practice (Waltz has four), so a linear scan of a sorted vector is the fastest lookup.
    auto it = groups_.begin();
    while (it != groups_.end() && it->salience > salience) ++it;
    if (it == groups_.end() || it->salience != salience) it = groups_.insert(it, Group{salience, kNil, kNil});
    return *it;
}

void Agenda::link(ActivationId id, bool at_front) {
    Group& g = group_for(acts_[id].salience);
    ActivationRecord& a = acts_[id];
    if (at_front) {
        a.prev = kNil;
        a.next = g.head;
        if (g.head != kNil) acts_[g.head].prev = id;
        else g.tail = id;
        g.head = id;
    } else {
        a.next = kNil;
        a.prev = g.tail;
        if (g.tail != kNil) acts_[g.tail].next = id;
        else g.head = id;
        g.tail = id;
    }
}

void Agenda::unlink(ActivationId id) {
    ActivationRecord& a = acts_[id];
    Group& g = group_for(a.salience);
    if (a.prev != kNil) acts_[a.prev].next = a.next;
    else g.head = a.next;
    if (a.next != kNil) acts_[a.next].prev = a.prev;
    else g.tail = a.prev;
    a.prev = a.next = kNil;
}

ActivationId Agenda::new_record() {
    if (!free_.empty()) {
        ActivationId id = free_.back();
        free_.pop_back();
        return id;
    }
    acts_.emplace_back();
    return static_cast<ActivationId>(acts_.size() - 1);
}

void Agenda::link_before(ActivationId id, ActivationId anchor) {
    Group& g = group_for(acts_[id].salience);
    ActivationRecord& a = acts_[id];
    ActivationRecord& b = acts_[anchor];
    a.next = anchor;
    a.prev = b.prev;
    if (b.prev != kNil) acts_[b.prev].next = id;
    else g.head = id;
    b.prev = id;
}

ActivationId Agenda::add_placeholder(RuleId rule, std::uint32_t suspension, int salience) {
    ActivationId id = add(rule, suspension, salience);
    acts_[id].placeholder = true;
    next_sequence_ += kBlockSpan;
    return id;
}

void Agenda::begin_block(ActivationId placeholder) {
    block_anchor_ = placeholder;
    block_sequence_ = acts_[placeholder].sequence;
}

ActivationId Agenda::add_in_block(RuleId rule, std::uint32_t token, int salience) {
    ActivationId id = new_record();
    ActivationRecord& a = acts_[id];
    a.rule = rule;
    a.token = token;
    a.salience = salience;
    a.sequence = ++block_sequence_;
    a.live = true;
    a.placeholder = false;
    link_before(id, block_anchor_);
    block_anchor_ = id;
    ++live_;
    return id;
}

ActivationId Agenda::add(RuleId rule, std::uint32_t token, int salience, Recency recency) {
    ActivationId id = new_record();
    ActivationRecord& a = acts_[id];
    a.rule = rule;
    a.token = token;
    a.salience = salience;
    a.sequence = ++next_sequence_;
    a.live = true;
    a.placeholder = false;
    if (!uses_lists(strategy_)) set_recency(id, std::move(recency));
    if (lists_) {
        // The newest activation: the top of its group under depth, the bottom under breadth.
        link(id, strategy_ == Strategy::Depth);
    } else {
        heap_.push_back(id);
        std::push_heap(heap_.begin(), heap_.end(), HeapLess{this});
    }
    ++live_;
    return id;
}

void Agenda::remove(ActivationId id) {
    if (!acts_[id].live) return;
    acts_[id].live = false;
    --live_;
    if (lists_) {
        unlink(id);
        release(id);
        return;
    }
    ++dead_in_heap_;
    // Lazy deletion: the id stays in the heap (and is not reused) until it is popped or the heap is rebuilt.
    if (dead_in_heap_ > 64 && dead_in_heap_ > heap_.size() / 2) rebuild();
}

void Agenda::rebuild() { restructure(live_ids()); }

void Agenda::restructure(std::vector<ActivationId> ids) {
    for (ActivationId id : heap_)
        if (!acts_[id].live) release(id);
    heap_.clear();
    groups_.clear();
    dead_in_heap_ = 0;
    lists_ = uses_lists(strategy_);
    if (lists_) {
        std::sort(ids.begin(), ids.end(), [this](ActivationId a, ActivationId b) { return before(a, b); });
        for (ActivationId id : ids) link(id, false);
    } else {
        heap_ = std::move(ids);
        std::make_heap(heap_.begin(), heap_.end(), HeapLess{this});
    }
}

bool Agenda::pop(ActivationId& out) {
    if (pending_release_) {
        release(popped_);
        pending_release_ = false;
    }
    ActivationId id = kNil;
    if (lists_) {
        for (const Group& g : groups_)
            if (g.head != kNil) {
                id = g.head;
                break;
            }
        if (id == kNil) return false;
        unlink(id);
    } else {
        while (!heap_.empty()) {
            std::pop_heap(heap_.begin(), heap_.end(), HeapLess{this});
            ActivationId top = heap_.back();
            heap_.pop_back();
            if (acts_[top].live) {
                id = top;
                break;
            }
            --dead_in_heap_;
            release(top);
        }
        if (id == kNil) return false;
    }
    acts_[id].live = false;
    --live_;
    pending_release_ = true;
    popped_ = id;
    out = id;
    return true;
}

bool Agenda::peek(ActivationId& out) {
    if (lists_) {
        for (const Group& g : groups_)
            if (g.head != kNil) {
                out = g.head;
                return true;
            }
        return false;
    }
    while (!heap_.empty() && !acts_[heap_.front()].live) {
        std::pop_heap(heap_.begin(), heap_.end(), HeapLess{this});
        release(heap_.back());
        heap_.pop_back();
        --dead_in_heap_;
    }
    if (heap_.empty()) return false;
    out = heap_.front();
    return true;
}

std::vector<ActivationId> Agenda::live_ids() const {
    std::vector<ActivationId> out;
    out.reserve(live_);
    if (lists_) {
        for (const Group& g : groups_)
            for (ActivationId id = g.head; id != kNil; id = acts_[id].next) out.push_back(id);
    } else {
        for (ActivationId id : heap_)
            if (acts_[id].live) out.push_back(id);
    }
    return out;
}

std::vector<ActivationId> Agenda::ordered() const {
    std::vector<ActivationId> out = live_ids();
    std::sort(out.begin(), out.end(), [this](ActivationId a, ActivationId b) { return before(a, b); });
    return out;
}

std::size_t Agenda::memory_bytes() const {
    std::size_t bytes = acts_.capacity() * sizeof(ActivationRecord) + heap_.capacity() * sizeof(ActivationId) +
                        free_.capacity() * sizeof(ActivationId) + groups_.capacity() * sizeof(Group);
    bytes += recency_.capacity() * sizeof(Recency);
    for (const auto& r : recency_) bytes += r.stamps.capacity() * sizeof(std::uint64_t);
    return bytes;
}

}  // namespace covenant
