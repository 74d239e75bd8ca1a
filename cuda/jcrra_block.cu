// Block-cooperative JCRRA (cuda/jcrra_block.hpp) on same-shape instances given as dense arrays:
// the kernel of cuda/jcrra_block_kernel.cuh over the packed batch (block_entry.hpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cuda/jcrra_block.hpp"
#include "cuda/jcrra_block_kernel.cuh"
#include "cuda/jcrra_block_layout.hpp"
#include "cuda/block_entry.hpp"
#include "solvers/solve.hpp"

namespace leosem {
namespace {

using namespace block_entry;

// Same-shape instances on the device (BlockInstanceInputs), outputs [B][K] and [B][N*T] and one
// global scratch slot per instance, as the kernel's Source.
struct BatchSource : BlockInstanceInputs {
  int* option;
  int* resources;
  int* assigned_ue;
  double* power_w;
  CoreResult* result;
  WorkspaceCounts per_instance;
  double* scratch_doubles;
  int* scratch_ints;
  unsigned char* scratch_bytes;

  __device__ JcrraBlockJob job(unsigned i) const {
    const int K = users, N = subchannels, T = slots, L = options;
    const size_t nt = static_cast<size_t>(N) * T;
    JcrraBlockJob job;
    job.view = instance_view(i);
    WorkspaceCarver global;
    global.doubles = scratch_doubles + i * per_instance.doubles;
    global.ints = scratch_ints + i * per_instance.ints;
    global.bytes = scratch_bytes + i * per_instance.bytes;
    job.ws = carve_jcrra_block_scratch(K, N, T, L, global);
    job.snr_lin = instance_snr(i);
    job.out = SolutionBuffers{option + static_cast<size_t>(i) * K, resources + static_cast<size_t>(i) * K,
                              assigned_ue + i * nt, power_w + i * nt};
    return job;
  }
  __device__ void store(unsigned i, const CoreResult& r) const { result[i] = r; }
};

}  // namespace

size_t jcrra_block_shared_bytes(int users, int subchannels, int live_slots, int options, bool mixed_precision) {
  return jcrra_block_shared_doubles(users, subchannels, live_slots, options, mixed_precision) * sizeof(double);
}

bool jcrra_block_fits_shared(size_t shared_bytes) {
  int device = 0, shared_limit = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&shared_limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device),
        "cudaDeviceGetAttribute (opt-in shared memory per block)");
  return shared_bytes <= static_cast<size_t>(shared_limit);
}

std::vector<JcrraBlockSolution> jcrra_block_solve(const std::vector<Instance>& instances, const QualityModel& quality,
                                                  const JcrraOptions& options, bool force_global, bool* shared_used,
                                                  double* kernel_seconds) {
  std::vector<JcrraBlockSolution> solutions(instances.size());
  if (instances.empty()) return solutions;
  const Instance& first = instances.front();
  const PackedInstances packed = pack_instances(instances, quality, "jcrra_block_solve");
  const int K = packed.K, N = packed.N, T = packed.T, L = packed.L;
  const size_t B = instances.size(), nt = static_cast<size_t>(N) * T;
  const DeviceInstances device(packed);
  DeviceArray<int> d_option(B * K), d_resources(B * K), d_assigned(B * nt);
  DeviceArray<double> d_power(B * nt);
  DeviceArray<CoreResult> d_result(B);
  WorkspaceCarver counter;  // one instance's global scratch
  carve_jcrra_block_scratch(K, N, T, L, counter);
  DeviceArray<double> d_scratch_doubles(B * counter.used.doubles);
  DeviceArray<int> d_scratch_ints(B * counter.used.ints);
  DeviceArray<unsigned char> d_scratch_bytes(B * counter.used.bytes);
  int live_slots = 0;  // the largest deadline of the batch: sizes the shared memory
  for (const Instance& inst : instances)
    for (int d : inst.deadline_slots) live_slots = std::max(live_slots, std::min(d, T));

  BatchSource source{};
  device.fill(source, packed, first);
  source.option = d_option.data;
  source.resources = d_resources.data;
  source.assigned_ue = d_assigned.data;
  source.power_w = d_power.data;
  source.result = d_result.data;
  source.per_instance = counter.used;
  source.scratch_doubles = d_scratch_doubles.data;
  source.scratch_ints = d_scratch_ints.data;
  source.scratch_bytes = d_scratch_bytes.data;

  Event start, stop;
  check(cudaEventRecord(start.event), "cudaEventRecord");
  const bool used = launch_jcrra_blocks(source, static_cast<unsigned>(B), K, N, live_slots > 0 ? live_slots : T, L,
                                        options, force_global, nullptr);
  check(cudaEventRecord(stop.event), "cudaEventRecord");
  check(cudaEventSynchronize(stop.event), "jcrra_block_kernel (a fault inside the kernel shows here)");
  float ms = 0.0f;
  check(cudaEventElapsedTime(&ms, start.event, stop.event), "cudaEventElapsedTime");
  if (shared_used) *shared_used = used;
  if (kernel_seconds) *kernel_seconds = ms / 1000.0;

  const std::vector<int> option = d_option.to_host(B * K), resources = d_resources.to_host(B * K),
                         assigned = d_assigned.to_host(B * nt);
  const std::vector<double> power = d_power.to_host(B * nt);
  const std::vector<CoreResult> result = d_result.to_host(B);
  for (size_t i = 0; i < B; ++i) {
    JcrraBlockSolution& s = solutions[i];
    s.core = result[i];
    s.option.assign(option.begin() + i * K, option.begin() + (i + 1) * K);
    s.resources.assign(resources.begin() + i * K, resources.begin() + (i + 1) * K);
    s.assigned_ue.assign(assigned.begin() + i * nt, assigned.begin() + (i + 1) * nt);
    s.power_w.assign(power.begin() + i * nt, power.begin() + (i + 1) * nt);
  }
  return solutions;
}

}  // namespace leosem
