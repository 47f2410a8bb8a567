#include "classify/graphviz_svg.hpp"

#include <memory>

#include <graphviz/gvc.h>

namespace covenant {

std::optional<std::string> dot_to_svg(const std::string& dot, std::string& error) {
    // One context per call: the report draws a few dozen graphs, and a context loads the plugins once.
    std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
    if (!gvc) {
        error = "Graphviz could not start (gvContext failed)";
        return std::nullopt;
    }
    std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
    if (!graph) {
        error = "Graphviz could not read the DOT text";
        return std::nullopt;
    }
    if (gvLayout(gvc.get(), graph.get(), "dot") != 0) {
        error = "Graphviz has no `dot` layout (is its plugin configuration, `dot -c`, missing?)";
        return std::nullopt;
    }
    char* data = nullptr;
    unsigned int length = 0;
    int rendered = gvRenderData(gvc.get(), graph.get(), "svg", &data, &length);
    gvFreeLayout(gvc.get(), graph.get());
    if (rendered != 0 || !data) {
        error = "Graphviz has no svg renderer";
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
