// bench_lower_bound: the certified lower bound (MODEL §7.5, solvers/lower_bound.hpp) against
// JCRRA, one thread: its cost per instance next to JCRRA's, and JCRRA's certified gap
// 10·log10(P/LB) (mean / p95 / max), on the default scenario and on two contended sets
// (K = 10, N = 4, T = 80, 100 000 images per UE; B = 40 MHz as the default, B_sc = 10 MHz; and
// the same with B_sc = 4 MHz, B = 16 MHz, which is more contended). With exact_instances > 0 the
// first ones of each set are also solved by CBC (60 s) to show the bound next to the optimum.
// target: the bound's Polyak target (its upper bound): 0 JCRRA's power (as `leosem solve`, and
// a sweep that runs JCRRA), 1 none (a sweep's lower-bound alone), 2 Greedy JSCC's power (a sweep
// that runs Greedy JSCC but not JCRRA). stall_iterations / stall_tolerance: the stall stop
// (LowerBoundOptions; -1 or absent: the default, 0: off). seed: the instances' key (seed, 0, i),
// default 1. patience: LowerBoundOptions::patience (absent: the default).
// Usage: bench_lower_bound [default_instances] [contended_instances] [exact_instances] [target]
//                          [stall_iterations] [stall_tolerance] [seed] [patience]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run_set(const char* name, const ScenarioParams& params, int count, int exact_count, int target,
             const LowerBoundOptions& options, uint64_t seed) {
  if (count <= 0) return;
  SolverInputs inputs;
  inputs.options.milp_time_limit_s = 60.0;
  double jcrra_s = 0.0, bound_s = 0.0;
  int feasible = 0, optimal = 0, infeasible_proven = 0, iterations = 0, iterations_max = 0, at_target = 0, proven = 0;
  std::vector<double> gaps_db;
  for (int i = 0; i < count; ++i) {
    const Instance inst = generate_instance(params, {seed, 0, static_cast<uint32_t>(i)});
    auto start = std::chrono::steady_clock::now();
    const Solution jcrra = solve(Algorithm::Jcrra, inst, inputs);
    jcrra_s += seconds_since(start);
    const bool solved = jcrra.status == SolveStatus::Feasible || jcrra.status == SolveStatus::Optimal;
    double upper_w = 0.0;
    if (target == 0 && solved) upper_w = jcrra.total_power_w;
    if (target == 2) {  // outside the timing, as JCRRA's
      const Solution greedy = solve(Algorithm::GreedyJscc, inst, inputs);
      if (greedy.status == SolveStatus::Feasible || greedy.status == SolveStatus::Optimal) upper_w = greedy.total_power_w;
    }
    start = std::chrono::steady_clock::now();
    const LowerBoundResult b = compute_lower_bound(inst, inputs.quality, upper_w, options);
    bound_s += seconds_since(start);
    iterations += b.iterations;
    iterations_max = std::max(iterations_max, b.iterations);
    optimal += b.status == BoundStatus::Optimal;
    infeasible_proven += b.status == BoundStatus::Infeasible;
    if (i < exact_count) {
      const Solution exact = solve(Algorithm::Exact, inst, inputs);
      std::printf("  instance %d: JCRRA %.6f W, bound %.6f W (%s, %d it.), CBC %s %.6f W (its bound %.6f W)\n", i,
                  jcrra.total_power_w, b.bound_w,
                  b.status == BoundStatus::Optimal ? "optimal" : b.status == BoundStatus::Infeasible ? "infeasible" : "bound",
                  b.iterations, to_string(exact.status), exact.total_power_w, exact.lower_bound_w);
    }
    if (solved && b.bound_w > 0.0) {
      ++feasible;
      const bool at = b.bound_w >= jcrra.total_power_w * (1.0 - options.gap_tolerance);
      at_target += at;
      proven += at || b.status == BoundStatus::Optimal;
      gaps_db.push_back(10.0 * std::log10(jcrra.total_power_w / b.bound_w));
    }
  }
  std::sort(gaps_db.begin(), gaps_db.end());
  double mean = 0.0;
  for (double g : gaps_db) mean += g;
  const size_t n = gaps_db.size();
  const double count_d = static_cast<double>(n);
  mean = n ? mean / count_d : 0.0;
  const double p95 = n ? gaps_db[std::min(n - 1, static_cast<size_t>(std::ceil(0.95 * count_d)) - 1)] : 0.0;
  const double max = n ? gaps_db.back() : 0.0;
  int within = 0;
  for (double g : gaps_db) within += g <= 0.01;
  std::printf("%s (K=%d N=%d T=%d, %g images/UE), %d instances, one thread\n", name, params.users, params.subchannels,
              params.slots, params.images_mean, count);
  std::printf("  JCRRA %.2f ms/instance, bound %.3f ms/instance (%.1f %% of JCRRA), iterations mean %.1f max %d\n",
              1e3 * jcrra_s / count, 1e3 * bound_s / count, 100.0 * bound_s / jcrra_s,
              static_cast<double>(iterations) / count, iterations_max);
  std::printf("  bound proves the optimum (zero projected subgradient) on %d, infeasibility on %d; "
              "JCRRA within the gap tolerance (%g relative) of the bound on %d; optimum proven (either) on %d\n",
              optimal, infeasible_proven, options.gap_tolerance, at_target, proven);
  std::printf("  JCRRA certified gap over %d feasible: mean %.5f dB, p95 %.5f dB, max %.5f dB; <= 0.01 dB on %d\n\n",
              feasible, mean, p95, max, within);
}

}  // namespace

int main(int argc, char** argv) {
  const int default_instances = argc > 1 ? std::atoi(argv[1]) : 100;
  const int contended_instances = argc > 2 ? std::atoi(argv[2]) : 100;
  const int exact_instances = argc > 3 ? std::atoi(argv[3]) : 0;
  const int target = argc > 4 ? std::atoi(argv[4]) : 0;
  LowerBoundOptions options;
  if (argc > 5 && std::atoi(argv[5]) >= 0) options.stall_iterations = std::atoi(argv[5]);
  if (argc > 6) options.stall_tolerance = std::atof(argv[6]);
  const uint64_t seed = argc > 7 ? std::strtoull(argv[7], nullptr, 10) : 1;
  if (argc > 8) options.patience = std::atoi(argv[8]);
  if (target < 0 || target > 2 || options.stall_tolerance < 0.0 || options.patience < 1) {
    std::fprintf(stderr, "bench_lower_bound: target must be 0, 1 or 2, stall_tolerance >= 0, patience >= 1\n");
    return 2;
  }
  std::printf("Polyak target: %s; stall stop: ",
              target == 0 ? "JCRRA's power" : target == 1 ? "none (1.05 x the best bound so far)" : "Greedy JSCC's power");
  if (options.stall_iterations > 0)
    std::printf("%d iterations without a rise above %g relative\n\n", options.stall_iterations,
                options.stall_tolerance);
  else
    std::printf("off\n");
  std::printf("patience %d, instances keyed (%llu, 0, i)\n\n", options.patience, static_cast<unsigned long long>(seed));
  run_set("Default scenario", default_scenario_params(), default_instances, exact_instances, target, options, seed);
  ScenarioParams contended = default_scenario_params();
  contended.users = 10;
  contended.subchannels = 4;  // B = 40 MHz as the default: B_sc = 10 MHz
  contended.slots = 80;
  contended.images_mean = 100000.0;
  run_set("Contended set, B = 40 MHz", contended, contended_instances, exact_instances, target, options, seed);
  contended.bandwidth_hz = 4e6 * contended.subchannels;  // B_sc stays 4 MHz
  run_set("Contended set, B_sc = 4 MHz", contended, contended_instances, exact_instances, target, options, seed);
  return 0;
}
