// The committed fuzzing corpus (tests/fuzz/corpus/: seeds now; the crashing or slow inputs a
// fuzzer finds go here too) replayed through the scenario and sweep parsers in every build, so a
// fixed finding stays fixed: each input parses or raises ConfigError, nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/fuzz_inputs.hpp"

namespace fs = std::filesystem;

TEST(FuzzCorpus, EveryInputParsesOrIsRefusedWithAConfigError) {
  leosem::fuzz::prepare_directory();
  const fs::path corpus = fs::path(LEOSEM_SOURCE_DIR) / "tests/fuzz/corpus";
  size_t inputs = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(corpus)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_NO_THROW(leosem::fuzz::parse_both(text.str()));
    ++inputs;
  }
  EXPECT_GE(inputs, 3u);
  fs::remove_all(leosem::fuzz::directory());
}
