// covenant: the command-line front end. Subcommands live in cmd_*.cpp; this file only wires CLI11 and maps its
// errors to exit code 2 (usage).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "commands_domain.hpp"

#ifndef COVENANT_VERSION
#define COVENANT_VERSION "unknown"
#endif

int main(int argc, char** argv) {
    using namespace covenant::cli;
    CLI::App app{"Covenant: a rule-based expert system for analysing international security institutions.\n"
                 "Run `covenant COMMAND --help` for the options of a command.",
                 "covenant"};
    app.set_version_flag("--version", std::string("covenant ") + COVENANT_VERSION);
    app.require_subcommand(1, 1);
    app.fallthrough(false);

    CheckOptions check_options;
    CLI::App* check = add_check_command(app, check_options);
    RunOptions run_options;
    CLI::App* run = add_run_command(app, run_options);
    ClassifyCommandOptions classify_options;
    CLI::App* classify = add_classify_command(app, classify_options);
    TrendCommandOptions trend_options;
    CLI::App* trend = add_trend_command(app, trend_options);
    ReportCommandOptions report_options;
    CLI::App* report = add_report_command(app, report_options);
    TestCommandOptions test_options;
    CLI::App* test = add_test_command(app, test_options);
    ExplainCommandOptions explain_options;
    CLI::App* explain = add_explain_command(app, explain_options);
    ReplCommandOptions repl_options;
    CLI::App* repl = add_repl_command(app, repl_options);
    DocOptions doc_options;
    CLI::App* doc = add_doc_command(app, doc_options);
    FmtOptions fmt_options;
    CLI::App* fmt_command = add_fmt_command(app, fmt_options);
    LspOptions lsp_options;
    CLI::App* lsp = add_lsp_command(app, lsp_options);
    CLI::App* man = add_man_command(app);

    // CLI11 would report a mistyped command as "A subcommand is required"; say what is wrong instead.
    auto is_command = [&](const char* word) {
        for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
            if (sub->check_name(word)) return true;
        return false;
    };
    if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
        std::string names;
        for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
            if (!sub->get_group().empty()) names += (names.empty() ? "" : ", ") + sub->get_name();
        std::fprintf(stderr, "covenant: unknown command '%s' (the commands are: %s)\n%s", argv[1], names.c_str(),
                     app.help().c_str());
        return kExitUsage;
    }
    if (argc == 1) {
        std::fprintf(stderr, "covenant: a command is required\n%s", app.help().c_str());
        return kExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Help and --version are "errors" with code 0 in CLI11; everything else is a usage error.
        if (e.get_exit_code() == 0) return app.exit(e);
        std::fprintf(stderr, "covenant: %s\nRun `covenant --help` or `covenant COMMAND --help` for the options.\n",
                     e.what());
        return kExitUsage;
    }
    // Rule files and fact/case files named in each other's place go where their extension says (cli_common.hpp).
    sort_by_extension(check_options.common.fact_files, check_options.common.rule_files);
    sort_by_extension(run_options.common.fact_files, run_options.common.rule_files);
    sort_by_extension(classify_options.inputs, classify_options.rules);
    sort_by_extension(report_options.inputs, report_options.rules);
    sort_by_extension(test_options.inputs, test_options.rules);
    sort_by_extension(repl_options.cases, repl_options.rules);
    try {
        if (*check) return run_check(check_options);
        if (*run) return run_run(run_options);
        if (*classify) return run_classify(classify_options);
        if (*trend) return run_trend(trend_options);
        if (*report) return run_report(report_options);
        if (*test) return run_test(test_options);
        if (*explain) return run_explain(explain_options);
        if (*repl) return run_repl(repl_options);
        if (*doc) return run_doc(doc_options);
        if (*fmt_command) return run_fmt(fmt_options);
        if (*lsp) return run_lsp(lsp_options, COVENANT_VERSION);
        if (*man) return run_man(app);
    } catch (const std::bad_alloc&) {
        std::fputs("covenant: out of memory\n", stderr);
        return kExitInputError;
    }
    return kExitUsage;
}
