// The language server's analysis of a document: loading (the document's text in place of its file, open buffers in
// place of theirs), checking, the occurrence index and diagnostics in LSP form.
#include "lsp_analysis.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "check/check.hpp"
#include "syntax/parse.hpp"

namespace covenant::lsp {

namespace fs = std::filesystem;

// --- positions -------------------------------------------------------------------------------------------------

LineIndex::LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::uint32_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') starts_.push_back(i + 1);
}

namespace {

// The length in bytes of the UTF-8 sequence that starts with `lead` (1 for a stray continuation or invalid byte),
// and how many UTF-16 units it takes (2 for a code point beyond the Basic Multilingual Plane).
std::uint32_t utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

}  // namespace

Position LineIndex::position(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::uint32_t line = static_cast<std::uint32_t>(it - starts_.begin()) - 1;
    std::uint32_t units = 0;
    for (std::uint32_t i = starts_[line]; i < offset;) {
        std::uint32_t n = utf8_length(static_cast<unsigned char>(text_[i]));
        if (i + n > offset) n = offset - i;  // an offset inside a sequence counts it as begun
        units += n == 4 ? 2 : 1;
        i += n;
    }
    return {line, units};
}

std::uint32_t LineIndex::offset(Position p) const {
    if (p.line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
    std::uint32_t end =
        p.line + 1 < starts_.size() ? starts_[p.line + 1] - 1 : static_cast<std::uint32_t>(text_.size());
    std::uint32_t i = starts_[p.line];
    for (std::uint32_t units = 0; i < end && units < p.character;) {
        std::uint32_t n = std::min(utf8_length(static_cast<unsigned char>(text_[i])), end - i);
        units += n == 4 ? 2 : 1;
        i += n;
    }
    return i;
}

json to_json(Position p) {
    return {{"line", p.line}, {"character", p.character}};
}

json LineIndex::range(std::uint32_t offset, std::uint32_t length) const {
    return {{"start", to_json(position(offset))}, {"end", to_json(position(offset + length))}};
}

// --- URIs ------------------------------------------------------------------------------------------------------

std::string path_from_uri(std::string_view uri) {
    constexpr std::string_view scheme = "file://";
    if (uri.substr(0, scheme.size()) != scheme) return {};
    std::string_view rest = uri.substr(scheme.size());
    if (!rest.empty() && rest.front() != '/') {  // file://host/path: only the local host is ours
        auto slash = rest.find('/');
        if (rest.substr(0, slash) != "localhost") return {};
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
    std::string out;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(rest.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += rest[i];
        }
    }
    return out;
}

std::string uri_from_path(const std::string& path) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "file://";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

bool is_constant_name(std::string_view name) {
    if (name.empty() || !(name[0] >= 'A' && name[0] <= 'Z')) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

// --- loading ---------------------------------------------------------------------------------------------------

namespace {

std::string canonical_key(const fs::path& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec) return p.lexically_normal().string();
    fs::path canon = fs::weakly_canonical(abs, ec);
    return (ec ? abs.lexically_normal() : canon).string();
}

// Resolves `use` the way load_program's Loader does (engine/check/load_program.cpp: the search path, then the using
// file's directory and its ancestors; a file without a `pack` line takes the name it was found under), but reads
// open documents from the editor's buffers. Kept in step with that loader by hand: the engine's loader only reads
// files from disk.
class BufferLoader {
public:
    BufferLoader(Analysis& a, const std::vector<std::string>& search_path, const OpenTexts& open)
        : a_(a), search_path_(search_path), open_(open) {}

    void run(const std::string& path, const std::string& text) {
        a_.doc_file = a_.sources.add(path.empty() ? a_.doc_uri : path, text);
        a_.paths[a_.doc_file] = path.empty() ? a_.doc_uri : path;
        add_unit(a_.doc_file, path.empty() ? fs::path() : fs::path(path).parent_path());
        if (!path.empty()) by_key_[canonical_key(path)] = 0;
        for (std::size_t i = 0; i < a_.units.size(); ++i) {
            std::vector<ast::Use> uses = a_.units[i].uses;
            for (const auto& use : uses) resolve(use, dirs_[i]);
        }
    }

private:
    void add_unit(FileId id, fs::path dir) {
        ast::Unit unit = parse_unit(a_.sources.file(id), a_.sink);
        unit.file = id;
        a_.units.push_back(std::move(unit));
        dirs_.push_back(std::move(dir));
    }

    bool declared(const std::string& pack) const {
        return std::any_of(a_.units.begin(), a_.units.end(),
                           [&](const ast::Unit& u) { return u.pack && u.pack->name.name == pack; });
    }

    void resolve(const ast::Use& use, const fs::path& user_dir) {
        const std::string& name = use.pack.name;
        if (name.empty() || declared(name)) return;
        fs::path rel;
        std::string part;
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (i == name.size() || name[i] == '.') {
                if (part.empty() || part == "..") return;  // the checker reports the unknown pack
                rel /= part;
                part.clear();
            } else {
                part += name[i];
            }
        }
        rel += ".rules";
        std::vector<fs::path> dirs(search_path_.begin(), search_path_.end());
        for (fs::path d = user_dir; !d.empty(); d = d.parent_path()) {
            dirs.push_back(d);
            if (d == d.parent_path()) break;
        }
        for (const auto& d : dirs) {
            std::error_code ec;
            fs::path candidate = d / rel;
            if (!fs::is_regular_file(candidate, ec)) continue;
            std::string key = canonical_key(candidate);
            if (by_key_.count(key)) return;
            FileId id = 0;
            if (auto it = open_.find(key); it != open_.end()) {
                id = a_.sources.add(key, it->second);
            } else {
                std::string why;
                id = a_.sources.load(key, why);
                if (id == 0) {
                    a_.sink.error(use.pack.span, Code::CannotReadFile, "{}", why);
                    return;
                }
            }
            a_.paths[id] = key;
            by_key_[key] = a_.units.size();
            add_unit(id, fs::path(key).parent_path());
            ast::Unit& unit = a_.units.back();
            if (!unit.pack) {
                ast::PackDecl decl;
                decl.name.name = name;
                decl.name.span = a_.sources.file(id).span_at(0, 0);
                unit.pack = std::move(decl);
            }
            return;
        }
        // Not found: check_units reports E0103 at the `use`.
    }

    Analysis& a_;
    const std::vector<std::string>& search_path_;
    const OpenTexts& open_;
    std::vector<fs::path> dirs_;  // per unit: the directory its `use`s are resolved from
    std::map<std::string, std::size_t> by_key_;
};

}  // namespace

void build_occurrences(Analysis& a);  // lsp_index.cpp

std::unique_ptr<Analysis> analyse(const std::string& uri, const std::string& path, const std::string& text,
                                  const std::vector<std::string>& search_path, const OpenTexts& open) {
    auto a = std::make_unique<Analysis>();
    a->doc_uri = uri;
    BufferLoader(*a, search_path, open).run(path, text);
    // The checker needs every unit; it reports into the same sink, and builds a program only when nothing failed.
    a->program = check_units(a->units, a->sources, a->sink);
    a->lines = LineIndex(a->text());
    build_occurrences(*a);
    return a;
}

// --- lookups ---------------------------------------------------------------------------------------------------

const Occurrence* Analysis::occurrence_at(std::uint32_t offset) const {
    const Occurrence* best = nullptr;
    for (const auto& o : occurrences)
        if (o.offset <= offset && offset <= o.offset + o.length && (!best || o.length < best->length)) best = &o;
    return best;
}

Found<ast::Template> Analysis::find_template(std::string_view name) const {
    for (const auto& u : units)
        for (const auto& t : u.templates)
            if (t.name.name == name) return {&t, &u};
    return {};
}

Found<ast::Constant> Analysis::find_constant(std::string_view name) const {
    for (const auto& u : units)
        for (const auto& c : u.constants)
            if (c.name.name == name) return {&c, &u};
    return {};
}

Found<ast::Rule> Analysis::find_rule(std::string_view name) const {
    for (const auto& u : units)
        for (const auto& r : u.rules)
            if (r.name.name == name) return {&r, &u};
    return {};
}

Found<ast::Function> Analysis::find_function(std::string_view name) const {
    for (const auto& u : units)
        for (const auto& f : u.functions)
            if (f.name.name == name) return {&f, &u};
    return {};
}

const ast::Unit* Analysis::find_pack(std::string_view name) const {
    for (const auto& u : units)
        if (u.pack && u.pack->name.name == name) return &u;
    return nullptr;
}

namespace {

const ast::Pattern* bound_pattern(const std::vector<ast::Condition>& conds, std::string_view var) {
    for (const auto& c : conds) {
        if (c.kind == ast::Condition::Kind::Pattern && c.pattern.fact_variable && c.pattern.fact_variable->name == var)
            return &c.pattern;
        if (const ast::Pattern* p = bound_pattern(c.group, var)) return p;
    }
    return nullptr;
}

}  // namespace

std::string Analysis::fact_variable_template(const ast::Rule& rule, std::string_view var) const {
    const ast::Pattern* p = bound_pattern(rule.conditions, var);
    return p ? p->template_name.name : std::string();
}

std::string Analysis::uri_of(FileId file) const {
    if (file == doc_file) return doc_uri;
    auto it = paths.find(file);
    return it == paths.end() ? doc_uri : uri_from_path(it->second);
}

std::string_view Analysis::text_of(const SourceSpan& span) const {
    if (!span.valid() || span.file >= sources.size()) return {};
    const std::string& t = sources.file(span.file).text;
    if (span.offset > t.size()) return {};
    return std::string_view(t).substr(span.offset, span.length);
}

json Analysis::location(const SourceSpan& span) const {
    if (span.file == doc_file) return {{"uri", doc_uri}, {"range", lines.range(span.offset, span.length)}};
    LineIndex other(sources.file(span.file).text);
    return {{"uri", uri_of(span.file)}, {"range", other.range(span.offset, span.length)}};
}

json Analysis::diagnostics() const {
    json out = json::array();
    for (const Diagnostic& d : sink.sorted()) {
        json item;
        std::string message = d.message;
        if (d.span.valid() && d.span.file == doc_file) {
            item["range"] = lines.range(d.span.offset, d.span.length);
        } else {
            // Reported elsewhere (a used pack's own error) or nowhere in particular: shown at the document's first
            // `use` of a pack (the way in to the file at fault), else at its start.
            const auto& uses = doc().uses;
            item["range"] =
                uses.empty() ? lines.range(0, 0) : lines.range(uses[0].pack.span.offset, uses[0].pack.span.length);
            if (d.span.valid()) {
                auto it = paths.find(d.span.file);
                message =
                    fmt::format("{}:{}:{}: {}", it == paths.end() ? "?" : it->second, d.span.line, d.span.col, message);
            }
        }
        item["severity"] = d.severity == Severity::Error ? 1 : d.severity == Severity::Warning ? 2 : 3;
        item["code"] = std::string(code_id(d.code));
        item["source"] = "covenant";
        json related = json::array();
        for (const auto& note : d.notes) {
            if (note.span.valid())
                related.push_back({{"location", location(note.span)}, {"message", note.message}});
            else
                message += "\nnote: " + note.message;
        }
        item["message"] = message;
        if (!related.empty()) item["relatedInformation"] = related;
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace covenant::lsp
