// Per-rule profiling: what `covenant run --profile` and the REPL's `profile` show. Modelled on CLIPS's profile-info
// (CLIPS 6.30 Basic Programming Guide, "Profiling Commands": `profile`, `profile-info`, `profile-reset` — per
// construct, its entries and the time spent in it, with and without what it called) and its `matches` command (the
// partial matches per join), adapted to a Rete engine: per rule, its firings, the activations it made, the partial
// matches (tokens) made by the nodes of its network path, and the time spent in those nodes and in its actions.
//
// Attribution. A beta node shared by several rules (Doorenbos 1995 §2.1, §6: rules with a common condition prefix
// share it) does its work once, and that work is charged to EVERY rule whose path includes the node: each rule's
// line says what matching it needed, shared or not. The per-rule columns can therefore add up to more than the work
// done; Profile::match_ns and the token total count each node's work once.
//
// Times are self times (steady_clock): a node's left or right activation, or the removal of one of its tokens, is
// charged without the nested activations of the nodes below it, which are charged to those; a firing's actions are
// charged without the matching they cause (each change is charged to the nodes it reaches) — so that every
// nanosecond is charged to one node or one firing, and the total is the time actually spent.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "program/program.hpp"

namespace covenant::rete {

struct RuleProfile {
    std::uint64_t firings = 0;
    std::uint64_t activations = 0;  // complete matches made, each one an activation added to the agenda
    std::uint64_t tokens = 0;       // partial matches made by the nodes of its path (shared nodes: see above)
    std::uint64_t match_ns = 0;     // self time of those nodes' activations and token removals
    std::uint64_t action_ns = 0;    // self time of its firings: actions and the truth maintenance they cause
    std::uint64_t total_ns() const { return match_ns + action_ns; }
    bool idle() const { return firings == 0 && activations == 0 && tokens == 0 && total_ns() == 0; }
};

// A profile, owned by the caller and attached to one engine or more over the same program (Engine::set_profile):
// the counts add up across them.
struct Profile {
    std::vector<RuleProfile> rules;  // by RuleId (the engine sizes it)
    std::uint64_t tokens = 0;        // tokens made, each counted once
    std::uint64_t match_ns = 0;      // time in the network, each node's counted once
    std::uint64_t action_ns = 0;     // time in firings outside the network
    void clear() {
        for (auto& r : rules) r = RuleProfile{};
        tokens = match_ns = action_ns = 0;
    }
};

// Self time of nested regions: enter() starts a region, leave() ends the innermost one and returns its duration less
// that of the regions nested in it. Two clock reads per region; used only while profiling.
class SelfTimer {
public:
    void enter() { frames_.push_back(Frame{now(), 0}); }
    std::uint64_t leave() {
        Frame f = frames_.back();
        frames_.pop_back();
        std::uint64_t total = now() - f.start;
        if (!frames_.empty()) frames_.back().nested += total;
        return total - f.nested;
    }

private:
    struct Frame {
        std::uint64_t start;
        std::uint64_t nested;
    };
    static std::uint64_t now() {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now().time_since_epoch())
                                              .count());
    }
    std::vector<Frame> frames_;
};

}  // namespace covenant::rete
