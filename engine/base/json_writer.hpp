// A JSON writer that appends compact JSON to a string, piece by piece, with no node tree: the classifier writes one
// JSON Lines record per case with it (classify/classify.cpp), and a tree per record would cost more than classifying
// the case. Its contract is nlohmann::json's: what it writes is byte for byte what nlohmann's compact dump(-1) with
// error_handler_t::replace gives for the same values — the same escapes, the same number text, invalid UTF-8 as
// U+FFFD — so a reader that checks our output against nlohmann (tests/unit/classify/json_writer_test.cpp) sees no
// difference. Base does not use nlohmann itself: it is the one serialiser, and a test compares the two.
#pragma once

#include <string>
#include <string_view>

namespace covenant {

// A JSON string (with its quotes) of `s`: `"` and `\` escaped, \b \t \n \f \r by name, the other control characters
// as \u00xx (lowercase hex), everything else as it is. Bytes that are not well-formed UTF-8 (Unicode table 3-7) are
// replaced by U+FFFD as nlohmann's `replace` handler does: one U+FFFD for a bad lead byte, and one for the valid start
// of a sequence that a byte breaks off (that byte is then read again as the start of the next character).
void append_json_string(std::string& out, std::string_view s);

// A JSON number for `v` as nlohmann writes a double: the shortest text that reads back as `v`, "1.0" for integral
// values, "-0.0", the exponent form ("1e-05", "1.5e+16") when the decimal point would be more than 4 places left of
// the first digit or more than 15 right of it, and "null" for NaN and the infinities.
void append_json_number(std::string& out, double v);

// The writer the report code uses: pieces in document order, the caller placing the braces and commas (raw).
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    void raw(std::string_view s) { out_.append(s); }
    void key(std::string_view k) {
        string(k);
        out_ += ':';
    }
    void string(std::string_view s) { append_json_string(out_, s); }
    void number(double v) { append_json_number(out_, v); }
    void integer(long long v);

    // `,"k":v` — a member after the first one of an object.
    void next_key(std::string_view k) {
        out_ += ',';
        key(k);
    }
    void field(std::string_view k, std::string_view v) {
        next_key(k);
        string(v);
    }
    void field(std::string_view k, double v) {
        next_key(k);
        number(v);
    }
    void int_field(std::string_view k, long long v) {
        next_key(k);
        integer(v);
    }

private:
    std::string& out_;
};

}  // namespace covenant
