// Shared helpers of the sweep-engine and reliability tests: a small base scenario and a sweep of
// it over the deadline (2 points), written into a temporary folder.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "sweep/sweep_spec.hpp"
#include "temp_dir.hpp"

namespace leosem::test {

inline const std::vector<std::string> kSweepAlgorithms{"alpha", "beta"};

inline const char* kSmallBase =
    "[users]\ncount = 3\ndeadline_mean_slots = 20\n[radio]\nsubchannels = 2\n[time]\nslots = 40\n";

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A small sweep over the deadline, 2 points x `instances` instances, of base.toml.
inline std::string sweep_text(uint32_t instances = 37) {
  return "name = \"test\"\nscenario = \"base.toml\"\ninstances = " + std::to_string(instances) +
         "\nalgorithms = [\"alpha\", \"beta\"]\nseed = 5\n[[axis]]\nfield = \"users.deadline_mean_slots\"\n"
         "values = [20, 30]\n";
}

// Writes base.toml and sweep.toml into `dir` and loads the sweep.
inline SweepSpec make_spec(const TempDir& dir, uint32_t instances = 37) {
  write_text(dir.file("base.toml"), kSmallBase);
  write_text(dir.file("sweep.toml"), sweep_text(instances));
  return load_sweep_file(dir.file("sweep.toml"), kSweepAlgorithms);
}

}  // namespace leosem::test
