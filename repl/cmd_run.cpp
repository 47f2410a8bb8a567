// covenant run FILE.rules... [--facts FILE.yaml...] [--strategy S] [--matching lazy|eager] [--max-firings N]
//              [--timeout SECONDS]
//              [--watch facts,rules,activations] [--stats] [--conclusions]
//              [--profile] [--profile-format text|json] [--profile-no-times]
//
// Output: `print` text on stdout as the rules fire (with --watch traces interleaved), then the final working memory,
// one fact per line as `f-ID  person(name: ann, born: 1950)`. Diagnostics, run-time errors, the limit message,
// --stats and the --profile table go to stderr, so stdout holds only the result.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "runtime/engine.hpp"
#include "runtime/profile_report.hpp"

namespace covenant::cli {

namespace {

std::string fact_ids(std::span<const FactId> facts) {
    std::string s;
    for (std::size_t i = 0; i < facts.size(); ++i) s += fmt::format("{}f-{}", i ? "," : "", facts[i]);
    return s;
}

// --watch: a CLIPS-like trace on stdout, in step with `print` output.
//   ==> f-3     person(name: ann, born: 1950)        a fact entered working memory
//   <== f-3     person(name: ann, born: 1950)        a fact left it
//   ==> Activation 0 big_family: f-1,f-4             an activation joined the agenda (salience, rule, facts)
//   <== Activation 0 big_family: f-1,f-4             it left without firing
//   FIRE    1 big_family: f-1,f-4                    a firing (number, rule, facts)
class WatchPrinter final : public TraceListener {
public:
    WatchPrinter(const Program& program, bool facts, bool rules, bool activations)
        : program_(program), facts_(facts), rules_(rules), activations_(activations) {}

    void on_assert(const FactView& f) override {
        if (facts_) std::cout << fmt::format("==> f-{:<5} {}\n", f.id, format_fact(program_, f.tmpl, f.values.data()));
    }
    void on_retract(const FactView& f) override {
        if (facts_) std::cout << fmt::format("<== f-{:<5} {}\n", f.id, format_fact(program_, f.tmpl, f.values.data()));
    }
    void on_activation(RuleId rule, std::span<const FactId> facts, bool added) override {
        if (!activations_) return;
        const Rule& r = program_.rules.at(rule);
        std::cout << fmt::format("{} Activation {} {}: {}\n", added ? "==>" : "<==", r.salience, r.name,
                                 fact_ids(facts));
    }
    void on_fire(std::uint64_t firing, RuleId rule, std::span<const FactId> facts) override {
        if (rules_)
            std::cout << fmt::format("FIRE {:>4} {}: {}\n", firing, program_.rules.at(rule).name, fact_ids(facts));
    }

private:
    const Program& program_;
    bool facts_, rules_, activations_;
};

std::string seconds_text(double s) { return fmt::format("{:g}s", s); }

// Ctrl-C during run() stops between firings (StopReason::Interrupted), so working memory is still printed. The
// engine polls the flag; the handler restores the default action, so a second Ctrl-C ends the process at once.
volatile bool g_interrupted = false;
void on_sigint(int) {
    std::signal(SIGINT, SIG_DFL);
    g_interrupted = true;
}

class InterruptScope {
public:
    InterruptScope() : previous_(std::signal(SIGINT, on_sigint)) {}
    ~InterruptScope() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

private:
    void (*previous_)(int);
};

void print_stats(const Engine& engine, const RunResult& result, double run_ms, double total_ms) {
    EngineStats s = engine.stats();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::cerr << fmt::format("firings:      {} ({})\n", result.firings, stop_reason_text(result.reason))
              << fmt::format("facts:        {} live, {} peak, {} asserted, {} retracted\n", s.live_facts, s.peak_facts,
                             s.facts_asserted, s.facts_retracted)
              << fmt::format("activations:  {} created\n", s.activations_created)
              << fmt::format("network:      {} nodes, {} tokens, ~{} KiB\n", s.rete_nodes, s.tokens,
                             (s.memory_bytes + 1023) / 1024)
              << fmt::format("time:         {:.3f} ms run, {:.3f} ms total\n", run_ms, total_ms)
              << fmt::format("peak memory:  {} KiB (max resident set)\n", usage.ru_maxrss);
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& options) {
    CLI::App* cmd = app.add_subcommand(
        "run", "Load rule files and fact files, run the rules to quiescence and print the final working memory.\n"
               "Exit status 0 when the run ended normally, 1 on input or run-time errors, 3 when a limit stopped it.");
    cmd->add_option("FILE.rules", options.common.rule_files, "Rule files (a .yaml file named here is a fact file, as with --facts)")
        ->required();
    cmd->add_option("--facts", options.common.fact_files,
                    "YAML fact files asserted after the facts blocks (repeat for more)")
        ->type_name("FILE.yaml")
        ->allow_extra_args(false);
    cmd->add_option("--strategy", options.strategy, "Conflict resolution among equal salience")
        ->check(CLI::IsMember({"depth", "breadth", "lex", "mea"}))
        ->capture_default_str();
    cmd->add_option("--matching", options.matching,
                    "lazy: under depth, make a rule's matches only when the next one is about to fire (the default); "
                    "eager: make every match as soon as it exists. Both fire the same rules in the same order "
                    "(docs/engine.md, \"Lazy matching\")")
        ->check(CLI::IsMember({"lazy", "eager"}))
        ->capture_default_str();
    cmd->add_option("--max-firings", options.max_firings, "Stop after N firings (0: no limit)")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--timeout", options.timeout_seconds, "Stop after this many seconds of running (0: no limit)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.0, 1e6));
    cmd->add_option("--watch", options.watch, "Trace facts, rules (firings) and/or activations, comma-separated")
        ->delimiter(',')
        ->check(CLI::IsMember({"facts", "rules", "activations"}))
        ->type_name("WHAT");
    cmd->add_flag("--stats", options.stats, "Print firings, facts, activations, time and peak memory to stderr");
    cmd->add_flag("--conclusions", options.conclusions, "Print only derived facts (asserted, concluded and scores)");
    cmd->add_flag("--profile", options.profile,
                  "Print a per-rule profile to stderr after the run: firings, activations, partial matches, time in "
                  "the rule's network and actions, most costly first");
    cmd->add_option("--profile-format", options.profile_format, "The profile as a table (text) or JSON (implies --profile)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    cmd->add_flag("--profile-no-times", options.profile_no_times,
                  "Leave the times out of the profile, ordering it by the counts (implies --profile)");
    add_common_flags(*cmd, options.common);
    return cmd;
}

int run_run(const RunOptions& options) {
    auto start = std::chrono::steady_clock::now();
    Session session;
    bool ok = load(options.common, session);
    print_diagnostics(session, options.common);
    if (!ok || session.sink.has_errors()) return kExitInputError;
    const Program& program = *session.program;

    Engine engine(program);
    if (auto strategy = parse_strategy(options.strategy)) engine.set_strategy(*strategy);
    engine.set_lazy(options.matching == "lazy");
    engine.set_output(std::cout);
    engine.set_sources(&session.sources);
    auto watching = [&](std::string_view what) {
        for (const auto& w : options.watch)
            if (w == what) return true;
        return false;
    };
    WatchPrinter watch(program, watching("facts"), watching("rules"), watching("activations"));
    if (!options.watch.empty()) engine.set_trace(&watch);

    // Profiling covers the facts' propagation too: the partial matches they make are part of the rules' cost.
    Profile profile;
    bool profiling = options.profile || options.profile_no_times || options.profile_format != "text";
    if (profiling) engine.set_profile(&profile);

    engine.reset();
    for (const auto& file : session.fact_files)
        for (const auto& fact : file.facts) engine.assert_fact(fact.tmpl, fact.values, fact.span);

    RunLimits limits;
    limits.max_firings = options.max_firings;
    limits.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(options.timeout_seconds * 1000.0)));
    limits.interrupt = &g_interrupted;
    auto run_start = std::chrono::steady_clock::now();
    RunResult result;
    {
        InterruptScope interrupt_scope;
        result = engine.run(limits);
    }
    auto run_end = std::chrono::steady_clock::now();
    engine.set_trace(nullptr);
    engine.set_profile(nullptr);

    for (FactId id : engine.facts()) {
        FactView f = engine.fact(id);
        if (options.conclusions && f.origin == Origin::Given) continue;
        std::cout << fmt::format("f-{:<4} {}\n", id, format_fact(program, f.tmpl, f.values.data()));
    }
    std::cout.flush();

    for (const auto& error : result.errors) {
        std::string text = render_run_error(error, engine.sources());
        std::cerr << text << (text.ends_with('\n') ? "" : "\n");
    }
    std::string last_rule =
        result.last_rule && *result.last_rule < program.rules.size()
            ? fmt::format("the last rule fired was '{}'", program.rules[*result.last_rule].name)
            : "no rule fired";
    int code = kExitOk;
    switch (result.reason) {
        case StopReason::Quiescent:
        case StopReason::Halted: break;
        case StopReason::MaxFirings:
            std::cerr << fmt::format("covenant: stopped: the firing limit (--max-firings {}) was reached; {}\n",
                                     options.max_firings, last_rule);
            code = kExitLimit;
            break;
        case StopReason::Timeout:
            std::cerr << fmt::format(
                "covenant: stopped: the time limit (--timeout {}) was reached after {} firings; {}\n",
                seconds_text(options.timeout_seconds), result.firings, last_rule);
            code = kExitLimit;
            break;
        case StopReason::Interrupted:
            std::cerr << fmt::format("covenant: stopped: interrupted (Ctrl-C) after {} firings; {}\n", result.firings,
                                     last_rule);
            code = kExitLimit;
            break;
        case StopReason::Error:
            std::cerr << fmt::format("covenant: stopped by a run-time error; {}\n", last_rule);
            code = kExitInputError;
            break;
    }
    if (options.stats) {
        using ms = std::chrono::duration<double, std::milli>;
        print_stats(engine, result, ms(run_end - run_start).count(), ms(run_end - start).count());
    }
    if (profiling) {
        ProfileReportOptions report;
        report.times = !options.profile_no_times;
        std::cerr << (options.profile_format == "json" ? profile_json(program, profile, report)
                                                        : profile_table(program, profile, report));
    }
    return code;
}

}  // namespace covenant::cli
