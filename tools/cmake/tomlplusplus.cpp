// toml++'s implementation (Debian's libtomlplusplus-dev headers), compiled into the sanitizer
// build instead of linking the shared libtomlplusplus (CMakeLists.txt): so ASan and UBSan check
// the TOML parser's own memory and arithmetic, and with LEOSEM_FUZZ its branches guide the fuzzer.
// This is the only translation unit that defines the implementation; every other one includes
// toml++ with TOML_HEADER_ONLY=0 (declarations only), so the program holds one definition.
#define TOML_IMPLEMENTATION 1
#include <toml++/toml.h>
