// The API's conversions: diagnostics to DiagnosticInfo and Error, scalars to slot values and back, classification
// results to records.
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "internal.hpp"

namespace covenant {

Error::Error(std::string rendered, std::vector<DiagnosticInfo> diagnostics)
    : std::runtime_error(rendered), rendered_(std::move(rendered)), diagnostics_(std::move(diagnostics)) {}

namespace api {

namespace {


}  // namespace

DiagnosticInfo diagnostic_of(const Diagnostic& d, const SourceManager* sm) {
    DiagnosticInfo info;
    info.code = std::string(code_id(d.code));
    info.severity = std::string(severity_word(d.severity));
    if (sm && d.span.valid() && d.span.file != 0 && d.span.file < sm->size()) info.file = sm->file(d.span.file).path;
    if (d.span.valid()) {
        info.line = d.span.line;
        info.column = d.span.col;
    }
    info.message = d.message;
    return info;
}

std::vector<DiagnosticInfo> diagnostics_of(const DiagnosticSink& sink, const SourceManager& sm, bool only_errors) {
    std::vector<DiagnosticInfo> out;
    for (const Diagnostic& d : sink.sorted())
        if (!only_errors || d.severity == Severity::Error) out.push_back(diagnostic_of(d, &sm));
    return out;
}

void throw_diagnostics(const DiagnosticSink& sink, const SourceManager& sm) {
    throw Error(render_all(sink, sm), diagnostics_of(sink, sm, true));
}

void throw_error(Code code, const std::string& message) {
    throw Error(fmt::format("error[{}]: {}\n", code_id(code), message),
                {{std::string(code_id(code)), "error", "", 0, 0, message}});
}

namespace {

std::string float_text(double x) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    std::string s(buf, ec == std::errc() ? end : buf);
    if (std::isfinite(x) && s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

}  // namespace

std::optional<Value> to_value(const Scalar& s, const SlotDef& slot, std::string& why, Code& code) {
    code = Code::FactBadValue;
    std::string text;
    bool quoted = false;
    if (const auto* t = std::get_if<std::string>(&s)) {
        text = *t;
        quoted = slot.type == Type::String;  // text for a string slot is a string whatever it spells
    } else if (const auto* i = std::get_if<std::int64_t>(&s)) {
        text = std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&s)) {
        text = float_text(*d);
    } else {
        text = std::get<bool>(s) ? "true" : "false";
    }
    std::optional<Value> v = value_from_text(text, quoted, slot, why);
    if (!v) return std::nullopt;
    if (std::string problem = slot_range_problem(slot, *v); !problem.empty()) {
        why = problem;
        code = Code::FactOutOfRange;
        return std::nullopt;
    }
    return v;
}

Scalar to_scalar(const Value& v) {
    switch (v.type) {
        case Type::Int:
            return Scalar(static_cast<std::int64_t>(v.i));
        case Type::Float:
            return Scalar(v.f);
        case Type::Bool:
            return Scalar(v.b);
        case Type::Symbol:
        case Type::String:
            return Scalar(std::string(v.text()));
        case Type::List:  // the public records hold single values: a list is given as its text, "[a, b]"
            return Scalar(to_source(v));
        case Type::Any:
            break;
    }
    return Scalar(std::string());
}

SubjectRecord to_record(const InstitutionResult& r, const Program& program) {
    SubjectRecord s;
    s.subject = r.institution;
    s.conclusion = r.architecture;
    s.detail = r.subtype;
    s.conclusion_rule = r.architecture_rule;
    const ReportLabels labels = report_labels(program);
    for (const auto& score : r.scores) {
        std::string label = score.predicate;
        for (const auto& [pred, l] : labels.scores)
            if (pred == score.predicate) label = l;
        s.scores.push_back({score.predicate, label, score.value});
    }
    for (const auto& f : r.strains) s.findings.push_back({f.kind, f.severity, f.reason, f.rule, f.finding});
    for (const auto& x : r.reasons) s.reasons.push_back({x.rule, x.kind, x.toward, x.weight, x.text});
    return s;
}

CaseRecord to_record(const CaseResult& result, const Program& program) {
    CaseRecord c;
    c.case_id = result.case_id;
    c.file = result.file;
    c.as_of = result.as_of;
    c.title = result.title;
    for (const auto& r : result.institutions) c.subjects.push_back(to_record(r, program));
    if (result.error) {
        for (const auto& e : result.error->errors)
            c.errors.push_back({e.code, "error", e.file, e.line, e.col, e.message});
        if (c.errors.empty())  // a CaseError always names one problem; keep it even without the item list
            c.errors.push_back(
                {"E0401", "error", result.error->file, result.error->line, result.error->col, result.error->message});
        c.error_text = result.error->rendered;
    }
    c.firings = result.firings;
    c.run_problem = result.run_problem;
    c.printed = result.printed;
    return c;
}

}  // namespace api
}  // namespace covenant
