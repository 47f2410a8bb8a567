// Test support for the kb tests: building templates by hand without the rule language.
#pragma once

#include <optional>
#include <string>

#include "program/program.hpp"

namespace covenant::test {

// A slot of `type`, required unless `def` is given.
inline SlotDef slot(std::string name, Type type, std::optional<Value> def = std::nullopt) {
    SlotDef s;
    s.name = std::move(name);
    s.type = type;
    s.default_value = def;
    return s;
}

}  // namespace covenant::test
