// What the REPL needs of a program's subjects — the facts a case is about, as the packs declare them with
// `report subject` (docs/language.md §12; institutions in the core packs). Everything else in repl/ works for any
// rule program; a program that declares no subject has no subjects to consult on or complete.
#pragma once

#include <string>
#include <vector>

#include "program/program.hpp"
#include "runtime/engine.hpp"

namespace covenant::cli {

// The subject template (`report subject`), or nullptr when the packs declare none.
const TemplateDef* subject_template(const Program& program);

// What the subjects are called in messages: the subject template's name ("institution"), else "subject".
std::string subject_word(const Program& program);

// The ids of the subject facts live in `engine`, as displayed (empty when there is no subject template).
// `consult` accepts these; `classify` and `consult` complete them.
std::vector<std::string> subject_ids(const Program& program, const Engine& engine);

}  // namespace covenant::cli
