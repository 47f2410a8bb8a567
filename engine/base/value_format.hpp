// fmt support for Value: `fmt::format("{}", v)` prints v as it is written in source (to_source). Apart from value.hpp
// so that the many headers that only hold Values (program, working memory, the matcher) do not pull <fmt/format.h>
// into every file that includes them. diagnostic.hpp includes it, since diagnostics name values; a file that formats
// a Value without reporting diagnostics includes it itself (without it, fmt::format of a Value does not compile).
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/value.hpp"

template <>
struct fmt::formatter<covenant::Value> : fmt::formatter<std::string_view> {
    template <typename Ctx>
    auto format(const covenant::Value& v, Ctx& ctx) const {
        std::string s = covenant::to_source(v);
        return fmt::formatter<std::string_view>::format(s, ctx);
    }
};
