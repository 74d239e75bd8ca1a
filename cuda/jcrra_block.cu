// Block-cooperative JCRRA (cuda/jcrra_block.hpp): one instance per block, jcrra_team over the
// block's threads.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/jcrra_block.hpp"
#include "solvers/solve.hpp"

namespace leosem {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

// The block as a team (solvers/team.hpp): items strided over the threads, barriers are
// __syncthreads, thread 0 leads. Host bodies are empty: the kernel is the only caller.
struct BlockTeam {
  template <class Work>
  __host__ __device__ void for_each(int count, Work&& work) const {
#ifdef __CUDA_ARCH__
    for (int i = static_cast<int>(threadIdx.x); i < count; i += static_cast<int>(blockDim.x)) work(i);
#endif
  }
  __host__ __device__ void sync() const {
#ifdef __CUDA_ARCH__
    __syncthreads();
#endif
  }
  __host__ __device__ bool leader() const {
#ifdef __CUDA_ARCH__
    return threadIdx.x == 0;
#else
    return true;
#endif
  }
};

// Bump allocator over typed arrays; with null bases it only counts.
struct BumpCarver {
  double* doubles = nullptr;
  int* ints = nullptr;
  unsigned char* bytes = nullptr;
  size_t used_doubles = 0, used_ints = 0, used_bytes = 0;
  __host__ __device__ double* take_doubles(size_t count) {
    double* p = doubles ? doubles + used_doubles : nullptr;
    used_doubles += count;
    return p;
  }
  __host__ __device__ int* take_ints(size_t count) {
    int* p = ints ? ints + used_ints : nullptr;
    used_ints += count;
    return p;
  }
  __host__ __device__ unsigned char* take_bytes(size_t count) {
    unsigned char* p = bytes ? bytes + used_bytes : nullptr;
    used_bytes += count;
    return p;
  }
};

// One instance's global scratch: JCRRA's workspace plus Greedy JSCC's (order, key, busy) and
// the slot powers. Counting and carving are this one function.
__host__ __device__ JcrraWorkspace carve_block_scratch(int K, int N, int T, int L, BumpCarver& c) {
  JcrraWorkspace ws = carve_jcrra_workspace(K, N, T, L, c);
  const size_t knt = static_cast<size_t>(K) * N * T;
  ws.greedy.order = c.take_ints(knt);
  ws.greedy.key = c.take_doubles(knt);
  ws.greedy.busy = c.take_bytes(static_cast<size_t>(K) * T);
  ws.slot_power_w = c.take_doubles(static_cast<size_t>(T));
  return ws;
}

__global__ void __launch_bounds__(kJcrraBlockThreads)
    jcrra_block_kernel(JcrraBlockBatch b, JcrraOptions options, JcrraBlockScratch per_instance, bool use_shared) {
  extern __shared__ double shared_state[];
  const size_t i = blockIdx.x;
  const int K = b.users, N = b.subchannels, T = b.slots, L = b.options;
  const size_t knt = static_cast<size_t>(K) * N * T, nt = static_cast<size_t>(N) * T;
  InstanceView v;
  v.users = K;
  v.subchannels = N;
  v.slots = T;
  v.options = L;
  v.gain_per_watt = b.gain_per_watt + i * knt;
  v.deadline_slots = b.deadline_slots + i * K;
  v.required_resources = b.required_resources + i * K * L;
  v.images = b.images + i * K;
  v.ssim_requirement = b.ssim_requirement + i * K;
  v.compression_ratios = b.compression_ratios;
  v.max_power_w = b.max_power_w;
  v.symbols_per_resource = b.symbols_per_resource;
  BumpCarver global;
  global.doubles = b.scratch_doubles + i * per_instance.doubles;
  global.ints = b.scratch_ints + i * per_instance.ints;
  global.bytes = b.scratch_bytes + i * per_instance.bytes;
  JcrraWorkspace ws = carve_block_scratch(K, N, T, L, global);
  if (use_shared) {
    BumpCarver on_chip;
    on_chip.doubles = shared_state;
    carve_jcrra_shared_state(K, N, T, L, options.mixed_precision, on_chip, ws);
  }
  SolutionBuffers out{b.option + i * K, b.resources + i * K, b.assigned_ue + i * nt, b.power_w + i * nt};
  const CoreResult result = jcrra_team(BlockTeam(), v, b.snr_lin + i * K * L, options, ws, out);
  if (threadIdx.x == 0) b.result[i] = result;
}

// Device buffer freed on scope exit.
template <class T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(size_t count) {
    if (count > 0) check(cudaMalloc(&data, count * sizeof(T)), "cudaMalloc");
  }
  DeviceArray(const std::vector<T>& host) : DeviceArray(host.size()) {
    if (!host.empty()) check(cudaMemcpy(data, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "copy in");
  }
  ~DeviceArray() { cudaFree(data); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  std::vector<T> to_host(size_t count) const {
    std::vector<T> host(count);
    if (count > 0) check(cudaMemcpy(host.data(), data, count * sizeof(T), cudaMemcpyDeviceToHost), "copy out");
    return host;
  }
};

}  // namespace

JcrraBlockScratch jcrra_block_scratch(int users, int subchannels, int slots, int options) {
  BumpCarver counter;
  carve_block_scratch(users, subchannels, slots, options, counter);
  return {counter.used_doubles, counter.used_ints, counter.used_bytes};
}

size_t jcrra_block_shared_bytes(int users, int subchannels, int slots, int options, bool mixed_precision) {
  BumpCarver counter;
  JcrraWorkspace ws;
  carve_jcrra_shared_state(users, subchannels, slots, options, mixed_precision, counter, ws);
  return counter.used_doubles * sizeof(double);
}

bool launch_jcrra_block(const JcrraBlockBatch& batch, const JcrraOptions& options, bool force_global, void* stream) {
  if (batch.instances <= 0) return false;
  int device = 0, shared_limit = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&shared_limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "shared limit");
  const size_t shared_bytes =
      jcrra_block_shared_bytes(batch.users, batch.subchannels, batch.slots, batch.options, options.mixed_precision);
  const bool use_shared = !force_global && shared_bytes <= static_cast<size_t>(shared_limit);
  if (use_shared)  // opt in to the large shared-memory carve-out (above 48 KB)
    check(cudaFuncSetAttribute(jcrra_block_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(shared_bytes)),
          "cudaFuncSetAttribute");
  const JcrraBlockScratch per = jcrra_block_scratch(batch.users, batch.subchannels, batch.slots, batch.options);
  jcrra_block_kernel<<<batch.instances, kJcrraBlockThreads, use_shared ? shared_bytes : 0,
                       static_cast<cudaStream_t>(stream)>>>(batch, options, per, use_shared);
  check(cudaGetLastError(), "jcrra_block_kernel launch");
  return use_shared;
}

std::vector<JcrraBlockSolution> jcrra_block_solve(const std::vector<Instance>& instances, const QualityModel& quality,
                                                  const JcrraOptions& options, bool force_global, bool* shared_used,
                                                  double* kernel_seconds) {
  std::vector<JcrraBlockSolution> solutions(instances.size());
  if (instances.empty()) return solutions;
  const Instance& first = instances.front();
  const int K = first.users, N = first.subchannels, T = first.slots, L = first.options;
  std::vector<double> gains, images, ssim, snr;
  std::vector<int> deadlines, required;
  for (const Instance& inst : instances) {
    if (inst.users != K || inst.subchannels != N || inst.slots != T || inst.options != L)
      throw std::invalid_argument("jcrra_block_solve: every instance of a batch must have the same K, N, T, L");
    gains.insert(gains.end(), inst.gain_per_watt.begin(), inst.gain_per_watt.end());
    deadlines.insert(deadlines.end(), inst.deadline_slots.begin(), inst.deadline_slots.end());
    required.insert(required.end(), inst.required_resources.begin(), inst.required_resources.end());
    images.insert(images.end(), inst.images.begin(), inst.images.end());
    ssim.insert(ssim.end(), inst.ssim_requirement.begin(), inst.ssim_requirement.end());
    const std::vector<double> table = required_snr_table(inst, quality);
    snr.insert(snr.end(), table.begin(), table.end());
  }
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

  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  check(cudaEventRecord(start), "cudaEventRecord");
  const bool used = launch_jcrra_block(batch, options, force_global);
  check(cudaEventRecord(stop), "cudaEventRecord");
  check(cudaEventSynchronize(stop), "jcrra_block_kernel");
  float ms = 0.0f;
  check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
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
