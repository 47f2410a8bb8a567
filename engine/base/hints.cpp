#include "base/hints.hpp"

#include <cctype>

namespace covenant {

namespace {

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::optional<std::string> hyphenated_name_hint(std::string_view text) {
    // names ( '-' name )+ : every part starts like a name, so `a-1` (a subtraction) and `-x` are not slips.
    std::size_t i = 0, parts = 0;
    while (i < text.size()) {
        if (!name_start(text[i])) return std::nullopt;
        while (i < text.size() && name_char(text[i])) ++i;
        ++parts;
        if (i == text.size()) break;
        if (text[i] != '-') return std::nullopt;
        ++i;
        if (i == text.size()) return std::nullopt;
    }
    if (parts < 2) return std::nullopt;
    std::string fixed(text);
    for (char& c : fixed)
        if (c == '-') c = '_';
    return "names are letters, digits and '_', not '-': write '" + fixed + "'";
}

std::optional<std::string> hyphenated_name_hint_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return std::nullopt;
    std::size_t begin = pos, end = pos;
    auto part = [&](char c) { return name_char(c) || c == '-'; };
    while (begin > 0 && part(text[begin - 1])) --begin;
    while (end < text.size() && part(text[end])) ++end;
    return hyphenated_name_hint(text.substr(begin, end - begin));
}

std::optional<std::string> single_equals_hint_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size() || text[pos] != '=') return std::nullopt;
    if (pos + 1 < text.size() && text[pos + 1] == '=') return std::nullopt;
    if (pos > 0 && (text[pos - 1] == '=' || text[pos - 1] == '<' || text[pos - 1] == '>' || text[pos - 1] == '!'))
        return std::nullopt;
    return std::string("to compare two values write '=='; a single '=' is not an operator");
}

}  // namespace covenant
