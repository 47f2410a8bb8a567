// covenant doc [FILE.rules|DIR...] [--out FILE.md] [--rules-path DIR]
#include <filesystem>
#include <iostream>

#include "base/file_io.hpp"
#include "classify/packs.hpp"
#include "commands.hpp"

namespace covenant::cli {

CLI::App* add_doc_command(CLI::App& app, DocOptions& options) {
    CLI::App* cmd = app.add_subcommand(
        "doc", "Write a Markdown reference of rule packs: their templates, constants and rules (what each matches and\n"
               "concludes, its weight and text), and which rules give evidence for each predicate.\n"
               "Default: the shipped rules/core.");
    cmd->add_option("RULES", options.rules, "Rule files or directories (a directory: the *.rules files in it)")
        ->type_name("FILE.rules|DIR");
    cmd->add_option("--out", options.out, "Write the reference to FILE (atomically: a temporary file, then rename)")
        ->type_name("FILE");
    add_common_flags(*cmd, options.common);
    return cmd;
}

int run_doc(const DocOptions& options) {
    CommonOptions common = options.common;  // no fact files: a reference documents rules only
    std::string error;
    auto rule_files = rule_files_of(options.rules, error);
    if (!rule_files) {
        std::cerr << "covenant: " << error << "\n";
        return kExitInputError;
    }
    common.rule_files = std::move(*rule_files);
    Session session;
    bool ok = load(common, session);
    print_diagnostics(session, common);
    if (!ok || session.sink.has_errors()) return kExitInputError;
    std::error_code ec;
    std::string text = document_program(*session.program, session.sources, std::filesystem::current_path(ec).string());
    if (options.out.empty()) {
        std::cout << text;
        return kExitOk;
    }
    if (!write_file_atomically(options.out, text, error)) {
        std::cerr << "covenant: error[" << code_id(Code::CannotWriteFile) << "]: " << error << "\n";
        return kExitInputError;
    }
    return kExitOk;
}

}  // namespace covenant::cli
