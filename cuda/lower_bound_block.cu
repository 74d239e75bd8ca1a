// The certified lower bound's block kernel (cuda/lower_bound_block_kernel.cuh) on same-shape
// instances given as host Instances: the test/benchmark entry of cuda/lower_bound_block.hpp.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/lower_bound_block.hpp"
#include "cuda/lower_bound_block_kernel.cuh"
#include "cuda/lower_bound_block_layout.hpp"
#include "solvers/solve.hpp"

namespace leosem {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

// Device buffer freed on scope exit (the free's error is not thrown: after a fault it fails too).
template <class T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(size_t count) {
    if (count > 0) check(cudaMalloc(&data, count * sizeof(T)), "cudaMalloc");
  }
  explicit DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) {
    if (!host.empty()) check(cudaMemcpy(data, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "copy in");
  }
  ~DeviceArray() { (void)cudaFree(data); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  std::vector<T> to_host(size_t count) const {
    std::vector<T> host(count);
    if (count > 0) check(cudaMemcpy(host.data(), data, count * sizeof(T), cudaMemcpyDeviceToHost), "copy out");
    return host;
  }
};

// Dense instance-major inputs (as jcrra_block.cu's JcrraBlockBatch) as the kernel's Source.
struct BoundBatchSource {
  int users, subchannels, slots, options;
  double compression_ratios[kMaxOptions];
  double max_power_w, symbols_per_resource;
  const double* gain_per_watt;
  const int* deadline_slots;
  const int* required_resources;
  const double* images;
  const double* ssim_requirement;
  const double* snr_lin;
  const double* upper_bound_w;  // [B], or null: none
  WorkspaceCounts per_instance;
  double* scratch_doubles;
  int* scratch_ints;
  LowerBoundResult* result;

  __device__ LowerBoundBlockJob job(unsigned i) const {
    const int K = users, N = subchannels, T = slots, L = options;
    LowerBoundBlockJob job;
    InstanceView& v = job.view;
    v.users = K;
    v.subchannels = N;
    v.slots = T;
    v.options = L;
    v.gain_per_watt = gain_per_watt + i * (static_cast<size_t>(K) * N * T);
    v.deadline_slots = deadline_slots + static_cast<size_t>(i) * K;
    v.required_resources = required_resources + static_cast<size_t>(i) * K * L;
    v.images = images + static_cast<size_t>(i) * K;
    v.ssim_requirement = ssim_requirement + static_cast<size_t>(i) * K;
    v.compression_ratios = compression_ratios;
    v.max_power_w = max_power_w;
    v.symbols_per_resource = symbols_per_resource;
    job.snr_lin = snr_lin + static_cast<size_t>(i) * K * L;
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
  const int K = first.users, N = first.subchannels, T = first.slots, L = first.options;
  std::vector<double> gains, images, ssim, snr;
  std::vector<int> deadlines, required;
  for (const Instance& inst : instances) {
    if (inst.users != K || inst.subchannels != N || inst.slots != T || inst.options != L)
      throw std::invalid_argument("lower_bound_block_solve: every instance of a batch must have the same K, N, T, L");
    gains.insert(gains.end(), inst.gain_per_watt.begin(), inst.gain_per_watt.end());
    deadlines.insert(deadlines.end(), inst.deadline_slots.begin(), inst.deadline_slots.end());
    required.insert(required.end(), inst.required_resources.begin(), inst.required_resources.end());
    images.insert(images.end(), inst.images.begin(), inst.images.end());
    ssim.insert(ssim.end(), inst.ssim_requirement.begin(), inst.ssim_requirement.end());
    const std::vector<double> table = required_snr_table(inst, quality);
    snr.insert(snr.end(), table.begin(), table.end());
  }
  const size_t B = instances.size();
  DeviceArray<double> d_gains(gains), d_images(images), d_ssim(ssim), d_snr(snr), d_upper(upper_bound_w);
  DeviceArray<int> d_deadlines(deadlines), d_required(required);
  DeviceArray<LowerBoundResult> d_result(B);
  WorkspaceCarver counter;
  carve_lower_bound_block_scratch(K, N, T, L, counter);
  DeviceArray<double> d_scratch_doubles(B * counter.used.doubles);
  DeviceArray<int> d_scratch_ints(B * counter.used.ints);

  BoundBatchSource source{};
  source.users = K;
  source.subchannels = N;
  source.slots = T;
  source.options = L;
  for (int l = 0; l < L; ++l) source.compression_ratios[l] = first.params.compression_ratios[l];
  source.max_power_w = first.params.max_power_w;
  source.symbols_per_resource = first.params.bandwidth_hz / first.params.subchannels * first.params.slot_duration_s;
  source.gain_per_watt = d_gains.data;
  source.deadline_slots = d_deadlines.data;
  source.required_resources = d_required.data;
  source.images = d_images.data;
  source.ssim_requirement = d_ssim.data;
  source.snr_lin = d_snr.data;
  source.upper_bound_w = upper_bound_w.empty() ? nullptr : d_upper.data;
  source.per_instance = counter.used;
  source.scratch_doubles = d_scratch_doubles.data;
  source.scratch_ints = d_scratch_ints.data;
  source.result = d_result.data;

  cudaEvent_t start = nullptr, stop = nullptr;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  bool used = false;
  float ms = 0.0f;
  try {
    check(cudaEventRecord(start), "cudaEventRecord");
    used = launch_lower_bound_blocks(source, static_cast<unsigned>(B), K, N, T, L, options, force_global, nullptr);
    check(cudaEventRecord(stop), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "lower_bound_block_kernel (a fault inside the kernel shows here)");
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
  } catch (...) {
    (void)cudaEventDestroy(start);
    (void)cudaEventDestroy(stop);
    throw;
  }
  (void)cudaEventDestroy(start);
  (void)cudaEventDestroy(stop);
  if (shared_used) *shared_used = used;
  if (kernel_seconds) *kernel_seconds = ms / 1000.0;
  return d_result.to_host(B);
}

}  // namespace leosem
