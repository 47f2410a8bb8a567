// The checked program: what the checker (engine/check) produces from parsed units and what the Rete compiler
// (engine/rete) and the runtime consume. Names are resolved to ids, literals are typed Values, variables are numbered
// per rule, slot defaults are filled in. Nothing here refers to the AST or to Spirit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/source.hpp"
#include "base/value.hpp"

namespace covenant {

using TemplateId = std::uint32_t;
using RuleId = std::uint32_t;
using VarId = std::uint16_t;
using SlotIndex = std::uint16_t;
using PackId = std::uint32_t;

constexpr VarId kNoVar = 0xFFFF;

constexpr std::uint32_t kNoTemplate = 0xFFFFFFFF;

// Has: a list slot holds one of the values (`members: has fr | de`); slot tests only, not an expression operator.
enum class CmpOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Has };

// One bound of a numeric slot's range (`members: int >= 1`, `share: float in [0, 1]`). The bound is a number, or a
// Symbol naming a key of the case file's header (`year: int <= as_of`): such a bound is checked only where a header
// gives that key a number (facts read from a case file), and is skipped elsewhere; or a Symbol naming a slot of the
// fact a `ref` slot refers to (`year: int >= owner.founded`): checked with the world (kb/world.hpp).
struct SlotBound {
    CmpOp op = CmpOp::Ge;                  // Lt, Le, Gt or Ge: value OP bound must hold
    Value bound;
    SlotIndex via = 0xFFFF;                // owner.founded: the `ref` slot `owner` of this template
    SlotIndex target = 0xFFFF;             // ... and the slot `founded` of the template it refers to
    SourceSpan span;
};

struct SlotDef {
    std::string name;
    Type type = Type::Symbol;              // a `one of` or `ref` slot has type Symbol
    std::vector<SymbolId> one_of;          // allowed symbols, in declaration order
    std::optional<Value> default_value;    // none: the slot is required
    std::vector<SlotBound> range;          // every bound must hold (int and float slots only)
    TemplateId ref = kNoTemplate;          // `ref T`: the value must be the `id` of a T fact in the same world (the
                                           // default value, when there is one, stands for "none" and is exempt)
    std::string from;                      // `from as_of`: case files fill the slot from this header key
    Type element = Type::Any;              // `list of T` (type List): the items' type
    SourceSpan span;

    bool is_ref() const { return ref != kNoTemplate; }
};

// Templates come in two kinds. Ordinary ones are declared with `template`. Score templates are made by the checker,
// one per evidence predicate and arity (`trust/1`): slots `arg1..argN` (type Any) and `value` (Float), holding
// the combined certainty factor of PRED(args). The runtime owns score facts; rules read them through `score(...)`.
struct TemplateDef {
    TemplateId id = 0;
    std::string name;                      // "person"; for score templates "trust/1"
    std::string doc;
    std::vector<SlotDef> slots;
    bool is_score = false;
    bool has_range = false;                // some slot declares a range (the runtime checks only these templates)
    std::string predicate;                 // score templates: "trust"
    PackId pack = 0;
    SourceSpan span;

    // Index of the slot named `name`, or -1.
    int slot_index(std::string_view name) const;
    // A template with a `from` slot is a case template: the fact reader makes one fact of it for every case file,
    // from the file's header (docs/language.md, "Case templates").
    bool is_case_template() const;
};

// The part of a list slot that a slot test or bind reads; everything else reads the whole slot. A list pattern
// (`args: [?a, ladder, ..?rest]`, docs/language.md §3.4) becomes a Length test plus Item/ItemFromEnd tests and binds
// and at most one Rest bind.
enum class ListPart : std::uint8_t {
    Whole,
    Length,       // the number of items (an Int). A list pattern's Length test keeps, in its index, where its `..`
                  // item is, encoded as for Rest (0 without one)
    Item,         // item `index`, counting from 0 at the start
    ItemFromEnd,  // item `index`, counting from 0 at the end (0 = the last)
    Rest          // the list without its first (index & 0xFF) and its last (index >> 8) items
};

// A constant or a variable of the rule.
struct Operand {
    bool is_var = false;
    Value constant;
    VarId var = kNoVar;
    SourceSpan span;
};

// slot OP values. Eq with several values: the slot equals one of them; Ne with several: it equals none of them;
// Lt/Le/Gt/Ge: exactly one value; Has: the slot is a list holding one of them. A var operand refers to a variable bound earlier in the rule, or earlier in the
// same pattern (an intra-pattern test, which the Rete compiler puts into the alpha network).
struct SlotTest {
    SlotIndex slot = 0;
    CmpOp op = CmpOp::Eq;
    std::vector<Operand> values;
    SourceSpan span;
    ListPart part = ListPart::Whole;       // what of the slot is tested (list patterns)
    std::uint16_t index = 0;               // ListPart's position
};

// The first occurrence of a variable in a positive position binds it to the slot's value.
struct SlotBind {
    SlotIndex slot = 0;
    VarId var = kNoVar;
    SourceSpan span;
    ListPart part = ListPart::Whole;       // an item or the rest of a list slot (list patterns)
    std::uint16_t index = 0;
};

// Within a pattern, binds come before tests in evaluation order: `born: ?b < 1960` is a bind of ?b plus a test
// Lt on the same slot; a second `?x` in the same pattern is an Eq test against the var bound by the first.
// A variable that was already bound by an earlier condition appears only as an Eq test (a join).
struct Pattern {
    TemplateId tmpl = 0;
    std::vector<SlotBind> binds;
    std::vector<SlotTest> tests;
    VarId fact_var = kNoVar;               // ?f <- pattern
    SourceSpan span;
};

enum class ExprKind : std::uint8_t { Const, Var, Unary, Binary, Call, Format, List };
enum class ExprOp : std::uint8_t {
    None, Neg, Not,                         // unary
    Add, Sub, Mul, Div,                     // arithmetic: + - * on two ints give an int, otherwise a float;
                                            // `/` always gives a float (as in CLIPS); div() is integer division
    Eq, Ne, Lt, Le, Gt, Ge,                 // comparisons -> bool
    And, Or,                                // short-circuit -> bool
    In,                                     // x in list: some item equals x (as rules compare) -> bool
    Spread                                  // ..l, an item of a List expression: l's items in its place
};

// Built-in functions callable in expressions. The checker resolves names to these; arity is checked.
enum class Builtin : std::uint8_t {
    None,
    Div,    // div(a, b): integer division truncating toward zero; error on b == 0
    Mod,    // mod(a, b): remainder with the sign of a (C++ %); error on b == 0
    Abs, Min, Max, Round, Floor, Ceil, Sqrt,
    Atan2,  // atan2(y, x) in radians
    Str,    // str(x): display text of x as a string
    Sym,    // sym(x): a symbol from the display text of x
    Int, Float,
    If,     // if(c, a, b): a when c is true, b when false; only the branch taken is evaluated
    Length, // length(l): the number of items of a list
    Nth,    // nth(l, i): item i, counting from 1 as CLIPS's nth$; error outside 1..length(l)
    First,  // first(l): item 1; error on an empty list
    Rest,   // rest(l): the list without its first item (empty for an empty list)
    Append  // append(l, x): the list with x added at the end
};
// Result types the checker gives calls (Expr::type): div, mod, round, floor, ceil, int -> int; sqrt, atan2, float ->
// float; abs -> its argument's type; min, max -> int for two ints, float if either is a float, else any; str ->
// string; sym -> symbol. An int-typed expression stored into a float slot is wrapped in a float() call by the checker.

struct Function;

struct Expr {
    ExprKind kind = ExprKind::Const;
    ExprOp op = ExprOp::None;
    Builtin fn = Builtin::None;
    Value value;                 // Const
    VarId var = kNoVar;          // Var
    std::vector<Expr> args;      // Unary: 1, Binary: 2, Call: the arguments, Format: the pieces in order
    Type type = Type::Any;       // statically known result type, Any when it depends on run-time values
    std::string spec;            // a Format piece `{?x:SPEC}`: the checked format spec (eval.hpp); empty: display text
    const Function* callee = nullptr;  // Call of a user function (fn == None): owned by the Program (Program::functions)
    SourceSpan span;
};

// A user function `function NAME(?a: TYPE, ...) [: TYPE] = EXPR`. Its parameters are its variables: a Var in the
// body refers to parameter `var` (VarId = the parameter's position). Pure: it reads only its arguments. Calls nest
// at most kMaxCallDepth deep at run time (eval.hpp), so unbounded recursion is a run-time error, not a crash.
struct Function {
    std::string name;
    std::string doc;
    std::vector<std::string> params;       // names without '?'
    std::vector<Type> param_types;
    Type result = Type::Any;               // declared, or the body's type
    Expr body;
    PackId pack = 0;
    SourceSpan span;
};

enum class CondKind : std::uint8_t { Pattern, Not, Exists, Test, Aggregate };
enum class AggOp : std::uint8_t {
    Count, Sum, Min, Max, Avg,
    Score,    // the `value` of the single matching score fact, or 0.0 when there is none
    Collect   // the values, named: a String "a, b (2), c" (semantics.hpp)
};

struct Condition {
    CondKind kind = CondKind::Pattern;
    Pattern pattern;  // Pattern; Aggregate: the pattern aggregated over (for Score, on a score template)
    std::vector<Condition> group;      // Not / Exists: the conjunction inside (size 1 for `not pattern`)
    Expr test;                         // Test: a bool expression
    AggOp agg = AggOp::Count;          // Aggregate
    VarId result = kNoVar;             // Aggregate: the variable receiving the value (Int for count, Float for avg and
                                       // score, the slot type for sum/min/max)
    VarId over = kNoVar;               // Aggregate: the variable bound inside `pattern` whose values are aggregated
    SourceSpan span;
};

enum class ActionKind : std::uint8_t { Assert, Conclude, Retract, Modify, Evidence, Print, Halt };

struct Action {
    ActionKind kind = ActionKind::Assert;
    TemplateId tmpl = 0;                          // Assert/Conclude: the template; Evidence: the score template
    std::vector<Expr> slots;                      // Assert/Conclude: one per slot, defaults filled in;
                                                  // Evidence: the predicate arguments
    VarId target = kNoVar;                        // Retract/Modify: the fact variable
    std::vector<std::pair<SlotIndex, Expr>> changes;  // Modify
    Expr weight;                                  // Evidence: a Float in [-1, 1] (checked statically when constant,
                                                  // clamped with a run-time error otherwise)
    Expr text;                                    // Print: the text; Evidence: the reason (Format or Const string;
                                                  // an empty Const string when none was given)
    SourceSpan span;
};

enum class RuleKind : std::uint8_t { Rule, Norm, Criterion, Interest };
std::string_view rule_kind_name(RuleKind k);  // "rule", "norm", "criterion", "interest"

struct VarInfo {
    std::string name;        // without '?'; names starting with '#' are made by the checker ("#score": the value
                             // a score(...) condition aggregates), never written by users
    Type type = Type::Any;   // the type of the slot (or aggregate) that binds it; Any for score-template args
    bool is_fact = false;    // bound by ?f <- pattern
    SourceSpan span;         // the binding occurrence
};

// A rule written with `or` conditions becomes one Rule per combination of branches (as CLIPS splits an `or` CE),
// in branch order, consecutive in Program::rules, all with the same name: `disjunct` counts 0..disjuncts-1. Each has
// its own network path, variables and activations; what the rule is, for people (docs, profiles, `why-not`), is
// all of them together.
struct Rule {
    RuleId id = 0;
    RuleKind kind = RuleKind::Rule;
    std::string name;
    std::uint16_t disjunct = 0;
    std::uint16_t disjuncts = 1;
    std::string doc;
    int salience = 0;
    std::vector<Condition> conditions;
    std::vector<Action> actions;
    std::vector<VarInfo> vars;     // indexed by VarId
    PackId pack = 0;
    SourceSpan span;
};

struct InitialFact {
    TemplateId tmpl = 0;
    std::vector<Value> values;     // one per slot, defaults filled in
    SourceSpan span;               // where it was written (rule file or YAML)
};

struct PackInfo {
    PackId id = 0;
    std::string name;              // "examples.family"; "" for a file without a pack declaration
    std::string doc;
    FileId file = 0;
    std::vector<PackId> uses;
};

// A `const NAME = value "doc"` declaration. The checker has already put the value wherever the name was used; the
// declaration is kept for documentation (`covenant doc`).
struct ConstantInfo {
    std::string name;
    Value value;
    std::string doc;
    PackId pack = 0;
    SourceSpan span;
};

// What a domain layer (classification, consult, `covenant test`, the reports) shows of a program's conclusions, as
// the packs declare it with `report` (docs/language.md §12). The engine itself never reads it.
//   subject     the template whose facts a case is about, keyed by its `id` slot (one per program)
//   conclusion  a template concluded once per subject; `slots[0]` is its main value (the type), the rest details
//   finding     a template concluded any number of times per subject: a kind, a severity and maybe a reason; every
//               finding template is listed together, under `findings_label`
//   score       an evidence predicate with one argument (the subject), shown under `label`
// Conclusions and findings name their subject through their link slot (subject_link).
struct ReportSpec {
    struct Subject {
        TemplateId tmpl = 0;
        SlotIndex key = 0;  // the `id` slot
        std::string label;  // the template's name unless the declaration gives one
        SourceSpan span;
    };
    struct Conclusion {
        TemplateId tmpl = 0;
        SlotIndex link = 0;
        std::vector<SlotIndex> slots;  // at least one
        std::string label;             // the template's name unless given
        SourceSpan span;
    };
    struct Finding {
        TemplateId tmpl = 0;
        SlotIndex link = 0;
        SlotIndex kind = 0;
        SlotIndex severity = 0;
        int reason = -1;  // -1: the template gives no reason
        SourceSpan span;
    };
    struct Score {
        TemplateId tmpl = 0;  // the score template PRED/1
        std::string label;    // the predicate unless given
        SourceSpan span;
    };
    std::optional<Subject> subject;
    std::vector<Conclusion> conclusions;  // in declaration order (packs used first)
    std::vector<Finding> findings;
    std::string findings_label;           // the first finding's label, else its template's name + "s"
    std::vector<Score> scores;

    bool empty() const { return !subject; }
};

struct Program {
    std::vector<TemplateDef> templates;     // indexed by TemplateId
    std::vector<Rule> rules;                // indexed by RuleId, in load order (packs used come first)
    std::vector<InitialFact> facts;         // from `facts { }` blocks, in order
    std::vector<PackInfo> packs;
    std::vector<ConstantInfo> constants;    // in pack order, then file order
    // User functions in pack order, then file order. Shared so that copies of a Program keep the Expr::callee
    // pointers of every copy valid.
    std::vector<std::shared_ptr<Function>> functions;
    std::unordered_map<std::string, TemplateId> template_by_name;
    ReportSpec report;                      // from `report` declarations; empty when there are none

    const TemplateDef* find_template(std::string_view name) const;
    const Rule* find_rule(std::string_view name) const;
    const Function* find_function(std::string_view name) const;
    // The score template for predicate `pred` with `arity` arguments, or nullptr.
    const TemplateDef* find_score_template(std::string_view pred, std::size_t arity) const;
};

// The slot of `t` that names a subject of `p.report` (a subject's id): for the subject template its key; else the
// first `ref SUBJECT` slot; else a symbol slot named after the subject template. -1 when there is none, or when the
// program reports no subject.
int subject_link(const Program& p, const TemplateDef& t);

// The slot one item of the `list of T` slot `list` is checked against: the same slot with type T and no range.
SlotDef item_slot(const SlotDef& list);

// A part of slot `slot` in words, for explanations: "args" (Whole), "length(args)", "item 2 of args" (counting from
// 1, as nth does), "item 1 from the end of args", "the rest of args".
std::string slot_part_text(std::string_view slot, ListPart part, std::uint16_t index);

// "(a | b | c)": the values a `one of` slot allows, as a template declares them.
std::string one_of_list(const SlotDef& slot);

// A slot's type as declared: "int", "one of (a | b)", "ref person", "float in [0, 1]", "int >= 1 from as_of".
std::string slot_type_text(const Program& p, const SlotDef& slot);

// The range a slot declares, as written: "in [0, 1]", ">= 1", ">= 1800 <= as_of"; "" when none.
std::string slot_range_text(const SlotDef& slot);

// The numeric keys of a case file's header (`as_of: 2024`), for range bounds that name one.
using HeaderNumbers = std::vector<std::pair<std::string, double>>;

// Checks `v` against the slot's range. A bound naming a header key is looked up in `header` and skipped when it is
// not there (or `header` is null). Returns the problem in words ("17.0 is outside the slot's range in [0, 1]"), or ""
// when every bound holds. One function for every place facts come from (checker, fact files, REPL, rule actions),
// so that they agree.
std::string slot_range_problem(const SlotDef& slot, const Value& v, const HeaderNumbers* header = nullptr);

// Whether `text` is a name in the rule language (a letter or '_', then letters, digits and '_'), so that it can be
// written as a bare symbol. (`true`/`false` are names by this test; callers that need a symbol exclude them.)
bool is_name_text(std::string_view text);

// Renders a fact as it is written in the language: `person(name: ann, born: 1950)`; score facts as
// `score trust(ann) = 0.35`.
// With `reading`, floats are shown as to_reading does (explanations); otherwise exactly, as the language reads them
// back.
std::string format_fact(const Program& p, TemplateId tmpl, const Value* values, bool reading = false);

// Pretty-prints the checked program back to rule-language text (round-trip printer: parsing and checking the output
// gives an equal program). Used by `covenant check --show=program` and by the parser's round-trip tests.
std::string print_program(const Program& p);

// A Markdown reference of the program's packs, for `covenant doc`: per pack its templates (slots, types, defaults),
// constants and rules (kind, doc, source location, what each matches and concludes, and its text as written, taken
// from `sm`), then an index of the evidence each rule gives per predicate. File paths inside `base_dir` are shown
// relative to it.
std::string document_program(const Program& p, const SourceManager& sm, const std::string& base_dir = "");

}  // namespace covenant
