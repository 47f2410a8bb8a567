// covenant lsp [--rules-path DIR]: the Language Server for .rules files (docs/lsp.md), on standard input and output.
#include <iostream>

#include "commands.hpp"
#include "lsp_server.hpp"

namespace covenant::cli {

CLI::App* add_lsp_command(CLI::App& app, LspOptions& options) {
    CLI::App* cmd = app.add_subcommand(
        "lsp",
        "Run the Language Server for .rules files: JSON-RPC over standard input and output, for editors.\n"
        "Diagnostics as you type, hover, go to definition, completion, document symbols, formatting (docs/lsp.md).\n"
        "Exit status 0 after the client's shutdown and exit, 1 when the input ends without them.");
    cmd->add_option("--rules-path", options.rules_path,
                    "Directory searched for `use`d packs (repeat for more; searched before $COVENANT_PATH and the\n"
                    "shipped rules/)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    return cmd;
}

int run_lsp(const LspOptions& options, const std::string& version) {
    // Standard output carries only protocol messages; nothing else in the server writes to it. Untied from stdin
    // and unsynchronised, so reading does not flush and each message goes out whole when write_message flushes.
    std::ios::sync_with_stdio(false);
    std::cin.tie(nullptr);
    lsp::Server server({options.rules_path, version});
    return server.run(std::cin, std::cout);
}

}  // namespace covenant::cli
