#include "base/diagnostic.hpp"

#include <algorithm>
#include <array>

namespace covenant {

namespace {
struct CodeInfo {
    std::string_view id;
    std::string_view summary;
};
constexpr CodeInfo kCodes[] = {
#define X(code, name, summary) {#code, summary},
#include "base/diagnostics.def"
#undef X
};
}  // namespace

std::string_view code_id(Code c) { return kCodes[static_cast<std::size_t>(c)].id; }
std::string_view code_summary(Code c) { return kCodes[static_cast<std::size_t>(c)].summary; }

const std::vector<Code>& all_codes() {
    static const std::vector<Code> codes = [] {
        std::vector<Code> v;
        for (std::size_t i = 0; i < std::size(kCodes); ++i) v.push_back(static_cast<Code>(i));
        return v;
    }();
    return codes;
}

Diagnostic* DiagnosticSink::add(Severity sev, const SourceSpan& span, Code code, std::string message) {
    if (sev == Severity::Error) {
        if (errors_ >= limit_) {
            if (!limited_) {
                limited_ = true;
                items_.push_back({Severity::Error, Code::TooManyErrors, span,
                                  fmt::format("too many errors ({}); stopping here", limit_), {}});
            }
            return nullptr;
        }
        ++errors_;
    }
    items_.push_back({sev, code, span, std::move(message), {}});
    return &items_.back();
}

std::vector<Diagnostic> DiagnosticSink::sorted() const {
    std::vector<Diagnostic> v = items_;
    std::stable_sort(v.begin(), v.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.code == Code::TooManyErrors || b.code == Code::TooManyErrors)
            return b.code == Code::TooManyErrors && a.code != Code::TooManyErrors;
        if (a.span.file != b.span.file) return a.span.file < b.span.file;
        if (a.span.line != b.span.line) return a.span.line < b.span.line;
        return a.span.col < b.span.col;
    });
    return v;
}

std::string_view severity_word(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "error";
}

namespace {

void render_excerpt(std::string& out, const SourceSpan& span, const SourceManager& sm, const RenderOptions& opt) {
    if (!span.valid() || span.file == 0 || span.file >= sm.size()) return;
    const SourceFile& f = sm.file(span.file);
    std::string_view line = f.line_text(span.line);
    std::string num = std::to_string(span.line);
    std::string pad(num.size(), ' ');
    // Tabs are shown as single spaces so that the caret lines up with the byte column.
    std::string shown(line);
    std::replace(shown.begin(), shown.end(), '\t', ' ');
    out += fmt::format(" {} | {}\n", num, shown);
    std::size_t col = span.col ? span.col - 1 : 0;
    if (col > shown.size()) col = shown.size();
    std::size_t width = 1;
    if (span.end_line == span.line && span.end_col > span.col) width = span.end_col - span.col;
    if (col + width > shown.size() + 1) width = std::max<std::size_t>(1, shown.size() + 1 - col);
    std::string marker = "^" + std::string(width - 1, '~');
    if (opt.color) marker = "\x1b[1;32m" + marker + "\x1b[0m";
    out += fmt::format(" {} | {}{}\n", pad, std::string(col, ' '), marker);
}

}  // namespace

std::string render(const Diagnostic& d, const SourceManager& sm, const RenderOptions& opt) {
    std::string out;
    std::string where;
    if (d.span.file != 0 && d.span.file < sm.size()) {
        where = sm.file(d.span.file).path;
        if (d.span.valid()) where += fmt::format(":{}:{}", d.span.line, d.span.col);
        where += ": ";
    }
    std::string head = fmt::format("{}[{}]", severity_word(d.severity), code_id(d.code));
    if (opt.color) {
        const char* c = d.severity == Severity::Error ? "\x1b[1;31m"
                                                      : (d.severity == Severity::Warning ? "\x1b[1;35m" : "\x1b[1;36m");
        head = c + head + "\x1b[0m";
        if (!where.empty()) where = "\x1b[1m" + where + "\x1b[0m";
    }
    out += fmt::format("{}{}: {}\n", where, head, d.message);
    render_excerpt(out, d.span, sm, opt);
    for (const auto& n : d.notes) {
        std::string nwhere;
        if (n.span.valid() && n.span.file != 0 && n.span.file < sm.size())
            nwhere = fmt::format("{}:{}:{}: ", sm.file(n.span.file).path, n.span.line, n.span.col);
        out += fmt::format("{}note: {}\n", nwhere, n.message);
        render_excerpt(out, n.span, sm, opt);
    }
    return out;
}

std::string render_all(const DiagnosticSink& sink, const SourceManager& sm, const RenderOptions& opt) {
    std::string out;
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : sink.sorted()) {
        out += render(d, sm, opt);
        if (d.severity == Severity::Error && d.code != Code::TooManyErrors) ++errors;
        if (d.severity == Severity::Warning) ++warnings;
    }
    if (errors || warnings) {
        std::string s;
        if (errors) s += fmt::format("{} error{}", errors, errors == 1 ? "" : "s");
        if (warnings) s += fmt::format("{}{} warning{}", errors ? ", " : "", warnings, warnings == 1 ? "" : "s");
        out += s + "\n";
    }
    return out;
}

const char* indefinite_article(std::string_view word) {
    return !word.empty() && std::string_view("aeiouAEIOU").find(word.front()) != std::string_view::npos ? "an" : "a";
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates, TypoRule rule) {
    std::size_t best = static_cast<std::size_t>(-1);
    std::string best_word;
    std::vector<std::size_t> prev, cur;
    for (const auto& c : candidates) {
        // Levenshtein distance, two rows.
        prev.assign(c.size() + 1, 0);
        cur.assign(c.size() + 1, 0);
        for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
        for (std::size_t i = 1; i <= word.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j) {
                std::size_t sub = prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1);
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            }
            std::swap(prev, cur);
        }
        std::size_t d = prev[c.size()];
        if (d < best) {
            best = d;
            best_word = c;
        }
    }
    std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
    if (!best_word.empty() && best <= allowed && best != 0) return best_word;
    if (rule != TypoRule::EditsOrSwap) return {};
    for (const auto& c : candidates) {
        if (c.size() != word.size()) continue;
        std::size_t i = 0;
        while (i < c.size() && c[i] == word[i]) ++i;
        if (i + 1 < c.size() && c[i] == word[i + 1] && c[i + 1] == word[i] &&
            c.compare(i + 2, std::string::npos, word.substr(i + 2)) == 0)
            return c;
    }
    return {};
}

}  // namespace covenant
