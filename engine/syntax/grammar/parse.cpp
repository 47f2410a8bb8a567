// Implements parse.hpp on top of the X3 grammar: parses one top-level definition at a time (dispatching on its
// keyword), converts each internal tree into the public ast:: structs with SourceSpans right away, and on a syntax
// error records a located diagnostic and resynchronises at the next line that starts with a top-level keyword
// (panic-mode recovery, as in clox), so that every error of a file is reported in one run.
#include "syntax/parse.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <string_view>

#include "base/hints.hpp"
#include "syntax/grammar/grammar.hpp"
#include "syntax/grammar/reserved_words.hpp"

namespace covenant {
namespace {

namespace x3 = boost::spirit::x3;
namespace tree = grammar::tree;
using grammar::iterator_type;
using grammar::ParseState;

constexpr std::array<std::string_view, 11> kDefinitionKeywords = {
    "pack", "use", "const", "template", "facts", "rule", "norm", "criterion", "interest", "report", "function"};
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Characters that can begin some token of the language; anything else is reported as E0005.
bool can_start_token(char c) {
    if (is_ident_char(c) || is_blank(c)) return true;
    return std::string_view("?\"(){},:|!<>=-+*/.#").find(c) != std::string_view::npos;
}

// Skips whitespace and `#` comments from `pos` (the grammar's skipper, on plain text).
std::size_t skip_blank(std::string_view text, std::size_t pos) {
    while (pos < text.size()) {
        if (is_blank(text[pos])) {
            ++pos;
        } else if (text[pos] == '#') {
            while (pos < text.size() && text[pos] != '\n') ++pos;
        } else {
            break;
        }
    }
    return pos;
}

std::string_view word_at(std::string_view text, std::size_t pos) {
    std::size_t end = pos;
    while (end < text.size() && is_ident_char(text[end])) ++end;
    return text.substr(pos, end - pos);
}

// Length of the token starting at `pos`, for the width of a caret underline.
std::size_t token_length(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) return 0;
    char c = text[pos];
    if (is_ident_char(c) || c == '?' ||
        (c == '-' && pos + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[pos + 1])))) {
        std::size_t end = pos + 1;
        while (end < text.size() && (is_ident_char(text[end]) || text[end] == '.')) ++end;
        return end - pos;
    }
    if (c == '"') {
        std::size_t end = pos + 1;
        while (end < text.size() && text[end] != '"' && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
        return std::min(end + 1, text.size()) - pos;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {  // one UTF-8 sequence
        std::size_t end = pos + 1;
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
        return end - pos;
    }
    if (pos + 1 < text.size()) {
        std::string_view two = text.substr(pos, 2);
        if (two == "<=" || two == ">=" || two == "==" || two == "!=" || two == "<-") return 2;
    }
    return 1;
}

bool is_reserved(std::string_view w) {
    return std::find(grammar::kReservedWords.begin(), grammar::kReservedWords.end(), w) !=
           grammar::kReservedWords.end();
}

bool is_definition_keyword_at(std::string_view text, std::size_t pos) {
    std::string_view w = word_at(text, pos);
    return std::find(kDefinitionKeywords.begin(), kDefinitionKeywords.end(), w) != kDefinitionKeywords.end();
}

// The first position at or after `from` where a line (after its indentation) starts with a top-level keyword, or
// the end of the text. Resynchronising only at line starts keeps slot names such as `use:` inside a broken template
// from being taken for definitions.
std::size_t next_definition(std::string_view text, std::size_t from) {
    std::size_t line = from;
    while (line > 0 && text[line - 1] != '\n') --line;
    bool first_line = true;
    while (line < text.size()) {
        std::size_t pos = line;
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
        if ((!first_line || pos >= from) && is_definition_keyword_at(text, pos)) return pos;
        first_line = false;
        std::size_t nl = text.find('\n', line);
        if (nl == std::string_view::npos) break;
        line = nl + 1;
    }
    return text.size();
}

struct OpenBracket {
    char bracket;
    std::size_t offset;
};

// Brackets still open at `to` when scanning from `from` (strings and comments skipped as the grammar does), and the
// start of a string that is still open at `to`, if any. Used to name the opener in "expected ')' ... opened at".
struct BracketScan {
    std::vector<OpenBracket> open;
    std::optional<std::size_t> open_string;
};

BracketScan scan_brackets(std::string_view text, std::size_t from, std::size_t to) {
    BracketScan result;
    std::size_t pos = from;
    to = std::min(to, text.size());
    while (pos < to) {
        char c = text[pos];
        if (c == '#') {
            while (pos < to && text[pos] != '\n') ++pos;
        } else if (c == '"') {
            std::size_t start = pos++;
            while (pos < to && text[pos] != '"' && text[pos] != '\n') pos += text[pos] == '\\' ? 2 : 1;
            if (pos >= to) {
                result.open_string = start;
                break;
            }
            ++pos;
        } else {
            if (c == '(' || c == '{') {
                result.open.push_back({c, pos});
            } else if ((c == ')' || c == '}') && !result.open.empty()) {
                char opener = c == ')' ? '(' : '{';
                if (result.open.back().bracket == opener) result.open.pop_back();
            }
            ++pos;
        }
    }
    return result;
}

// X3 parses nested constructs by recursion, so nesting must be bounded before parsing or a hostile file could
// overflow the stack. The limit is far beyond what a readable rule needs; each level costs about ten parser frames.
constexpr std::size_t kMaxNesting = 128;

// The first place in [from, to) where brackets plus a run of prefix operators (`-`, `not`) nest deeper than
// kMaxNesting, if any. Strings and comments are skipped as the grammar skips them.
std::optional<std::size_t> too_deep(std::string_view text, std::size_t from, std::size_t to) {
    std::size_t depth = 0;
    std::size_t prefix_run = 0;
    std::size_t pos = from;
    while (pos < to) {
        char c = text[pos];
        if (is_blank(c)) {
            ++pos;
            continue;
        }
        if (c == '#') {
            while (pos < to && text[pos] != '\n') ++pos;
            continue;
        }
        if (c == '"') {
            ++pos;
            while (pos < to && text[pos] != '"' && text[pos] != '\n') pos += text[pos] == '\\' ? 2 : 1;
            ++pos;
            prefix_run = 0;
            continue;
        }
        if (c == '(' || c == '{') {
            ++depth;
        } else if ((c == ')' || c == '}') && depth > 0) {
            --depth;
        }
        std::string_view word = word_at(text, pos);
        bool prefix = c == '-' || word == "not";
        prefix_run = prefix ? prefix_run + 1 : 0;
        if (depth + prefix_run > kMaxNesting) return pos;
        pos += word.empty() ? 1 : word.size();
    }
    return std::nullopt;
}

char opener_of(char closer) { return closer == ')' ? '(' : closer == '}' ? '{' : 0; }

// The bracket a rule name like "')' to close the pattern" expects, or 0.
char expected_closer(std::string_view which) {
    auto at = which.find(" to close ");
    if (at == std::string_view::npos) return 0;
    auto quote = which.rfind('\'', at);
    if (quote == std::string_view::npos || quote == 0) return 0;
    return which[quote - 1];
}

std::string describe_char(std::string_view text, std::size_t pos) {
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) return "non-ASCII character";
    if (c < 0x20 || c == 0x7f) return fmt::format("control character 0x{:02x}", c);
    return fmt::format("character '{}'", static_cast<char>(c));
}

// Turns the grammar's {where, which} into a diagnostic with a stable code and a message in words.
void report_failure(const SourceFile& file, DiagnosticSink& sink, std::size_t definition_start, std::size_t where,
                    const std::string& which) {
    std::string_view text = file.text;
    auto span = [&](std::size_t offset, std::size_t length) {
        return file.span_at(static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(length));
    };
    if (which == grammar::kEscapeRuleName) {
        std::size_t backslash = where > 0 ? where - 1 : 0;
        if (where >= text.size() || text[where] == '\n' || text[where] == '\r') {
            sink.error(span(backslash, 1), Code::BadEscape,
                       "a '\\' at the end of a line; use \\\\ for a backslash");
        } else {
            std::size_t length = 1 + token_length(text, where);
            if (is_ident_char(text[where])) length = 2;
            sink.error(span(backslash, length), Code::BadEscape,
                       "unknown escape sequence '{}' in a string; use \\\", \\\\, \\n, \\t, \\{{ or \\}}",
                       text.substr(backslash, length));
        }
        return;
    }
    if (which == grammar::kStringCloseRuleName) {
        std::size_t line_start = where;
        while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
        BracketScan scan = scan_brackets(text, line_start, where);
        std::size_t start = scan.open_string.value_or(where);
        std::size_t end = where;
        while (end > start && (text[end - 1] == '\r')) --end;
        sink.error(span(start, end - start), Code::UnterminatedString,
                   "unterminated string: expected '\"' before the end of the line");
        return;
    }
    std::size_t pos = skip_blank(text, where);
    if (pos >= text.size()) {
        BracketScan scan = scan_brackets(text, definition_start, text.size());
        if (!scan.open.empty()) {
            const OpenBracket& open = scan.open.back();
            Diagnostic* d = sink.error(span(open.offset, 1), Code::UnterminatedGroup,
                                       "'{}' is never closed: the file ends where {} was expected", open.bracket,
                                       which);
            if (d) d->notes.push_back({span(text.size(), 0), "the file ends here"});
        } else {
            sink.error(span(text.size(), 0), Code::ParseExpected, "expected {}, but the file ends here", which);
        }
        return;
    }
    if (!can_start_token(text[pos])) {
        sink.error(span(pos, token_length(text, pos)), Code::UnexpectedCharacter, "unexpected {}; expected {}",
                   describe_char(text, pos), which);
        return;
    }
    std::string message = "expected " + which;
    if (char closer = expected_closer(which)) {
        BracketScan scan = scan_brackets(text, definition_start, pos);
        if (!scan.open.empty() && scan.open.back().bracket == opener_of(closer)) {
            SourceSpan opened = span(scan.open.back().offset, 1);
            message += fmt::format(" opened at {}:{}", opened.line, opened.col);
        }
    }
    std::string_view word = word_at(text, pos);
    if (!word.empty() && is_reserved(word) && which.find("name") != std::string::npos)
        message += fmt::format("; '{}' is a reserved word", word);
    Diagnostic* d = sink.add(Severity::Error, span(pos, token_length(text, pos)), Code::ParseExpected, std::move(message));
    // The slips of authors used to CLIPS: a name with '-' stops the parser at the '-', a test with '=' at the '='.
    if (!d) return;
    if (auto hint = text[pos] == '-' ? hyphenated_name_hint_at(text, pos) : single_equals_hint_at(text, pos))
        d->notes.push_back({SourceSpan{}, *hint});
}

// Converts the grammar's tree into the public AST. Positions come from the annotation handler's cache.
class Converter {
public:
    Converter(const SourceFile& file, const ParseState& state, DiagnosticSink& sink)
        : file_(file), state_(state), sink_(sink) {}

    SourceSpan span(const x3::position_tagged& node) const {
        if (node.id_first < 0 || node.id_last < 0) return {};  // every converted node is annotated; defensive only
        auto range = state_.positions.position_of(node);
        auto begin = static_cast<std::uint32_t>(range.begin() - state_.positions.first());
        auto end = static_cast<std::uint32_t>(range.end() - state_.positions.first());
        return file_.span_at(begin, end - begin, line_hint_);
    }
    SourceSpan join(const SourceSpan& from, const SourceSpan& to) const {
        return file_.span_at(from.offset, to.offset + to.length - from.offset, line_hint_);
    }

    ast::Identifier name(const tree::Name& n) const { return {n.text, span(n)}; }
    ast::Variable var(const tree::Var& v) const { return {v.text, span(v)}; }

    ast::Literal number(const tree::Number& n) const {
        ast::Literal lit;
        lit.span = span(n);
        lit.text = n.text;
        const std::string& t = n.text;
        std::size_t i = t.starts_with('-') ? 1 : 0;
        std::size_t digits = i;
        while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
        bool int_form = digits == t.size() && digits > i;
        if (int_form) {
            lit.kind = ast::Literal::Kind::Int;
            auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), lit.int_value);
            if (ec != std::errc() || ptr != t.data() + t.size())
                sink_.error(lit.span, Code::InvalidNumber,
                            "integer {} is out of range (an int holds -9223372036854775808 to 9223372036854775807)",
                            t);
            return lit;
        }
        lit.kind = ast::Literal::Kind::Float;
        // -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?, with a fraction or an exponent (else it was an int).
        std::size_t p = digits;
        bool ok = digits > i;
        if (ok && p < t.size() && t[p] == '.') {
            std::size_t q = ++p;
            while (p < t.size() && std::isdigit(static_cast<unsigned char>(t[p]))) ++p;
            ok = p > q;
        }
        if (ok && p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
            ++p;
            if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
            std::size_t q = p;
            while (p < t.size() && std::isdigit(static_cast<unsigned char>(t[p]))) ++p;
            ok = p > q;
        }
        ok = ok && p == t.size();
        if (!ok) {
            sink_.error(lit.span, Code::InvalidNumber,
                        "malformed number '{}' (write an int like -12 or a float like 0.35 or 1e5)", t);
            return lit;
        }
        auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), lit.float_value);
        if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(lit.float_value))
            sink_.error(lit.span, Code::InvalidNumber, "float {} is out of range", t);
        return lit;
    }

    // Decodes escapes (the grammar has accepted only valid ones); `\{` is recorded in escaped_braces.
    ast::Literal string(const tree::String& s) const {
        ast::Literal lit;
        lit.kind = ast::Literal::Kind::String;
        lit.span = span(s);
        for (std::size_t i = 0; i < s.raw.size(); ++i) {
            char c = s.raw[i];
            if (c != '\\' || i + 1 == s.raw.size()) {
                lit.text += c;
                continue;
            }
            char e = s.raw[++i];
            switch (e) {
                case 'n': lit.text += '\n'; break;
                case 't': lit.text += '\t'; break;
                case '{':
                    lit.escaped_braces.push_back(static_cast<std::uint32_t>(lit.text.size()));
                    lit.text += '{';
                    break;
                default: lit.text += e; break;  // \" \\ \}
            }
        }
        return lit;
    }

    ast::Literal boolean(const tree::Bool& b) const {
        ast::Literal lit;
        lit.kind = ast::Literal::Kind::Bool;
        lit.bool_value = b.value;
        lit.text = b.value ? "true" : "false";
        lit.span = span(b);
        return lit;
    }

    ast::Literal symbol(const tree::Name& n) const {
        ast::Literal lit;
        lit.kind = ast::Literal::Kind::Symbol;
        lit.text = n.text;
        lit.span = span(n);
        return lit;
    }

    template <typename Node>
    ast::Literal literal_of(const Node& node) const {
        if constexpr (std::is_same_v<Node, tree::Number>) return number(node);
        else if constexpr (std::is_same_v<Node, tree::String>) return string(node);
        else if constexpr (std::is_same_v<Node, tree::Bool>) return boolean(node);
        else return symbol(node);
    }

    ast::Literal literal(const tree::Literal& l) const {
        return boost::apply_visitor([&](const auto& node) { return literal_of(node); }, l.get());
    }

    ast::Operand operand(const tree::Operand& o) const {
        ast::Operand result;
        boost::apply_visitor(
            [&](const auto& node) {
                using T = std::decay_t<decltype(node)>;
                if constexpr (std::is_same_v<T, tree::Var>) {
                    result.is_variable = true;
                    result.variable = var(node);
                    result.span = result.variable.span;
                } else {
                    result.literal = literal_of(node);
                    result.span = result.literal.span;
                }
            },
            o.get());
        return result;
    }

    // A slot constraint's value: a lone literal or variable is an Operand as before; anything else an expression.
    ast::Operand comparand(const tree::Chain& c) const {
        ast::Operand result;
        ast::Expr e = chain(c);
        if (e.kind == ast::Expr::Kind::Variable) {
            result.is_variable = true;
            result.variable = std::move(e.variable);
        } else if (e.kind == ast::Expr::Kind::Literal) {
            result.literal = std::move(e.literal);
        } else {
            result.is_expression = true;
            result.expression = std::move(e);
        }
        result.span = span(c);
        if (!result.span.valid()) result.span = result.is_expression ? result.expression.span : result.literal.span;
        return result;
    }

    ast::Expr term(const tree::Term& t) const {
        return boost::apply_visitor(
            [&](const auto& node) -> ast::Expr {
                using T = std::decay_t<decltype(node)>;
                ast::Expr e;
                if constexpr (std::is_same_v<T, tree::Var>) {
                    e.kind = ast::Expr::Kind::Variable;
                    e.variable = var(node);
                    e.span = e.variable.span;
                } else if constexpr (std::is_same_v<T, x3::forward_ast<tree::Call>>) {
                    const tree::Call& call = node.get();
                    e.kind = ast::Expr::Kind::Call;
                    e.function = name(call.function);
                    e.args.reserve(call.args.size());
                    for (const auto& arg : call.args) e.args.push_back(chain(arg));
                    e.span = span(call);
                } else if constexpr (std::is_same_v<T, x3::forward_ast<tree::Unary>>) {
                    const tree::Unary& unary = node.get();
                    e.kind = ast::Expr::Kind::Unary;
                    e.op = unary.op;
                    e.args.push_back(term(unary.operand));
                    e.span = span(unary);
                } else if constexpr (std::is_same_v<T, x3::forward_ast<tree::Chain>>) {
                    return chain(node.get());
                } else if constexpr (std::is_same_v<T, x3::forward_ast<tree::ListLit>>) {
                    const tree::ListLit& list = node.get();
                    e.kind = ast::Expr::Kind::List;
                    for (const auto& item : list.items) e.args.push_back(chain(item));
                    e.span = span(list);
                } else {
                    e.kind = ast::Expr::Kind::Literal;
                    e.literal = literal_of(node);
                    e.span = e.literal.span;
                }
                return e;
            },
            t.get());
    }

    // Folds a chain left-associatively: a - b - c is (a - b) - c. Each binary node spans from the chain's start to
    // the end of its right operand.
    ast::Expr chain(const tree::Chain& c) const {
        ast::Expr acc = term(c.first);
        if (c.rest.empty()) return acc;
        SourceSpan start = span(c);
        for (const tree::Operation& operation : c.rest) {
            ast::Expr binary;
            binary.kind = ast::Expr::Kind::Binary;
            binary.op = operation.op;
            binary.args.reserve(2);
            binary.args.push_back(std::move(acc));
            binary.args.push_back(term(operation.operand));
            binary.span = join(start, span(operation));
            acc = std::move(binary);
        }
        return acc;
    }

    static ast::CmpOp cmp_op(const std::string& op) {
        if (op == "!=") return ast::CmpOp::Ne;
        if (op == "<") return ast::CmpOp::Lt;
        if (op == "<=") return ast::CmpOp::Le;
        if (op == ">") return ast::CmpOp::Gt;
        if (op == ">=") return ast::CmpOp::Ge;
        if (op == "has") return ast::CmpOp::Has;
        return ast::CmpOp::Eq;
    }

    void test_into(const tree::Test& test, ast::SlotConstraint& out) const {
        out.op = cmp_op(test.op);
        for (const auto& v : test.values) out.values.push_back(comparand(v));
    }

    ast::SlotConstraint slot_constraint(const tree::SlotConstraint& sc) const {
        ast::SlotConstraint out;
        out.slot = name(sc.slot);
        out.span = span(sc);
        boost::apply_visitor(
            [&](const auto& body) {
                using T = std::decay_t<decltype(body)>;
                if constexpr (std::is_same_v<T, tree::BoundTest>) {
                    out.variable = var(body.var);
                    if (body.test) test_into(*body.test, out);
                } else {
                    test_into(body, out);
                }
            },
            sc.body.get());
        list_pattern_into(out);
        return out;
    }

    // `slot: [a, ?x, ..?rest]`: a plain constraint whose one value is a list with a variable or a `..` item becomes
    // a list pattern. Its items are converted like comparands, so constant expressions are folded by the checker.
    static void list_pattern_into(ast::SlotConstraint& out) {
        if (out.variable || (out.op && *out.op != ast::CmpOp::Eq) || out.values.size() != 1) return;
        const ast::Operand& only = out.values[0];
        if (!only.is_expression || only.expression.kind != ast::Expr::Kind::List) return;
        auto is_rest = [](const ast::Expr& e) { return e.kind == ast::Expr::Kind::Unary && e.op == ".."; };
        bool pattern = false;
        for (const auto& item : only.expression.args)
            if (item.kind == ast::Expr::Kind::Variable || is_rest(item)) pattern = true;
        if (!pattern) return;
        std::vector<ast::ListItem> items;
        for (const auto& item : only.expression.args) {
            ast::ListItem li;
            li.rest = is_rest(item);
            const ast::Expr& e = li.rest ? item.args[0] : item;
            li.value.span = item.span;
            if (e.kind == ast::Expr::Kind::Variable) {
                li.value.is_variable = true;
                li.value.variable = e.variable;
            } else if (e.kind == ast::Expr::Kind::Literal) {
                li.value.literal = e.literal;
            } else {
                li.value.is_expression = true;
                li.value.expression = e;
            }
            items.push_back(std::move(li));
        }
        out.is_list_pattern = true;
        out.list = std::move(items);
        out.op.reset();
        out.values.clear();
    }

    ast::Pattern pattern(const tree::Pattern& p) const {
        ast::Pattern out;
        out.template_name = name(p.template_name);
        for (const auto& sc : p.slots) out.slots.push_back(slot_constraint(sc));
        out.span = span(p);
        return out;
    }

    ast::Condition condition(const tree::Condition& c) const {
        ast::Condition out;
        boost::apply_visitor(
            [&](const auto& node) {
                using T = std::decay_t<decltype(node)>;
                if constexpr (std::is_same_v<T, tree::Pattern>) {
                    out.kind = ast::Condition::Kind::Pattern;
                    out.pattern = pattern(node);
                    out.span = out.pattern.span;
                } else if constexpr (std::is_same_v<T, tree::Binding>) {
                    binding(node, out);
                } else if constexpr (std::is_same_v<T, tree::TestCondition>) {
                    out.kind = ast::Condition::Kind::Test;
                    out.test = chain(node.expr);
                    out.span = span(node);
                } else {
                    const tree::Negation& negation = node.get();
                    using K = ast::Condition::Kind;
                    out.kind = negation.keyword == "not"      ? K::Not
                               : negation.keyword == "exists" ? K::Exists
                               : negation.keyword == "forall" ? K::Forall
                               : negation.keyword == "or"     ? K::Or
                                                              : K::And;
                    for (const auto& inner : negation.conditions) out.group.push_back(condition(inner));
                    out.span = span(negation);
                }
            },
            c.get());
        return out;
    }

    void binding(const tree::Binding& b, ast::Condition& out) const {
        out.span = span(b);
        ast::Variable v = var(b.var);
        boost::apply_visitor(
            [&](const auto& rhs) {
                using T = std::decay_t<decltype(rhs)>;
                if constexpr (std::is_same_v<T, tree::Pattern>) {
                    out.kind = ast::Condition::Kind::Pattern;
                    out.pattern = pattern(rhs);
                    out.pattern.fact_variable = v;
                    out.pattern.span = out.span;  // the pattern's text includes `?f <-`
                } else if constexpr (std::is_same_v<T, tree::Aggregate>) {
                    out.kind = ast::Condition::Kind::Aggregate;
                    out.result = v;
                    out.function = name(rhs.function);
                    if (rhs.over) out.over = var(*rhs.over);
                    out.pattern = pattern(rhs.pattern);
                } else {
                    out.kind = ast::Condition::Kind::Score;
                    out.result = v;
                    out.predicate = name(rhs.predicate);
                    for (const auto& arg : rhs.args) out.args.push_back(operand(arg));
                }
            },
            b.rhs.get());
    }

    ast::SlotValue slot_value(const tree::SlotValue& sv) const {
        return {name(sv.slot), chain(sv.value), span(sv)};
    }

    ast::FactTerm fact(const tree::FactTerm& f) const {
        ast::FactTerm out;
        out.template_name = name(f.template_name);
        for (const auto& sv : f.slots) out.slots.push_back(slot_value(sv));
        out.span = span(f);
        return out;
    }

    ast::Action action(const tree::Action& a) const {
        ast::Action out;
        boost::apply_visitor(
            [&](const auto& node) {
                using T = std::decay_t<decltype(node)>;
                out.span = span(node);
                if constexpr (std::is_same_v<T, tree::AssertAction>) {
                    out.kind = node.keyword == "assert" ? ast::Action::Kind::Assert : ast::Action::Kind::Conclude;
                    out.fact = fact(node.fact);
                } else if constexpr (std::is_same_v<T, tree::RetractAction>) {
                    out.kind = ast::Action::Kind::Retract;
                    out.target = var(node.target);
                } else if constexpr (std::is_same_v<T, tree::ModifyAction>) {
                    out.kind = ast::Action::Kind::Modify;
                    out.target = var(node.target);
                    for (const auto& sv : node.changes) out.changes.push_back(slot_value(sv));
                } else if constexpr (std::is_same_v<T, tree::EvidenceAction>) {
                    out.kind = ast::Action::Kind::Evidence;
                    out.predicate = name(node.predicate);
                    for (const auto& arg : node.args) out.args.push_back(chain(arg));
                    out.weight = chain(node.weight);
                    if (node.reason) out.text = string(*node.reason);
                } else if constexpr (std::is_same_v<T, tree::PrintAction>) {
                    out.kind = ast::Action::Kind::Print;
                    out.text = string(node.text);
                } else {
                    out.kind = ast::Action::Kind::Halt;
                }
            },
            a.get());
        return out;
    }

    std::optional<ast::Literal> doc(const boost::optional<tree::String>& s) const {
        if (!s) return std::nullopt;
        return string(*s);
    }

    ast::PackDecl pack(const tree::PackDef& p) const { return {name(p.name), doc(p.doc), span(p)}; }
    ast::Use use(const tree::UseDef& u) const { return {name(u.pack), span(u)}; }
    ast::Constant constant(const tree::ConstDef& c) const {
        return {name(c.name), chain(c.value), doc(c.doc), span(c)};
    }
    ast::Function function(const tree::FunctionDef& f) const {
        ast::Function out;
        out.name = name(f.name);
        out.doc = doc(f.doc);
        for (const auto& p : f.params) {
            ast::Param param;
            param.var = var(p.var);
            param.type = simple_type(p.type, span(p));
            param.span = span(p);
            out.params.push_back(std::move(param));
        }
        if (f.result) out.result = simple_type(*f.result, out.name.span);
        out.body = chain(f.body);
        out.span = span(f);
        return out;
    }
    // A type's keyword as the grammar gives it ("symbol", ..., "ref", "list"); `one of` is the rest.
    static ast::TypeRef::Kind type_kind(const std::string& t) {
        using K = ast::TypeRef::Kind;
        return t == "symbol" ? K::Symbol : t == "string" ? K::String : t == "int" ? K::Int : t == "float" ? K::Float
               : t == "bool" ? K::Bool   : t == "ref"    ? K::Ref    : t == "list" ? K::List : K::OneOf;
    }
    // A simple type (a parameter's, a result's, a list's items'), which the grammar limits to the five names.
    static ast::TypeRef simple_type(const std::string& t, const SourceSpan& where) {
        ast::TypeRef out;
        out.kind = type_kind(t);
        out.span = where;
        return out;
    }
    ast::ReportDecl report(const tree::ReportDef& r) const {
        ast::ReportDecl out{name(r.role), name(r.target), {}, doc(r.label), span(r)};
        if (r.slots)
            for (const auto& s : *r.slots) out.slots.push_back(name(s));
        return out;
    }

    ast::TypeRef type(const tree::TypeRef& t) const {
        ast::TypeRef out;
        out.span = span(t);
        using K = ast::TypeRef::Kind;
        out.kind = type_kind(t.kind);
        if (out.kind == K::List) {
            out.element = t.one_of.empty() ? K::Symbol : type_kind(t.one_of.front().text);
            return out;
        }
        if (out.kind == K::Ref) {
            if (!t.one_of.empty()) out.ref = name(t.one_of.front());
            return out;
        }
        for (const auto& n : t.one_of) out.one_of.push_back(name(n));
        return out;
    }

    ast::Literal bound(const tree::Bound& b) const {
        return boost::apply_visitor([&](const auto& node) { return literal_of(node); }, b.get());
    }

    static ast::CmpOp range_op(const std::string& op) {
        return op == ">=" ? ast::CmpOp::Ge : op == ">" ? ast::CmpOp::Gt : op == "<=" ? ast::CmpOp::Le : ast::CmpOp::Lt;
    }

    std::vector<ast::RangeLimit> range(const tree::Range& r) const {
        std::vector<ast::RangeLimit> out;
        if (const auto* in = boost::get<tree::Interval>(&r.get())) {
            ast::RangeLimit low{range_op(in->open), bound(in->low), span(*in)};
            ast::RangeLimit high{range_op(in->close), bound(in->high), span(*in)};
            low.span = low.bound.span;
            high.span = high.bound.span;
            out.push_back(std::move(low));
            out.push_back(std::move(high));
        } else if (const auto* limits = boost::get<std::vector<tree::RangeLimit>>(&r.get())) {
            for (const auto& l : *limits) out.push_back({range_op(l.op), bound(l.bound), span(l)});
        }
        return out;
    }

    ast::Template template_def(const tree::TemplateDef& t) const {
        ast::Template out;
        out.name = name(t.name);
        out.doc = doc(t.doc);
        for (const auto& slot : t.slots) {
            ast::SlotDecl decl;
            decl.name = name(slot.name);
            decl.type = type(slot.type);
            if (slot.range) decl.range = range(*slot.range);
            if (slot.from) decl.from = name(*slot.from);
            if (slot.default_value) decl.default_value = literal(*slot.default_value);
            decl.span = span(slot);
            out.slots.push_back(std::move(decl));
        }
        out.span = span(t);
        return out;
    }

    ast::FactsBlock facts(const tree::FactsDef& f) const {
        ast::FactsBlock out;
        for (const auto& term : f.facts) out.facts.push_back(fact(term));
        out.span = span(f);
        return out;
    }

    ast::Rule rule(const tree::RuleDef& r) const {
        ast::Rule out;
        out.kind = r.kind == "norm"        ? ast::RuleKind::Norm
                   : r.kind == "criterion" ? ast::RuleKind::Criterion
                   : r.kind == "interest"  ? ast::RuleKind::Interest
                                           : ast::RuleKind::Rule;
        out.name = name(r.name);
        out.doc = doc(r.doc);
        if (r.salience) out.salience = chain(*r.salience);
        for (const auto& c : r.conditions) out.conditions.push_back(condition(c));
        for (const auto& a : r.actions) out.actions.push_back(action(a));
        out.span = span(r);
        return out;
    }

private:
    const SourceFile& file_;
    const ParseState& state_;
    DiagnosticSink& sink_;
    // The line of the last span made: spans are asked for in nearly ascending order (SourceFile::span_at).
    mutable std::uint32_t line_hint_ = 1;
};

// Runs one entry rule from `first`; returns true on success. On failure, the grammar's record (or, for a failure
// before anything was committed, the entry rule's own name at `first`) becomes a diagnostic.
template <typename Rule, typename Attribute>
bool run_rule(const Rule& rule, const SourceFile& file, ParseState& state, iterator_type& first, Attribute& attr,
              DiagnosticSink& sink) {
    const iterator_type begin = file.text.begin();
    const iterator_type start = first;
    bool ok = false;
    try {
        ok = x3::phrase_parse(first, iterator_type(file.text.end()),
                              x3::with<grammar::parse_state_tag>(std::ref(state))[rule], grammar::skipper, attr);
    } catch (const x3::expectation_failure<iterator_type>& failure) {
        // Only reachable if an expectation escaped the entry rule's on_error; report it all the same.
        state.failure = grammar::Failure{failure.where(), failure.which()};
    }
    if (ok) return true;
    auto definition_start = static_cast<std::size_t>(start - begin);
    if (state.failure) {
        report_failure(file, sink, definition_start, static_cast<std::size_t>(state.failure->where - begin),
                       state.failure->which);
    } else {
        report_failure(file, sink, definition_start, skip_blank(file.text, definition_start), rule.name);
    }
    return false;
}

}  // namespace

ast::Unit parse_unit(const SourceFile& file, DiagnosticSink& sink) {
    ast::Unit unit;
    unit.file = file.id;
    const std::string& text = file.text;
    // A UTF-8 byte order mark, as some editors write, is not part of the program.
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (true) {
        pos = skip_blank(text, pos);
        if (pos >= text.size()) break;
        std::string_view keyword = word_at(text, pos);
        if (std::find(kDefinitionKeywords.begin(), kDefinitionKeywords.end(), keyword) == kDefinitionKeywords.end()) {
            report_failure(
                file, sink, pos, pos,
                "a definition (pack, use, const, function, template, facts, rule, norm, criterion, interest or "
                "report)");
            pos = next_definition(text, pos + 1);
            continue;
        }
        if (auto deep = too_deep(text, pos, next_definition(text, pos + 1))) {
            sink.error(file.span_at(static_cast<std::uint32_t>(*deep), 1), Code::ParseExpected,
                       "this is nested too deeply (more than {} levels of brackets and prefix operators)",
                       kMaxNesting);
            pos = next_definition(text, pos + 1);
            continue;
        }
        ParseState state(text.begin(), text.end());
        Converter convert(file, state, sink);
        iterator_type first = text.begin() + static_cast<std::ptrdiff_t>(pos);
        bool ok = false;
        if (keyword == "pack") {
            tree::PackDef def;
            ok = run_rule(grammar::pack_definition, file, state, first, def, sink);
            if (ok) {
                ast::PackDecl decl = convert.pack(def);
                if (unit.pack) {
                    if (Diagnostic* d = sink.error(decl.span, Code::ParseExpected,
                                                   "a file declares its pack once; '{}' was already declared",
                                                   unit.pack->name.name))
                        d->notes.push_back({unit.pack->span, "the first declaration"});
                } else {
                    unit.pack = std::move(decl);
                }
            }
        } else if (keyword == "use") {
            tree::UseDef def;
            ok = run_rule(grammar::use_definition, file, state, first, def, sink);
            if (ok) unit.uses.push_back(convert.use(def));
        } else if (keyword == "const") {
            tree::ConstDef def;
            ok = run_rule(grammar::const_definition, file, state, first, def, sink);
            if (ok) unit.constants.push_back(convert.constant(def));
        } else if (keyword == "function") {
            tree::FunctionDef def;
            ok = run_rule(grammar::function_definition, file, state, first, def, sink);
            if (ok) unit.functions.push_back(convert.function(def));
        } else if (keyword == "template") {
            tree::TemplateDef def;
            ok = run_rule(grammar::template_definition, file, state, first, def, sink);
            if (ok) unit.templates.push_back(convert.template_def(def));
        } else if (keyword == "report") {
            tree::ReportDef def;
            ok = run_rule(grammar::report_definition, file, state, first, def, sink);
            if (ok) unit.reports.push_back(convert.report(def));
        } else if (keyword == "facts") {
            tree::FactsDef def;
            ok = run_rule(grammar::facts_definition, file, state, first, def, sink);
            if (ok) unit.facts.push_back(convert.facts(def));
        } else {
            tree::RuleDef def;
            ok = run_rule(grammar::rule_definition, file, state, first, def, sink);
            if (ok) unit.rules.push_back(convert.rule(def));
        }
        if (ok) {
            pos = static_cast<std::size_t>(first - text.begin());
        } else {
            std::size_t where = state.failure ? static_cast<std::size_t>(state.failure->where - text.begin()) : pos;
            std::size_t where_line = std::min(where, text.size());
            while (where_line > 0 && text[where_line - 1] != '\n') --where_line;
            pos = next_definition(text, std::max(pos + 1, where_line));
        }
    }
    return unit;
}

// Reports input nested beyond kMaxNesting (see too_deep) and returns true when there is some.
bool reject_deep(const SourceFile& file, DiagnosticSink& sink) {
    auto deep = too_deep(file.text, 0, file.text.size());
    if (!deep) return false;
    sink.error(file.span_at(static_cast<std::uint32_t>(*deep), 1), Code::ParseExpected,
               "this is nested too deeply (more than {} levels of brackets and prefix operators)", kMaxNesting);
    return true;
}

std::optional<ast::FactTerm> parse_fact(const SourceFile& file, DiagnosticSink& sink) {
    if (reject_deep(file, sink)) return std::nullopt;
    ParseState state(file.text.begin(), file.text.end());
    iterator_type first = file.text.begin();
    tree::FactTerm term;
    if (!run_rule(grammar::whole_fact, file, state, first, term, sink)) return std::nullopt;
    std::size_t errors = sink.error_count();
    ast::FactTerm fact = Converter(file, state, sink).fact(term);
    if (sink.error_count() != errors) return std::nullopt;  // a malformed number
    return fact;
}

std::optional<ast::Pattern> parse_pattern(const SourceFile& file, DiagnosticSink& sink) {
    if (reject_deep(file, sink)) return std::nullopt;
    ParseState state(file.text.begin(), file.text.end());
    iterator_type first = file.text.begin();
    tree::Pattern pattern;
    if (!run_rule(grammar::whole_pattern, file, state, first, pattern, sink)) return std::nullopt;
    std::size_t errors = sink.error_count();
    ast::Pattern result = Converter(file, state, sink).pattern(pattern);
    if (sink.error_count() != errors) return std::nullopt;  // a malformed number
    return result;
}

}  // namespace covenant
