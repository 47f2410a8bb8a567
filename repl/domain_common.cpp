#include "domain_common.hpp"

#include <iostream>

#include "base/file_io.hpp"

namespace covenant::cli {

// Loads the packs and the shared fact files; prints diagnostics. Returns false when anything failed.
bool load_for_cases(const std::vector<std::string>& rules, const std::vector<std::string>& facts, bool no_color,
                    Loaded& loaded) {
    CommonOptions common;
    common.no_color = no_color;
    std::string error;
    if (!domain_inputs(rules, facts, common.rule_files, common.fact_files, error)) {
        std::cerr << "covenant: " << error << "\n";
        return false;
    }
    bool ok = load(common, loaded.session);
    print_diagnostics(loaded.session, common);
    if (!ok || loaded.session.sink.has_errors()) return false;
    loaded.classify.shared_facts = std::move(loaded.session.fact_files);
    return true;
}

// The case files under `inputs`; prints why and returns nothing when a path is missing or unreadable.
std::optional<std::vector<std::string>> case_files(const std::vector<std::string>& inputs) {
    std::string error;
    std::vector<std::string> paths = expand_case_paths(inputs, error);
    if (!error.empty()) {
        std::cerr << "covenant: " << error << "\n";
        return std::nullopt;
    }
    return paths;
}

int write_report(const std::string& out, const std::string& report) {
    std::string error;
    if (out.empty()) {
        std::cout << report;
    } else if (!write_file_atomically(out, report, error)) {
        std::cerr << "covenant: error[" << code_id(Code::CannotWriteFile) << "]: " << error << "\n";
        return kExitInputError;
    }
    return kExitOk;
}
}  // namespace covenant::cli
