// covenant::Rules: loading packs and shared facts, and classifying cases (files and data) in parallel.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <thread>

#include "check/check.hpp"
#include "classify/expect.hpp"
#include "classify/packs.hpp"
#include "classify/shipped.hpp"
#include "internal.hpp"
#include "kb/world.hpp"

namespace covenant {

namespace fs = std::filesystem;

namespace {

ClassifyOptions classify_options(const Rules::Impl& impl, const BatchOptions& options) {
    ClassifyOptions o;
    o.shared_facts = impl.shared;
    o.max_firings = options.max_firings;
    return o;
}

// "<data NAME>": a case given as data has no file; its diagnostics name it so.
std::string data_name(const Data& d, const std::string& name, std::size_t index) {
    if (!name.empty()) return "<data " + name + ">";
    if (const Data* c = d.get("case"); c && c->kind() == Data::Kind::Scalar)
        if (const auto* s = std::get_if<std::string>(&c->scalar())) return "<data " + *s + ">";
    return fmt::format("<data case {}>", index + 1);
}

}  // namespace

namespace api {

CaseResult classify_text(Engine& engine, const std::string& name, std::string text, const ClassifyOptions& options) {
    SourceManager sm;
    FileId fid = sm.add(name, std::move(text));
    CaseResult result;
    result.file = name;
    result.case_id = name;
    return classify_source(engine, sm, fid, options, std::move(result));
}

}  // namespace api

Rules::Rules(const RulesOptions& options) {
    // The CLI's loading (classify/packs.hpp), so the defaults are the same: the shipped core packs, and the threat
    // catalogue whenever the loaded rules use the core vocabulary and no fact files are named.
    auto impl = std::make_shared<Impl>();
    PackRequest request;
    request.rules = options.rules;
    request.facts = options.facts;
    request.no_default_facts = options.no_default_facts;
    request.search_path = options.search_path;
    LoadedPacks packs;
    DiagnosticSink sink;
    bool ok = load_packs(request, impl->sources, sink, packs);
    if (!ok) api::throw_diagnostics(sink, impl->sources);
    impl->program = std::move(packs.program);
    impl->shared = std::move(packs.shared);
    impl->rule_files = std::move(packs.rule_files);
    impl->fact_files = std::move(packs.fact_files);
    impl->warnings = api::diagnostics_of(sink, impl->sources);
    impl_ = std::move(impl);
}

Rules Rules::load(std::vector<std::string> rules, std::vector<std::string> facts) {
    RulesOptions o;
    o.rules = std::move(rules);
    o.facts = std::move(facts);
    return Rules(o);
}

const std::vector<DiagnosticInfo>& Rules::warnings() const {
    return impl_->warnings;
}
const std::vector<std::string>& Rules::rule_files() const {
    return impl_->rule_files;
}
const std::vector<std::string>& Rules::fact_files() const {
    return impl_->fact_files;
}

Labels Rules::labels() const {
    ReportLabels l = report_labels(*impl_->program);
    Labels out;
    out.subject = l.subject;
    out.conclusion = l.conclusion;
    out.detail = l.detail;
    out.findings = l.findings;
    out.scores = l.scores;
    return out;
}

std::vector<std::string> Rules::template_names() const {
    std::vector<std::string> names;
    for (const auto& t : impl_->program->templates) names.push_back(t.name);
    return names;
}

std::vector<std::string> Rules::slot_names(const std::string& template_name) const {
    const TemplateDef* t = impl_->program->find_template(template_name);
    if (!t) {
        std::vector<std::string> names = template_names();
        api::throw_error(Code::UnknownTemplate, fmt::format("unknown template '{}'{}", template_name, [&] {
                             std::string m = closest_match(template_name, names);
                             return m.empty() ? std::string() : "; did you mean '" + m + "'?";
                         }()));
    }
    std::vector<std::string> names;
    for (const auto& s : t->slots) names.push_back(s.name);
    return names;
}

CaseRecord Rules::classify_file(const std::string& path, const BatchOptions& options) const {
    Engine engine(*impl_->program);
    CaseRecord r = api::to_record(classify_case(engine, path, classify_options(*impl_, options)), *impl_->program);
    if (!r.errors.empty()) throw Error(r.error_text, r.errors);
    return r;
}

CaseRecord Rules::classify_data(const Data& case_data, const std::string& name, const BatchOptions& options) const {
    Engine engine(*impl_->program);
    CaseRecord r = api::to_record(api::classify_text(engine, data_name(case_data, name, 0), case_data.to_yaml(),
                                                     classify_options(*impl_, options)),
                                  *impl_->program);
    if (!r.errors.empty()) throw Error(r.error_text, r.errors);
    return r;
}

std::vector<CaseRecord> Rules::classify_files(const std::vector<std::string>& paths,
                                              const BatchOptions& options) const {
    std::string error;
    std::vector<std::string> files = expand_case_paths(paths, error);
    if (!error.empty()) api::throw_error(Code::CannotReadFile, error);
    // classify_all is what `covenant classify --jobs` runs, so records match the CLI's report case for case.
    std::vector<CaseResult> results =
        classify_all(*impl_->program, files, classify_options(*impl_, options), std::max(1u, options.jobs));
    std::vector<CaseRecord> out;
    out.reserve(results.size());
    for (const auto& r : results) out.push_back(api::to_record(r, *impl_->program));
    return out;
}

std::vector<CaseRecord> Rules::classify_data(const std::vector<Data>& cases, const BatchOptions& options,
                                             const std::vector<std::string>& names) const {
    if (!names.empty() && names.size() != cases.size())
        api::throw_error(Code::ParseExpected, fmt::format("{} names given for {} cases", names.size(), cases.size()));
    const ClassifyOptions o = classify_options(*impl_, options);
    std::vector<CaseRecord> out(cases.size());
    for_each_case(*impl_->program, cases.size(), options.jobs, [&](Engine& engine, std::size_t i) {
        std::string name = data_name(cases[i], names.empty() ? std::string() : names[i], i);
        out[i] = api::to_record(api::classify_text(engine, name, cases[i].to_yaml(), o), *impl_->program);
    });
    return out;
}

Session Rules::session() const {
    return Session(*this);
}

std::string data_directory() {
    return shipped_data_dir().value_or("");
}

std::string version() {
#ifdef COVENANT_VERSION
    return COVENANT_VERSION;
#else
    return "0.0.0";
#endif
}

}  // namespace covenant
