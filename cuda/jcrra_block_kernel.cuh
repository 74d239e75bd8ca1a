// The block-cooperative JCRRA kernel and its launch, written once for every caller: one
// instance per thread block, jcrra_team (host/solvers/jcrra.hpp) over the block's threads, the
// relaxed state over the live elements carved in shared memory when it fits the shared memory
// the launch gave the block (global memory otherwise: same code, other pointers). A caller says
// where its instances live through a Source (POD, passed by value):
//   __device__ JcrraBlockJob job(unsigned i) const;              // instance i's inputs/workspace/outputs
//   __device__ void store(unsigned i, const CoreResult&) const;  // its result (called by thread 0)
// Used by cuda/jcrra_block.cu (tests, bench) and cuda/sweep_batch.cu (sweeps). CUDA only.
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/jcrra_block.hpp"
#include "cuda/jcrra_block_layout.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/workspace.hpp"

namespace leosem {

// The block as a team (solvers/team.hpp): items strided over the threads, barriers are
// __syncthreads, thread 0 leads. Host bodies are empty: kernels are the only callers.
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

// One instance as the kernel sees it: every pointer in global memory.
struct JcrraBlockJob {
  InstanceView view;
  const double* snr_lin = nullptr;
  JcrraWorkspace ws;
  SolutionBuffers out;
};

template <class Source>
__global__ void __launch_bounds__(kJcrraBlockThreads, kJcrraMinBlocksPerSm)
    jcrra_block_kernel(Source source, JcrraOptions options, int live_slots) {
  extern __shared__ double shared_state[];
  const unsigned i = blockIdx.x;
  JcrraBlockJob job = source.job(i);
  if (live_slots > 0)  // jcrra_block_layout.hpp: the same call the host tests run over exact-size buffers
    carve_jcrra_block_shared(shared_state, job.view.users, job.view.subchannels, live_slots, job.view.options,
                             options.mixed_precision, job.ws);
  const CoreResult result = jcrra_team(BlockTeam(), job.view, job.snr_lin, options, job.ws, job.out);
  if (threadIdx.x == 0) source.store(i, result);
}

// Launches one block per instance on `stream`, asynchronously. Each block gets the shared memory
// of the live state of an instance whose deadlines are at most `live_slots` (<= slots) when that
// fits the current device's opt-in limit (and !force_global), which it returns; a block whose
// instance needs more runs from global memory. Throws std::runtime_error on a CUDA error.
template <class Source>
bool launch_jcrra_blocks(const Source& source, unsigned instances, int users, int subchannels, int live_slots,
                         int options_count, const JcrraOptions& options, bool force_global, cudaStream_t stream) {
  if (instances == 0) return false;
  const size_t shared_bytes =
      jcrra_block_shared_bytes(users, subchannels, live_slots, options_count, options.mixed_precision);
  const bool use_shared = !force_global && jcrra_block_fits_shared(shared_bytes);
  const auto check = [](cudaError_t status, const char* what) {
    if (status != cudaSuccess)
      throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  };
  if (use_shared)  // opt in to the large shared-memory carve-out (above 48 KB)
    check(cudaFuncSetAttribute(jcrra_block_kernel<Source>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(shared_bytes)),
          "cudaFuncSetAttribute (JCRRA shared memory)");
  if (use_shared)  // the whole carve-out as shared memory, so several blocks' state fits an SM
    check(cudaFuncSetAttribute(jcrra_block_kernel<Source>, cudaFuncAttributePreferredSharedMemoryCarveout,
                               cudaSharedmemCarveoutMaxShared),
          "cudaFuncSetAttribute (JCRRA carve-out)");
  jcrra_block_kernel<Source><<<instances, kJcrraBlockThreads, use_shared ? shared_bytes : 0, stream>>>(
      source, options, use_shared ? live_slots : 0);
  check(cudaGetLastError(), "jcrra_block_kernel launch");
  return use_shared;
}

}  // namespace leosem
