// The libFuzzer target over the configuration parsers (scenario and sweep TOML, their validation
// and size limits): each input goes through fuzz::parse_both, as the corpus replay does. A crash,
// a sanitizer report, an escaped exception other than ConfigError, or an input slower than
// -timeout is a finding. Run by tools/fuzz.sh (docs/testing.md), built with -DLEOSEM_FUZZ=ON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  leosem::fuzz::prepare_directory();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leosem::fuzz::parse_both(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
