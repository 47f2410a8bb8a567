// The one "did you mean" helper (closest_match, base/diagnostic.hpp) that the checker, fact files, expectations,
// trends and the REPL all use: edit distance, and for the checker one swap of adjacent letters too.
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"

using namespace covenant;

TEST_CASE("did you mean: the closest candidate by edit distance, within len/3", "[base]") {
    std::vector<std::string> names = {"name", "members", "founded", "sum", "count"};
    for (TypoRule rule : {TypoRule::Edits, TypoRule::EditsOrSwap}) {
        CHECK(closest_match("memebrs", names, rule) == "members");  // distance 2 in a 7-letter word
        CHECK(closest_match("foundd", names, rule) == "founded");   // one deletion
        CHECK(closest_match("sun", names, rule) == "sum");          // one substitution, short word
        CHECK(closest_match("sm", names, rule) == "sum");           // one insertion
        CHECK(closest_match("xyzzy", names, rule).empty());         // nothing close
        CHECK(closest_match("name", names, rule).empty());          // an exact match is no typo
        CHECK(closest_match("", names, rule).empty());
        CHECK(closest_match("name", {}, rule).empty());
        CHECK(closest_match("ab", {"ax", "ay"}, rule) == "ax");      // of equally close candidates, the first
    }
}

TEST_CASE("did you mean: one swap of adjacent letters when edit distance finds none", "[base]") {
    std::vector<std::string> names = {"name", "year", "sum", "avg"};
    // Distance 2 in short words: only the swap rule finds them.
    CHECK(closest_match("nmae", names, TypoRule::EditsOrSwap) == "name");
    CHECK(closest_match("yaer", names, TypoRule::EditsOrSwap) == "year");
    CHECK(closest_match("usm", names, TypoRule::EditsOrSwap) == "sum");
    CHECK(closest_match("vag", names, TypoRule::EditsOrSwap) == "avg");
    CHECK(closest_match("aemn", names, TypoRule::EditsOrSwap).empty());   // letters moved further than one swap
    CHECK(closest_match("nmaex", names, TypoRule::EditsOrSwap).empty());  // the swap rule needs the same length
    // Edit distance, when it finds a candidate, wins over the swap rule.
    CHECK(closest_match("nmae", {"nmea", "namex", "nmaes"}, TypoRule::EditsOrSwap) == "nmaes");
    // Without the rule (the default, what fact files and the REPL use) a swap is no suggestion.
    CHECK(closest_match("nmae", names).empty());
    CHECK(closest_match("nmae", names, TypoRule::Edits).empty());
}

TEST_CASE("indefinite_article goes by the first letter", "[base]") {
    CHECK(std::string(covenant::indefinite_article("owner")) == "an");
    CHECK(std::string(covenant::indefinite_article("Item")) == "an");
    CHECK(std::string(covenant::indefinite_article("person")) == "a");
    CHECK(std::string(covenant::indefinite_article("")) == "a");
}
