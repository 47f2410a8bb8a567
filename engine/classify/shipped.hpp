// Where the shipped rule packs (rules/, with rules/core) and knowledge base (kb/, with kb/threats.yaml) are found,
// for every way Covenant runs: a build tree in or outside the source tree, an installed binary (`cmake --install`,
// the Debian package), a relocated install, and a program or Python module that embeds the library.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace covenant {

// The directory that holds the shipped rules/ and kb/, the first of these that has rules/core:
//   1. the source tree this build was configured from (baked in at configure time), when the running executable or
//      the shared object holding this code lies inside the build tree — so a build directory anywhere
//      (`cmake -S . -B /elsewhere`) finds the packs of its own sources, never an older installed copy;
//   2. <prefix>/share/covenant for the nearest <prefix> among the ancestors (up to four levels) of the shared object
//      holding this code and then of the running executable: an installed or relocated <prefix>/bin/covenant, or
//      the Python module in <prefix>/lib/python3.N/dist-packages;
//   3. the configured install location, CMAKE_INSTALL_FULL_DATADIR/covenant (a program or the Python module
//      embedding an installed library, whose executable is elsewhere);
//   4. the source tree again, whatever runs (an embedding program or module loaded from the build tree).
// Nothing when none has rules/core (the source tree removed after an install elsewhere, say). Looked up once per
// process.
std::optional<std::string> shipped_data_dir();

// The shipped core packs (<data>/rules/core) and threat catalogue (<data>/kb/threats.yaml), when found.
std::optional<std::string> shipped_core_rules();
std::optional<std::string> shipped_threats();

// Where `use a.b.c` looks before the directories of the using file (LoadOptions::search_path): each directory of the
// COVENANT_PATH environment variable (':'-separated, empty entries skipped, in order), then <data>/rules.
std::vector<std::string> pack_search_path();

// The directories of COVENANT_PATH alone, in order (empty when it is unset).
std::vector<std::string> covenant_path_dirs();

}  // namespace covenant
