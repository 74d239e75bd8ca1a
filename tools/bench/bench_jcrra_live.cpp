// bench_jcrra_live: JCRRA's instances/s on one thread at the default scenario and at a large one
// (K=32, N=20, T=600: per-SC bandwidth and the deadlines' share of the horizon as the default),
// and the bytes of relaxed state the block kernel keeps in shared memory per instance (KiB: the
// instances' own, mean and max, and what a sweep's launch gives each block).
// Written against the public solve() API only, so the same file builds in an older tree to run
// the two side by side (docs/benchmarks.md, "JCRRA over live elements"); where the tree has the
// live layout (solvers/jcrra_state.hpp) the shared bytes are the live state's, else the old
// dense carve's (K·N·T + 2·N·T + K·T + ... doubles).
// Usage: bench_jcrra_live [default_instances] [large_instances]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/solve.hpp"
#if __has_include("solvers/jcrra_state.hpp")
#include "solvers/jcrra_state.hpp"
#define LEOSEM_LIVE_LAYOUT 1
#endif

using namespace leosem;

namespace {

// Bytes of relaxed state in shared memory for one instance.
size_t shared_state_bytes(const Instance& inst) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
#ifdef LEOSEM_LIVE_LAYOUT
  int live_slots = 0, columns = 0, elements = 0, most = 0;
  for (int k = 0; k < K; ++k) {
    const int tk = std::max(0, std::min(inst.deadline_slots[k], T));
    live_slots = std::max(live_slots, tk);
    columns += tk;
    int ue = 0;
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < tk; ++t) ue += inst.gain_per_watt[(static_cast<size_t>(k) * N + n) * T + t] > 0.0;
    elements += ue;
    most = std::max(most, ue);
  }
  DoubleCarver counter;
  JcrraWorkspace ws;
  carve_jcrra_live_state(jcrra_live_dims(N, live_slots, columns, elements, most), K, L, false, counter, ws);
  return counter.used * sizeof(double);
#else
  const size_t k = K, nt = static_cast<size_t>(N) * T, chunks = (nt + 31) / 32;
  return (k * nt + 2 * nt + k * T + k * chunks + 3 * k * L + 6 * k + 7) * sizeof(double);
#endif
}

// Shared bytes the sweep's launch gives each block: the live state of an instance whose
// deadlines all reach the largest the scenario can draw (the old layout: the dense state).
size_t launch_shared_bytes(const ScenarioParams& p) {
#ifdef LEOSEM_LIVE_LAYOUT
  const int live_slots = std::min(p.slots, std::max(1, static_cast<int>(std::lround(p.deadline_mean_slots * (1.0 + p.deadline_spread)))));
  DoubleCarver counter;
  JcrraWorkspace ws;
  carve_jcrra_live_state(jcrra_live_dims_bound(p.users, p.subchannels, live_slots), p.users, p.options, false, counter, ws);
  return counter.used * sizeof(double);
#else
  const size_t k = p.users, nt = static_cast<size_t>(p.subchannels) * p.slots, chunks = (nt + 31) / 32;
  return (k * nt + 2 * nt + k * p.slots + k * chunks + 3 * k * p.options + 6 * k + 7) * sizeof(double);
#endif
}

void run(const char* name, const ScenarioParams& p, int count) {
  if (count <= 0) return;
  std::vector<Instance> instances;
  for (int i = 0; i < count; ++i) instances.push_back(generate_instance(p, {1, 0, static_cast<uint32_t>(i)}));
  SolverInputs inputs;
  int feasible = 0;
  double power_dbm = 0.0;
  size_t shared_max = 0, shared_sum = 0;
  for (const Instance& inst : instances) {
    const size_t bytes = shared_state_bytes(inst);
    shared_max = std::max(shared_max, bytes);
    shared_sum += bytes;
  }
  (void)solve(Algorithm::Jcrra, instances.front(), inputs);  // untimed: one-time set-up (quality tables)
  const auto start = std::chrono::steady_clock::now();
  for (const Instance& inst : instances) {
    const Solution s = solve(Algorithm::Jcrra, inst, inputs);
    if (s.status == SolveStatus::Feasible || s.status == SolveStatus::Optimal) {
      ++feasible;
      power_dbm += 10.0 * std::log10(s.total_power_w) + 30.0;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("| %-8s | K=%d N=%d T=%d | %5d | %11.3f | %8d | %10.3f | %9.1f | %9.1f | %9.1f |\n", name, p.users,
              p.subchannels, p.slots, count, count / seconds, feasible, feasible ? power_dbm / feasible : 0.0,
              static_cast<double>(shared_sum) / 1024.0 / count, static_cast<double>(shared_max) / 1024.0,
              static_cast<double>(launch_shared_bytes(p)) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  const int default_instances = argc > 1 ? std::atoi(argv[1]) : 20;
  const int large_instances = argc > 2 ? std::atoi(argv[2]) : 2;
#ifdef LEOSEM_LIVE_LAYOUT
  std::printf("JCRRA, one thread (live layout)\n\n");
#else
  std::printf("JCRRA, one thread (dense layout)\n\n");
#endif
  std::printf("| scenario | shape | inst. | instances/s | feasible | mean dBm | state KiB mean | max | launch KiB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  const ScenarioParams defaults = default_scenario_params();
  run("default", defaults, default_instances);
  ScenarioParams large = defaults;
  large.users = 32;
  large.subchannels = 20;
  large.slots = 600;
  large.bandwidth_hz = defaults.bandwidth_hz / defaults.subchannels * large.subchannels;
  large.deadline_mean_slots = defaults.deadline_mean_slots * large.slots / defaults.slots;
  run("large", large, large_instances);
  return 0;
}
