// Loading the rule packs and the shared fact files of the domain commands, once for every front end: the CLI's
// classify, trend, test, explain and doc (repl/domain_common.cpp), the REPL's start, and the embedding API that the
// Python module uses (engine/api). The defaults and how they are replaced are the contract of docs/cli.md,
// "Defaults, and how to replace them".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant {

// The pack whose templates the shipped threat catalogue (kb/threats.yaml) fills.
inline constexpr const char* kCoreVocabularyPack = "core.vocabulary";

// The .rules files that `inputs` name: a file stands for itself (a missing one is reported by the loader, located),
// a directory for the *.rules files directly inside it, sorted. Empty `inputs` stand for the shipped rules/core.
// Returns nothing, with `error` in words, when the shipped packs cannot be found or a directory holds no .rules.
std::optional<std::vector<std::string>> rule_files_of(const std::vector<std::string>& inputs, std::string& error);

// Whether the program loaded the core vocabulary pack (directly, or through `use`).
bool uses_core_vocabulary(const Program& program);

// The default shared facts of `program`: the shipped threat catalogue when the program uses the core vocabulary
// (whichever rules loaded it: the default core packs, `--rules rules/core`, or a pack's `use`), else nothing. A
// program that does not use the vocabulary could not read the catalogue. Callers apply it only when no fact files
// were named and the default was not declined.
std::vector<std::string> default_shared_facts(const Program& program);

struct PackRequest {
    std::vector<std::string> rules;        // .rules files or directories; empty: the shipped rules/core
    std::vector<std::string> facts;        // shared fact files; empty: default_shared_facts unless no_default_facts
    bool no_default_facts = false;
    std::vector<std::string> search_path;  // searched for `use` before COVENANT_PATH and the shipped rules/
};

struct LoadedPacks {
    std::vector<std::string> rule_files;  // as named, directories expanded
    std::vector<std::string> fact_files;  // as named, or the defaults that were added
    bool default_facts = false;           // fact_files are the defaults (none were named, none declined)
    std::optional<Program> program;       // spans point into the SourceManager given to load_packs
    std::vector<FactFile> shared;         // the shared facts, read and checked against the program
};

// Loads the packs (and those they `use`), then the shared fact files against the program, and checks them as one
// world. Every problem goes to `sink` (a missing shipped rules/core as E0002, cannot read); returns false on any
// error. `loaded` holds whatever was loaded either way (the rule and fact file lists for --verbose, say).
bool load_packs(const PackRequest& request, SourceManager& sources, DiagnosticSink& sink, LoadedPacks& loaded);

}  // namespace covenant
