// Graphviz DOT to SVG in-process, with Graphviz's own libraries (libgvc: the `dot` layout and the `svg` renderer),
// for the HTML report's derivation graphs. No `dot` process, no temporary file.
#pragma once

#include <optional>
#include <string>

namespace covenant {

// The SVG element of `dot` laid out by `dot`: the <svg ...> ... </svg> alone (the XML prolog, DOCTYPE and the
// generator's comment dropped, so that it can be inlined in HTML). nullopt, with `error` in words, when Graphviz
// cannot read the text or has no svg renderer. Not thread-safe (Graphviz is not): call from one thread at a time.
std::optional<std::string> dot_to_svg(const std::string& dot, std::string& error);

}  // namespace covenant
