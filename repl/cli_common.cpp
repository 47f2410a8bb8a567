#include "cli_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "check/check.hpp"
#include "kb/world.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

bool use_color(const CommonOptions& options) {
    if (options.no_color) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return isatty(STDERR_FILENO) == 1;
}

std::vector<std::string> default_rules_path() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    // Built in a tree: build/repl/covenant -> the first ancestor with a rules/ directory and a CMakeLists.txt.
    for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        if (fs::is_directory(dir / "rules", ec) && fs::exists(dir / "CMakeLists.txt", ec))
            return {(dir / "rules").string()};
        if (dir == dir.root_path()) break;
    }
    // Installed: <prefix>/bin/covenant -> <prefix>/share/covenant/rules.
    fs::path installed = exe.parent_path().parent_path() / "share" / "covenant" / "rules";
    if (fs::is_directory(installed, ec)) return {installed.string()};
    return {};
}

bool load(const CommonOptions& options, Session& session, bool one_world) {
    LoadOptions load_options;
    load_options.search_path = options.rules_path;
    for (auto& dir : default_rules_path()) load_options.search_path.push_back(std::move(dir));

    session.program = load_program(options.rule_files, load_options, session.sources, session.sink);
    if (!session.program) return false;

    bool ok = true;
    for (const auto& path : options.fact_files) {
        std::string why;
        FileId id = session.sources.load(path, why);
        if (id == 0) {
            session.sink.error(SourceSpan{}, Code::CannotReadFile, "{}", why);
            ok = false;
            continue;
        }
        auto facts = read_fact_file(session.sources.file(id), *session.program, session.sink);
        if (!facts) {
            ok = false;
            continue;
        }
        session.fact_files.push_back(std::move(*facts));
    }
    if (ok) {
        std::vector<const FactFile*> shared, cases;
        for (const auto& f : session.fact_files) (f.is_case ? cases : shared).push_back(&f);
        if (one_world || cases.size() <= 1) {
            std::vector<const FactFile*> world;
            for (const auto& f : session.fact_files) world.push_back(&f);
            ok = check_world(*session.program, world, session.sink);
        } else {
            for (std::size_t k = 0; k < cases.size(); ++k) {
                std::vector<const FactFile*> world = shared;
                world.push_back(cases[k]);
                ok = check_world(*session.program, world, session.sink, k == 0 ? 0 : shared.size()) && ok;
            }
        }
    }
    return ok;
}

void print_diagnostics(const Session& session, const CommonOptions& options) {
    if (session.sink.diagnostics().empty()) return;
    RenderOptions render_options;
    render_options.color = use_color(options);
    std::cout.flush();  // keep the order of earlier output and the diagnostics when both go to one terminal
    std::cerr << render_all(session.sink, session.sources, render_options);
    std::cerr.flush();
}

std::optional<std::string> project_root() {
    auto dirs = default_rules_path();
    if (dirs.empty()) return std::nullopt;
    return fs::path(dirs.front()).parent_path().string();
}

bool domain_inputs(const std::vector<std::string>& rules, const std::vector<std::string>& facts,
                   std::vector<std::string>& rule_files, std::vector<std::string>& shared_facts, std::string& error) {
    std::vector<std::string> inputs = rules;
    shared_facts = facts;
    if (inputs.empty()) {
        auto root = project_root();
        if (!root || !fs::is_directory(fs::path(*root) / "rules" / "core")) {
            error = "cannot find the shipped rules/core; name the rule packs with --rules DIR";
            return false;
        }
        inputs.push_back((fs::path(*root) / "rules" / "core").string());
        fs::path threats = fs::path(*root) / "kb" / "threats.yaml";
        if (shared_facts.empty() && fs::exists(threats)) shared_facts.push_back(threats.string());
    }
    for (const auto& in : inputs) {
        std::error_code ec;
        if (!fs::is_directory(in, ec)) {
            rule_files.push_back(in);
            continue;
        }
        std::vector<std::string> found;
        for (const auto& e : fs::directory_iterator(in, ec))
            if (e.is_regular_file() && e.path().extension() == ".rules") found.push_back(e.path().string());
        std::sort(found.begin(), found.end());
        if (found.empty()) {
            error = "no .rules files in '" + in + "'";
            return false;
        }
        rule_files.insert(rule_files.end(), found.begin(), found.end());
    }
    return true;
}

}  // namespace covenant::cli
