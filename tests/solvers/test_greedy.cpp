// Greedy JSCC and Greedy JPEG on hand instances, and the water-filling level.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "quality/quality_config.hpp"
#include "scenario/config.hpp"
#include "solver_test_util.hpp"
#include "solvers/checker.hpp"
#include "solvers/greedy_jpeg.hpp"
#include "solvers/jcrra_rounding.hpp"

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

// ---- the lazily sorted per-UE lists against the full sort they replace ----

// The cores before the per-UE lists (commit 77edb59), as references: every usable (k, n, t)
// listed, sorted by gain (ties by index), walked in that order.
int reference_list_by_gain(const InstanceView& v, int* order, double* key) {
  int count = 0;
  for (int idx = 0; idx < v.users * v.subchannels * v.slots; ++idx) {
    const int t = idx % v.slots, n = (idx / v.slots) % v.subchannels, k = idx / (v.slots * v.subchannels);
    key[idx] = v.gain_per_watt[idx];
    if (usable(v, k, n, t)) order[count++] = idx;
  }
  std::sort(order, order + count, [&](int a, int b) { return sort_before(key, a, b); });
  return count;
}

CoreResult reference_greedy_jscc(const InstanceView& v, const double* snr, int base, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  for (int k = 0; k < K; ++k) {
    out.option[k] = greedy_option(v, snr, k, base);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  std::vector<int> order(K * N * T);
  std::vector<double> key(K * N * T), slot_power(T);
  std::vector<unsigned char> busy(K * T);
  const int count = reference_list_by_gain(v, order.data(), key.data());
  const int short_ue = assign_in_order(v, snr, out.option, order.data(), count, false, busy.data(), slot_power.data(), out);
  if (short_ue >= 0) return core_fail(FailReason::NotEnoughResources, short_ue, -1);
  return greedy_result(v, out);  // the cores' own ending (core_common.hpp)
}

CoreResult reference_greedy_jpeg(const InstanceView& v, const JpegTableView& table, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  for (int k = 0; k < K; ++k) {
    out.option[k] = jpeg_lowest_quality_index(table, v.ssim_requirement[k]);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  std::vector<int> order(K * N * T), ue_resource(T);
  std::vector<double> key(K * N * T), ue_gain(T);
  std::vector<unsigned char> busy(K * T, 0);
  const int count = reference_list_by_gain(v, order.data(), key.data());
  for (int i = 0; i < N * T; ++i) {
    out.assigned_ue[i] = -1;
    out.power_w[i] = 0.0;
  }
  for (int i = 0; i < count; ++i) {
    const int idx = order[i], t = idx % T, n = (idx / T) % N, k = idx / (T * N);
    if (out.assigned_ue[n * T + t] >= 0 || busy[k * T + t]) continue;
    out.assigned_ue[n * T + t] = k;
    busy[k * T + t] = 1;
  }
  for (int k = 0; k < K; ++k) {
    int held = 0;
    for (int i = 0; i < count; ++i) {
      const int idx = order[i], t = idx % T, n = (idx / T) % N;
      if (idx / (T * N) != k || out.assigned_ue[n * T + t] != k) continue;
      ue_gain[held] = v.gain_per_watt[idx];
      ue_resource[held++] = n * T + t;
    }
    const double bits = v.images[k] * table.bits_per_image[out.option[k]];
    int active = 0;
    double mu = 0.0;
    if (bits > 0.0) {
      if (held == 0) return core_fail(FailReason::NoResource, k, -1);
      mu = water_level(ue_gain.data(), held, bits / v.symbols_per_resource, &active);
    }
    for (int j = 0; j < held; ++j) {
      const int r = ue_resource[j];
      out.power_w[r] = j < active ? mu - 1.0 / ue_gain[j] : 0.0;
      if (j >= active) out.assigned_ue[r] = -1;
    }
    out.resources[k] = active;
  }
  return greedy_result(v, out);  // the cores' own ending (core_common.hpp)
}

struct Outcome {
  CoreResult r;
  std::vector<int> option, resources, assigned_ue;
  std::vector<double> power_w;
  Outcome(const Instance& inst)
      : option(inst.users, -7), resources(inst.users, -7), assigned_ue(inst.subchannels * inst.slots, -7),
        power_w(inst.subchannels * inst.slots, -7.0) {}
  SolutionBuffers buffers() { return {option.data(), resources.data(), assigned_ue.data(), power_w.data()}; }
};

void expect_same(const Outcome& a, const Outcome& b, const std::string& what) {
  EXPECT_EQ(a.r.feasible, b.r.feasible) << what;
  EXPECT_EQ(a.r.reason, b.r.reason) << what;
  EXPECT_EQ(a.r.reason_ue, b.r.reason_ue) << what;
  EXPECT_EQ(a.r.reason_slot, b.r.reason_slot) << what;
  EXPECT_EQ(a.r.total_power_w, b.r.total_power_w) << what;  // bit for bit: the same order of sums
  if (a.r.reason == FailReason::QualityUnreachable) return;  // nothing assigned yet
  EXPECT_EQ(a.option, b.option) << what;
  EXPECT_EQ(a.resources, b.resources) << what;
  EXPECT_EQ(a.assigned_ue, b.assigned_ue) << what;
  EXPECT_EQ(a.power_w, b.power_w) << what;
}

// Instances for the comparisons: the small set (stressed ones included), the same with gains
// rounded to powers of two (many ties, broken by index), and default-scenario ones.
std::vector<Instance> comparison_instances() {
  std::vector<Instance> list;
  for (uint32_t i = 0; i < 150; ++i) {
    list.push_back(testing::small_instance(i));
    Instance tied = testing::small_instance(1000 + i);
    for (double& g : tied.gain_per_watt)
      if (g > 0.0) g = std::exp2(std::round(std::log2(g)));
    list.push_back(tied);
  }
  for (uint32_t i = 0; i < 6; ++i) list.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  return list;
}

// Scratch filled with garbage: the cores must write what they read.
struct GarbageGreedy {
  std::vector<int> order, ue_list, ue_resource;
  std::vector<double> key, slot_power, ue_gain;
  std::vector<unsigned char> busy;
  GarbageGreedy(const Instance& inst)
      : order(inst.users * inst.subchannels * inst.slots, 12345), ue_list(greedy_ue_list_ints(inst.users), 777),
        ue_resource(inst.slots, 99), key(order.size(), 3.5), slot_power(inst.slots, 1e9), ue_gain(inst.slots, 2.0),
        busy(inst.users * inst.slots, 1) {}
  GreedyWorkspace ws() { return {order.data(), busy.data(), key.data(), ue_list.data()}; }
};

TEST(GreedyLists, GreedyJsccIsTheFullSortsResultBitForBit) {
  const SolverInputs in;
  int feasible = 0;
  for (const Instance& inst : comparison_instances()) {
    const InstanceView v = make_instance_view(inst);
    const std::vector<double> snr = required_snr_table(inst, in.quality);
    for (int base = 0; base < inst.options; base += 2) {
      Outcome ref(inst), got(inst);
      ref.r = reference_greedy_jscc(v, snr.data(), base, ref.buffers());
      GarbageGreedy g(inst);
      got.r = greedy_jscc_core(v, snr.data(), base, g.ws(), g.slot_power.data(), got.buffers());
      expect_same(ref, got, "K=" + std::to_string(inst.users) + " T=" + std::to_string(inst.slots) +
                                " base " + std::to_string(base));
      feasible += ref.r.feasible;
    }
  }
  EXPECT_GT(feasible, 100);  // the comparison covers solutions, not only failures
}

TEST(GreedyLists, GreedyJpegIsTheFullSortsResultBitForBit) {
  const JpegTable table = load_jpeg_table_csv(default_jpeg_table_path());
  const JpegTableView view = make_view(table, JpegRateBasis::File);
  int feasible = 0;
  for (const Instance& inst : comparison_instances()) {
    const InstanceView v = make_instance_view(inst);
    Outcome ref(inst), got(inst);
    ref.r = reference_greedy_jpeg(v, view, ref.buffers());
    GarbageGreedy g(inst);
    got.r = greedy_jpeg_core(v, view, {g.ws(), g.ue_gain.data(), g.ue_resource.data()}, g.slot_power.data(),
                             got.buffers());
    expect_same(ref, got, "K=" + std::to_string(inst.users) + " T=" + std::to_string(inst.slots));
    feasible += ref.r.feasible;
  }
  EXPECT_GT(feasible, 100);
}

// What JCRRA's starts do with the lists: assignments under the budget for several option
// vectors in a row (each reusing the part sorted by the one before), then earliest deadline
// first; each against assign_in_order over the fully sorted list.
TEST(GreedyLists, RepeatedAssignmentsAndTheDeadlineOrderMatchTheFullSort) {
  const SolverInputs in;
  int complete = 0;
  for (const Instance& inst : comparison_instances()) {
    const InstanceView v = make_instance_view(inst);
    const int K = inst.users, N = inst.subchannels, T = inst.slots;
    const std::vector<double> snr = required_snr_table(inst, in.quality);
    GarbageGreedy g(inst);
    const GreedyWorkspace ws = g.ws();
    list_usable_by_ue(v, ws);
    std::vector<int> order(K * N * T);
    std::vector<double> key(K * N * T), slot_power(T);
    std::vector<unsigned char> busy(K * T);
    const int count = reference_list_by_gain(v, order.data(), key.data());
    for (int pass = 0; pass <= inst.options; ++pass) {
      const bool deadline_first = pass == inst.options;
      std::vector<int> option(K);
      bool reachable = true;
      for (int k = 0; k < K; ++k) {
        option[k] = greedy_option(v, snr.data(), k, deadline_first ? 0 : (pass * 5 + k) % inst.options);
        reachable = reachable && option[k] >= 0;
      }
      if (!reachable) continue;
      if (deadline_first) {  // the old order_by_deadline, on the full list
        double max_gain = 0.0;
        for (int i = 0; i < count; ++i) max_gain = std::fmax(max_gain, v.gain_per_watt[order[i]]);
        for (int i = 0; i < count; ++i) {
          const int idx = order[i], k = idx / (N * T);
          key[idx] = static_cast<double>(T - v.deadline_slots[k]) + 0.5 * v.gain_per_watt[idx] / max_gain;
        }
        std::sort(order.begin(), order.begin() + count, [&](int a, int b) { return sort_before(key.data(), a, b); });
        rekey_by_deadline(v, ws);
      }
      for (bool budget : {true, false}) {
        Outcome ref(inst), got(inst);
        ref.option = got.option = option;
        const int ref_short = assign_in_order(v, snr.data(), option.data(), order.data(), count, budget, busy.data(),
                                              slot_power.data(), ref.buffers());
        const int got_short = assign_in_gain_lists(v, snr.data(), option.data(), budget, ws, g.slot_power.data(),
                                                   got.buffers());
        const std::string what = "K=" + std::to_string(K) + " T=" + std::to_string(T) + " pass " +
                                 std::to_string(pass) + (budget ? " budget" : "");
        EXPECT_EQ(ref_short, got_short) << what;
        EXPECT_EQ(ref.resources, got.resources) << what;
        EXPECT_EQ(ref.assigned_ue, got.assigned_ue) << what;
        EXPECT_EQ(ref.power_w, got.power_w) << what;
        complete += ref_short < 0;
      }
    }
  }
  EXPECT_GT(complete, 200);
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
