#include "base/source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace covenant {

std::string_view SourceFile::line_text(std::uint32_t line) const {
    if (line == 0 || line > line_starts.size()) return {};
    std::uint32_t begin = line_starts[line - 1];
    std::uint32_t end = line < line_starts.size() ? line_starts[line] : static_cast<std::uint32_t>(text.size());
    std::string_view v(text.data() + begin, end - begin);
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
    return v;
}

SourceSpan SourceFile::span_at(std::uint32_t offset, std::uint32_t length) const {
    std::uint32_t line_hint = 1;
    return span_at(offset, length, line_hint);
}

SourceSpan SourceFile::span_at(std::uint32_t offset, std::uint32_t length, std::uint32_t& line_hint) const {
    // With line_starts[0] == 0 every offset has a line: the last start at or before it (1-based: its index + 1).
    const auto lines = static_cast<std::uint32_t>(line_starts.size());
    auto on_line = [&](std::uint32_t off, std::uint32_t line) {
        return line >= 1 && line <= lines && line_starts[line - 1] <= off && (line == lines || off < line_starts[line]);
    };
    auto locate = [&](std::uint32_t off, std::uint32_t& line, std::uint32_t& col) {
        off = std::min<std::uint32_t>(off, static_cast<std::uint32_t>(text.size()));
        if (lines == 0) {  // a SourceFile not made by a SourceManager has no line index: one line
            line = 1;
            col = off + 1;
            return;
        }
        if (on_line(off, line_hint)) {
            line = line_hint;
        } else if (on_line(off, line_hint + 1)) {
            line = line_hint + 1;
        } else {
            auto it = std::upper_bound(line_starts.begin(), line_starts.end(), off);
            line = static_cast<std::uint32_t>(it - line_starts.begin());
        }
        col = off - line_starts[line - 1] + 1;
        line_hint = line;
    };
    SourceSpan s;
    s.file = id;
    s.offset = offset;
    s.length = length;
    locate(offset, s.line, s.col);
    locate(offset + length, s.end_line, s.end_col);
    line_hint = s.line;
    return s;
}

static void index_lines(SourceFile& f) {
    f.line_starts.clear();
    f.line_starts.push_back(0);
    for (std::uint32_t i = 0; i < f.text.size(); ++i)
        if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
}

SourceManager::SourceManager() {
    files_.push_back(std::make_unique<SourceFile>());  // id 0: no file
    index_lines(*files_.back());
}

FileId SourceManager::add(std::string name, std::string text) {
    auto f = std::make_unique<SourceFile>();
    f->id = static_cast<FileId>(files_.size());
    f->path = std::move(name);
    f->text = std::move(text);
    index_lines(*f);
    files_.push_back(std::move(f));
    return files_.back()->id;
}

FileId SourceManager::load(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open '" + path + "'";
        return 0;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        error = "cannot read '" + path + "'";
        return 0;
    }
    return add(path, ss.str());
}

}  // namespace covenant
