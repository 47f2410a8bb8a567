// The shipped knowledge as `covenant classify kb/cases rules/core/tests` loads it: the packs of rules/core, the shared
// facts of kb/threats.yaml, and the case files of kb/cases and rules/core/tests. For tests that run every shipped case.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "classify/classify.hpp"

namespace covenant::testing {

struct ShippedKnowledge {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;
    ClassifyOptions options;          // with kb/threats.yaml as shared facts
    std::vector<std::string> paths;   // the case files, sorted

    ShippedKnowledge() {
        std::filesystem::path root = COVENANT_SOURCE_DIR;
        std::vector<std::string> rule_files;
        for (const auto& e : std::filesystem::directory_iterator(root / "rules" / "core"))
            if (e.path().extension() == ".rules") rule_files.push_back(e.path().string());
        std::sort(rule_files.begin(), rule_files.end());
        program = load_program(rule_files, {}, sm, sink);
        REQUIRE(program);
        std::string why;
        FileId threats = sm.load((root / "kb" / "threats.yaml").string(), why);
        REQUIRE(threats != 0);
        auto shared = read_fact_file(sm.file(threats), *program, sink);
        REQUIRE(shared);
        options.shared_facts.push_back(std::move(*shared));
        std::string error;
        paths = expand_case_paths({(root / "kb" / "cases").string(), (root / "rules" / "core" / "tests").string()},
                                  error);
        REQUIRE(paths.size() >= 11);
    }
};

}  // namespace covenant::testing
