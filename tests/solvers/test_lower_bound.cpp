// The certified lower bound (MODEL §7.5, solvers/lower_bound.hpp): never above CBC's optimum or
// any feasible solution; equal to the optimum where the LP is integral; infeasible instances get a
// proof or a valid bound, never a wrong number; the same bits on every team order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "scenario/config.hpp"
#include "solver_test_util.hpp"
#include "solvers/lower_bound.hpp"
#include "team_test_util.hpp"

namespace leosem {
namespace {

// Values with many ties and some infinities, and an index m into them.
std::vector<double> random_selection_input(std::mt19937& rng, int& m) {
  const int count = 1 + static_cast<int>(rng() % 60);
  std::vector<double> a(count);
  for (double& x : a) {
    const unsigned r = rng() % 10;
    x = r == 0 ? HUGE_VAL : static_cast<double>(rng() % 8);
  }
  m = static_cast<int>(rng() % count);
  return a;
}

// `selected` (a selection of `a` around m) is a permutation of `a` whose first m + 1 entries are
// the m + 1 smallest, with the (m + 1)-th smallest at m.
void expect_selected(const std::vector<double>& a, std::vector<double> selected, int m, int trial) {
  std::vector<double> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> head(selected.begin(), selected.begin() + m + 1);
  std::sort(head.begin(), head.end());
  ASSERT_EQ(head, std::vector<double>(sorted.begin(), sorted.begin() + m + 1)) << trial;
  ASSERT_EQ(selected[m], sorted[m]) << trial;
  std::sort(selected.begin(), selected.end());
  ASSERT_EQ(selected, sorted) << trial;  // a permutation
}

TEST(LowerBoundSelect, TheFirstEntriesAreTheSmallest) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    int m = 0;
    const std::vector<double> a = random_selection_input(rng, m);
    std::vector<double> selected = a;
    select_smallest(selected.data(), static_cast<int>(a.size()), m);
    expect_selected(a, selected, m, trial);
  }
}

// The warm-started selection, with guesses below, inside, at and above the values.
TEST(LowerBoundSelect, NearAGuessTheFirstEntriesAreTheSmallest) {
  std::mt19937 rng(6);
  for (int trial = 0; trial < 4000; ++trial) {
    int m = 0;
    const std::vector<double> a = random_selection_input(rng, m);
    const unsigned h = rng() % 12;
    const double hint = h == 11 ? HUGE_VAL : h == 10 ? -HUGE_VAL : static_cast<double>(h) - 0.5 * (h % 2);
    std::vector<double> selected = a;
    select_smallest_near(selected.data(), static_cast<int>(a.size()), m, hint);
    expect_selected(a, selected, m, trial);
  }
}

bool solved(const Solution& s) { return s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible; }

// Random small instances (tests/solver_test_util.hpp, every 5th stressed towards infeasibility)
// and, for each feasible one, a copy whose per-slot budget is cut to 80 % of the largest slot
// power of JCRRA's solution, so that the budget's multipliers are exercised.
TEST(LowerBound, NeverAboveTheOptimumOrAnyFeasibleSolution) {
  SolverInputs inputs;
  inputs.options.milp_time_limit_s = 20.0;
  int compared = 0, binding = 0, proven_optimal = 0, infeasible = 0, infeasible_proven = 0, within_tol = 0;
  double worst_ratio = 0.0, gap_sum_db = 0.0, gap_max_db = 0.0;
  for (uint32_t i = 0; i < 320; ++i) {
    std::vector<Instance> cases{testing::small_instance(i)};
    for (size_t c = 0; c < cases.size(); ++c) {
      const Instance inst = cases[c];  // a copy: push_back below may move the vector
      const Solution greedy = solve(Algorithm::GreedyJscc, inst, inputs);
      const Solution jcrra = solve(Algorithm::Jcrra, inst, inputs);
      if (c == 0 && solved(jcrra) && i % 2 == 0) {  // the budget-cut copy, solved next
        double largest_w = 0.0;
        for (int t = 0; t < inst.slots; ++t) {
          double slot_w = 0.0;
          for (int n = 0; n < inst.subchannels; ++n) slot_w += jcrra.power_w[n * inst.slots + t];
          largest_w = std::max(largest_w, slot_w);
        }
        Instance cut = inst;
        cut.params.max_power_w = 0.8 * largest_w;
        cases.push_back(cut);
        ++binding;
      }
      const Solution exact = solve(Algorithm::Exact, inst, inputs);
      ASSERT_TRUE(exact.status == SolveStatus::Optimal || exact.status == SolveStatus::Infeasible)
          << "instance " << i << ": " << exact.reason;
      // With JCRRA's power as the Polyak target when it has one, else none (odd instances use none).
      const double upper_w = solved(jcrra) && i % 3 != 1 ? jcrra.total_power_w : 0.0;
      const LowerBoundResult b = compute_lower_bound(inst, inputs.quality, upper_w);
      SCOPED_TRACE("instance " + std::to_string(i) + " P_max " + std::to_string(inst.params.max_power_w));
      EXPECT_GE(b.iterations, 1);
      EXPECT_GE(b.bound_w, 0.0);
      for (const Solution* s : {&greedy, &jcrra}) {
        if (!solved(*s)) continue;
        EXPECT_NE(b.status, BoundStatus::Infeasible);
        EXPECT_LE(b.bound_w, s->total_power_w * (1.0 + 1e-9));
      }
      if (exact.status == SolveStatus::Infeasible) {
        ++infeasible;
        EXPECT_NE(b.status, BoundStatus::Optimal);
        infeasible_proven += b.status == BoundStatus::Infeasible;
        continue;
      }
      ++compared;
      const double opt_w = exact.total_power_w;
      EXPECT_NE(b.status, BoundStatus::Infeasible);
      EXPECT_LE(b.bound_w, opt_w * (1.0 + 1e-9));
      if (opt_w > 0.0) worst_ratio = std::max(worst_ratio, b.bound_w / opt_w - 1.0);
      if (b.status == BoundStatus::Optimal) {
        ++proven_optimal;
        EXPECT_GE(b.bound_w, opt_w * (1.0 - 1e-9));  // the relaxed plan is an optimal solution
      }
      if (opt_w > 0.0 && b.bound_w > 0.0) {
        const double gap_db = 10.0 * std::log10(opt_w / b.bound_w);
        gap_sum_db += gap_db;
        gap_max_db = std::max(gap_max_db, gap_db);
        within_tol += gap_db < 0.01;
      }
    }
  }
  std::printf("compared %d (budget cut %d): bound proves the optimum on %d, within 0.01 dB on %d; gap to the "
              "optimum mean %.5f dB, max %.5f dB; largest bound/optimum - 1: %.3g\n",
              compared, binding, proven_optimal, within_tol, compared ? gap_sum_db / compared : 0.0, gap_max_db,
              worst_ratio);
  std::printf("CBC-infeasible %d, proven infeasible by the bound %d\n", infeasible, infeasible_proven);
  EXPECT_GE(compared, 300);
  EXPECT_GE(binding, 50);
  EXPECT_GE(infeasible, 20);
  EXPECT_GE(proven_optimal, compared / 2);  // the bound is sharp, not only valid
}

// Two UEs, one SC, both best in slot 0: the assignment LP is integral, so the best multiplier
// (λ on slot 0 = the cost difference) reaches the optimum Γ/10 + Γ/5.
TEST(LowerBound, EqualsTheOptimumWhereTheLpIsIntegral) {
  Instance inst = testing::hand_instance(2, 1, 3, 1, {1, 1});
  const double g0[3] = {10.0, 5.0, 1.0}, g1[3] = {10.0, 1.0, 5.0};
  for (int t = 0; t < 3; ++t) {
    inst.gain_per_watt[inst.knt(0, 0, t)] = g0[t];
    inst.gain_per_watt[inst.knt(1, 0, t)] = g1[t];
  }
  const QualityModel q;
  const double gamma = testing::gamma_lin(inst, q, 0, 0);
  ASSERT_EQ(gamma, testing::gamma_lin(inst, q, 1, 0));
  const double opt_w = gamma / 10.0 + gamma / 5.0;
  const Solution exact = solve(Algorithm::Exact, inst, SolverInputs());
  ASSERT_EQ(exact.status, SolveStatus::Optimal);
  EXPECT_NEAR(exact.total_power_w, opt_w, 1e-12 * opt_w);
  for (double upper_w : {opt_w, 2.0 * opt_w, 0.0}) {
    const LowerBoundResult b = compute_lower_bound(inst, q, upper_w);
    SCOPED_TRACE("upper bound " + std::to_string(upper_w));
    EXPECT_LE(b.bound_w, opt_w);
    EXPECT_GE(b.bound_w, opt_w * (1.0 - 1e-9));
    EXPECT_NE(b.status, BoundStatus::Infeasible);
  }
  // At λ = 0 (one evaluation) the bound is only 2Γ/10: the multiplier is what closes the gap.
  LowerBoundOptions one;
  one.max_iterations = 1;
  EXPECT_NEAR(compute_lower_bound(inst, q, opt_w, one).bound_w, 2.0 * gamma / 10.0, 1e-9 * opt_w);
}

// Random assignment problems (K UEs, one SC, K slots, one resource each): integral LPs, so the
// bound must close on the optimum (the brute-force minimum over permutations).
TEST(LowerBound, ClosesOnRandomAssignmentProblems) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> gain(1.0, 20.0);
  const QualityModel q;
  int closed = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const int K = 2 + trial % 4;
    Instance inst = testing::hand_instance(K, 1, K, 1, std::vector<int>(K, 1));
    for (int k = 0; k < K; ++k)
      for (int t = 0; t < K; ++t) inst.gain_per_watt[inst.knt(k, 0, t)] = gain(rng);
    const double gamma = testing::gamma_lin(inst, q, 0, 0);
    std::vector<int> perm(K);
    for (int k = 0; k < K; ++k) perm[k] = k;
    double opt_w = HUGE_VAL;
    do {
      double w = 0.0;
      for (int k = 0; k < K; ++k) w += gamma / inst.gain_per_watt[inst.knt(k, 0, perm[k])];
      opt_w = std::min(opt_w, w);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const LowerBoundResult b = compute_lower_bound(inst, q, opt_w);
    EXPECT_LE(b.bound_w, opt_w * (1.0 + 1e-12)) << trial;
    EXPECT_GE(b.bound_w, opt_w * (1.0 - 1e-6)) << trial;
    closed += b.bound_w >= opt_w * (1.0 - 1e-9);
  }
  std::printf("assignment problems closed to 1e-9: %d of 40\n", closed);
}

// Infeasible by construction: a proof, never a number that claims a solution exists.
TEST(LowerBound, ProvesInfeasibility) {
  const QualityModel q;
  {  // UE 1 needs 3 resources but has 2 usable slots (C2: one SC per slot).
    Instance inst = testing::hand_instance(2, 2, 4, 1, {1, 3});
    for (int n = 0; n < 2; ++n)
      for (int t = 0; t < 4; ++t) inst.gain_per_watt[inst.knt(0, n, t)] = 5.0;
    for (int n = 0; n < 2; ++n)
      for (int t = 0; t < 2; ++t) inst.gain_per_watt[inst.knt(1, n, t)] = 5.0;
    EXPECT_EQ(solve(Algorithm::Exact, inst, SolverInputs()).status, SolveStatus::Infeasible);
    const LowerBoundResult b = compute_lower_bound(inst, q, 0.0);
    EXPECT_EQ(b.status, BoundStatus::Infeasible);
    EXPECT_EQ(b.reason_ue, 1);
  }
  {  // One slot, two UEs on two SCs, each alone within P_max, together 1.2 P_max.
    Instance inst = testing::hand_instance(2, 2, 1, 1, {1, 1});
    const double gamma = testing::gamma_lin(inst, q, 0, 0);
    inst.params.max_power_w = 1.0;
    for (int k = 0; k < 2; ++k)
      for (int n = 0; n < 2; ++n) inst.gain_per_watt[inst.knt(k, n, 0)] = gamma / 0.6;  // p = 0.6 W
    EXPECT_EQ(solve(Algorithm::Exact, inst, SolverInputs()).status, SolveStatus::Infeasible);
    const LowerBoundResult b = compute_lower_bound(inst, q, 0.0);
    EXPECT_EQ(b.status, BoundStatus::Infeasible);
    EXPECT_EQ(b.reason_ue, -1);  // the budget, not a UE alone
    EXPECT_EQ(b.iterations, 1);  // L(0) = 1.2 W > P_max × 1 usable slot
  }
}

// `exact` records the better of CBC's bound and ours: a time-limited Feasible result whose power
// the bound meets becomes Optimal, an Unsolved one the bound proves infeasible becomes Infeasible.
TEST(LowerBound, StrengthensTheExactSolversResult) {
  const QualityModel q;
  {
    Instance inst = testing::hand_instance(2, 1, 3, 1, {1, 1});
    const double g0[3] = {10.0, 5.0, 1.0}, g1[3] = {10.0, 1.0, 5.0};
    for (int t = 0; t < 3; ++t) {
      inst.gain_per_watt[inst.knt(0, 0, t)] = g0[t];
      inst.gain_per_watt[inst.knt(1, 0, t)] = g1[t];
    }
    Solution sol = solve(Algorithm::Exact, inst, SolverInputs());
    ASSERT_EQ(sol.status, SolveStatus::Optimal);
    sol.status = SolveStatus::Feasible;  // as if CBC had stopped at its time limit without a bound
    sol.lower_bound_w = -1.0;
    strengthen_with_lower_bound(sol, inst, q);
    EXPECT_EQ(sol.status, SolveStatus::Optimal);
    EXPECT_NE(sol.reason.find("Lagrangian"), std::string::npos) << sol.reason;
    EXPECT_LE(sol.lower_bound_w, sol.total_power_w);
    EXPECT_LE(sol.optimality_gap, 1e-9);
  }
  {
    Instance inst = testing::hand_instance(2, 2, 1, 1, {1, 1});  // 1.2 P_max in one slot
    inst.params.max_power_w = 1.0;
    const double gamma = testing::gamma_lin(inst, q, 0, 0);
    for (int k = 0; k < 2; ++k)
      for (int n = 0; n < 2; ++n) inst.gain_per_watt[inst.knt(k, n, 0)] = gamma / 0.6;
    Solution sol;
    sol.status = SolveStatus::Unsolved;
    sol.reason = "no solution found within the time limit";
    strengthen_with_lower_bound(sol, inst, q);
    EXPECT_EQ(sol.status, SolveStatus::Infeasible);
    EXPECT_NE(sol.reason.find("P_max"), std::string::npos) << sol.reason;
  }
  {  // A paper-size instance at 0.5 s: whatever CBC reaches, our bound is recorded if better.
    const Instance inst = generate_instance(default_scenario_params(), {1, 0, 0});
    SolverInputs in;
    in.options.milp_time_limit_s = 0.5;
    const Solution sol = solve(Algorithm::Exact, inst, in);
    const double upper_w = sol.status == SolveStatus::Optimal || sol.status == SolveStatus::Feasible ? sol.total_power_w : 0.0;
    const LowerBoundResult b = compute_lower_bound(inst, q, upper_w);
    ASSERT_NE(b.status, BoundStatus::Infeasible);
    EXPECT_GE(sol.lower_bound_w, upper_w > 0.0 ? std::min(b.bound_w, upper_w) : b.bound_w);
  }
}

// The "lower-bound" algorithm (what sweeps store): the bound computed on its own, as a Solution.
TEST(LowerBound, AsAnAlgorithm) {
  SolverInputs inputs;
  int statuses[3] = {0, 0, 0};
  for (uint32_t i = 0; i < 40; ++i) {
    const Instance inst = testing::small_instance(i);
    const Solution s = solve(Algorithm::LowerBound, inst, inputs);
    const LowerBoundResult b = compute_lower_bound(inst, inputs.quality, 0.0);
    EXPECT_EQ(s.iterations, b.iterations) << i;
    EXPECT_TRUE(s.assigned_ue.empty() && s.option.empty()) << i;  // not a solution
    EXPECT_FALSE(s.reason.empty()) << i;
    switch (b.status) {
      case BoundStatus::Optimal: EXPECT_EQ(s.status, SolveStatus::Optimal) << i; ++statuses[0]; break;
      case BoundStatus::Bound: EXPECT_EQ(s.status, SolveStatus::Feasible) << i; ++statuses[1]; break;
      case BoundStatus::Infeasible: EXPECT_EQ(s.status, SolveStatus::Infeasible) << i; ++statuses[2]; break;
    }
    if (b.status != BoundStatus::Infeasible) EXPECT_EQ(s.total_power_w, b.bound_w) << i;
  }
  EXPECT_GT(statuses[0], 0);
  EXPECT_GT(statuses[2], 0);
  EXPECT_EQ(parse_algorithm("lower-bound"), Algorithm::LowerBound);
}

// The stall stop (LowerBoundOptions::stall_iterations): it only ends the ascent early, so the
// stalled result is the full ascent's result after as many iterations, bit for bit (hence as
// valid); it fires only once the bound has risen by at most stall_tolerance over the last
// stall_iterations; and on these instances (bench_lower_bound's most contended set, no target:
// ~55 iterations without it) it does fire.
TEST(LowerBound, StallStopEndsTheAscentOnlyWhereTheBoundStalled) {
  const QualityModel q;
  ScenarioParams contended = default_scenario_params();
  contended.users = 10;
  contended.subchannels = 4;
  contended.slots = 80;
  contended.images_mean = 100000.0;
  contended.bandwidth_hz = 4e6 * contended.subchannels;
  for (const double tolerance : {1e-3, 1e-5}) {
    LowerBoundOptions stall;
    stall.stall_iterations = 5;
    stall.stall_tolerance = tolerance;
    int stopped_early = 0;
    for (uint32_t i = 0; i < 6; ++i) {
      const Instance inst = generate_instance(contended, {1, 0, i});
      SCOPED_TRACE("instance " + std::to_string(i) + ", tolerance " + std::to_string(tolerance));
      const LowerBoundResult full = compute_lower_bound(inst, q, 0.0);
      const LowerBoundResult stalled = compute_lower_bound(inst, q, 0.0, stall);
      ASSERT_LE(stalled.iterations, full.iterations);
      LowerBoundOptions prefix;
      prefix.max_iterations = stalled.iterations;
      const LowerBoundResult same = compute_lower_bound(inst, q, 0.0, prefix);
      EXPECT_EQ(stalled.bound_w, same.bound_w);  // bitwise
      EXPECT_EQ(stalled.relaxed_w, same.relaxed_w);
      EXPECT_EQ(stalled.status, same.status);
      EXPECT_LE(stalled.bound_w, full.bound_w);
      if (stalled.iterations == full.iterations) continue;
      ++stopped_early;
      EXPECT_EQ(stalled.status, BoundStatus::Bound);
      ASSERT_GT(stalled.iterations, stall.stall_iterations);
      prefix.max_iterations = stalled.iterations - stall.stall_iterations;
      const double before_w = compute_lower_bound(inst, q, 0.0, prefix).bound_w;
      EXPECT_LE(stalled.bound_w, before_w * (1.0 + tolerance));
    }
    std::printf("stall stop (%d iterations, %g): %d of 6 ascents ended early\n", stall.stall_iterations, tolerance,
                stopped_early);
    EXPECT_GE(stopped_early, 3) << "the stall stop should end most of these ascents early";
  }
}

// Pruning (LowerBoundOptions::prune_options) skips only options that cannot be a UE's minimum, and
// option values are summed in slot order whatever the selection did: the ascent is the same bit
// for bit with and without it, with and without a target, budget binding or not.
TEST(LowerBound, PruningOptionsChangesNoBit) {
  const QualityModel q;
  std::vector<Instance> instances;
  for (uint32_t i = 0; i < 30; ++i) instances.push_back(testing::small_instance(i));
  ScenarioParams contended = default_scenario_params();
  contended.users = 10;
  contended.subchannels = 4;
  contended.slots = 80;
  contended.images_mean = 100000.0;
  for (uint32_t i = 0; i < 4; ++i) {
    instances.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
    instances.push_back(generate_instance(contended, {1, 0, i}));  // B = 40 MHz: contended
  }
  for (uint32_t i = 0; i < 10; i += 3) {  // a binding budget: ν moves too
    Instance cut = testing::small_instance(i);
    cut.params.max_power_w *= 1e-3;
    instances.push_back(cut);
  }
  LowerBoundOptions all;
  all.prune_options = false;
  int moved = 0;
  for (size_t i = 0; i < instances.size(); ++i)
    for (const double upper_w : {0.0, 1e3}) {
      SCOPED_TRACE("instance " + std::to_string(i) + ", target " + std::to_string(upper_w));
      const LowerBoundResult pruned = compute_lower_bound(instances[i], q, upper_w);
      const LowerBoundResult every = compute_lower_bound(instances[i], q, upper_w, all);
      EXPECT_EQ(pruned.status, every.status);
      EXPECT_EQ(pruned.bound_w, every.bound_w);  // bitwise
      EXPECT_EQ(pruned.relaxed_w, every.relaxed_w);
      EXPECT_EQ(pruned.iterations, every.iterations);
      moved += every.iterations > 1;
    }
  EXPECT_GE(moved, 20);  // the comparison covers ascents, where pruning can act
}

using testing::HostCarver;

// The workspace filled with `garbage` first: the bound must initialise whatever it reads.
template <class Team>
LowerBoundResult bound_on_team(const Instance& inst, double upper_w, double garbage,
                               const LowerBoundOptions& options = LowerBoundOptions()) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  HostCarver counter;
  carve_lower_bound_workspace(K, N, T, L, counter);
  HostCarver carver;
  carver.doubles.assign(counter.used_doubles, garbage);
  carver.ints.assign(counter.used_ints, static_cast<int>(garbage));
  const LowerBoundWorkspace ws = carve_lower_bound_workspace(K, N, T, L, carver);
  const std::vector<double> snr = required_snr_table(inst, QualityModel());
  const Team team;
  return lower_bound_team(team, make_instance_view(inst), snr.data(), upper_w, options, ws);
}

template <class Team>
void expect_bound_same_as_sequential() {
  std::vector<Instance> instances;
  for (uint32_t i = 0; i < 40; ++i) instances.push_back(testing::small_instance(i));
  for (uint32_t i = 0; i < 2; ++i) instances.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  Instance cut = testing::small_instance(3);  // a binding budget: ν moves too
  cut.params.max_power_w *= 1e-3;
  instances.push_back(cut);
  LowerBoundOptions stall;  // the stall stop on (3 iterations, 1e-3): it fires on some
  stall.stall_iterations = 3;
  stall.stall_tolerance = 1e-3;
  int moved = 0;
  for (size_t i = 0; i < instances.size(); ++i)
    for (double upper_w : {0.0, 1e3, -1.0}) {
      const LowerBoundOptions options = upper_w < 0.0 ? stall : LowerBoundOptions();
      const LowerBoundResult a = bound_on_team<SequentialTeam>(instances[i], upper_w, -7.0, options);
      const LowerBoundResult b = bound_on_team<Team>(instances[i], upper_w, 12345.0, options);
      EXPECT_EQ(a.status, b.status) << i;
      EXPECT_EQ(a.bound_w, b.bound_w) << i;  // bitwise
      EXPECT_EQ(a.relaxed_w, b.relaxed_w) << i;
      EXPECT_EQ(a.iterations, b.iterations) << i;
      EXPECT_EQ(a.reason_ue, b.reason_ue) << i;
      moved += a.iterations > 1;
    }
  EXPECT_GE(moved, 10);  // the comparison covers multiplier updates, not only λ = 0
}

TEST(LowerBoundTeam, ResultsDoNotDependOnTheOrderOfItemsWithinAPhase) {
  expect_bound_same_as_sequential<testing::ScrambledTeam>();
}

TEST(LowerBoundTeam, EveryDependencyBetweenPhasesHasABarrier) {
  expect_bound_same_as_sequential<testing::DeferredTeam>();
}

}  // namespace
}  // namespace leosem
