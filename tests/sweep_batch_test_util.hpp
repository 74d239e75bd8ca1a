// Shared by the host and the device tests of the sweep's batched operation: the scenarios they
// run (both quality models) and the comparisons of two backends' results.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "backends/sweep_batch.hpp"
#include "quality_test_util.hpp"
#include "scenario/config.hpp"

namespace leosem::test {

// A small scenario (3 UEs, 3 SCs, 40 slots) whose instances are a mix of feasible and
// infeasible; with `grid`, the JSCC quality is a measured grid (the logistic surface sampled).
inline ScenarioConfig small_batch_config(const TempDir& dir, bool grid, int users = 3, int subchannels = 3,
                                         int slots = 40) {
  std::string text = "[users]\ncount = " + std::to_string(users) + "\ndeadline_mean_slots = " +
                     std::to_string(slots / 3) + "\nssim_mean = 0.85\n[radio]\nsubchannels = " +
                     std::to_string(subchannels) + "\n[time]\nslots = " + std::to_string(slots) + "\n";
  if (grid) {
    const GridQualityData g = logistic_grid();
    std::string csv = "rho,snr_db,ssim\n";
    const size_t cols = g.snr_db.size();
    for (size_t i = 0; i < g.rho.size(); ++i)
      for (size_t j = 0; j < cols; ++j) {
        char line[128];
        std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g\n", g.rho[i], g.snr_db[j], g.ssim[i * cols + j]);
        csv += line;
      }
    text += "[quality]\njscc_model = \"grid\"\ngrid_file = \"" + dir.write("grid.csv", csv) + "\"\n";
  }
  return load_scenario_file(dir.write(grid ? "grid.toml" : "logistic.toml", text));
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Bit for bit: power (NaN payloads included), status and iterations.
inline void expect_identical_results(const std::vector<StoredResult>& expected, const std::vector<StoredResult>& got,
                                     const std::vector<std::string>& algorithms, uint32_t count,
                                     const std::string& what) {
  ASSERT_EQ(expected.size(), algorithms.size() * count) << what;
  ASSERT_EQ(got.size(), expected.size()) << what;
  size_t mismatches = 0;
  for (size_t a = 0; a < algorithms.size(); ++a)
    for (uint32_t j = 0; j < count; ++j) {
      const StoredResult& e = expected[a * count + j];
      const StoredResult& g = got[a * count + j];
      const bool ok = (std::isnan(e.power_w) ? std::isnan(g.power_w) : same_bits(e.power_w, g.power_w)) &&
                      e.status == g.status && e.iterations == g.iterations;
      if (!ok && ++mismatches <= 5)
        ADD_FAILURE() << what << ": " << algorithms[a] << " instance " << j << ": expected (" << e.power_w << ", "
                      << int(e.status) << ", " << e.iterations << ") got (" << g.power_w << ", " << int(g.status)
                      << ", " << g.iterations << ")";
    }
  EXPECT_EQ(mismatches, 0u) << what;
}

// How many results of each status (0..3), to check that a case exercises both outcomes.
inline std::vector<size_t> status_counts(const std::vector<StoredResult>& results) {
  std::vector<size_t> counts(4, 0);
  for (const StoredResult& r : results)
    if (r.status >= 0 && r.status < 4) ++counts[static_cast<size_t>(r.status)];
  return counts;
}

}  // namespace leosem::test
