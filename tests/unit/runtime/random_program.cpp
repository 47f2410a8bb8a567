#include "random_program.hpp"

#include <fmt/format.h>

namespace covenant::testing {

namespace {

const char* kHeader = R"(pack oracle.random "a random program of the oracle test"
template a { x: int, y: int, z: int }
template b { x: int, y: int }
template c { x: int }
template p { x: int, y: int }
template q { x: int }
template r { xs: list of int }
const ONE = 1
const TWO = ONE + 1 "a constant from a constant"
function twice(?n: int): int = ?n * 2
function within(?v: int, ?lo: int, ?hi: int) = ?v >= ?lo and ?v <= ?hi
)";

const std::vector<std::string> kTemplates = {"a", "b", "c", "p", "q"};

const std::vector<std::string>& slots_of(const std::string& t) {
    static const std::vector<std::string> xyz = {"x", "y", "z"}, xy = {"x", "y"}, x = {"x"};
    if (t == "a") return xyz;
    if (t == "b" || t == "p") return xy;
    return x;
}

struct Var {
    std::string name;   // with '?'
    bool is_float = false;
    bool aggregate = false;  // an aggregate's result: actions write it modulo 4, so that rules asserting sums of
                             // their own facts cannot grow values without bound (an int overflow is an E0301 error)
};

class Gen {
public:
    explicit Gen(std::mt19937& rng) : rng_(rng) {}

    int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }
    bool chance(int percent) { return pick(100) < percent; }
    int value() { return pick(3); }  // facts hold 0..2: small domains make joins, blocks and groups common
    // A value a slot is compared with: a literal, or now and then the same value as a constant expression (folded
    // by the checker: the Rete network and the naive matcher both see the literal).
    std::string comparand() {
        int v = value();
        if (!chance(25)) return std::to_string(v);
        switch (pick(3)) {
            case 0: return fmt::format("ONE * {}", v);
            case 1: return fmt::format("TWO - {}", 2 - v);
            default: return fmt::format("max({}, 0) + 0", v);
        }
    }

    RuleSpec rule(int index) {
        RuleSpec r;
        r.name = fmt::format("r{}", index);
        static const int saliences[] = {-1, 0, 0, 0, 0, 1, 2};
        r.salience = saliences[pick(7)];
        scope_.clear();
        facts_.clear();
        last_agg_tmpl_.clear();
        int n = 1 + pick(4);
        for (int i = 0; i < n; ++i) r.conditions.push_back(condition());
        int actions = 1 + pick(3);
        for (int i = 0; i < actions; ++i) {
            std::string a = action();
            if (!a.empty()) r.actions.push_back(a);
        }
        if (r.actions.empty()) r.actions.push_back(fmt::format("conclude q(x: {})", int_term()));
        return r;
    }

    std::string given_fact() {
        static const std::vector<std::string> given = {"a", "b", "c"};
        const std::string& t = given[pick(3)];
        std::string s = t + "(";
        const auto& slots = slots_of(t);
        for (std::size_t i = 0; i < slots.size(); ++i) s += fmt::format("{}{}: {}", i ? ", " : "", slots[i], value());
        return s + ")";
    }

private:
    std::string new_var(bool is_float = false) {
        std::string name = fmt::format("?v{}", next_var_++);
        scope_.push_back({name, is_float});
        return name;
    }
    const Var* any_var(bool ints_only) {
        std::vector<const Var*> ok;
        for (const auto& v : scope_)
            if (!ints_only || !v.is_float) ok.push_back(&v);
        if (ok.empty()) return nullptr;
        return ok[static_cast<std::size_t>(pick(static_cast<int>(ok.size())))];
    }

    // One slot's constraint, or "" for none. `over` (non-empty) forces a binding of that variable.
    std::string constraint(const std::string& over) {
        static const char* cmp[] = {"<", "<=", ">", ">="};
        if (!over.empty()) {
            std::string s = over;
            if (chance(20)) s += fmt::format(" {} {}", cmp[pick(4)], comparand());
            scope_.push_back({over, false});
            return s;
        }
        int k = pick(100);
        if (k < 35) return "";
        if (k < 58) {
            std::string v = new_var();
            if (chance(15)) v += fmt::format(" {} {}", cmp[pick(4)], comparand());
            return v;
        }
        if (k < 78) {
            if (const Var* v = any_var(false)) return v->name;
            return fmt::format("{}", value());
        }
        if (k < 85) return fmt::format("{}", value());
        if (k < 89) return fmt::format("{} | {}", value(), value());
        if (k < 93) return chance(50) ? fmt::format("!= {}", value()) : fmt::format("!= {} | {}", value(), value());
        if (k < 97) return fmt::format("{} {}", cmp[pick(4)], value());
        if (const Var* v = any_var(false)) return fmt::format("{} {}", cmp[pick(4)], v->name);
        return fmt::format("{} {}", cmp[pick(4)], value());
    }

    // A pattern over `t`; its new variables go into scope_. `over_slot` >= 0 binds `over` there.
    std::string pattern(const std::string& t, int over_slot = -1, const std::string& over = "") {
        const auto& slots = slots_of(t);
        std::string s = t + "(";
        bool first = true;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            std::string c = constraint(static_cast<int>(i) == over_slot ? over : "");
            if (c.empty()) continue;
            s += fmt::format("{}{}: {}", first ? "" : ", ", slots[i], c);
            first = false;
        }
        return s + ")";
    }

    std::string any_template() { return kTemplates[static_cast<std::size_t>(pick(5))]; }

    // A group's conditions: patterns (and, nested, `not pattern` or a test); its variables stay inside.
    std::string group() {
        auto saved = scope_;
        std::string s = "(" + pattern(any_template());
        int more = 1 + pick(2);
        for (int i = 0; i < more; ++i) {
            int k = pick(10);
            if (k < 6) {
                s += ", " + pattern(any_template());
            } else if (k < 8) {
                auto inner = scope_;
                s += ", not " + pattern(any_template());
                scope_ = inner;
            } else if (k < 9 && any_var(false)) {
                s += ", " + test();
            } else {
                auto inner = scope_;
                s += ", " + aggregate(true);
                (void)inner;
            }
        }
        scope_ = saved;
        return s + ")";
    }

    std::string test() {
        const Var* a = any_var(false);
        const Var* b = any_var(false);
        if (!a) return "test 1 < 2";
        const Var* i = any_var(true);
        const Var* j = any_var(true);
        switch (pick(i ? 7 : 5)) {
            case 5: return fmt::format("test twice({}) >= {}", i->name, j->name);
            case 6:
                if (chance(40)) return fmt::format("test {} in [ONE, {}, length([{}])]", i->name, value(), j->name);
                return fmt::format("test within({}, ONE, {})", i->name, j->name);
            case 0: return fmt::format("test {} + {} > {}", a->name, b->name, pick(6));
            case 1: return fmt::format("test {} != {}", a->name, b->name);
            case 2: return fmt::format("test {} * 2 <= {} + 1", a->name, b->name);
            case 3: return fmt::format("test {} == {} or {} < {}", a->name, value(), b->name, value());
            default: return fmt::format("test {} >= {}", a->name, value());
        }
    }

    // An aggregate condition; in a group (`local`) its result stays local too.
    std::string aggregate(bool local) {
        static const char* ops[] = {"count", "sum", "min", "max", "avg", "collect"};
        std::string op = ops[pick(6)];
        // Several aggregates over one template with different filters is the shape issue 9 was about.
        std::string t = !last_agg_tmpl_.empty() && chance(60) ? last_agg_tmpl_ : any_template();
        last_agg_tmpl_ = t;
        auto saved = scope_;
        std::string call;
        if (op == "count") {
            call = fmt::format("count({})", pattern(t));
        } else {
            std::string x = fmt::format("?x{}", next_var_++);
            int slot = pick(static_cast<int>(slots_of(t).size()));
            call = fmt::format("{}({}, {})", op, x, pattern(t, slot, x));
        }
        scope_ = saved;
        if (op == "collect") {
            // A String: not a number for the actions' arithmetic, so it stays out of scope; a test on its text
            // makes the match depend on it (the values are 0..2, so "0, 1 (2)"-like texts are common).
            std::string result = fmt::format("?c{}", next_var_++);
            static const char* texts[] = {"", "0", "1", "0, 1", "1 (2)", "0, 1, 2"};
            return fmt::format("{} = {}{}test {} != \"{}\"", result, call, local ? ", " : "\n    ", result,
                               texts[pick(6)]);
        }
        std::string result = local ? fmt::format("?l{}", next_var_++) : new_var(op == "avg");
        if (!local) scope_.back().aggregate = true;
        return fmt::format("{} = {}", result, call);
    }

    std::string condition() {
        // A list slot: `has` a constant or a bound variable (an alpha test or a join test), or a list pattern.
        if (chance(6)) {
            const Var* v = any_var(true);
            return fmt::format("r(xs: has {})", v && chance(60) ? v->name : std::to_string(value()));
        }
        if (chance(6)) {
            if (chance(70)) return list_pattern(true);
            auto saved = scope_;
            std::string s = (chance(50) ? "not " : "exists ") + list_pattern(false);
            scope_ = saved;
            return s;
        }
        int k = pick(100);
        if (k < 38 || (scope_.empty() && k < 50)) {
            std::string t = any_template();
            bool given = t == "a" || t == "b" || t == "c";
            std::string fact;
            if (given && chance(35)) {
                fact = fmt::format("?f{}", next_var_++);
                facts_.push_back({fact, t});
            }
            std::string pat = pattern(t);
            if (fact.empty() && chance(12)) {
                // An `or` whose branches bind the same variables: the pattern, and the pattern with one more
                // condition (so both branches may match, and the rule fires once for each).
                auto saved = scope_;
                std::string extra = chance(50) ? "not " + pattern(any_template()) : "exists " + pattern(any_template());
                scope_ = saved;
                return fmt::format("or ({}, and ({}, {}))", pat, pat, extra);
            }
            return fact.empty() ? pat : fact + " <- " + pat;
        }
        if (k < 41) {
            // forall (P C): the variables of P and C stay inside.
            auto saved = scope_;
            std::string domain = pattern(any_template());
            std::string need = pattern(any_template());
            scope_ = saved;
            return fmt::format("forall ({}, {})", domain, need);
        }
        if (k < 48 || k < 54) {
            auto saved = scope_;
            std::string s = (k < 48 ? "not " : "exists ") + pattern(any_template());
            scope_ = saved;
            return s;
        }
        if (k < 62) return (chance(60) ? "not " : "exists ") + group();
        if (k < 72 && any_var(false)) return test();
        if (k < 94) return aggregate(false);
        std::string arg = any_var(true) && chance(70) ? any_var(true)->name : fmt::format("{}", value());
        return fmt::format("{} = score(e({}))", new_var(true), arg);
    }

    // `r(xs: [...])` with one to three items — constants, bound variables (joins, or intra-pattern tests when bound
    // by an earlier item), new variables, `?_` — and now and then a `..?_` or `..?rest` somewhere among them.
    std::string list_pattern(bool top) {
        int n = 1 + pick(3);
        std::vector<std::string> items;
        for (int i = 0; i < n; ++i) {
            const Var* v = any_var(true);
            int k = pick(4);
            if (k == 0) items.push_back(std::to_string(value()));
            else if (k == 1 && v) items.push_back(v->name);
            else if (k == 2) items.push_back("?_");
            else items.push_back(new_var());
        }
        if (chance(40)) {
            // A named rest is only read by a test on its length, so that actions keep to ints.
            std::string rest = !top || chance(50) ? "..?_" : fmt::format("..?rest{}", next_var_++);
            items.insert(items.begin() + pick(n + 1), rest);
            if (rest != "..?_") {
                std::string text;
                for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
                return fmt::format("r(xs: [{}])\n    test length({}) <= {}", text, rest.substr(2), pick(3));
            }
        }
        std::string text;
        for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
        return fmt::format("r(xs: [{}])", text);
    }

    std::string int_term() {
        const Var* v = any_var(true);
        if (!v || chance(25)) return fmt::format("{}", value());
        if (v->aggregate || chance(20)) return fmt::format("mod({} + 1, 4)", v->name);
        return v->name;
    }

    std::string action() {
        int k = pick(100);
        if (k < 45) {
            if (chance(15)) {
                switch (pick(3)) {
                    case 0: return fmt::format("conclude r(xs: [{}])", int_term());
                    case 1: return fmt::format("conclude r(xs: [{}, {}])", int_term(), int_term());
                    default: return fmt::format("conclude r(xs: [{}, ..[{}, {}]])", int_term(), int_term(), int_term());
                }
            }
            if (chance(50)) return fmt::format("conclude p(x: {}, y: {})", int_term(), int_term());
            return fmt::format("conclude q(x: {})", int_term());
        }
        if (k < 65) {
            static const char* weights[] = {"0.2", "0.5", "-0.3", "0.8", "-0.6", "0.4", "1.0", "-1.0"};
            return fmt::format("evidence e({}) {}", int_term(), weights[pick(8)]);
        }
        if (k < 90 && !facts_.empty()) {
            const auto& [f, t] = facts_[static_cast<std::size_t>(pick(static_cast<int>(facts_.size())))];
            if (chance(70)) {
                const auto& slots = slots_of(t);
                return fmt::format("modify {} ({}: {})", f, slots[static_cast<std::size_t>(pick(static_cast<int>(
                                                              slots.size())))], int_term());
            }
            return "retract " + f;
        }
        if (k < 95) return fmt::format("assert c(x: {})", int_term());
        return "";
    }

    std::mt19937& rng_;
    std::vector<Var> scope_;
    std::vector<std::pair<std::string, std::string>> facts_;  // fact variable, template
    std::string last_agg_tmpl_;
    int next_var_ = 0;
};

}  // namespace

const std::vector<std::string>& given_slots(const std::string& tmpl) { return slots_of(tmpl); }

void assert_steps(Engine& e, const Program& p, const std::vector<Step>& steps) {
    for (const auto& st : steps) {
        if (st.kind != Step::Kind::Assert) continue;
        std::vector<Value> values;
        for (int v : st.values) values.push_back(Value::integer(v));
        e.assert_fact(p.find_template(st.tmpl)->id, values);
    }
}

std::string ProgramSpec::text() const {
    std::string s = kHeader;
    if (!facts.empty()) {
        s += "facts {\n";
        for (const auto& f : facts) s += "  " + f + "\n";
        s += "}\n";
    }
    for (const auto& r : rules) {
        // Some saliences are written as constant expressions (the checker folds them).
        std::string salience = r.salience == 2   ? " salience TWO"
                               : r.salience == 1 ? " salience TWO - ONE"
                               : r.salience      ? fmt::format(" salience {}", r.salience)
                                                 : "";
        s += fmt::format("rule {}{} {{\n", r.name, salience);
        for (std::size_t i = 0; i < r.conditions.size(); ++i)
            s += fmt::format("  {} {}\n", i ? "    " : "when", r.conditions[i]);
        for (std::size_t i = 0; i < r.actions.size(); ++i)
            s += fmt::format("  {} {}\n", i ? "    " : "then", r.actions[i]);
        s += "}\n";
    }
    return s;
}

std::string Step::text() const {
    auto fact = [&](const std::vector<int>& v) {
        std::string s = tmpl + "(";
        const auto& slots = slots_of(tmpl);
        for (std::size_t i = 0; i < slots.size(); ++i) s += fmt::format("{}{}: {}", i ? ", " : "", slots[i], v[i]);
        return s + ")";
    };
    bool named = values.size() == slots_of(tmpl).size();
    if (!named && (kind == Kind::Retract || kind == Kind::Modify)) return "# (a retract or modify: no given fact was live)";
    switch (kind) {
        case Kind::Assert: return "assert " + fact(values);
        case Kind::Retract: return "retract " + fact(values);
        case Kind::Modify:
            return fmt::format("modify {} ({}: {})", fact(values), slots_of(tmpl)[static_cast<std::size_t>(slot)],
                               value);
        case Kind::Run: return fmt::format("run {}", firings);
        case Kind::Strategy: return fmt::format("# strategy {}", strategy_name(strategy));
    }
    return "";
}

ProgramSpec random_program(std::mt19937& rng) {
    Gen g(rng);
    ProgramSpec p;
    int facts = g.pick(4);
    for (int i = 0; i < facts; ++i) p.facts.push_back(g.given_fact());
    int rules = 1 + g.pick(5);
    for (int i = 0; i < rules; ++i) p.rules.push_back(g.rule(i));
    return p;
}

std::vector<Step> random_steps(std::mt19937& rng, std::size_t n) {
    auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
    static const std::vector<std::string> given = {"a", "b", "c"};
    std::vector<Step> steps;
    for (std::size_t i = 0; i < n; ++i) {
        Step s;
        int k = pick(100);
        s.tmpl = given[static_cast<std::size_t>(pick(3))];
        s.choice = pick(1000);
        if (k < 45) {
            s.kind = Step::Kind::Assert;
            for (std::size_t j = 0; j < slots_of(s.tmpl).size(); ++j) s.values.push_back(pick(3));
        } else if (k < 60) {
            s.kind = Step::Kind::Retract;   // of a live given fact, chosen when the step first runs
        } else if (k < 75) {
            s.kind = Step::Kind::Modify;    // likewise; slot is taken modulo the chosen fact's slot count
            s.slot = pick(3);
            s.value = pick(3);
        } else if (k < 97) {
            s.kind = Step::Kind::Run;
            static const int firings[] = {1, 1, 2, 3, 5, 40};
            s.firings = firings[pick(6)];
        } else {
            s.kind = Step::Kind::Strategy;
            s.strategy = static_cast<Strategy>(pick(4));
        }
        steps.push_back(std::move(s));
    }
    return steps;
}

}  // namespace covenant::testing
