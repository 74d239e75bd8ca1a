// Shared helpers of the sweep-engine and reliability tests: a small base scenario and a sweep of
// it over the deadline (2 points), written into a temporary folder.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "backends/sweep_batch.hpp"
#include "io/hdf5_util.hpp"
#include "model/instance.hpp"
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

// A stand-in backend for kSweepAlgorithms, deterministic in the instance so that runs compare
// bit for bit. By default alpha: the total gain of the instance (feasible); beta: its inverse, or
// infeasible where UE 0's deadline is odd when `beta_fails_on_odd_deadline`. `results`, if given,
// sets both instead, from the instance and its index. Throws at the (fail_after + 1)-th instance
// when fail_after >= 0.
using StandInResults = std::function<void(const Instance& inst, uint32_t instance, StoredResult& alpha,
                                          StoredResult& beta)>;
class StandIn final : public SweepBatchBackend {
 public:
  explicit StandIn(long fail_after = -1, bool beta_fails_on_odd_deadline = true, StandInResults results = {})
      : fail_after_(fail_after), beta_fails_(beta_fails_on_odd_deadline), results_(std::move(results)) {}
  RunIdentity identity() const override { return {"stand-in", "test", "", ""}; }
  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    params_ = config.params;
    algorithms_ = algorithms.size();
  }
  void evaluate(const InstanceRange& range, std::vector<StoredResult>& out) override {
    out.assign(algorithms_ * range.count, StoredResult{0, -1, 0});
    for (uint32_t j = 0; j < range.count; ++j) {
      if (fail_after_ >= 0 && calls_++ >= fail_after_) throw std::runtime_error("stand-in failure");
      const uint32_t i = range.first_instance + j;
      const Instance inst = generate_instance(params_, {range.seed, range.point, i});
      if (results_) {
        results_(inst, i, out[j], out[range.count + j]);
        continue;
      }
      const double total = std::accumulate(inst.gain_per_watt.begin(), inst.gain_per_watt.end(), 0.0);
      out[j] = {total, 1, 1};
      const bool fails = beta_fails_ && inst.deadline_slots[0] % 2 == 1;
      out[range.count + j] = {fails ? std::nan("") : 1.0 / total, static_cast<int8_t>(fails ? 2 : 0), 7};
    }
  }

 private:
  long fail_after_, calls_ = 0;
  bool beta_fails_;
  StandInResults results_;
  ScenarioParams params_{};
  size_t algorithms_ = 0;
};

}  // namespace leosem::test
