// Block-cooperative JCRRA (cuda/jcrra_block.hpp) on same-shape instances given as dense arrays:
// the kernel of cuda/jcrra_block_kernel.cuh over a JcrraBlockBatch.
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

// The instances of a JcrraBlockBatch (dense, instance-major) as the kernel's Source.
struct BatchSource {
  JcrraBlockBatch b;
  JcrraBlockScratch per_instance;
  __device__ JcrraBlockJob job(unsigned i) const {
    const int K = b.users, N = b.subchannels, T = b.slots, L = b.options;
    const size_t knt = static_cast<size_t>(K) * N * T, nt = static_cast<size_t>(N) * T;
    JcrraBlockJob job;
    InstanceView& v = job.view;
    v.users = K;
    v.subchannels = N;
    v.slots = T;
    v.options = L;
    v.gain_per_watt = b.gain_per_watt + i * knt;
    v.deadline_slots = b.deadline_slots + static_cast<size_t>(i) * K;
    v.required_resources = b.required_resources + static_cast<size_t>(i) * K * L;
    v.images = b.images + static_cast<size_t>(i) * K;
    v.ssim_requirement = b.ssim_requirement + static_cast<size_t>(i) * K;
    v.compression_ratios = b.compression_ratios;
    v.max_power_w = b.max_power_w;
    v.symbols_per_resource = b.symbols_per_resource;
    WorkspaceCarver global;
    global.doubles = b.scratch_doubles + i * per_instance.doubles;
    global.ints = b.scratch_ints + i * per_instance.ints;
    global.bytes = b.scratch_bytes + i * per_instance.bytes;
    job.ws = carve_jcrra_block_scratch(K, N, T, L, global);
    job.snr_lin = b.snr_lin + static_cast<size_t>(i) * K * L;
    job.out = SolutionBuffers{b.option + static_cast<size_t>(i) * K, b.resources + static_cast<size_t>(i) * K,
                              b.assigned_ue + i * nt, b.power_w + i * nt};
    return job;
  }
  __device__ void store(unsigned i, const CoreResult& result) const { b.result[i] = result; }
};

}  // namespace

JcrraBlockScratch jcrra_block_scratch(int users, int subchannels, int slots, int options) {
  WorkspaceCarver counter;
  carve_jcrra_block_scratch(users, subchannels, slots, options, counter);
  return {counter.used.doubles, counter.used.ints, counter.used.bytes};
}

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

bool launch_jcrra_block(const JcrraBlockBatch& batch, const JcrraOptions& options, bool force_global, void* stream) {
  if (batch.instances <= 0) return false;
  const BatchSource source{batch, jcrra_block_scratch(batch.users, batch.subchannels, batch.slots, batch.options)};
  return launch_jcrra_blocks(source, static_cast<unsigned>(batch.instances), batch.users, batch.subchannels,
                             batch.live_slots > 0 && batch.live_slots < batch.slots ? batch.live_slots : batch.slots,
                             batch.options, options, force_global, static_cast<cudaStream_t>(stream));
}

std::vector<JcrraBlockSolution> jcrra_block_solve(const std::vector<Instance>& instances, const QualityModel& quality,
                                                  const JcrraOptions& options, bool force_global, bool* shared_used,
                                                  double* kernel_seconds) {
  std::vector<JcrraBlockSolution> solutions(instances.size());
  if (instances.empty()) return solutions;
  const Instance& first = instances.front();
  const PackedInstances packed = pack_instances(instances, quality, "jcrra_block_solve");
  const int K = packed.K, N = packed.N, T = packed.T, L = packed.L;
  const std::vector<double>&gains = packed.gains, &images = packed.images, &ssim = packed.ssim, &snr = packed.snr;
  const std::vector<int>&deadlines = packed.deadlines, &required = packed.required;
  const size_t B = instances.size(), nt = static_cast<size_t>(N) * T;
  DeviceArray<double> d_gains(gains), d_images(images), d_ssim(ssim), d_snr(snr);
  DeviceArray<int> d_deadlines(deadlines), d_required(required);
  DeviceArray<int> d_option(B * K), d_resources(B * K), d_assigned(B * nt);
  DeviceArray<double> d_power(B * nt);
  DeviceArray<CoreResult> d_result(B);
  const JcrraBlockScratch per = jcrra_block_scratch(K, N, T, L);
  DeviceArray<double> d_scratch_doubles(B * per.doubles);
  DeviceArray<int> d_scratch_ints(B * per.ints);
  DeviceArray<unsigned char> d_scratch_bytes(B * per.bytes);

  JcrraBlockBatch batch;
  batch.instances = static_cast<int>(B);
  batch.users = K;
  batch.subchannels = N;
  batch.slots = T;
  batch.options = L;
  for (const Instance& inst : instances)
    for (int d : inst.deadline_slots) batch.live_slots = std::max(batch.live_slots, std::min(d, T));
  for (int l = 0; l < L; ++l) batch.compression_ratios[l] = first.params.compression_ratios[l];
  batch.max_power_w = first.params.max_power_w;
  batch.symbols_per_resource = first.params.bandwidth_hz / first.params.subchannels * first.params.slot_duration_s;
  batch.gain_per_watt = d_gains.data;
  batch.deadline_slots = d_deadlines.data;
  batch.required_resources = d_required.data;
  batch.images = d_images.data;
  batch.ssim_requirement = d_ssim.data;
  batch.snr_lin = d_snr.data;
  batch.option = d_option.data;
  batch.resources = d_resources.data;
  batch.assigned_ue = d_assigned.data;
  batch.power_w = d_power.data;
  batch.result = d_result.data;
  batch.scratch_doubles = d_scratch_doubles.data;
  batch.scratch_ints = d_scratch_ints.data;
  batch.scratch_bytes = d_scratch_bytes.data;

  Event start, stop;
  check(cudaEventRecord(start.event), "cudaEventRecord");
  const bool used = launch_jcrra_block(batch, options, force_global);
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
