// The parts of ReplSession that its command files (session.cpp, repl_*.cpp) share and nothing else sees: the
// session's inner types, the command table's row type, and small helpers for messages.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "classify/consult.hpp"
#include "kb/fact_file.hpp"
#include "repl_tokens.hpp"
#include "session.hpp"

namespace covenant::cli {

// One working memory: the engine and the facts given to it, in the order they were given (the replay record).
struct ReplSession::World {
    std::unique_ptr<Engine> engine;
    std::vector<GivenFact> given;
    std::vector<std::string> changes;  // what-if scratch copies: the changes, as typed
};

// One command line, registered as the source `<repl:N>` so that diagnostics can point into it.
struct ReplSession::Line {
    std::string text;
    FileId file = 0;
};

// An interview in progress (`consult INSTITUTION`): lines are answers until `done` or no question is left.
struct ReplSession::Consultation {
    std::string institution;
    std::vector<std::pair<TemplateId, SlotIndex>> skipped;  // answered `unknown`
    std::optional<Question> question;                       // the one being asked
    std::size_t answered = 0;
    // A new fact being completed: its first question was answered, but the fact also needs other required slots
    // (Question::other_required). Each is asked as a follow-up (then `question` is the follow-up); the fact is given
    // once the last is answered, and dropped if one is answered `unknown` or the interview ends.
    struct Pending {
        Question first;     // the question that started the fact
        InitialFact fact;   // its values so far (the slots still to ask hold a placeholder)
        std::size_t next = 0;  // index into first.other_required of the follow-up being asked
    };
    std::optional<Pending> pending;
};

// `watch`: a CLIPS-like trace (the same lines as `covenant run --watch`) written to the session's output
// (repl_run.cpp).
class ReplSession::Watcher final : public TraceListener {
public:
    explicit Watcher(ReplSession& s) : s_(s) {}
    bool facts = false, rules = false, activations = false;

    void on_assert(const FactView& f) override;
    void on_retract(const FactView& f) override;
    void on_activation(RuleId rule, std::span<const FactId> ids, bool added) override;
    void on_fire(std::uint64_t firing, RuleId rule, std::span<const FactId> ids) override;
    // "f-1,f-7": the facts an activation matched.
    static std::string id_list(std::span<const FactId> ids);

private:
    ReplSession& s_;
};

// What tab completion offers for a command's arguments (ReplSession::complete).
enum class ArgCompletion {
    Commands,      // command names (help)
    Words,         // only the row's words (watch)
    Rules,         // rule names (explain, rules)
    Cases,         // loaded case names (case, compare)
    Institutions,  // the institutions in working memory (classify, consult; repl_domain.hpp)
    Files,         // file names: the terminal completes them itself (load, save); complete() answers as for Facts
    Templates,     // slot names inside `template(`, else the row's words and template names (assert, facts)
    Facts,         // as Templates, and live fact ids too (the others, and any line that is not a command)
};

// A row of the command table (ReplSession::commands()).
struct ReplSession::Command {
    const char* name;
    const char* synopsis;      // the command and its arguments, as `help` shows them
    const char* text;          // what it does; the first sentence is its line in `help`
    const char* example;       // shown by `help COMMAND`; lines separated by '\n'; works in the README's session
    ArgCompletion completion;  // what tab completion offers for its arguments
    const char* words;         // keywords completion also offers, separated by blanks ("" for none)
    Handler handler;           // nullptr: the command leaves the session (quit, exit)
};

// A run that brings conclusions up to date before they are shown; large enough for any shipped case.
constexpr std::uint64_t kSettleFirings = 1'000'000;

// "; did you mean 'x'?" for a non-empty closest match, "" otherwise: the tail of the "unknown ..." messages.
std::string did_you_mean(const std::string& hint);

// "unknown template 'x'; did you mean 'y'?"
std::string unknown_template_message(const Program& p, const std::string& name);

// "template 't' has no slot 'x'; did you mean 'y'?"
std::string unknown_slot_message(const TemplateDef& t, const std::string& slot);

// The facts blocks of the program's rule packs as given facts (shared, from_rules), in program order, once each.
std::vector<GivenFact> rules_facts(const Program& program);

// What a case file says about its case: its name (`case:`, else the file's stem, and where `case:` is written) and
// the header keys that `save` writes back (case, as_of, title, the scalar ones present).
struct CaseHeader {
    std::string name;
    SourceSpan name_span;  // empty when the name is the file's stem
    std::vector<std::pair<std::string, std::string>> metadata;
};
CaseHeader case_header(const FactFile& file, const std::string& path);

}  // namespace covenant::cli
