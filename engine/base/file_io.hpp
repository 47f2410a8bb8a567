// Reading a whole file and writing one atomically: the file I/O that the classifier, `covenant doc`, the REPL's
// `save` and the reports share. In base so that a command that writes a file does not need the classify stage.
#pragma once

#include <span>
#include <string>

namespace covenant {

// The whole of the regular file `path` in one read into `out` (resized to the file's size; a file that grows while
// it is read is read to its end). False on any problem (no such file, not a regular file, a read error), with
// nothing worded: the caller lets SourceManager::load find and word the problem.
bool read_whole_file(const std::string& path, std::string& out);

// Writes `text` to `path` atomically (a temporary file in the same directory, then rename). Returns false and sets
// `error` in words on failure; an interrupted write never leaves a truncated file at `path`.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error);
// The same for a text given in pieces, written one after the other (a large report need not be joined first).
bool write_file_atomically(const std::string& path, std::span<const std::string> pieces, std::string& error);

}  // namespace covenant
