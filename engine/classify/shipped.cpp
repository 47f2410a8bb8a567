#include "classify/shipped.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

// Set by engine/CMakeLists.txt for this file only; the fallbacks keep other builds of the file (a fuzzer, a tool)
// working, finding nothing.
#ifndef COVENANT_SOURCE_DIR
#define COVENANT_SOURCE_DIR ""
#endif
#ifndef COVENANT_BINARY_DIR
#define COVENANT_BINARY_DIR ""
#endif
#ifndef COVENANT_INSTALL_DATADIR
#define COVENANT_INSTALL_DATADIR ""
#endif

namespace covenant {

namespace fs = std::filesystem;

namespace {

bool has_core(const fs::path& dir) {
    std::error_code ec;
    return !dir.empty() && fs::is_directory(dir / "rules" / "core", ec);
}

fs::path canonical_or_empty(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? fs::path{} : c;
}

bool inside(const fs::path& path, const fs::path& dir) {
    if (path.empty() || dir.empty()) return false;
    auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
    return d == dir.end();
}

fs::path running_executable() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path{} : exe;
}

// The file that holds this code: the executable for a static link, the shared object (the Python module, an
// embedding library) otherwise. dladdr names a shared object by the path it was loaded from.
fs::path this_object() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&has_core), &info) == 0 || info.dli_fname == nullptr) return {};
    return canonical_or_empty(info.dli_fname);
}

}  // namespace

static std::optional<std::string> find_shipped_data_dir() {
    const fs::path source = canonical_or_empty(COVENANT_SOURCE_DIR);
    const fs::path binary = canonical_or_empty(COVENANT_BINARY_DIR);
    const fs::path exe = canonical_or_empty(running_executable());
    if (has_core(source) && (inside(exe, binary) || inside(this_object(), binary))) return source.string();
    // An installed or relocated prefix: <prefix>/share/covenant beside the code (the Python module lies in
    // <prefix>/lib/python3.N/dist-packages, three levels down), then beside the executable (<prefix>/bin).
    for (const fs::path& binary_file : {this_object(), exe}) {
        if (binary_file.empty()) continue;
        fs::path dir = binary_file.parent_path();
        for (int up = 0; up < 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
            if (has_core(dir / "share" / "covenant")) return (dir / "share" / "covenant").string();
            if (dir == dir.root_path()) break;
        }
    }
    if (has_core(COVENANT_INSTALL_DATADIR)) return fs::path(COVENANT_INSTALL_DATADIR).string();
    if (has_core(source)) return source.string();
    return std::nullopt;
}

std::optional<std::string> shipped_data_dir() {
    // Found once per process: nothing it looks at (the binary's place, the configured directories) changes while it
    // runs, and every load asks several times (the core rules, the threat catalogue, the search path).
    static const std::optional<std::string> dir = find_shipped_data_dir();
    return dir;
}

std::optional<std::string> shipped_core_rules() {
    auto data = shipped_data_dir();
    if (!data) return std::nullopt;
    return (fs::path(*data) / "rules" / "core").string();
}

std::optional<std::string> shipped_threats() {
    auto data = shipped_data_dir();
    if (!data) return std::nullopt;
    fs::path threats = fs::path(*data) / "kb" / "threats.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(threats, ec)) return std::nullopt;
    return threats.string();
}

std::vector<std::string> covenant_path_dirs() {
    std::vector<std::string> dirs;
    const char* env = std::getenv("COVENANT_PATH");
    if (env == nullptr) return dirs;
    std::string_view rest = env;
    while (!rest.empty()) {
        auto colon = rest.find(':');
        std::string_view entry = rest.substr(0, colon);
        if (!entry.empty()) dirs.emplace_back(entry);
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return dirs;
}

std::vector<std::string> pack_search_path() {
    std::vector<std::string> dirs = covenant_path_dirs();
    if (auto data = shipped_data_dir()) dirs.push_back((fs::path(*data) / "rules").string());
    return dirs;
}

}  // namespace covenant
