#include "base/value.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

namespace covenant {

namespace {

// Storage for interned text: fixed-size chunks whose addresses never change, reached through a fixed directory of
// chunk pointers, so readers need no lock. Limit: kChunks * kChunkSize (67 million) distinct entries per process.
constexpr std::size_t kChunkSize = 4096;
constexpr std::size_t kChunks = 16384;

struct SymbolStore {
    std::mutex mutex;
    std::unordered_map<std::string_view, SymbolId> index;
    std::atomic<std::string*>* chunks;  // kChunks pointers to arrays of kChunkSize strings
    std::atomic<std::size_t> size{0};

    SymbolStore() {
        chunks = new std::atomic<std::string*>[kChunks];
        for (std::size_t i = 0; i < kChunks; ++i) chunks[i].store(nullptr, std::memory_order_relaxed);
    }
};

SymbolStore& store() {
    static SymbolStore* s = new SymbolStore();  // never destroyed: ids must outlive every static user
    return *s;
}

// Interned lists: the same chunked directory as the symbols, and an index from a list's hash to its ids.
struct ListStore {
    std::mutex mutex;
    std::unordered_multimap<std::size_t, ListId> index;
    std::atomic<std::vector<Value>*>* chunks;
    std::atomic<std::size_t> size{0};

    ListStore() {
        chunks = new std::atomic<std::vector<Value>*>[kChunks];
        for (std::size_t i = 0; i < kChunks; ++i) chunks[i].store(nullptr, std::memory_order_relaxed);
    }
};

ListStore& list_store() {
    static ListStore* s = new ListStore();  // never destroyed, like the symbol store
    return *s;
}

std::size_t hash_items(std::span<const Value> items) {
    std::size_t h = items.size();
    for (const auto& v : items) h = h * 1000003u ^ (v.hash() + static_cast<std::size_t>(v.type));
    return h;
}

}  // namespace

SymbolId Symbols::intern(std::string_view text) {
    auto& s = store();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (auto it = s.index.find(text); it != s.index.end()) return it->second;
    std::size_t id = s.size.load(std::memory_order_relaxed);
    std::size_t chunk = id / kChunkSize;
    if (chunk >= kChunks) throw std::length_error("too many distinct symbols and strings");
    std::string* arr = s.chunks[chunk].load(std::memory_order_relaxed);
    if (!arr) {
        arr = new std::string[kChunkSize];
        s.chunks[chunk].store(arr, std::memory_order_release);
    }
    arr[id % kChunkSize] = std::string(text);
    s.index.emplace(std::string_view(arr[id % kChunkSize]), static_cast<SymbolId>(id));
    s.size.store(id + 1, std::memory_order_release);
    return static_cast<SymbolId>(id);
}

std::string_view Symbols::name(SymbolId id) {
    auto& s = store();
    if (id >= s.size.load(std::memory_order_acquire)) return "<bad-symbol>";
    return s.chunks[id / kChunkSize].load(std::memory_order_acquire)[id % kChunkSize];
}

std::size_t Symbols::count() { return store().size.load(std::memory_order_acquire); }

ListId Lists::intern(std::span<const Value> items) {
    auto& s = list_store();
    std::size_t h = hash_items(items);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto [lo, hi] = s.index.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
        std::span<const Value> have = Lists::items(it->second);
        if (have.size() == items.size() && std::equal(have.begin(), have.end(), items.begin())) return it->second;
    }
    std::size_t id = s.size.load(std::memory_order_relaxed);
    std::size_t chunk = id / kChunkSize;
    if (chunk >= kChunks) throw std::length_error("too many distinct lists");
    std::vector<Value>* arr = s.chunks[chunk].load(std::memory_order_relaxed);
    if (!arr) {
        arr = new std::vector<Value>[kChunkSize];
        s.chunks[chunk].store(arr, std::memory_order_release);
    }
    arr[id % kChunkSize].assign(items.begin(), items.end());
    s.index.emplace(h, static_cast<ListId>(id));
    s.size.store(id + 1, std::memory_order_release);
    return static_cast<ListId>(id);
}

std::span<const Value> Lists::items(ListId id) {
    auto& s = list_store();
    if (id >= s.size.load(std::memory_order_acquire)) return {};
    return s.chunks[id / kChunkSize].load(std::memory_order_acquire)[id % kChunkSize];
}

std::string_view type_name(Type t) {
    switch (t) {
        case Type::Symbol: return "symbol";
        case Type::String: return "string";
        case Type::Int: return "int";
        case Type::Float: return "float";
        case Type::Bool: return "bool";
        case Type::Any: return "any";
        case Type::List: return "list";
    }
    return "?";
}

int compare(const Value& a, const Value& b, bool& comparable) {
    comparable = true;
    if (a.is_number() && b.is_number()) {
        if (a.type == Type::Int && b.type == Type::Int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
        double x = a.as_double(), y = b.as_double();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.type != b.type) {
        comparable = false;
        return 0;
    }
    switch (a.type) {
        case Type::Bool: return static_cast<int>(a.b) - static_cast<int>(b.b);
        case Type::List: {  // element by element, then the shorter first; incomparable elements make it so
            if (a.list == b.list) return 0;
            auto x = a.items(), y = b.items();
            for (std::size_t k = 0; k < x.size() && k < y.size(); ++k) {
                int c = compare(x[k], y[k], comparable);
                if (!comparable || c != 0) return c;
            }
            return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
        }
        case Type::Symbol:
        case Type::String: {
            if (a.sym == b.sym) return 0;
            int c = a.text().compare(b.text());
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        default: comparable = false; return 0;
    }
}

bool equal_for_match(const Value& a, const Value& b) {
    if (a.type == b.type) return a == b;
    bool ok;
    int c = compare(a, b, ok);
    return ok && c == 0;
}

std::string to_source(const Value& v) {
    switch (v.type) {
        case Type::Symbol: return std::string(v.text());
        case Type::String: {
            std::string out = "\"";
            for (char c : v.text()) {
                switch (c) {
                    case '"': out += "\\\""; break;
                    case '\\': out += "\\\\"; break;
                    case '\n': out += "\\n"; break;
                    case '\t': out += "\\t"; break;
                    case '{': out += "\\{"; break;
                    default: out += c;
                }
            }
            return out + "\"";
        }
        case Type::Int: return std::to_string(v.i);
        case Type::Float: {
            std::string s = fmt::format("{}", v.f);
            if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
            return s;
        }
        case Type::Bool: return v.b ? "true" : "false";
        case Type::Any: return "?";
        case Type::List: {
            std::string out = "[";
            for (const auto& item : v.items()) out += (out.size() > 1 ? ", " : "") + to_source(item);
            return out + "]";
        }
    }
    return "?";
}

std::string to_reading(const Value& v) {
    std::string s = to_source(v);
    if (v.type != Type::Float) return s;
    std::size_t dot = s.find('.');
    if (dot == std::string::npos || s.find_first_of("eEn", dot) != std::string::npos) return s;
    if (s.size() - dot - 1 <= 4) return s;
    if (std::fabs(v.f) < 0.001) return fmt::format("{:.3g}", v.f);  // three significant digits, never a false 0.0
    s = fmt::format("{:.3f}", v.f);
    while (s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();  // 0.250 -> 0.25; 2.000 -> 2.0
    return s;
}

std::string to_display(const Value& v) {
    if (v.type == Type::String) return std::string(v.text());
    if (v.type == Type::List) {  // the items as they display: "a, b, c"
        std::string out;
        for (const auto& item : v.items()) out += (out.empty() ? "" : ", ") + to_display(item);
        return out;
    }
    return to_source(v);
}

}  // namespace covenant
