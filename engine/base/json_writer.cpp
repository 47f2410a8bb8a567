#include "base/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include <fmt/format.h>

namespace covenant {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The length of the well-formed UTF-8 sequence that starts at s[i] (1 to 4), or 0 when it is not one; `taken` is then
// how many bytes to drop: 1 for a bad lead byte, else the bytes of the sequence before the one that broke it (that
// byte is not dropped, it starts the next character), or all the bytes to the end of s for a cut-off sequence.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t& taken) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (Unicode table 3-7)
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;  // no overlong forms
        if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;  // no overlong forms
        if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        taken = 1;
        return 0;
    }
    std::size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) break;
    }
    taken = k;
    return k == len ? len : 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t run = 0;  // start of the pending run of bytes copied as they are
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::size_t taken = 0;
            if (utf8_sequence(s, i, taken) != 0) {
                i += taken;
                continue;
            }
            out.append(s.substr(run, i - run));
            out.append(kReplacement);
            i += taken;
            run = i;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(s.substr(run, i - run));
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default: {
                static constexpr char kHex[] = "0123456789abcdef";
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
            }
        }
        run = ++i;
    }
    out.append(s.substr(run));
    out += '"';
}

// The digits come from std::to_chars, the shortest text that reads back as v; nlohmann's Grisu2 finds the shortest
// digits too except in rare cases (it is proven shortest for ~99.9% of doubles), where both still read back as v. The
// layout around the digits is nlohmann's (detail::format_buffer with min_exp -4 and max_exp 15).
void append_json_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    if (std::signbit(v)) {
        out += '-';
        v = -v;
    }
    if (v == 0) {
        out += "0.0";
        return;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));  // "d[.ddd]e±XX"
    std::size_t e = sci.find('e');
    std::string digits(1, sci[0]);
    if (e > 1) digits.append(sci.substr(2, e - 2));
    int exp10 = std::atoi(std::string(sci.substr(e + 1)).c_str());
    auto k = static_cast<int>(digits.size());
    int n = exp10 + 1;  // the decimal point sits n digits after the first digit
    constexpr int kMinExp = -4, kMaxExp = 15;
    if (k <= n && n <= kMaxExp) {  // 1234e7 -> 12340000000.0
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= kMaxExp) {  // 1234e-2 -> 12.34
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n));
    } else if (kMinExp < n && n <= 0) {  // 1234e-6 -> 0.001234
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {  // 1e-05, 1.234e+20: at least two exponent digits, always a sign
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1);
        }
        int x = n - 1;
        fmt::format_to(std::back_inserter(out), "e{}{:02}", x < 0 ? '-' : '+', std::abs(x));
    }
}

void JsonWriter::integer(long long v) { fmt::format_to(std::back_inserter(out_), "{}", v); }

}  // namespace covenant
