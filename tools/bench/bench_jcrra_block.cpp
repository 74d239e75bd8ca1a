// bench_jcrra_block: JCRRA at the default scenario, the host's jcrra_core (one thread) against
// the block-cooperative CUDA kernel (state in shared memory, and forced to global memory), side
// by side in one run; the parity columns count instances whose feasibility or options differ
// and the largest power difference in dB. Usage: bench_jcrra_block [instances] [cpu_instances]
// (defaults 4096 and 64: the CPU is timed on a subset). Needs a CUDA build and device.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/solve.hpp"
#if defined(LEOSEM_HAVE_CUDA)
#include "cuda/jcrra_block.hpp"
#endif

using namespace leosem;

int main(int argc, char** argv) {
#if !defined(LEOSEM_HAVE_CUDA)
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "bench_jcrra_block: this leosem was built without CUDA\n");
  return 2;
#else
  const int instances = argc > 1 ? std::atoi(argv[1]) : 4096;
  const int cpu_instances = argc > 2 ? std::atoi(argv[2]) : 64;
  if (instances < 1 || cpu_instances < 1 || cpu_instances > instances) {
    std::fprintf(stderr, "usage: bench_jcrra_block [instances >= 1] [cpu_instances in 1..instances]\n");
    return 2;
  }
  const ScenarioParams params = default_scenario_params();
  std::vector<Instance> batch;
  for (int i = 0; i < instances; ++i) batch.push_back(generate_instance(params, {1, 0, static_cast<uint32_t>(i)}));
  SolverInputs in;
  JcrraOptions options = in.options.jcrra;
  options.base_option = option_index_for_ratio(batch.front().params, in.options.greedy_rho);

  std::vector<Solution> host(cpu_instances);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < cpu_instances; ++i) host[i] = solve(Algorithm::Jcrra, batch[i], in);
  const double cpu_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("JCRRA, default scenario (K=%d, N=%d, T=%d, L=%d), %d instances on the GPU, %d on one CPU thread\n\n",
              params.users, params.subchannels, params.slots, params.options, instances, cpu_instances);
  std::printf("| version                       | instances/s | differing (of %d) | max |dB| difference |\n", cpu_instances);
  std::printf("|-------------------------------|-------------|-------------------|----------------------|\n");
  std::printf("| CPU, jcrra_core, one thread   | %11.1f |                   |                      |\n",
              cpu_instances / cpu_s);
  for (int force_global = 0; force_global < 2; ++force_global) {
    bool shared_used = false;
    double kernel_s = 0.0;
    const std::vector<JcrraBlockSolution> device =
        jcrra_block_solve(batch, in.quality, options, force_global != 0, &shared_used, &kernel_s);
    int differing = 0;
    double max_db = 0.0;
    for (int i = 0; i < cpu_instances; ++i) {
      const bool host_ok = host[i].status == SolveStatus::Feasible;
      if (host_ok != device[i].core.feasible || (host_ok && host[i].option != device[i].option)) {
        ++differing;
        continue;
      }
      if (host_ok) {
        double power = 0.0;
        for (double p : device[i].power_w) power += p;
        max_db = std::fmax(max_db, std::fabs(10.0 * std::log10(power / host[i].total_power_w)));
      }
    }
    std::printf("| GPU block kernel, %-11s | %11.1f | %17d | %20.3g |\n", shared_used ? "shared mem" : "global mem",
                instances / kernel_s, differing, max_db);
  }
  std::printf("\n(GPU: kernel time only, from CUDA events; copies excluded)\n");
  return 0;
#endif
}
