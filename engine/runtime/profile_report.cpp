#include "runtime/profile_report.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "base/json_writer.hpp"

namespace covenant {

namespace {

// The rules to show, most costly first: every rule with a count (or, with times, a time) above zero.
std::vector<RuleId> report_order(const Profile& profile, bool times) {
    std::vector<RuleId> rules;
    for (RuleId r = 0; r < profile.rules.size(); ++r) {
        const RuleProfile& p = profile.rules[r];
        if (times ? !p.idle() : (p.firings | p.activations | p.tokens) != 0) rules.push_back(r);
    }
    auto key = [&](RuleId r) {
        const RuleProfile& p = profile.rules[r];
        return std::make_tuple(times ? p.total_ns() : 0, p.tokens, p.activations, p.firings);
    };
    // Ties keep definition order (stable), so the order is deterministic whenever the keys are.
    std::stable_sort(rules.begin(), rules.end(), [&](RuleId a, RuleId b) { return key(a) > key(b); });
    return rules;
}

RuleProfile total_of(const Profile& profile) {
    RuleProfile t;
    for (const auto& p : profile.rules) {
        t.firings += p.firings;          // each firing and activation belongs to one rule
        t.activations += p.activations;
    }
    t.tokens = profile.tokens;           // shared nodes' tokens and time once
    t.match_ns = profile.match_ns;
    t.action_ns = profile.action_ns;
    return t;
}

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

std::string profile_table(const Program& program, const Profile& profile, const ProfileReportOptions& options) {
    std::vector<RuleId> rules = report_order(profile, options.times);
    std::size_t width = 5;  // "total"
    for (RuleId r : rules) width = std::max(width, program.rules[r].name.size());
    std::string out = fmt::format("{:<{}}  {:>9}  {:>11}  {:>9}", "rule", width, "firings", "activations", "tokens");
    if (options.times) out += fmt::format("  {:>10}  {:>10}  {:>10}", "match ms", "action ms", "total ms");
    out += '\n';
    auto row = [&](std::string_view name, const RuleProfile& p) {
        out += fmt::format("{:<{}}  {:>9}  {:>11}  {:>9}", name, width, p.firings, p.activations, p.tokens);
        if (options.times)
            out += fmt::format("  {:>10.3f}  {:>10.3f}  {:>10.3f}", ms(p.match_ns), ms(p.action_ns), ms(p.total_ns()));
        out += '\n';
    };
    for (RuleId r : rules) row(program.rules[r].name, profile.rules[r]);
    row("total", total_of(profile));
    std::size_t hidden = profile.rules.size() - rules.size();
    if (hidden > 0) out += fmt::format("{} other rule{} did nothing\n", hidden, hidden == 1 ? "" : "s");
    out += "note: a network node shared by several rules is counted in each of their rows; the total counts it once\n";
    return out;
}

std::string profile_json(const Program& program, const Profile& profile, const ProfileReportOptions& options) {
    std::string out;
    JsonWriter w(out);
    auto object = [&](const RuleProfile& p) {
        w.int_field("firings", static_cast<long long>(p.firings));
        w.int_field("activations", static_cast<long long>(p.activations));
        w.int_field("tokens", static_cast<long long>(p.tokens));
        if (options.times) {
            w.field("match_ms", ms(p.match_ns));
            w.field("action_ms", ms(p.action_ns));
            w.field("total_ms", ms(p.total_ns()));
        }
        w.raw("}");
    };
    w.raw("{");
    w.key("rules");
    w.raw("[");
    bool first = true;
    for (RuleId r : report_order(profile, options.times)) {
        w.raw(first ? "{" : ",{");
        first = false;
        w.key("rule");
        w.string(program.rules[r].name);
        object(profile.rules[r]);
    }
    w.raw("]");
    w.next_key("total");
    w.raw("{");
    w.key("rule");
    w.string("total");
    object(total_of(profile));
    w.raw("}\n");
    return out;
}

}  // namespace covenant
