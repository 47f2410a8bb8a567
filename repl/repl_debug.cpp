// Debugging and profiling the rules: break, unbreak, step, and profile; and `run`, which stops at breakpoints.
//
// Breakpoints are kept by rule name, so they survive a reload of the program (a name the new program lacks is
// listed but never matches). A `run` that meets an activation of a rule with a breakpoint stops before firing it
// (as CLIPS's set-break does) and shows it; the next `run` fires that activation first and goes on, `step` fires only
// it. The engine has no notion of breakpoints: with any set, `run` fires one activation at a time and looks at the
// next one (Engine::next_activation) in between; with none it is one Engine::run, as before.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/profile_report.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

std::optional<RuleId> ReplSession::rule_named(const Line& l, std::size_t b, std::size_t e) {
    std::string name = l.text.substr(b, e - b);
    if (const Rule* r = program_->find_rule(name)) return r->id;
    std::vector<std::string> names;
    for (const auto& x : program_->rules) names.push_back(x.name);
    error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
          name.empty() ? "expected a rule name; `rules` lists them"
                       : fmt::format("no rule '{}'{}", name, did_you_mean(closest_match(name, names))));
    return std::nullopt;
}

void ReplSession::show_activation(const Engine::Match& m, std::string_view heading) {
    const Rule& r = program_->rules.at(m.rule);
    const Engine& engine = *current().engine;
    out_ << fmt::format("{} {} (salience {})\n", heading, r.name, r.salience);
    for (FactId id : m.facts) {
        FactView f = engine.fact(id);
        out_ << fmt::format("  f-{:<5} {}\n", id, format_fact(*program_, f.tmpl, f.values.data()));
    }
    // The rule's variables that the match binds (those local to a not/exists/aggregate group have no one value; the
    // checker's own, named '#...', are not the user's).
    std::string vars;
    for (std::size_t v = 0; v < m.bindings.size() && v < r.vars.size(); ++v) {
        const Value& value = m.bindings[v];
        if (value.type == Type::Any || r.vars[v].name.starts_with('#')) continue;
        std::string text = r.vars[v].is_fact ? fmt::format("f-{}", value.i) : to_source(value);
        vars += fmt::format("{}?{} = {}", vars.empty() ? "  " : ", ", r.vars[v].name, text);
    }
    if (!vars.empty()) out_ << vars << "\n";
}

void ReplSession::print_run_errors(const RunResult& r) {
    for (const auto& err : r.errors) out_ << render_run_error(err, current().engine->sources()) << "\n";
}

void ReplSession::cmd_run(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    RunLimits limits;
    limits.interrupt = interrupt_;
    if (b < e) {
        std::string n = l.text.substr(b, e - b);
        if (n.find_first_not_of("0123456789") != std::string::npos || n.size() > 12) {
            error(l, b, e - b, Code::InvalidNumber, fmt::format("expected a number of firings, got '{}'", n));
            return;
        }
        limits.max_firings = std::stoull(n);
    }
    Engine& engine = *current().engine;
    // The activation the last run stopped before, if it did (a plain value: GCC 12 warns about a moved-from optional).
    bool may_resume = stopped_at_.has_value();
    BreakStop resume = may_resume ? std::move(*stopped_at_) : BreakStop{};
    stopped_at_.reset();
    if (breakpoints_.empty()) {
        RunResult r = engine.run(limits);
        print_run_errors(r);
        out_ << fmt::format("{} firing{} ({})\n", r.firings, r.firings == 1 ? "" : "s", stop_reason_text(r.reason));
        return;
    }
    std::vector<char> stops(program_->rules.size(), 0);
    for (const auto& name : breakpoints_)
        if (const Rule* r = program_->find_rule(name)) stops[r->id] = 1;
    std::uint64_t firings = 0;
    StopReason reason = StopReason::Quiescent;
    for (;;) {
        if (limits.max_firings && firings >= limits.max_firings) {
            reason = StopReason::MaxFirings;
            break;
        }
        std::optional<Engine::Match> next = engine.next_activation();
        if (!next) break;
        // The activation a `run` stopped before fires when the session runs on (refraction then keeps it from
        // stopping the run again); any other activation of a rule with a breakpoint stops the run.
        bool resuming = may_resume && resume.engine == &engine && resume.rule == next->rule && resume.facts == next->facts;
        may_resume = false;
        if (stops[next->rule] && !resuming) {
            out_ << fmt::format("{} firing{} (stopped at a breakpoint)\n", firings, firings == 1 ? "" : "s");
            show_activation(*next, "break before");
            stopped_at_ = BreakStop{&engine, next->rule, next->facts};
            return;
        }
        RunLimits one = limits;
        one.max_firings = 1;
        RunResult r = engine.run(one);
        firings += r.firings;
        print_run_errors(r);
        if (r.reason != StopReason::MaxFirings && r.reason != StopReason::Quiescent) {
            reason = r.reason;
            break;
        }
    }
    out_ << fmt::format("{} firing{} ({})\n", firings, firings == 1 ? "" : "s", stop_reason_text(reason));
}

void ReplSession::cmd_step(const Line& l, std::size_t b) {
    if (std::size_t e = trim_end(l.text, b, l.text.size()); b < e) {
        error(l, b, e - b, Code::ParseExpected, "`step` takes no argument (`run N` fires N activations)");
        return;
    }
    stopped_at_.reset();
    Engine& engine = *current().engine;
    std::optional<Engine::Match> next = engine.next_activation();
    if (!next) {
        out_ << "nothing to fire: the agenda is empty\n";
        return;
    }
    show_activation(*next, "fire");
    RunLimits one;
    one.max_firings = 1;
    one.interrupt = interrupt_;
    RunResult r = engine.run(one);
    print_run_errors(r);
    std::size_t waiting = engine.agenda().size();
    out_ << fmt::format("{} activation{} waiting\n", waiting, waiting == 1 ? "" : "s");
}

void ReplSession::list_breakpoints() {
    if (breakpoints_.empty()) {
        out_ << "no breakpoints\n";
        return;
    }
    std::string list;
    for (const auto& name : breakpoints_)
        list += fmt::format("{}{}{}", list.empty() ? "" : ", ", name,
                            program_->find_rule(name) ? "" : " (no such rule in the program now)");
    out_ << "breakpoints: " << list << "\n";
}

void ReplSession::cmd_break(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::vector<std::string> names;
    for (auto [wb, we] : split_top(l.text, b, e, ' ')) {
        if (wb == we) continue;
        auto rule = rule_named(l, wb, we);
        if (!rule) return;  // nothing is set when one name is wrong
        names.push_back(program_->rules[*rule].name);
    }
    for (auto& name : names)
        if (std::find(breakpoints_.begin(), breakpoints_.end(), name) == breakpoints_.end())
            breakpoints_.push_back(std::move(name));
    list_breakpoints();
}

void ReplSession::cmd_unbreak(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a rule name or `all`; `break` lists the breakpoints");
        return;
    }
    std::vector<std::string> names;
    for (auto [wb, we] : split_top(l.text, b, e, ' ')) {
        if (wb == we) continue;
        std::string name = l.text.substr(wb, we - wb);
        if (name == "all") {
            names = breakpoints_;
            continue;
        }
        if (std::find(breakpoints_.begin(), breakpoints_.end(), name) == breakpoints_.end()) {
            error(l, wb, we - wb, Code::ParseExpected,
                  fmt::format("no breakpoint on '{}'{}", name, did_you_mean(closest_match(name, breakpoints_))));
            return;
        }
        names.push_back(std::move(name));
    }
    std::erase_if(breakpoints_, [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    });
    list_breakpoints();
}

void ReplSession::set_profiling(bool on) {
    profiling_ = on;
    for (auto& c : cases_) c.world->engine->set_profile(on ? &profile_ : nullptr);
    if (scratch_) scratch_->engine->set_profile(on ? &profile_ : nullptr);
}

void ReplSession::cmd_profile(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::vector<std::string> words;
    std::vector<std::size_t> starts;
    for (auto [wb, we] : split_top(l.text, b, e, ' ')) {
        if (wb == we) continue;
        words.push_back(l.text.substr(wb, we - wb));
        starts.push_back(wb);
    }
    if (words.empty()) {
        out_ << fmt::format("profiling is {}\n", profiling_ ? "on" : "off");
        return;
    }
    const std::string& what = words[0];
    if (what == "show") {
        ProfileReportOptions options;
        bool json = false;
        for (std::size_t i = 1; i < words.size(); ++i) {
            if (words[i] == "--no-times") {
                options.times = false;
            } else if (words[i] == "--json") {
                json = true;
            } else {
                error(l, starts[i], words[i].size(), Code::ParseExpected,
                      fmt::format("expected --no-times or --json, got '{}'", words[i]));
                return;
            }
        }
        if (profile_.rules.size() < program_->rules.size()) profile_.rules.resize(program_->rules.size());
        out_ << (json ? profile_json(*program_, profile_, options) : profile_table(*program_, profile_, options));
        return;
    }
    if (words.size() > 1) {
        error(l, starts[1], words[1].size(), Code::ParseExpected,
              fmt::format("`profile {}` takes no argument, got '{}'", what, words[1]));
        return;
    }
    if (what == "on") {
        set_profiling(true);
        out_ << "profiling on: firings, activations, partial matches and times are counted per rule (`profile show`)\n";
    } else if (what == "off") {
        set_profiling(false);
        out_ << "profiling off; the counts so far are kept (`profile show`, `profile reset`)\n";
    } else if (what == "reset") {
        profile_.clear();
        out_ << "profile cleared\n";
    } else {
        error(l, starts[0], what.size(), Code::ParseExpected,
              fmt::format("expected on, off, show or reset, got '{}'", what));
    }
}

}  // namespace covenant::cli
