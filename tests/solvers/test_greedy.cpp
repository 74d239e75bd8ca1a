// Greedy JSCC and Greedy JPEG on hand instances, and the water-filling level.
#include <gtest/gtest.h>

#include "scenario/config.hpp"
#include "solver_test_util.hpp"
#include "solvers/checker.hpp"
#include "solvers/greedy_jpeg.hpp"

namespace leosem {
namespace {

TEST(WaterFilling, LevelMeetsTheBitsAndMatchesBisection) {
  const double gains[] = {8.0, 4.0, 1.0, 0.25};
  for (double bits : {0.5, 2.0, 5.0, 20.0}) {
    int active = 0;
    const double mu = water_level(gains, 4, bits, &active);
    double delivered = 0.0;
    for (int j = 0; j < 4; ++j) delivered += std::log2(1.0 + std::fmax(mu - 1.0 / gains[j], 0.0) * gains[j]);
    EXPECT_NEAR(delivered, bits, 1e-9 * bits) << bits;
    // Bisection on μ, independently.
    double lo = 0.0, hi = 1e9;
    for (int i = 0; i < 200; ++i) {
      const double mid = 0.5 * (lo + hi);
      double d = 0.0;
      for (double g : gains) d += std::log2(1.0 + std::fmax(mid - 1.0 / g, 0.0) * g);
      (d < bits ? lo : hi) = mid;
    }
    EXPECT_NEAR(mu, lo, 1e-9 * lo) << bits;
    for (int j = 0; j < 4; ++j) EXPECT_EQ(j < active, mu > 1.0 / gains[j]) << bits << " " << j;
  }
}

TEST(GreedyJscc, TakesTheBestGainsUnderC1AndC2) {
  // 2 UEs, 2 SCs, 2 slots, 1 option, D = 1 each. UE0's best is (n0, t0) = 9; UE1's best is the
  // same resource (8), so it takes its next best free one that respects C1: (n1, t0) = 7.
  Instance inst = testing::hand_instance(2, 2, 2, 1, {1, 1});
  inst.gain_per_watt[inst.knt(0, 0, 0)] = 9;
  inst.gain_per_watt[inst.knt(1, 0, 0)] = 8;
  inst.gain_per_watt[inst.knt(1, 1, 0)] = 7;
  inst.gain_per_watt[inst.knt(1, 1, 1)] = 1;
  SolverInputs in;
  in.options.greedy_rho = 1.0 / 40;
  const Solution sol = solve(Algorithm::GreedyJscc, inst, in);
  ASSERT_EQ(sol.status, SolveStatus::Feasible) << sol.reason;
  EXPECT_EQ(sol.assigned_ue[0 * 2 + 0], 0);
  EXPECT_EQ(sol.assigned_ue[1 * 2 + 0], 1);
  const double gamma = testing::gamma_lin(inst, in.quality, 0, 0);
  EXPECT_NEAR(sol.total_power_w, gamma / 9 + gamma / 7, 1e-12);
  EXPECT_TRUE(check_solution(inst, in.quality, nullptr, sol).ok());
}

TEST(GreedyJscc, MovesToTheNextLargerOptionWhenRhoCannotReachXi) {
  Instance inst = testing::hand_instance(1, 1, 4, 2, {1, 2});  // ratios 1/40, 1/20
  for (int t = 0; t < 4; ++t) inst.gain_per_watt[inst.knt(0, 0, t)] = 3;
  inst.ssim_requirement[0] = 0.71;  // above 1/40's ceiling 0.70, below 1/20's
  SolverInputs in;
  in.options.greedy_rho = 1.0 / 40;
  const Solution sol = solve(Algorithm::GreedyJscc, inst, in);
  ASSERT_EQ(sol.status, SolveStatus::Feasible) << sol.reason;
  EXPECT_EQ(sol.option[0], 1);
  EXPECT_EQ(sol.resources[0], 2);
}

TEST(GreedyJpeg, WaterFillsOverTheAssociatedResources) {
  // One UE, one SC, 3 slots with gains 4, 2, 1. Quality index 1 (SSIM 0.68) for ξ = 0.6.
  Instance inst = testing::hand_instance(1, 1, 3, 1, {1});
  const double g[] = {4, 2, 1};
  for (int t = 0; t < 3; ++t) inst.gain_per_watt[inst.knt(0, 0, t)] = g[t];
  const JpegTable table = testing::hand_jpeg_table();
  inst.images[0] = 3.0 * 4e6 / table.mean_bits_file[1];  // 3 bits per symbol to deliver
  SolverInputs in;
  in.jpeg = &table;
  const Solution sol = solve(Algorithm::GreedyJpeg, inst, in);
  ASSERT_EQ(sol.status, SolveStatus::Feasible) << sol.reason;
  EXPECT_EQ(sol.option[0], 1);
  // By hand: one active, log2 μ = 3 − log2 4 = 1, μ = 2 > 1/g2 = 0.5: add the second;
  // two active, log2 μ = (3 − log2 8)/2 = 0, μ = 1 <= 1/g3 = 1: stop. p = (1 − 1/4) + (1 − 1/2).
  const JpegTableView view = make_view(table, JpegRateBasis::File);
  EXPECT_TRUE(check_solution(inst, in.quality, &view, sol).ok()) << check_solution(inst, in.quality, &view, sol).summary();
  EXPECT_NEAR(sol.total_power_w, (1.0 - 0.25) + (1.0 - 0.5), 1e-12);
  EXPECT_EQ(sol.resources[0], 2);
}

TEST(GreedyJpeg, NoTableIsReportedNotCrashed) {
  const Instance inst = testing::small_instance(0);
  SolverInputs in;
  const Solution sol = solve(Algorithm::GreedyJpeg, inst, in);
  EXPECT_EQ(sol.status, SolveStatus::Unsolved);
  EXPECT_NE(sol.reason.find("JPEG"), std::string::npos);
}

}  // namespace
}  // namespace leosem

namespace leosem {
namespace {

// The scenario's [solvers] settings reach the solvers through make_solver_inputs.
TEST(SolverInputs, ScenarioSettingsReachTheSolvers) {
  const ScenarioConfig config = parse_scenario(
      "[users]\ncount = 2\ndeadline_mean_slots = 20\nimages_mean = 5000\n[radio]\nsubchannels = 2\n[time]\nslots = 40\n"
      "[solvers]\ngreedy_jscc_rho = 0.125\nmilp_time_limit_s = 3\njcrra_max_iterations = 7\n");
  const SolverInputs inputs = make_solver_inputs(config);
  EXPECT_DOUBLE_EQ(inputs.options.milp_time_limit_s, 3.0);
  EXPECT_EQ(inputs.options.jcrra.max_sca_iterations, 7);
  EXPECT_EQ(inputs.jpeg, &config.quality.jpeg_table);
  int solved = 0;
  for (uint32_t i = 0; i < 20; ++i) {
    const Instance inst = generate_instance(config.params, {config.seed, 0, i});
    const Solution s = solve(Algorithm::GreedyJscc, inst, inputs);
    if (s.status != SolveStatus::Feasible) continue;
    ++solved;
    for (int option : s.option) EXPECT_GE(option, 4) << "instance " << i;  // ρ_4 = 1/8
  }
  EXPECT_GT(solved, 0);
}

}  // namespace
}  // namespace leosem
