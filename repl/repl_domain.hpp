// What the REPL knows about the shipped domain rather than about rule programs in general: that institutions are
// facts of a template named `institution` keyed by its `id` slot, and that other templates point at one through a
// slot named `institution`. Kept to these few functions so that a pack declaration can replace them; everything
// else in repl/ works for any rule program.
#pragma once

#include <string>
#include <vector>

#include "program/program.hpp"
#include "runtime/engine.hpp"

namespace covenant::cli {

// The template of institutions: `institution` when it has an `id` slot, else nullptr (the rules define none, and
// `consult` and institution completion have nothing to work on).
const TemplateDef* institution_template(const Program& program);

// The ids of the institution facts live in `engine`, as displayed (empty when there is no institution template).
// `consult` accepts these; `classify` and `consult` complete them.
std::vector<std::string> institution_ids(const Program& program, const Engine& engine);

// The slot of `t` that names the institution a fact is about: `institution`, or `id` for the institution template
// itself; -1 when it has neither. `consult` records an answer in the fact about the institution consulted.
int institution_slot(const TemplateDef& t);

}  // namespace covenant::cli
