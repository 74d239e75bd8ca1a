// The host implementations of the sweep's batched operation (backends/sweep_batch.hpp):
// reference (sequential, the device pipeline run on the host) and cpu (OpenMP); chunk planning
// and backend choice.
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "backends/sweep_batch.hpp"
#include "model/instance.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {

PointSetup make_point_setup(const ScenarioConfig& config, const std::vector<std::string>& algorithms) {
  PointSetup point;
  point.config = std::make_shared<const ScenarioConfig>(config);
  point.inputs = make_solver_inputs(*point.config);
  for (const std::string& name : algorithms) point.algorithms.push_back(parse_algorithm(name));
  const ScenarioParams& params = point.config->params;
  point.core.quality = point.inputs.quality;
  if (point.inputs.jpeg != nullptr && !point.inputs.jpeg->quality.empty())
    point.core.jpeg = make_view(*point.inputs.jpeg, point.inputs.jpeg_basis);
  point.core.base_option = option_index_for_ratio(params, point.inputs.options.greedy_rho);
  point.core.jcrra = point.inputs.options.jcrra;
  point.core.jcrra.base_option = point.core.base_option;
  point.dims = {params.users, params.subchannels, params.slots, params.options};
  if (point.algorithms.size() > 32)  // bound_target_mask's bits (no algorithm is listed twice)
    throw std::invalid_argument("algorithms: more than 32 listed");
  for (size_t i = 0; i < point.algorithms.size(); ++i)
    if (bounds_the_optimum(point.algorithms[i])) point.bound_target_mask |= 1u << i;
  for (Algorithm a : point.algorithms) {
    point.needs.jpeg |= a == Algorithm::GreedyJpeg;
    point.needs.jcrra |= a == Algorithm::Jcrra;
    point.needs.bound |= a == Algorithm::LowerBound;
  }
  return point;
}

InstanceBlockView InstanceBlockStorage::view(const ScenarioParams& params, uint32_t count) {
  const size_t K = static_cast<size_t>(params.users), L = static_cast<size_t>(params.options);
  InstanceBlockView v;
  v.count = count;
  v.dims = {params.users, params.subchannels, params.slots, params.options};
  gain_per_watt.resize(count * block_gain_stride(v.dims));
  images.resize(count * K);
  ssim_requirement.resize(count * K);
  deadline_slots.resize(count * K);
  required_resources.resize(count * K * L);
  v.gain_per_watt = gain_per_watt.data();
  v.images = images.data();
  v.ssim_requirement = ssim_requirement.data();
  v.deadline_slots = deadline_slots.data();
  v.required_resources = required_resources.data();
  for (int l = 0; l < kMaxOptions; ++l) v.compression_ratios[l] = params.compression_ratios[l];
  v.max_power_w = params.max_power_w;
  v.symbols_per_resource = symbols_per_resource(params);
  return v;
}

void solve_host_algorithms(const PointSetup& point, const Instance& inst, uint32_t j, uint32_t count,
                           StoredResult* out) {
  for (size_t a = 0; a < point.algorithms.size(); ++a) {
    if (runs_on_core(point.algorithms[a])) continue;
    const Solution s = solve(point.algorithms[a], inst, point.inputs);
    const bool feasible = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
    out[a * count + j] = {feasible ? s.total_power_w : std::nan(""), static_cast<int8_t>(s.status), s.iterations};
  }
}

namespace {

bool any_host_algorithm(const PointSetup& point) {
  for (Algorithm a : point.algorithms)
    if (!runs_on_core(a)) return true;
  return false;
}

}  // namespace

void solve_host_algorithms_parallel(const PointSetup& point, const InstanceRange& range, StoredResult* out) {
  if (!any_host_algorithm(point)) return;
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (long j = 0; j < static_cast<long>(range.count); ++j) {
    try {
      const uint32_t b = static_cast<uint32_t>(j);
      const Instance inst = generate_instance(point.config->params, {range.seed, range.point, range.first_instance + b});
      solve_host_algorithms(point, inst, b, range.count, out);
    } catch (...) {
#pragma omp critical
      failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

namespace {

// Host memory for `slots` workspace slots.
struct HostArena {
  WorkspaceCounts per_slot;
  std::vector<double> doubles;
  std::vector<int> ints;
  std::vector<unsigned char> bytes;
  void size_for(const WorkspaceCounts& counts, size_t slots) {
    per_slot = counts;
    doubles.resize(std::max<size_t>(1, counts.doubles * slots));
    ints.resize(std::max<size_t>(1, counts.ints * slots));
    bytes.resize(std::max<size_t>(1, counts.bytes * slots));
  }
  InstanceWorkspace slot(const PointSetup& point, size_t index) {
    return arena_slot(point.dims, point.needs, per_slot, doubles.data(), ints.data(), bytes.data(), index);
  }
  // Fills every element with a value no core may rely on.
  void poison() {
    std::fill(doubles.begin(), doubles.end(), std::numeric_limits<double>::quiet_NaN());
    std::fill(ints.begin(), ints.end(), 0x5a5a5a5a);
    std::fill(bytes.begin(), bytes.end(), static_cast<unsigned char>(0xa5));
  }
};

// The core algorithms of one instance, its required-SNR table filled first; the lower bound last,
// with the best power the others found as its Polyak target (bound_target_w), as on the device.
void solve_core_algorithms(const PointSetup& point, const InstanceView& v, const InstanceWorkspace& ws, uint32_t j,
                           uint32_t count, StoredResult* out) {
  fill_required_snr(v, point.core.quality, ws.snr_lin);
  for (size_t a = 0; a < point.algorithms.size(); ++a)
    if (runs_on_core(point.algorithms[a]) && point.algorithms[a] != Algorithm::LowerBound)
      out[a * count + j] = solve_instance_core(point.algorithms[a], point.core, v, ws);
  for (size_t a = 0; a < point.algorithms.size(); ++a)
    if (point.algorithms[a] == Algorithm::LowerBound)
      out[a * count + j] = solve_instance_core(Algorithm::LowerBound, point.core, v, ws,
                                               bound_target_w(out, count, j, point.bound_target_mask));
}

void check_prepared(const PointSetup& point, const char* backend) {
  if (!point.config) throw std::logic_error(std::string(backend) + " backend: evaluate() before prepare_point()");
}

class ReferenceBackend final : public SweepBatchBackend {
 public:
  RunIdentity identity() const override { return {"reference", cpu_device_description(1), "", "sequential"}; }
  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    point_ = make_point_setup(config, algorithms);
    arena_.size_for(instance_workspace_counts(point_.dims, point_.needs), 1);
  }
  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    check_prepared(point_, "reference");
    const ScenarioParams& params = point_.config->params;
    results.assign(point_.algorithms.size() * range.count, StoredResult{std::nan(""), -1, 0});
    // The device pipeline, item by item: gains, demands, then per instance SNR table and cores.
    const InstanceBlockView block = storage_.view(params, range.count);
    for (uint32_t b = 0; b < range.count; ++b)
      for (int k = 0; k < params.users; ++k) {
        for (int t = 0; t < params.slots; ++t) block_fill_gains(params, range, block, b, k, t);
        block_fill_demand(params, range, block, b, k);
      }
    const bool host_algorithms = any_host_algorithm(point_);
    for (uint32_t b = 0; b < range.count; ++b) {
      arena_.poison();
      solve_core_algorithms(point_, block_instance_view(block, b), arena_.slot(point_, 0), b, range.count,
                            results.data());
      if (host_algorithms) {
        const Instance inst = generate_instance(params, {range.seed, range.point, range.first_instance + b});
        solve_host_algorithms(point_, inst, b, range.count, results.data());
      }
    }
  }

 private:
  PointSetup point_;
  InstanceBlockStorage storage_;
  HostArena arena_;
};

class CpuBackend final : public SweepBatchBackend {
 public:
  explicit CpuBackend(int threads) {
    if (threads > 0) omp_set_num_threads(threads);
    threads_ = omp_get_max_threads();
  }
  RunIdentity identity() const override {
    return {"cpu", cpu_device_description(threads_), "", "OpenMP " + std::to_string(_OPENMP)};
  }
  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    point_ = make_point_setup(config, algorithms);
    arena_.size_for(instance_workspace_counts(point_.dims, point_.needs), static_cast<size_t>(threads_));
  }
  uint32_t chunk_instances(uint32_t block_size) const override { return block_size; }
  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    check_prepared(point_, "cpu");
    const ScenarioParams& params = point_.config->params;
    results.assign(point_.algorithms.size() * range.count, StoredResult{std::nan(""), -1, 0});
    std::exception_ptr failure;
#pragma omp parallel num_threads(threads_)
    {
      const InstanceWorkspace ws = arena_.slot(point_, static_cast<size_t>(omp_get_thread_num()));
#pragma omp for schedule(dynamic, 1)
      for (long j = 0; j < static_cast<long>(range.count); ++j) {
        try {
          const uint32_t b = static_cast<uint32_t>(j);
          const Instance inst = generate_instance(params, {range.seed, range.point, range.first_instance + b});
          solve_core_algorithms(point_, make_instance_view(inst), ws, b, range.count, results.data());
          solve_host_algorithms(point_, inst, b, range.count, results.data());
        } catch (...) {
#pragma omp critical
          failure = std::current_exception();
        }
      }
    }
    if (failure) std::rethrow_exception(failure);
  }

 private:
  int threads_ = 1;
  PointSetup point_;
  HostArena arena_;
};

}  // namespace

std::unique_ptr<SweepBatchBackend> make_reference_backend() { return std::make_unique<ReferenceBackend>(); }
std::unique_ptr<SweepBatchBackend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

std::string cpu_device_description(int threads) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return model + ", " + std::to_string(threads) + " OpenMP threads";
}

BackendChoice choose_backend(const std::string& requested, int device) {
  if (requested != "auto" && requested != "cpu" && requested != "cuda")
    throw std::invalid_argument("--backend: " + quoted_input(requested) + " is not one of auto, cpu, cuda");
  if (device < 0) throw std::invalid_argument("--device: " + std::to_string(device) + " must be >= 0");
  if (requested == "cpu") return {"cpu", "as requested"};
  if (!cuda_compiled()) {
    if (requested == "cuda")
      throw std::runtime_error("--backend cuda: this leosem was built without CUDA (rebuild with nvcc "
                               "present, or use --backend cpu)");
    return {"cpu", "this leosem was built without CUDA"};
  }
  const std::vector<std::string> devices = cuda_device_names();
  if (devices.empty()) {
    if (requested == "cuda")
      throw std::runtime_error("--backend cuda: no CUDA device is visible (check nvidia-smi and "
                               "CUDA_VISIBLE_DEVICES, or use --backend cpu)");
    return {"cpu", "no CUDA device is visible"};
  }
  if (static_cast<size_t>(device) >= devices.size())
    throw std::runtime_error("--device " + std::to_string(device) + ": only " + std::to_string(devices.size()) +
                             " CUDA device(s) visible (0.." + std::to_string(devices.size() - 1) + ")");
  return {"cuda", "device " + std::to_string(device) + ": " + devices[static_cast<size_t>(device)]};
}

std::vector<ChunkRange> plan_chunks(const uint8_t* done, uint32_t instances, uint32_t block_size,
                                    uint32_t chunk_instances) {
  if (block_size == 0) throw std::invalid_argument("plan_chunks: block_size must be > 0");
  const uint32_t limit = std::max(chunk_instances, block_size);
  std::vector<ChunkRange> chunks;
  for (uint32_t j0 = 0; j0 < instances; j0 += block_size) {
    const uint32_t n = std::min(block_size, instances - j0);
    bool all_done = true;
    for (uint32_t j = 0; j < n; ++j) all_done &= done[j0 + j] != 0;
    if (all_done) continue;
    ChunkRange* last = chunks.empty() ? nullptr : &chunks.back();
    if (last && last->first + last->count == j0 && last->count + n <= limit)
      last->count += n;
    else
      chunks.push_back({j0, n});
  }
  return chunks;
}

uint32_t chunk_instances_for_memory(size_t free_bytes, size_t bytes_per_instance, uint32_t block_size,
                                    uint32_t max_chunk, double usable_fraction) {
  if (block_size == 0 || bytes_per_instance == 0)
    throw std::invalid_argument("chunk_instances_for_memory: block_size and bytes_per_instance must be > 0");
  const double fit = usable_fraction * static_cast<double>(free_bytes) / static_cast<double>(bytes_per_instance);
  const uint64_t cap = std::max<uint64_t>(block_size, max_chunk / block_size * static_cast<uint64_t>(block_size));
  uint64_t chunk = static_cast<uint64_t>(std::max(0.0, fit)) / block_size * block_size;
  chunk = std::min(std::max<uint64_t>(chunk, block_size), cap);
  return static_cast<uint32_t>(chunk);
}

namespace {

class FailingBackend final : public SweepBatchBackend {
 public:
  FailingBackend(std::unique_ptr<SweepBatchBackend> inner, long chunks) : inner_(std::move(inner)), left_(chunks) {}
  RunIdentity identity() const override { return inner_->identity(); }
  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    inner_->prepare_point(config, algorithms);
  }
  uint32_t chunk_instances(uint32_t block_size) const override { return inner_->chunk_instances(block_size); }
  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    if (left_-- <= 0)
      throw std::runtime_error("injected device error (--fail-after-chunks) in evaluate() of instances " +
                               std::to_string(range.first_instance) + ".." +
                               std::to_string(range.first_instance + range.count - 1));
    inner_->evaluate(range, results);
  }

 private:
  std::unique_ptr<SweepBatchBackend> inner_;
  long left_;
};

}  // namespace

std::unique_ptr<SweepBatchBackend> make_failing_backend(std::unique_ptr<SweepBatchBackend> inner, long chunks) {
  return std::make_unique<FailingBackend>(std::move(inner), chunks);
}

bool cuda_debug_sync_from_environment() {
  const char* value = std::getenv("LEOSEM_CUDA_DEBUG_SYNC");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

uint32_t ChunkSizer::limit(uint32_t memory_limit) const {
  const uint64_t block = block_, memory = std::max<uint64_t>(memory_limit, block);
  if (last_count_ == 0 || target_s_ <= 0.0) return block_;
  // Instances that take about target_s at the last chunk's rate (a chunk too fast to time
  // counts as free: the 8-fold growth bounds it).
  const double rate_s = last_seconds_ / last_count_;
  const double by_time = rate_s > 0.0 ? target_s_ / rate_s : 1e18;
  const double grown = 8.0 * static_cast<double>(last_count_);
  const double want = std::min({by_time, grown, static_cast<double>(memory)});
  const uint64_t chunk = static_cast<uint64_t>(std::max(0.0, want)) / block * block;
  return static_cast<uint32_t>(std::min(std::max(chunk, block), memory));
}

}  // namespace leosem
