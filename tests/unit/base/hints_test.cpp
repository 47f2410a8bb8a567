// The slip hints (base/hints.hpp): they fire on the slip and on nothing that is not one.
#include <catch2/catch.hpp>

#include "base/hints.hpp"

using namespace covenant;

TEST_CASE("a name written with '-' gets the '_' spelling", "[base][hints]") {
    CHECK(hyphenated_name_hint("green-couch").value_or("") ==
          "names are letters, digits and '_', not '-': write 'green_couch'");
    CHECK(hyphenated_name_hint("a-b-c2").value_or("").find("'a_b_c2'") != std::string::npos);
    CHECK(hyphenated_name_hint("_x-y").has_value());
    // Not slips: one name, a subtraction of a number, a leading or doubled or trailing '-', spaces.
    CHECK_FALSE(hyphenated_name_hint("green"));
    CHECK_FALSE(hyphenated_name_hint("a-1"));
    CHECK_FALSE(hyphenated_name_hint("-x"));
    CHECK_FALSE(hyphenated_name_hint("a--b"));
    CHECK_FALSE(hyphenated_name_hint("a-"));
    CHECK_FALSE(hyphenated_name_hint("a - b"));
    CHECK_FALSE(hyphenated_name_hint(""));
}

TEST_CASE("the hyphenated name around a position", "[base][hints]") {
    std::string_view text = "template green-couch {";
    CHECK(hyphenated_name_hint_at(text, text.find('-')).value_or("").find("'green_couch'") != std::string::npos);
    CHECK_FALSE(hyphenated_name_hint_at(text, text.find('{')));
    CHECK_FALSE(hyphenated_name_hint_at("x = 3 - 1", 6));
    CHECK_FALSE(hyphenated_name_hint_at(text, 100));
}

TEST_CASE("a lone '=' suggests '=='", "[base][hints]") {
    CHECK(single_equals_hint_at("?b = 1950", 3).has_value());
    CHECK_FALSE(single_equals_hint_at("?b == 1950", 3));
    CHECK_FALSE(single_equals_hint_at("?b == 1950", 4));
    CHECK_FALSE(single_equals_hint_at("?b <= 1950", 4));
    CHECK_FALSE(single_equals_hint_at("?b != 1950", 4));
    CHECK_FALSE(single_equals_hint_at("?b > 1950", 3));
}
