#include "repl_tokens.hpp"

#include <cctype>

namespace covenant::cli {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::size_t skip_space(std::string_view s, std::size_t i) {
    while (i < s.size() && is_space(s[i])) ++i;
    return i;
}

std::size_t word_end(std::string_view s, std::size_t i) {
    while (i < s.size() && !is_space(s[i])) ++i;
    return i;
}

std::size_t trim_end(std::string_view s, std::size_t b, std::size_t e) {
    while (e > b && is_space(s[e - 1])) --e;
    return e;
}

std::string_view first_word(std::string_view s) {
    std::size_t b = skip_space(s, 0);
    return s.substr(b, word_end(s, b) - b);
}

std::vector<Range> split_top(std::string_view s, std::size_t b, std::size_t e, char sep) {
    std::vector<Range> parts;
    int depth = 0;
    bool quoted = false;
    std::size_t start = b;
    for (std::size_t i = b; i < e; ++i) {
        char c = s[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (c == sep && depth == 0) {
            parts.emplace_back(skip_space(s, start), trim_end(s, start, i));
            start = i + 1;
        }
    }
    parts.emplace_back(skip_space(s, start), trim_end(s, start, e));
    for (auto& p : parts)
        if (p.first > p.second) p.first = p.second;
    return parts;
}

std::size_t unclosed_paren(std::string_view s, std::size_t b, std::size_t e) {
    int depth = 0;
    for (std::size_t i = e; i-- > b;) {
        if (s[i] == ')') ++depth;
        else if (s[i] == '(' && depth-- == 0) return i;
    }
    return std::string_view::npos;
}

std::size_t identifier_start(std::string_view s, std::size_t end) {
    while (end > 0 && is_identifier_char(s[end - 1])) --end;
    return end;
}

std::optional<FactId> fact_id_from(std::string_view text) {
    if (text.size() > 2 && (text[0] == 'f' || text[0] == 'F') && text[1] == '-') text.remove_prefix(2);
    if (text.empty() || text.size() > 9) return std::nullopt;
    FactId id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + static_cast<FactId>(c - '0');
    }
    return id;
}

Scalar read_scalar(std::string_view token, bool decode_escapes) {
    Scalar s;
    s.quoted = token.size() >= 2 && token.front() == '"' && token.back() == '"';
    if (!s.quoted) {
        s.text = token;
        return s;
    }
    if (!decode_escapes) {
        s.text = token.substr(1, token.size() - 2);
        return s;
    }
    for (std::size_t i = 1; i + 1 < token.size(); ++i) {
        if (token[i] == '\\' && i + 2 < token.size()) {
            ++i;
            s.text += token[i] == 'n' ? '\n' : token[i] == 't' ? '\t' : token[i];
        } else {
            s.text += token[i];
        }
    }
    return s;
}

}  // namespace covenant::cli
