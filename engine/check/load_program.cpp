// load_program: reads the named rule files and, transitively, the files of the packs they `use`, then runs the
// checker over all of them.
//
// Where `use a.b.c` looks (first match wins), for the file a/b/c.rules:
//   1. each LoadOptions::search_path directory, in order;
//   2. the directory of the file that says `use`, then each of its ancestors up to the file-system root
//      (so rules/examples/family.rules finds `examples.common` at rules/examples/common.rules and
//      `core.vocabulary` at rules/core/vocabulary.rules).
// A pack already declared by a loaded file is not looked up on disk. A file found by path that has no `pack`
// declaration takes the name it was found under; one that declares another pack is an error (E0103).
#include <filesystem>
#include <system_error>
#include <unordered_map>

#include "check/check.hpp"
#include "check/internal.hpp"
#include "syntax/parse.hpp"

namespace covenant {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kNotLoaded = static_cast<std::size_t>(-1);

struct LoadedUnit {
    ast::Unit unit;
    fs::path dir;  // absolute directory of the file, for resolving its `use`s
};

class Loader {
public:
    Loader(const LoadOptions& options, SourceManager& sm, DiagnosticSink& sink)
        : options_(options), sm_(sm), sink_(sink) {}

    std::optional<Program> run(const std::vector<std::string>& files) {
        for (const auto& f : files) load(f, SourceSpan{});
        // Resolving a `use` can load more files, whose own `use`s are resolved in turn (the loop sees them because
        // it runs by index over the growing list).
        for (std::size_t i = 0; i < loaded_.size(); ++i) {
            std::vector<ast::Use> uses = loaded_[i].unit.uses;
            fs::path dir = loaded_[i].dir;
            for (const auto& use : uses) resolve(use, dir);
        }
        if (sink_.has_errors()) return std::nullopt;
        std::vector<ast::Unit> units;
        units.reserve(loaded_.size());
        for (auto& l : loaded_) units.push_back(std::move(l.unit));
        return check_units(std::move(units), sm_, sink_);
    }

private:
    static std::string key_of(const fs::path& p) {
        std::error_code ec;
        fs::path abs = fs::absolute(p, ec);
        if (ec) return p.lexically_normal().string();
        fs::path canon = fs::weakly_canonical(abs, ec);
        return (ec ? abs.lexically_normal() : canon).string();
    }

    // Loads and parses one file (once: a file named twice, or reached through two `use`s, is the same unit).
    std::size_t load(const std::string& path, const SourceSpan& from) {
        std::string key = key_of(path);
        if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            sink_.error(from, Code::CannotReadFile, "cannot read '{}': it is a directory, not a rule file", path);
            return kNotLoaded;
        }
        std::string error;
        FileId id = sm_.load(path, error);
        if (id == 0) {
            sink_.error(from, Code::CannotReadFile, "{}", error);
            return kNotLoaded;
        }
        ast::Unit unit = parse_unit(sm_.file(id), sink_);
        unit.file = id;
        fs::path abs = fs::absolute(fs::path(path), ec);
        loaded_.push_back({std::move(unit), ec ? fs::path(path).parent_path() : abs.parent_path()});
        by_key_.emplace(key, loaded_.size() - 1);
        return loaded_.size() - 1;
    }

    bool declared(const std::string& pack) const {
        for (const auto& l : loaded_)
            if (l.unit.pack && l.unit.pack->name.name == pack) return true;
        return false;
    }

    static std::string display(const fs::path& p) {
        std::error_code ec;
        fs::path cwd = fs::current_path(ec);
        if (ec || p.is_relative()) return p.string();
        fs::path rel = p.lexically_proximate(cwd);
        return rel.empty() ? p.string() : rel.string();
    }

    void resolve(const ast::Use& use, const fs::path& user_dir) {
        const std::string& name = use.pack.name;
        if (declared(name)) return;
        fs::path rel;
        bool well_formed = !name.empty();
        std::string part;
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (i == name.size() || name[i] == '.') {
                if (part.empty() || part == "..") well_formed = false;
                rel /= part;
                part.clear();
            } else {
                part += name[i];
            }
        }
        rel += ".rules";
        std::vector<fs::path> dirs;
        for (const auto& d : options_.search_path) dirs.emplace_back(d);
        for (fs::path d = user_dir; !d.empty(); d = d.parent_path()) {
            dirs.push_back(d);
            if (d == d.parent_path()) break;
        }
        std::vector<std::string> looked;
        for (const auto& d : dirs) {
            if (!well_formed) break;
            fs::path candidate = d / rel;
            std::error_code ec;
            std::string shown = display(d.empty() ? fs::path(".") : d);
            if (std::find(looked.begin(), looked.end(), shown) == looked.end()) looked.push_back(shown);
            if (!fs::is_regular_file(candidate, ec)) continue;
            std::size_t idx = load(display(candidate), use.pack.span);
            if (idx == kNotLoaded) return;
            ast::Unit& unit = loaded_[idx].unit;
            if (!unit.pack) {
                ast::PackDecl decl;
                decl.name.name = name;
                decl.name.span = sm_.file(unit.file).span_at(0, 0);
                unit.pack = std::move(decl);
            } else if (unit.pack->name.name != name) {
                Diagnostic* d = sink_.error(use.pack.span, Code::UnknownPack,
                                            "unknown pack '{}': {} was found for it, but declares pack '{}'", name,
                                            display(candidate), unit.pack->name.name);
                if (d) d->notes.push_back({unit.pack->name.span, "the file declares its pack here"});
            }
            return;
        }
        std::string where;
        for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
        Diagnostic* d = sink_.error(use.pack.span, Code::UnknownPack, "unknown pack '{}'", name);
        if (d)
            d->notes.push_back({{}, well_formed ? fmt::format("looked for {} in: {}", rel.string(), where)
                                                : fmt::format("'{}' is not a well-formed pack name", name)});
    }

    const LoadOptions& options_;
    SourceManager& sm_;
    DiagnosticSink& sink_;
    std::vector<LoadedUnit> loaded_;
    std::unordered_map<std::string, std::size_t> by_key_;  // canonical path -> index in loaded_
};

}  // namespace

std::optional<Program> load_program(const std::vector<std::string>& files, const LoadOptions& options,
                                    SourceManager& sm, DiagnosticSink& sink) {
    return Loader(options, sm, sink).run(files);
}

}  // namespace covenant
