#include "classify/graphviz_svg.hpp"

#include <memory>

#include <graphviz/gvc.h>

namespace covenant {

namespace {

// Graphviz writes its messages to stderr unless given a function; they are collected here instead, to become part
// of the error in words (dot_to_svg is not thread-safe anyway, as Graphviz is not).
std::string* messages = nullptr;

int collect_message(char* text) {
    if (messages && text) *messages += text;
    return 0;
}

}  // namespace

std::optional<std::string> dot_to_svg(const std::string& dot, std::string& error) {
    std::string said;
    messages = &said;
    agusererrf previous = agseterrf(collect_message);
    struct Restore {
        agusererrf previous;
        ~Restore() {
            agseterrf(previous);
            messages = nullptr;
        }
    } restore{previous};
    auto with_messages = [&](std::string what) {
        while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
        return said.empty() ? what : what + ": " + said;
    };
    // One context for the process, never freed: Graphviz 2.42 (Debian 12) keeps a text-size cache in a static that
    // gvFreeContext frees but leaves pointing at freed memory, so a second context reads freed memory (ASan found it
    // in the pango plugin's textspan_size). A static context stays reachable, so no leak is reported either.
    static GVC_t* const context = gvContext();
    GVC_t* gvc = context;
    if (!gvc) {
        error = "Graphviz could not start (gvContext failed)";
        return std::nullopt;
    }
    std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
    if (!graph) {
        error = with_messages("Graphviz could not read the DOT text");
        return std::nullopt;
    }
    if (gvLayout(gvc, graph.get(), "dot") != 0) {
        error = with_messages("Graphviz has no `dot` layout (is its plugin configuration, `dot -c`, missing?)");
        return std::nullopt;
    }
    char* data = nullptr;
    unsigned int length = 0;
    int rendered = gvRenderData(gvc, graph.get(), "svg", &data, &length);
    gvFreeLayout(gvc, graph.get());
    if (rendered != 0 || !data) {
        error = with_messages("Graphviz has no svg renderer");
        return std::nullopt;
    }
    std::string svg(data, length);
    gvFreeRenderData(data);
    std::size_t start = svg.find("<svg");
    if (start == std::string::npos) {
        error = "Graphviz's svg output has no <svg> element";
        return std::nullopt;
    }
    return svg.substr(start);
}

}  // namespace covenant
