// Where leosem's own data files are (the default JPEG rate-quality table): $LEOSEM_DATA_DIR when
// set, else found relative to the running executable, so a moved or installed binary finds them:
// PREFIX/bin/leosem reads PREFIX/share/leosem/data, a build tree's BUILD/leosem (and its tests
// in BUILD/tests/) BUILD/share/leosem/data, which the build fills. No source path is compiled in.
#pragma once
#include <string>

namespace leosem {

// The data directory, or "" when none is found.
std::string data_directory();
// Where data_directory() looked, for error messages.
std::string data_directory_search_note();

}  // namespace leosem
