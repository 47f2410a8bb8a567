// Source files and locations. Every stage after parsing talks about places in the input through SourceSpan only
// (never iterators), so diagnostics, explanations and YAML errors all point at `file:line:col` the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace covenant {

using FileId = std::uint32_t;

// A half-open range in one source file. Lines and columns are 1-based; column counts bytes (tabs count as one).
// A default span (file 0, line 0) means "no location" — for facts made at run time, for instance.
struct SourceSpan {
    FileId file = 0;
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    std::uint32_t end_line = 0;
    std::uint32_t end_col = 0;
    std::uint32_t offset = 0;  // byte offset of the start in the file text
    std::uint32_t length = 0;  // bytes covered

    bool valid() const { return line != 0; }
    friend bool operator==(const SourceSpan&, const SourceSpan&) = default;
};

struct SourceFile {
    FileId id = 0;
    std::string path;  // as the user named it
    std::string text;

    // The text of 1-based line `line`, without its newline; empty when out of range.
    std::string_view line_text(std::uint32_t line) const;
    // Converts a byte offset into a span of `length` bytes with line and column filled in.
    SourceSpan span_at(std::uint32_t offset, std::uint32_t length) const;
    // The same, for a caller that asks for many spans in nearly ascending order (the parser's converter asks for
    // a dozen per line): `line_hint` is the line of the previous answer, tried before a binary search, and updated.
    SourceSpan span_at(std::uint32_t offset, std::uint32_t length, std::uint32_t& line_hint) const;

    std::vector<std::uint32_t> line_starts;  // offsets of each line start; filled by SourceManager
};

// Owns every file read during a session. FileId 0 is reserved for "no file"; ids are stable, files never move.
class SourceManager {
public:
    SourceManager();
    // Reads a file from disk. Returns 0 and sets `error` (in words) when it cannot be read.
    FileId load(const std::string& path, std::string& error);
    // Registers text that did not come from disk (a REPL line, a test string) under a display name.
    FileId add(std::string name, std::string text);
    const SourceFile& file(FileId id) const { return *files_.at(id); }
    std::size_t size() const { return files_.size(); }

private:
    std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace covenant
