// The command table and what reads it besides the dispatch (session.cpp): `help` and tab completion.
#include <algorithm>

#include <fmt/format.h>

#include "repl_domain.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

const std::vector<ReplSession::Command>& ReplSession::commands() {
    using C = ArgCompletion;
    using S = ReplSession;
    // Every example (all its lines) must work in `covenant repl kb/cases/sco-2025.yaml` with the default rules, the
    // session the README starts: tests/transcripts/help_examples.sh runs each in a fresh one.
    static const std::vector<Command> table = {
        {"help", "help [COMMAND]", "List the commands, or explain one with an example.", "help why",
         C::Commands, "", &S::cmd_help},
        {"load", "load FILE", "Load a rule file (.rules: the program is rebuilt with it and the given facts are\n"
                              "replayed) or a fact file (.yaml). A case file becomes a case of its own, in its own\n"
                              "world, and the current case; other fact files join the current case.",
         "load kb/cases/nato-2024.yaml", C::Files, "", &S::cmd_load},
        {"case", "case [NAME]", "List the loaded cases (each is its own world: their facts never match each other's),\n"
                                "or make NAME the current case, the one the other commands look at.",
         "load kb/cases/nato-2024.yaml\ncase sco-2025", C::Cases, "", &S::cmd_case},
        {"compare", "compare A B", "Two cases side by side: type, scores and strains of each institution, then the\n"
                                   "given facts and the reasons (rule, weight, text) that only one of them has.",
         "load kb/cases/nato-2024.yaml\ncompare sco-2025 nato-2024", C::Cases, "", &S::cmd_compare},
        {"reset", "reset", "Clear working memory and assert the given facts again; rules fire anew at the next `run`.",
         "reset", C::Facts, "", &S::cmd_reset},
        {"facts", "facts [TEMPLATE|PATTERN]",
         "List the live facts (of one template, or matching a pattern), with their ids.",
         "facts conflict(institution: sco, start: >= 2020)", C::Templates, "", &S::cmd_facts},
        {"assert", "assert FACT", "Give a fact: template(slot: value, ...); slots left out take their defaults.",
         "assert mandate(institution: sco, kind: maritime)", C::Templates, "", &S::cmd_assert},
        {"retract", "retract ID|PATTERN", "Take back given facts: by id (f-12 or 12) or every fact matching a pattern.",
         "retract mandate(institution: sco, kind: cyber)", C::Facts, "", &S::cmd_retract},
        {"modify", "modify ID|PATTERN (slot: value, ...)", "Change slots of one given fact (it gets a new id).",
         "modify institution(id: sco) (enforcement: sanctions)", C::Facts, "", &S::cmd_modify},
        {"run", "run [N]",
         "Fire activations until the agenda is empty (or N firings, or a breakpoint). Ctrl-C stops it between\n"
         "firings.",
         "run 10", C::Facts, "", &S::cmd_run},
        {"agenda", "agenda", "The activations waiting to fire, in firing order (salience, rule, facts).", "agenda",
         C::Facts, "", &S::cmd_agenda},
        {"step", "step", "Fire the next activation only, showing it first. It shows the rule, its salience, the\n"
                         "facts it matched and its variables, as a breakpoint does.",
         "step", C::Facts, "", &S::cmd_step},
        {"break", "break [RULE...]", "Stop `run` before each activation of RULE. The stop shows the activation;\n"
                                     "`run` then fires it and goes on, `step` fires only it. No argument lists the\n"
                                     "breakpoints.",
         "break paralysis_events\nrun\nagenda\nstep", C::Rules, "", &S::cmd_break},
        {"unbreak", "unbreak RULE...|all", "Remove breakpoints (`all`: every one).",
         "break paralysis_events\nunbreak all", C::Rules, "all", &S::cmd_unbreak},
        {"profile", "profile on|off|show|reset", "Profile the rules: firings, activations, partial matches, time. While\n"
                                                 "on, they are counted per rule; `show [--no-times] [--json]` prints\n"
                                                 "them, most costly first; `reset` clears them.",
         "profile on\nclassify sco\nprofile show", C::Words, "on off show reset --no-times --json",
         &S::cmd_profile},
        {"rules", "rules [TEXT]", "List the rules (whose name contains TEXT) with kind and location.", "rules strain",
         C::Rules, "", &S::cmd_rules},
        {"watch", "watch facts|rules|activations|off", "Trace facts entering and leaving working memory, firings, or\n"
                                                       "activations; `off` stops every trace; no argument shows them.",
         "watch rules", C::Words, "facts rules activations off", &S::cmd_watch},
        {"classify", "classify [INSTITUTION]",
         "Run to quiescence and show each case's institutions: type, scores,\n"
         "strains and the evidence behind them (as `covenant classify --explain`).",
         "classify sco", C::Institutions, "", &S::cmd_classify},
        {"why", "why ID|PATTERN|score PRED(ARGS) [--depth N] [--format text|json|dot]",
         "The derivation tree of a fact or a score: the rules that concluded it from which facts, down to the\n"
         "given facts and where they were written.",
         "why architecture(institution: sco)", C::Facts, "score", &S::cmd_why},
        {"why-not", "why-not PATTERN", "For a conclusion that was not reached: each rule that could conclude it and\n"
                                       "the first condition that failed.",
         "why-not architecture(institution: sco, type: community)", C::Facts, "", &S::cmd_why_not},
        {"what-if", "what-if CHANGE; CHANGE... | what-if off | what-if keep",
         "Try changes (assert FACT, retract REF, modify REF (slot: value)) on a scratch copy of the session;\n"
         "the other commands then look at the copy. `diff` compares it with the original; `off` discards it,\n"
         "`keep` adopts it.",
         "what-if modify institution(id: sco) (decision_rule: majority)",
         C::Facts, "off keep assert retract modify", &S::cmd_what_if},
        {"diff", "diff", "What the what-if changed: given facts, types, scores, strains and other conclusions.",
         "what-if modify institution(id: sco) (decision_rule: majority)\ndiff", C::Facts, "", &S::cmd_diff},
        {"consult", "consult INSTITUTION",
         "An interview for the facts the rules use and the case lacks, most decisive\n"
         "first. Answer with a value, press Enter for the default, or say `unknown`,\n"
         "`why` or `done`.",
         "consult sco", C::Institutions, "", &S::cmd_consult},
        {"save", "save FILE.yaml", "Write the session's given facts as a case file that `covenant classify` reads.",
         "save /tmp/sco-changed.yaml", C::Files, "", &S::cmd_save},
        {"report", "report FILE.html", "Write the session's cases (during a what-if, the changed copy of the current\n"
                                       "case) as the HTML page of `covenant report`: table, heat map, scatter and\n"
                                       "per case its scores, strains and derivation graphs (docs/report.md).",
         "report /tmp/session.html", C::Files, "", &S::cmd_report},
        {"explain", "explain RULE", "A rule's text, kind, doc string and where it is defined.",
         "explain paralysis_events", C::Rules, "", &S::cmd_explain},
        {"stats", "stats", "Counts: rules, templates, facts, firings, activations, network size.", "stats",
         C::Facts, "", &S::cmd_stats},
        {"quit", "quit", "Leave the session (also `exit` or Ctrl-D).", "quit", C::Facts, "", nullptr},
        {"exit", "exit", "Leave the session (also `quit` or Ctrl-D).", "exit", C::Facts, "", nullptr},
    };
    return table;
}

const ReplSession::Command* ReplSession::find_command(std::string_view name) {
    for (const auto& c : commands())
        if (name == c.name) return &c;
    return nullptr;
}

std::vector<std::string> ReplSession::command_names() {
    std::vector<std::string> names;
    for (const auto& c : commands()) names.emplace_back(c.name);
    return names;
}

bool ReplSession::completes_file_names(std::string_view before) {
    const Command* c = find_command(first_word(before));
    return c && c->completion == ArgCompletion::Files;
}

void ReplSession::cmd_help(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        out_ << "Commands (`help COMMAND` explains one with an example):\n";
        // Each command with the first sentence of its help; a long synopsis gets a line of its own.
        constexpr std::size_t kColumn = 36;
        for (const auto& c : commands()) {
            std::string text(c.text);
            std::replace(text.begin(), text.end(), '\n', ' ');
            std::size_t stop = text.find(". ");
            std::string first = text.substr(0, stop == std::string::npos ? text.size() : stop + 1);
            std::string synopsis(c.synopsis);
            if (synopsis.size() > kColumn)
                out_ << "  " << synopsis << "\n" << std::string(kColumn + 3, ' ') << first << "\n";
            else
                out_ << fmt::format("  {:<{}} {}\n", synopsis, kColumn, first);
        }
        return;
    }
    std::string name = l.text.substr(b, e - b);
    const Command* c = find_command(name);
    if (!c) {
        error(l, b, e - b, Code::ParseExpected,
              fmt::format("no command '{}'{}", name, did_you_mean(closest_match(name, command_names()))));
        return;
    }
    // An example of several lines (`what-if` then `diff`) is indented line by line.
    std::string example;
    for (char ch : std::string_view(c->example)) example += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
    out_ << c->synopsis << "\n" << c->text << "\nExample:\n  " << example << "\n";
}

std::vector<std::string> ReplSession::complete(std::string_view before, std::string_view word) const {
    std::vector<std::string> candidates;
    std::string line(before);
    std::size_t b = skip_space(line, 0);
    std::size_t e = word_end(line, b);
    if (consultation_) {
        if (consultation_->question)
            for (const auto& a : consultation_->question->answers) candidates.push_back(to_display(a));
        for (const char* w : {"unknown", "why", "done"}) candidates.emplace_back(w);
    } else if (b == line.size()) {
        candidates = command_names();
    } else {
        candidates = argument_candidates(find_command(line.substr(b, e - b)), line, e);
    }
    std::vector<std::string> out;
    for (auto& c : candidates)
        if (c.compare(0, word.size(), word) == 0) out.push_back(std::move(c));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool ReplSession::completion_ends_word(std::string_view before, std::string_view candidate) const {
    if (consultation_ || skip_space(before, 0) == before.size()) return true;  // an answer, a command word
    const TemplateDef* t = program_->find_template(std::string(candidate));
    return !t || t->is_score;
}

std::vector<std::string> ReplSession::argument_candidates(const Command* command, const std::string& line,
                                                          std::size_t args) const {
    std::vector<std::string> candidates;
    std::string_view words = command ? command->words : "";
    for (std::size_t i = skip_space(words, 0); i < words.size(); i = skip_space(words, word_end(words, i)))
        candidates.emplace_back(words.substr(i, word_end(words, i) - i));
    switch (command ? command->completion : ArgCompletion::Facts) {
        case ArgCompletion::Commands: return command_names();
        case ArgCompletion::Words: return candidates;
        case ArgCompletion::Rules:
            for (const auto& r : program_->rules) candidates.push_back(r.name);
            return candidates;
        case ArgCompletion::Cases:
            for (const auto& c : cases_) candidates.push_back(c.name);
            return candidates;
        case ArgCompletion::Institutions: return subject_ids(*program_, *current().engine);
        case ArgCompletion::Files:  // the terminal completes file names itself and does not ask (as before: Facts)
        case ArgCompletion::Templates:
        case ArgCompletion::Facts: break;
    }
    // Inside an open parenthesis: slot names of the template before it; otherwise templates and fact ids.
    if (std::size_t open = unclosed_paren(line, args, line.size()); open != std::string::npos) {
        std::size_t ne = trim_end(line, args, open);  // `institution (` too
        std::size_t nb = identifier_start(line, ne);
        std::vector<std::string> slots;
        if (const TemplateDef* t = program_->find_template(line.substr(nb, ne - nb)))
            for (const auto& s : t->slots) slots.push_back(s.name + ":");
        return slots;
    }
    for (const auto& t : program_->templates)
        if (!t.is_score) candidates.push_back(t.name);
    if (command == nullptr || command->completion != ArgCompletion::Templates)
        for (FactId id : current().engine->facts()) candidates.push_back(fmt::format("f-{}", id));
    return candidates;
}

}  // namespace covenant::cli
