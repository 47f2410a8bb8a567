// Completion for `covenant lsp`. While the user types, the document rarely parses, so the context comes from a small
// scan of the text before the cursor (strings, comments, brackets and the words around them), and the names come
// from the latest analysis (templates, slots, constants, functions and predicates of the document and the packs it
// uses).
//
// Contexts, by what precedes the cursor:
//   top level                        the definition keywords; after `use`, pack names
//   template body after `:`          slot types; after `ref`, template names
//   facts block, rule conditions     template names (conditions also: not, exists, test, then; after `=`: aggregates)
//   after then                       action keywords; after assert/conclude templates, after retract/modify ?facts
//   inside `template(` / modify ?f ( slot names not yet written; after `slot:` variables, constants, `one of` values
//                                    (in actions also functions)
//   test, operators, call arguments  variables, functions, constants
//   a function's body                functions and constants; after `?`, its parameters
//   a word starting with `?`         the variables written earlier in the rule (also inside "{?...}" in strings)
#include <filesystem>
#include <set>

#include "classify/shipped.hpp"
#include "lsp_features.hpp"
#include "syntax/print_ast.hpp"

namespace covenant::lsp {

namespace {

struct Token {
    enum Type { Word, Var, Punct, Str, Number } type = Word;
    std::string text;
};

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Scans text[0, end). Sets `in_comment` / `in_string` (with the string's text so far) when `end` falls inside one.
std::vector<Token> scan(std::string_view text, bool& in_comment, bool& in_string, std::string& string_so_far) {
    std::vector<Token> out;
    in_comment = in_string = false;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '#') {
            std::size_t nl = text.find('\n', i);
            if (nl == std::string_view::npos) {
                in_comment = true;
                return out;
            }
            i = nl + 1;
        } else if (c == '"') {
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
            if (j >= text.size()) {
                in_string = true;
                string_so_far = std::string(text.substr(i + 1));
                return out;
            }
            out.push_back({Token::Str, std::string(text.substr(i, j + 1 - i))});
            i = j + 1;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '?' || word_char(c)) {
            std::size_t j = i + 1;
            while (j < text.size() && (word_char(text[j]) || (c != '?' && text[j] == '.'))) ++j;
            Token::Type type = c == '?'                                      ? Token::Var
                               : std::isdigit(static_cast<unsigned char>(c)) ? Token::Number
                                                                             : Token::Word;
            out.push_back({type, std::string(text.substr(i, j - i))});
            i = j;
        } else {
            std::string two(text.substr(i, 2));
            bool pair = two == "<-" || two == "<=" || two == ">=" || two == "==" || two == "!=";
            out.push_back({Token::Punct, pair ? two : std::string(1, c)});
            i += pair ? 2 : 1;
        }
    }
    return out;
}

const std::set<std::string> kDefinitionWords = {"pack", "use",  "const",     "template", "facts",   "rule",
                                                "norm", "criterion", "interest", "report", "function"};

struct Paren {
    std::string opener;  // the word before '(' (a template, function, aggregate, `not`, `exists`), or "modify"
    std::string var;     // modify ?f ( : the variable
    std::size_t first;   // index of the first token inside
};

enum class Block { None, Template, Facts, Rule, Other };

class Completer {
public:
    Completer(const Analysis& a, json& items, json range) : a_(a), items_(items), range_(std::move(range)) {}

    void item(const std::string& label, int kind, const std::string& detail, const std::string& insert = {}) {
        if (!seen_.insert(label).second) return;
        json it = {{"label", label},
                   {"kind", kind},
                   {"textEdit", {{"range", range_}, {"newText", insert.empty() ? label : insert}}}};
        if (!detail.empty()) it["detail"] = detail;
        items_.push_back(std::move(it));
    }

    void keywords(std::initializer_list<const char*> words) {
        for (const char* w : words) item(w, 14, "keyword");
    }

    void templates() {
        for (const auto& u : a_.units)
            for (const auto& t : u.templates) item(t.name.name, 7, t.doc ? t.doc->text : "template");
    }

    void constants() {
        for (const auto& u : a_.units)
            for (const auto& c : u.constants) item(c.name.name, 21, fmt::format("= {}", a_.text_of(c.value.span)));
    }

    void functions() {
        for (const auto& u : a_.units)
            for (const auto& f : u.functions) item(f.name.name, 3, print_function_signature(f));
    }

    void predicates() {
        for (const auto& u : a_.units) {
            for (const auto& r : u.rules)
                for (const auto& act : r.actions)
                    if (act.kind == ast::Action::Kind::Evidence) item(act.predicate.name, 3, "evidence predicate");
            for (const auto& rep : u.reports)
                if (rep.role.name == "score") item(rep.target.name, 3, "evidence predicate");
        }
    }

    // The slots of `tmpl` not among `written`; a slot without default is marked required.
    void slots(const std::string& tmpl, const std::set<std::string>& written) {
        auto t = a_.find_template(tmpl);
        if (!t) return;
        for (const auto& s : t.node->slots)
            if (!written.count(s.name.name))
                item(s.name.name, 5, std::string(a_.text_of(s.span)) + (s.default_value ? "" : "  (required)"),
                     s.name.name + ": ");
    }

    void slot_values(const std::string& tmpl, const std::string& slot) {
        auto t = a_.find_template(tmpl);
        if (!t) return;
        for (const auto& s : t.node->slots) {
            if (s.name.name != slot) continue;
            for (const auto& v : s.type.one_of) item(v.name, 20, "one of the values of " + slot);
            if (s.type.kind == ast::TypeRef::Kind::Bool) keywords({"true", "false"});
        }
    }

    void packs(const std::string& doc_dir) {
        for (const auto& u : a_.units)
            if (u.pack) item(u.pack->name.name, 9, u.pack->doc ? u.pack->doc->text : "pack");
        // Packs on the search path: a/b.rules under a directory is `use a.b`. Bounded, so a huge tree stays quick.
        namespace fs = std::filesystem;
        std::vector<std::string> roots = pack_search_path();
        if (!doc_dir.empty()) roots.push_back(doc_dir);
        for (const auto& root : roots) {
            std::error_code ec;
            int seen = 0;
            for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
                 !ec && it != fs::recursive_directory_iterator() && ++seen < 2000; it.increment(ec)) {
                if (it.depth() > 3) it.disable_recursion_pending();
                if (it->path().extension() != ".rules") continue;
                fs::path rel = fs::relative(it->path(), root, ec);
                rel.replace_extension();
                std::string name;
                for (const auto& part : rel) name += (name.empty() ? "" : ".") + part.string();
                if (!ec && !name.empty()) item(name, 9, "pack");
            }
        }
    }

private:
    const Analysis& a_;
    json& items_;
    json range_;
    std::set<std::string> seen_;
};

bool is_operator(const std::string& t) {
    static const std::set<std::string> ops = {"+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"};
    return ops.count(t) > 0;
}

}  // namespace

json completion(const Analysis& a, const std::string& text, Position p) {
    LineIndex lines(text);
    std::uint32_t cursor = lines.offset(p);
    std::string_view before = std::string_view(text).substr(0, cursor);
    bool in_comment = false, in_string = false;
    std::string string_so_far;
    std::vector<Token> tokens = scan(before, in_comment, in_string, string_so_far);

    // The word being typed (what the items replace): letters, digits, '_', '.', and a leading '?'.
    std::size_t start = cursor;
    while (start > 0 && (word_char(text[start - 1]) || text[start - 1] == '.')) --start;
    if (start > 0 && text[start - 1] == '?') --start;
    std::string prefix(text.substr(start, cursor - start));
    json range = lines.range(start, cursor - start);
    if (!prefix.empty() && !tokens.empty() && !in_string && !in_comment) tokens.pop_back();

    json items = json::array();
    Completer c(a, items, range);
    if (in_comment) return items;

    // Structure: the open braces (what each block is), the open parentheses, the rule's section and variables.
    std::vector<Block> braces;
    std::vector<Paren> parens;
    std::string definition;  // the last definition keyword at the top level
    std::string section;     // in a rule body: "", "when" or "then"
    std::vector<std::string> rule_vars, fact_vars;
    std::vector<std::string> params;  // of the function being defined at the top level
    bool function_body = false;       // past the `=` of that function
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        if (braces.empty() && t.type == Token::Word && kDefinitionWords.count(t.text)) {
            definition = t.text;
            params.clear();
            function_body = false;
        }
        if (braces.empty() && definition == "function") {
            if (t.type == Token::Var && !function_body) params.push_back(t.text.substr(1));
            if (t.text == "=" && t.type == Token::Punct && parens.empty()) function_body = true;
        }
        if (t.text == "{" && t.type == Token::Punct) {
            Block b = !braces.empty()            ? Block::Other
                      : definition == "template" ? Block::Template
                      : definition == "facts"    ? Block::Facts
                      : definition == "pack" || definition == "use" || definition == "const" || definition == "report"
                          ? Block::Other
                          : Block::Rule;
            braces.push_back(b);
            parens.clear();
            if (b == Block::Rule) {
                section.clear();
                rule_vars.clear();
                fact_vars.clear();
            }
        } else if (t.text == "}" && t.type == Token::Punct) {
            if (!braces.empty()) braces.pop_back();
            parens.clear();
        } else if (t.text == "(" && t.type == Token::Punct) {
            Paren paren{"", "", i + 1};
            if (i >= 1 && tokens[i - 1].type == Token::Word) paren.opener = tokens[i - 1].text;
            if (i >= 2 && tokens[i - 1].type == Token::Var && tokens[i - 2].text == "modify") {
                paren.opener = "modify";
                paren.var = tokens[i - 1].text.substr(1);
            }
            parens.push_back(paren);
        } else if (t.text == ")" && t.type == Token::Punct) {
            if (!parens.empty()) parens.pop_back();
        } else if (!braces.empty() && braces.back() == Block::Rule && parens.empty() &&
                   (t.text == "when" || t.text == "then")) {
            section = t.text;
        } else if (t.type == Token::Var && !braces.empty() && braces.back() == Block::Rule) {
            std::string name = t.text.substr(1);
            if (std::find(rule_vars.begin(), rule_vars.end(), name) == rule_vars.end()) rule_vars.push_back(name);
            if (i + 1 < tokens.size() && tokens[i + 1].text == "<-") fact_vars.push_back(name);
        }
    }
    bool in_rule = !braces.empty() && braces.back() == Block::Rule;
    auto variables = [&](const std::vector<std::string>& vars) {
        for (const auto& v : vars) c.item("?" + v, 6, "bound earlier in the rule");
    };

    if (in_string) {
        // "{?" inside a print text or reason: the rule's variables, for interpolation.
        std::size_t brace = string_so_far.rfind('{');
        if (in_rule && brace != std::string::npos && string_so_far.substr(brace + 1) == prefix && !prefix.empty() &&
            prefix[0] == '?')
            variables(rule_vars);
        return items;
    }
    if (!prefix.empty() && prefix[0] == '?') {
        if (in_rule) variables(rule_vars);
        if (function_body)
            for (const auto& v : params) c.item("?" + v, 6, "parameter of the function");
        return items;
    }
    std::string prev = tokens.empty() ? "" : tokens.back().text;

    if (braces.empty()) {
        if (prev == "use") {
            c.packs(std::filesystem::path(path_from_uri(a.doc_uri)).parent_path().string());
        } else if (prev == "=" && definition == "const") {
            return items;
        } else if (function_body && (prev == "=" || prev == "(" || prev == "," || is_operator(prev))) {
            // Where an operand starts in a function's body: it may call functions (itself included) and name
            // constants. After a complete operand the next line may as well start a definition: keywords below.
            c.functions();
            c.constants();
        } else if (prev.empty() || tokens.back().type != Token::Word || !kDefinitionWords.count(prev)) {
            c.keywords({"pack", "use", "const", "function", "template", "facts", "rule", "norm", "criterion",
                        "interest", "report"});
        }
        return items;
    }
    Block block = braces.back();
    if (block == Block::Template) {
        if (prev == ":") {
            c.keywords({"symbol", "string", "int", "float", "bool", "one of", "ref"});
        } else if (prev == "ref") {
            c.templates();
        } else if (prev == "=" || prev == "[" || prev == ">=" || prev == "<=" || prev == ">" || prev == "<") {
            // A default or a range bound (after the comma of `in [0, MAX]` or an open `(`, not told from a slot
            // separator or a `one of (` list: left out).
            c.constants();
        }
        return items;
    }
    if (block != Block::Facts && block != Block::Rule) return items;

    if (!parens.empty()) {
        const Paren& paren = parens.back();
        std::string tmpl = paren.opener == "modify" ? std::string() : paren.opener;
        if (paren.opener == "modify") {
            // The template of ?f comes from its `?f <- pattern`, in the text before the cursor.
            for (std::size_t i = 0; i + 2 < tokens.size(); ++i)
                if (tokens[i].type == Token::Var && tokens[i].text == "?" + paren.var && tokens[i + 1].text == "<-")
                    tmpl = tokens[i + 2].text;
        }
        if (a.find_template(tmpl)) {
            // The current `slot: value` segment: from the last ',' at this depth (or the '(').
            std::size_t seg = paren.first;
            std::set<std::string> written;
            int depth = 0;
            for (std::size_t i = paren.first; i < tokens.size(); ++i) {
                if (tokens[i].text == "(") ++depth;
                if (tokens[i].text == ")") --depth;
                if (depth == 0 && tokens[i].text == ",") seg = i + 1;
                if (depth == 0 && tokens[i].text == ":" && i > paren.first && tokens[i - 1].type == Token::Word)
                    written.insert(tokens[i - 1].text);
            }
            bool value = seg + 1 < tokens.size() && tokens[seg + 1].text == ":";
            if (!value) {
                c.slots(tmpl, written);
            } else {
                c.slot_values(tmpl, tokens[seg].text);
                if (in_rule) variables(rule_vars);
                // A pattern's slot tests and a facts block's values are constant: calls only in actions.
                if (in_rule && section == "then") c.functions();
                c.constants();
            }
            return items;
        }
        if (paren.opener == "not" || paren.opener == "exists" || paren.opener == "count" || paren.opener == "or" ||
            paren.opener == "and" || paren.opener == "forall") {
            c.templates();
            if (paren.opener != "count") c.keywords({"not", "exists", "forall", "or", "and", "test"});
        } else if (paren.opener == "score") {
            c.predicates();
        } else if (paren.opener == "sum" || paren.opener == "min" || paren.opener == "max" || paren.opener == "avg" ||
                   paren.opener == "collect") {
            if (prev == ",") c.templates();
        } else if (in_rule) {
            variables(rule_vars);
            c.functions();
            c.constants();
        }
        return items;
    }
    if (block == Block::Facts) {
        c.templates();
        return items;
    }
    // A rule body, outside parentheses.
    if (prev == "{" || prev.empty()) {
        c.keywords({"when", "then"});
    } else if (prev == "<-" || prev == "not" || prev == "exists" || prev == "assert" || prev == "conclude") {
        c.templates();
    } else if (prev == "retract" || prev == "modify") {
        variables(fact_vars);
    } else if (prev == "evidence") {
        c.predicates();
    } else if (prev == "=" && section == "when") {
        c.keywords({"count", "sum", "min", "max", "avg", "collect", "score"});
    } else if (prev == "test" || is_operator(prev) || prev == "print") {
        if (prev != "print") {
            variables(rule_vars);
            c.functions();
            c.constants();
        }
    } else if (section == "then") {
        c.keywords({"assert", "conclude", "retract", "modify", "evidence", "print", "halt"});
    } else {
        c.templates();
        c.keywords({"not", "exists", "forall", "or", "and", "test", "then"});
    }
    return items;
}

}  // namespace covenant::lsp
