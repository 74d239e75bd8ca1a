// JCRRA: the projections it relies on, and its guarantees (never worse than Greedy JSCC,
// feasible whenever Greedy JSCC is, iterations reported).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scenario/config.hpp"
#include "solver_test_util.hpp"
#include "solvers/checker.hpp"
#include "solvers/jcrra.hpp"
#include "jcrra_test_util.hpp"
#include "team_test_util.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace leosem {
namespace {

using testing::DeferredTeam;
using testing::ScrambledTeam;

// The x-step's projection onto the capped simplex (the clip, or Michelot's iteration when the
// clipped sum is above 1, as pdhg_step does it) against a brute-force projection by bisection on
// θ, on random columns strided as in x[(k*N + n)*T + t]; unusable zeros stay zero.
TEST(Projection, CappedSimplexIsTheEuclideanProjection) {
  uint64_t state = 777;
  auto uniform = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  const auto clip = [](double y) { return std::fmin(std::fmax(y, 0.0), 1.0); };
  int active_cases = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const int n = 1 + trial % 12, stride = 1 + trial % 5;
    double y[12], strided[60] = {};
    bool zero[12];
    double clipped_sum = 0.0;
    for (int i = 0; i < n; ++i) {
      zero[i] = uniform() < 0.2;
      y[i] = zero[i] ? 0.0 : 3.0 * uniform() - 0.8;
      strided[i * stride] = y[i];
      clipped_sum += clip(y[i]);
    }
    const bool active = clipped_sum > 1.0;
    active_cases += active;
    if (active) project_simplex_michelot(strided, n, stride);
    else
      for (int i = 0; i < n; ++i) strided[i * stride] = clip(strided[i * stride]);
    double lo = 0.0, hi = 10.0;
    for (int it = 0; it < 200; ++it) {
      const double mid = 0.5 * (lo + hi);
      double sum = 0.0;
      for (int i = 0; i < n; ++i) sum += clip(y[i] - mid);
      (sum > 1.0 ? lo : hi) = mid;
    }
    const double theta = active ? hi : 0.0;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
      EXPECT_NEAR(strided[i * stride], clip(y[i] - theta), 1e-9) << trial;
      if (zero[i]) EXPECT_EQ(strided[i * stride], 0.0) << trial;
      sum += strided[i * stride];
    }
    EXPECT_LE(sum, 1.0 + 1e-12) << trial;
  }
  EXPECT_GE(active_cases, 500);  // the sum constraint must be active often
}

TEST(Projection, OptionSimplexKeepsUnreachableAtZero) {
  double s[4] = {0.9, 0.8, -0.3, 0.5};
  const double snr[4] = {-1.0, 2.0, 3.0, 4.0};  // option 0 unreachable
  project_option_simplex(s, snr, 4);
  EXPECT_EQ(s[0], 0.0);
  EXPECT_NEAR(s[1] + s[2] + s[3], 1.0, 1e-12);
  for (double v : s) EXPECT_GE(v, 0.0);
}


using testing::TeamRun;
using testing::run_team;

template <class Team>
void expect_same_as_sequential() {
  SolverInputs in;
  std::vector<Instance> instances;
  for (uint32_t i = 0; i < 40; ++i) instances.push_back(testing::small_instance(i));
  for (uint32_t i = 0; i < 2; ++i) instances.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  int feasible = 0;
  for (size_t i = 0; i < instances.size(); ++i) {
    const TeamRun sequential = run_team<SequentialTeam>(instances[i], in, -7.0);
    const TeamRun scrambled = run_team<Team>(instances[i], in, 12345.0);
    ASSERT_EQ(sequential.result.feasible, scrambled.result.feasible) << i;
    EXPECT_EQ(sequential.result.iterations, scrambled.result.iterations) << i;
    if (!sequential.result.feasible) continue;
    ++feasible;
    EXPECT_EQ(sequential.result.total_power_w, scrambled.result.total_power_w) << i;  // bitwise
    EXPECT_EQ(sequential.option, scrambled.option) << i;
    EXPECT_EQ(sequential.assigned_ue, scrambled.assigned_ue) << i;
    EXPECT_EQ(sequential.power_w, scrambled.power_w) << i;
  }
  EXPECT_GE(feasible, 25);
}

TEST(JcrraTeam, ResultsDoNotDependOnTheOrderOfItemsWithinAPhase) { expect_same_as_sequential<ScrambledTeam>(); }

TEST(JcrraTeam, EveryDependencyBetweenPhasesHasABarrier) { expect_same_as_sequential<DeferredTeam>(); }

// The rounding's cooperative sort gives exactly the order of sort_before (keys descending,
// ties by index, as std::sort gives it) for every team, on lengths around the run and segment boundaries and with
// many ties.
template <class Team>
void expect_team_sort_matches_heap_sort() {
  uint64_t state = 99;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int count : {0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 4801}) {
    for (int distinct : {3, 1 << 20}) {
      const int size = count + 17;  // indices spread over a larger array, as the rounding's are
      std::vector<double> key(static_cast<size_t>(size));
      for (double& k : key) k = static_cast<double>(next() % static_cast<uint64_t>(distinct)) - 1.5;
      std::vector<int> index, expected;
      for (int i = 0; i < size && static_cast<int>(index.size()) < count; ++i)
        if (next() % 8 != 0 || size - i <= count - static_cast<int>(index.size())) index.push_back(i);
      expected = index;
      std::sort(expected.begin(), expected.end(), [&](int a, int b) { return sort_before(key.data(), a, b); });
      std::vector<int> buffer(static_cast<size_t>(count) + 1, -1);
      index.push_back(-1);
      const int* sorted = team_sort_descending(Team(), index.data(), buffer.data(), count, key.data());
      EXPECT_EQ(std::vector<int>(sorted, sorted + count), expected) << "count " << count << ", distinct " << distinct;
      // The same order from the pair sort (keys carried beside the indices, as the rounding does).
      std::vector<int> pair_index(index.begin(), index.begin() + count), pair_buffer(static_cast<size_t>(count));
      std::vector<double> pair_key(static_cast<size_t>(count)), key_buffer(static_cast<size_t>(count));
      for (int i = 0; i < count; ++i) pair_key[i] = key[index[i]];
      const bool in_place = team_sort_pairs_descending(Team(), pair_key.data(), pair_index.data(), key_buffer.data(),
                                                       pair_buffer.data(), count);
      EXPECT_EQ(in_place ? pair_index : pair_buffer, expected) << "pairs: count " << count << ", distinct " << distinct;
    }
  }
}

TEST(JcrraTeam, CooperativeSortMatchesTheHeapSort) {
  expect_team_sort_matches_heap_sort<SequentialTeam>();
  expect_team_sort_matches_heap_sort<ScrambledTeam>();
  expect_team_sort_matches_heap_sort<DeferredTeam>();
}

// Mixed precision (x stored in FP32): on random small instances as often feasible as FP64,
// checker-clean, never worse than Greedy JSCC, and its power close to FP64's (the measured
// difference is printed; the bound is on the mean, since a rounding decision may flip).
TEST(Jcrra, MixedPrecisionAgreesWithFp64) {
  SolverInputs fp64, mixed;
  mixed.options.jcrra.mixed_precision = true;
  int compared = 0, identical = 0;
  double sum_abs_db = 0.0, max_abs_db = 0.0;
  for (uint32_t i = 0; i < 80; ++i) {
    const Instance inst = testing::small_instance(i);
    const Solution a = solve(Algorithm::Jcrra, inst, fp64), b = solve(Algorithm::Jcrra, inst, mixed);
    ASSERT_EQ(a.status, b.status) << i << ": " << a.reason << " / " << b.reason;
    if (b.status != SolveStatus::Feasible) continue;
    EXPECT_TRUE(check_solution(inst, mixed.quality, nullptr, b).ok()) << i;
    const Solution greedy = solve(Algorithm::GreedyJscc, inst, fp64);
    if (greedy.status == SolveStatus::Feasible) EXPECT_LE(b.total_power_w, greedy.total_power_w * (1.0 + 1e-12)) << i;
    if (a.total_power_w <= 0.0) continue;
    const double diff_db = std::fabs(10.0 * std::log10(b.total_power_w / a.total_power_w));
    ++compared;
    identical += diff_db == 0.0;
    sum_abs_db += diff_db;
    max_abs_db = std::fmax(max_abs_db, diff_db);
  }
  // The FP32 path is really taken: it leaves the second half of ws.x alone.
  const Instance inst = generate_instance(default_scenario_params(), {1, 0, 0});
  EXPECT_EQ(run_team<SequentialTeam>(inst, mixed, 12345.0).x_last, 12345.0);
  EXPECT_NE(run_team<SequentialTeam>(inst, fp64, 12345.0).x_last, 12345.0);
  std::printf("mixed vs fp64 on %d instances: identical %d, mean |diff| %.2e dB, max %.2e dB\n", compared, identical,
              compared ? sum_abs_db / compared : 0.0, max_abs_db);
  EXPECT_GE(compared, 40);
  EXPECT_LE(sum_abs_db / compared, 0.01);
}

TEST(Jcrra, NeverWorseThanGreedyAndReportsIterations) {
  SolverInputs in;
  int improved = 0, compared = 0;
  for (uint32_t i = 0; i < 60; ++i) {
    const Instance inst = testing::small_instance(i);
    const Solution greedy = solve(Algorithm::GreedyJscc, inst, in);
    const Solution jcrra = solve(Algorithm::Jcrra, inst, in);
    if (greedy.status != SolveStatus::Feasible) continue;
    ASSERT_EQ(jcrra.status, SolveStatus::Feasible) << i << ": " << jcrra.reason;
    EXPECT_TRUE(check_solution(inst, in.quality, nullptr, jcrra).ok());
    EXPECT_LE(jcrra.total_power_w, greedy.total_power_w * (1.0 + 1e-12)) << i;
    EXPECT_GE(jcrra.iterations, 1);
    EXPECT_LE(jcrra.iterations, in.options.jcrra.max_sca_iterations);
    ++compared;
    if (jcrra.total_power_w < 0.999 * greedy.total_power_w) ++improved;
  }
  EXPECT_GE(compared, 30);
  EXPECT_GE(improved, compared / 2);  // JCRRA must actually optimise, not just copy the greedy
}

TEST(Jcrra, FindsSolutionsWhereGreedyRunsOutOfResources) {
  // One UE, one SC, 3 slots: at ρ = 1/20 it needs 4 resources (infeasible), at 1/40 only 2.
  Instance inst = testing::hand_instance(1, 1, 3, 2, {2, 4});
  for (int t = 0; t < 3; ++t) inst.gain_per_watt[inst.knt(0, 0, t)] = 2.0 + t;
  SolverInputs in;
  in.options.greedy_rho = 1.0 / 20;
  EXPECT_EQ(solve(Algorithm::GreedyJscc, inst, in).status, SolveStatus::Infeasible);
  const Solution sol = solve(Algorithm::Jcrra, inst, in);
  ASSERT_EQ(sol.status, SolveStatus::Feasible) << sol.reason;
  EXPECT_EQ(sol.option[0], 0);
  EXPECT_EQ(sol.resources[0], 2);
  EXPECT_TRUE(check_solution(inst, in.quality, nullptr, sol).ok());
}

TEST(Jcrra, FindsTheEarliestDeadlineAssignmentWhereGainOrderFails) {
  // Two UEs, one SC, two slots, one resource each. UE 0 may use slot 0 only; UE 1 has the better
  // gain there, so every gain-ordered assignment gives slot 0 to UE 1 and leaves UE 0 without.
  Instance inst = testing::hand_instance(2, 1, 2, 2, {1, 1, 1, 1});
  inst.deadline_slots = {1, 2};
  inst.gain_per_watt[inst.knt(0, 0, 0)] = 1.0;
  inst.gain_per_watt[inst.knt(1, 0, 0)] = 5.0;
  inst.gain_per_watt[inst.knt(1, 0, 1)] = 2.0;
  SolverInputs in;
  EXPECT_EQ(solve(Algorithm::GreedyJscc, inst, in).status, SolveStatus::Infeasible);
  ASSERT_EQ(solve(Algorithm::Exact, inst, in).status, SolveStatus::Optimal);
  const Solution sol = solve(Algorithm::Jcrra, inst, in);
  ASSERT_EQ(sol.status, SolveStatus::Feasible) << sol.reason;
  EXPECT_EQ(sol.assigned_ue[0 * 2 + 0], 0);  // resource (n = 0, t = 0)
  EXPECT_EQ(sol.assigned_ue[0 * 2 + 1], 1);
  EXPECT_TRUE(check_solution(inst, in.quality, nullptr, sol).ok());
}

}  // namespace
}  // namespace leosem
