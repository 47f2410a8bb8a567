// Values, symbols, source locations and diagnostic rendering.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "base/value.hpp"

using namespace covenant;

TEST_CASE("symbols intern to stable ids", "[base]") {
    SymbolId a = Symbols::intern("nato");
    SymbolId b = Symbols::intern(std::string("na") + "to");
    CHECK(a == b);
    CHECK(Symbols::name(a) == "nato");
    CHECK(Symbols::intern("osce") != a);
}

TEST_CASE("symbols intern consistently from several threads", "[base]") {
    std::vector<SymbolId> ids1(2000), ids2(2000);
    auto work = [](std::vector<SymbolId>& out) {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = Symbols::intern("thread-sym-" + std::to_string(i));
    };
    std::thread t1(work, std::ref(ids1)), t2(work, std::ref(ids2));
    t1.join();
    t2.join();
    CHECK(ids1 == ids2);
    CHECK(Symbols::name(ids1[1234]) == "thread-sym-1234");
}

TEST_CASE("values compare numerically across int and float, by text otherwise", "[base]") {
    bool ok = false;
    CHECK(compare(Value::integer(1), Value::real(1.5), ok) < 0);
    CHECK(ok);
    CHECK(compare(Value::real(2.0), Value::integer(2), ok) == 0);
    CHECK(compare(Value::symbol("b"), Value::symbol("a"), ok) > 0);
    CHECK(compare(Value::symbol("a"), Value::integer(1), ok) == 0);
    CHECK_FALSE(ok);
    CHECK(equal_for_match(Value::integer(3), Value::real(3.0)));
    CHECK_FALSE(Value::integer(3) == Value::real(3.0));  // identity keeps types
    CHECK(Value::integer(3).hash() == Value::real(3.0).hash());  // but they share a hash bucket for joins
    CHECK_FALSE(Value::symbol("x") == Value::string("x"));
}

TEST_CASE("values print as source text", "[base]") {
    CHECK(to_source(Value::symbol("ann")) == "ann");
    CHECK(to_source(Value::string("say \"hi\" {x}")) == R"("say \"hi\" \{x}")");
    CHECK(to_display(Value::string("plain")) == "plain");
    CHECK(to_source(Value::integer(-12)) == "-12");
    CHECK(to_source(Value::real(1.0)) == "1.0");
    CHECK(to_source(Value::real(0.35)) == "0.35");
    CHECK(to_source(Value::boolean(true)) == "true");
    CHECK(fmt::format("{}", Value::real(2.5)) == "2.5");
}

TEST_CASE("values for reading: long computed floats rounded to three decimals, the rest as source", "[base]") {
    CHECK(to_reading(Value::real(1.0 / 3.0)) == "0.333");
    CHECK(to_reading(Value::real(0.3173333333333333)) == "0.317");
    CHECK(to_reading(Value::real(-0.16666666666666666)) == "-0.167");
    CHECK(to_reading(Value::real(0.25000000001)) == "0.25");        // trailing zeros dropped
    CHECK(to_reading(Value::real(2.00000001)) == "2.0");            // but one decimal kept: still a float
    CHECK(to_reading(Value::real(-0.0000001234)) == "-1.234e-07");  // exponent forms as written
    CHECK(to_reading(Value::real(-0.00012345)) == "-0.000123");     // small values keep three significant digits
    CHECK(to_reading(Value::real(0.95)) == "0.95");                 // data as the analyst wrote it
    CHECK(to_reading(Value::real(0.1234)) == "0.1234");
    CHECK(to_reading(Value::integer(12345678)) == "12345678");
    CHECK(to_reading(Value::symbol("x")) == "x");
}

TEST_CASE("spans map offsets to lines and columns", "[base]") {
    SourceManager sm;
    FileId id = sm.add("t.rules", "ab\ncde\n\nf");
    const SourceFile& f = sm.file(id);
    SourceSpan s = f.span_at(4, 2);  // "de"
    CHECK(s.line == 2);
    CHECK(s.col == 2);
    CHECK(s.end_col == 4);
    CHECK(f.line_text(2) == "cde");
    CHECK(f.line_text(3).empty());
    CHECK(f.line_text(4) == "f");
    CHECK(f.line_text(9).empty());
    SourceSpan end = f.span_at(100, 0);  // clamped to the end
    CHECK(end.line == 4);
}

TEST_CASE("span_at with a line hint agrees with counting newlines, whatever the hint", "[base]") {
    // The parser asks for spans in nearly ascending order and passes the previous line as a hint; a wrong hint
    // must cost only time. The oracle counts newlines from the start of the text.
    SourceManager sm;
    const std::string text = "ab\ncde\n\n\nf\n  gh\n";
    const SourceFile& f = sm.file(sm.add("t.rules", text));
    auto naive = [&](std::uint32_t off, std::uint32_t& line, std::uint32_t& col) {
        off = std::min<std::uint32_t>(off, static_cast<std::uint32_t>(text.size()));
        line = 1;
        std::uint32_t start = 0;
        for (std::uint32_t i = 0; i < off; ++i)
            if (text[i] == '\n') ++line, start = i + 1;
        col = off - start + 1;
    };
    const auto n = static_cast<std::uint32_t>(text.size());
    for (std::uint32_t hint_start = 0; hint_start <= 9; ++hint_start) {
        for (std::uint32_t off = 0; off <= n + 2; ++off) {
            for (std::uint32_t len = 0; off + len <= n + 2; len += 3) {
                std::uint32_t hint = hint_start;
                SourceSpan s = f.span_at(off, len, hint);
                std::uint32_t line = 0, col = 0, end_line = 0, end_col = 0;
                naive(off, line, col);
                naive(off + len, end_line, end_col);
                INFO("offset " << off << " length " << len << " hint " << hint_start);
                CHECK(s.line == line);
                CHECK(s.col == col);
                CHECK(s.end_line == end_line);
                CHECK(s.end_col == end_col);
                CHECK(hint == line);
                CHECK(s == f.span_at(off, len));
            }
        }
    }
    // A SourceFile made by hand, without a SourceManager, has no line index: it counts as one line.
    SourceFile bare;
    bare.text = "abc\ndef";
    std::uint32_t hint = 7;
    SourceSpan s = bare.span_at(5, 2, hint);
    CHECK(s.line == 1);
    CHECK(s.col == 6);
    CHECK(s.end_col == 8);
}

TEST_CASE("diagnostics render with location, line and caret", "[base]") {
    SourceManager sm;
    FileId id = sm.add("x.rules", "rule r {\n  when institutoin(id: ?i)\n  then halt\n}\n");
    DiagnosticSink sink;
    auto* d = sink.error(sm.file(id).span_at(16, 11), Code::UnknownTemplate,
                         "unknown template '{}'; did you mean '{}'?", "institutoin", "institution");
    REQUIRE(d);
    std::string out = render(*d, sm);
    CHECK(out ==
          "x.rules:2:8: error[E0101]: unknown template 'institutoin'; did you mean 'institution'?\n"
          " 2 |   when institutoin(id: ?i)\n"
          "   |        ^~~~~~~~~~~\n");
    CHECK(render_all(sink, sm).find("1 error\n") != std::string::npos);
}

TEST_CASE("the sink stops at its limit with one notice", "[base]") {
    DiagnosticSink sink(3);
    for (int i = 0; i < 10; ++i) sink.error({}, Code::ParseExpected, "e{}", i);
    CHECK(sink.error_count() == 3);
    REQUIRE(sink.diagnostics().size() == 4);
    CHECK(sink.diagnostics().back().code == Code::TooManyErrors);
}

TEST_CASE("diagnostic codes are unique and well-formed", "[base]") {
    std::set<std::string_view> seen;
    for (Code c : all_codes()) {
        auto id = code_id(c);
        CHECK(id.size() == 5);
        CHECK((id[0] == 'E' || id[0] == 'W'));
        CHECK(seen.insert(id).second);
        CHECK_FALSE(code_summary(c).empty());
    }
}

TEST_CASE("closest_match suggests likely typos only", "[base]") {
    std::vector<std::string> names = {"institution", "membership", "threat"};
    CHECK(closest_match("institutoin", names) == "institution");
    CHECK(closest_match("thraet", names) == "threat");
    CHECK(closest_match("zzz", names).empty());
    CHECK(closest_match("threat", names).empty());  // an exact name is not a typo
}
