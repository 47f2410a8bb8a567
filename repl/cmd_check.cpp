// covenant check FILE.rules... [--facts FILE.yaml...] [--show=ast|program]
#include <iostream>

#include "check/check.hpp"
#include "commands.hpp"
#include "syntax/parse.hpp"
#include "syntax/print_ast.hpp"

namespace covenant::cli {

void add_common_flags(CLI::App& command, CommonOptions& options) {
    command.add_option("--rules-path", options.rules_path,
                       "Directory searched for `use`d packs (repeat for more; searched before $COVENANT_PATH and the\n"
                       "shipped rules/)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    command.add_flag("--no-color", options.no_color,
                     "Never colour diagnostics (default: colour when stderr is a terminal)");
}

CLI::App* add_check_command(CLI::App& app, CheckOptions& options) {
    CLI::App* cmd = app.add_subcommand("check", "Parse and check rule files (and fact files); print diagnostics only.\n"
                                                "Exit status 0 when there is no error, 1 otherwise.");
    cmd->add_option("FILE.rules", options.common.rule_files, "Rule files (a .yaml file named here is a fact file, as with --facts)")
        ->required();
    cmd->add_option("--facts", options.common.fact_files,
                    "YAML fact files to check against the rules (repeatable); with them, rules that can never fire are "
                    "reported (W0004)")
        ->type_name("FILE.yaml")
        ->allow_extra_args(false);
    cmd->add_option("--show", options.show,
                    "Also print a stage: ast (each named file as parsed, in canonical form) or program (as checked)")
        ->check(CLI::IsMember({"ast", "program"}));
    add_common_flags(*cmd, options.common);
    return cmd;
}

int run_check(const CheckOptions& options) {
    if (options.show == "ast") {
        // Each named file as the parser sees it, before `use` is resolved; errors are reported by the full load below.
        SourceManager sources;
        for (const auto& path : options.common.rule_files) {
            std::string why;
            FileId id = sources.load(path, why);
            if (id == 0) continue;
            DiagnosticSink ignored;
            std::cout << "# " << path << "\n" << print_unit(parse_unit(sources.file(id), ignored));
        }
    }
    Session session;
    bool ok = load(options.common, session, /*one_world=*/false);
    // W0004 needs to know where a run's facts can come from; with fact files named, their templates are the answer.
    if (ok && !options.common.fact_files.empty()) {
        std::vector<TemplateId> in_fact_files;
        for (const auto& file : session.fact_files)
            for (const auto& fact : file.facts) in_fact_files.push_back(fact.tmpl);
        warn_rules_that_cannot_fire(*session.program, in_fact_files, session.sink);
    }
    if (ok && options.show == "program") std::cout << print_program(*session.program);
    print_diagnostics(session, options.common);
    return ok && !session.sink.has_errors() ? kExitOk : kExitInputError;
}

}  // namespace covenant::cli
