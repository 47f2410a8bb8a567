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
    auto locate = [&](std::uint32_t off, std::uint32_t& line, std::uint32_t& col) {
        off = std::min<std::uint32_t>(off, static_cast<std::uint32_t>(text.size()));
        auto it = std::upper_bound(line_starts.begin(), line_starts.end(), off);
        std::size_t idx = static_cast<std::size_t>(it - line_starts.begin());  // >= 1 because line_starts[0] == 0
        line = static_cast<std::uint32_t>(idx);
        col = off - line_starts[idx - 1] + 1;
    };
    SourceSpan s;
    s.file = id;
    s.offset = offset;
    s.length = length;
    locate(offset, s.line, s.col);
    locate(offset + length, s.end_line, s.end_col);
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
