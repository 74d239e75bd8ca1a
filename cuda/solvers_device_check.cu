// Compiles JCRRA's one-thread core (jcrra_core, host/solvers/jcrra.hpp: what the host backends
// run) for the device, so that a change that breaks its host-device contract fails the CUDA build.
// Not launched: the cuda backend runs JCRRA as jcrra_team over a thread block, and compiles the
// greedy cores itself (cuda/sweep_batch.cu's solve_kernel).
#include "solvers/jcrra.hpp"

namespace leosem {

__global__ void jcrra_kernel(InstanceView v, QualityModel quality, double* snr_lin, JcrraOptions options,
                             JcrraWorkspace ws, SolutionBuffers out, CoreResult* result) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    fill_required_snr(v, quality, snr_lin);
    *result = jcrra_core(v, snr_lin, options, ws, out);
  }
}

}  // namespace leosem
