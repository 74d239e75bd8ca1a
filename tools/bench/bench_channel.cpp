// Channel-gain generation throughput, backends side by side in one run: reference (sequential
// generate_instance, which also fills the per-slot link arrays), cpu (OpenMP batch) and cuda
// (when compiled in and a device is visible). Prints a table; see docs/benchmarks.md.
//   bench_channel [INSTANCES] [REPEATS]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "backends/channel_batch.hpp"
#include "model/instance.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
// Best of `repeats` wall times, in seconds.
double best_time(int repeats, const std::function<void()>& work) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}
}  // namespace

int main(int argc, char** argv) {
  const uint32_t instances = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 256;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const ScenarioParams p = default_scenario_params();
  const InstanceRange range{1, 0, 0, instances};
  const double gains_per_instance = static_cast<double>(p.users) * p.subchannels * p.slots;
  std::printf("channel gains, default scenario (K=%d, N=%d, T=%d: %.0f gains per instance), %u instances, best of %d\n",
              p.users, p.subchannels, p.slots, gains_per_instance, instances, repeats);
  std::printf("%-34s %12s %14s %10s\n", "backend", "time (s)", "instances/s", "vs ref");

  volatile double sink = 0;
  const double reference = best_time(repeats, [&] {
    for (uint32_t i = 0; i < instances; ++i) sink = sink + generate_instance(p, {1, 0, i}).gain_per_watt[0];
  });
  std::printf("%-34s %12.4f %14.1f %10.2f\n", "reference (sequential)", reference, instances / reference, 1.0);

  const int threads = omp_get_max_threads();
  const double cpu = best_time(repeats, [&] { sink = sink + channel_gains_cpu(p, range)[0]; });
  const std::string cpu_label = "cpu (OpenMP, " + std::to_string(threads) + " threads)";
  std::printf("%-34s %12.4f %14.1f %10.2f\n", cpu_label.c_str(), cpu, instances / cpu, reference / cpu);

  if (!cuda_compiled()) {
    std::printf("%-34s %12s\n", "cuda", "not compiled");
  } else if (cuda_device_names().empty()) {
    std::printf("%-34s %12s\n", "cuda", "no device (GPU run pending)");
  } else {
    channel_gains_cuda(p, range);  // warm-up: context creation
    const double gpu = best_time(repeats, [&] { sink = sink + channel_gains_cuda(p, range)[0]; });
    const std::string gpu_label = "cuda (" + cuda_device_names()[0] + ", incl. copy)";
    std::printf("%-34s %12.4f %14.1f %10.2f\n", gpu_label.c_str(), gpu, instances / gpu, reference / gpu);
  }
  return 0;
}
