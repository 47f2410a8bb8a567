// `covenant lsp`: a Language Server Protocol server for .rules files, speaking JSON-RPC 2.0 over a byte stream with
// the LSP base-protocol framing (`Content-Length: N\r\n\r\n` then N bytes of UTF-8 JSON). docs/lsp.md lists what it
// supports. One thread: messages are handled in the order they arrive, each answered before the next is read, so
// $/cancelRequest never finds a request still running and is ignored.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lsp_analysis.hpp"

namespace covenant::lsp {

// Reads one framed message. Returns Message with the body; Eof at a clean end of input (or one inside a header or
// body); BadFrame when a header block has no usable Content-Length (`error` says why; the block is consumed, so
// the caller can report it and read on).
enum class ReadStatus { Message, Eof, BadFrame };
ReadStatus read_message(std::istream& in, std::string& body, std::string& error);

// Writes one framed message and flushes.
void write_message(std::ostream& out, const json& message);

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
    kParseError = -32700,
    kInvalidRequest = -32600,
    kMethodNotFound = -32601,
    kInvalidParams = -32602,
    kInternalError = -32603,
    kServerNotInitialized = -32002,
    kRequestFailed = -32803,
};

struct ServerOptions {
    std::vector<std::string> rules_path;  // --rules-path, searched for `use` before COVENANT_PATH and rules/
    std::string version;                  // reported in serverInfo
};

class Server {
public:
    explicit Server(ServerOptions options);
    // Serves until `exit` or the end of input. Returns the process exit code: 0 after `shutdown` then `exit`,
    // 1 otherwise (the protocol's rule, so that a client can tell a crash from an orderly stop).
    int run(std::istream& in, std::ostream& out);

private:
    struct Document {
        std::string path;  // empty for a URI that is not a file
        std::string text;
        std::int64_t version = 0;
        std::unique_ptr<Analysis> analysis;  // of `text`
    };

    // Handles one parsed message; writes its response (if any) to out_.
    void handle(const json& message);
    json request(const std::string& method, const json& params);
    void notification(const std::string& method, const json& params);

    void open(const std::string& uri, std::string text, std::int64_t version);
    // Re-analyses a document and publishes its diagnostics.
    void refresh(const std::string& uri, Document& doc);
    void publish(const std::string& uri, const json& diagnostics);
    Document& document(const json& params);
    json formatting(const json& params);

    void send(const json& message);
    void respond_error(const json& id, int code, const std::string& message);
    // Answers a failed request with the error; logs a failed notification on stderr.
    void fail(bool is_request, const json& id, const std::string& method, int code, const std::string& what);

    ServerOptions options_;
    std::vector<std::string> search_path_;
    std::map<std::string, Document> documents_;  // by URI
    std::ostream* out_ = nullptr;
    bool initialized_ = false;
    bool shutdown_ = false;
    bool exit_ = false;
};

}  // namespace covenant::lsp
