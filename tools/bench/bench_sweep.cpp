// Sweep throughput: instances/s of the batched operation (instance generation, required SNRs,
// the solver, results back on the host: what `leosem run` does per chunk, HDF5 aside), per
// algorithm, backend and batch size, side by side in one run. Default scenario. The cpu rate
// does not depend on the batch (OpenMP over instances), so the cpu is measured on at most
// --cpu-instances of each batch; the cuda backend on the whole batch. See docs/benchmarks.md.
//   bench_sweep [--batches 2048,16384,65536] [--algorithms greedy-jscc,greedy-jpeg,jcrra,lower-bound]
//               [--jcrra-max-batch 16384] [--cpu-instances 2048] [--threads N] [--scenario FILE]
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "backends/sweep_batch.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

double seconds_of(SweepBatchBackend& backend, const InstanceRange& range) {
  std::vector<StoredResult> results;
  const auto start = std::chrono::steady_clock::now();
  backend.evaluate(range, results);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr, "bench_sweep: %s\nusage: bench_sweep [--batches N,N,...] [--algorithms A,B] "
                       "[--jcrra-max-batch N] [--cpu-instances N] [--threads N] [--scenario FILE]\n",
               message);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint32_t> batches{2048, 16384, 65536};
  std::vector<std::string> algorithms{"greedy-jscc", "greedy-jpeg", "jcrra", "lower-bound"};
  uint32_t jcrra_max_batch = 16384, cpu_instances = 2048;
  int threads = 0;
  std::string scenario;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--batches") {
      batches.clear();
      for (const std::string& b : split(value)) batches.push_back(static_cast<uint32_t>(std::stoul(b)));
    } else if (arg == "--algorithms") {
      algorithms = split(value);
    } else if (arg == "--jcrra-max-batch") {
      jcrra_max_batch = static_cast<uint32_t>(std::stoul(value));
    } else if (arg == "--cpu-instances") {
      cpu_instances = static_cast<uint32_t>(std::stoul(value));
    } else if (arg == "--threads") {
      threads = std::atoi(value.c_str());
    } else if (arg == "--scenario") {
      scenario = value;
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (threads > 0) omp_set_num_threads(threads);
  const ScenarioConfig config = scenario.empty() ? parse_scenario("") : load_scenario_file(scenario);
  const ScenarioParams& p = config.params;

  std::vector<std::unique_ptr<SweepBatchBackend>> backends;
  backends.push_back(make_cpu_backend(threads));
  const bool device = cuda_compiled() && !cuda_device_names().empty();
  if (device) backends.push_back(make_cuda_backend(0, 1u << 30));
  std::printf("sweep throughput, %s (K=%d, N=%d, T=%d), instances/s including generation and results back\n",
              scenario.empty() ? "default scenario" : scenario.c_str(), p.users, p.subchannels, p.slots);
  for (const auto& backend : backends)
    std::printf("  %-5s %s\n", backend->identity().backend.c_str(), backend->identity().device.c_str());
  if (!device) std::printf("  cuda  not measured (%s)\n", cuda_compiled() ? "no device visible" : "built without CUDA");
  std::printf("\n| algorithm | batch | cpu inst/s (measured on) | cuda inst/s | cuda / cpu |\n|---|---|---|---|---|\n");

  uint64_t first = 0;
  // cpu seconds per instance at the first batch, per algorithm: the lower bound's share below.
  std::vector<double> cpu_s_per_instance;
  for (const std::string& algorithm : algorithms) {
    for (const auto& backend : backends) backend->prepare_point(config, {algorithm});
    for (uint32_t batch : batches) {
      if (algorithm == "jcrra" && batch > jcrra_max_batch) continue;
      const uint32_t cpu_count = std::min(batch, cpu_instances);
      const double cpu_s = seconds_of(*backends[0], {1, 0, static_cast<uint32_t>(first), cpu_count});
      const double cpu_rate = cpu_count / cpu_s;
      if (batch == batches.front()) cpu_s_per_instance.push_back(cpu_s / cpu_count);
      std::printf("| %s | %u | %.0f (%u) |", algorithm.c_str(), batch, cpu_rate, cpu_count);
      if (device) {
        seconds_of(*backends[1], {1, 0, static_cast<uint32_t>(first), std::min<uint32_t>(batch, 256)});  // warm-up
        const double cuda_s = seconds_of(*backends[1], {1, 0, static_cast<uint32_t>(first), batch});
        std::printf(" %.0f | %.1f |\n", batch / cuda_s, (batch / cuda_s) / cpu_rate);
      } else {
        std::printf(" - | - |\n");
      }
      std::fflush(stdout);
      first += batch;
    }
  }
  // The sweep key lower_bound (default true) adds the bound to every sweep: its cost against the
  // other algorithms listed (each measured on the same cpu instances' count).
  const auto bound = std::find(algorithms.begin(), algorithms.end(), "lower-bound");
  if (bound != algorithms.end() && cpu_s_per_instance.size() == algorithms.size() && algorithms.size() > 1) {
    const size_t b = static_cast<size_t>(bound - algorithms.begin());
    double others_s = 0.0;
    for (size_t a = 0; a < algorithms.size(); ++a)
      if (a != b) others_s += cpu_s_per_instance[a];
    std::printf("\ncpu, batch %u: lower-bound %.3g ms per instance, the other algorithms together %.3g ms: "
                "the bound (sweep key lower_bound, on by default) adds %.1f %%\n",
                batches.front(), 1e3 * cpu_s_per_instance[b], 1e3 * others_s, 100.0 * cpu_s_per_instance[b] / others_s);
    // Alone the bound has no Polyak target; in a sweep it gets the best power JCRRA or Greedy JSCC
    // found (bound_target_w): the same cpu instances with every algorithm and without the bound,
    // on two cpu backends prepared once and warmed up, three times each in turn (the machine may
    // be loaded); the bound's cost is the difference.
    std::vector<std::string> without = algorithms;
    without.erase(without.begin() + static_cast<long>(b));
    const uint32_t count = std::min(batches.front(), cpu_instances);
    auto with_backend = make_cpu_backend(threads), without_backend = make_cpu_backend(threads);
    with_backend->prepare_point(config, algorithms);
    without_backend->prepare_point(config, without);
    const InstanceRange range{1, 0, static_cast<uint32_t>(first), count};
    seconds_of(*with_backend, {1, 0, static_cast<uint32_t>(first), std::min<uint32_t>(count, 8)});  // warm-up
    seconds_of(*without_backend, {1, 0, static_cast<uint32_t>(first), std::min<uint32_t>(count, 8)});
    double with_s = 0.0, without_s = 0.0;
    for (int round = 0; round < 3; ++round) {
      with_s += seconds_of(*with_backend, range);
      without_s += seconds_of(*without_backend, range);
    }
    std::printf("cpu, all algorithms together on %u instances (three times each, in turn): %.3g ms per instance, "
                "without lower-bound %.3g ms: the bound with its sweep target adds %.1f %%\n",
                count, 1e3 * with_s / (3.0 * count), 1e3 * without_s / (3.0 * count),
                100.0 * (with_s - without_s) / without_s);
  }
  return 0;
}
