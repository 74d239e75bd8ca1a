// The sweep's batched operation (Ginkgo style: one declared operation, one implementation per
// backend): evaluate a block of instances of one sweep point for a list of algorithms, giving
// per instance and algorithm the power, status and iterations as the sweep file stores them.
//
//   reference  sequential; builds each block with the device pipeline's per-item functions
//              below (so CI runs the CUDA backend's logic on the host), poisons its workspaces
//              before every instance (so a core that read scratch it did not write would show)
//   cpu        OpenMP over instances: generate_instance, then the same per-instance solve into
//              one workspace slot per thread, allocated once per point (today's path, minus
//              solve()'s per-call allocations)
//   cuda       kernels over the same per-item functions (cuda/sweep_batch.cu); a stub that
//              throws when CUDA is not compiled in (cuda/cuda_stub.cpp)
//
// Batch layout: instance-outer. Instance b of a block owns contiguous arrays (gains
// [b][k][n][t], demands [b][k], required resources [b][k][l]) and one contiguous workspace slot.
// Why: the shared cores index one dense instance (gain[(k*N+n)*T+t]); instance-outer hands
// them a plain InstanceView into the block with no copy and no strides, identically on host and
// device. The channel kernel writes it coalesced (t fastest); the thread-per-instance solver
// kernels read it uncoalesced, which a block-per-instance kernel (JCRRA, issue 9) does not.
// The alternative, instance-fastest, would coalesce thread-per-instance reads but needs a
// stride in every core's indexing: measured 151k inst/s for Greedy JSCC without it was enough.
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/cuda_device.hpp"
#include "core/hostdev.hpp"
#include "model/channel.hpp"
#include "scenario/config.hpp"
#include "solvers/solve.hpp"
#include "solvers/workspace.hpp"
#include "backends/stored_result.hpp"

namespace leosem {

// The instances (seed, point, first .. first + count − 1) one call works on.
struct InstanceRange {
  uint64_t seed;
  uint32_t point;
  uint32_t first_instance;
  uint32_t count;
};

// ---- the batch view (POD: passed to kernels by value) ----

struct InstanceBlockView {
  uint32_t count = 0;
  WorkspaceDims dims;
  double* gain_per_watt = nullptr;   // [count][K*N*T]
  int* deadline_slots = nullptr;     // [count][K]
  int* required_resources = nullptr; // [count][K*L]
  double* images = nullptr;          // [count][K]
  double* ssim_requirement = nullptr;// [count][K]
  double compression_ratios[kMaxOptions] = {};
  double max_power_w = 0.0;
  double symbols_per_resource = 0.0;
};

// Sizes of one instance's arrays in a block.
LEOSEM_HD size_t block_gain_stride(const WorkspaceDims& d) {
  return static_cast<size_t>(d.users) * d.subchannels * d.slots;
}

// The InstanceView of instance b (as make_instance_view gives for a generated instance).
LEOSEM_HD InstanceView block_instance_view(const InstanceBlockView& block, uint32_t b) {
  const WorkspaceDims& d = block.dims;
  InstanceView v;
  v.users = d.users;
  v.subchannels = d.subchannels;
  v.slots = d.slots;
  v.options = d.options;
  v.gain_per_watt = block.gain_per_watt + b * block_gain_stride(d);
  v.deadline_slots = block.deadline_slots + static_cast<size_t>(b) * d.users;
  v.required_resources = block.required_resources + static_cast<size_t>(b) * d.users * d.options;
  v.images = block.images + static_cast<size_t>(b) * d.users;
  v.ssim_requirement = block.ssim_requirement + static_cast<size_t>(b) * d.users;
  v.compression_ratios = block.compression_ratios;
  v.max_power_w = block.max_power_w;
  v.symbols_per_resource = block.symbols_per_resource;
  return v;
}

// ---- the device pipeline's per-item functions (host-device) ----

// Gains of UE k in slot t of instance b (one work item of the channel kernel).
LEOSEM_HD void block_fill_gains(const ScenarioParams& params, const InstanceRange& range,
                                const InstanceBlockView& block, uint32_t b, int k, int t) {
  const InstanceKey key{range.seed, range.point, range.first_instance + b};
  const size_t offset = b * block_gain_stride(block.dims) + static_cast<size_t>(k) * params.subchannels * params.slots + t;
  gains_for_ue_slot(params, key, k, t, block.gain_per_watt + offset);
}

// Demand of UE k of instance b: images, SSIM requirement, deadline, D_k(ρ_l) (as generate_instance).
LEOSEM_HD void block_fill_demand(const ScenarioParams& params, const InstanceRange& range,
                                 const InstanceBlockView& block, uint32_t b, int k) {
  const InstanceKey key{range.seed, range.point, range.first_instance + b};
  const UeDemand demand = draw_ue_demand(params, key, k);
  const size_t bk = static_cast<size_t>(b) * params.users + k;
  block.images[bk] = demand.images;
  block.ssim_requirement[bk] = demand.ssim_requirement;
  block.deadline_slots[bk] = demand.deadline_slots;
  for (int l = 0; l < params.options; ++l)
    block.required_resources[bk * params.options + l] =
        required_resources(params, demand.images, params.compression_ratios[l]);
}

// What the cores of one point read besides the instance (POD; pointers host or device).
struct PointCoreInputs {
  QualityModel quality;  // a grid model's arrays: host or device copies
  JpegTableView jpeg;    // count 0: no table (greedy-jpeg is then Unsolved)
  int base_option = 0;   // Greedy JSCC's ρ as an option index
  JcrraOptions jcrra;    // base_option set
  LowerBoundOptions bound;  // the certified lower bound's (its Polyak target: bound_target_w)
};

// A core's outcome as stored (the sweep file's per-instance record).
LEOSEM_HD StoredResult stored_from_core(const CoreResult& r) {
  StoredResult s;
  s.power_w = r.feasible ? r.total_power_w : NAN;
  s.status = static_cast<int8_t>(r.feasible ? SolveStatus::Feasible : SolveStatus::Infeasible);
  s.iterations = r.iterations;
  return s;
}

// The certified lower bound as stored (what solve() gives for Algorithm::LowerBound): the bound in
// W with status optimal (it equals the optimum) or feasible (a bound), NaN and infeasible where
// infeasibility is proven; its iterations.
LEOSEM_HD StoredResult stored_from_bound(const LowerBoundResult& b) {
  StoredResult s;
  const bool infeasible = b.status == BoundStatus::Infeasible;
  s.power_w = infeasible ? NAN : b.bound_w;
  s.status = static_cast<int8_t>(infeasible                          ? SolveStatus::Infeasible
                                 : b.status == BoundStatus::Optimal ? SolveStatus::Optimal
                                                                    : SolveStatus::Feasible);
  s.iterations = b.iterations;
  return s;
}

// Runs one of the one-thread-per-instance algorithms (greedy-jscc, greedy-jpeg) on one instance
// whose required-SNR table is already in ws.snr_lin (fill_required_snr). Same result as solve()
// on the same instance, bit for bit. Anything else gives status -1 (not a result): the cuda
// backend's per-thread kernel calls this alone, so that JCRRA (one block per instance there) does
// not lend it its registers.
LEOSEM_HD StoredResult solve_greedy_core(Algorithm algorithm, const PointCoreInputs& in, const InstanceView& v,
                                         const InstanceWorkspace& ws) {
  switch (algorithm) {
    case Algorithm::GreedyJscc:
      return stored_from_core(greedy_jscc_core(v, ws.snr_lin, in.base_option, ws.jpeg.greedy, ws.slot_power_w,
                                               ws.solution));
    case Algorithm::GreedyJpeg:
      if (in.jpeg.count == 0) {
        StoredResult s;
        s.power_w = NAN;
        s.status = static_cast<int8_t>(SolveStatus::Unsolved);
        s.iterations = 0;
        return s;
      }
      return stored_from_core(greedy_jpeg_core(v, in.jpeg, ws.jpeg, ws.slot_power_w, ws.solution));
    default: break;
  }
  StoredResult s;  // not reached: the callers route every other algorithm elsewhere
  s.power_w = NAN;
  s.status = -1;
  s.iterations = 0;
  return s;
}

// Runs one of the device-capable algorithms (greedy-jscc, greedy-jpeg, jcrra, lower-bound) on one
// instance, as solve_greedy_core; JCRRA and the bound through their sequential teams (jcrra_core,
// lower_bound_core: what the host backends run; the cuda backend runs the same jcrra_team and
// lower_bound_team over a thread block). bound_upper_w: the bound's Polyak target
// (bound_target_w), <= 0 if none; the other algorithms ignore it.
LEOSEM_HD StoredResult solve_instance_core(Algorithm algorithm, const PointCoreInputs& in, const InstanceView& v,
                                           const InstanceWorkspace& ws, double bound_upper_w = 0.0) {
  if (algorithm == Algorithm::Jcrra)
    return stored_from_core(jcrra_core(v, ws.snr_lin, in.jcrra, ws.jcrra, ws.solution));
  if (algorithm == Algorithm::LowerBound)
    return stored_from_bound(lower_bound_core(v, ws.snr_lin, bound_upper_w, in.bound, ws.bound));
  return solve_greedy_core(algorithm, in, v, ws);
}

// The algorithms whose solutions are solutions of the very problem the bound relaxes (the JSCC
// scheme over the point's options and quality model), so that their power bounds its optimum
// from above. Greedy JPEG solves another problem (JPEG's rates), exact and mcf run on the host
// (on the cuda backend alongside the device, so their results come too late for the bound).
LEOSEM_HD bool bounds_the_optimum(Algorithm a) { return a == Algorithm::Jcrra || a == Algorithm::GreedyJscc; }

// The bound's Polyak target in a sweep: the least power of instance j among the results of the
// algorithms in `mask` (bit a: the point's algorithm a; results[a * count + j]) that served it,
// or 0 if none did. Each backend runs the bound after those algorithms (the same rule on every
// backend). A better target than none: it stops the ascent once the bound is within
// LowerBoundOptions::gap_tolerance of it, and aims its Polyak steps (docs/benchmarks.md).
LEOSEM_HD double bound_target_w(const StoredResult* results, uint32_t count, uint32_t j, uint32_t mask) {
  double best = HUGE_VAL;
  for (uint32_t a = 0; a < 32; ++a) {
    if (!((mask >> a) & 1u)) continue;
    const StoredResult& r = results[static_cast<size_t>(a) * count + j];
    const bool served = r.status == static_cast<int8_t>(SolveStatus::Feasible) ||
                        r.status == static_cast<int8_t>(SolveStatus::Optimal);
    if (served && r.power_w > 0.0 && r.power_w < best) best = r.power_w;  // NaN fails both tests
  }
  return best < HUGE_VAL ? best : 0.0;
}

// True for the algorithms the batch cores run (on any backend); exact and mcf run on the host.
inline bool runs_on_core(Algorithm a) {
  return a == Algorithm::GreedyJscc || a == Algorithm::GreedyJpeg || a == Algorithm::Jcrra ||
         a == Algorithm::LowerBound;
}

// ---- one sweep point, set up on the host (shared by the backends) ----

struct PointSetup {
  std::shared_ptr<const ScenarioConfig> config;  // owned: inputs point into it
  SolverInputs inputs;
  std::vector<Algorithm> algorithms;  // the sweep's order
  uint32_t bound_target_mask = 0;     // bit a: algorithms[a] gives the bound its target (bound_target_w)
  PointCoreInputs core;               // host pointers
  WorkspaceDims dims;
  WorkspaceNeeds needs;
};

// Throws std::invalid_argument naming an unknown algorithm.
PointSetup make_point_setup(const ScenarioConfig& config, const std::vector<std::string>& algorithms);
// Host storage of a block of `count` instances; view() sizes it and points a view at it.
struct InstanceBlockStorage {
  std::vector<double> gain_per_watt, images, ssim_requirement;
  std::vector<int> deadline_slots, required_resources;
  InstanceBlockView view(const ScenarioParams& params, uint32_t count);
};

// Runs exact / mcf (host-only algorithms) of one instance into out[a * count + j].
void solve_host_algorithms(const PointSetup& point, const Instance& inst, uint32_t j, uint32_t count,
                           StoredResult* out);
// The same for every instance of `range` (generated on the host), OpenMP over instances; does
// nothing when the point has no host-only algorithm.
void solve_host_algorithms_parallel(const PointSetup& point, const InstanceRange& range, StoredResult* out);

// ---- the backends ----

// The contract between the runner (host/sweep/runner.cpp) and a backend; the strict fake of
// tests/backends/test_backend_contract.cpp checks every rule the runner must keep.
//
//  Order. identity() may be called at any time. Per sweep point with instances to evaluate,
//  in point order: prepare_point() once, then, per chunk, chunk_instances() (at least once after
//  each prepare_point(), before the first evaluate() of the point) and evaluate(). A point with
//  nothing pending is not prepared; a point is prepared at most once per run, and never twice
//  in a row without an evaluate() between. chunk_instances() and evaluate() before the first
//  prepare_point() are breaches (chunk_instances() then has no point to size for).
//  Sizes per point. chunk_instances(block_size) answers for the point last prepared (its bytes
//  per instance; never another point's): a multiple of block_size, >= block_size. evaluate()
//  gets at most that many instances (the runner may send fewer: the chunk is also sized by work,
//  ChunkSizer), whole blocks of block_size counted from the first instance of the shard (of the
//  adaptive step in an adaptive run), only a chunk that ends the shard or step may end in a
//  short block; every range is of the prepared point (its seed and key point) and no instance is
//  evaluated twice in one run. evaluate() must accept any count (it sizes its buffers itself).
//  Memory. What prepare_point() and evaluate() allocate is held until the next prepare_point()
//  (which frees what the previous point held, so each point is sized from what it needs: held
//  memory is not counted as reusable across points) or destruction. Destructors never throw
//  (a failed release is swallowed: the run is ending with the error that caused it).
//  Errors. evaluate() throws std::runtime_error (never terminates) on a device or solver
//  failure, its message naming the kernel or step and the instances (first..last); the runner
//  adds the sweep point and stops: what was written stays in FILE.partial, which resumes. After
//  evaluate() has thrown, the runner calls nothing but the destructor (a device context may be
//  lost). Results are a function of (seed, key, instance) alone, never of the chunking.
class SweepBatchBackend {
 public:
  virtual ~SweepBatchBackend() = default;
  virtual RunIdentity identity() const = 0;
  // Makes the backend ready for the instances of one point (models and tables copied to the
  // device, workspaces sized, the previous point's buffers released). Algorithms by name, in the
  // order of the results.
  virtual void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) = 0;
  // Instances per evaluate() call that fit the backend's memory at the prepared point: a multiple
  // of block_size, >= block_size. Only after prepare_point().
  virtual uint32_t chunk_instances(uint32_t block_size) const { return block_size; }
  // The batched operation: instances range.first_instance .. + range.count - 1 of the prepared
  // point (range.seed and range.point give their keys); results[a * range.count + j].
  virtual void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) = 0;
};

std::unique_ptr<SweepBatchBackend> make_reference_backend();
std::unique_ptr<SweepBatchBackend> make_cpu_backend(int threads);  // 0: OpenMP's default
// Throws std::runtime_error when CUDA is not compiled in or device `device` is not visible.
// max_chunk_instances caps the device chunk (its size is otherwise set by free device memory).
// debug_sync (or the environment's LEOSEM_CUDA_DEBUG_SYNC=1): synchronise and check after every
// kernel, so that an error names the kernel that caused it (slower; for diagnosis).
std::unique_ptr<SweepBatchBackend> make_cuda_backend(int device, uint32_t max_chunk_instances = 65536,
                                                     bool debug_sync = false);
// Whether LEOSEM_CUDA_DEBUG_SYNC is set to 1.
bool cuda_debug_sync_from_environment();

// Testing aid (`leosem run --fail-after-chunks N`, hidden): `inner`, except that the evaluate()
// after N chunks throws std::runtime_error as a device error would, so that the command's error
// path (message, exit status 1, the .partial left resumable) is tested without a device.
std::unique_ptr<SweepBatchBackend> make_failing_backend(std::unique_ptr<SweepBatchBackend> inner, long chunks);

// `--backend auto|cpu|cuda` → "cpu" or "cuda", with the reason when auto chose. Throws
// std::invalid_argument for another name, std::runtime_error for cuda without CUDA or device.
struct BackendChoice {
  std::string backend;
  std::string reason;
};
BackendChoice choose_backend(const std::string& requested, int device);

std::string cpu_device_description(int threads);

// ---- chunk planning (host logic, tested without a device) ----

struct ChunkRange {
  uint32_t first = 0;  // local instance index within the shard
  uint32_t count = 0;
};
// The chunks a run evaluates for one point: runs of consecutive blocks not all done
// (done[j] for local instance j), each at most max(chunk_instances, block_size) instances
// and made of whole blocks (the last block may be short).
std::vector<ChunkRange> plan_chunks(const uint8_t* done, uint32_t instances, uint32_t block_size,
                                    uint32_t chunk_instances);
// Instances per device chunk: what fits in `usable_fraction` of the free memory, rounded down to
// a multiple of block_size, at least block_size, at most max_chunk (rounded down likewise).
uint32_t chunk_instances_for_memory(size_t free_bytes, size_t bytes_per_instance, uint32_t block_size,
                                    uint32_t max_chunk, double usable_fraction = 0.8);

// Chunks sized by work as well as memory, so that an interrupt (honoured between chunks) waits
// about target_s at most: each point starts with one block (its cost is unknown), then each
// chunk gets target_s at the seconds per instance measured on the point's previous chunk,
// growing at most 8-fold per chunk, never above the memory limit, in whole blocks.
class ChunkSizer {
 public:
  ChunkSizer(uint32_t block_size, double target_s) : block_(block_size), target_s_(target_s) {}
  void start_point() { last_count_ = 0; }
  // Instances for the next chunk: <= memory_limit (already whole blocks, >= block), >= block.
  uint32_t limit(uint32_t memory_limit) const;
  void record(uint32_t instances, double seconds) {
    last_count_ = instances;
    last_seconds_ = seconds;
  }

 private:
  uint32_t block_;
  double target_s_;
  uint32_t last_count_ = 0;  // 0: nothing measured at this point yet
  double last_seconds_ = 0.0;
};

}  // namespace leosem
