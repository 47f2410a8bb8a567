// What a rule's slot tests and aggregates mean, in one place: the Rete matcher (rete/matcher.cpp) decides matches with
// these functions, and the explanations (explain/whynot.cpp) re-match with the same ones, so a why-not report can
// never disagree with the engine about whether a test holds or what value an aggregate has (issue 9).
//
// Header-only and inline: slot tests run for every join candidate and aggregate updates for every fact entering or
// leaving a group, so the matcher must be able to inline them as it did when they were its own code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/value.hpp"
#include "program/operators.hpp"
#include "program/program.hpp"

namespace covenant {

// Equality as rules see it: exactly equal_for_match (numbers compare numerically across int and float), with the
// same-type case inline because it is on the path of every join candidate.
inline bool match_equal(const Value& a, const Value& b) { return a.type == b.type ? a == b : equal_for_match(a, b); }

// Whether `v OP operands` holds, operand(k) giving the k-th of the n operands (a Value or a const Value&; called at
// most once per operand, and only while needed). The meaning of a SlotTest (program.hpp):
//   Eq              v equals one of the operands (match_equal); false with no operands
//   Ne              v equals none of them; true with no operands
//   Lt, Le, Gt, Ge  v compared with the one operand by compare(); false when they are incomparable (a symbol against
//                   a number) or when there is no operand. Operands after the first are ignored.
//   Has             v is a list and one of its items equals one of the operands (match_equal)
// Two ints are compared inline: most numeric joins in rule bases (and the benchmarks) are int against int.
// Users: the matcher (rete/matcher.cpp), why-not (explain/whynot.cpp), expectations (classify/expect.cpp) and the
// REPL's fact patterns (repl/repl_facts.cpp); see also slot_values_pass below.
template <typename OperandAt>
inline bool slot_test_holds(CmpOp op, const Value& v, std::size_t n, OperandAt&& operand) {
    switch (op) {
        case CmpOp::Eq:
            for (std::size_t k = 0; k < n; ++k)
                if (match_equal(v, operand(k))) return true;
            return false;
        case CmpOp::Ne:
            for (std::size_t k = 0; k < n; ++k)
                if (match_equal(v, operand(k))) return false;
            return true;
        case CmpOp::Has:
            if (v.type != Type::List) return false;
            for (std::size_t k = 0; k < n; ++k) {
                const Value& want = operand(k);
                for (const Value& item : v.items())
                    if (match_equal(item, want)) return true;
            }
            return false;
        default: {
            if (n == 0) return false;
            const Value& other = operand(std::size_t{0});
            int r = 0;
            if (v.type == Type::Int && other.type == Type::Int) {
                r = v.i < other.i ? -1 : (v.i > other.i ? 1 : 0);
            } else {
                bool comparable = false;
                r = compare(v, other, comparable);
                if (!comparable) return false;
            }
            return order_holds(op, r);
        }
    }
}

// The part of a slot's value `v` that a list pattern reads (ListPart, program.hpp); `v` itself for Whole. Reading
// an item a list does not have gives an Any value, which equals nothing a slot holds: the Length test that every
// list pattern carries fails on such a fact anyway, so the value is never bound. Rest makes (interns) a list.
inline Value list_part(const Value& v, ListPart part, std::uint16_t index) {
    if (part == ListPart::Whole) return v;
    Value none;
    none.type = Type::Any;
    if (v.type != Type::List) return none;
    auto items = v.items();
    switch (part) {
        case ListPart::Length: return Value::integer(static_cast<std::int64_t>(items.size()));
        case ListPart::Item: return index < items.size() ? items[index] : none;
        case ListPart::ItemFromEnd: return index < items.size() ? items[items.size() - 1 - index] : none;
        case ListPart::Rest: {
            std::size_t front = index & 0xFFu, back = index >> 8;
            if (front + back > items.size()) return none;
            return Value::of_list(items.subspan(front, items.size() - front - back));
        }
        default: return v;
    }
}

// slot_test_holds with the operands given as Values (an expectation's or a REPL pattern's constants).
inline bool slot_values_pass(CmpOp op, const Value& v, const std::vector<Value>& operands) {
    return slot_test_holds(op, v, operands.size(), [&](std::size_t k) -> const Value& { return operands[k]; });
}

// The type of an aggregate's value: Int for count, Float for avg and score; for sum/min/max the declared type of the
// result variable when it is a number type, otherwise the type of the aggregated slot.
inline Type aggregate_result_type(AggOp op, Type declared, Type slot_type) {
    switch (op) {
        case AggOp::Count: return Type::Int;
        case AggOp::Avg:
        case AggOp::Score: return Type::Float;
        case AggOp::Collect: return Type::String;
        default: return declared == Type::Int || declared == Type::Float ? declared : slot_type;
    }
}

// The state of one aggregate over a group of facts that changes one fact at a time: add(v, +1) when a fact joins the
// group, add(v, -1) with the same value when it leaves; compute() then sets `current` and `defined`. The value depends
// only on the multiset of values in the group, never on the order of the adds — float sums are taken over the
// multiset in value order — so a from-scratch recomputation (why-not) gives exactly what the incremental matcher has.
//
// compute(op, result_type), with result_type from aggregate_result_type:
//   Count  the number of facts (defined, also when 0)
//   Sum    defined, 0 for no values; an Int (exact, wrapping on overflow) when every value is an int and the result
//          type is not Float, otherwise a Float
//   Avg    the sum as a Float divided by the count; undefined for no facts
//   Min    the least / greatest value, as a Float when the result type is Float; undefined for no values. Of values
//   Max    that compare equal (1 and 1.0) the one that entered the group first (and is still in it) is kept
//   Score  the value of the one score fact, 0.0 when there is none (defined)
//   Collect  a String naming the values (defined, "" for none): each distinct value as displayed (to_display),
//          numbers first in numeric order, then the others by their text, joined by ", "; a value that occurs k > 1
//          times is followed by " (k)": "1, 2 (2), france". Distinct means distinct text: 1 and 1.0 are two values.
//          For reasons that name what they counted (issue 11): "withdrawals: {?n} ({?who})".
// Values that are not numbers (the placeholder a count is given) count as facts but enter no sum and no multiset;
// only add(v, sign, /*items=*/true), which the Collect aggregate uses, keeps every value as an item.
struct AggregateState {
    // Orders numbers numerically; what a multiset of a number slot's values needs (int 1 and float 1.0 are one key).
    struct NumLess {
        bool operator()(const Value& a, const Value& b) const {
            bool ok = true;
            return compare(a, b, ok) < 0;
        }
    };

    // The order of Collect's items: numbers (by value, then text), then the others by text.
    using ItemKey = std::tuple<bool, double, std::string>;  // (not a number, numeric value, displayed text)

    std::int64_t count = 0;
    std::int64_t int_sum = 0;
    std::int64_t float_count = 0;
    std::map<Value, std::uint32_t, NumLess> values;  // multiset of aggregated values (sum/avg/min/max/score)
    std::map<ItemKey, std::uint32_t> items;          // Collect: multiset of displayed values
    Value current;                                   // the value, after compute(), when defined
    bool defined = false;

    // A fact with value v joins (sign +1) or leaves (-1) the group; a leaving value must have joined before.
    void add(const Value& v, int sign, bool keep_items = false) {
        count += sign;
        if (keep_items) {
            ItemKey key{!v.is_number(), v.is_number() ? v.as_double() : 0.0, to_display(v)};
            if (sign > 0) {
                ++items[key];
            } else if (auto it = items.find(key); it != items.end() && --it->second == 0) {
                items.erase(it);
            }
            return;
        }
        if (!v.is_number()) return;  // count: no value
        if (v.type == Type::Int) {
            int_sum = static_cast<std::int64_t>(static_cast<std::uint64_t>(int_sum) +
                                                static_cast<std::uint64_t>(sign > 0 ? v.i : -v.i));
        } else {
            float_count += sign;
        }
        if (sign > 0) {
            ++values[v];
        } else if (auto it = values.find(v); it != values.end() && --it->second == 0) {
            values.erase(it);
        }
    }

    // Recomputes `current` and `defined` from the state (see above). Float sums are recomputed from the multiset in
    // value order, not kept as a running total, so the result does not depend on the order of adds.
    void compute(AggOp op, Type result_type) {
        auto as_result = [&](const Value& v) {
            if (result_type == Type::Float && v.type == Type::Int) return Value::real(static_cast<double>(v.i));
            return v;
        };
        auto float_sum = [&] {
            double sum = 0;
            for (const auto& [v, k] : values) sum += v.as_double() * k;
            return sum;
        };
        switch (op) {
            case AggOp::Count:
                defined = true;
                current = Value::integer(count);
                break;
            case AggOp::Sum:
                defined = true;
                if (float_count == 0 && result_type != Type::Float) current = Value::integer(int_sum);
                else current = Value::real(float_count == 0 ? static_cast<double>(int_sum) : float_sum());
                break;
            case AggOp::Avg:
                defined = count > 0;
                if (defined)
                    current = Value::real((float_count == 0 ? static_cast<double>(int_sum) : float_sum()) /
                                          static_cast<double>(count));
                break;
            case AggOp::Min:
                defined = !values.empty();
                if (defined) current = as_result(values.begin()->first);
                break;
            case AggOp::Max:
                defined = !values.empty();
                if (defined) current = as_result(values.rbegin()->first);
                break;
            case AggOp::Score:
                // At most one score fact per key: its value, or 0.0 when there is none.
                defined = true;
                current = Value::real(values.empty() ? 0.0 : values.begin()->first.as_double());
                break;
            case AggOp::Collect: {
                defined = true;
                std::string text;
                for (const auto& [key, k] : items) {
                    if (!text.empty()) text += ", ";
                    text += std::get<2>(key);
                    if (k > 1) text += " (" + std::to_string(k) + ")";
                }
                current = Value::string(text);
                break;
            }
        }
    }
};

}  // namespace covenant
