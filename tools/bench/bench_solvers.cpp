// bench_solvers: per algorithm, instances per second (one thread) at the default (paper-size)
// scenario, and the gap of JCRRA (and Greedy JSCC, and JCRRA without SCA iterations) to the
// exact optimum on small random instances, and on tight ones (short deadlines, small budgets,
// heavy demand) how often JCRRA is feasible where the exact solver proves an optimum.
// Usage: bench_solvers [default_instances] [small_instances] [tight_instances] [default_exact]
// (0 skips a part; default_exact = 0 leaves the slow exact solver out of the default table).
// Every returned solution is also passed through the independent checker.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/checker.hpp"
#include "quality/quality_config.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The small-instance recipe of tests/solver_test_util.hpp (K <= 4, N <= 4, 20 <= T <= 40),
// without the stressed (infeasible) variants.
ScenarioParams small_params(uint32_t i) {
  ScenarioParams p = default_scenario_params();
  p.users = 1 + static_cast<int>(i % 4);
  p.subchannels = 1 + static_cast<int>((i / 4) % 4);
  p.slots = 20 + static_cast<int>((i * 7) % 21);
  p.bandwidth_hz = 4e6 * p.subchannels;
  p.deadline_mean_slots = 0.6 * p.slots;
  p.images_mean = 8000.0 + 2000.0 * static_cast<double>(i % 11);
  return p;
}

// Tight small instances (K <= 5, N <= 5, 20 <= T <= 40): two in three are pushed towards
// infeasibility (short deadlines, a small per-slot budget, or many images), so that Greedy JSCC
// often fails where a solution exists.
ScenarioParams tight_params(uint32_t i) {
  ScenarioParams p = default_scenario_params();
  p.users = 1 + static_cast<int>(i % 5);
  p.subchannels = 1 + static_cast<int>((i / 5) % 5);
  p.slots = 20 + static_cast<int>((i * 7) % 21);
  p.bandwidth_hz = 4e6 * p.subchannels;
  p.deadline_mean_slots = 0.6 * p.slots;
  p.images_mean = 8000.0 + 2000.0 * static_cast<double>(i % 11);
  switch (i % 3) {
    case 0: p.deadline_mean_slots = 0.25 * p.slots; p.deadline_spread = 0.5; break;
    case 1: p.max_power_w *= 0.02 + 0.01 * static_cast<double>(i % 7); break;
    default: p.images_mean *= 3.0; break;
  }
  return p;
}

bool solved(const Solution& s) { return s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible; }

struct GapStats {
  std::vector<double> gaps_db;
  void add(double value_w, double optimum_w) { gaps_db.push_back(10.0 * std::log10(value_w / optimum_w)); }
  void print(const char* name) const {
    std::vector<double> g = gaps_db;
    std::sort(g.begin(), g.end());
    double mean = 0.0;
    for (double v : g) mean += v;
    const double count = static_cast<double>(g.size());
    mean = g.empty() ? 0.0 : mean / count;
    const double p95 = g.empty() ? 0.0 : g[std::min(g.size() - 1, static_cast<size_t>(std::ceil(0.95 * count)) - 1)];
    const double max = g.empty() ? 0.0 : g.back();
    int zero = 0;
    for (double v : g) zero += v < 1e-6;
    std::printf("| %-28s | %5zu | %8.4f | %8.4f | %8.4f | %5.1f %% |\n", name, g.size(), mean, p95, max,
                g.empty() ? 0.0 : 100.0 * zero / count);
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int default_instances = argc > 1 ? std::atoi(argv[1]) : 20;
  const int small_instances = argc > 2 ? std::atoi(argv[2]) : 300;
  const int tight_instances = argc > 3 ? std::atoi(argv[3]) : 300;
  const bool default_exact = argc > 4 ? std::atoi(argv[4]) != 0 : true;
  int check_failures = 0;

  SolverInputs inputs;
  inputs.options.milp_time_limit_s = 10.0;
  const JpegTable jpeg_table = load_jpeg_table_csv(default_jpeg_table_path());  // the committed default
  const JpegTableView jpeg_view = make_view(jpeg_table, JpegRateBasis::File);
  inputs.jpeg = &jpeg_table;

  // 1. Throughput at the default scenario.
  if (default_instances > 0) {
  const ScenarioParams defaults = default_scenario_params();
  std::vector<Instance> instances;
  for (int i = 0; i < default_instances; ++i)
    instances.push_back(generate_instance(defaults, {1, 0, static_cast<uint32_t>(i)}));
  std::printf("Default scenario (K=%d, N=%d, T=%d, L=%d), %d instances, one thread\n\n", defaults.users,
              defaults.subchannels, defaults.slots, defaults.options, default_instances);
  std::printf("| algorithm   | instances/s | mean time (s) | feasible | optimal | mean power (dBm) |\n");
  std::printf("|-------------|-------------|---------------|----------|---------|------------------|\n");
  const Algorithm timed[] = {Algorithm::GreedyJscc, Algorithm::Jcrra, Algorithm::Mcf, Algorithm::Exact,
                             Algorithm::GreedyJpeg};
  std::vector<std::vector<Solution>> default_solutions(5);
  for (int ai = 0; ai < 5; ++ai) {
    const Algorithm a = timed[ai];
    if (a == Algorithm::Exact && !default_exact) {
      default_solutions[ai].resize(instances.size());  // not optimal: no gap rows
      std::printf("| %-11s | (skipped)   |               |          |         |                  |\n", to_string(a));
      continue;
    }
    int feasible = 0, optimal = 0;
    double power_sum_dbm = 0.0;
    const auto start = std::chrono::steady_clock::now();
    for (const Instance& inst : instances) {
      const Solution sol = solve(a, inst, inputs);
      default_solutions[ai].push_back(sol);
      if (sol.status == SolveStatus::Optimal || sol.status == SolveStatus::Feasible) {
        ++feasible;
        optimal += sol.status == SolveStatus::Optimal;
        power_sum_dbm += 10.0 * std::log10(sol.total_power_w) + 30.0;
        if (!check_solution(inst, inputs.quality, &jpeg_view, sol).ok()) ++check_failures;
      }
    }
    const double elapsed = seconds_since(start);
    std::printf("| %-11s | %11.2f | %13.4f | %5d/%-2d | %7d | %16.3f |\n", to_string(a), default_instances / elapsed,
                elapsed / default_instances, feasible, default_instances, optimal,
                feasible ? power_sum_dbm / feasible : 0.0);
  }
  std::printf("\n(greedy-jpeg: the committed JPEG table, whole-file rate)\n\n");
  GapStats default_jcrra, default_greedy, default_mcf;
  for (int i = 0; i < default_instances; ++i) {
    const Solution& exact = default_solutions[3][i];
    if (exact.status != SolveStatus::Optimal || exact.total_power_w <= 0.0) continue;
    if (default_solutions[0][i].status == SolveStatus::Feasible)
      default_greedy.add(default_solutions[0][i].total_power_w, exact.total_power_w);
    if (default_solutions[1][i].status == SolveStatus::Feasible)
      default_jcrra.add(default_solutions[1][i].total_power_w, exact.total_power_w);
    if (default_solutions[2][i].status == SolveStatus::Feasible)
      default_mcf.add(default_solutions[2][i].total_power_w, exact.total_power_w);
  }
  std::printf("Gap to the exact optimum at the default scenario (instances where exact is proven optimal)\n\n");
  std::printf("| algorithm                    |     n | mean dB  | p95 dB   | max dB   | at opt  |\n");
  std::printf("|------------------------------|-------|----------|----------|----------|---------|\n");
  default_jcrra.print("jcrra");
  default_mcf.print("mcf (Greedy JSCC's options)");
  default_greedy.print("greedy-jscc");
  std::printf("\n");
  }

  // 2. Gap to the exact optimum on small instances.
  if (small_instances > 0) {
  GapStats jcrra_gap, greedy_gap, no_sca_gap;
  SolverInputs no_sca = inputs;
  no_sca.options.jcrra.max_sca_iterations = 0;  // Greedy JSCC + best-response repair only
  int compared = 0, exact_unproven = 0;
  for (int i = 0; i < small_instances; ++i) {
    const Instance inst = generate_instance(small_params(static_cast<uint32_t>(i)), {20240602ULL, 9, static_cast<uint32_t>(i)});
    const Solution exact = solve(Algorithm::Exact, inst, inputs);
    const Solution jcrra = solve(Algorithm::Jcrra, inst, inputs);
    const Solution greedy = solve(Algorithm::GreedyJscc, inst, inputs);
    const Solution repair_only = solve(Algorithm::Jcrra, inst, no_sca);
    for (const Solution* s : {&exact, &jcrra, &greedy, &repair_only})
      if ((s->status == SolveStatus::Optimal || s->status == SolveStatus::Feasible) &&
          !check_solution(inst, inputs.quality, nullptr, *s).ok())
        ++check_failures;
    if (exact.status == SolveStatus::Feasible || exact.status == SolveStatus::Unsolved) ++exact_unproven;
    if (exact.status != SolveStatus::Optimal || exact.total_power_w <= 0.0) continue;
    if (jcrra.status != SolveStatus::Feasible || greedy.status != SolveStatus::Feasible) continue;
    ++compared;
    jcrra_gap.add(jcrra.total_power_w, exact.total_power_w);
    greedy_gap.add(greedy.total_power_w, exact.total_power_w);
    if (repair_only.status == SolveStatus::Feasible) no_sca_gap.add(repair_only.total_power_w, exact.total_power_w);
  }
  std::printf("Gap to the exact optimum (CBC, proven), %d small instances (K<=4, N<=4, T<=40), %d with all "
              "feasible, %d where exact was not proven\n\n", small_instances, compared, exact_unproven);
  std::printf("| algorithm                    |     n | mean dB  | p95 dB   | max dB   | at opt  |\n");
  std::printf("|------------------------------|-------|----------|----------|----------|---------|\n");
  jcrra_gap.print("jcrra");
  no_sca_gap.print("jcrra, 0 SCA iterations");
  greedy_gap.print("greedy-jscc");
  std::printf("\n");
  }

  // 3. Tight small instances: feasibility where the exact solver proves an optimum, and the gap.
  if (tight_instances > 0) {
    GapStats tight_jcrra, tight_greedy;
    int exact_optimal = 0, exact_infeasible = 0, exact_unproven_tight = 0, jcrra_found = 0, greedy_found = 0,
        jcrra_extra = 0;
    for (int i = 0; i < tight_instances; ++i) {
      const Instance inst =
          generate_instance(tight_params(static_cast<uint32_t>(i)), {20240603ULL, 11, static_cast<uint32_t>(i)});
      const Solution exact = solve(Algorithm::Exact, inst, inputs);
      const Solution jcrra = solve(Algorithm::Jcrra, inst, inputs);
      const Solution greedy = solve(Algorithm::GreedyJscc, inst, inputs);
      for (const Solution* s : {&exact, &jcrra, &greedy})
        if (solved(*s) && !check_solution(inst, inputs.quality, nullptr, *s).ok()) ++check_failures;
      if (exact.status == SolveStatus::Infeasible) ++exact_infeasible;
      if (solved(jcrra) && exact.status == SolveStatus::Infeasible) ++jcrra_extra;  // would be a bug
      if (exact.status != SolveStatus::Optimal) {
        exact_unproven_tight += exact.status != SolveStatus::Infeasible;
        continue;
      }
      ++exact_optimal;
      jcrra_found += solved(jcrra);
      if (!solved(jcrra))  // JCRRA missed a solution the exact solver found: name the instance
        std::printf("tight instance %d (K=%d N=%d T=%d): exact %.4g W, jcrra: %s\n", i, inst.users, inst.subchannels,
                    inst.slots, exact.total_power_w, jcrra.reason.c_str());
      greedy_found += solved(greedy);
      if (exact.total_power_w <= 0.0) continue;
      if (solved(jcrra)) tight_jcrra.add(jcrra.total_power_w, exact.total_power_w);
      if (solved(greedy)) tight_greedy.add(greedy.total_power_w, exact.total_power_w);
    }
    std::printf("Tight small instances (K<=5, N<=5, T<=40; short deadlines, small budgets, many images): %d, exact "
                "optimal on %d, infeasible on %d, unproven on %d\n\n", tight_instances, exact_optimal,
                exact_infeasible, exact_unproven_tight);
    std::printf("| algorithm   | feasible where exact is | feasible where exact proves none |\n");
    std::printf("|-------------|-------------------------|----------------------------------|\n");
    std::printf("| jcrra       | %11d / %-9d | %32d |\n", jcrra_found, exact_optimal, jcrra_extra);
    std::printf("| greedy-jscc | %11d / %-9d |                                  |\n\n", greedy_found, exact_optimal);
    std::printf("| algorithm                    |     n | mean dB  | p95 dB   | max dB   | at opt  |\n");
    std::printf("|------------------------------|-------|----------|----------|----------|---------|\n");
    tight_jcrra.print("jcrra");
    tight_greedy.print("greedy-jscc");
    check_failures += jcrra_extra;
  }
  std::printf("\nchecker failures: %d\n", check_failures);
  return check_failures == 0 ? 0 : 1;
}
