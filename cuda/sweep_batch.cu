// The cuda backend of the sweep's batched operation (backends/sweep_batch.hpp). Per chunk of
// instances of one point, on one stream: gains (one thread per (instance, UE, slot)), demands
// (per (instance, UE)), required-SNR tables (per instance), then one kernel per device-capable
// algorithm, each a thin launcher over the shared per-item functions: one thread per instance
// for the greedy baselines, one block per instance for JCRRA (cuda/jcrra_block_kernel.cuh) and
// the lower bound (cuda/lower_bound_block_kernel.cuh; launched last, its target the others' best);
// only the per-instance results come back, into pinned host memory. exact and mcf run on host
// threads (OpenMP, backends/sweep_batch_cpu.cpp) over the same instances while the device works.
// The quality grid and the JPEG table are copied to the device once per point; device buffers
// (DeviceBuffer: RAII, a destructor that never throws) are freed at each prepare_point() and
// grown for the point's largest chunk, and chunks are sized from the device's free memory at the
// prepared point's bytes per instance (the contract: backends/sweep_batch.hpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "backends/sweep_batch.hpp"
#include "cuda/jcrra_block_kernel.cuh"
#include "cuda/lower_bound_block_kernel.cuh"

namespace leosem {
namespace {

void check(cudaError_t status, const std::string& what) {
  if (status != cudaSuccess)
    throw std::runtime_error("CUDA error in " + what + ": " + cudaGetErrorString(status));
}

// Releases that failed in a destructor (after a sticky device error, cudaFree fails too): never
// thrown, since a destructor may run while the error that caused them unwinds; the first is
// written to stderr (the device memory may stay held until the process ends), the rest counted.
std::atomic<long> g_failed_releases{0};

void report_failed_release(cudaError_t status) noexcept {
  if (g_failed_releases.fetch_add(1, std::memory_order_relaxed) == 0)
    std::fprintf(stderr, "leosem: warning: freeing device memory failed (%s); later such failures are not shown\n",
                 cudaGetErrorString(status));
}

// One device array, owned: freed by release() (whose error the caller may check) or by the
// destructor (which swallows it). Grows by free-then-allocate: old and new need not fit together.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() {
    const cudaError_t status = release();
    if (status != cudaSuccess) report_failed_release(status);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  // At least `count` elements (at least one, so that data() is a valid device pointer).
  void reserve(size_t count, const char* name) {
    count = std::max<size_t>(count, 1);
    if (count <= capacity_) return;
    check(release(), std::string("cudaFree (") + name + ")");
    check(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)),
          std::string("cudaMalloc (") + name + ", " + std::to_string(count * sizeof(T)) + " bytes)");
    capacity_ = count;
  }
  // A device copy of host[0, count).
  void assign(const T* host, size_t count, const char* name) {
    reserve(count, name);
    if (count > 0)
      check(cudaMemcpy(data_, host, count * sizeof(T), cudaMemcpyHostToDevice), std::string("copying ") + name);
  }
  cudaError_t release() noexcept {
    const cudaError_t status = data_ ? cudaFree(data_) : cudaSuccess;
    data_ = nullptr;
    capacity_ = 0;
    return status;
  }
  T* data() const { return data_; }
  size_t bytes() const { return capacity_ * sizeof(T); }

 private:
  T* data_ = nullptr;
  size_t capacity_ = 0;
};

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
  void release() noexcept {
    const cudaError_t status = data_ ? cudaFreeHost(data_) : cudaSuccess;  // a destructor's: not thrown
    if (status != cudaSuccess) report_failed_release(status);
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

// The certified lower bound's instances of a chunk as its block kernel's Source
// (cuda/lower_bound_block_kernel.cuh), launched after the other core algorithms on the same
// stream: its Polyak target is the best power they found (bound_target_w over the chunk's
// results, `all_results`), as on the cpu backends.
struct SweepBoundSource {
  InstanceBlockView block;
  DeviceArena arena;
  StoredResult* results;            // the bound's row
  const StoredResult* all_results;  // [algorithm][count]
  uint32_t target_mask;             // PointSetup::bound_target_mask
  __device__ LowerBoundBlockJob job(unsigned i) const {
    const InstanceWorkspace ws = arena.slot(i);
    LowerBoundBlockJob job;
    job.view = block_instance_view(block, i);
    job.snr_lin = ws.snr_lin;
    job.upper_bound_w = bound_target_w(all_results, block.count, i, target_mask);
    job.ws = ws.bound;
    return job;
  }
  __device__ void store(unsigned i, const LowerBoundResult& result) const { results[i] = stored_from_bound(result); }
};

std::string cuda_version_text(int version) {  // 13000 → "13.0"
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

class CudaBackend final : public SweepBatchBackend {
 public:
  CudaBackend(int device, uint32_t max_chunk, bool debug_sync)
      : device_(device), max_chunk_(std::max<uint32_t>(max_chunk, 1)), debug_sync_(debug_sync) {
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
                     std::to_string(prop.major) + std::to_string(prop.minor) + ")" +
                     (debug_sync_ ? ", debug-sync" : ""),
                 cuda_version_text(driver), cuda_version_text(runtime)};
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  }
  // Never throws: the buffers' destructors swallow a failed cudaFree (e.g. after a device fault,
  // while that fault's exception unwinds), and so is a failed stream destruction.
  ~CudaBackend() override {
    if (stream_) (void)cudaStreamDestroy(stream_);
  }

  RunIdentity identity() const override { return identity_; }

  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    check(cudaSetDevice(device_), "cudaSetDevice");
    // The previous point's buffers go first: this point is sized from free memory alone, at its
    // own bytes per instance (a larger point would not fit in what a smaller one held).
    release_chunk_buffers();
    point_ = make_point_setup(config, algorithms);
    device_core_ = point_.core;
    // Host pointers would fault in a kernel: the grid and the table go to the device, once per point.
    if (point_.core.quality.kind == QualityKind::Grid) {
      const GridQualityView& g = point_.core.quality.grid;
      grid_rho_.assign(g.rho, g.rho_count, "the quality grid's rho");
      grid_snr_.assign(g.snr_db, g.snr_count, "the quality grid's snr_db");
      grid_ssim_.assign(g.ssim, static_cast<size_t>(g.rho_count) * g.snr_count, "the quality grid's ssim");
      device_core_.quality.grid.rho = grid_rho_.data();
      device_core_.quality.grid.snr_db = grid_snr_.data();
      device_core_.quality.grid.ssim = grid_ssim_.data();
    }
    if (point_.core.jpeg.count > 0) {
      const JpegTableView& t = point_.core.jpeg;
      jpeg_ssim_.assign(t.mean_ssim, t.count, "the JPEG table's mean_ssim");
      jpeg_bits_.assign(t.bits_per_image, t.count, "the JPEG table's bits_per_image");
      device_core_.jpeg.mean_ssim = jpeg_ssim_.data();
      device_core_.jpeg.bits_per_image = jpeg_bits_.data();
    }
    per_slot_ = instance_workspace_counts(point_.dims, point_.needs);
  }

  uint32_t chunk_instances(uint32_t block_size) const override {
    if (!point_.config) throw std::logic_error("cuda backend: chunk_instances() before prepare_point()");
    size_t free_bytes = 0, total_bytes = 0;
    check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
    // This point's chunk buffers are reusable for its next chunk (reserve frees before it grows);
    // the previous point's were freed by prepare_point().
    return chunk_instances_for_memory(free_bytes + chunk_bytes_held(), bytes_per_instance(), block_size, max_chunk_);
  }

  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    if (!point_.config) throw std::logic_error("cuda backend: evaluate() before prepare_point()");
    const ScenarioParams& params = point_.config->params;
    const size_t algorithms = point_.algorithms.size();
    results.assign(algorithms * range.count, StoredResult{std::nan(""), -1, 0});
    if (range.count == 0) return;
    const std::string instances = "instances " + std::to_string(range.first_instance) + ".." +
                                  std::to_string(range.first_instance + range.count - 1) + " (key point " +
                                  std::to_string(range.point) + ")";
    try {
      reserve(range.count, algorithms);
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("cuda backend: buffers for ") + instances + ": " + e.what());
    }

    const WorkspaceDims& d = point_.dims;
    InstanceBlockView block;
    block.count = range.count;
    block.dims = d;
    block.gain_per_watt = gains_.data();
    block.deadline_slots = deadline_.data();
    block.required_resources = required_.data();
    block.images = images_.data();
    block.ssim_requirement = ssim_requirement_.data();
    for (int l = 0; l < kMaxOptions; ++l) block.compression_ratios[l] = params.compression_ratios[l];
    block.max_power_w = params.max_power_w;
    block.symbols_per_resource = symbols_per_resource(params);
    const DeviceArena arena{d, point_.needs, per_slot_, arena_doubles_.data(), arena_ints_.data(),
                            arena_bytes_.data()};

    // A launch error is the launch's; a fault inside a kernel shows at the next synchronisation,
    // which debug-sync puts after every kernel so that the message names it.
    std::string launched;  // the kernels queued since the last synchronisation
    const auto launched_ok = [&](const std::string& kernel) {
      launched += (launched.empty() ? "" : ", ") + kernel;
      check_for(cudaGetLastError(), kernel + " launch", instances);
      if (debug_sync_) {
        check_for(cudaStreamSynchronize(stream_), kernel + " (debug-sync)", instances);
        launched.clear();
      }
    };
    const unsigned threads = 128;
    const size_t K = static_cast<size_t>(d.users), T = static_cast<size_t>(d.slots);
    gains_kernel<<<grid_for(range.count * K * T, 256), 256, 0, stream_>>>(params, range, block);
    launched_ok("gains_kernel");
    demand_kernel<<<grid_for(range.count * K, threads), threads, 0, stream_>>>(params, range, block);
    launched_ok("demand_kernel");
    required_snr_kernel<<<grid_for(range.count, threads), threads, 0, stream_>>>(device_core_, block, arena);
    launched_ok("required_snr_kernel");
    // The lower bound last (pass 1): its target reads the others' results of the same chunk.
    for (size_t pass_a = 0; pass_a < 2 * algorithms; ++pass_a) {
      const size_t a = pass_a % algorithms;
      if (!runs_on_core(point_.algorithms[a]) ||
          (point_.algorithms[a] == Algorithm::LowerBound) != (pass_a >= algorithms))
        continue;
      StoredResult* out = results_.data() + a * range.count;
      if (point_.algorithms[a] == Algorithm::Jcrra) {  // one block per instance
        const SweepJcrraSource source{block, arena, out};
        try {
          // Shared memory sized by the live slots: no deadline of this point exceeds the bound.
          launch_jcrra_blocks(source, range.count, d.users, d.subchannels, deadline_slots_bound(params), d.options,
                              device_core_.jcrra, false, stream_);
        } catch (const std::exception& e) {
          throw std::runtime_error(std::string("cuda backend: ") + e.what() + " (" + instances + ")");
        }
        launched_ok("jcrra_block_kernel");
        continue;
      }
      if (point_.algorithms[a] == Algorithm::LowerBound) {  // one block per instance
        try {
          launch_lower_bound_blocks(SweepBoundSource{block, arena, out, results_.data(), point_.bound_target_mask},
                                    range.count, d.users, d.subchannels, d.slots, d.options, device_core_.bound, false,
                                    stream_);
        } catch (const std::exception& e) {
          throw std::runtime_error(std::string("cuda backend: ") + e.what() + " (" + instances + ")");
        }
        launched_ok("lower_bound_block_kernel");
        continue;
      }
      solve_kernel<<<grid_for(range.count, threads), threads, 0, stream_>>>(point_.algorithms[a], device_core_, block,
                                                                          arena, out);
      launched_ok(std::string("solve_kernel (") + to_string(point_.algorithms[a]) + ")");
    }
    check_for(cudaMemcpyAsync(pinned_.data(), results_.data(), algorithms * range.count * sizeof(StoredResult),
                              cudaMemcpyDeviceToHost, stream_),
              "copying results to the host", instances);

    // exact / mcf: on host threads, over the same instances, while the device works.
    std::exception_ptr failure;
    try {
      solve_host_algorithms_parallel(point_, range, results.data());
    } catch (...) {
      failure = std::current_exception();
    }
    check_for(cudaStreamSynchronize(stream_),
              launched.empty() ? std::string("copying results to the host")
                               : "one of " + launched + " (rerun with LEOSEM_CUDA_DEBUG_SYNC=1 or --debug-sync to "
                                                        "name the kernel)",
              instances);
    if (failure) std::rethrow_exception(failure);
    for (size_t a = 0; a < algorithms; ++a)
      if (runs_on_core(point_.algorithms[a]))
        std::copy(pinned_.data() + a * range.count, pinned_.data() + (a + 1) * range.count,
                  results.begin() + static_cast<long>(a * range.count));
  }

 private:
  static void check_for(cudaError_t status, const std::string& step, const std::string& instances) {
    if (status != cudaSuccess)
      throw std::runtime_error("cuda backend: CUDA error in " + step + " on " + instances + ": " +
                               cudaGetErrorString(status));
  }
  size_t bytes_per_instance() const {
    const size_t K = static_cast<size_t>(point_.dims.users), L = static_cast<size_t>(point_.dims.options);
    return block_gain_stride(point_.dims) * sizeof(double) + K * (2 * sizeof(double) + sizeof(int)) +
           K * L * sizeof(int) + workspace_bytes(per_slot_) + point_.algorithms.size() * sizeof(StoredResult);
  }
  size_t chunk_bytes_held() const {
    return gains_.bytes() + images_.bytes() + ssim_requirement_.bytes() + arena_doubles_.bytes() + deadline_.bytes() +
           required_.bytes() + arena_ints_.bytes() + arena_bytes_.bytes() + results_.bytes();
  }
  void release_chunk_buffers() {
    cudaError_t status = cudaSuccess;
    for (cudaError_t s : {gains_.release(), images_.release(), ssim_requirement_.release(), arena_doubles_.release(),
                          deadline_.release(), required_.release(), arena_ints_.release(), arena_bytes_.release(),
                          results_.release()})
      if (status == cudaSuccess) status = s;
    check(status, "cudaFree (the previous point's buffers)");
  }
  // Device buffers for `count` instances of the current point (grown, each freed first, while
  // they fit; freed at the next prepare_point()).
  void reserve(uint32_t count, size_t algorithms) {
    const WorkspaceDims& d = point_.dims;
    const size_t K = static_cast<size_t>(d.users), L = static_cast<size_t>(d.options);
    gains_.reserve(count * block_gain_stride(d), "gains");
    images_.reserve(count * K, "images");
    ssim_requirement_.reserve(count * K, "SSIM requirements");
    deadline_.reserve(count * K, "deadlines");
    required_.reserve(count * K * L, "required resources");
    arena_doubles_.reserve(count * per_slot_.doubles, "workspace doubles");
    arena_ints_.reserve(count * per_slot_.ints, "workspace ints");
    arena_bytes_.reserve(count * per_slot_.bytes, "workspace bytes");
    results_.reserve(count * algorithms, "results");
    pinned_.resize(count * algorithms);
  }

  int device_;
  uint32_t max_chunk_;
  bool debug_sync_;
  cudaStream_t stream_ = nullptr;
  RunIdentity identity_;
  PointSetup point_;
  PointCoreInputs device_core_;
  WorkspaceCounts per_slot_;
  DeviceBuffer<double> grid_rho_, grid_snr_, grid_ssim_, jpeg_ssim_, jpeg_bits_;
  DeviceBuffer<double> gains_, images_, ssim_requirement_, arena_doubles_;
  DeviceBuffer<int> deadline_, required_, arena_ints_;
  DeviceBuffer<unsigned char> arena_bytes_;
  DeviceBuffer<StoredResult> results_;
  PinnedArray<StoredResult> pinned_;
};

}  // namespace

std::unique_ptr<SweepBatchBackend> make_cuda_backend(int device, uint32_t max_chunk_instances, bool debug_sync) {
  return std::make_unique<CudaBackend>(device, max_chunk_instances, debug_sync || cuda_debug_sync_from_environment());
}

}  // namespace leosem
