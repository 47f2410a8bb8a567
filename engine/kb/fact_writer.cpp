#include "kb/fact_writer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace covenant {

std::string yaml_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default: {
                auto byte = static_cast<unsigned char>(c);
                if (byte < 0x20) out += fmt::format("\\x{:02x}", byte);
                else out += c;
            }
        }
    }
    return out + "\"";
}

std::string yaml_value(const Value& v) {
    if (v.type == Type::String) return yaml_quoted(v.text());
    if (v.type == Type::List) {  // a flow sequence, each item as it is written on its own
        std::string out = "[";
        for (const auto& item : v.items()) out += (out.size() > 1 ? ", " : "") + yaml_value(item);
        return out + "]";
    }
    return to_source(v);
}

FactFileText write_fact_file(const Program& program, std::string_view comment,
                             const std::vector<std::pair<std::string, std::string>>& header,
                             const std::vector<InitialFact>& facts) {
    FactFileText out;
    out.text = "# " + std::string(comment) + "\n";
    for (const auto& [key, value] : header)
        out.text += key + ": " + (key == "as_of" ? value : yaml_quoted(value)) + "\n";
    out.text += "facts:\n";
    auto written = [&](const InitialFact& f) { return !program.templates[f.tmpl].is_case_template(); };
    std::vector<TemplateId> order;
    for (const auto& f : facts)
        if (written(f) && std::find(order.begin(), order.end(), f.tmpl) == order.end()) order.push_back(f.tmpl);
    for (TemplateId tmpl : order) {
        const TemplateDef& t = program.templates.at(tmpl);
        out.text += "  " + t.name + ":\n";
        for (const auto& f : facts) {
            if (f.tmpl != tmpl) continue;
            std::string slots;
            for (std::size_t s = 0; s < t.slots.size(); ++s) {
                const Value& v = f.values[s];
                if (t.slots[s].default_value && *t.slots[s].default_value == v) continue;
                slots += (slots.empty() ? "" : ", ") + t.slots[s].name + ": " + yaml_value(v);
            }
            out.text += "    - {" + slots + "}\n";
            ++out.facts;
        }
    }
    return out;
}

}  // namespace covenant
