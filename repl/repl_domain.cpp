#include "repl_domain.hpp"

namespace covenant::cli {

const TemplateDef* subject_template(const Program& program) {
    return program.report.subject ? &program.templates[program.report.subject->tmpl] : nullptr;
}

std::string subject_word(const Program& program) {
    const TemplateDef* t = subject_template(program);
    return t ? t->name : "subject";
}

std::vector<std::string> subject_ids(const Program& program, const Engine& engine) {
    std::vector<std::string> ids;
    const TemplateDef* t = subject_template(program);
    if (!t) return ids;
    SlotIndex key = program.report.subject->key;
    for (FactId id : engine.facts_of(t->id)) ids.push_back(to_display(engine.fact(id).values[key]));
    return ids;
}

}  // namespace covenant::cli
