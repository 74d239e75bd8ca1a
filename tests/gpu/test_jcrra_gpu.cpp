// Block-cooperative JCRRA on the device against the host's jcrra_core (the same phases over a
// sequential team): identical feasibility and options on every instance, total power within
// 1e-6 dB; state in shared memory and, forced, in global memory; every device solution passes
// the independent checker. Needs a CUDA device (label gpu).
#include <gtest/gtest.h>

#include <cmath>

#include "cuda/jcrra_block.hpp"
#include "tests/solver_test_util.hpp"
#include "solvers/checker.hpp"

namespace leosem {
namespace {

Solution to_solution(const JcrraBlockSolution& s) {
  Solution sol;
  sol.scheme = Scheme::Jscc;
  sol.status = s.core.feasible ? SolveStatus::Feasible : SolveStatus::Infeasible;
  if (!s.core.feasible) return sol;
  sol.option = s.option;
  sol.resources = s.resources;
  sol.assigned_ue = s.assigned_ue;
  sol.power_w = s.power_w;
  for (double p : s.power_w) sol.total_power_w += p;
  return sol;
}

void expect_parity(const std::vector<Instance>& instances, bool force_global, bool expect_shared,
                   bool mixed_precision = false) {
  SolverInputs in;
  in.options.jcrra.mixed_precision = mixed_precision;
  JcrraOptions options = in.options.jcrra;
  options.base_option = option_index_for_ratio(instances.front(), in.options.greedy_rho);
  bool shared_used = false;
  const std::vector<JcrraBlockSolution> device =
      jcrra_block_solve(instances, in.quality, options, force_global, &shared_used);
  EXPECT_EQ(shared_used, expect_shared);
  int feasible = 0;
  for (size_t i = 0; i < instances.size(); ++i) {
    const Solution host = solve(Algorithm::Jcrra, instances[i], in);
    const Solution gpu = to_solution(device[i]);
    ASSERT_EQ(gpu.status, host.status) << "instance " << i;
    EXPECT_EQ(device[i].core.iterations, host.iterations) << "instance " << i;
    if (host.status != SolveStatus::Feasible) continue;
    ++feasible;
    EXPECT_EQ(gpu.option, host.option) << "instance " << i;
    EXPECT_LE(std::abs(10.0 * std::log10(gpu.total_power_w / host.total_power_w)), 1e-6) << "instance " << i;
    const CheckReport report = check_solution(instances[i], in.quality, nullptr, gpu);
    EXPECT_TRUE(report.ok()) << "instance " << i << ": " << report.summary();
  }
  EXPECT_GE(feasible, static_cast<int>(instances.size()) / 3);
}

// Small instances, one shape per batch.
std::vector<Instance> small_batch(int users, int subchannels, int slots, uint32_t seed, int count) {
  std::vector<Instance> batch;
  for (int i = 0; i < count; ++i) {
    ScenarioParams p = testing::small_params(static_cast<uint32_t>(i) * 5);  // unstressed variants
    p.users = users;
    p.subchannels = subchannels;
    p.slots = slots;
    p.bandwidth_hz = 4e6 * subchannels;
    p.deadline_mean_slots = 0.6 * slots;
    batch.push_back(generate_instance(p, {seed, 0, static_cast<uint32_t>(i)}));
  }
  return batch;
}

TEST(JcrraBlockGpu, SmallInstancesMatchTheHostInSharedAndGlobalMemory) {
  for (int shape = 0; shape < 4; ++shape) {
    const std::vector<Instance> batch = small_batch(1 + shape, 2 + shape, 20 + 7 * shape, 31 + shape, 40);
    expect_parity(batch, false, true);
    expect_parity(batch, true, false);
  }
}

// Whether the device can keep the default scenario's state on chip: 214 KB in FP64 (fits an
// H100/H200's 227 KB, not an A100's 163 KB), 137 KB mixed; the kernel must pick global memory
// by itself where it does not fit.
bool default_fits_shared(bool mixed_precision) {
  const ScenarioParams p = default_scenario_params();
  return jcrra_block_fits_shared(
      jcrra_block_shared_bytes(p.users, p.subchannels, p.slots, p.options, mixed_precision));
}

TEST(JcrraBlockGpu, DefaultScenarioMatchesTheHost) {
  std::vector<Instance> batch;
  for (uint32_t i = 0; i < 24; ++i) batch.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  expect_parity(batch, false, default_fits_shared(false));  // K·N·T = 19 200
  expect_parity(batch, true, false);
}

TEST(JcrraBlockGpu, MixedPrecisionMatchesTheHostsMixedPrecision) {
  std::vector<Instance> batch;
  for (uint32_t i = 0; i < 24; ++i) batch.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  expect_parity(batch, false, default_fits_shared(true), true);
  expect_parity(small_batch(3, 4, 30, 77, 40), true, false, true);
}

TEST(JcrraBlockGpu, InstancesTooLargeForSharedMemoryFallBackToGlobal) {
  ScenarioParams p = default_scenario_params();
  p.slots = 480;  // x alone is 307 KB
  std::vector<Instance> batch;
  for (uint32_t i = 0; i < 4; ++i) batch.push_back(generate_instance(p, {2, 0, i}));
  expect_parity(batch, false, false);
}

}  // namespace
}  // namespace leosem
