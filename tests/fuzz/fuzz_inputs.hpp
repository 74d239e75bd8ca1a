// What the corpus replay (test_fuzz_corpus) and the libFuzzer target (fuzz_config.cpp, run by
// tools/fuzz.sh) do with one input: parse it as a scenario and as a sweep (whose
// `scenario = "base.toml"` finds a small base scenario in a scratch folder). ConfigError is the
// expected answer to bad input; anything else escapes.
#pragma once
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/config.hpp"
#include "sweep/sweep_spec.hpp"

namespace leosem::fuzz {

inline const std::string& directory() {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("leosem-fuzz-" + std::to_string(::getpid()))).string();
  return path;
}

inline void prepare_directory() {
  std::filesystem::create_directories(directory());
  std::ofstream(directory() + "/base.toml")
      << "[users]\ncount = 3\ndeadline_mean_slots = 20\n[radio]\nsubchannels = 2\n[time]\nslots = 40\n";
}

inline void parse_both(const std::string& text) {
  try {
    parse_scenario(text, "<fuzz>");
  } catch (const ConfigError&) {
  }
  try {
    parse_sweep(text, directory() + "/sweep.toml", directory(), {"jcrra", "greedy-jscc", "greedy-jpeg", "exact"});
  } catch (const ConfigError&) {
  }
}

}  // namespace leosem::fuzz
