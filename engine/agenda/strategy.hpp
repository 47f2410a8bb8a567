// The conflict-resolution strategies (agenda.hpp says how each orders activations). They live in the agenda stage,
// which implements them; the engine's API (runtime/engine.hpp) re-exports them.
#pragma once

#include <optional>
#include <string_view>

namespace covenant {

enum class Strategy { Depth, Breadth, Lex, Mea };
std::optional<Strategy> parse_strategy(std::string_view name);  // "depth", "breadth", "lex", "mea"
std::string_view strategy_name(Strategy s);

}  // namespace covenant
