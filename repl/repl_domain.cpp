#include "repl_domain.hpp"

namespace covenant::cli {

const TemplateDef* institution_template(const Program& program) {
    const TemplateDef* t = program.find_template("institution");
    return t && t->slot_index("id") >= 0 ? t : nullptr;
}

std::vector<std::string> institution_ids(const Program& program, const Engine& engine) {
    std::vector<std::string> ids;
    const TemplateDef* t = institution_template(program);
    if (!t) return ids;
    auto slot = static_cast<std::size_t>(t->slot_index("id"));
    for (FactId id : engine.facts_of(t->id)) ids.push_back(to_display(engine.fact(id).values[slot]));
    return ids;
}

int institution_slot(const TemplateDef& t) {
    if (t.name == "institution") return t.slot_index("id");
    return t.slot_index("institution");
}

}  // namespace covenant::cli
