// What names a fact and how it came to be: shared by working memory and the matcher (rete) and by the engine's API
// (runtime/engine.hpp), which re-exports them. They live here, in the lowest stage that stores facts, so that the
// rete stage does not need the runtime's headers.
#pragma once

#include <cstdint>

namespace covenant {

using FactId = std::uint32_t;
constexpr FactId kNoFact = 0xFFFFFFFF;

// How a fact came to be in working memory.
enum class Origin : std::uint8_t {
    Given,       // asserted from outside: a facts block, a YAML file, the REPL, the API
    Asserted,    // by a rule's `assert` action (unconditional, like CLIPS assert)
    Concluded,   // by a rule's `conclude` action (logically supported)
    Score        // a score fact maintained from evidence contributions
};

// "given", "asserted", "concluded" or "score": the word explanations and the embedding API use for an origin.
constexpr const char* origin_word(Origin o) {
    switch (o) {
        case Origin::Given: return "given";
        case Origin::Asserted: return "asserted";
        case Origin::Concluded: return "concluded";
        case Origin::Score: return "score";
    }
    return "given";
}

}  // namespace covenant
