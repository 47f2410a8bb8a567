// Values held in fact slots and computed by expressions, and the process-wide symbol table.
//
// A Value is 16 bytes, trivially copyable, and compares/hashes without touching strings: symbols and strings are
// interned, so equality on the matcher's hot path is an integer compare.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace covenant {

using SymbolId = std::uint32_t;

// Interns symbol names and string contents. One table per process: ids are comparable across programs, engines and
// threads. `intern` is thread-safe; `name` is lock-free and valid for the life of the process (entries never move).
class Symbols {
public:
    static SymbolId intern(std::string_view text);
    static std::string_view name(SymbolId id);
    // Number of interned entries (for statistics).
    static std::size_t count();
};

// List: an immutable sequence of values (a multislot, `members: list of symbol`), interned like text (Lists).
enum class Type : std::uint8_t { Symbol, String, Int, Float, Bool, Any, List };

// The user-facing name of a type, as written in templates: "symbol", "string", "int", "float", "bool", "any".
std::string_view type_name(Type t);

struct Value;

// Interns lists of values: equal lists (element for element, by Value ==) get one id, so a list Value stays 16
// trivially copyable bytes and compares and hashes as an integer, like interned text. Same storage discipline as
// Symbols: thread-safe intern, lock-free reads, entries never move or die (a limit stated in docs/language.md).
using ListId = std::uint32_t;
class Lists {
public:
    static ListId intern(std::span<const Value> items);
    static std::span<const Value> items(ListId id);
};

struct Value {
    Type type = Type::Symbol;
    union {
        std::int64_t i;
        double f;
        bool b;
        SymbolId sym;  // Symbol and String
        ListId list;   // List
    };

    Value() : i(0) {}
    static Value symbol(SymbolId s) { Value v; v.type = Type::Symbol; v.i = 0; v.sym = s; return v; }
    static Value symbol(std::string_view s) { return symbol(Symbols::intern(s)); }
    static Value string(SymbolId s) { Value v; v.type = Type::String; v.i = 0; v.sym = s; return v; }
    static Value string(std::string_view s) { return string(Symbols::intern(s)); }
    static Value integer(std::int64_t x) { Value v; v.type = Type::Int; v.i = x; return v; }
    static Value real(double x) { Value v; v.type = Type::Float; v.f = x; return v; }
    static Value boolean(bool x) { Value v; v.type = Type::Bool; v.i = 0; v.b = x; return v; }
    static Value of_list(std::span<const Value> items) {
        Value v; v.type = Type::List; v.i = 0; v.list = Lists::intern(items); return v;
    }
    std::span<const Value> items() const { return Lists::items(list); }  // List only

    bool is_number() const { return type == Type::Int || type == Type::Float; }
    double as_double() const { return type == Type::Int ? static_cast<double>(i) : f; }
    std::string_view text() const { return Symbols::name(sym); }  // Symbol and String only

    // Exact identity: same type and same payload. Int 1 and Float 1.0 are NOT identical (facts keep their types);
    // use compare() for numeric comparison across int and float.
    friend bool operator==(const Value& a, const Value& b) {
        if (a.type != b.type) return false;
        switch (a.type) {
            case Type::Int: return a.i == b.i;
            case Type::Float: return a.f == b.f;
            case Type::Bool: return a.b == b.b;
            case Type::List: return a.list == b.list;
            default: return a.sym == b.sym;
        }
    }
    // Consistent with equal_for_match, not only with ==: an integral float hashes like the equal int, so numeric
    // equality joins across int and float slots meet in one bucket. Inline: every join key and fact hash calls it.
    std::size_t hash() const {
        std::uint64_t x;
        switch (type) {
            case Type::Int: x = static_cast<std::uint64_t>(i); break;
            case Type::Float:
                if (std::floor(f) == f && std::fabs(f) < 9.0e18)
                    x = static_cast<std::uint64_t>(static_cast<std::int64_t>(f));
                else std::memcpy(&x, &f, sizeof x);
                break;
            case Type::Bool: x = b ? 1 : 0; break;
            case Type::List: x = list; break;
            default: x = sym; break;
        }
        std::uint64_t t = (type == Type::Int || type == Type::Float) ? 1 : static_cast<std::uint64_t>(type) + 2;
        x ^= t * 0x9E3779B97F4A7C15ULL;
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        return static_cast<std::size_t>(x);
    }
};

// Three-way comparison used by `< <= > >=` and by equality tests in rules: numbers compare numerically across int and
// float; symbols and strings compare by text; bool false < true. Returns false in `comparable` for values of
// different kinds (a symbol against a number), which a test treats as "does not match".
int compare(const Value& a, const Value& b, bool& comparable);

// Equality as rules see it: like compare() == 0, so `?x = 1` matches a float slot holding 1.0.
bool equal_for_match(const Value& a, const Value& b);

// Renders a value as it is written in the rule language: symbols bare, strings quoted with escapes, floats with a
// decimal point (1.0, 0.35), bools as true/false.
std::string to_source(const Value& v);
// Renders for display inside interpolated text: strings without quotes, otherwise like to_source.
std::string to_display(const Value& v);
// Like to_source, but a float written with more than four decimals (a computed value such as 0.3173333333333333)
// is rounded to three, as explanations show scores; shorter floats (0.95, 0.305) and every other value are unchanged.
// For text people read (explanation trees), never for text that is read back.
std::string to_reading(const Value& v);

}  // namespace covenant

template <>
struct std::hash<covenant::Value> {
    std::size_t operator()(const covenant::Value& v) const noexcept { return v.hash(); }
};
