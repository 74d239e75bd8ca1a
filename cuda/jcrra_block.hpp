// Block-cooperative JCRRA on the device: one instance per thread block, the block's threads
// sharing every PDHG step of the relaxed solve (the phases of host/solvers/jcrra.hpp over a
// CUDA-block team), the iterate and the duals in shared memory when they fit the device's
// opt-in limit, in global memory otherwise. The starts, the greedy step of the rounding and the
// choices of the repair run on the block's first thread; the rounding's sort and the repair's
// scans are shared. Same code as the CPU's jcrra_core, so the results agree (docs/jcrra.md §10).
// Host header: no CUDA types. Only in CUDA builds (leosem_cuda).
#pragma once
#include <cstddef>
#include <vector>

#include "model/instance.hpp"
#include "quality/quality_model.hpp"
#include "solvers/jcrra.hpp"

namespace leosem {

// Threads per block of the JCRRA kernel, and the blocks per SM its registers must allow
// (__launch_bounds__): 128 threads and 3 blocks cap it at 168 registers (65 536 / 384), with
// the cooperative phases out of line and spill-free (ptxas, sm_90; docs/performance.md §7),
// so three blocks of the default scenario's 63.7 KiB live state share an SM. Build-time knobs
// (-DLEOSEM_JCRRA_BLOCK_THREADS=256 -DLEOSEM_JCRRA_MIN_BLOCKS=1 is the layout before issue 19's
// register work) until a device run picks the fastest.
#ifndef LEOSEM_JCRRA_BLOCK_THREADS
#define LEOSEM_JCRRA_BLOCK_THREADS 128
#endif
#ifndef LEOSEM_JCRRA_MIN_BLOCKS
#define LEOSEM_JCRRA_MIN_BLOCKS 3
#endif
inline constexpr int kJcrraBlockThreads = LEOSEM_JCRRA_BLOCK_THREADS;
inline constexpr int kJcrraMinBlocksPerSm = LEOSEM_JCRRA_MIN_BLOCKS;

// Dynamic shared memory one block needs to keep the relaxed state on chip (bytes), for an
// instance whose deadlines are at most `live_slots`: only live elements (t < T_k) are stored.
size_t jcrra_block_shared_bytes(int users, int subchannels, int live_slots, int options, bool mixed_precision = false);
// Whether that many bytes fit the current device's opt-in shared memory per block (227 KB on
// an H100/H200, 163 KB on an A100, 99 KB on sm_86/89, 64 KB on sm_75): the kernel keeps its
// state there when true, in global memory otherwise.
bool jcrra_block_fits_shared(size_t shared_bytes);

// Convenience for tests and benchmarks: copies same-shape instances to the device, solves them,
// copies the solutions back. `shared_used` tells where the state lived.
struct JcrraBlockSolution {
  CoreResult core;
  std::vector<int> option, resources, assigned_ue;
  std::vector<double> power_w;
};
std::vector<JcrraBlockSolution> jcrra_block_solve(const std::vector<Instance>& instances, const QualityModel& quality,
                                                  const JcrraOptions& options, bool force_global,
                                                  bool* shared_used = nullptr, double* kernel_seconds = nullptr);

}  // namespace leosem
