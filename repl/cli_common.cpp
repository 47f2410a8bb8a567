#include "cli_common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "check/check.hpp"
#include "classify/shipped.hpp"
#include "classify/packs.hpp"
#include "kb/world.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

void sort_by_extension(std::vector<std::string>& facts_or_cases, std::vector<std::string>& rules) {
    auto ext = [](const std::string& p) { return fs::path(p).extension().string(); };
    auto is_rules = [&](const std::string& p) { return ext(p) == ".rules"; };
    auto is_yaml = [&](const std::string& p) { return ext(p) == ".yaml" || ext(p) == ".yml"; };
    std::vector<std::string> kept_facts, kept_rules;
    for (auto& p : rules) (is_yaml(p) ? facts_or_cases : kept_rules).push_back(std::move(p));
    for (auto& p : facts_or_cases) (is_rules(p) ? kept_rules : kept_facts).push_back(std::move(p));
    facts_or_cases = std::move(kept_facts);
    rules = std::move(kept_rules);
}

bool use_color(const CommonOptions& options) {
    if (options.no_color) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    return isatty(STDERR_FILENO) == 1;
}

void say_what_was_loaded(const Program& program, const std::vector<std::string>& rule_files,
                         const std::vector<std::string>& fact_files, bool default_facts) {
    std::string packs;
    for (const auto& p : program.packs)
        if (!p.name.empty()) packs += (packs.empty() ? "" : ", ") + p.name;
    std::cerr << "covenant: rules: " << rule_files.size() << (rule_files.size() == 1 ? " file" : " files")
              << " named (packs loaded: " << (packs.empty() ? "none" : packs) << ")\n";
    for (const auto& f : rule_files) std::cerr << "  " << f << "\n";
    for (const auto& dir : pack_search_path()) std::cerr << "  `use` also looks in " << dir << "\n";
    if (fact_files.empty()) {
        std::cerr << "covenant: shared facts: none"
                  << (default_facts ? " (the shipped threat catalogue goes with the core packs, and no loaded file "
                                      "uses " + std::string(kCoreVocabularyPack) + ")"
                                    : "")
                  << "\n";
        return;
    }
    std::cerr << "covenant: shared facts:\n";
    for (const auto& f : fact_files) {
        bool shipped = default_facts && f == shipped_threats().value_or("");
        std::cerr << "  " << f << (shipped ? "  (default: the threat catalogue of the core packs)" : "") << "\n";
    }
}

bool load(const CommonOptions& options, Session& session, bool one_world) {
    LoadOptions load_options;
    load_options.search_path = options.rules_path;
    for (auto& dir : pack_search_path()) load_options.search_path.push_back(std::move(dir));

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

}  // namespace covenant::cli
