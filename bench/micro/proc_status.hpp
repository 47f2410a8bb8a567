// What the benchmarks read of the process's own memory, shared by engine_micro and soak_memory.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace covenant::bench {

// A field of /proc/self/status in KiB (VmRSS: current resident set; VmHWM: its peak); 0 when unavailable.
inline std::uint64_t status_kib(std::string_view field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':')
            return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
    return 0;
}

}  // namespace covenant::bench
