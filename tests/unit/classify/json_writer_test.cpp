// The JSON writer (base/json_writer.hpp) is the one serialiser of the classifier's JSON Lines; its contract is
// nlohmann's compact dump. These tests hold it to that: every JSON line the golden tests pin and the shipped
// knowledge produces reads back with nlohmann and dumps to the same bytes; strings (escapes, UTF-8, invalid bytes)
// and doubles (edge cases) are written as nlohmann writes them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/json_writer.hpp"
#include "classify/classify.hpp"
#include "shipped_knowledge.hpp"

using namespace covenant;
namespace fs = std::filesystem;

namespace {

std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string json_number(double v) {
    std::string out;
    append_json_number(out, v);
    return out;
}

// Each line of `text` must be JSON that nlohmann reads, and nlohmann's own compact dump of what it read must be the
// line itself (ordered_json keeps the members in the order written).
void check_lines_round_trip(const std::string& text, const std::string& where) {
    std::istringstream in(text);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        INFO(where << " line " << n);
        nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, false);
        REQUIRE_FALSE(j.is_discarded());
        CHECK(j.dump() == line);
    }
    CHECK(n > 0);
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("JSON Lines of the golden tests read back and dump to the same bytes", "[classify][json]") {
    fs::path golden = fs::path(COVENANT_SOURCE_DIR) / "tests" / "golden";
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(golden)) {
        fs::path out = e.path() / "expected.out";
        if (!fs::exists(out)) continue;
        std::string text = read_text(out);
        // JSON Lines: every line an object (the other golden outputs are text, CSV or Markdown).
        std::istringstream in(text);
        bool json = !text.empty();
        for (std::string line; std::getline(in, line);)
            if (line.empty() || line.front() != '{' || line.back() != '}') json = false;
        if (!json) continue;
        ++files;
        check_lines_round_trip(text, out.string());
    }
    CHECK(files >= 1);  // tests/golden/classify_batch_with_bad_case
}

TEST_CASE("the JSON report of the shipped cases with --explain reads back and dumps to the same bytes",
          "[classify][json]") {
    // What `covenant classify kb/cases rules/core/tests --format json --explain` writes, run in-process.
    testing::ShippedKnowledge shipped;
    auto results = classify_all(*shipped.program, shipped.paths, shipped.options, 2);
    std::string report = render_report(results, ReportFormat::Json, true, report_labels(*shipped.program));
    check_lines_round_trip(report, "shipped cases");
}

TEST_CASE("JSON strings: escapes, UTF-8 and invalid bytes as nlohmann reads them", "[classify][json]") {
    // Every control character, quotes and backslashes: escaped, and read back as they were.
    std::string controls;
    for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
    controls += "\"\\/\x7f plain";
    std::string written = json_string(controls);
    CHECK(nlohmann::json::parse(written).get<std::string>() == controls);
    CHECK(written == nlohmann::json(controls).dump());
    CHECK(json_string("a\"b\\c\n") == R"("a\"b\\c\n")");
    CHECK(json_string("\x01\x1f") == R"("\u0001\u001f")");

    // Well-formed UTF-8 of 2, 3 and 4 bytes, and the edges of table 3-7, is copied as it is.
    for (std::string ok : {"caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xE0\xA0\x80", "\xED\x9F\xBF",
                           "\xEE\x80\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xC2\x80", "\xDF\xBF"}) {
        INFO(ok);
        CHECK(json_string(ok) == "\"" + ok + "\"");
        CHECK(nlohmann::json::parse(json_string(ok)).get<std::string>() == ok);
    }

    // Invalid bytes become U+FFFD, exactly where nlohmann's replace handler puts them.
    const std::string r = "\xEF\xBF\xBD";
    struct Case {
        std::string in, expected;
    };
    std::vector<Case> cases = {
        {"a\x80z", "a" + r + "z"},                    // a lone continuation byte
        {"\xC0\xAF", r + r},                          // overlong lead bytes are invalid alone
        {"\xC3(", r + "("},                           // a sequence broken off: the breaking byte is read again
        {"\xE2\x82", r},                              // cut off at the end
        {"\xE2\x82(x", r + "(x"},                     //
        {"\xE0\x80\x80", r + r + r},                  // overlong three-byte form
        {"\xED\xA0\x80", r + r + r},                  // a surrogate
        {"\xF4\x90\x80\x80", r + r + r + r},          // above U+10FFFF
        {"\xF5\xFF\xFE", r + r + r},                  // never valid
        {"\xF0\x9F\x98", r},                          // a four-byte sequence cut off
        {"ok\xF0\x9F\x98\x80\xC3", "ok\xF0\x9F\x98\x80" + r},
        {"\x80\"\n", r + "\"\n"},                     // replacement next to escapes
    };
    for (const auto& c : cases) {
        INFO(c.expected);
        std::string mine = json_string(c.in);
        CHECK(nlohmann::json::parse(mine).get<std::string>() == c.expected);
        CHECK(mine == nlohmann::json(c.in).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
}

TEST_CASE("JSON numbers: doubles as nlohmann writes them", "[classify][json]") {
    std::vector<double> values = {0.0,     -0.0,    1.0,      -1.0,     0.1,     0.25,    100.0,   1e-05,
                                  1e-4,    0.001,   1e+20,    1e15,     1e14,    123456789012345.0,
                                  1234567890123456.0, 1.5e16,  2.5e-5,  0.613,   0.235,   -0.35,   1.0 / 3,
                                  2.0 / 3, 1e100,   1e-100,   5e-324,   std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::min(),   std::numeric_limits<double>::lowest(),
                                  0.30000000000000004, 9007199254740993.0, 42.5, -1e-7, 3.14159, 1e21, 12.0};
    for (double v : values) {
        INFO(v);
        CHECK(json_number(v) == nlohmann::json(v).dump());
        CHECK(nlohmann::json::parse(json_number(v)).get<double>() == v);
    }
    CHECK(json_number(1e-05) == "1e-05");
    CHECK(json_number(1e+20) == "1e+20");
    CHECK(json_number(0.1) == "0.1");
    CHECK(json_number(100.0) == "100.0");
    CHECK(json_number(-0.0) == "-0.0");
    CHECK(json_number(std::nan("")) == "null");
    CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
    CHECK(json_number(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("JsonWriter pieces: keys, fields, integers", "[classify][json]") {
    std::string out;
    JsonWriter w(out);
    w.raw("{");
    w.key("a");
    w.integer(-3);
    w.field("b", 0.5);
    w.field("c", "x\ty");
    w.int_field("d", 9007199254740993LL);
    w.raw("}");
    CHECK(out == R"({"a":-3,"b":0.5,"c":"x\ty","d":9007199254740993})");
    CHECK(nlohmann::ordered_json::parse(out).dump() == out);
}
