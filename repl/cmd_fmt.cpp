// covenant fmt [FILE.rules|DIR|-]... [--check] [--diff] [--stdin-name NAME] [--verbose] [--no-color]
// The layout is syntax/format.hpp's; this file finds the files, writes them back, and says what would change.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string_view>
#include <system_error>

#include "base/file_io.hpp"
#include "commands.hpp"
#include "syntax/format.hpp"

namespace covenant::cli {
namespace {

namespace fs = std::filesystem;

// ---- a unified diff of two texts, line by line

// The lines of `text`, each with its '\n' (the last one may lack it), so that a missing final newline is a change.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

struct Edit {
    char op;               // ' ' kept, '-' only in the old text, '+' only in the new
    std::size_t old_line;  // 0-based index into the old lines (for ' ' and '-'), or where a '+' goes in them
    std::size_t new_line;  // 0-based index into the new lines (for ' ' and '+')
};

// The edits turning `a` into `b`: the common start and end are kept, and between them a longest common subsequence
// of lines (the textbook table). Past kMaxTable cells the middle is shown as all removed, then all added: still a
// correct diff, and a formatter rarely changes that much of a large file.
std::vector<Edit> diff_lines(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    constexpr std::size_t kMaxTable = 4'000'000;
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    const std::size_t n = a.size() - prefix - suffix;
    const std::size_t m = b.size() - prefix - suffix;

    std::vector<Edit> edits;
    for (std::size_t i = 0; i < prefix; ++i) edits.push_back({' ', i, i});
    if (n * m <= kMaxTable) {
        // lcs[i][j]: the length of a longest common subsequence of a[prefix+i..] and b[prefix+j..].
        std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
        auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        std::size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
                edits.push_back({' ', prefix + i++, prefix + j++});
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                edits.push_back({'-', prefix + i++, prefix + j});
            } else {
                edits.push_back({'+', prefix + i, prefix + j++});
            }
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) edits.push_back({'-', prefix + i, prefix});
        for (std::size_t j = 0; j < m; ++j) edits.push_back({'+', prefix + n, prefix + j});
    }
    for (std::size_t k = 0; k < suffix; ++k) edits.push_back({' ', prefix + n + k, prefix + m + k});
    return edits;
}

// One line of a diff: its marker, the text without '\n', and GNU diff's note when it had none.
std::string diff_line(char op, std::string_view line) {
    std::string out(1, op);
    if (!line.empty() && line.back() == '\n') {
        out.append(line.substr(0, line.size() - 1));
        out += '\n';
    } else {
        out.append(line);
        out += "\n\\ No newline at end of file\n";
    }
    return out;
}

// "start,count" of a hunk's range in unified format (1-based; an empty range names the line before it).
std::string hunk_range(std::size_t first, std::size_t count) {
    if (count == 1) return std::to_string(first + 1);
    return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

// A unified diff (three lines of context) from `before` to `after`, headed with `name` on both sides, as
// `patch -p0` applies it; empty when they are equal.
std::string unified_diff(const std::string& name, std::string_view before, std::string_view after) {
    constexpr std::size_t kContext = 3;
    auto a = lines_of(before);
    auto b = lines_of(after);
    std::vector<Edit> edits = diff_lines(a, b);
    std::string out;
    std::size_t k = 0;
    while (k < edits.size()) {
        if (edits[k].op == ' ') {
            ++k;
            continue;
        }
        // A hunk: kContext kept lines, the change, and every further change that follows within 2 * kContext kept
        // lines, then kContext kept lines. (The previous hunk ended more than kContext kept lines before k.)
        std::size_t begin = k >= kContext ? k - kContext : 0;
        std::size_t last = k;
        for (std::size_t j = k + 1; j < edits.size();) {
            if (edits[j].op != ' ') {
                last = j++;
                continue;
            }
            std::size_t run_end = j;
            while (run_end < edits.size() && edits[run_end].op == ' ') ++run_end;
            if (run_end == edits.size() || run_end - j > 2 * kContext) break;
            j = run_end;
        }
        std::size_t end = std::min(edits.size(), last + 1 + kContext);
        std::size_t old_count = 0, new_count = 0;
        for (std::size_t e = begin; e < end; ++e) {
            if (edits[e].op != '+') ++old_count;
            if (edits[e].op != '-') ++new_count;
        }
        if (out.empty()) out = "--- " + name + "\n+++ " + name + "\n";
        out += "@@ -" + hunk_range(edits[begin].old_line, old_count) + " +" +
               hunk_range(edits[begin].new_line, new_count) + " @@\n";
        for (std::size_t e = begin; e < end; ++e)
            out += diff_line(edits[e].op, edits[e].op == '+' ? b[edits[e].new_line] : a[edits[e].old_line]);
        k = end;
    }
    return out;
}

// `--check`'s hint: "NAME:LINE: would reformat" at the first changed line of the old text, and that change.
std::string reformat_hint(const std::string& name, std::string_view before, std::string_view after) {
    auto a = lines_of(before);
    auto b = lines_of(after);
    std::vector<Edit> edits = diff_lines(a, b);
    auto first = std::find_if(edits.begin(), edits.end(), [](const Edit& e) { return e.op != ' '; });
    if (first == edits.end()) return {};
    std::string out = name + ":" + std::to_string(first->old_line + 1) + ": would reformat\n";
    auto block_end = std::find_if(first, edits.end(), [](const Edit& e) { return e.op == ' '; });
    auto removed = std::find_if(first, block_end, [](const Edit& e) { return e.op == '-'; });
    auto added = std::find_if(first, block_end, [](const Edit& e) { return e.op == '+'; });
    if (removed != block_end) out += "  " + diff_line('-', a[removed->old_line]);
    if (added != block_end) out += "  " + diff_line('+', b[added->new_line]);
    return out;
}

// ---- the files

// The files named: a directory stands for every *.rules file under it (hidden directories skipped), sorted.
std::vector<std::string> files_named(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const auto& path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            files.push_back(path);
            continue;
        }
        std::vector<std::string> found;
        for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (it->is_directory(ec) && name.starts_with(".")) {
                it.disable_recursion_pending();
                continue;
            }
            if (it->path().extension() == ".rules" && it->is_regular_file(ec)) found.push_back(it->path().string());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    std::vector<std::string> unique;
    for (auto& file : files)
        if (std::find(unique.begin(), unique.end(), file) == unique.end()) unique.push_back(std::move(file));
    return unique;
}

// Writes the formatted text over `path` (through a symbolic link to its target), keeping the file's permissions.
bool write_back(const std::string& path, const std::string& text, std::string& error) {
    std::error_code ec;
    fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : fs::path(path);
    if (ec) target = path;
    fs::perms perms = fs::status(target, ec).permissions();
    bool known = !ec;
    if (!write_file_atomically(target.string(), text, error)) return false;
    if (known) fs::permissions(target, perms, fs::perm_options::replace, ec);
    return true;
}

struct Outcome {
    bool failed = false;   // a file could not be read, parsed or written
    bool changed = false;  // some file would change (--check) or did
};

// Formats one loaded file and does what the options say with the result.
void format_one(const FmtOptions& options, SourceManager& sources, FileId id, bool to_stdout, DiagnosticSink& sink,
                Outcome& outcome) {
    const SourceFile& file = sources.file(id);
    FormatResult result = format_source(sources, id);
    if (!result.ok) {
        for (const Diagnostic& d : result.diagnostics) {
            if (Diagnostic* copy = sink.add(d.severity, d.span, d.code, d.message)) copy->notes = d.notes;
        }
        if (result.diagnostics.empty())
            std::cerr << "covenant: error: " << file.path << ": " << result.internal_error << "; left as it is\n";
        outcome.failed = true;
        return;
    }
    const bool same = result.text == file.text;
    if (options.check || options.diff) {
        if (same) return;
        outcome.changed = true;
        if (options.check) std::cerr << reformat_hint(file.path, file.text, result.text);
        if (options.diff) std::cout << unified_diff(file.path, file.text, result.text);
        return;
    }
    if (to_stdout) {
        std::cout << result.text;
        return;
    }
    if (same) return;
    std::string error;
    if (!write_back(file.path, result.text, error)) {
        std::cerr << "covenant: error[" << code_id(Code::CannotWriteFile) << "]: " << error << "\n";
        outcome.failed = true;
        return;
    }
    outcome.changed = true;
    if (options.verbose) std::cerr << "formatted " << file.path << "\n";
}

}  // namespace

CLI::App* add_fmt_command(CLI::App& app, FmtOptions& options) {
    CLI::App* cmd = app.add_subcommand(
        "fmt",
        "Lay rule files out in the canonical layout (docs/cli.md), keeping every comment; rewrites files in place.\n"
        "Exit status 0 when all went well (with --check: when nothing would change), 1 otherwise.");
    cmd->add_option("FILES", options.paths,
                    "Rule files, directories (every *.rules file under them), or - for standard input (the default "
                    "when it is not a terminal)")
        ->type_name("FILE.rules|DIR|-");
    cmd->add_flag("--check", options.check,
                  "Change nothing; name each file that would change (file:line: would reformat) on stderr and exit "
                  "with 1 if any would");
    cmd->add_flag("--diff", options.diff, "Change nothing; print what would change as a unified diff on stdout");
    cmd->add_option("--stdin-name", options.stdin_name, "The name standard input goes by in messages")
        ->type_name("NAME");
    cmd->add_flag("-v,--verbose", options.verbose, "Name each file rewritten, on stderr");
    cmd->add_flag("--no-color", options.no_color,
                  "Never colour diagnostics (default: colour when stderr is a terminal)");
    cmd->footer(
        "Examples:\n"
        "  covenant fmt rules/                  format every pack under rules/ in place\n"
        "  covenant fmt --check rules/          in CI: fail (exit 1) if any pack is not formatted\n"
        "  covenant fmt --diff my.rules         show what would change\n"
        "  covenant fmt < my.rules > out.rules  a filter, as editors call it\n"
        "A file with a syntax error is reported and left as it is; the others are still formatted.\n");
    return cmd;
}

int run_fmt(const FmtOptions& options) {
    const bool dash = std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end();
    if (dash && options.paths.size() > 1) {
        std::cerr << "covenant fmt: '-' (standard input) cannot be named together with files\n"
                     "Run `covenant fmt --help` for the options and examples.\n";
        return kExitUsage;
    }
    if (options.paths.empty() && ::isatty(STDIN_FILENO)) {
        std::cerr << "covenant fmt: name the files or directories to format, or pipe a file in\n"
                     "usage: covenant fmt [--check | --diff] [FILE.rules | DIR | -]...\n"
                     "Run `covenant fmt --help` for the options and examples.\n";
        return kExitUsage;
    }
    CommonOptions common;
    common.no_color = options.no_color;
    RenderOptions render_options{use_color(common)};

    SourceManager sources;
    DiagnosticSink sink(1000);
    Outcome outcome;
    if (options.paths.empty() || dash) {
        std::string text(std::istreambuf_iterator<char>(std::cin), {});
        FileId id = sources.add(options.stdin_name, std::move(text));
        format_one(options, sources, id, /*to_stdout=*/true, sink, outcome);
    } else {
        for (const auto& path : files_named(options.paths)) {
            std::string why;
            FileId id = sources.load(path, why);
            if (id == 0) {
                sink.error(SourceSpan{}, Code::CannotReadFile, "{}", why);
                outcome.failed = true;
                continue;
            }
            format_one(options, sources, id, /*to_stdout=*/false, sink, outcome);
        }
    }
    std::cerr << render_all(sink, sources, render_options);
    if (outcome.failed) return kExitInputError;
    return options.check && outcome.changed ? kExitInputError : kExitOk;
}

}  // namespace covenant::cli
