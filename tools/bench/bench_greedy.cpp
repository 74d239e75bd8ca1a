// bench_greedy: Greedy JSCC's and Greedy JPEG's instances/s on one thread at the default
// scenario (and at K=32, N=20, T=600), timing solve() alone (no checker), each instance solved
// `repeats` times in a row. Written against the public solve() API only, so the same file builds
// in an older tree to run the two side by side (docs/benchmarks.md, "Greedy baselines").
// Prints a digest of the solutions (status, options, association, power bits) so two builds can be
// compared for identical results.
// Usage: bench_greedy [default_instances] [repeats] [large_instances]
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "quality/quality_config.hpp"
#include "scenario/config.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

uint64_t mix(uint64_t h, uint64_t value) { return (h ^ value) * 1099511628211ULL; }

uint64_t digest(uint64_t h, const Solution& s) {
  h = mix(h, static_cast<uint64_t>(s.status));
  for (int o : s.option) h = mix(h, static_cast<uint64_t>(o));
  for (int r : s.resources) h = mix(h, static_cast<uint64_t>(r));
  for (int a : s.assigned_ue) h = mix(h, static_cast<uint64_t>(a));
  for (double p : s.power_w) {
    uint64_t bits;
    std::memcpy(&bits, &p, sizeof bits);
    h = mix(h, bits);
  }
  return h;
}

void run(const char* name, const ScenarioParams& p, int count, int repeats, const SolverInputs& inputs) {
  if (count <= 0) return;
  std::vector<Instance> instances;
  for (int i = 0; i < count; ++i) instances.push_back(generate_instance(p, {1, 0, static_cast<uint32_t>(i)}));
  for (Algorithm a : {Algorithm::GreedyJscc, Algorithm::GreedyJpeg}) {
    (void)solve(a, instances.front(), inputs);  // untimed: one-time set-up
    int feasible = 0;
    double power_dbm = 0.0;
    uint64_t h = 1469598103934665603ULL;
    const auto start = std::chrono::steady_clock::now();
    for (const Instance& inst : instances)
      for (int r = 0; r < repeats; ++r) {
        const Solution s = solve(a, inst, inputs);
        if (r > 0) continue;
        h = digest(h, s);
        if (s.status == SolveStatus::Feasible || s.status == SolveStatus::Optimal) {
          ++feasible;
          power_dbm += 10.0 * std::log10(s.total_power_w) + 30.0;
        }
      }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("| %-8s | K=%d N=%d T=%d | %-11s | %5d x %d | %11.1f | %8d | %10.4f | %016llx |\n", name, p.users,
                p.subchannels, p.slots, to_string(a), count, repeats, count * repeats / seconds, feasible,
                feasible ? power_dbm / feasible : 0.0, static_cast<unsigned long long>(h));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int default_instances = argc > 1 ? std::atoi(argv[1]) : 50;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
  const int large_instances = argc > 3 ? std::atoi(argv[3]) : 5;
  SolverInputs inputs;
  const JpegTable jpeg_table = load_jpeg_table_csv(default_jpeg_table_path());  // the committed default
  inputs.jpeg = &jpeg_table;
  std::printf("Greedy baselines, one thread, solve() only\n\n");
  std::printf("| scenario | shape | algorithm | instances | instances/s | feasible | mean dBm | digest |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  const ScenarioParams defaults = default_scenario_params();
  run("default", defaults, default_instances, repeats, inputs);
  ScenarioParams large = defaults;
  large.users = 32;
  large.subchannels = 20;
  large.slots = 600;
  large.bandwidth_hz = defaults.bandwidth_hz / defaults.subchannels * large.subchannels;
  large.deadline_mean_slots = defaults.deadline_mean_slots * large.slots / defaults.slots;
  run("large", large, large_instances, repeats, inputs);
  return 0;
}
