// Scalar text -> typed Value, shared by YAML fact files and the REPL.
//
// Accepted spellings (YAML 1.2 core schema where it applies, stricter elsewhere; see docs/cli.md "Fact files"):
//   symbol   a plain (unquoted) scalar written like a rule-language identifier: [A-Za-z_][A-Za-z0-9_]*. Values such as
//            `nato-2024` are rejected with a hint, because a symbol that cannot be written in a rule could never be
//            matched by a constant and would not print back as valid rule text.
//   one of   a symbol that is among the listed values.
//   string   any scalar, quoted or not (`1950` in a string slot is the string "1950").
//   int      [-+]?[0-9]+ within 64 bits, nothing else (no 0x, no 1_000, no trailing junk, no 1.0).
//   float    [-+]?(digits[.digits]|.digits)([eE][-+]?digits)?, finite; an int spelling is accepted and becomes a float.
//   bool     true | True | TRUE | false | False | FALSE (YAML 1.2); yes/no/on/off are rejected with a hint.
//   any      (score-predicate arguments) the most specific reading: int, float, true/false, symbol, else string.
// Quoted scalars are always strings: "1950" does not fit an int slot.
#include "kb/value_text.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "kb/fact_file.hpp"

namespace covenant::kb {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// How a scalar is shown inside a message: quoted, first line only, at most 40 bytes.
std::string shown(std::string_view text, bool quoted) {
    constexpr std::size_t kMaxShown = 40;
    std::string_view first = text.substr(0, text.find('\n'));
    bool cut = first.size() < text.size();
    if (first.size() > kMaxShown) {
        first = first.substr(0, kMaxShown);
        cut = true;
    }
    std::string s(first);
    if (cut) s += "...";
    if (quoted) return "the quoted string \"" + s + "\"";
    return "'" + s + "'";
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::string_view digits = text;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
    if (digits.empty()) return std::nullopt;
    for (char c : digits)
        if (!is_digit(c)) return std::nullopt;
    std::int64_t v = 0;
    // from_chars accepts a leading '-' but not '+'.
    std::string_view parse_from = text.front() == '+' ? text.substr(1) : text;
    auto [end, ec] = std::from_chars(parse_from.data(), parse_from.data() + parse_from.size(), v);
    if (ec != std::errc() || end != parse_from.data() + parse_from.size()) return std::nullopt;
    return v;
}

bool looks_like_int(std::string_view text) {
    std::string_view d = text;
    if (!d.empty() && (d.front() == '+' || d.front() == '-')) d.remove_prefix(1);
    if (d.empty()) return false;
    for (char c : d)
        if (!is_digit(c)) return false;
    return true;
}

// Checks the YAML 1.2 float shape before from_chars, which would also take "inf", "nan" and hex forms.
bool has_float_shape(std::string_view t) {
    std::size_t i = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < t.size() && is_digit(t[i])) ++i, ++int_digits;
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && is_digit(t[i])) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return false;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < t.size() && is_digit(t[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == t.size();
}

std::optional<double> parse_float(std::string_view text) {
    if (!has_float_shape(text)) return std::nullopt;
    std::string_view parse_from = text.front() == '+' ? text.substr(1) : text;
    double v = 0;
    auto [end, ec] = std::from_chars(parse_from.data(), parse_from.data() + parse_from.size(), v);
    if (ec != std::errc() || end != parse_from.data() + parse_from.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace

bool is_symbol_text(std::string_view text) { return is_name_text(text) && text != "true" && text != "false"; }

std::string expected_words(const SlotDef& slot) {
    if (!slot.one_of.empty()) return "one of " + one_of_list(slot);
    switch (slot.type) {
        case Type::Symbol: return "a symbol";
        case Type::String: return "a string";
        case Type::Int: return "an integer";
        case Type::Float: return "a number";
        case Type::Bool: return "true or false";
        case Type::Any: return "a value";
        case Type::List: return fmt::format("a list of {} values ([a, b] or a `- item` on each line)",
                                            type_name(slot.element));
    }
    return "a value";
}

std::optional<Value> convert_scalar(std::string_view text, bool quoted, const SlotDef& slot, ValueProblem& problem) {
    problem = {};
    auto fail = [&](std::string hint = {}) -> std::optional<Value> {
        problem.expected = expected_words(slot);
        problem.got = shown(text, quoted);
        problem.hint = std::move(hint);
        return std::nullopt;
    };
    if (slot.type == Type::String) return Value::string(text);
    if (slot.type == Type::Any) {
        // Score-predicate arguments at the REPL: the most specific reading of the text.
        if (quoted) return Value::string(text);
        if (auto i = parse_int(text)) return Value::integer(*i);
        if (auto f = parse_float(text)) return Value::real(*f);
        if (text == "true" || text == "false") return Value::boolean(text == "true");
        if (is_symbol_text(text)) return Value::symbol(text);
        return Value::string(text);
    }
    if (quoted) {
        if (slot.type == Type::Symbol) return fail("symbols are written without quotes");
        return fail("quoted values are strings; write the value without quotes");
    }
    switch (slot.type) {
        case Type::Symbol: {
            if (!is_symbol_text(text)) {
                if (text == "true" || text == "false") return fail("'" + std::string(text) + "' is a bool");
                return fail("a symbol is letters, digits and '_', starting with a letter or '_'");
            }
            if (!slot.one_of.empty()) {
                SymbolId id = Symbols::intern(text);
                for (SymbolId allowed : slot.one_of)
                    if (allowed == id) return Value::symbol(id);
                problem.sentence = "'" + std::string(text) + "' is not one of " + one_of_list(slot);
                return std::nullopt;
            }
            return Value::symbol(text);
        }
        case Type::Int: {
            if (auto v = parse_int(text)) return Value::integer(*v);
            if (looks_like_int(text)) return fail("it is out of the range of a 64-bit integer");
            if (parse_float(text)) return fail("this slot holds whole numbers");
            return fail();
        }
        case Type::Float: {
            if (auto v = parse_float(text)) return Value::real(*v);
            return fail();
        }
        case Type::Bool: {
            if (text == "true" || text == "True" || text == "TRUE") return Value::boolean(true);
            if (text == "false" || text == "False" || text == "FALSE") return Value::boolean(false);
            static constexpr std::string_view kYaml11Bools[] = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On",
                                                                 "ON", "off", "Off", "OFF", "y", "Y", "n", "N"};
            for (std::string_view w : kYaml11Bools)
                if (text == w) return fail("YAML 1.2 reads only true and false as booleans");
            return fail();
        }
        case Type::List: return fail("write the items as a list, [a, b]");
        case Type::String:
        case Type::Any: break;
    }
    return fail();
}

}  // namespace covenant::kb

namespace covenant {

std::optional<Value> value_from_text(std::string_view text, bool quoted, const SlotDef& slot, std::string& why) {
    kb::ValueProblem problem;
    std::optional<Value> v = kb::convert_scalar(text, quoted, slot, problem);
    if (v) {
        why.clear();
        return v;
    }
    why = problem.sentence.empty() ? "expected " + problem.expected + ", got " + problem.got : problem.sentence;
    if (!problem.hint.empty()) why += " (" + problem.hint + ")";
    return std::nullopt;
}

}  // namespace covenant
