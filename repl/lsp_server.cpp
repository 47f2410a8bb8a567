// The protocol side of `covenant lsp`: framing, JSON-RPC dispatch, the lifecycle and document synchronisation.
// The language features themselves are in lsp_features.cpp and lsp_completion.cpp.
#include "lsp_server.hpp"

#include <charconv>
#include <filesystem>
#include <iostream>

#include "classify/shipped.hpp"
#include "lsp_features.hpp"
#include "syntax/format.hpp"

namespace covenant::lsp {

// --- framing ---------------------------------------------------------------------------------------------------

namespace {

// A header block longer than this is not LSP; it is consumed and reported rather than buffered without end.
constexpr std::size_t kMaxHeaderBytes = 8192;
// A body larger than this (a 64 MiB rule file) is refused rather than allocated: a stray number must not exhaust
// memory.
constexpr std::size_t kMaxBodyBytes = 64u << 20;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

ReadStatus read_message(std::istream& in, std::string& body, std::string& error) {
    std::optional<std::size_t> length;
    std::size_t header_bytes = 0;
    bool any_header = false;
    std::string line;
    error.clear();
    while (true) {
        if (!std::getline(in, line)) return ReadStatus::Eof;
        header_bytes += line.size() + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            if (!any_header) continue;  // blank lines between messages are harmless
            break;
        }
        any_header = true;
        if (header_bytes > kMaxHeaderBytes) error = "header block too long";
        auto colon = line.find(':');
        if (colon == std::string::npos) {
            error = "malformed header line '" + line.substr(0, 80) + "'";
            continue;
        }
        std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (name == "content-length") {
            std::size_t n = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || end != value.data() + value.size())
                error = "Content-Length is not a number: '" + value.substr(0, 40) + "'";
            else
                length = n;
        }
    }
    if (error.empty() && !length) error = "no Content-Length header";
    if (error.empty() && *length > kMaxBodyBytes) error = "message too large";
    if (!error.empty()) return ReadStatus::BadFrame;
    body.assign(*length, '\0');
    if (*length > 0 && !in.read(body.data(), static_cast<std::streamsize>(*length))) return ReadStatus::Eof;
    return ReadStatus::Message;
}

void write_message(std::ostream& out, const json& message) {
    // Invalid UTF-8 in a document (it reaches messages through diagnostics) is replaced, never thrown about.
    std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
    out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
    out.flush();
}

// --- dispatch --------------------------------------------------------------------------------------------------

namespace {

// Thrown by handlers for parameters of the wrong shape; answered with InvalidParams.
struct InvalidParams : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown when a request is well-formed but cannot be carried out; answered with RequestFailed.
struct RequestFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown for a request method the server does not implement; answered with MethodNotFound.
struct MethodNotFound : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const json& field(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) throw InvalidParams(std::string("missing '") + key + "'");
    return object.at(key);
}

std::string string_field(const json& object, const char* key) {
    const json& v = field(object, key);
    if (!v.is_string()) throw InvalidParams(std::string("'") + key + "' is not a string");
    return v.get<std::string>();
}

Position position_of(const json& params) {
    const json& p = field(params, "position");
    const json& line = field(p, "line");
    const json& character = field(p, "character");
    if (!line.is_number_unsigned() || !character.is_number_unsigned())
        throw InvalidParams("position line and character must be non-negative integers");
    return {line.get<std::uint32_t>(), character.get<std::uint32_t>()};
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {
    search_path_ = options_.rules_path;
    for (auto& dir : pack_search_path()) search_path_.push_back(std::move(dir));
}

int Server::run(std::istream& in, std::ostream& out) {
    out_ = &out;
    std::string body, error;
    while (!exit_) {
        ReadStatus status = read_message(in, body, error);
        if (status == ReadStatus::Eof) break;
        if (status == ReadStatus::BadFrame) {
            respond_error(nullptr, kParseError, "malformed message header: " + error);
            continue;
        }
        json message = json::parse(body, nullptr, /*allow_exceptions=*/false);
        if (message.is_discarded()) {
            respond_error(nullptr, kParseError, "the message is not valid JSON");
            continue;
        }
        handle(message);
    }
    return shutdown_ && exit_ ? 0 : 1;
}

void Server::send(const json& message) {
    write_message(*out_, message);
}

void Server::respond_error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::handle(const json& message) {
    if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
        // A response from the client (we send no requests) or garbage: only a request with an id can be answered.
        if (message.is_object() && message.contains("id") && !message.contains("result") && !message.contains("error"))
            respond_error(message["id"], kInvalidRequest, "a request needs a 'method' string");
        else if (!message.is_object())
            respond_error(nullptr, kInvalidRequest, "a message must be a JSON object");
        return;
    }
    std::string method = message["method"].get<std::string>();
    json params = message.contains("params") ? message["params"] : json::object();
    bool is_request = message.contains("id");
    json id = is_request ? message["id"] : json();
    if (is_request && !(id.is_number_integer() || id.is_string())) {
        respond_error(nullptr, kInvalidRequest, "a request id must be an integer or a string");
        return;
    }
    try {
        if (!is_request) {
            notification(method, params);
            return;
        }
        if (!initialized_ && method != "initialize") {
            respond_error(id, kServerNotInitialized, "the server has not been initialized");
            return;
        }
        if (shutdown_) {
            respond_error(id, kInvalidRequest, "the server is shutting down");
            return;
        }
        json result = request(method, params);
        send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
    } catch (const MethodNotFound& e) {
        respond_error(id, kMethodNotFound, e.what());
    } catch (const RequestFailed& e) {
        respond_error(id, kRequestFailed, e.what());
    } catch (const InvalidParams& e) {
        fail(is_request, id, method, kInvalidParams, e.what());
    } catch (const json::exception& e) {  // a parameter of the wrong JSON type
        fail(is_request, id, method, kInvalidParams, e.what());
    } catch (const std::exception& e) {
        fail(is_request, id, method, kInternalError, e.what());
    }
}

void Server::fail(bool is_request, const json& id, const std::string& method, int code, const std::string& what) {
    // A notification has no one to answer; standard error, which editors keep in the server's log, says why it was
    // dropped.
    if (is_request)
        respond_error(id, code, what);
    else
        std::cerr << "covenant lsp: ignored " << method << ": " << what << "\n";
}

json Server::request(const std::string& method, const json& params) {
    if (method == "initialize") {
        if (initialized_) throw InvalidParams("the server is already initialized");
        initialized_ = true;
        json capabilities = {
            {"positionEncoding", "utf-16"},
            {"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", {{"includeText", false}}}}},
            {"hoverProvider", true},
            {"definitionProvider", true},
            {"documentSymbolProvider", true},
            {"documentFormattingProvider", true},
            {"completionProvider", {{"triggerCharacters", {"(", "?", ",", " "}}, {"resolveProvider", false}}},
        };
        return {{"capabilities", capabilities}, {"serverInfo", {{"name", "covenant"}, {"version", options_.version}}}};
    }
    if (method == "shutdown") {
        shutdown_ = true;
        return nullptr;
    }
    if (method == "textDocument/hover") {
        Document& doc = document(params);
        return hover(*doc.analysis, position_of(params));
    }
    if (method == "textDocument/definition") {
        Document& doc = document(params);
        return definition(*doc.analysis, position_of(params));
    }
    if (method == "textDocument/formatting") return formatting(params);
    if (method == "textDocument/documentSymbol") return document_symbols(*document(params).analysis);
    if (method == "textDocument/completion") {
        Document& doc = document(params);
        return completion(*doc.analysis, doc.text, position_of(params));
    }
    throw MethodNotFound("unknown method '" + method + "'");
}

void Server::notification(const std::string& method, const json& params) {
    if (method == "exit") {
        exit_ = true;
        return;
    }
    if (!initialized_) return;  // the protocol drops notifications before initialize
    if (method == "textDocument/didOpen") {
        const json& item = field(params, "textDocument");
        std::int64_t version =
            item.contains("version") && item["version"].is_number_integer() ? item["version"].get<std::int64_t>() : 0;
        open(string_field(item, "uri"), string_field(item, "text"), version);
    } else if (method == "textDocument/didChange") {
        std::string uri = string_field(field(params, "textDocument"), "uri");
        auto it = documents_.find(uri);
        if (it == documents_.end()) return;
        // Full synchronisation: each change carries the whole text; the last one wins.
        const json& changes = field(params, "contentChanges");
        if (!changes.is_array() || changes.empty()) return;
        const json& last = changes.back();
        if (last.contains("range")) return;  // an incremental change, which we did not offer: ignore it
        it->second.text = string_field(last, "text");
        const json& td = params["textDocument"];
        if (td.contains("version") && td["version"].is_number_integer())
            it->second.version = td["version"].get<std::int64_t>();
        refresh(uri, it->second);
    } else if (method == "textDocument/didSave") {
        // Other open documents may `use` the saved one: check them all again.
        for (auto& [uri, doc] : documents_) refresh(uri, doc);
    } else if (method == "textDocument/didClose") {
        std::string uri = string_field(field(params, "textDocument"), "uri");
        if (documents_.erase(uri)) publish(uri, json::array());
        for (auto& [other, doc] : documents_) refresh(other, doc);
    }
    // Anything else ($/cancelRequest, initialized, $/setTrace, workspace/didChangeConfiguration...): nothing to do.
}

void Server::open(const std::string& uri, std::string text, std::int64_t version) {
    Document& doc = documents_[uri];
    // Canonical, so that a used pack's path found on disk matches the open buffer's (lsp_analysis.cpp).
    doc.path = path_from_uri(uri);
    std::error_code ec;
    if (!doc.path.empty()) {
        auto canon = std::filesystem::weakly_canonical(doc.path, ec);
        if (!ec) doc.path = canon.string();
    }
    doc.text = std::move(text);
    doc.version = version;
    refresh(uri, doc);
}

void Server::refresh(const std::string& uri, Document& doc) {
    OpenTexts open;
    for (const auto& [other_uri, other] : documents_)
        if (other_uri != uri && !other.path.empty()) open[other.path] = other.text;
    doc.analysis = analyse(uri, doc.path, doc.text, search_path_, open);
    publish(uri, doc.analysis->diagnostics());
}

void Server::publish(const std::string& uri, const json& diagnostics) {
    json params = {{"uri", uri}, {"diagnostics", diagnostics}};
    auto it = documents_.find(uri);
    if (it != documents_.end()) params["version"] = it->second.version;
    send({{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", params}});
}

// The document formatted by format_source (`covenant fmt`'s formatter) as one edit replacing the whole text; no edit
// when it is already formatted, and none while it has a syntax error (the diagnostics already say where). A failure
// of the formatter's own round-trip check is a bug, answered as an error so that it is seen.
json Server::formatting(const json& params) {
    Document& doc = document(params);
    SourceManager sources;
    FileId id = sources.add(doc.path.empty() ? std::string("<document>") : doc.path, doc.text);
    FormatResult result = format_source(sources, id);
    if (!result.ok) {
        if (!result.internal_error.empty()) throw RequestFailed("the formatter failed: " + result.internal_error);
        return json::array();
    }
    if (result.text == doc.text) return json::array();
    LineIndex lines(doc.text);
    json range = {{"start", to_json({0, 0})},
                  {"end", to_json(lines.position(static_cast<std::uint32_t>(doc.text.size())))}};
    return json::array({{{"range", range}, {"newText", result.text}}});
}

Server::Document& Server::document(const json& params) {
    std::string uri = string_field(field(params, "textDocument"), "uri");
    auto it = documents_.find(uri);
    if (it == documents_.end()) throw InvalidParams("the document " + uri + " is not open");
    return it->second;
}

}  // namespace covenant::lsp
