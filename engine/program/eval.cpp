#include "program/eval.hpp"

#include <cctype>

#include <cmath>
#include <cstdlib>
#include <limits>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "program/operators.hpp"

namespace covenant {

namespace {

// Thrown inside the evaluator only; evaluate() turns it into an EvalError. Errors are rare, so the normal path pays
// nothing for them.
struct Failure {
    std::string message;
    SourceSpan span;
};

[[noreturn]] void fail(const Expr& e, std::string message) { throw Failure{std::move(message), e.span}; }


std::string_view kind_word(const Value& v) { return type_name(v.type); }

// `{?x:SPEC}`: the value through fmt's format spec, which the checker limited to [[fill]align][sign][width]
// [.precision][type] with type f, e, g, d or s (format_spec_problem in eval.hpp). f, e, g, and a precision without a
// type, format a number as a float (an int too); d an int (a float is an error: no silent rounding); s and no type
// the display text, padded (and cut by a precision).
std::string formatted(const Expr& piece, const Value& v) {
    const std::string& spec = piece.spec;
    char type = spec.back();
    bool is_type = std::isalpha(static_cast<unsigned char>(type)) != 0;
    bool has_precision = spec.find('.') != std::string::npos;
    const std::string pattern = "{:" + spec + "}";  // outlives every use of fmt::runtime's view of it
    if (type == 'd' && v.type != Type::Int)
        fail(piece, fmt::format("'{{?x:{}}}' formats an int, got {} {}", spec, kind_word(v), to_source(v)));
    bool as_number = (is_type && type != 's' && type != 'd') || (!is_type && has_precision && v.is_number());
    if (as_number && !v.is_number())
        fail(piece, fmt::format("'{{?x:{}}}' formats a number, got {} {}", spec, kind_word(v), to_source(v)));
    try {
        if (type == 'd') return fmt::format(fmt::runtime(pattern), v.i);
        if (as_number) return fmt::format(fmt::runtime(pattern), v.as_double());
        return fmt::format(fmt::runtime(pattern), to_display(v));
    } catch (const fmt::format_error& e) {
        // Not expected for a checked spec; a run-time error rather than a crash if fmt disagrees with the checker.
        fail(piece, fmt::format("the format '{}' cannot write {} {}: {}", spec, kind_word(v), to_source(v), e.what()));
    }
}

// The checks below run on every operand (a quarter of Waltz's instructions are its `test`s): the test stays inline
// and the message is built out of line, on the cold path.
[[noreturn, gnu::cold, gnu::noinline]] void fail_expected(const Expr& e, const Value& v, std::string_view what) {
    fail(e, fmt::format("expected {}, got {} {}", what, kind_word(v), to_source(v)));
}

inline const Value& need_number(const Expr& e, const Value& v) {
    if (!v.is_number()) [[unlikely]]
        fail_expected(e, v, "a number");
    return v;
}

inline bool need_bool(const Expr& e, const Value& v) {
    if (v.type != Type::Bool) [[unlikely]]
        fail_expected(e, v, "true or false");
    return v.b;
}

Value to_int_checked(const Expr& e, double d) {
    if (!std::isfinite(d) || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
        fail(e, fmt::format("{} does not fit in an int", d));
    return Value::integer(static_cast<std::int64_t>(d));
}

Value eval(const Expr& e, const Value* b);

Value arith(const Expr& e, ExprOp op, const Value& x, const Value& y) {
    need_number(e.args[0], x);
    need_number(e.args[1], y);
    if (op == ExprOp::Div) {
        if (y.as_double() == 0.0) fail(e, "division by zero");
        return Value::real(x.as_double() / y.as_double());
    }
    if (x.type == Type::Int && y.type == Type::Int) {
        std::int64_t r = 0;
        bool overflow = false;
        switch (op) {
            case ExprOp::Add: overflow = __builtin_add_overflow(x.i, y.i, &r); break;
            case ExprOp::Sub: overflow = __builtin_sub_overflow(x.i, y.i, &r); break;
            default: overflow = __builtin_mul_overflow(x.i, y.i, &r); break;
        }
        if (overflow) fail(e, "integer overflow");
        return Value::integer(r);
    }
    double a = x.as_double(), c = y.as_double();
    switch (op) {
        case ExprOp::Add: return Value::real(a + c);
        case ExprOp::Sub: return Value::real(a - c);
        default: return Value::real(a * c);
    }
}

Value comparison(const Expr& e, CmpOp op, const Value& x, const Value& y) {
    std::optional<bool> holds = compare_values(op, x, y);
    if (!holds) fail(e, fmt::format("cannot compare {} {} with {} {}", kind_word(x), to_source(x), kind_word(y),
                                    to_source(y)));
    return Value::boolean(*holds);
}

Value parse_number(const Expr& e, const Value& v, bool want_int) {
    std::string text(v.text());
    char* end = nullptr;
    if (want_int) {
        long long r = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0') fail(e, fmt::format("'{}' is not an integer", text));
        return Value::integer(r);
    }
    double r = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') fail(e, fmt::format("'{}' is not a number", text));
    return Value::real(r);
}

std::span<const Value> need_list(const Expr& e, const Value& v) {
    if (v.type != Type::List) fail(e, fmt::format("expected a list, got {} {}", kind_word(v), to_source(v)));
    return v.items();
}

// How deep user-function calls are nested on this thread (each worker of a parallel run evaluates on its own).
thread_local int call_depth = 0;

struct CallDepth {
    CallDepth() { ++call_depth; }
    ~CallDepth() { --call_depth; }
    CallDepth(const CallDepth&) = delete;
    CallDepth& operator=(const CallDepth&) = delete;
};

// A value for a parameter or result of declared type `t`: ints are accepted where a float is declared (converted,
// as in slots); any other mismatch is a run-time error (the checker already refused the ones it could see).
Value fit_declared(const Expr& where, const Value& v, Type t, std::string_view what) {
    if (t == Type::Any || v.type == t) return v;
    if (t == Type::Float && v.type == Type::Int) return Value::real(static_cast<double>(v.i));
    fail(where, fmt::format("{} is declared {}, got {} {}", what, type_name(t), kind_word(v), to_source(v)));
}

// A call of a user function: the arguments are evaluated in the caller's bindings, then the body with the
// arguments as its variables.
Value call_function(const Expr& e, const Value* b) {
    const Function& f = *e.callee;
    if (e.args.size() != f.params.size()) fail(e, fmt::format("{}() takes {} arguments", f.name, f.params.size()));
    std::vector<Value> frame;
    frame.reserve(e.args.size());
    for (std::size_t i = 0; i < e.args.size(); ++i)
        frame.push_back(fit_declared(e.args[i], eval(e.args[i], b), f.param_types[i],
                                     fmt::format("parameter ?{} of {}()", f.params[i], f.name)));
    if (call_depth >= kMaxCallDepth)
        fail(e, fmt::format("calls of {}() nest more than {} deep; does its recursion end?", f.name, kMaxCallDepth));
    CallDepth depth;
    return fit_declared(e, eval(f.body, frame.data()), f.result, fmt::format("the result of {}()", f.name));
}

Value call(const Expr& e, const Value* b) {
    if (e.fn == Builtin::If) {  // lazy: only the branch taken is evaluated (recursion ends through it)
        if (e.args.size() != 3) fail(e, "if() takes three arguments");
        return eval(e.args[need_bool(e.args[0], eval(e.args[0], b)) ? 1 : 2], b);
    }
    if (e.callee) return call_function(e, b);
    // The arguments, inline up to 4: a heap block per call was a tenth of Waltz's time (its `test`s call min and abs
    // some 100,000 times per run).
    boost::container::small_vector<Value, 4> a;
    a.reserve(e.args.size());
    for (const auto& arg : e.args) a.push_back(eval(arg, b));
    auto arg = [&](std::size_t i) -> const Value& {
        if (i >= a.size()) fail(e, "too few arguments");
        return a[i];
    };
    switch (e.fn) {
        case Builtin::Div:
        case Builtin::Mod: {
            const Value& x = arg(0);
            const Value& y = arg(1);
            if (x.type != Type::Int || y.type != Type::Int)
                fail(e, fmt::format("{} needs two ints", e.fn == Builtin::Div ? "div" : "mod"));
            if (y.i == 0) fail(e, e.fn == Builtin::Div ? "division by zero in div()" : "division by zero in mod()");
            if (x.i == std::numeric_limits<std::int64_t>::min() && y.i == -1) fail(e, "integer overflow");
            return Value::integer(e.fn == Builtin::Div ? x.i / y.i : x.i % y.i);
        }
        case Builtin::Abs: {
            const Value& x = need_number(e, arg(0));
            if (x.type == Type::Int) {
                if (x.i == std::numeric_limits<std::int64_t>::min()) fail(e, "integer overflow");
                return Value::integer(x.i < 0 ? -x.i : x.i);
            }
            return Value::real(std::fabs(x.f));
        }
        case Builtin::Min:
        case Builtin::Max: {
            if (a.empty()) fail(e, "needs at least one argument");
            std::size_t best = 0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                need_number(e, a[i]);
                bool ok = true;
                int c = compare(a[i], a[best], ok);
                if (e.fn == Builtin::Min ? c < 0 : c > 0) best = i;
            }
            return a[best];
        }
        case Builtin::Round:
        case Builtin::Floor:
        case Builtin::Ceil: {
            const Value& x = need_number(e, arg(0));
            if (x.type == Type::Int) return x;
            double r = e.fn == Builtin::Round ? std::round(x.f) : e.fn == Builtin::Floor ? std::floor(x.f)
                                                                                         : std::ceil(x.f);
            return to_int_checked(e, r);
        }
        case Builtin::Sqrt: {
            double x = need_number(e, arg(0)).as_double();
            if (x < 0) fail(e, fmt::format("sqrt of a negative number ({})", x));
            return Value::real(std::sqrt(x));
        }
        case Builtin::Atan2:
            return Value::real(std::atan2(need_number(e, arg(0)).as_double(), need_number(e, arg(1)).as_double()));
        case Builtin::Str: return Value::string(to_display(arg(0)));
        case Builtin::Sym: {
            std::string text = to_display(arg(0));
            if (text.empty()) fail(e, "sym() of an empty text");
            return Value::symbol(text);
        }
        case Builtin::Int: {
            const Value& x = arg(0);
            if (x.type == Type::Int) return x;
            if (x.type == Type::Float) return to_int_checked(e, std::trunc(x.f));
            if (x.type == Type::String || x.type == Type::Symbol) return parse_number(e, x, true);
            fail(e, fmt::format("int() of {} {}", kind_word(x), to_source(x)));
        }
        case Builtin::Float: {
            const Value& x = arg(0);
            if (x.is_number()) return Value::real(x.as_double());
            if (x.type == Type::String || x.type == Type::Symbol) return parse_number(e, x, false);
            fail(e, fmt::format("float() of {} {}", kind_word(x), to_source(x)));
        }
        // The list functions (program.hpp).
        case Builtin::Length: return Value::integer(static_cast<std::int64_t>(need_list(e.args[0], arg(0)).size()));
        case Builtin::First: {
            auto items = need_list(e.args[0], arg(0));
            if (items.empty()) fail(e, "first() of an empty list");
            return items[0];
        }
        case Builtin::Rest: {
            auto items = need_list(e.args[0], arg(0));
            return Value::of_list(items.empty() ? items : items.subspan(1));
        }
        case Builtin::Nth: {
            auto items = need_list(e.args[0], arg(0));
            const Value& i = arg(1);
            if (i.type != Type::Int) fail(e.args[1], fmt::format("nth() counts with an int, got {}", to_source(i)));
            if (i.i < 1 || static_cast<std::uint64_t>(i.i) > items.size())
                fail(e, fmt::format("nth({}) of a list of {} item{}", i.i, items.size(), items.size() == 1 ? "" : "s"));
            return items[static_cast<std::size_t>(i.i - 1)];
        }
        case Builtin::Append: {
            auto items = need_list(e.args[0], arg(0));
            std::vector<Value> out(items.begin(), items.end());
            out.push_back(arg(1));
            return Value::of_list(out);
        }
        case Builtin::If:  // handled lazily above
        case Builtin::None: break;
    }
    fail(e, "unknown function");
}

Value eval(const Expr& e, const Value* b) {
    switch (e.kind) {
        case ExprKind::Const: return e.value;
        case ExprKind::Var: return b[e.var];
        case ExprKind::Unary: {
            Value x = eval(e.args.at(0), b);
            if (e.op == ExprOp::Not) return Value::boolean(!need_bool(e.args[0], x));
            need_number(e.args[0], x);
            if (x.type == Type::Int) {
                if (x.i == std::numeric_limits<std::int64_t>::min()) fail(e, "integer overflow");
                return Value::integer(-x.i);
            }
            return Value::real(-x.f);
        }
        case ExprKind::Binary: {
            if (e.op == ExprOp::And || e.op == ExprOp::Or) {
                bool left = need_bool(e.args.at(0), eval(e.args[0], b));
                if (e.op == ExprOp::And ? !left : left) return Value::boolean(left);
                return Value::boolean(need_bool(e.args.at(1), eval(e.args[1], b)));
            }
            Value x = eval(e.args.at(0), b);
            Value y = eval(e.args.at(1), b);
            if (e.op == ExprOp::In) {
                for (const Value& item : need_list(e.args[1], y))
                    if (equal_for_match(item, x)) return Value::boolean(true);
                return Value::boolean(false);
            }
            switch (e.op) {
                case ExprOp::Add:
                case ExprOp::Sub:
                case ExprOp::Mul:
                case ExprOp::Div: return arith(e, e.op, x, y);
                // A checked program has only comparisons left here; anything else was always treated as >=.
                default: return comparison(e, cmp_op_of(e.op).value_or(CmpOp::Ge), x, y);
            }
        }
        case ExprKind::Call: return call(e, b);
        case ExprKind::List: {
            std::vector<Value> items;
            items.reserve(e.args.size());
            for (const auto& item : e.args) {
                if (item.kind == ExprKind::Unary && item.op == ExprOp::Spread) {
                    Value list = eval(item.args.at(0), b);
                    if (list.type != Type::List) fail(item, fmt::format("`..` needs a list, not {}", to_source(list)));
                    items.insert(items.end(), list.items().begin(), list.items().end());
                } else {
                    items.push_back(eval(item, b));
                }
            }
            return Value::of_list(items);
        }
        case ExprKind::Format: {
            std::string text;
            for (const auto& piece : e.args)
                text += piece.spec.empty() ? to_display(eval(piece, b)) : formatted(piece, eval(piece, b));
            return Value::string(text);
        }
    }
    fail(e, "malformed expression");
}

}  // namespace

bool evaluate(const Expr& e, const Value* bindings, Value& out, EvalError& error) {
    try {
        out = eval(e, bindings);
        return true;
    } catch (const Failure& f) {
        error.message = f.message;
        error.span = f.span.valid() ? f.span : e.span;
        return false;
    }
}

bool evaluate_test(const Expr& e, const Value* bindings, EvalError& error, bool& failed) {
    Value v;
    failed = false;
    if (!evaluate(e, bindings, v, error)) {
        failed = true;
        return false;
    }
    if (v.type != Type::Bool) {
        failed = true;
        error.message = fmt::format("a test gave {} instead of true or false", to_source(v));
        error.span = e.span;
        return false;
    }
    return v.b;
}

std::string format_spec_problem(std::string_view spec, Type type) {
    const std::string_view aligns = "<>^";
    std::size_t i = 0;
    if (spec.size() >= 2 && aligns.find(spec[1]) != std::string_view::npos) i = 2;  // fill and align
    else if (!spec.empty() && aligns.find(spec[0]) != std::string_view::npos) i = 1;
    if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) ++i;
    auto digits = [&] {
        std::size_t start = i;
        while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) ++i;
        return i - start;
    };
    if (digits() > 3) return "a width has at most three digits";
    bool precision = false;
    if (i < spec.size() && spec[i] == '.') {
        ++i;
        std::size_t n = digits();
        if (n == 0) return "'.' must be followed by the number of digits, as in .2f";
        if (n > 3) return "a precision has at most three digits";
        precision = true;
    }
    char kind = 0;
    if (i < spec.size() && std::string_view("fegds").find(spec[i]) != std::string_view::npos) kind = spec[i++];
    if (i != spec.size() || spec.empty())
        return "a format is [[fill]align][sign][width][.precision][type], with align one of < > ^ and type one of "
               "f e g d s, as in .2f or >8";
    bool number = type == Type::Int || type == Type::Float || type == Type::Any;
    if ((kind == 'f' || kind == 'e' || kind == 'g') && !number)
        return fmt::format("'{}' formats a number, not a {}", kind, type_name(type));
    if (kind == 'd' && type != Type::Int && type != Type::Any)
        return fmt::format("'d' formats an int, not a {}", type_name(type));
    if (kind == 'd' && precision) return "an int has no precision: drop the '.N' or use f";
    return {};
}

}  // namespace covenant
