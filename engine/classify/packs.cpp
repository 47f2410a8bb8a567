#include "classify/packs.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "check/check.hpp"
#include "classify/shipped.hpp"
#include "kb/world.hpp"

namespace covenant {

namespace fs = std::filesystem;

std::optional<std::vector<std::string>> rule_files_of(const std::vector<std::string>& inputs, std::string& error) {
    std::vector<std::string> named = inputs;
    if (named.empty()) {
        auto core = shipped_core_rules();
        if (!core) {
            error = "cannot find the shipped rules/core (looked beside the program, in the build's source tree and in "
                    "the install location); name the rule packs";
            return std::nullopt;
        }
        named.push_back(*core);
    }
    std::vector<std::string> files;
    for (const auto& in : named) {
        std::error_code ec;
        if (!fs::is_directory(in, ec)) {
            files.push_back(in);
            continue;
        }
        std::vector<std::string> found;
        for (const auto& e : fs::directory_iterator(in, ec))
            if (e.is_regular_file() && e.path().extension() == ".rules") found.push_back(e.path().string());
        std::sort(found.begin(), found.end());
        if (found.empty()) {
            error = "no .rules files in '" + in + "'";
            return std::nullopt;
        }
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

bool uses_core_vocabulary(const Program& program) {
    return std::any_of(program.packs.begin(), program.packs.end(),
                       [](const PackInfo& p) { return p.name == kCoreVocabularyPack; });
}

std::vector<std::string> default_shared_facts(const Program& program) {
    auto threats = shipped_threats();
    if (!threats || !uses_core_vocabulary(program)) return {};
    return {*threats};
}

bool load_packs(const PackRequest& request, SourceManager& sources, DiagnosticSink& sink, LoadedPacks& loaded) {
    std::string error;
    auto rule_files = rule_files_of(request.rules, error);
    if (!rule_files) {
        sink.error(SourceSpan{}, Code::CannotReadFile, "{}", error);
        return false;
    }
    loaded.rule_files = std::move(*rule_files);
    LoadOptions options;
    options.search_path = request.search_path;
    for (auto& dir : pack_search_path()) options.search_path.push_back(std::move(dir));
    loaded.program = load_program(loaded.rule_files, options, sources, sink);
    if (!loaded.program) return false;

    loaded.default_facts = request.facts.empty() && !request.no_default_facts;
    loaded.fact_files = loaded.default_facts ? default_shared_facts(*loaded.program) : request.facts;
    bool ok = true;
    for (const auto& path : loaded.fact_files) {
        std::string why;
        FileId id = sources.load(path, why);
        if (id == 0) {
            sink.error(SourceSpan{}, Code::CannotReadFile, "{}", why);
            ok = false;
            continue;
        }
        auto facts = read_fact_file(sources.file(id), *loaded.program, sink);
        if (!facts) {
            ok = false;
            continue;
        }
        loaded.shared.push_back(std::move(*facts));
    }
    if (ok) {
        std::vector<const FactFile*> world;
        for (const auto& f : loaded.shared) world.push_back(&f);
        ok = check_world(*loaded.program, world, sink);
    }
    return ok && !sink.has_errors();
}

}  // namespace covenant
