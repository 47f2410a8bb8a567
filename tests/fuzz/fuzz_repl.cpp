// libFuzzer target: the input is a REPL transcript, one command per line, fed to a fresh cli::ReplSession (the
// interpreter behind `covenant repl`, without the terminal) whose output goes to a string. The session starts on
// the family example (rules/examples/family.rules), or, when the input's first line is `#! core`, on the core packs
// with kb/threats.yaml and kb/cases/sco-2025.yaml (as `covenant repl kb/cases/sco-2025.yaml`), where classify,
// why, why-not, what-if, diff and consult have real work.
//
// Excluded: `save` and `report` (write a file) and `load` (reads any file named on the line, which would make a run
// depend on the machine's files): lines starting with one of these words are skipped — except as answers during `consult`, where
// the session does not treat them as commands. Everything else runs as typed. At most 200 lines are taken, and
// `run` is bounded only by the fixed programs, which always reach quiescence. `consult` is allowed but has no seed:
// on the core packs it ranks every question by trial runs, about 2.5 s of CPU per input under ASan, which would
// starve the rest of the target (the transcript tests cover it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "session.hpp"

using namespace covenant;

namespace {

std::string source_path(const char* relative) {
    const char* env = std::getenv("COVENANT_SOURCE_DIR");
    return (std::filesystem::path(env ? env : COVENANT_SOURCE_DIR) / relative).string();
}

bool excluded(std::string_view line, const cli::ReplSession& session) {
    if (session.prompt().rfind("consult ", 0) == 0) return false;  // an answer, not a command
    std::size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return false;
    std::string_view rest = line.substr(b);
    std::string_view word = rest.substr(0, rest.find_first_of(" \t\r"));
    return word == "save" || word == "report" || word == "load";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    bool use_core = input.rfind("#! core", 0) == 0;

    std::ostringstream out;
    cli::ReplSession session(out, cli::SessionOptions{});
    bool started = use_core ? session.start({source_path("rules/core/architecture.rules"),
                                             source_path("rules/core/recency.rules"),
                                             source_path("rules/core/strain.rules"),
                                             source_path("rules/core/vocabulary.rules"),
                                             source_path("rules/core/weights.rules")},
                                            {source_path("kb/threats.yaml")}, {source_path("kb/cases/sco-2025.yaml")})
                            : session.start({source_path("rules/examples/family.rules")}, {}, {});
    if (!started) {
        std::fprintf(stderr, "fuzz_repl: the session did not start:\n%s", out.str().c_str());
        std::abort();
    }
    std::size_t lines = 0;
    while (!input.empty() && lines++ < 200) {
        std::size_t end = input.find('\n');
        std::string_view line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
        if (excluded(line, session)) continue;
        std::size_t word = line.rfind(' ');  // completion of the last word, as Tab would ask
        (void)session.complete(line.substr(0, word == std::string_view::npos ? 0 : word + 1),
                               line.substr(word == std::string_view::npos ? 0 : word + 1));
        if (session.execute(line) == cli::ReplSession::Status::Quit) break;
        (void)session.prompt();
    }
    return 0;
}
