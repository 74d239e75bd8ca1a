// The certified lower bound's block kernel (cuda/lower_bound_block_kernel.cuh) on same-shape
// instances given as host Instances: the test/benchmark entry of cuda/lower_bound_block.hpp.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/lower_bound_block.hpp"
#include "cuda/lower_bound_block_kernel.cuh"
#include "cuda/lower_bound_block_layout.hpp"
#include "cuda/block_entry.hpp"
#include "solvers/solve.hpp"

namespace leosem {
namespace {

using namespace block_entry;

// Same-shape instances on the device (BlockInstanceInputs), an optional target per instance, one
// result and one global scratch slot per instance, as the kernel's Source.
struct BoundBatchSource : BlockInstanceInputs {
  const double* upper_bound_w;  // [B], or null: none
  WorkspaceCounts per_instance;
  double* scratch_doubles;
  int* scratch_ints;
  LowerBoundResult* result;

  __device__ LowerBoundBlockJob job(unsigned i) const {
    const int K = users, N = subchannels, T = slots, L = options;
    LowerBoundBlockJob job;
    job.view = instance_view(i);
    job.snr_lin = instance_snr(i);
    job.upper_bound_w = upper_bound_w ? upper_bound_w[i] : 0.0;
    WorkspaceCarver global;
    global.doubles = scratch_doubles + i * per_instance.doubles;
    global.ints = scratch_ints + i * per_instance.ints;
    job.ws = carve_lower_bound_block_scratch(K, N, T, L, global);
    return job;
  }
  __device__ void store(unsigned i, const LowerBoundResult& r) const { result[i] = r; }
};

}  // namespace

size_t lower_bound_block_shared_bytes(int users, int subchannels, int slots, int options) {
  return lower_bound_block_shared_doubles(users, subchannels, slots, options) * sizeof(double);
}

std::vector<LowerBoundResult> lower_bound_block_solve(const std::vector<Instance>& instances,
                                                      const QualityModel& quality,
                                                      const std::vector<double>& upper_bound_w,
                                                      const LowerBoundOptions& options, bool force_global,
                                                      bool* shared_used, double* kernel_seconds) {
  if (instances.empty()) return {};
  if (!upper_bound_w.empty() && upper_bound_w.size() != instances.size())
    throw std::invalid_argument("lower_bound_block_solve: upper_bound_w must be empty or one per instance");
  const Instance& first = instances.front();
  const PackedInstances packed = pack_instances(instances, quality, "lower_bound_block_solve");
  const int K = packed.K, N = packed.N, T = packed.T, L = packed.L;
  const size_t B = instances.size();
  const DeviceInstances device(packed);
  DeviceArray<double> d_upper(upper_bound_w);
  DeviceArray<LowerBoundResult> d_result(B);
  WorkspaceCarver counter;
  carve_lower_bound_block_scratch(K, N, T, L, counter);
  DeviceArray<double> d_scratch_doubles(B * counter.used.doubles);
  DeviceArray<int> d_scratch_ints(B * counter.used.ints);

  BoundBatchSource source{};
  device.fill(source, packed, first);
  source.upper_bound_w = upper_bound_w.empty() ? nullptr : d_upper.data;
  source.per_instance = counter.used;
  source.scratch_doubles = d_scratch_doubles.data;
  source.scratch_ints = d_scratch_ints.data;
  source.result = d_result.data;

  Event start, stop;
  float ms = 0.0f;
  check(cudaEventRecord(start.event), "cudaEventRecord");
  const bool used =
      launch_lower_bound_blocks(source, static_cast<unsigned>(B), K, N, T, L, options, force_global, nullptr);
  check(cudaEventRecord(stop.event), "cudaEventRecord");
  check(cudaEventSynchronize(stop.event), "lower_bound_block_kernel (a fault inside the kernel shows here)");
  check(cudaEventElapsedTime(&ms, start.event, stop.event), "cudaEventElapsedTime");
  if (shared_used) *shared_used = used;
  if (kernel_seconds) *kernel_seconds = ms / 1000.0;
  return d_result.to_host(B);
}

}  // namespace leosem
