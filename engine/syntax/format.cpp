// The formatter (format.hpp describes the layout). Three parts: the comments, found by scanning the source text
// (the parser's skipper drops them); the line breaker, which takes one node's one-line text from print_ast and
// breaks it at brackets, commas and operators; and the Formatter, which walks the definitions in file order, prints
// each node kind in one place, and puts every comment back next to the node it belongs to by the nodes' spans.
#include "syntax/format.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "syntax/ast.hpp"
#include "syntax/parse.hpp"
#include "syntax/print_ast.hpp"

namespace covenant {
namespace {

// Indentation of a body (template slots, facts, the `when` and `then` keywords) and of a rule's second and later
// conditions and actions, which line up under the first one: `  when ` is seven columns.
constexpr std::size_t kBodyIndent = 2;
constexpr std::size_t kClauseIndent = 7;

// A comment right under a trailing comment continues it when it starts this many columns deeper than the code of
// the trailing comment's line: clearly not the code's own indentation.
constexpr std::uint32_t kDeeperThanCode = 4;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// The offset just after the string literal that starts at `pos` (its '"'): after the closing quote, or at the end
// of the line for an unclosed one, which is how the grammar and parse.cpp's scanners read strings.
std::size_t string_end(std::string_view text, std::size_t pos) {
    ++pos;
    while (pos < text.size() && text[pos] != '"' && text[pos] != '\n') pos += text[pos] == '\\' ? 2 : 1;
    if (pos < text.size() && text[pos] == '"') return pos + 1;
    return std::min(pos, text.size());
}

// ---------------------------------------------------------------------------------------------------- comments

struct Comment {
    std::uint32_t offset = 0;  // of the '#'
    std::uint32_t line = 0;
    std::uint32_t col = 0;  // 1-based byte column of the '#'
    std::string text;       // from '#' to the end of the line, trailing blanks removed
    bool trailing = false;  // code precedes it on its line
    // An own-line comment right under a trailing comment (or under another continuation), indented deeper than the
    // code the trailing comment follows: the trailing comment's next line, kept at its column.
    bool continuation = false;
};

// Every comment of the file, in order. `#` starts a comment anywhere outside a string (names and numbers cannot
// contain it), as in the grammar's skipper.
std::vector<Comment> scan_comments(const SourceFile& file) {
    const std::string& text = file.text;
    std::vector<Comment> out;
    std::vector<std::uint32_t> first_code_col;  // per line (index = line): 1-based column of its first code, or 0
    first_code_col.push_back(0);
    first_code_col.push_back(0);
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    while (pos < text.size()) {
        char c = text[pos];
        if (c == '\n') {
            ++line;
            line_start = pos + 1;
            first_code_col.push_back(0);
            ++pos;
        } else if (is_blank(c)) {
            ++pos;
        } else if (c == '#') {
            std::size_t end = std::min(text.find('\n', pos), text.size());
            std::size_t last = end;
            while (last > pos && is_blank(text[last - 1])) --last;
            Comment comment;
            comment.offset = static_cast<std::uint32_t>(pos);
            comment.line = line;
            comment.col = static_cast<std::uint32_t>(pos - line_start + 1);
            comment.text = text.substr(pos, last - pos);
            comment.trailing = first_code_col[line] != 0;
            out.push_back(std::move(comment));
            pos = end;
        } else {
            if (first_code_col[line] == 0) first_code_col[line] = static_cast<std::uint32_t>(pos - line_start + 1);
            pos = c == '"' ? string_end(text, pos) : pos + 1;
        }
    }
    std::uint32_t chain_line = 0;  // line of the last comment of the current chain; 0: no chain
    std::uint32_t chain_code_col = 0;
    for (Comment& comment : out) {
        if (comment.trailing) {
            chain_line = comment.line;
            chain_code_col = first_code_col[comment.line];
        } else if (chain_line != 0 && comment.line == chain_line + 1 &&
                   comment.col > chain_code_col + kDeeperThanCode) {
            comment.continuation = true;
            chain_line = comment.line;
        } else {
            chain_line = 0;
        }
    }
    return out;
}

// ------------------------------------------------------------------------------------------------ line breaking
//
// A node's one-line text (from print_ast) read as: a sequence of words separated by single blanks; a word is text
// and bracketed groups; a group holds items separated by ", ", each a sequence again. Strings are opaque text.

struct Group;

struct Chunk {
    std::string text;              // when group is null
    std::unique_ptr<Group> group;  // a bracketed group
};

struct Word {
    std::vector<Chunk> chunks;
    std::string text;  // the word as printed on one line
};

struct Sequence {
    std::vector<Word> words;
    std::string text;
};

struct Group {
    char open = '(';
    char close = ')';
    std::vector<Sequence> items;
    std::string text;
};

// How loosely a binary operator word binds (print_ast's precedence levels, `|` of alternatives between `and` and
// the comparisons); 0 for a word that is not an operator. Lines break after the loosest operator of a sequence.
int operator_level(const Word& word) {
    if (word.chunks.size() != 1 || word.chunks[0].group) return 0;
    const std::string& t = word.chunks[0].text;
    if (t == "or") return 1;
    if (t == "and") return 2;
    if (t == "|") return 3;
    if (t == "==" || t == "!=" || t == "<" || t == "<=" || t == ">" || t == ">=") return 4;
    if (t == "+" || t == "-") return 5;
    if (t == "*" || t == "/") return 6;
    return 0;
}

class TextReader {
public:
    explicit TextReader(std::string_view text) : text_(text) {}

    // The whole text as a sequence; none when it is not the regular one-line form (unbalanced brackets, doubled
    // blanks), which is then left unbroken.
    std::optional<Sequence> read() {
        Sequence seq = sequence();
        if (failed_ || pos_ != text_.size() || seq.text != text_) return std::nullopt;
        return seq;
    }

private:
    Sequence sequence() {
        Sequence seq;
        Word word;
        auto finish = [&] {
            if (word.chunks.empty()) return;
            seq.text += (seq.words.empty() ? "" : " ") + word.text;
            seq.words.push_back(std::move(word));
            word = Word{};
        };
        auto add_text = [&](std::string_view t) {
            if (word.chunks.empty() || word.chunks.back().group) word.chunks.emplace_back();
            word.chunks.back().text += t;
            word.text += t;
        };
        while (pos_ < text_.size() && !failed_) {
            char c = text_[pos_];
            if (c == ' ') {
                finish();
                ++pos_;
            } else if (c == ',' || c == ')' || c == ']') {
                break;
            } else if (c == '"') {
                std::size_t end = string_end(text_, pos_);
                add_text(text_.substr(pos_, end - pos_));
                pos_ = end;
            } else if (c == '(' || c == '[') {
                Chunk chunk;
                chunk.group = group();
                word.text += chunk.group->text;
                word.chunks.push_back(std::move(chunk));
            } else {
                add_text(text_.substr(pos_, 1));
                ++pos_;
            }
        }
        finish();
        return seq;
    }

    std::unique_ptr<Group> group() {
        auto g = std::make_unique<Group>();
        g->open = text_[pos_++];
        g->close = g->open == '(' ? ')' : ']';
        g->text += g->open;
        if (pos_ < text_.size() && text_[pos_] == g->close) {
            ++pos_;
            g->text += g->close;
            return g;
        }
        while (!failed_) {
            Sequence item = sequence();
            g->text += (g->items.empty() ? "" : ", ") + item.text;
            g->items.push_back(std::move(item));
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                if (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
            } else if (pos_ < text_.size() && text_[pos_] == g->close) {
                ++pos_;
                break;
            } else {
                failed_ = true;
            }
        }
        g->text += g->close;
        return g;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

// Lays a sequence out from the end of the current line, breaking lines where it must (format.hpp: after a comma
// inside brackets, under the first item; after the loosest operator, under the first operand). `trail` is how many
// columns must still follow the sequence on its last line (closing brackets, a comma). What cannot be broken (a long
// string) overflows the width.
class LineBreaker {
public:
    LineBreaker(std::size_t width, std::string first_line) : width_(width) { lines_.push_back(std::move(first_line)); }

    // The words are cut into segments, each ending with one of the loosest operators; lines break only between
    // segments, and a segment that does not fit where it would go starts a new line, under the first operand.
    void sequence(const Sequence& seq, std::size_t trail) {
        if (fits(seq.text.size(), trail)) {
            put(seq.text);
            return;
        }
        const std::size_t n = seq.words.size();
        auto is_operator = [&](std::size_t k) { return k > 0 && k + 1 < n && operator_level(seq.words[k]) > 0; };
        int loosest = 0;
        std::optional<std::size_t> first_operand;  // the word before the first operator
        for (std::size_t k = 0; k < n; ++k) {
            if (!is_operator(k)) continue;
            int level = operator_level(seq.words[k]);
            loosest = loosest ? std::min(loosest, level) : level;
            if (!first_operand) first_operand = k - 1;
        }
        std::size_t align = col();
        for (std::size_t begin = 0; begin < n;) {
            std::size_t end = begin;
            while (end < n && !(is_operator(end) && operator_level(seq.words[end]) == loosest)) ++end;
            end = std::min(end + 1, n);  // the operator ends its segment
            std::size_t width = 0;
            for (std::size_t k = begin; k < end; ++k) width += (k > begin ? 1 : 0) + seq.words[k].text.size();
            std::size_t segment_trail = end == n ? trail : 0;
            std::size_t sep = begin > 0 ? 1 : 0;
            if (begin > 0 && !fits(sep + width, segment_trail) && col() > align) {
                newline(align);
                sep = 0;
            }
            // Within a segment: each word flat where it fits with the rest of the segment, else broken inside.
            std::size_t rest = width;
            for (std::size_t k = begin; k < end; ++k) {
                const Word& word = seq.words[k];
                rest -= word.text.size() + (k > begin ? 1 : 0);
                if (k > begin || sep) put(" ");
                if (first_operand && k == *first_operand) align = col();
                if (fits(word.text.size(), rest + segment_trail)) {
                    put(word.text);
                } else {
                    this->word(word, rest + segment_trail);
                }
            }
            begin = end;
        }
    }

    std::vector<std::string> take() { return std::move(lines_); }

private:
    std::size_t col() const { return lines_.back().size(); }
    bool fits(std::size_t w, std::size_t trail) const { return col() + w + trail <= width_; }
    void put(std::string_view text) { lines_.back() += text; }
    void newline(std::size_t at) { lines_.emplace_back(at, ' '); }

    void word(const Word& w, std::size_t trail) {
        for (std::size_t j = 0; j < w.chunks.size(); ++j) {
            const Chunk& chunk = w.chunks[j];
            if (!chunk.group) {
                put(chunk.text);
                continue;
            }
            std::size_t rest = trail;
            for (std::size_t k = j + 1; k < w.chunks.size(); ++k)
                rest += w.chunks[k].group ? w.chunks[k].group->text.size() : w.chunks[k].text.size();
            group(*chunk.group, rest);
        }
    }

    void group(const Group& g, std::size_t trail) {
        if (fits(g.text.size(), trail)) {
            put(g.text);
            return;
        }
        put(std::string(1, g.open));
        const std::size_t align = col();
        bool first_on_line = true;
        for (std::size_t i = 0; i < g.items.size(); ++i) {
            const Sequence& item = g.items[i];
            std::size_t suffix = i + 1 == g.items.size() ? 1 + trail : 1;
            std::size_t sep = first_on_line ? 0 : 1;
            if (fits(sep + item.text.size(), suffix)) {
                if (sep) put(" ");
                put(item.text);
            } else {
                // An item that does not fit where it would go starts a new line, and is broken only when it does
                // not fit a line of its own either.
                if (!first_on_line) newline(align);
                sequence(item, suffix);
            }
            put(std::string(1, i + 1 == g.items.size() ? g.close : ','));
            first_on_line = false;
        }
        if (g.items.empty()) put(std::string(1, g.close));
    }

    std::size_t width_;
    std::vector<std::string> lines_;
};

// `text` after `prefix` (the indentation and any keyword), broken into lines of at most `width` columns where it
// can be.
std::vector<std::string> lay_out(const std::string& prefix, const std::string& text, std::size_t width) {
    if (prefix.size() + text.size() <= width) return {prefix + text};
    std::optional<Sequence> seq = TextReader(text).read();
    if (!seq) return {prefix + text};
    LineBreaker breaker(width, prefix);
    breaker.sequence(*seq, 0);
    return breaker.take();
}

// ------------------------------------------------------------------------------------------ numbers as written
//
// print_literal spells a number from its value (0.30 prints as 0.3, 1e3 as 1000.0). The formatter keeps the
// author's spelling, which the parser records in Literal::text: in the copy of the AST it prints, every number
// literal becomes a symbol literal with that text, which print_literal prints verbatim. Same value, so the meaning
// check of format_source still compares the original AST. A node added to the AST that holds literals needs its
// walker below; without one its numbers are printed in print_literal's spelling, which is still correct.

void keep_spelling(ast::Literal& lit) {
    if (lit.kind == ast::Literal::Kind::Int || lit.kind == ast::Literal::Kind::Float)
        lit.kind = ast::Literal::Kind::Symbol;
}

void keep_spelling(ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Literal) keep_spelling(e.literal);
    for (auto& arg : e.args) keep_spelling(arg);
}

void keep_spelling(ast::Operand& o) {
    if (o.is_expression) keep_spelling(o.expression);
    else if (!o.is_variable) keep_spelling(o.literal);
}

void keep_spelling(ast::Pattern& p) {
    for (auto& slot : p.slots) {
        for (auto& value : slot.values) keep_spelling(value);
        for (auto& item : slot.list) keep_spelling(item.value);
    }
}

void keep_spelling(ast::FactTerm& f) {
    for (auto& slot : f.slots) keep_spelling(slot.value);
}

void keep_spelling(ast::Condition& c) {
    keep_spelling(c.pattern);
    for (auto& inner : c.group) keep_spelling(inner);
    keep_spelling(c.test);
    for (auto& arg : c.args) keep_spelling(arg);
}

void keep_spelling(ast::Action& a) {
    keep_spelling(a.fact);
    for (auto& change : a.changes) keep_spelling(change.value);
    for (auto& arg : a.args) keep_spelling(arg);
    keep_spelling(a.weight);
}

void keep_spelling(ast::Unit& unit) {
    for (auto& c : unit.constants) keep_spelling(c.value);
    for (auto& t : unit.templates) {
        for (auto& slot : t.slots) {
            for (auto& limit : slot.range) keep_spelling(limit.bound);
            if (slot.default_value) keep_spelling(*slot.default_value);
        }
    }
    for (auto& block : unit.facts)
        for (auto& fact : block.facts) keep_spelling(fact);
    for (auto& f : unit.functions) keep_spelling(f.body);
    for (auto& rule : unit.rules) {
        if (rule.salience) keep_spelling(*rule.salience);
        for (auto& c : rule.conditions) keep_spelling(c);
        for (auto& a : rule.actions) keep_spelling(a);
    }
}

// ------------------------------------------------------------------------------------------------- formatter

// One top-level definition, for walking them in file order (the AST groups them by kind).
struct Definition {
    enum class Kind { Pack, Use, Constant, Function, Template, Facts, Rule, Report };
    Kind kind;
    std::size_t index;  // in its vector of the unit
    SourceSpan span;
};

// Prints the definitions in file order, each node kind in one member function (leaf for the one-line definitions,
// template_def, facts_block, rule; slot_text for a template's slots; print_condition and print_action for a rule's
// clauses), and puts the comments back on the way. A new kind of definition needs a Definition::Kind, an entry in
// definitions() and a case in run(); its text comes from print_ast.
class Formatter {
public:
    Formatter(const SourceFile& file, const ast::Unit& unit, std::size_t width)
        : file_(file), unit_(unit), width_(width), comments_(scan_comments(file)) {
        keep_spelling(unit_);
    }

    std::string run() {
        std::vector<Definition> defs = definitions();
        plan_one_line_templates(defs);
        for (const Definition& d : defs) {
            switch (d.kind) {
                case Definition::Kind::Pack:
                    leaf(print_pack_decl(*unit_.pack), d.span);
                    break;
                case Definition::Kind::Use:
                    leaf(print_use(unit_.uses[d.index]), d.span);
                    break;
                case Definition::Kind::Constant:
                    leaf(print_constant(unit_.constants[d.index]), d.span);
                    break;
                case Definition::Kind::Report:
                    leaf(print_report(unit_.reports[d.index]), d.span);
                    break;
                case Definition::Kind::Function:
                    function_def(unit_.functions[d.index], d.span);
                    break;
                case Definition::Kind::Template:
                    template_def(d.index);
                    break;
                case Definition::Kind::Facts:
                    facts_block(unit_.facts[d.index]);
                    break;
                case Definition::Kind::Rule:
                    rule(unit_.rules[d.index]);
                    break;
            }
        }
        comments_before(static_cast<std::uint32_t>(file_.text.size()) + 1, 0);
        std::string text;
        for (const std::string& line : out_) text += line + "\n";
        return text;
    }

private:
    enum class Item { Normal, Open, Close };  // Open: a line ending in `{`; Close: a `}` line

    std::vector<Definition> definitions() const {
        std::vector<Definition> defs;
        if (unit_.pack) defs.push_back({Definition::Kind::Pack, 0, unit_.pack->span});
        for (std::size_t i = 0; i < unit_.uses.size(); ++i)
            defs.push_back({Definition::Kind::Use, i, unit_.uses[i].span});
        for (std::size_t i = 0; i < unit_.constants.size(); ++i)
            defs.push_back({Definition::Kind::Constant, i, unit_.constants[i].span});
        for (std::size_t i = 0; i < unit_.functions.size(); ++i)
            defs.push_back({Definition::Kind::Function, i, unit_.functions[i].span});
        for (std::size_t i = 0; i < unit_.templates.size(); ++i)
            defs.push_back({Definition::Kind::Template, i, unit_.templates[i].span});
        for (std::size_t i = 0; i < unit_.facts.size(); ++i)
            defs.push_back({Definition::Kind::Facts, i, unit_.facts[i].span});
        for (std::size_t i = 0; i < unit_.rules.size(); ++i)
            defs.push_back({Definition::Kind::Rule, i, unit_.rules[i].span});
        for (std::size_t i = 0; i < unit_.reports.size(); ++i)
            defs.push_back({Definition::Kind::Report, i, unit_.reports[i].span});
        std::stable_sort(defs.begin(), defs.end(),
                         [](const Definition& a, const Definition& b) { return a.span.offset < b.span.offset; });
        return defs;
    }

    // ---- source positions

    std::uint32_t line_of(std::size_t offset) const {
        return file_.span_at(static_cast<std::uint32_t>(std::min(offset, file_.text.size())), 0).line;
    }

    // The offset just after the last code character of `span` (not blanks or comments it may have taken in).
    std::size_t code_end(const SourceSpan& span) const {
        const std::string& text = file_.text;
        std::size_t end = std::min<std::size_t>(span.offset + span.length, text.size());
        std::size_t last = span.offset;
        std::size_t pos = span.offset;
        while (pos < end) {
            char c = text[pos];
            if (c == '#') {
                while (pos < end && text[pos] != '\n') ++pos;
            } else if (c == '\n' || is_blank(c)) {
                ++pos;
            } else {
                pos = c == '"' ? string_end(text, pos) : pos + 1;
                last = std::min(pos, end);
            }
        }
        return last;
    }
    std::uint32_t end_line(const SourceSpan& span) const { return line_of(code_end(span) - (span.length ? 1 : 0)); }

    // The opening brace of a definition, after its name and doc string; the definition's end if there is none.
    std::size_t open_brace(const SourceSpan& span) const {
        const std::string& text = file_.text;
        std::size_t end = code_end(span);
        std::size_t pos = span.offset;
        while (pos < end && text[pos] != '{') {
            if (text[pos] == '#') {
                while (pos < end && text[pos] != '\n') ++pos;
            } else {
                pos = text[pos] == '"' ? string_end(text, pos) : pos + 1;
            }
        }
        return pos;
    }

    // The comments that start in [from, to), in order (comments_ is sorted by offset).
    std::pair<std::vector<Comment>::const_iterator, std::vector<Comment>::const_iterator> comments_in(
        std::size_t from, std::size_t to) const {
        auto by_offset = [](const Comment& c, std::size_t offset) { return c.offset < offset; };
        auto first = std::lower_bound(comments_.begin(), comments_.end(), from, by_offset);
        auto last = std::lower_bound(first, comments_.end(), std::max(from, to), by_offset);
        return {first, last};
    }

    bool comment_inside(const SourceSpan& span) const {
        auto [first, last] = comments_in(span.offset, code_end(span));
        return first != last;
    }

    // Whether a blank line lies strictly between source lines `after` and `before`.
    bool blank_between(std::uint32_t after, std::uint32_t before) const {
        for (std::uint32_t line = after + 1; line < before; ++line) {
            std::string_view text = file_.line_text(line);
            if (std::all_of(text.begin(), text.end(), is_blank)) return true;
        }
        return false;
    }

    // ---- output

    // Appends one node's lines, which come from source lines first..last; a blank line first where the source had
    // one since the previous output.
    void emit(std::vector<std::string> lines, std::uint32_t first, std::uint32_t last, Item item) {
        if (!out_.empty() && !after_open_ && item != Item::Close && blank_between(last_line_, first))
            out_.emplace_back();
        for (auto& line : lines) out_.push_back(std::move(line));
        last_line_ = std::max(last_line_, last);
        after_open_ = item == Item::Open;
        chain_trailing_ = false;
    }

    // Puts back every comment that starts before `offset`: at the end of the last line when it followed that line's
    // code, else on a line of its own at `indent`.
    void comments_before(std::uint32_t offset, std::size_t indent) {
        while (next_comment_ < comments_.size() && comments_[next_comment_].offset < offset)
            place(comments_[next_comment_++], indent);
    }

    void place(const Comment& c, std::size_t indent) {
        if (c.trailing && !out_.empty() && !out_.back().empty() && c.line == last_line_) {
            // At its column when the code it follows is printed as it was written (so aligned comments stay
            // aligned), else two spaces after the code.
            std::string& line = out_.back();
            chain_code_col_ = static_cast<std::uint32_t>(line.find_first_not_of(' ') + 1);
            std::string_view written = file_.line_text(c.line).substr(0, c.col - 1);
            while (!written.empty() && is_blank(written.back())) written.remove_suffix(1);
            std::size_t at = c.col - 1;
            line.append(written == line && at > line.size() ? at - line.size() : 2, ' ');
            line += c.text;
            chain_trailing_ = true;
            return;
        }
        // Kept at its column only where it will be read as a continuation again (scan_comments), so that
        // formatting is stable when the line above was broken differently from the source.
        if (c.continuation && chain_trailing_ && c.col > chain_code_col_ + kDeeperThanCode) {
            out_.push_back(std::string(c.col - 1, ' ') + c.text);
            last_line_ = c.line;
            return;
        }
        if (!out_.empty() && !after_open_ && blank_between(last_line_, c.line)) out_.emplace_back();
        out_.push_back(std::string(indent, ' ') + c.text);
        last_line_ = c.line;
        after_open_ = false;
        chain_trailing_ = false;
    }

    // A definition, slot, fact, condition or action printed as `text` after `prefix`. Comments inside it (the
    // printed node has no room for them) go before it.
    void node(const std::string& prefix, const std::string& text, const SourceSpan& span, std::size_t comment_indent) {
        comments_before(static_cast<std::uint32_t>(code_end(span)), comment_indent);
        emit(lay_out(prefix, text, width_), span.line, end_line(span), Item::Normal);
    }

    void leaf(const std::string& text, const SourceSpan& span) { node("", text, span, 0); }

    // The offset of the last '=' before `offset` that is code, not inside a comment.
    std::size_t equals_before(std::size_t offset) const {
        for (std::size_t i = std::min(offset, file_.text.size()); i > 0; --i) {
            if (file_.text[i - 1] != '=') continue;
            bool in_comment = std::any_of(comments_.begin(), comments_.end(), [&](const Comment& c) {
                return c.offset < i && i - 1 < c.offset + c.text.size();
            });
            if (!in_comment) return i - 1;
        }
        return offset;
    }

    // `function NAME ... = BODY` on one line when it fits; otherwise the head, ending in `=`, and below it the body,
    // indented (and wrapped further by lay_out when it is long). A comment after the `=` stays on the head's line.
    void function_def(const ast::Function& f, const SourceSpan& span) {
        std::string text = print_function(f);
        std::string body = print_expr(f.body);
        if (text.size() <= width_ || !text.ends_with(" = " + body)) return leaf(text, span);
        std::string head = text.substr(0, text.size() - body.size() - 3);
        comments_before(span.offset, 0);
        emit(lay_out("", head + " =", width_), span.line, line_of(equals_before(f.body.span.offset)), Item::Normal);
        node(std::string(kBodyIndent, ' '), body, f.body.span, kBodyIndent);
    }

    // Opens a body: the definition's comments so far, then its first line up to `{`.
    void open(const std::string& header, const SourceSpan& span) {
        comments_before(span.offset, 0);
        emit(lay_out("", header, width_), span.line, line_of(open_brace(span)), Item::Open);
    }

    // Closes a body: the comments left inside it, then `}`.
    void close(const SourceSpan& span) {
        std::size_t end = code_end(span);
        comments_before(static_cast<std::uint32_t>(end > 0 ? end - 1 : 0), kBodyIndent);
        emit({"}"}, end_line(span), end_line(span), Item::Close);
    }

    // ---- one printing place per node kind

    // A slot as print_slot_decl prints it, except that a range written as an interval stays one: the AST keeps the
    // two limits of `in [0, 1]` but not how they were written, so the text before the first bound tells.
    std::string slot_text(const ast::SlotDecl& slot) const {
        if (slot.range.size() != 2 || !slot.range[0].span.valid()) return print_slot_decl(slot);
        std::size_t pos = slot.range[0].span.offset;
        while (pos > 0 && is_blank(file_.text[pos - 1])) --pos;
        if (pos == 0 || (file_.text[pos - 1] != '[' && file_.text[pos - 1] != '(')) return print_slot_decl(slot);
        ast::SlotDecl bare = slot;
        bare.range.clear();
        bare.from.reset();
        bare.default_value.reset();
        ast::SlotDecl without_range = slot;
        without_range.range.clear();
        std::string head = print_slot_decl(bare);
        std::string rest = print_slot_decl(without_range);
        if (!rest.starts_with(head)) return print_slot_decl(slot);
        std::string interval = std::string(" in ") + (slot.range[0].op == ast::CmpOp::Gt ? "(" : "[") +
                               print_literal(slot.range[0].bound) + ", " + print_literal(slot.range[1].bound) +
                               (slot.range[1].op == ast::CmpOp::Lt ? ")" : "]");
        return head + interval + rest.substr(head.size());
    }

    // `template NAME ["doc"] { a: t, b: t }`, or empty when the template is to have one slot per line.
    std::string one_line_template(const ast::Template& t) const {
        bool written_on_one_line = t.span.line == end_line(t.span);
        if ((!written_on_one_line && !t.slots.empty()) || comment_inside(t.span)) return {};
        std::string text = print_template_header(t);
        if (t.slots.empty()) return text + "}";
        text += " ";
        for (std::size_t i = 0; i < t.slots.size(); ++i) text += (i ? ", " : "") + slot_text(t.slots[i]);
        text += " }";
        return text.size() <= width_ ? text : std::string();
    }

    // Which templates print on one line, and the padding of names in runs of them on consecutive lines.
    void plan_one_line_templates(const std::vector<Definition>& defs) {
        one_line_.assign(unit_.templates.size(), {});
        name_width_.assign(unit_.templates.size(), 0);
        for (std::size_t i = 0; i < unit_.templates.size(); ++i) one_line_[i] = one_line_template(unit_.templates[i]);
        std::size_t run_start = 0;
        for (std::size_t k = 0; k <= defs.size(); ++k) {
            bool continues = k < defs.size() && k > run_start && is_one_line(defs[k]) && adjacent(defs[k - 1], defs[k]);
            if (continues) continue;
            if (k - run_start >= 2) {
                std::size_t widest = 0;
                for (std::size_t j = run_start; j < k; ++j)
                    widest = std::max(widest, unit_.templates[defs[j].index].name.name.size());
                for (std::size_t j = run_start; j < k; ++j) name_width_[defs[j].index] = widest;
            }
            run_start = k < defs.size() && is_one_line(defs[k]) ? k : k + 1;
        }
    }
    bool is_one_line(const Definition& d) const {
        return d.kind == Definition::Kind::Template && !one_line_[d.index].empty();
    }
    // On consecutive lines: no blank line and no own-line comment between them.
    bool adjacent(const Definition& a, const Definition& b) const {
        std::uint32_t a_end = end_line(a.span);
        if (blank_between(a_end, b.span.line)) return false;
        auto [first, last] = comments_in(a.span.offset, b.span.offset);
        return std::none_of(first, last, [](const Comment& c) { return !c.trailing; });
    }

    void template_def(std::size_t index) {
        const ast::Template& t = unit_.templates[index];
        if (!one_line_[index].empty()) {
            std::string text = one_line_[index];
            std::size_t name_end = std::string("template ").size() + t.name.name.size();
            if (name_width_[index] > t.name.name.size() && text.compare(0, name_end, "template " + t.name.name) == 0)
                text.insert(name_end, name_width_[index] - t.name.name.size(), ' ');
            comments_before(t.span.offset, 0);
            emit({text}, t.span.line, end_line(t.span), Item::Normal);
            return;
        }
        open(print_template_header(t), t.span);
        for (const auto& slot : t.slots) node(std::string(kBodyIndent, ' '), slot_text(slot), slot.span, kBodyIndent);
        close(t.span);
    }

    void facts_block(const ast::FactsBlock& block) {
        if (block.facts.empty() && !comment_inside(block.span)) {
            comments_before(block.span.offset, 0);
            emit({"facts {}"}, block.span.line, end_line(block.span), Item::Normal);
            return;
        }
        open("facts {", block.span);
        for (const auto& fact : block.facts)
            node(std::string(kBodyIndent, ' '), print_fact(fact), fact.span, kBodyIndent);
        close(block.span);
    }

    // `  when C1` / `       C2` / `  then A1` / `       A2`. A comment before the first condition or action goes
    // above its keyword, at the body's indentation; one between two of them, under the first.
    void rule(const ast::Rule& r) {
        open(print_rule_header(r), r.span);
        const std::string body(kBodyIndent, ' ');
        const std::string clause(kClauseIndent, ' ');
        for (std::size_t i = 0; i < r.conditions.size(); ++i)
            node(i == 0 ? body + "when " : clause, print_condition(r.conditions[i]), r.conditions[i].span,
                 i == 0 ? kBodyIndent : kClauseIndent);
        for (std::size_t i = 0; i < r.actions.size(); ++i)
            node(i == 0 ? body + "then " : clause, print_action(r.actions[i]), r.actions[i].span,
                 i == 0 ? kBodyIndent : kClauseIndent);
        if (r.actions.empty()) emit({body + "then"}, last_line_, last_line_, Item::Normal);
        close(r.span);
    }

    const SourceFile& file_;
    ast::Unit unit_;  // a copy: numbers respelled (keep_spelling)
    std::size_t width_;
    std::vector<Comment> comments_;
    std::size_t next_comment_ = 0;
    std::vector<std::string> one_line_;    // per template: its one-line text, or empty
    std::vector<std::size_t> name_width_;  // per template: the width its name is padded to (0: none)

    std::vector<std::string> out_;
    std::uint32_t last_line_ = 0;       // the last source line printed so far
    bool after_open_ = true;            // the last output line opened a body (or nothing is printed yet)
    bool chain_trailing_ = false;       // the last output line ends with a comment that continuation lines continue
    std::uint32_t chain_code_col_ = 0;  // 1-based column where the code of that line starts
};

// print_unit leaves reports out; the meaning check compares them too.
std::string printed_with_reports(const ast::Unit& unit) {
    std::string text = print_unit(unit);
    for (const auto& report : unit.reports) text += print_report(report) + "\n";
    return text;
}

std::vector<std::string> comment_texts(const SourceFile& file) {
    std::vector<std::string> texts;
    for (const Comment& c : scan_comments(file)) texts.push_back(c.text);
    return texts;
}

}  // namespace

FormatResult format_source(const SourceFile& file, const FormatOptions& options) {
    FormatResult result;
    DiagnosticSink sink;
    ast::Unit unit = parse_unit(file, sink);
    if (sink.has_errors()) {
        result.diagnostics = sink.sorted();
        return result;
    }
    std::string text = Formatter(file, unit, options.width).run();

    SourceManager again;
    const SourceFile& formatted = again.file(again.add(file.path, text));
    DiagnosticSink again_sink;
    ast::Unit reparsed = parse_unit(formatted, again_sink);
    if (again_sink.has_errors() || printed_with_reports(reparsed) != printed_with_reports(unit)) {
        result.internal_error = "the formatted text would not mean what the file means (a bug in the formatter)";
        return result;
    }
    if (comment_texts(formatted) != comment_texts(file)) {
        result.internal_error = "the formatted text would not keep every comment in order (a bug in the formatter)";
        return result;
    }
    result.ok = true;
    result.text = std::move(text);
    return result;
}

FormatResult format_source(const SourceManager& sources, FileId file, const FormatOptions& options) {
    return format_source(sources.file(file), options);
}

}  // namespace covenant
