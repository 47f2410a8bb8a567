#include "domain_common.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include "base/file_io.hpp"
#include "classify/packs.hpp"
#include "classify/trend.hpp"

namespace covenant::cli {

// Loads the packs and the shared fact files; prints diagnostics. Returns false when anything failed.
bool load_for_cases(const std::vector<std::string>& rules, const std::vector<std::string>& facts,
                    bool no_default_facts, bool verbose, bool no_color, Loaded& loaded) {
    PackRequest request;
    request.rules = rules;
    request.facts = facts;
    request.no_default_facts = no_default_facts;
    LoadedPacks packs;
    Session& session = loaded.session;
    bool ok = load_packs(request, session.sources, session.sink, packs);
    if (verbose && packs.program) say_what_was_loaded(*packs.program, packs.rule_files, packs.fact_files, packs.default_facts);
    CommonOptions common;
    common.no_color = no_color;
    print_diagnostics(session, common);
    if (!ok) return false;
    session.program = std::move(packs.program);
    loaded.classify.shared_facts = std::move(packs.shared);
    return true;
}

void add_pack_options(CLI::App* cmd, std::vector<std::string>& rules, std::vector<std::string>& facts,
                      bool& no_default_facts, bool* verbose, const std::string& what_facts) {
    cmd->add_option("--rules", rules,
                    "Rule packs: a .rules file or a directory of them; repeat for more (default: the shipped\n"
                    "rules/core; packs named by `use` are also looked up in $COVENANT_PATH)")
        ->type_name("DIR|FILE")
        ->allow_extra_args(false);
    CLI::Option* named = cmd->add_option("--facts", facts,
                                         "Shared fact files " + what_facts +
                                             "; repeat for more (default: the shipped\n"
                                             "kb/threats.yaml whenever the loaded rules use core.vocabulary)")
                             ->type_name("FILE.yaml")
                             ->allow_extra_args(false);
    cmd->add_flag("--no-default-facts", no_default_facts, "Do not add the shipped kb/threats.yaml")->excludes(named);
    if (verbose) cmd->add_flag("--verbose,-v", *verbose, "Say on stderr which rule and fact files were loaded");
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

void show_printed(const CaseResult& result) {
    if (result.printed.empty()) return;
    std::cout.flush();
    std::cerr << result.printed;
    if (result.printed.back() != '\n') std::cerr << '\n';
}

void split_series(const std::vector<std::string>& files, std::vector<std::string>& cases,
                  std::vector<std::string>& series) {
    for (const auto& p : files) {
        std::ifstream in(p);
        std::string text(std::istreambuf_iterator<char>(in), {});
        (looks_like_series(text) ? series : cases).push_back(p);
    }
}

bool show_problems(const std::vector<CaseResult>& results) {
    bool failed = false;
    for (const auto& r : results) {
        show_printed(r);
        if (r.error) {
            failed = true;
            std::cerr << r.error->rendered;
        } else if (!r.run_problem.empty()) {
            failed = true;
            std::cerr << r.file << ": error: the run did not finish: " << r.run_problem << "\n";
        }
    }
    return failed;
}

int write_report(const std::string& out, const std::string& report) {
    return write_report(out, std::span<const std::string>(&report, 1));
}

int write_report(const std::string& out, std::span<const std::string> pieces) {
    std::string error;
    if (out.empty()) {
        for (const std::string& piece : pieces) std::cout << piece;
    } else if (!write_file_atomically(out, pieces, error)) {
        std::cerr << "covenant: error[" << code_id(Code::CannotWriteFile) << "]: " << error << "\n";
        return kExitInputError;
    }
    return kExitOk;
}
}  // namespace covenant::cli
