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
    // One context per call: the report draws a few dozen graphs, and a context loads the plugins once.
    std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
    if (!gvc) {
        error = "Graphviz could not start (gvContext failed)";
        return std::nullopt;
    }
    std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
    if (!graph) {
        error = with_messages("Graphviz could not read the DOT text");
        return std::nullopt;
    }
    if (gvLayout(gvc.get(), graph.get(), "dot") != 0) {
        error = with_messages("Graphviz has no `dot` layout (is its plugin configuration, `dot -c`, missing?)");
        return std::nullopt;
    }
    char* data = nullptr;
    unsigned int length = 0;
    int rendered = gvRenderData(gvc.get(), graph.get(), "svg", &data, &length);
    gvFreeLayout(gvc.get(), graph.get());
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
