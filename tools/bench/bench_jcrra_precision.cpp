// bench_jcrra_precision: JCRRA with jcrra_precision = "fp64" against "mixed" (x stored in FP32)
// on the same instances, through the sweep's batched operation (what `leosem run` does per
// chunk: instances generated, required SNRs, JCRRA, results back), side by side in one run:
// instances/s of each, how often the status agrees, and |ΔP| in dB where both are feasible.
//   bench_jcrra_precision [--instances 10000] [--backend cpu|cuda] [--scenario FILE] [--threads N]
// Default: 10 000 instances of the default scenario on the cuda backend when a device is
// visible, else on the cpu backend (OpenMP; --threads 1 for a per-core rate).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backends/sweep_batch.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {

[[noreturn]] void usage(const std::string& message) {
  std::fprintf(stderr,
               "bench_jcrra_precision: %s\nusage: bench_jcrra_precision [--instances N] [--backend cpu|cuda] "
               "[--scenario FILE] [--threads N]\n",
               message.c_str());
  std::exit(2);
}

// JCRRA on instances 0 .. count-1 (seed 1, point 0), chunk by chunk as the backend likes;
// returns the results and the seconds taken.
std::vector<StoredResult> run(SweepBatchBackend& backend, const ScenarioConfig& config, uint32_t count,
                              double* seconds) {
  backend.prepare_point(config, {"jcrra"});
  const uint32_t chunk = std::max<uint32_t>(1, backend.chunk_instances(256));
  std::vector<StoredResult> all, part;
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t first = 0; first < count; first += chunk) {
    const uint32_t n = std::min(chunk, count - first);
    backend.evaluate({1, 0, first, n}, part);
    all.insert(all.end(), part.begin(), part.end());
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return all;
}

bool feasible(const StoredResult& r) { return r.status == static_cast<int8_t>(SolveStatus::Feasible); }

}  // namespace

int main(int argc, char** argv) {
  uint32_t instances = 10000;
  std::string backend_name, scenario;
  int threads = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--instances") {
      const long n = std::atol(value.c_str());
      if (n < 1) usage("--instances must be >= 1");
      instances = static_cast<uint32_t>(n);
    } else if (arg == "--backend") {
      if (value != "cpu" && value != "cuda") usage("--backend must be cpu or cuda");
      backend_name = value;
    } else if (arg == "--scenario") {
      scenario = value;
    } else if (arg == "--threads") {
      threads = std::atoi(value.c_str());
      if (threads < 1) usage("--threads must be >= 1");
    } else {
      usage("unknown option " + arg);
    }
  }
  if (threads > 0) omp_set_num_threads(threads);
  if (backend_name.empty()) backend_name = cuda_compiled() && !cuda_device_names().empty() ? "cuda" : "cpu";
  std::unique_ptr<SweepBatchBackend> backend =
      backend_name == "cuda" ? make_cuda_backend(0) : make_cpu_backend(threads);
  ScenarioConfig fp64 = scenario.empty() ? parse_scenario("") : load_scenario_file(scenario);
  fp64.solvers.jcrra.mixed_precision = false;
  ScenarioConfig mixed = fp64;
  mixed.solvers.jcrra.mixed_precision = true;
  const ScenarioParams& p = fp64.params;

  double fp64_s = 0.0, mixed_s = 0.0;
  const std::vector<StoredResult> a = run(*backend, fp64, instances, &fp64_s);
  const std::vector<StoredResult> b = run(*backend, mixed, instances, &mixed_s);

  uint32_t status_agree = 0, both_feasible = 0, fp64_feasible = 0, mixed_feasible = 0, differ = 0, iter_agree = 0;
  double sum_db = 0.0, max_db = 0.0, signed_db = 0.0;
  for (uint32_t i = 0; i < instances; ++i) {
    status_agree += a[i].status == b[i].status;
    iter_agree += a[i].iterations == b[i].iterations;
    fp64_feasible += feasible(a[i]);
    mixed_feasible += feasible(b[i]);
    if (!feasible(a[i]) || !feasible(b[i])) continue;
    ++both_feasible;
    const double db = 10.0 * std::log10(b[i].power_w / a[i].power_w);  // mixed − fp64
    differ += a[i].power_w != b[i].power_w;
    sum_db += std::fabs(db);
    signed_db += db;
    max_db = std::max(max_db, std::fabs(db));
  }
  std::printf("JCRRA fp64 vs mixed, %s (K=%d, N=%d, T=%d), %u instances (seed 1), %s backend: %s\n\n",
              scenario.empty() ? "default scenario" : scenario.c_str(), p.users, p.subchannels, p.slots, instances,
              backend->identity().backend.c_str(), backend->identity().device.c_str());
  std::printf("| precision | instances/s | feasible |\n|---|---|---|\n");
  std::printf("| fp64 | %.1f | %u |\n| mixed | %.1f | %u |\n\n", instances / fp64_s, fp64_feasible, instances / mixed_s,
              mixed_feasible);
  std::printf("| status agrees | iterations agree | both feasible | power differs | mean abs dP (dB) | mean dP (dB, "
              "mixed - fp64) | max abs dP (dB) |\n|---|---|---|---|---|---|---|\n");
  std::printf("| %u / %u | %u / %u | %u | %u | %.3g | %.3g | %.3g |\n", status_agree, instances, iter_agree, instances,
              both_feasible, differ, both_feasible ? sum_db / both_feasible : 0.0,
              both_feasible ? signed_db / both_feasible : 0.0, max_db);
  return 0;
}
