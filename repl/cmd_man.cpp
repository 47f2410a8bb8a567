// covenant man: the manual page covenant(1) in roff, written from the same CLI11 definitions that --help prints, so
// the two never disagree. The build writes it (CMakeLists.txt, covenant_man) and `cmake --install` installs it; the
// command is hidden from --help because it is a build step, not a user's task (`man covenant` is).
#include <iostream>
#include <sstream>
#include <string>

#include "commands.hpp"

#ifndef COVENANT_VERSION
#define COVENANT_VERSION "unknown"
#endif

namespace covenant::cli {

namespace {

// roff text: a backslash is \e, a hyphen \- (so that options can be searched and copied), and a line that would
// start with a control character (. or ') is protected with \&.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
        line_start = c == '\n';
    }
    return out;
}

void options_of(const CLI::App& cmd, std::ostringstream& out) {
    for (const CLI::Option* opt : cmd.get_options()) {
        if (opt->get_name() == "--help") continue;
        bool positional = opt->get_positional();
        std::string name = positional ? opt->get_name(true) : opt->get_name(false, true);
        std::string type = opt->get_type_name();
        out << ".TP\n.B " << roff(name);
        if (!type.empty() && !positional && opt->get_expected_max() != 0) out << " \\fI" << roff(type) << "\\fR";
        out << "\n" << roff(opt->get_description()) << "\n";
    }
}

}  // namespace

CLI::App* add_man_command(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("man", "Print the manual page covenant(1) in roff (a build step)");
    cmd->group("");  // hidden from --help
    return cmd;
}

int run_man(CLI::App& app) {
    std::ostringstream out;
    out << ".TH COVENANT 1 \"\" \"covenant " << COVENANT_VERSION << "\" \"User Commands\"\n"
        << ".SH NAME\ncovenant \\- a rule-based expert system for analysing international security institutions\n"
        << ".SH SYNOPSIS\n.B covenant\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIFILES\\fR]\n"
        << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n";
    out << ".SH COMMANDS\n";
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        if (sub->get_group().empty()) continue;  // hidden (this command)
        out << ".SS " << roff(sub->get_name()) << "\n" << roff(sub->get_description()) << "\n";
        options_of(*sub, out);
    }
    out << ".SH ENVIRONMENT\n"
        << ".TP\n.B COVENANT_PATH\n"
        << roff("Directories (separated by ':') searched for the packs named by `use`, before the shipped rules.\n")
        << ".TP\n.B NO_COLOR\n" << roff("When set and not empty, diagnostics are never coloured.\n")
        << ".SH FILES\n.TP\n.I share/covenant/rules\n"
        << roff("The shipped rule packs (rules/core is the default of the domain commands), beside the installed "
                "binary's prefix.\n")
        << ".TP\n.I share/covenant/kb\n"
        << roff("The shipped case files and threat catalogue (kb/threats.yaml: the default shared facts whenever the "
                "loaded rules use core.vocabulary).\n")
        << ".SH EXIT STATUS\n"
        << roff("0 success; 1 an error in a rule file, fact file or run (reported as diagnostics), or a failed "
                "expectation; 2 a wrong command line; 3 a run stopped by --max-firings or --timeout.\n")
        << ".SH SEE ALSO\n"
        << roff("The manuals installed in share/doc/covenant: cli.md, language.md, repl.md, kb.md, python.md.\n");
    std::cout << out.str();
    return kExitOk;
}

}  // namespace covenant::cli
