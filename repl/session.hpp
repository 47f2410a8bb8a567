// The state of one `covenant repl` session and the interpreter of its command lines. Kept apart from the terminal
// (cmd_repl.cpp does line editing, history, completion and signals) so that a session can be driven from a script,
// a test or another front end: execute() takes one line and writes everything it has to say to one ostream.
//
// State: the rule program (rebuilt by `load FILE.rules`), a working memory (a "world": an Engine plus the facts given
// to it), and while a what-if is active a second world — a scratch copy replaying the given facts with the changes.
// The given facts are the session's record: `save` writes them, a program reload and a what-if replay them. Only
// given facts can be retracted or modified, so that replaying the record always rebuilds the same working memory.
//
// Errors: a command that fails prints a located diagnostic (the line is registered as a source named `<repl:N>`) and
// leaves the state as it was.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "classify/classify.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"
#include "syntax/ast.hpp"

namespace covenant::cli {

struct SessionOptions {
    bool color = false;     // ANSI colour in diagnostics and tables
    bool unicode = false;   // Unicode tree lines in `why`
    bool echo = false;      // print each command line ("> line") before its output: readable transcripts
    std::vector<std::string> rules_path;  // searched for `use` before the default rules/ directory
};

// A fact given from outside (a case file, the prompt), as the session records it for replay.
struct GivenFact {
    InitialFact fact;
    bool shared = false;  // from a shared fact file (kb/threats.yaml): not written by `save`
};

class ReplSession {
public:
    ReplSession(std::ostream& out, SessionOptions options);
    ~ReplSession();
    ReplSession(const ReplSession&) = delete;
    ReplSession& operator=(const ReplSession&) = delete;

    // Loads the rule files, then the shared fact files and the case files (asserted in that order, as `covenant
    // classify` does). Prints diagnostics; returns false when anything failed to load (then the session must not be
    // used).
    bool start(const std::vector<std::string>& rule_files, const std::vector<std::string>& shared_fact_files,
               const std::vector<std::string>& case_files);

    enum class Status { Continue, Quit };
    // Executes one command line (blank lines and lines starting with '#' do nothing).
    Status execute(std::string_view line);

    // The prompt for the next line: "covenant> ", "what-if> " or an answer prompt during `consult`.
    std::string prompt() const;

    // Ctrl-C: the flag is polled by `run` between firings. The caller clears it before each command.
    void set_interrupt(const volatile bool* flag) { interrupt_ = flag; }

    // Completion candidates for the word being typed: `before` is the line up to the start of that word.
    std::vector<std::string> complete(std::string_view before, std::string_view word) const;

    // Every command name, for completion and `help`.
    static std::vector<std::string> command_names();

private:
    struct World;
    struct Line;
    struct Consultation;
    class Watcher;

    World& current();
    const World& current() const;
    // A fresh engine over the program with the given facts asserted (nothing run yet).
    std::unique_ptr<World> make_world(std::vector<GivenFact> given);
    // Runs the agenda to quiescence (for commands that show conclusions); returns the firings.
    std::uint64_t settle(World& world);

    // Prints a located diagnostic at [begin, begin + length) of the command line; returns false (for `return error(...)`).
    bool error(const Line& line, std::size_t begin, std::size_t length, Code code, const std::string& message);

    void cmd_help(const Line& l, std::size_t b);
    void cmd_load(const Line& l, std::size_t b);
    void cmd_reset(const Line& l, std::size_t b);
    void cmd_facts(const Line& l, std::size_t b);
    void cmd_assert(const Line& l, std::size_t b);
    void cmd_retract(const Line& l, std::size_t b);
    void cmd_modify(const Line& l, std::size_t b);
    void cmd_run(const Line& l, std::size_t b);
    void cmd_agenda(const Line& l, std::size_t b);
    void cmd_rules(const Line& l, std::size_t b);
    void cmd_watch(const Line& l, std::size_t b);
    void cmd_classify(const Line& l, std::size_t b);
    void cmd_why(const Line& l, std::size_t b);
    void cmd_why_not(const Line& l, std::size_t b);
    void cmd_what_if(const Line& l, std::size_t b);
    void cmd_diff(const Line& l, std::size_t b);
    void cmd_consult(const Line& l, std::size_t b);
    void consult_answer(const Line& l);
    void consult_next();
    void cmd_save(const Line& l, std::size_t b);
    void cmd_explain(const Line& l, std::size_t b);
    void cmd_stats(const Line& l, std::size_t b);
    void cmd_case(const Line& l, std::size_t b);
    void cmd_compare(const Line& l, std::size_t b);
    // The case named `name` (an index into cases_), or reports the unknown name with the closest one.
    std::optional<std::size_t> find_case(const Line& l, std::size_t b, std::size_t e);
    // A case's results after running it to quiescence, named as `covenant classify` names them.
    CaseResult case_result(std::size_t index);

    // Resolves `f-12`, `12` or a pattern to live facts of `world`. Prints a diagnostic and returns nullopt on failure.
    std::optional<std::vector<FactId>> resolve_facts(const Line& l, std::size_t b, std::size_t e, const World& world);
    // Parses l.text[b, e) as a pattern over a known template; prints the diagnostic and returns nothing otherwise.
    std::optional<ast::Pattern> pattern_in(const Line& l, std::size_t b, std::size_t e);
    // The index in world.given of the live fact `id`, or reports why it cannot be changed.
    std::optional<std::size_t> given_index(const Line& l, std::size_t b, std::size_t e, const World& world, FactId id);
    // Parses `assert FACT` / `retract REF` / `modify REF (slot: value, ...)` at [b, e) into an edit of `given`.
    bool edit_given(const Line& l, std::size_t b, std::size_t e, const World& world, std::vector<GivenFact>& given);
    bool parse_changes(const Line& l, std::size_t b, std::size_t e, TemplateId tmpl,
                       std::vector<std::pair<SlotIndex, Value>>& changes);

    std::ostream& out_;
    SessionOptions options_;
    SourceManager sources_;
    std::vector<std::string> rule_files_;
    std::unique_ptr<Program> program_;
    // Every case is its own world (cases never mix): one per case file, each with the shared facts and its own, its
    // own name and header. Commands act on the current case; `case NAME` switches, `compare A B` sets two side by side.
    struct Case {
        std::string name;                                          // `case:` of its file, else the file's stem
        std::vector<std::pair<std::string, std::string>> metadata; // case, as_of and title, written back by `save`
        std::unique_ptr<World> world;
    };
    std::vector<Case> cases_;
    std::size_t current_case_ = 0;
    std::unique_ptr<World>& base() { return cases_[current_case_].world; }
    std::vector<std::pair<std::string, std::string>>& case_metadata() { return cases_[current_case_].metadata; }
    std::unique_ptr<World> scratch_;  // the what-if copy of the current case, when one is active
    std::unique_ptr<Watcher> watcher_;
    std::unique_ptr<Consultation> consultation_;
    const volatile bool* interrupt_ = nullptr;
    std::uint32_t line_number_ = 0;
};

}  // namespace covenant::cli
