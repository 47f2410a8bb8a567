// The subset scanner of simple_yaml.hpp: recursive descent over lines. Every function either consumes what it
// expects and appends its events, or returns false (outside the subset). Marks follow yaml-cpp 0.7 (checked by
// tests/unit/kb/simple_yaml_test.cpp): a block mapping starts at its first key, a block sequence at its first `-`,
// a flow collection at its bracket, a scalar at its first character (the quote for quoted ones), and an empty value's
// null at the next token.
#include "kb/simple_yaml.hpp"

namespace covenant::kb {

namespace {

bool is_key_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_key_char(unsigned char c) { return is_key_start(c) || c == '-' || c == '.'; }

// Characters that may not start a plain scalar here (YAML 1.2 §7.3.3 c-indicator), plus the ones this subset
// leaves to yaml-cpp.
bool is_indicator(unsigned char c) {
    switch (c) {
        case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '#': case '&':
        case '*': case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
            return true;
        default: return false;
    }
}

// Bytes a plain scalar of the subset may contain after its first: words, numbers, spaces and, in block context,
// some punctuation (yaml-cpp treats several others, e.g. '?' in flow context, as errors rather than text).
bool is_plain_char(unsigned char c, bool flow) {
    if (is_key_char(c) || c == ' ' || c == '+' || c == '/' || c >= 0x80) return true;
    if (flow) return false;
    switch (c) {
        case '(': case ')': case '\'': case ',': case ';': case '=': return true;
        default: return false;
    }
}

bool is_null_word(std::string_view v) { return v == "~" || v == "null" || v == "Null" || v == "NULL"; }

class Scanner {
public:
    Scanner(std::string_view text, std::vector<YamlEvent>& out) : t_(text), out_(out) {}

    bool document() {
        if (t_.empty() || static_cast<unsigned char>(t_[0]) >= 0x80) return false;  // encoding detection: yaml-cpp's
        if (!skip_blank_lines()) return false;
        if (at_end()) return false;                                                 // empty document: yaml-cpp's
        if (column() != 0 || !is_key_start(byte())) return false;
        emit(YamlEvent::Kind::DocumentStart, i_);
        if (!block_map(0)) return false;
        if (!at_end()) return false;
        emit(YamlEvent::Kind::DocumentEnd, 0, false);
        return true;
    }

private:
    std::string_view t_;
    std::vector<YamlEvent>& out_;
    std::size_t i_ = 0;
    std::uint32_t line_ = 0;
    std::size_t line_start_ = 0;

    bool at_end() const { return i_ >= t_.size(); }
    unsigned char byte(std::size_t at) const { return at < t_.size() ? static_cast<unsigned char>(t_[at]) : '\0'; }
    unsigned char byte() const { return byte(i_); }
    std::size_t column() const { return i_ - line_start_; }
    bool eol() const { return at_end() || t_[i_] == '\n'; }

    void emit(YamlEvent::Kind kind, std::size_t pos, bool marked = true) {
        YamlEvent e;
        e.kind = kind;
        if (marked) {
            e.pos = static_cast<std::uint32_t>(pos);
            e.line = line_;
            e.column = static_cast<std::uint32_t>(pos - line_start_);
        }
        out_.push_back(e);
    }
    void emit_scalar(std::size_t pos, std::string_view value, bool quoted) {
        if (!quoted && is_null_word(value)) return emit(YamlEvent::Kind::Null, pos);
        emit(YamlEvent::Kind::Scalar, pos);
        out_.back().quoted = quoted;
        out_.back().value = value;
    }

    // Bytes this subset never accepts outside quoted scalars, or anywhere: control characters other than '\n'
    // (tabs and '\r' included), and the Unicode line breaks and BOM that YAML treats specially.
    bool bad_byte(std::size_t at) const {
        unsigned char c = byte(at);
        if (c < 0x20 && c != '\n') return true;
        if (c == 0x7F) return true;
        if (c == 0xC2 && byte(at + 1) == 0x85) return true;                                      // NEL
        if (c == 0xE2 && byte(at + 1) == 0x80 && (byte(at + 2) == 0xA8 || byte(at + 2) == 0xA9)) return true;  // LS, PS
        if (c == 0xEF && byte(at + 1) == 0xBB && byte(at + 2) == 0xBF) return true;              // BOM
        return false;
    }

    // From anywhere in a line: past the end of this line, then past blank and comment-only lines, to the first
    // content byte of the next content line (or the end). False on a byte the subset does not take.
    bool next_content() {
        while (!at_end() && t_[i_] != '\n') {
            if (bad_byte(i_)) return false;
            ++i_;
        }
        return skip_blank_lines();
    }

    // From the start of a line or its '\n': past blank and comment-only lines to the next content byte.
    bool skip_blank_lines() {
        for (;;) {
            if (at_end()) return true;
            if (t_[i_] == '\n') {
                ++i_;
                ++line_;
                line_start_ = i_;
            }
            while (!at_end() && t_[i_] == ' ') ++i_;
            if (at_end()) return true;
            if (t_[i_] == '\n') continue;
            if (t_[i_] == '#') {
                while (!at_end() && t_[i_] != '\n') {
                    if (bad_byte(i_)) return false;
                    ++i_;
                }
                continue;
            }
            return !bad_byte(i_);
        }
    }

    // After a value on its line: spaces, then a comment (after at least one space) or the end of the line.
    bool end_of_value_line() {
        std::size_t start = i_;
        while (!at_end() && t_[i_] == ' ') ++i_;
        if (eol()) return true;
        return t_[i_] == '#' && i_ > start;
    }

    bool at_block_seq_entry() const { return byte() == '-' && (byte(i_ + 1) == ' ' || byte(i_ + 1) == '\n'); }

    bool key_here() const {
        if (!is_key_start(byte())) return false;
        std::size_t j = i_;
        while (is_key_char(byte(j))) ++j;
        return byte(j) == ':' && (byte(j + 1) == ' ' || byte(j + 1) == '\n' || j + 1 >= t_.size());
    }

    // A plain key ending in ':'; leaves i_ after the ':'.
    bool key() {
        if (!key_here()) return false;
        std::size_t start = i_;
        while (is_key_char(byte())) ++i_;
        if (i_ - start > 1000) return false;  // YAML limits implicit keys to 1024 characters
        emit_scalar(start, t_.substr(start, i_ - start), false);
        ++i_;
        return true;
    }

    // A block mapping whose keys are at column `indent`; i_ is at its first key. Returns at the first content line
    // indented less (or at the end).
    bool block_map(std::size_t indent) {
        emit(YamlEvent::Kind::MapStart, i_);
        for (;;) {
            if (!key()) return false;
            while (byte() == ' ') ++i_;
            if (byte() == '#' && t_[i_ - 1] == ' ') {
                while (!eol()) ++i_;
            }
            if (eol()) {
                if (!next_content()) return false;
                if (at_end()) return false;  // a null at the end of the file: its mark is yaml-cpp's business
                std::size_t col = column();
                if (col > indent && at_block_seq_entry()) {
                    if (!block_seq(col)) return false;
                } else if (col > indent && key_here()) {
                    if (!block_map(col)) return false;
                } else if (col == indent && at_block_seq_entry()) {
                    if (!block_seq(col)) return false;
                } else if (col <= indent) {
                    emit(YamlEvent::Kind::Null, i_);
                } else {
                    return false;
                }
            } else {
                if (!inline_value(indent)) return false;
                if (!end_of_value_line()) return false;
                if (!next_content()) return false;
            }
            if (at_end() || column() < indent) break;
            if (column() > indent || !key_here()) return false;
        }
        emit(YamlEvent::Kind::MapEnd, 0, false);
        return true;
    }

    // A block sequence whose `-` are at column `indent`; i_ is at the first `-`.
    bool block_seq(std::size_t indent) {
        emit(YamlEvent::Kind::SeqStart, i_);
        for (;;) {
            if (byte(i_ + 1) != ' ') return false;
            i_ += 2;
            while (byte() == ' ') ++i_;
            if (eol() || byte() == '#') return false;
            if (!inline_value(indent)) return false;
            if (!end_of_value_line()) return false;
            if (!next_content()) return false;
            if (at_end() || column() < indent) break;
            if (column() > indent) return false;
            if (!at_block_seq_entry()) break;  // the parent mapping's next key, at the same column
        }
        emit(YamlEvent::Kind::SeqEnd, 0, false);
        return true;
    }

    // A value after `key: ` or `- ` on the same line, in block context; flow collections may continue on lines
    // indented deeper than `block_indent`.
    bool inline_value(std::size_t block_indent) {
        switch (byte()) {
            case '{': return flow_collection(block_indent, true);
            case '[': return flow_collection(block_indent, false);
            case '"':
            case '\'': return quoted();
            default: return plain(false);
        }
    }

    bool quoted() {
        std::size_t start = i_;
        char q = t_[i_++];
        while (!at_end() && t_[i_] != q) {
            unsigned char c = byte();
            if (c == '\n' || c == '\\' || bad_byte(i_)) return false;
            ++i_;
        }
        if (at_end()) return false;
        if (q == '\'' && byte(i_ + 1) == '\'') return false;  // '' escape
        emit_scalar(start, t_.substr(start + 1, i_ - start - 1), true);
        ++i_;
        return true;
    }

    // A plain scalar on this line. Block context: up to the end of the line or ` #`; flow context: also up to
    // `,`, `]`, `}`. Any `:` leaves the subset (it could end a key or belong to the value, as YAML decides).
    bool plain(bool flow) {
        std::size_t start = i_;
        unsigned char first = byte();
        if (first == '-') {
            unsigned char next = byte(i_ + 1);
            if (next == ' ' || next == '\n' || next == '\0' || is_indicator(next)) return false;
        } else if (first != '~' && (is_indicator(first) || !is_plain_char(first, flow) || first == ' ' || eol())) {
            return false;
        }
        if (bad_byte(i_) || (first == '.' && byte(i_ + 1) == '.')) return false;
        ++i_;
        std::size_t end = i_;  // one past the last non-space byte
        while (!eol()) {
            unsigned char c = byte();
            if (flow && (c == ',' || c == ']' || c == '}')) break;
            if (c == '#' && t_[i_ - 1] == ' ' && !flow) break;
            if (!is_plain_char(c, flow) || bad_byte(i_)) return false;
            ++i_;
            if (c != ' ') end = i_;
        }
        emit_scalar(start, t_.substr(start, end - start), false);
        i_ = end;
        return true;
    }

    // Spaces and line breaks inside a flow collection; continuation lines must be indented deeper than the block.
    bool flow_space(std::size_t block_indent) {
        for (;;) {
            while (byte() == ' ') ++i_;
            if (at_end()) return false;
            if (t_[i_] != '\n') return !bad_byte(i_) && t_[i_] != '#';
            ++i_;
            ++line_;
            line_start_ = i_;
            while (byte() == ' ') ++i_;
            if (at_end() || byte() == '\n' || byte() == '#') return false;
            if (column() <= block_indent) return false;
        }
    }

    bool flow_collection(std::size_t block_indent, bool is_map) {
        char close = is_map ? '}' : ']';
        emit(is_map ? YamlEvent::Kind::MapStart : YamlEvent::Kind::SeqStart, i_);
        out_.back().flow = true;
        ++i_;
        if (!flow_space(block_indent)) return false;
        if (byte() != close) {
            for (;;) {
                if (is_map) {
                    if (!key_here()) return false;
                    if (!key()) return false;
                    if (!flow_space(block_indent)) return false;
                }
                if (!flow_value(block_indent)) return false;
                if (!flow_space(block_indent)) return false;
                if (byte() == close) break;
                if (byte() != ',') return false;
                ++i_;
                if (!flow_space(block_indent)) return false;
                if (byte() == close || byte() == ',') return false;  // trailing comma, empty entry
            }
        }
        ++i_;
        emit(is_map ? YamlEvent::Kind::MapEnd : YamlEvent::Kind::SeqEnd, 0, false);
        return true;
    }

    bool flow_value(std::size_t block_indent) {
        switch (byte()) {
            case '{': return flow_collection(block_indent, true);
            case '[': return flow_collection(block_indent, false);
            case '"':
            case '\'': return quoted();
            default: {
                if (!plain(true)) return false;
                // A plain scalar that ends at the line's end would continue on the next line (folding) unless that
                // line goes on with `,` or the closing bracket.
                std::size_t after = i_;
                while (byte(after) == ' ') ++after;
                if (after < t_.size() && t_[after] != '\n') return true;
                if (!flow_space(block_indent)) return false;
                unsigned char c = byte();
                return c == ',' || c == ']' || c == '}';
            }
        }
    }
};

}  // namespace

bool scan_simple_yaml(std::string_view text, std::vector<YamlEvent>& out) {
    out.clear();
    if (text.size() >= 0xFFFFFFFFu) return false;
    Scanner s(text, out);
    return s.document();
}

}  // namespace covenant::kb
