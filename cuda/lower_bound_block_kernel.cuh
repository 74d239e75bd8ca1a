// The certified lower bound's block kernel and its launch, written once for every caller: one
// instance per thread block, lower_bound_team (host/solvers/lower_bound.hpp) over the block's
// threads (BlockTeam, cuda/jcrra_block_kernel.cuh), the on-chip part of the workspace in shared
// memory when it fits the device's opt-in limit, in global memory otherwise (same code, other
// pointers). A caller says where its instances live through a Source (POD, passed by value):
//   __device__ LowerBoundBlockJob job(unsigned i) const;               // instance i's inputs/workspace
//   __device__ void store(unsigned i, const LowerBoundResult&) const;  // its result (called by thread 0)
// Used by cuda/lower_bound_block.cu (tests) and cuda/sweep_batch.cu (sweeps). CUDA only.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/jcrra_block.hpp"          // jcrra_block_fits_shared
#include "cuda/jcrra_block_kernel.cuh"   // BlockTeam
#include "cuda/lower_bound_block.hpp"
#include "cuda/lower_bound_block_layout.hpp"
#include "solvers/lower_bound.hpp"

namespace leosem {

// One instance as the kernel sees it: every pointer in global memory.
struct LowerBoundBlockJob {
  InstanceView view;
  const double* snr_lin = nullptr;
  double upper_bound_w = 0.0;  // a known solution's power (Polyak target), <= 0 if none
  LowerBoundWorkspace ws;
};

template <class Source>
__global__ void __launch_bounds__(kLowerBoundBlockThreads, 1)
    lower_bound_block_kernel(Source source, LowerBoundOptions options, bool on_chip) {
  extern __shared__ double bound_shared[];
  const unsigned i = blockIdx.x;
  LowerBoundBlockJob job = source.job(i);
  if (on_chip)  // lower_bound_block_layout.hpp: the same call the host tests run over exact-size buffers
    carve_lower_bound_block_shared(bound_shared, job.view.users, job.view.subchannels, job.view.slots,
                                   job.view.options, job.ws);
  const LowerBoundResult result =
      lower_bound_team(BlockTeam(), job.view, job.snr_lin, job.upper_bound_w, options, job.ws);
  if (threadIdx.x == 0) source.store(i, result);
}

// Launches one block per instance on `stream`, asynchronously, each with the shared memory of
// the on-chip part when that fits the current device's opt-in limit (and !force_global), which
// it returns. Throws std::runtime_error on a CUDA error.
template <class Source>
bool launch_lower_bound_blocks(const Source& source, unsigned instances, int users, int subchannels, int slots,
                               int options_count, const LowerBoundOptions& options, bool force_global,
                               cudaStream_t stream) {
  if (instances == 0) return false;
  const size_t shared_bytes = lower_bound_block_shared_bytes(users, subchannels, slots, options_count);
  const bool use_shared = !force_global && jcrra_block_fits_shared(shared_bytes);
  const auto check = [](cudaError_t status, const char* what) {
    if (status != cudaSuccess)
      throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  };
  if (use_shared)  // opt in to the large shared-memory carve-out (above 48 KB)
    check(cudaFuncSetAttribute(lower_bound_block_kernel<Source>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(shared_bytes)),
          "cudaFuncSetAttribute (lower bound shared memory)");
  lower_bound_block_kernel<Source><<<instances, kLowerBoundBlockThreads, use_shared ? shared_bytes : 0, stream>>>(
      source, options, use_shared);
  check(cudaGetLastError(), "lower_bound_block_kernel launch");
  return use_shared;
}

}  // namespace leosem
