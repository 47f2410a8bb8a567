// engine_micro: micro-benchmarks of the engine through its public API (issue 5), a small timing driver.
//
//   engine_micro [--facts N] [--rules N] [--only join|compile]
//
// (a) join: a network with one rule of three positive patterns joined on equality and a negation,
//         a(id: ?i, k: ?k)  b(k: ?k, m: ?m)  c(m: ?m, v: ?v)  not blocked(id: ?i)
//     N facts (default 1,000,000) are asserted in groups of four (a_i, b_i, c_i and a `blocked` fact that matches
//     the negation for even i only), so every join finds exactly one partner and half of the groups make an activation;
//     then every fact is retracted, in assertion order. The rule never fires (run() is not called): this measures
//     matching, activation bookkeeping and working memory, not actions.
//     Reports asserts/s, retracts/s, and bytes per fact at the peak, two ways: the growth of the process's peak
//     resident set (VmHWM) over its resident set before the first assert, divided by N — everything the engine
//     allocated for the facts, their network entries and activations, allocator overhead included — and the engine's
//     own estimate, EngineStats::memory_bytes / N.
// (b) compile: generates N rules (default 10,000) over a few templates, with varied constants so that the alpha
//     network is not one shared chain, and times parse_unit, check_units and the Engine constructor (the Rete
//     compilation) separately.
//
// Output: one `key: value` line per figure (stable, parsed by bench/run.py), e.g.
//   join.asserts_per_s: 1234567
// Exit status 1 when a step fails (a diagnostic, a fact that does not match as designed), 2 on bad arguments.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "check/check.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

#include "proc_status.hpp"

namespace {

using namespace covenant;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

using covenant::bench::status_kib;

// Parses and checks one source text into a Program; prints the diagnostics and returns nullopt on error.
struct Compiled {
    SourceManager sources;
    std::optional<Program> program;
    double parse_s = 0;
    double check_s = 0;
};

bool compile_text(Compiled& out, std::string name, std::string text) {
    DiagnosticSink sink;
    FileId file = out.sources.add(std::move(name), std::move(text));
    auto start = Clock::now();
    std::vector<ast::Unit> units;
    units.push_back(parse_unit(out.sources.file(file), sink));
    out.parse_s = seconds_since(start);
    if (!sink.has_errors()) {
        start = Clock::now();
        out.program = check_units(std::move(units), out.sources, sink);
        out.check_s = seconds_since(start);
    }
    if (sink.has_errors() || !out.program) {
        std::fputs(render_all(sink, out.sources).c_str(), stderr);
        return false;
    }
    return true;
}

constexpr std::string_view kJoinProgram = R"(
template a       { id: int, k: int }
template b       { k: int, m: int }
template c       { m: int, v: int }
template blocked { id: int }

rule join3 {
  when a(id: ?i, k: ?k)
       b(k: ?k, m: ?m)
       c(m: ?m, v: ?v)
       not blocked(id: ?i)
  then print "{?i} {?v}"
}
)";

int bench_join(std::uint64_t n_facts) {
    if (n_facts < 4 || n_facts % 4 != 0) {
        std::fprintf(stderr, "engine_micro: --facts must be a positive multiple of 4\n");
        return 2;
    }
    Compiled compiled;
    if (!compile_text(compiled, "<join>", std::string(kJoinProgram))) return 1;
    const Program& program = *compiled.program;
    TemplateId ta = program.find_template("a")->id, tb = program.find_template("b")->id;
    TemplateId tc = program.find_template("c")->id, tblocked = program.find_template("blocked")->id;

    Engine engine(program);
    engine.reset();
    const std::int64_t groups = static_cast<std::int64_t>(n_facts / 4);
    // Reset the peak (VmHWM) to the current resident set (proc(5), clear_refs "5"), so that the peak read after the
    // asserts is the join's own even if something before it peaked higher.
    std::ofstream("/proc/self/clear_refs") << "5";
    const std::uint64_t rss_before = status_kib("VmRSS");

    auto start = Clock::now();
    for (std::int64_t i = 0; i < groups; ++i) {
        // Distinct keys per group (k = i + groups, m = i + 2 * groups), so each join has exactly one partner and no
        // value is shared by accident between slots.
        Value va[2] = {Value::integer(i), Value::integer(i + groups)};
        Value vb[2] = {Value::integer(i + groups), Value::integer(i + 2 * groups)};
        Value vc[2] = {Value::integer(i + 2 * groups), Value::integer(i % 97)};
        // Odd groups get a `blocked` fact that matches no `a` (its id is out of range): the negation's memory holds
        // as many facts either way.
        Value vblocked[1] = {Value::integer(i % 2 == 0 ? i : i + 4 * groups)};
        engine.assert_fact(ta, va);
        engine.assert_fact(tb, vb);
        engine.assert_fact(tc, vc);
        engine.assert_fact(tblocked, vblocked);
    }
    const double assert_s = seconds_since(start);
    const std::uint64_t rss_peak = status_kib("VmHWM");
    const EngineStats peak = engine.stats();

    // The design must hold, or the figures mean nothing: every group's three patterns join, and the negation blocks
    // the even ones.
    const std::size_t activations = engine.agenda().size();
    const std::size_t expected_activations = static_cast<std::size_t>(groups / 2);
    if (peak.live_facts != n_facts || activations != expected_activations) {
        std::fprintf(stderr, "engine_micro: join: expected %llu live facts and %zu activations, got %zu and %zu\n",
                     static_cast<unsigned long long>(n_facts), expected_activations, peak.live_facts, activations);
        return 1;
    }

    std::vector<FactId> ids = engine.facts();
    start = Clock::now();
    std::size_t failed = 0;
    for (FactId id : ids)
        if (!engine.retract(id)) ++failed;
    const double retract_s = seconds_since(start);
    const EngineStats after = engine.stats();
    if (failed || after.live_facts != 0 || !engine.agenda().empty()) {
        std::fprintf(stderr, "engine_micro: join: %zu retracts failed; %zu facts and %zu activations left\n", failed,
                     after.live_facts, engine.agenda().size());
        return 1;
    }

    const double n = static_cast<double>(n_facts);
    fmt::print("join.facts: {}\n", n_facts);
    fmt::print("join.activations_at_peak: {}\n", activations);
    fmt::print("join.assert_s: {:.4f}\n", assert_s);
    fmt::print("join.asserts_per_s: {:.0f}\n", n / assert_s);
    fmt::print("join.retract_s: {:.4f}\n", retract_s);
    fmt::print("join.retracts_per_s: {:.0f}\n", n / retract_s);
    fmt::print("join.rss_bytes_per_fact: {:.1f}\n",
               rss_peak > rss_before ? static_cast<double>(rss_peak - rss_before) * 1024.0 / n : 0.0);
    fmt::print("join.engine_bytes_per_fact: {:.1f}\n", static_cast<double>(peak.memory_bytes) / n);
    fmt::print("join.peak_rss_kib: {}\n", rss_peak);
    return 0;
}

// N rules over four templates. Each rule has two or three patterns joined on a shared variable, constant tests drawn
// from a range wide enough that most alpha tests are distinct, sometimes a negation or a test, and an assert action.
std::string generate_rules(std::uint64_t n_rules) {
    std::string text = R"(
template item   { id: int, kind: symbol, size: int, owner: symbol }
template link   { from: int, to: int, weight: float }
template flag   { id: int, level: int }
template result { id: int, by_rule: int }
)";
    text.reserve(n_rules * 260);
    // A fixed linear congruential sequence: the same rules on every run.
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    auto next = [&state](std::uint64_t bound) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % bound;
    };
    for (std::uint64_t r = 0; r < n_rules; ++r) {
        text += fmt::format("rule r{} {{\n  when item(id: ?a, kind: k{}, size: ?s > {})\n", r, next(50), next(100));
        text += fmt::format("       link(from: ?a, to: ?b, weight: ?w >= {}.{})\n", next(2), next(10));
        switch (next(4)) {
            case 0: text += fmt::format("       not flag(id: ?b, level: {})\n", next(10)); break;
            case 1: text += fmt::format("       item(id: ?b, owner: o{})\n", next(200)); break;
            case 2: text += fmt::format("       test ?s + ?b > {}\n", next(1000)); break;
            default: break;
        }
        text += fmt::format("  then assert result(id: ?a, by_rule: {})\n       assert flag(id: ?b, level: div(?s, {}) + 1)\n}}\n",
                            r, 1 + next(9));
    }
    return text;
}

int bench_compile(std::uint64_t n_rules) {
    std::string text = generate_rules(n_rules);
    Compiled compiled;
    auto start = Clock::now();
    if (!compile_text(compiled, "<generated>", std::move(text))) return 1;
    auto engine_start = Clock::now();
    Engine engine(*compiled.program);
    const double engine_s = seconds_since(engine_start);
    const double total_s = seconds_since(start);
    if (compiled.program->rules.size() != n_rules) {
        std::fprintf(stderr, "engine_micro: compile: expected %llu rules, the program has %zu\n",
                     static_cast<unsigned long long>(n_rules), compiled.program->rules.size());
        return 1;
    }
    fmt::print("compile.rules: {}\n", n_rules);
    fmt::print("compile.parse_s: {:.4f}\n", compiled.parse_s);
    fmt::print("compile.check_s: {:.4f}\n", compiled.check_s);
    fmt::print("compile.network_s: {:.4f}\n", engine_s);
    fmt::print("compile.total_s: {:.4f}\n", total_s);
    fmt::print("compile.rete_nodes: {}\n", engine.stats().rete_nodes);
    return 0;
}

bool parse_count(const char* text, std::uint64_t& out) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || v == 0 || v > 100'000'000ull) return false;
    out = v;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t n_facts = 1'000'000, n_rules = 10'000;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        bool has_value = i + 1 < argc;
        if (arg == "--facts" && has_value && parse_count(argv[i + 1], n_facts)) {
            ++i;
        } else if (arg == "--rules" && has_value && parse_count(argv[i + 1], n_rules)) {
            ++i;
        } else if (arg == "--only" && has_value && (std::string_view(argv[i + 1]) == "join" ||
                                                    std::string_view(argv[i + 1]) == "compile")) {
            only = argv[++i];
        } else {
            std::fprintf(stderr,
                         "usage: engine_micro [--facts N] [--rules N] [--only join|compile]\n"
                         "  N: a positive count up to 100,000,000 (--facts: a multiple of 4)\n");
            return 2;
        }
    }
    // The join runs first, on a fresh heap, so that memory freed by the compile benchmark and kept by the allocator
    // cannot absorb the join's growth.
    if (only.empty() || only == "join")
        if (int rc = bench_join(n_facts); rc != 0) return rc;
    if (only.empty() || only == "compile")
        if (int rc = bench_compile(n_rules); rc != 0) return rc;
    return 0;
}
