// covenant repl [--rules DIR|FILE...] [--facts FILE...] [CASE.yaml...] [--no-color] [--echo]
//
// The terminal side of the interactive session (repl/session.hpp holds the state and the commands): line editing,
// persistent history (~/.covenant_history) and tab completion through libedit's readline interface when standard
// input is a terminal; plain line-by-line reading without prompts otherwise, so that `covenant repl < script` runs
// a scripted session (the transcript tests do). Ctrl-C stops a running `run` between firings and, at the prompt,
// cancels the line being typed (the session goes on); Ctrl-D leaves.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <editline/readline.h>

#include "classify/packs.hpp"
#include "commands_domain.hpp"
#include "domain_common.hpp"
#include "session.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

namespace {

// Polled by the engine between firings. Set by SIGINT; cleared before each command.
volatile bool g_interrupted = false;

void on_sigint(int) { g_interrupted = true; }

// The session completion asks (libedit calls a plain function).
ReplSession* g_session = nullptr;

// libedit calls this repeatedly with state 0, 1, 2, ... until it returns nullptr; each result is malloc'ed.
char* completion_generator(const char* text, int state) {
    static std::vector<std::string> matches;
    static std::size_t next = 0;
    if (state == 0) {
        std::string before(rl_line_buffer, static_cast<std::size_t>(std::max(0, rl_point)));
        before.resize(before.size() - std::min(before.size(), std::strlen(text)));
        matches = g_session->complete(before, text);
        next = 0;
    }
    if (next >= matches.size()) return nullptr;
    return strdup(matches[next++].c_str());
}

char** attempt_completion(const char* text, int start, int /*end*/) {
    std::string before(rl_line_buffer, static_cast<std::size_t>(std::max(0, start)));
    rl_completion_append_character = ' ';
    // File names (the arguments of load and save): libedit's own filename completion.
    if (ReplSession::completes_file_names(before)) return nullptr;
    rl_attempted_completion_over = 1;
    // A template name is followed by `(`, not a blank: a space after it would keep the next Tab from completing
    // slot names (and `facts institution` works as well without one).
    for (const auto& match : g_session->complete(before, text))
        if (!g_session->completion_ends_word(before, match)) rl_completion_append_character = '\0';
    return rl_completion_matches(text, completion_generator);
}

std::string history_path() {
    const char* home = std::getenv("HOME");
    return home && *home ? (fs::path(home) / ".covenant_history").string() : std::string();
}

}  // namespace

CLI::App* add_repl_command(CLI::App& app, ReplCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "repl",
        "An interactive session: load rules and cases, assert and retract facts, run, classify, and ask why,\n"
        "why-not and what-if. Type `help` inside. Reads a script from standard input when it is not a terminal.");
    cmd->add_option("CASE", o.cases, "Case files (YAML) asserted at the start")->type_name("CASE.yaml");
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, &o.verbose, "asserted first");
    cmd->add_flag("--no-color", o.no_color, "Plain ASCII output without colour, even on a terminal");
    cmd->add_flag("--echo", o.echo, "Print each command before its output (for readable transcripts)");
    return cmd;
}

int run_repl(const ReplCommandOptions& o) {
    std::string problem;
    auto rules = rule_files_of(o.rules, problem);
    if (!rules) {
        std::cerr << "covenant: " << problem << "\n";
        return kExitInputError;
    }
    const std::vector<std::string>& shared = o.facts;
    bool interactive = ::isatty(STDIN_FILENO) == 1;
    bool terminal_out = ::isatty(STDOUT_FILENO) == 1;
    const char* no_color_env = std::getenv("NO_COLOR");
    SessionOptions options;
    // A script (stdin not a terminal) gets plain output even when it is shown on a terminal.
    options.color = interactive && terminal_out && !o.no_color && !(no_color_env && *no_color_env);
    options.unicode = interactive && terminal_out && !o.no_color;
    options.echo = o.echo;
    options.default_facts = !o.no_default_facts;  // unless a shared file is among --facts (ReplSession::start)
    options.verbose = o.verbose;
    ReplSession session(std::cout, options);
    if (!session.start(*rules, shared, o.cases)) return kExitInputError;
    session.set_interrupt(&g_interrupted);

    // SA_RESTART: a Ctrl-C while reading a line does not end the read (libedit redraws); during `run` the engine
    // sees the flag at the next firing boundary.
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    struct sigaction previous {};
    sigaction(SIGINT, &action, &previous);

    if (!interactive) {
        std::string line;
        while (std::getline(std::cin, line)) {
            g_interrupted = false;
            if (session.execute(line) == ReplSession::Status::Quit) break;
        }
        std::cout.flush();
        sigaction(SIGINT, &previous, nullptr);
        return kExitOk;
    }

    g_session = &session;
    rl_readline_name = const_cast<char*>("covenant");
    rl_attempted_completion_function = attempt_completion;
    using_history();
    stifle_history(1000);
    std::string history = history_path();
    if (!history.empty()) read_history(history.c_str());
    std::cout << "Covenant interactive session. `help` lists the commands; Ctrl-D leaves.\n";
    while (true) {
        g_interrupted = false;
        std::string prompt = session.prompt();
        char* raw = readline(prompt.c_str());
        if (!raw && g_interrupted) {
            // Ctrl-C at the prompt: libedit's read is interrupted and readline returns nullptr, as for Ctrl-D. As in
            // a shell, it cancels the line being typed and the session goes on (a what-if or consultation too).
            std::cout << "^C\n";
            continue;
        }
        if (!raw) {  // Ctrl-D
            std::cout << "\n";
            break;
        }
        std::string line(raw);
        std::free(raw);
        if (line.find_first_not_of(" \t") != std::string::npos) {
            add_history(line.c_str());
            if (!history.empty()) write_history(history.c_str());
        }
        if (session.execute(line) == ReplSession::Status::Quit) break;
        if (g_interrupted) std::cout << "interrupted\n";
    }
    g_session = nullptr;
    sigaction(SIGINT, &previous, nullptr);
    return kExitOk;
}

}  // namespace covenant::cli
