#include "base/file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace covenant {

namespace fs = std::filesystem;

// One read into a string of the file's size: SourceManager::load copies through an ostringstream, which cost more
// than scanning the file.
bool read_whole_file(const std::string& path, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
        out.resize(static_cast<std::size_t>(st.st_size));
        std::size_t done = 0;
        while (ok && done < out.size()) {
            ssize_t n = ::read(fd, out.data() + done, out.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) ok = false;
            else done += static_cast<std::size_t>(n);
        }
        // A file that grew since fstat: read the rest too, as the stream would have.
        char extra[4096];
        for (ssize_t n; ok && (n = ::read(fd, extra, sizeof extra)) != 0;) {
            if (n < 0) {
                if (errno != EINTR) ok = false;
                continue;
            }
            out.append(extra, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return ok;
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
    return write_file_atomically(path, std::span<const std::string>(&text, 1), error);
}

bool write_file_atomically(const std::string& path, std::span<const std::string> pieces, std::string& error) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmp = (dir / fmt::format(".{}.tmp.{}", target.filename().string(), ::getpid())).string();
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            // Name the file the user asked for, and why (the temporary file is an implementation detail).
            int why = errno;
            std::error_code ec;
            error = fs::is_directory(dir, ec) ? fmt::format("cannot write '{}': {}", path, std::strerror(why))
                                              : fmt::format("cannot write '{}': no directory '{}'", path, dir.string());
            return false;
        }
        for (const std::string& piece : pieces) out << piece;
        out.flush();
        if (!out) {
            error = fmt::format("cannot write '{}' (disk full?)", tmp);
            std::remove(tmp.c_str());
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        error = fmt::format("cannot move '{}' to '{}': {}", tmp, path, ec.message());
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace covenant
