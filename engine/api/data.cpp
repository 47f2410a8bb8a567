// covenant::Data: nested data in the shape of a fact file, and its YAML text. The text is what the fact-file reader
// reads, so a case given as data goes through exactly the checks a case file does; block style puts every scalar on
// a line of its own, so that a diagnostic's line and column name one value.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "covenant/covenant.hpp"

namespace covenant {

Data::Data() = default;
Data::Data(Scalar value) : kind_(Kind::Scalar), scalar_(std::move(value)) {}
Data::Data(const char* text) : Data(Scalar(std::string(text))) {}
Data::Data(std::string text) : Data(Scalar(std::move(text))) {}
Data::Data(int value) : Data(Scalar(static_cast<std::int64_t>(value))) {}
Data::Data(std::int64_t value) : Data(Scalar(value)) {}
Data::Data(double value) : Data(Scalar(value)) {}
Data::Data(bool value) : Data(Scalar(value)) {}
Data::Data(const Data&) = default;
Data::Data(Data&&) noexcept = default;
Data& Data::operator=(const Data&) = default;
Data& Data::operator=(Data&&) noexcept = default;
Data::~Data() = default;

Data Data::list(std::vector<Data> items) {
    Data d;
    d.kind_ = Kind::List;
    d.items_ = std::move(items);
    return d;
}

Data Data::map(std::vector<std::pair<std::string, Data>> entries) {
    Data d;
    d.kind_ = Kind::Map;
    d.entries_ = std::move(entries);
    return d;
}

Data& Data::push_back(Data item) {
    if (kind_ == Kind::Null) kind_ = Kind::List;
    if (kind_ != Kind::List)
        throw Error("error: push_back on data that is not a list\n",
                    {{"E0202", "error", "", 0, 0, "push_back on data that is not a list"}});
    items_.push_back(std::move(item));
    return items_.back();
}

Data& Data::set(const std::string& key, Data value) {
    if (kind_ == Kind::Null) kind_ = Kind::Map;
    if (kind_ != Kind::Map)
        throw Error("error: set on data that is not a map\n",
                    {{"E0202", "error", "", 0, 0, "set on data that is not a map"}});
    for (auto& [k, v] : entries_)
        if (k == key) return v = std::move(value);
    entries_.emplace_back(key, std::move(value));
    return entries_.back().second;
}

const Data* Data::get(const std::string& key) const {
    for (const auto& [k, v] : entries_)
        if (k == key) return &v;
    return nullptr;
}

namespace {

// Whether YAML reads `s` back, unquoted, as the same text in block context: no indicator at its start, nothing that
// starts a comment or a mapping inside, no flow punctuation (a value may end up inside a flow collection when a
// reader re-emits it), no surrounding space, and not a word YAML reads as null.
bool plain_safe(const std::string& s) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@` \t").find(s.front()) != std::string_view::npos) return false;
    if (s.back() == ' ' || s.back() == ':' || s.back() == '\t') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) return false;
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return false;
        if (c == ':' && i + 1 < s.size() && (s[i + 1] == ' ' || s[i + 1] == '\t')) return false;
        if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) return false;
    }
    return true;
}

std::string double_quoted(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        unsigned char c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\x%02x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

std::string text_scalar(const std::string& s) {
    return plain_safe(s) ? s : double_quoted(s);
}

// The shortest text that reads back as the same double, always recognisable as a float (1.0, not 1).
std::string float_text(double x) {
    if (std::isnan(x)) return ".nan";
    if (std::isinf(x)) return x > 0 ? ".inf" : "-.inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    std::string s(buf, ec == std::errc() ? end : buf);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string scalar_text(const Scalar& s) {
    if (const auto* t = std::get_if<std::string>(&s)) return text_scalar(*t);
    if (const auto* i = std::get_if<std::int64_t>(&s)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&s)) return float_text(*d);
    return std::get<bool>(s) ? "true" : "false";
}

void emit(const Data& d, std::size_t indent, std::string& out);

// `key: value` lines at `indent`; when `first_placed`, the caller has already written the first entry's indentation
// (the "- " of a list item).
void emit_map(const Data& d, std::size_t indent, std::string& out, bool first_placed) {
    bool first = true;
    for (const auto& [key, value] : d.entries()) {
        if (!(first && first_placed)) out.append(indent, ' ');
        first = false;
        out += text_scalar(key) + ":";
        switch (value.kind()) {
            case Data::Kind::Null:
                out += "\n";
                break;
            case Data::Kind::Scalar:
                out += " " + scalar_text(value.scalar()) + "\n";
                break;
            case Data::Kind::List:
                if (value.items().empty()) {
                    out += " []\n";
                } else {
                    out += "\n";
                    emit(value, indent + 2, out);
                }
                break;
            case Data::Kind::Map:
                if (value.entries().empty()) {
                    out += " {}\n";
                } else {
                    out += "\n";
                    emit(value, indent + 2, out);
                }
                break;
        }
    }
}

void emit(const Data& d, std::size_t indent, std::string& out) {
    switch (d.kind()) {
        case Data::Kind::Null:
            out.append(indent, ' ');
            out += "null\n";
            return;
        case Data::Kind::Scalar:
            out.append(indent, ' ');
            out += scalar_text(d.scalar()) + "\n";
            return;
        case Data::Kind::Map:
            if (d.entries().empty()) {
                out.append(indent, ' ');
                out += "{}\n";
            } else {
                emit_map(d, indent, out, false);
            }
            return;
        case Data::Kind::List:
            if (d.items().empty()) {
                out.append(indent, ' ');
                out += "[]\n";
                return;
            }
            for (const Data& item : d.items()) {
                out.append(indent, ' ');
                switch (item.kind()) {
                    case Data::Kind::Null:
                        out += "-\n";
                        break;
                    case Data::Kind::Scalar:
                        out += "- " + scalar_text(item.scalar()) + "\n";
                        break;
                    case Data::Kind::Map:
                        if (item.entries().empty()) {
                            out += "- {}\n";
                        } else {
                            out += "- ";
                            emit_map(item, indent + 2, out, true);
                        }
                        break;
                    case Data::Kind::List:
                        if (item.items().empty()) {
                            out += "- []\n";
                        } else {
                            out += "-\n";
                            emit(item, indent + 2, out);
                        }
                        break;
                }
            }
            return;
    }
}

}  // namespace

std::string Data::to_yaml() const {
    std::string out;
    emit(*this, 0, out);
    return out;
}

}  // namespace covenant
