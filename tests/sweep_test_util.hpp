// Shared helpers of the sweep-engine and reliability tests: a small base scenario and a sweep of
// it over the deadline (2 points), written into a temporary folder.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5_util.hpp"
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

template <typename T>
std::vector<T> read(const std::string& path, const std::string& dataset) {
  h5_quiet();
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return h5_read_all<T>(f.get(), dataset);
}

// Every per-instance and summary dataset of two files, compared bit for bit.
inline void expect_same_results(const std::string& a, const std::string& b) {
  // [algorithm, axes..., instance] and [algorithm, axes...]: every algorithm at once.
  const auto pa = read<double>(a, "/power_w"), pb = read<double>(b, "/power_w");
  ASSERT_EQ(pa.size(), pb.size());
  EXPECT_EQ(0, std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(double)));
  EXPECT_EQ(read<int8_t>(a, "/status"), read<int8_t>(b, "/status"));
  EXPECT_EQ(read<int32_t>(a, "/iterations"), read<int32_t>(b, "/iterations"));
  const auto ma = read<double>(a, "/mean_power_dbm"), mb = read<double>(b, "/mean_power_dbm");
  ASSERT_EQ(ma.size(), mb.size());
  EXPECT_EQ(0, std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(double)));
  EXPECT_EQ(read<int32_t>(a, "/evaluated"), read<int32_t>(b, "/evaluated"));
  EXPECT_EQ(read<uint8_t>(a, "/done"), read<uint8_t>(b, "/done"));
  EXPECT_EQ(read<uint32_t>(a, "/instance"), read<uint32_t>(b, "/instance"));
}

// Every dataset of two adaptive files, bit for bit, the per-point records included.
inline void expect_same_adaptive(const std::string& a, const std::string& b) {
  expect_same_results(a, b);
  EXPECT_EQ(read<int32_t>(a, "/instances_used"), read<int32_t>(b, "/instances_used"));
  EXPECT_EQ(read<int8_t>(a, "/stop_reason"), read<int8_t>(b, "/stop_reason"));
  const auto ha = read<double>(a, "/ci95_half_width_db"), hb = read<double>(b, "/ci95_half_width_db");
  ASSERT_EQ(ha.size(), hb.size());
  EXPECT_EQ(0, std::memcmp(ha.data(), hb.data(), ha.size() * sizeof(double)));
}

}  // namespace leosem::test
