// The cuda backend of the sweep's batched operation (backends/sweep_batch.hpp). Per chunk of
// instances of one point, on one stream: gains (one thread per (instance, UE, slot)), demands
// (per (instance, UE)), required-SNR tables (per instance), then one kernel per device-capable
// algorithm, each a thin launcher over the shared per-item functions: one thread per instance
// for the greedy baselines, one block per instance for JCRRA (cuda/jcrra_block_kernel.cuh);
// only the per-instance results come back, into pinned host memory. exact and mcf run on host
// threads (OpenMP, backends/sweep_batch_cpu.cpp) over the same instances while the device works. The quality grid and the
// JPEG table are copied to the device once per point; device buffers are thrust vectors (RAII),
// sized once for the largest chunk, and chunks are sized from the device's free memory.
#include <cuda_runtime.h>
#include <thrust/device_vector.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "backends/sweep_batch.hpp"
#include "cuda/jcrra_block_kernel.cuh"

namespace leosem {
namespace {

void check(cudaError_t status, const std::string& what) {
  if (status != cudaSuccess)
    throw std::runtime_error("CUDA error in " + what + ": " + cudaGetErrorString(status));
}

template <typename T>
T* raw(thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

// Page-locked host memory (asynchronous copies from the device land here).
template <typename T>
class PinnedArray {
 public:
  PinnedArray() = default;
  ~PinnedArray() { release(); }
  PinnedArray(const PinnedArray&) = delete;
  PinnedArray& operator=(const PinnedArray&) = delete;
  void resize(size_t count) {
    if (count <= count_) return;
    release();
    check(cudaMallocHost(reinterpret_cast<void**>(&data_), count * sizeof(T)), "cudaMallocHost");
    count_ = count;
  }
  T* data() { return data_; }

 private:
  void release() {
    if (data_) cudaFreeHost(data_);
    data_ = nullptr;
    count_ = 0;
  }
  T* data_ = nullptr;
  size_t count_ = 0;
};

unsigned grid_for(size_t work, unsigned block) {
  const size_t blocks = (work + block - 1) / block;
  return static_cast<unsigned>(std::min<size_t>(std::max<size_t>(blocks, 1), 1u << 30));
}

__global__ void gains_kernel(ScenarioParams params, InstanceRange range, InstanceBlockView block) {
  const size_t K = static_cast<size_t>(params.users), T = static_cast<size_t>(params.slots);
  const size_t work = range.count * K * T;
  for (size_t item = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; item < work;
       item += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const size_t b = item / (K * T), k = (item / T) % K, t = item % T;  // t fastest: coalesced writes
    block_fill_gains(params, range, block, static_cast<uint32_t>(b), static_cast<int>(k), static_cast<int>(t));
  }
}

__global__ void demand_kernel(ScenarioParams params, InstanceRange range, InstanceBlockView block) {
  const size_t K = static_cast<size_t>(params.users);
  const size_t work = range.count * K;
  for (size_t item = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; item < work;
       item += static_cast<size_t>(gridDim.x) * blockDim.x)
    block_fill_demand(params, range, block, static_cast<uint32_t>(item / K), static_cast<int>(item % K));
}

struct DeviceArena {
  WorkspaceDims dims;
  WorkspaceNeeds needs;
  WorkspaceCounts per_slot;
  double* doubles;
  int* ints;
  unsigned char* bytes;
  LEOSEM_HD InstanceWorkspace slot(size_t b) const {
    return arena_slot(dims, needs, per_slot, doubles, ints, bytes, b);
  }
};

__global__ void required_snr_kernel(PointCoreInputs core, InstanceBlockView block, DeviceArena arena) {
  const uint32_t b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= block.count) return;
  fill_required_snr(block_instance_view(block, b), core.quality, arena.slot(b).snr_lin);
}

// The greedy baselines, one thread per instance (JCRRA runs one block per instance: SweepJcrraSource).
__global__ void solve_kernel(Algorithm algorithm, PointCoreInputs core, InstanceBlockView block, DeviceArena arena,
                             StoredResult* results) {
  const uint32_t b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= block.count) return;
  results[b] = solve_greedy_core(algorithm, core, block_instance_view(block, b), arena.slot(b));
}

// JCRRA's instances of a chunk as the block kernel's Source (cuda/jcrra_block_kernel.cuh): each
// block solves instance i in arena slot i (its relaxed state moved to shared memory when it fits).
struct SweepJcrraSource {
  InstanceBlockView block;
  DeviceArena arena;
  StoredResult* results;
  __device__ JcrraBlockJob job(unsigned i) const {
    const InstanceWorkspace ws = arena.slot(i);
    JcrraBlockJob job;
    job.view = block_instance_view(block, i);
    job.snr_lin = ws.snr_lin;
    job.ws = ws.jcrra;
    job.out = ws.solution;
    return job;
  }
  __device__ void store(unsigned i, const CoreResult& result) const { results[i] = stored_from_core(result); }
};

std::string cuda_version_text(int version) {  // 13000 → "13.0"
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

class CudaBackend final : public SweepBatchBackend {
 public:
  CudaBackend(int device, uint32_t max_chunk) : device_(device), max_chunk_(std::max<uint32_t>(max_chunk, 1)) {
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    if (device < 0 || device >= count)
      throw std::runtime_error("--device " + std::to_string(device) + ": " + std::to_string(count) +
                               " CUDA device(s) visible");
    check(cudaSetDevice(device), "cudaSetDevice");
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    int driver = 0, runtime = 0;
    check(cudaDriverGetVersion(&driver), "cudaDriverGetVersion");
    check(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
    identity_ = {"cuda",
                 std::string(prop.name) + " (device " + std::to_string(device) + ", sm_" +
                     std::to_string(prop.major) + std::to_string(prop.minor) + ")",
                 cuda_version_text(driver), cuda_version_text(runtime)};
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  }
  ~CudaBackend() override {
    if (stream_) cudaStreamDestroy(stream_);
  }

  RunIdentity identity() const override { return identity_; }

  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    check(cudaSetDevice(device_), "cudaSetDevice");
    point_ = make_point_setup(config, algorithms);
    device_core_ = point_.core;
    // Host pointers would fault in a kernel: the grid and the table go to the device, once per point.
    if (point_.core.quality.kind == QualityKind::Grid) {
      const GridQualityView& g = point_.core.quality.grid;
      grid_rho_.assign(g.rho, g.rho + g.rho_count);
      grid_snr_.assign(g.snr_db, g.snr_db + g.snr_count);
      grid_ssim_.assign(g.ssim, g.ssim + static_cast<size_t>(g.rho_count) * g.snr_count);
      device_core_.quality.grid.rho = raw(grid_rho_);
      device_core_.quality.grid.snr_db = raw(grid_snr_);
      device_core_.quality.grid.ssim = raw(grid_ssim_);
    }
    if (point_.core.jpeg.count > 0) {
      const JpegTableView& t = point_.core.jpeg;
      jpeg_ssim_.assign(t.mean_ssim, t.mean_ssim + t.count);
      jpeg_bits_.assign(t.bits_per_image, t.bits_per_image + t.count);
      device_core_.jpeg.mean_ssim = raw(jpeg_ssim_);
      device_core_.jpeg.bits_per_image = raw(jpeg_bits_);
    }
    per_slot_ = instance_workspace_counts(point_.dims, point_.needs);
  }

  uint32_t chunk_instances(uint32_t block_size) const override {
    size_t free_bytes = 0, total_bytes = 0;
    check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    // What this backend holds now is reusable for the next chunk.
    return chunk_instances_for_memory(free_bytes + held_bytes(), bytes_per_instance(), block_size, max_chunk_);
  }

  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    if (!point_.config) throw std::logic_error("cuda backend: evaluate() before prepare_point()");
    const ScenarioParams& params = point_.config->params;
    const size_t algorithms = point_.algorithms.size();
    results.assign(algorithms * range.count, StoredResult{std::nan(""), -1, 0});
    if (range.count == 0) return;
    reserve(range.count, algorithms);

    const WorkspaceDims& d = point_.dims;
    InstanceBlockView block;
    block.count = range.count;
    block.dims = d;
    block.gain_per_watt = raw(gains_);
    block.deadline_slots = raw(deadline_);
    block.required_resources = raw(required_);
    block.images = raw(images_);
    block.ssim_requirement = raw(ssim_requirement_);
    for (int l = 0; l < kMaxOptions; ++l) block.compression_ratios[l] = params.compression_ratios[l];
    block.max_power_w = params.max_power_w;
    block.symbols_per_resource = params.bandwidth_hz / params.subchannels * params.slot_duration_s;
    const DeviceArena arena{d, point_.needs, per_slot_, raw(arena_doubles_), raw(arena_ints_), raw(arena_bytes_)};

    const unsigned threads = 128;
    const size_t K = static_cast<size_t>(d.users), T = static_cast<size_t>(d.slots);
    gains_kernel<<<grid_for(range.count * K * T, 256), 256, 0, stream_>>>(params, range, block);
    check(cudaGetLastError(), "gains_kernel launch");
    demand_kernel<<<grid_for(range.count * K, threads), threads, 0, stream_>>>(params, range, block);
    check(cudaGetLastError(), "demand_kernel launch");
    required_snr_kernel<<<grid_for(range.count, threads), threads, 0, stream_>>>(device_core_, block, arena);
    check(cudaGetLastError(), "required_snr_kernel launch");
    for (size_t a = 0; a < algorithms; ++a) {
      if (!runs_on_core(point_.algorithms[a])) continue;
      if (point_.algorithms[a] == Algorithm::Jcrra) {  // one block per instance
        const SweepJcrraSource source{block, arena, raw(results_) + a * range.count};
        launch_jcrra_blocks(source, range.count, d.users, d.subchannels, d.slots, d.options, device_core_.jcrra,
                            false, stream_);
        continue;
      }
      solve_kernel<<<grid_for(range.count, threads), threads, 0, stream_>>>(point_.algorithms[a], device_core_, block,
                                                                          arena, raw(results_) + a * range.count);
      check(cudaGetLastError(), std::string(to_string(point_.algorithms[a])) + " kernel launch");
    }
    check(cudaMemcpyAsync(pinned_.data(), raw(results_), algorithms * range.count * sizeof(StoredResult),
                          cudaMemcpyDeviceToHost, stream_),
          "copying results to the host");

    // exact / mcf: on host threads, over the same instances, while the device works.
    std::exception_ptr failure;
    try {
      solve_host_algorithms_parallel(point_, range, results.data());
    } catch (...) {
      failure = std::current_exception();
    }
    check(cudaStreamSynchronize(stream_), "the sweep kernels");
    if (failure) std::rethrow_exception(failure);
    for (size_t a = 0; a < algorithms; ++a)
      if (runs_on_core(point_.algorithms[a]))
        std::copy(pinned_.data() + a * range.count, pinned_.data() + (a + 1) * range.count,
                  results.begin() + static_cast<long>(a * range.count));
  }

 private:
  size_t bytes_per_instance() const {
    const size_t K = static_cast<size_t>(point_.dims.users), L = static_cast<size_t>(point_.dims.options);
    return block_gain_stride(point_.dims) * sizeof(double) + K * (2 * sizeof(double) + sizeof(int)) +
           K * L * sizeof(int) + workspace_bytes(per_slot_) + point_.algorithms.size() * sizeof(StoredResult);
  }
  size_t held_bytes() const {
    return (gains_.size() + images_.size() + ssim_requirement_.size() + arena_doubles_.size()) * sizeof(double) +
           (deadline_.size() + required_.size() + arena_ints_.size()) * sizeof(int) + arena_bytes_.size() +
           results_.size() * sizeof(StoredResult);
  }
  // Device buffers for `count` instances of the current point (grown, never shrunk, while they fit).
  void reserve(uint32_t count, size_t algorithms) {
    const WorkspaceDims& d = point_.dims;
    const size_t K = static_cast<size_t>(d.users), L = static_cast<size_t>(d.options);
    const auto grow = [](auto& v, size_t n) {
      if (v.size() >= n) return;
      v.clear();
      v.shrink_to_fit();  // free first: the old and the new need not fit together
      v.resize(n);
    };
    grow(gains_, count * block_gain_stride(d));
    grow(images_, count * K);
    grow(ssim_requirement_, count * K);
    grow(deadline_, count * K);
    grow(required_, count * K * L);
    grow(arena_doubles_, std::max<size_t>(1, count * per_slot_.doubles));
    grow(arena_ints_, std::max<size_t>(1, count * per_slot_.ints));
    grow(arena_bytes_, std::max<size_t>(1, count * per_slot_.bytes));
    grow(results_, count * algorithms);
    pinned_.resize(count * algorithms);
  }

  int device_;
  uint32_t max_chunk_;
  cudaStream_t stream_ = nullptr;
  RunIdentity identity_;
  PointSetup point_;
  PointCoreInputs device_core_;
  WorkspaceCounts per_slot_;
  thrust::device_vector<double> grid_rho_, grid_snr_, grid_ssim_, jpeg_ssim_, jpeg_bits_;
  thrust::device_vector<double> gains_, images_, ssim_requirement_, arena_doubles_;
  thrust::device_vector<int> deadline_, required_, arena_ints_;
  thrust::device_vector<unsigned char> arena_bytes_;
  thrust::device_vector<StoredResult> results_;
  PinnedArray<StoredResult> pinned_;
};

}  // namespace

std::unique_ptr<SweepBatchBackend> make_cuda_backend(int device, uint32_t max_chunk_instances) {
  return std::make_unique<CudaBackend>(device, max_chunk_instances);
}

}  // namespace leosem
