// Diagnostics as data (after Soufflé's ErrorReport): stages record them in a DiagnosticSink, the driver renders them
// once. Each has a stable code from diagnostics.def, a severity, a primary span, a message in words and optional notes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/source.hpp"
#include "base/value_format.hpp"  // diagnostics name values

namespace covenant {

enum class Code : unsigned short {
#define X(code, name, summary) name,
#include "base/diagnostics.def"
#undef X
};

// "E0101" for Code::UnknownTemplate.
std::string_view code_id(Code c);

// The one-line summary from diagnostics.def.
std::string_view code_summary(Code c);
// All codes in definition order (for docs and tests).
const std::vector<Code>& all_codes();

enum class Severity { Error, Warning, Note };

// "error", "warning" or "note": the word diagnostics are rendered with (and the embedding API reports).
std::string_view severity_word(Severity s);

struct DiagnosticNote {
    SourceSpan span;  // may be invalid: then the note is text only
    std::string message;
};

struct Diagnostic {
    Severity severity = Severity::Error;
    Code code = Code::ParseExpected;
    SourceSpan span;
    std::string message;
    std::vector<DiagnosticNote> notes;
};

// Collects diagnostics. Stops recording errors after `limit` of them (then records one E0007 and drops the rest),
// so a badly broken file cannot flood the terminal.
class DiagnosticSink {
public:
    explicit DiagnosticSink(std::size_t limit = 50) : limit_(limit) {}

    template <typename... Args>
    Diagnostic* error(const SourceSpan& span, Code code, fmt::format_string<Args...> f, Args&&... args) {
        return add(Severity::Error, span, code, fmt::format(f, std::forward<Args>(args)...));
    }
    template <typename... Args>
    Diagnostic* warning(const SourceSpan& span, Code code, fmt::format_string<Args...> f, Args&&... args) {
        return add(Severity::Warning, span, code, fmt::format(f, std::forward<Args>(args)...));
    }
    // Adds a diagnostic; returns it (to attach notes) or nullptr when it was dropped by the limit.
    Diagnostic* add(Severity sev, const SourceSpan& span, Code code, std::string message);

    bool has_errors() const { return errors_ > 0; }
    std::size_t error_count() const { return errors_; }
    const std::vector<Diagnostic>& diagnostics() const { return items_; }
    // Sorted by file, then position (stable for equal positions); the order in which they are rendered.
    std::vector<Diagnostic> sorted() const;
    void clear() { items_.clear(); errors_ = 0; limited_ = false; }

private:
    std::size_t limit_;
    std::size_t errors_ = 0;
    bool limited_ = false;
    std::vector<Diagnostic> items_;
};

struct RenderOptions {
    bool color = false;
};

// Renders one diagnostic the way a compiler does:
//   rules/x.rules:4:12: error[E0101]: unknown template 'preson'; did you mean 'person'?
//      4 |   when institutoin(id: ?i)
//        |        ^~~~~~~~~~~
//   note: ...
std::string render(const Diagnostic& d, const SourceManager& sm, const RenderOptions& opt = {});
// Renders all of them (sorted) followed by a summary line ("2 errors, 1 warning") when there is any.
std::string render_all(const DiagnosticSink& sink, const SourceManager& sm, const RenderOptions& opt = {});

// "Did you mean": the one suggestion helper of the whole program (checker, fact files, expectations, trends, REPL).
// The candidate closest to `word` by edit distance (Levenshtein; the first of equally close ones), if it is close
// enough to be a likely typo (1 <= distance <= max(1, len/3)); with TypoRule::EditsOrSwap, when none is, also a
// candidate that differs from `word` by one swap of adjacent letters ('nmae' -> 'name'), the commonest typo, which
// edit distance counts as two edits and so misses in short words. Empty otherwise (an exact match is no typo).
//
// The checker (engine/check/) uses EditsOrSwap; every other caller uses Edits. Why not the swap rule everywhere: the
// fact-file reader (kb/fact_file.cpp) takes a suggested slot for the one the user meant (it then does not also
// report the required slot as missing), and its messages without a suggestion list the slots instead; both are
// pinned by golden tests (tests/golden/bad_yaml_values), so widening the rule there would change what users see.
enum class TypoRule : std::uint8_t { Edits, EditsOrSwap };
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates,
                          TypoRule rule = TypoRule::Edits);

// "an" before a word that starts with a vowel letter, else "a", for messages that name a template: "an owner id",
// "a person fact". By spelling, not sound (names in rules are lower-case words and identifiers).
const char* indefinite_article(std::string_view word);

}  // namespace covenant
