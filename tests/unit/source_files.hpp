// Reading the project's own files from tests: the source tree (COVENANT_SOURCE_DIR, from the environment ctest sets
// or the build), a file's text, and the ```covenant blocks of a Markdown file. Shared by the docs and fmt tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace covenant::test {

inline std::filesystem::path source_dir() {
    const char* env = std::getenv("COVENANT_SOURCE_DIR");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path(COVENANT_SOURCE_DIR);
}

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct CodeBlock {
    std::size_t first_line = 0;  // 1-based line of the block's first content line in the markdown file
    std::string text;
};

// The fenced blocks opened with exactly ```covenant (not ```covenant-error or others).
inline std::vector<CodeBlock> covenant_blocks(const std::string& markdown) {
    std::vector<CodeBlock> blocks;
    std::istringstream in(markdown);
    std::string line;
    std::size_t number = 0;
    CodeBlock* open = nullptr;
    while (std::getline(in, line)) {
        ++number;
        std::string trimmed = line.substr(0, line.find_last_not_of(" \t\r") + 1);
        if (!open && trimmed == "```covenant") {
            blocks.push_back({number + 1, {}});
            open = &blocks.back();
        } else if (open && trimmed.rfind("```", 0) == 0) {
            open = nullptr;
        } else if (open) {
            open->text += line + "\n";
        }
    }
    return blocks;
}

}  // namespace covenant::test
