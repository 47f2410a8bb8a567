// The state of one `covenant repl` session and the interpreter of its command lines. Kept apart from the terminal
// (cmd_repl.cpp does line editing, history, completion and signals) so that a session can be driven from a script,
// a test or another front end: execute() takes one line and writes everything it has to say to one ostream.
//
// State: the rule program (rebuilt by `load FILE.rules`), a working memory (a "world": an Engine plus the facts given
// to it), and while a what-if is active a second world — a scratch copy replaying the given facts with the changes.
// The given facts are the session's record: `save` writes them, a program reload and a what-if replay them. Only
// given facts can be retracted or modified, so that replaying the record always rebuilds the same working memory.
// The record is complete: a world is an engine into which exactly its given facts were asserted, in order — the
// facts blocks of the rule packs first (so they can be retracted and modified like any other given fact), then the
// shared fact files, then the case's own.
//
// Errors: a command that fails prints a located diagnostic (the line is registered as a source named `<repl:N>`) and
// leaves the state as it was.
//
// Files: session.cpp starts the session and dispatches lines; repl_commands.cpp holds the one command table (read by
// dispatch, `help` and completion); the commands live in repl_*.cpp, one file per group; session_internal.hpp has
// the inner types they share, repl_tokens.hpp the tokenizer, repl_domain.hpp what is specific to the shipped domain.
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
#include "check/check.hpp"
#include "classify/classify.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"
#include "syntax/ast.hpp"

namespace covenant::cli {

struct SessionOptions {
    bool color = false;     // ANSI colour in diagnostics and tables
    bool unicode = false;   // Unicode tree lines in `why`
    bool echo = false;      // print each command line ("> line") before its output: readable transcripts
    std::vector<std::string> rules_path;  // searched for `use` before the default rules/ directory
    bool default_facts = false;  // add the shipped threat catalogue when the program uses the core vocabulary and no
                                 // shared (non-case) fact file was named
    bool verbose = false;        // say on stderr what was loaded
};

// A fact given from outside (a case file, the prompt), as the session records it for replay.
struct GivenFact {
    InitialFact fact;
    bool shared = false;  // not the case's own: from a shared fact file (kb/threats.yaml) or a `facts` block of the
                          // rules; not written by `save`, inherited by a newly loaded case
    bool from_rules = false;  // from a `facts` block of the rule packs (then also shared): a program reload gives
                              // the new program's facts blocks, less the ones the user retracted or modified
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

    // Whether a completion candidate (for the word after `before`) is a whole word, which the terminal follows with a
    // blank: false for a template name in the arguments, which `(` follows.
    bool completion_ends_word(std::string_view before, std::string_view candidate) const;

    // Every command name, for completion and `help`.
    static std::vector<std::string> command_names();

    // True when the argument being typed after `before` (the line up to the word's start) is a file name (`load`,
    // `save`): the terminal completes those itself rather than asking complete().
    static bool completes_file_names(std::string_view before);

private:
    struct World;
    struct Line;
    struct Consultation;
    class Watcher;
    // Where the last `run` stopped at a breakpoint (repl_debug.cpp): the engine and the activation it stopped
    // before, which the next `run` fires.
    struct BreakStop {
        const Engine* engine = nullptr;
        RuleId rule = 0;
        std::vector<FactId> facts;
    };
    // A command handler: `args` is where the arguments start in the line (after the command word and blanks).
    using Handler = void (ReplSession::*)(const Line& l, std::size_t args);
    struct Command;
    // The one table of commands, in the order `help` lists them (repl_commands.cpp): help, completion and dispatch
    // all read it, so adding a command is adding a row there and its handler.
    static const std::vector<Command>& commands();
    static const Command* find_command(std::string_view name);

    World& current();
    const World& current() const;
    // A fresh engine over the program with the given facts asserted (nothing run yet). A quiet world writes
    // nothing: no `print` output and no trace (a copy that a command works on behind the scenes).
    std::unique_ptr<World> make_world(std::vector<GivenFact> given, bool quiet = false);
    // Runs the agenda to quiescence (for commands that show conclusions); returns the firings.
    std::uint64_t settle(World& world);
    // Where `use` looks for packs: --rules-path, then the default rules/ directories.
    LoadOptions load_options() const;

    // Prints a located diagnostic at [begin, begin + length) of the command line; returns false (for
    // `return error(...)`).
    bool error(const Line& line, std::size_t begin, std::size_t length, Code code, const std::string& message);
    // Prints every diagnostic of `sink` (with the error count), coloured as the session is.
    void report(const DiagnosticSink& sink);
    // [b, e) of the line as a source of its own for the parser, padded with blanks in front so that diagnostics
    // point at the columns of the typed line.
    const SourceFile& line_part(const Line& l, std::size_t b, std::size_t e);

    // The handlers, grouped by file: repl_commands.cpp help; repl_facts.cpp reset, facts, assert, retract, modify;
    // repl_run.cpp agenda, rules, watch, explain, stats; repl_debug.cpp run, step, break, unbreak, profile;
    // repl_explain.cpp why, why-not, what-if, diff; repl_cases.cpp classify, case, compare; repl_files.cpp load,
    // save; repl_consult.cpp consult.
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
    void cmd_save(const Line& l, std::size_t b);
    void cmd_report(const Line& l, std::size_t b);
    std::optional<std::string> output_path(const Line& l, std::size_t b, std::size_t e, const char* ext,
                                           const char* alt);
    void cmd_explain(const Line& l, std::size_t b);
    void cmd_stats(const Line& l, std::size_t b);
    void cmd_case(const Line& l, std::size_t b);
    void cmd_compare(const Line& l, std::size_t b);
    void cmd_step(const Line& l, std::size_t b);
    void cmd_break(const Line& l, std::size_t b);
    void cmd_unbreak(const Line& l, std::size_t b);
    void cmd_profile(const Line& l, std::size_t b);

    // The rule named at [b, e), or reports the unknown name with the closest one ("did you mean").
    std::optional<RuleId> rule_named(const Line& l, std::size_t b, std::size_t e);
    // An activation of the current world as `break` and `step` show it: "HEADING RULE (salience N)", then each
    // matched fact as `f-12  person(name: ann, ...)`, then the variables it binds.
    void show_activation(const Engine::Match& m, std::string_view heading);
    void print_run_errors(const RunResult& r);
    void list_breakpoints();
    // Attaches profile_ to every world's engine (on) or detaches it (off); make_world attaches new worlds while on.
    void set_profiling(bool on);

    // Completion candidates for the arguments of `command` (nullptr: not a known command); `line` is the text before
    // the word being typed and `args` where the arguments start in it.
    std::vector<std::string> argument_candidates(const Command* command, const std::string& line,
                                                 std::size_t args) const;

    // `consult` (repl_consult.cpp): a line typed during a consultation is an answer.
    void consult_answer(const Line& l);
    void consult_next();
    // Prints the question being asked with its answers; consult_follow_up makes the pending fact's next follow-up
    // the question and asks it.
    void consult_ask();
    void consult_follow_up();
    // After an answer was recorded: runs the current case to quiescence and shows the institution's type and scores.
    void consult_show();
    // The value the answer at [b, e) gives (the default when empty), or reports why it does not fit.
    std::optional<Value> answer_value(const Line& l, std::size_t b, std::size_t e);
    // Puts the answer into the given fact of the question's template about the institution, or into a new one.
    bool record_answer(const Line& l, std::size_t b, std::size_t e, const Value& value);
    // The new fact an answer makes: the institution, the answer, defaults elsewhere, and a placeholder in the
    // question's other required slots (to be asked); reports a required slot it cannot fill and returns nullopt.
    std::optional<InitialFact> answer_fact(const Line& l, std::size_t b, std::size_t e, const Value& value);
    // Gives a fact an interview made to the current case (asserted and recorded).
    void give_answer_fact(InitialFact f);

    // `load` (repl_files.cpp), by the kind of file at [b, e).
    void load_fact_file(const Line& l, std::size_t b, std::size_t e, const std::string& path);
    void load_rule_file(const Line& l, std::size_t b, std::size_t e, const std::string& path);
    // True when the only case is the placeholder `session` with no facts of its own (a loaded case replaces it).
    bool only_placeholder_case() const;
    // Where a fact file that `load` read goes: true for a new case (a case file of a case not loaded yet), false to
    // join the current case; reports a case file of another loaded case, or a new case during a what-if or a
    // consultation, and returns nullopt.
    std::optional<bool> load_target(const Line& l, std::size_t b, std::size_t e, const FactFile& file,
                                    const std::string& name);
    // Makes a new case of the given facts (the shared ones first, then `own` of them the file's) and the current one.
    void add_case(std::string name, std::vector<std::pair<std::string, std::string>> metadata,
                  std::vector<GivenFact> given, std::size_t own, const std::string& path);
    // Asserts into the current case the facts of `facts` it has not been given yet.
    void join_current(std::vector<InitialFact>& facts, const std::string& path);
    // The given facts of every case, moved onto the templates of `next` by template and slot name; reports the first
    // that no longer fits and returns nullopt.
    std::optional<std::vector<std::vector<GivenFact>>> replay_onto(const Program& next, const Line& l, std::size_t b,
                                                                   std::size_t e, std::size_t& replayed);

    // The case named at [b, e) (an index into cases_), or reports the unknown name with the closest one.
    std::optional<std::size_t> find_case(const Line& l, std::size_t b, std::size_t e);
    // The world a case is seen in: its scratch copy during a what-if on it, else its own.
    World& case_world(std::size_t index);
    // A case's results after running it to quiescence, named as `covenant classify` names them.
    // With `derivations`, each conclusion's derivation as DOT too (the report page draws them).
    CaseResult case_result(std::size_t index, bool derivations = false);
    // `compare`'s two parts below the side-by-side table: the given facts and the reasons only one case has.
    void compare_given(std::size_t first, std::size_t second, const std::string& na, const std::string& nb);
    void compare_reasons(const CaseResult& ra, const CaseResult& rb);

    // `diff` for one institution present before and after the what-if: prints each change, returns how many.
    std::size_t diff_institution(const std::string& name, const InstitutionResult& x, const InstitutionResult& y);

    // Resolves `f-12`, `12` or a pattern to live facts of `world`. Prints a diagnostic and returns nullopt on failure.
    std::optional<std::vector<FactId>> resolve_facts(const Line& l, std::size_t b, std::size_t e, const World& world);
    // Parses l.text[b, e) as a pattern over a known template; prints the diagnostic and returns nothing otherwise.
    std::optional<ast::Pattern> pattern_in(const Line& l, std::size_t b, std::size_t e);
    // The index in world.given of the live fact `id`, or reports why it cannot be changed.
    std::optional<std::size_t> given_index(const Line& l, std::size_t b, std::size_t e, const World& world, FactId id);
    // Parses `assert FACT` / `retract REF` / `modify REF (slot: value, ...)` at [b, e) into an edit of `given`.
    bool edit_given(const Line& l, std::size_t b, std::size_t e, const World& world, std::vector<GivenFact>& given);
    // edit_given's `assert FACT`, the fact at [b, e).
    bool assert_given(const Line& l, std::size_t b, std::size_t e, std::vector<GivenFact>& given);
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
        // The header value of `key` ("" when the file had none).
        std::string header(std::string_view key) const;
    };
    std::vector<Case> cases_;
    std::size_t current_case_ = 0;
    std::unique_ptr<World>& base() { return cases_[current_case_].world; }
    std::vector<std::pair<std::string, std::string>>& case_metadata() { return cases_[current_case_].metadata; }
    std::unique_ptr<World> scratch_;  // the what-if copy of the current case, when one is active
    std::unique_ptr<Watcher> watcher_;
    std::unique_ptr<Consultation> consultation_;
    std::vector<std::string> breakpoints_;  // rule names, in the order set
    std::optional<BreakStop> stopped_at_;
    // `profile`: what every world's engine adds to while profiling is on (not the quiet copies that commands make
    // behind the scenes); cleared when the program is rebuilt, whose rules it counts by id.
    Profile profile_;
    bool profiling_ = false;
    const volatile bool* interrupt_ = nullptr;
    std::uint32_t line_number_ = 0;
};

}  // namespace covenant::cli
