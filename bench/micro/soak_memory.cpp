// soak_memory: does a long run over a constant working memory stay within a fixed memory ceiling? (issue 9)
//
//   soak_memory [--workload modify|churn] [--firings N] [--ceiling-mib M] [--keep-going]
//
// Runs one of two programs for N firings (default 10,000,000) whose working memory stays the same size however long
// they run, and samples the process's resident set along the way:
//   modify  one fact modified over and over (`?c <- counter(n: ?n) => modify ?c (n: ?n + 1)`): every firing retracts
//           a fact and asserts a new one with a new id, and records a justification;
//   churn   a clock fact ticks (modify) and per tick every one of four items gets conclusions supported by the
//           current clock (withdrawn at the next tick: truth maintenance), a second, churning support for a
//           conclusion that also has a stable one (the well-foundedness check), an evidence contribution next to a
//           stable one (the contribution lists), and a conclusion that follows the combined score; nine firings a tick.
// The table has one row per sample: firings so far, the resident set (VmRSS) and its peak (VmHWM) in MiB, the engine's
// own estimate (EngineStats::memory_bytes) and, when the engine reports it, the number of justifications it keeps.
//
// Fails (exit status 1) when
//   - the peak resident set passes the ceiling (default 64 MiB; the run stops there unless --keep-going), or
//   - it keeps growing after warm-up: the final peak is more than max(4 MiB, 10%) above the peak at the warm-up
//     sample (the first sample at or after min(1,000,000, N / 10) firings).
// Exit status 2 on bad arguments or a program that does not compile. Not a timed test: bench/soak_memory.sh builds
// and runs it for both workloads.
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "check/check.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

#include "proc_status.hpp"

namespace {

using namespace covenant;

using covenant::bench::status_kib;

std::uint64_t peak_kib() {
    std::uint64_t hwm = status_kib("VmHWM");
    if (hwm) return hwm;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss);  // KiB on Linux
}

constexpr std::string_view kModifyProgram = R"(
template counter { n: int }

facts {
  counter(n: 0)
}

rule count {
  when ?c <- counter(n: ?n)
  then modify ?c (n: ?n + 1)
}
)";

constexpr std::string_view kChurnProgram = R"(
template clock { t: int }
template item  { id: int }
template base  { id: int }
template flag  { id: int, parity: int }
template alarm { id: int }

facts {
  clock(t: 0)
  item(id: 1)
  item(id: 2)
  item(id: 3)
  item(id: 4)
}

rule tick salience -10 {
  when ?c <- clock(t: ?t)
  then modify ?c (t: ?t + 1)
}

rule stable {
  when item(id: ?i)
  then conclude base(id: ?i)
       evidence risk(?i) 0.2 "stable"
}

rule per_tick {
  when clock(t: ?t)
       item(id: ?i)
  then conclude base(id: ?i)
       conclude flag(id: ?i, parity: mod(?t, 2))
       evidence risk(?i) 0.1 "tick for {?i}"
}

rule alarm {
  when item(id: ?i)
       ?r = score(risk(?i))
       test ?r > 0.25
  then conclude alarm(id: ?i)
}
)";

// The number of justifications the engine keeps, when its EngineStats has the field (older engines do not).
template <typename Stats>
std::string kept_text(const Stats& s) {
    if constexpr (requires { s.justifications_kept; }) return fmt::format("{}", s.justifications_kept);
    else return "-";
}

int usage() {
    std::fprintf(stderr, "usage: soak_memory [--workload modify|churn] [--firings N] [--ceiling-mib M] [--keep-going]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string workload = "modify";
    std::uint64_t firings = 10'000'000;
    std::uint64_t ceiling_mib = 64;
    bool keep_going = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--workload") {
            const char* v = next();
            if (!v) return usage();
            workload = v;
        } else if (a == "--firings" || a == "--ceiling-mib") {
            const char* v = next();
            if (!v) return usage();
            char* end = nullptr;
            std::uint64_t n = std::strtoull(v, &end, 10);
            if (*end != '\0' || n == 0) return usage();
            (a == "--firings" ? firings : ceiling_mib) = n;
        } else if (a == "--keep-going") {
            keep_going = true;
        } else {
            return usage();
        }
    }
    if (workload != "modify" && workload != "churn") return usage();

    SourceManager sources;
    DiagnosticSink sink;
    FileId file = sources.add("<" + workload + ">", std::string(workload == "modify" ? kModifyProgram : kChurnProgram));
    std::vector<ast::Unit> units;
    units.push_back(parse_unit(sources.file(file), sink));
    std::optional<Program> program;
    if (!sink.has_errors()) program = check_units(units, sources, sink);
    if (sink.has_errors() || !program) {
        std::fputs(render_all(sink, sources).c_str(), stderr);
        return 2;
    }

    Engine engine(*program);
    engine.set_sources(&sources);
    engine.reset();

    // Samples: 100,000 firings (early growth), then every tenth of the run.
    std::vector<std::uint64_t> marks;
    if (firings > 100'000) marks.push_back(100'000);
    for (int k = 1; k <= 10; ++k) marks.push_back(firings * static_cast<std::uint64_t>(k) / 10);
    std::sort(marks.begin(), marks.end());
    marks.erase(std::unique(marks.begin(), marks.end()), marks.end());
    std::erase(marks, 0);
    const std::uint64_t warmup_at = std::min<std::uint64_t>(1'000'000, firings / 10);
    std::uint64_t warmup_done = 0;  // the firings at the warm-up sample
    const std::uint64_t ceiling_kib = ceiling_mib * 1024;

    fmt::print("workload {}: {} firings, ceiling {} MiB\n", workload, firings, ceiling_mib);
    fmt::print("{:>12}  {:>9}  {:>9}  {:>12}  {:>8}\n", "firings", "rss MiB", "peak MiB", "engine KiB", "kept");
    std::uint64_t done = 0;
    std::uint64_t warmup_peak = 0;
    bool over = false;
    for (std::uint64_t mark : marks) {
        RunLimits limits;
        limits.max_firings = mark - done;
        RunResult r = engine.run(limits);
        done += r.firings;
        EngineStats s = engine.stats();
        std::uint64_t rss = status_kib("VmRSS"), peak = peak_kib();
        fmt::print("{:>12}  {:>9.1f}  {:>9.1f}  {:>12}  {:>8}\n", done, rss / 1024.0, peak / 1024.0,
                   (s.memory_bytes + 1023) / 1024, kept_text(s));
        std::fflush(stdout);
        if (r.reason != StopReason::MaxFirings) {
            fmt::print(stderr, "soak_memory: the run stopped early ({})\n", stop_reason_text(r.reason));
            for (const auto& e : r.errors) fmt::print(stderr, "{}\n", render_run_error(e, engine.sources()));
            return 1;
        }
        if (warmup_done == 0 && done >= warmup_at) {
            warmup_peak = peak;
            warmup_done = done;
        }
        if (peak > ceiling_kib) {
            over = true;
            if (!keep_going) break;
        }
    }
    std::uint64_t final_peak = peak_kib();
    bool failed = false;
    if (over) {
        fmt::print("FAIL: the peak resident set ({:.1f} MiB) passed the ceiling of {} MiB{}\n", final_peak / 1024.0,
                   ceiling_mib, keep_going ? "" : "; stopped there");
        failed = true;
    }
    if (!over || keep_going) {
        std::uint64_t tolerance = std::max<std::uint64_t>(4 * 1024, warmup_peak / 10);
        if (final_peak > warmup_peak + tolerance) {
            fmt::print("FAIL: the resident set kept growing after warm-up: peak {:.1f} MiB at {} firings, {:.1f} MiB "
                       "at the end\n", warmup_peak / 1024.0, warmup_done, final_peak / 1024.0);
            failed = true;
        }
    }
    if (!failed) fmt::print("ok: peak {:.1f} MiB, within the ceiling of {} MiB and flat after warm-up\n",
                            final_peak / 1024.0, ceiling_mib);
    return failed ? 1 : 0;
}
