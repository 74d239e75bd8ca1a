// Input safety at the scenario layer (issue 12, split out of tests/sweep/test_reliability.cpp):
// inputs that must be regular files, size bounds that name the field, echoed values cut short.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

#include "core/file_safety.hpp"
#include "core/text_excerpt.hpp"
#include "scenario/config.hpp"
#include "scenario/limits.hpp"
#include "temp_dir.hpp"

using namespace leosem;
using test::TempDir;

TEST(FileSafety, InputsMustBeRegularFiles) {
  TempDir dir;
  dir.write("ok.toml", "[users]\ncount = 3\n");
  EXPECT_NO_THROW(require_regular_file(dir.file("ok.toml"), "input"));
  ASSERT_EQ(0, mkfifo(dir.file("fifo").c_str(), 0600));
  for (const std::string& path : {dir.path.string(), std::string("/dev/null"), std::string("/dev/zero"),
                                  std::string("/dev/urandom"), dir.file("fifo"), dir.file("absent"), std::string()})
    EXPECT_THROW(require_regular_file(path, "input"), std::runtime_error) << path;
  EXPECT_THROW(load_scenario_file("/dev/zero"), ConfigError);
  for (const char* data : {"/dev/zero", "/dev/urandom", "/"}) {
    try {
      parse_scenario(std::string("[quality]\njpeg_table = \"") + data + "\"\n");
      ADD_FAILURE() << data << " accepted as the JPEG table";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string::npos, std::string(e.what()).find("quality.jpeg_table")) << e.what();
    }
  }
}


TEST(Limits, AnInstanceTooLargeForMemoryIsRefusedNamingTheField) {
  try {
    parse_scenario("[radio]\nsubchannels = 10000\n[users]\ncount = 50000\n");
    FAIL() << "accepted 5e4 users x 1e4 sub-channels";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("'users.count'")) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("too large")) << e.what();
  }
  try {
    parse_scenario("[radio]\nsubchannels = 5000\n");
    FAIL() << "accepted 5000 sub-channels";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("'radio.subchannels'")) << e.what();
  }
  // The defaults and moderately large scenarios pass.
  EXPECT_NO_THROW(parse_scenario(""));
  EXPECT_NO_THROW(parse_scenario("[radio]\nsubchannels = 100\n[users]\ncount = 100\n"));
  ScenarioParams p = default_scenario_params();
  EXPECT_LE(estimate_instance_size(p).cells, kMaxInstanceCells);
}


TEST(EchoedValues, AreCutAndEscaped) {
  const std::string huge(100000, 'v');
  try {
    parse_scenario("[channel]\nscenario = \"" + huge + "\"\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u);
    EXPECT_NE(std::string::npos, std::string(e.what()).find("100002 characters")) << e.what();
  }
  EXPECT_EQ(text_excerpt("a\x01\xff"), "a\\x01\\xff");
  EXPECT_EQ(text_excerpt("abcdef", 3), "abc... (6 characters)");
  // A path given as a data file's value was cut in the field's quote, then echoed whole in
  // "cannot read '...'" (about 100 KB of output).
  try {
    parse_scenario("[quality]\njpeg_table = \"" + huge + "\"\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u) << text_excerpt(e.what(), 400);
  }
  EXPECT_EQ(quoted_input("abcdef"), "'abcdef'");
  EXPECT_EQ(quoted_input(huge).size(), std::string("'").size() + 80 + std::string("... (100000 characters)'").size());
  // The backstop for library messages: long words cut, short ones and cut values kept.
  EXPECT_EQ(excerpt_long_words("no such file: abcdefgh x", 6), "no such file: abcdef... (8 characters) x");
  const std::string cut = "error: " + quoted_input(huge) + ": x";
  EXPECT_EQ(excerpt_long_words(cut), cut);
}
