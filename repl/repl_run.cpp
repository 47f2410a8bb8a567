// The engine at work: agenda, watch (and the trace it installs), and the program: rules, explain, stats. (`run` is
// in repl_debug.cpp, with the breakpoints it stops at.)
#include <fmt/format.h>

#include "explain/why.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

void ReplSession::Watcher::on_assert(const FactView& f) {
    if (facts) s_.out_ << fmt::format("==> f-{:<5} {}\n", f.id, format_fact(*s_.program_, f.tmpl, f.values.data()));
}

void ReplSession::Watcher::on_retract(const FactView& f) {
    if (facts) s_.out_ << fmt::format("<== f-{:<5} {}\n", f.id, format_fact(*s_.program_, f.tmpl, f.values.data()));
}

void ReplSession::Watcher::on_activation(RuleId rule, std::span<const FactId> ids, bool added) {
    if (!activations) return;
    const Rule& r = s_.program_->rules.at(rule);
    s_.out_ << fmt::format("{} Activation {} {}: {}\n", added ? "==>" : "<==", r.salience, r.name, id_list(ids));
}

void ReplSession::Watcher::on_fire(std::uint64_t firing, RuleId rule, std::span<const FactId> ids) {
    if (rules) s_.out_ << fmt::format("FIRE {:>4} {}: {}\n", firing, s_.program_->rules.at(rule).name, id_list(ids));
}

std::string ReplSession::Watcher::id_list(std::span<const FactId> ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size(); ++i) s += fmt::format("{}f-{}", i ? "," : "", ids[i]);
    return s;
}

void ReplSession::cmd_agenda(const Line&, std::size_t) {
    auto agenda = current().engine->agenda();
    for (const auto& a : agenda)
        out_ << fmt::format("{:>4} {}: {}\n", a.salience, program_->rules.at(a.rule).name, Watcher::id_list(a.facts));
    out_ << fmt::format("{} activation{}\n", agenda.size(), agenda.size() == 1 ? "" : "s");
}

void ReplSession::cmd_rules(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string filter = l.text.substr(b, e - b);
    std::size_t n = 0;
    for (const auto& r : program_->rules) {
        if (!filter.empty() && r.name.find(filter) == std::string::npos) continue;
        out_ << fmt::format("{:<40} {:<9} {}\n", r.name, rule_kind_name(r.kind), location_text(sources_, r.span));
        ++n;
    }
    out_ << fmt::format("{} rule{}\n", n, n == 1 ? "" : "s");
}

void ReplSession::cmd_watch(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    for (auto [wb, we] : split_top(l.text, b, e, ' ')) {
        if (wb == we) continue;
        std::string what = l.text.substr(wb, we - wb);
        if (what == "facts") watcher_->facts = true;
        else if (what == "rules") watcher_->rules = true;
        else if (what == "activations") watcher_->activations = true;
        else if (what == "off") watcher_->facts = watcher_->rules = watcher_->activations = false;
        else {
            error(l, wb, we - wb, Code::ParseExpected,
                  fmt::format("expected facts, rules, activations or off, got '{}'", what));
            return;
        }
    }
    std::string on;
    if (watcher_->facts) on += " facts";
    if (watcher_->rules) on += " rules";
    if (watcher_->activations) on += " activations";
    out_ << "watching:" << (on.empty() ? " nothing" : on) << "\n";
}

void ReplSession::cmd_explain(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    auto id = rule_named(l, b, e);
    if (!id) return;
    const Rule* r = &program_->rules[*id];
    out_ << fmt::format("{} {} ({})\n", rule_kind_name(r->kind), r->name, location_text(sources_, r->span));
    if (!r->doc.empty()) out_ << "  " << r->doc << "\n";
    if (r->span.file != 0 && r->span.file < sources_.size()) {
        const SourceFile& f = sources_.file(r->span.file);
        if (r->span.offset + r->span.length <= f.text.size())
            out_ << f.text.substr(r->span.offset, r->span.length) << "\n";
    }
}

void ReplSession::cmd_stats(const Line&, std::size_t) {
    const World& w = current();
    EngineStats s = w.engine->stats();
    std::size_t templates = 0;
    for (const auto& t : program_->templates)
        if (!t.is_score) ++templates;
    out_ << fmt::format("rules:        {} in {} packs, {} templates\n", program_->rules.size(), program_->packs.size(),
                        templates)
         << fmt::format("given facts:  {}\n", w.given.size())
         << fmt::format("facts:        {} live, {} peak, {} asserted, {} retracted\n", s.live_facts, s.peak_facts,
                        s.facts_asserted, s.facts_retracted)
         << fmt::format("firings:      {}\n", s.firings)
         << fmt::format("activations:  {} created, {} waiting\n", s.activations_created, w.engine->agenda().size())
         << fmt::format("network:      {} nodes, {} tokens\n", s.rete_nodes, s.tokens);
}

}  // namespace covenant::cli
