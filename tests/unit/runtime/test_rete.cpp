// Each beta node kind under assert, retract and modify sequences.
#include <catch2/catch.hpp>

#include "rete/mapped_array.hpp"
#include "rete/network.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

namespace {

// person(name), parent(of, is), ancestor(of, is) with the two ancestor rules of the language docs.
ProgramBuilder family() {
    ProgramBuilder b;
    b.tmpl("person", {"name", "born"});
    b.tmpl("parent", {"of", "is"});
    b.tmpl("ancestor", {"of", "is"});
    auto& direct = b.rule("ancestor_direct");
    direct.when(P("parent").eq("of", "?x").eq("is", "?y")).conclude("ancestor", {direct.v("?x"), direct.v("?y")});
    auto& chain = b.rule("ancestor_chain");
    chain.when(P("parent").eq("of", "?x").eq("is", "?y"))
        .when(P("ancestor").eq("of", "?y").eq("is", "?z"))
        .conclude("ancestor", {chain.v("?x"), chain.v("?z")});
    return b;
}

}  // namespace

TEST_CASE("join: ancestors follow asserts, retracts and modifies", "[runtime][rete]") {
    auto b = family();
    Engine e(b.program);
    TemplateId parent = b.id("parent"), ancestor = b.id("ancestor");
    e.assert_fact(parent, vals({sym("c"), sym("b")}));
    FactId ba = e.assert_fact(parent, vals({sym("b"), sym("a")}));
    e.run();
    CHECK(facts_text(e, ancestor) == S{"b,a", "c,a", "c,b"});

    REQUIRE(e.retract(ba));
    CHECK(facts_text(e, ancestor) == S{"c,b"});
    CHECK_FALSE(e.retract(ba));  // no longer live

    FactId ba2 = e.assert_fact(parent, vals({sym("b"), sym("a")}));
    e.run();
    CHECK(facts_text(e, ancestor) == S{"b,a", "c,a", "c,b"});

    // modify = retract + assert with a new id
    std::pair<SlotIndex, Value> change{1, sym("z")};
    FactId bz = e.modify(ba2, std::span(&change, 1));
    CHECK(bz != ba2);
    CHECK_FALSE(e.is_live(ba2));
    e.run();
    CHECK(facts_text(e, ancestor) == S{"b,z", "c,z", "c,b"});
}

TEST_CASE("dedupe: an identical fact is not added twice", "[runtime][rete]") {
    auto b = family();
    Engine e(b.program);
    FactId a = e.assert_fact(b.id("person"), vals({sym("ann"), num(1950)}));
    FactId again = e.assert_fact(b.id("person"), vals({sym("ann"), num(1950)}));
    CHECK(a == again);
    CHECK(e.stats().live_facts == 1);
    // Int 1950 and Float 1950.0 are different facts (facts keep their types).
    FactId f = e.assert_fact(b.id("person"), vals({sym("ann"), real(1950.0)}));
    CHECK(f != a);
    CHECK(e.find_fact(b.id("person"), vals({sym("ann"), num(1950)})) == a);
}

TEST_CASE("hashed join: correct with many keys, numeric equality across int and float", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("item", {"k", "v"});
    b.tmpl("link", {"k", "w"});
    b.tmpl("pair", {"v", "w"});
    auto& r = b.rule("pair_up");
    r.when(P("item").eq("k", "?k").eq("v", "?v")).when(P("link").eq("k", "?k").eq("w", "?w"))
        .conclude("pair", {r.v("?v"), r.v("?w")});
    Engine e(b.program);
    std::vector<FactId> items;
    for (int i = 0; i < 400; ++i) items.push_back(e.assert_fact(b.id("item"), vals({num(i), num(2 * i)})));
    // links for even keys; half of them use a float key, which must join with the int key
    for (int i = 0; i < 400; i += 2)
        e.assert_fact(b.id("link"), vals({i % 4 == 0 ? real(i) : num(i), num(3 * i)}));
    e.run();
    S expected;
    for (int i = 0; i < 400; i += 2) expected.insert(std::to_string(2 * i) + "," + std::to_string(3 * i));
    CHECK(facts_text(e, b.id("pair")) == expected);

    for (int i = 0; i < 400; i += 4) e.retract(items[i]);
    S after;
    for (int i = 2; i < 400; i += 4) after.insert(std::to_string(2 * i) + "," + std::to_string(3 * i));
    CHECK(facts_text(e, b.id("pair")) == after);
    // 300 items left, 200 links, 100 pair conclusions: the join did not lose or invent tokens
    CHECK(e.stats().live_facts == 300 + 200 + 100);
}

TEST_CASE("negative node: not pattern", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name"});
    b.tmpl("parent", {"of", "is"});
    b.tmpl("orphan", {"name"});
    auto& r = b.rule("orphan");
    r.when(P("person").eq("name", "?p")).when_not(P("parent").eq("of", "?p")).conclude("orphan", {r.v("?p")});
    Engine e(b.program);
    e.assert_fact(b.id("person"), vals({sym("a")}));
    e.assert_fact(b.id("person"), vals({sym("b")}));
    FactId pb = e.assert_fact(b.id("parent"), vals({sym("b"), sym("a")}));
    e.run();
    CHECK(facts_text(e, b.id("orphan")) == S{"a"});
    e.retract(pb);
    e.run();
    CHECK(facts_text(e, b.id("orphan")) == S{"a", "b"});
    FactId pa = e.assert_fact(b.id("parent"), vals({sym("a"), sym("z")}));
    CHECK(facts_text(e, b.id("orphan")) == S{"b"});  // the support went at once, without running
    // two blockers: retracting one keeps the block
    FactId pa2 = e.assert_fact(b.id("parent"), vals({sym("a"), sym("y")}));
    e.retract(pa);
    e.run();
    CHECK(facts_text(e, b.id("orphan")) == S{"b"});
    e.retract(pa2);
    e.run();
    CHECK(facts_text(e, b.id("orphan")) == S{"a", "b"});
}

TEST_CASE("exists node: one match per left token however many facts", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name"});
    b.tmpl("parent", {"of", "is"});
    b.tmpl("has_child", {"name"});
    auto& r = b.rule("has_child");
    r.when(P("person").eq("name", "?p")).when_exists(P("parent").eq("is", "?p")).conclude("has_child", {r.v("?p")});
    Engine e(b.program);
    e.assert_fact(b.id("person"), vals({sym("a")}));
    FactId c1 = e.assert_fact(b.id("parent"), vals({sym("x"), sym("a")}));
    FactId c2 = e.assert_fact(b.id("parent"), vals({sym("y"), sym("a")}));
    auto res = e.run();
    CHECK(res.firings == 1);
    CHECK(facts_text(e, b.id("has_child")) == S{"a"});
    e.retract(c1);
    CHECK(facts_text(e, b.id("has_child")) == S{"a"});
    CHECK(e.run().firings == 0);  // still the same match: no new activation
    e.retract(c2);
    CHECK(facts_text(e, b.id("has_child")).empty());
}

TEST_CASE("ncc node: not (a, b) and exists (a, b)", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name"});
    b.tmpl("parent", {"of", "is"});
    b.tmpl("no_known_parent", {"name"});
    b.tmpl("known_parent", {"name"});
    auto& r = b.rule("no_known_parent");
    r.when(P("person").eq("name", "?p"))
        .group(CondKind::Not, {P("parent").eq("of", "?p").eq("is", "?q"), P("person").eq("name", "?q")})
        .conclude("no_known_parent", {r.v("?p")});
    auto& k = b.rule("known_parent");
    k.when(P("person").eq("name", "?p"))
        .group(CondKind::Exists, {P("parent").eq("of", "?p").eq("is", "?q"), P("person").eq("name", "?q")})
        .conclude("known_parent", {k.v("?p")});
    Engine e(b.program);
    e.assert_fact(b.id("person"), vals({sym("a")}));
    e.assert_fact(b.id("person"), vals({sym("b")}));
    FactId pax = e.assert_fact(b.id("parent"), vals({sym("a"), sym("x")}));
    e.run();
    CHECK(facts_text(e, b.id("no_known_parent")) == S{"a", "b"});
    CHECK(facts_text(e, b.id("known_parent")).empty());

    FactId x = e.assert_fact(b.id("person"), vals({sym("x")}));
    e.run();
    CHECK(facts_text(e, b.id("no_known_parent")) == S{"b", "x"});
    CHECK(facts_text(e, b.id("known_parent")) == S{"a"});

    // a second known parent: still one known_parent match
    e.assert_fact(b.id("person"), vals({sym("y")}));
    FactId pay = e.assert_fact(b.id("parent"), vals({sym("a"), sym("y")}));
    e.run();
    e.retract(x);
    e.run();
    CHECK(facts_text(e, b.id("no_known_parent")) == S{"b", "y"});
    CHECK(facts_text(e, b.id("known_parent")) == S{"a"});
    e.retract(pay);
    e.run();
    CHECK(facts_text(e, b.id("no_known_parent")) == S{"a", "b", "y"});
    CHECK(facts_text(e, b.id("known_parent")).empty());
    e.retract(pax);
    e.run();
    CHECK(facts_text(e, b.id("no_known_parent")) == S{"a", "b", "y"});
}

TEST_CASE("test node: filters and re-evaluates on modify", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name", "born"});
    b.tmpl("old", {"name"});
    auto& r = b.rule("old");
    r.when(P("person").eq("name", "?p").eq("born", "?b"))
        .test(RuleBuilder::bin(ExprOp::Lt, r.v("?b"), RuleBuilder::c(num(1960))))
        .conclude("old", {r.v("?p")});
    Engine e(b.program);
    FactId ann = e.assert_fact(b.id("person"), vals({sym("ann"), num(1950)}));
    e.assert_fact(b.id("person"), vals({sym("bob"), num(1975)}));
    e.run();
    CHECK(facts_text(e, b.id("old")) == S{"ann"});
    std::pair<SlotIndex, Value> change{1, num(1970)};
    e.modify(ann, std::span(&change, 1));
    e.run();
    CHECK(facts_text(e, b.id("old")).empty());
}

TEST_CASE("alpha tests: constants, alternatives, ranges and intra-pattern variables", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("edge", {"from", "to", "w"});
    b.tmpl("loop", {"at"});
    b.tmpl("light", {"from", "to"});
    auto& l = b.rule("loop");
    l.when(P("edge").eq("from", "?x").eq("to", "?x")).conclude("loop", {l.v("?x")});
    auto& h = b.rule("light");
    h.when(P("edge").eq("from", "?x").eq("to", "?y").lt("w", num(5)).any_of("from", {sym("a"), sym("b")}))
        .conclude("light", {h.v("?x"), h.v("?y")});
    Engine e(b.program);
    e.assert_fact(b.id("edge"), vals({sym("a"), sym("a"), num(9)}));
    e.assert_fact(b.id("edge"), vals({sym("a"), sym("c"), num(1)}));
    e.assert_fact(b.id("edge"), vals({sym("b"), sym("c"), real(4.5)}));
    e.assert_fact(b.id("edge"), vals({sym("c"), sym("c"), num(1)}));
    e.assert_fact(b.id("edge"), vals({sym("b"), sym("d"), sym("heavy")}));  // not comparable: no match
    e.run();
    CHECK(facts_text(e, b.id("loop")) == S{"a", "c"});
    CHECK(facts_text(e, b.id("light")) == S{"a,c", "b,c"});
}

TEST_CASE("aggregates: count, sum, avg under assert and retract", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name"});
    b.tmpl("item", {"owner", "val"});
    b.tmpl("count", {"name", "n"});
    b.tmpl("total", {"name", "s"});
    b.tmpl("mean", {"name", "m"});
    auto& c = b.rule("count");
    c.when(P("person").eq("name", "?p")).aggregate("?n", AggOp::Count, "", P("item").eq("owner", "?p"))
        .conclude("count", {c.v("?p"), c.v("?n")});
    auto& s = b.rule("sum");
    s.when(P("person").eq("name", "?p"))
        .aggregate("?s", AggOp::Sum, "?v", P("item").eq("owner", "?p").eq("val", "?v"), Type::Int)
        .conclude("total", {s.v("?p"), s.v("?s")});
    auto& a = b.rule("avg");
    a.when(P("person").eq("name", "?p"))
        .aggregate("?m", AggOp::Avg, "?v", P("item").eq("owner", "?p").eq("val", "?v"))
        .conclude("mean", {a.v("?p"), a.v("?m")});
    Engine e(b.program);
    e.assert_fact(b.id("person"), vals({sym("ann")}));
    e.run();
    // count and sum of nothing are 0; avg of nothing does not match
    CHECK(facts_text(e, b.id("count")) == S{"ann,0"});
    CHECK(facts_text(e, b.id("total")) == S{"ann,0"});
    CHECK(facts_text(e, b.id("mean")).empty());
    FactId i2 = e.assert_fact(b.id("item"), vals({sym("ann"), num(2)}));
    e.assert_fact(b.id("item"), vals({sym("ann"), num(4)}));
    e.assert_fact(b.id("item"), vals({sym("bob"), num(100)}));  // another owner: not in ann's group
    e.run();
    CHECK(facts_text(e, b.id("count")) == S{"ann,2"});
    CHECK(facts_text(e, b.id("total")) == S{"ann,6"});
    CHECK(facts_text(e, b.id("mean")) == S{"ann,3.0"});
    e.retract(i2);
    e.run();
    CHECK(facts_text(e, b.id("count")) == S{"ann,1"});
    CHECK(facts_text(e, b.id("total")) == S{"ann,4"});
    CHECK(facts_text(e, b.id("mean")) == S{"ann,4.0"});
}

TEST_CASE("aggregates: min and max keep a multiset through duplicate retractions", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("person", {"name"});
    b.tmpl("item", {"owner", "id", "val"});
    b.tmpl("lo", {"name", "v"});
    b.tmpl("hi", {"name", "v"});
    auto& mn = b.rule("min");
    mn.when(P("person").eq("name", "?p"))
        .aggregate("?m", AggOp::Min, "?v", P("item").eq("owner", "?p").eq("val", "?v"), Type::Int)
        .conclude("lo", {mn.v("?p"), mn.v("?m")});
    auto& mx = b.rule("max");
    mx.when(P("person").eq("name", "?p"))
        .aggregate("?m", AggOp::Max, "?v", P("item").eq("owner", "?p").eq("val", "?v"), Type::Int)
        .conclude("hi", {mx.v("?p"), mx.v("?m")});
    Engine e(b.program);
    e.assert_fact(b.id("person"), vals({sym("ann")}));
    FactId a = e.assert_fact(b.id("item"), vals({sym("ann"), num(1), num(3)}));
    FactId c = e.assert_fact(b.id("item"), vals({sym("ann"), num(2), num(3)}));
    FactId d = e.assert_fact(b.id("item"), vals({sym("ann"), num(3), num(5)}));
    FactId f = e.assert_fact(b.id("item"), vals({sym("ann"), num(4), num(5)}));
    e.run();
    CHECK(facts_text(e, b.id("lo")) == S{"ann,3"});
    CHECK(facts_text(e, b.id("hi")) == S{"ann,5"});
    e.retract(a);
    e.retract(f);
    e.run();
    CHECK(facts_text(e, b.id("lo")) == S{"ann,3"});  // the other 3 is still there
    CHECK(facts_text(e, b.id("hi")) == S{"ann,5"});
    e.retract(c);
    e.run();
    CHECK(facts_text(e, b.id("lo")) == S{"ann,5"});
    e.retract(d);
    e.run();
    CHECK(facts_text(e, b.id("lo")).empty());  // min/max of nothing: no match
    CHECK(facts_text(e, b.id("hi")).empty());
}

TEST_CASE("stats: nodes, tokens and memory are reported; shared prefixes are built once", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("c", {"x"});
    b.tmpl("out", {"x"});
    for (int i = 0; i < 3; ++i) {
        auto& r = b.rule("r" + std::to_string(i));
        r.when(P("a").eq("x", "?x")).when(P("c").eq("x", "?x")).conclude("out", {r.v("?x")});
    }
    Engine e(b.program);
    // root + 2 shared joins + 3 terminals; 2 alpha memories
    CHECK(e.stats().rete_nodes == 6 + 2);
    e.assert_fact(b.id("a"), vals({num(1)}));
    e.assert_fact(b.id("c"), vals({num(1)}));
    auto st = e.stats();
    // root token, a-token, (a,c)-token, 3 terminal tokens
    CHECK(st.tokens == 6);
    CHECK(st.activations_created == 3);
    CHECK(st.memory_bytes > 0);
}

TEST_CASE("right indexes: one per memory and join key, shared by the nodes that join on it", "[runtime][rete]") {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("c", {"x", "y"});
    b.tmpl("out", {"x"});
    // r0 and r1 join c on x (different rules, so different nodes); r2 joins c on x and y; r3 on y.
    auto& r0 = b.rule("r0");
    r0.when(P("a").eq("x", "?x")).when(P("c").eq("x", "?x")).conclude("out", {r0.v("?x")});
    auto& r1 = b.rule("r1");
    r1.when(P("out").eq("x", "?x")).when(P("c").eq("x", "?x")).conclude("out", {r1.v("?x")});
    auto& r2 = b.rule("r2");
    r2.when(P("a").eq("x", "?x")).when(P("c").eq("y", "?x").eq("x", "?x")).conclude("out", {r2.v("?x")});
    auto& r3 = b.rule("r3");
    r3.when(P("a").eq("x", "?x")).when(P("c").eq("y", "?x")).conclude("out", {r3.v("?x")});
    rete::Network net = rete::compile_network(b.program);
    std::set<std::vector<std::uint16_t>> keys;
    for (const auto& r : net.right_indexes) keys.insert(r.slots);
    // c: {x}, {x, y}, {y}; out and a are only read by first patterns: {} each, never read.
    CHECK(keys == std::set<std::vector<std::uint16_t>>{{}, {0}, {0, 1}, {1}});
    std::size_t read = 0;
    for (const auto& r : net.right_indexes) read += r.read ? 1 : 0;
    CHECK(read == 3);
    // Matching is unchanged: each rule sees its own join.
    Engine e(b.program);
    e.assert_fact(b.id("c"), vals({num(1), num(1)}));
    e.assert_fact(b.id("c"), vals({num(2), num(3)}));
    e.assert_fact(b.id("a"), vals({num(1)}));
    e.assert_fact(b.id("a"), vals({num(3)}));
    std::set<std::string> names;
    for (const auto& act : e.agenda()) names.insert(b.program.rules[act.rule].name);
    CHECK(names == S{"r0", "r2", "r3"});   // r3: a(3) meets c(2, 3) on y; r1 waits for `out`
}

TEST_CASE("mapped array: grows without losing records, clear keeps the memory", "[runtime][rete]") {
    rete::MappedArray<std::uint64_t> a;
    bool in_order = true;
    for (std::uint32_t i = 0; i < 300'000; ++i) in_order = in_order && a.push() == i;  // several doublings
    CHECK(in_order);
    for (std::uint32_t i = 0; i < 300'000; ++i) a[i] = i * 7ULL;
    std::uint32_t first = a.push_n(5);
    CHECK(first == 300'000);
    CHECK(a.size() == 300'005);
    bool intact = true;
    for (std::uint32_t i = 0; i < 300'000; ++i) intact = intact && a[i] == i * 7ULL;
    CHECK(intact);
    for (std::uint32_t i = first; i < first + 5; ++i) CHECK(a[i] == 0);   // value-initialised
    std::size_t resident = a.resident_bytes();
    CHECK(resident >= 300'005 * sizeof(std::uint64_t));
    a.clear();
    CHECK(a.size() == 0);
    CHECK(a.resident_bytes() == resident);
    CHECK(a.push() == 0);
    CHECK(a[0] == 0);
}
