// Compiles the per-instance solver cores (host/solvers/*.hpp) for the device, so that a change
// that breaks their host-device contract fails the CUDA build. The kernels are one instance per
// thread and are not launched yet: batching them is the CUDA backend's work.
#include "solvers/greedy_jpeg.hpp"
#include "solvers/greedy_jscc.hpp"
#include "solvers/jcrra.hpp"

namespace leosem {

__global__ void greedy_jscc_kernel(InstanceView v, const double* snr_lin, int base_option, GreedyWorkspace ws,
                                   double* slot_power_w, SolutionBuffers out, CoreResult* result) {
  if (blockIdx.x == 0 && threadIdx.x == 0)
    *result = greedy_jscc_core(v, snr_lin, base_option, ws, slot_power_w, out);
}

__global__ void greedy_jpeg_kernel(InstanceView v, JpegTableView table, JpegWorkspace ws, double* slot_power_w,
                                   SolutionBuffers out, CoreResult* result) {
  if (blockIdx.x == 0 && threadIdx.x == 0) *result = greedy_jpeg_core(v, table, ws, slot_power_w, out);
}

__global__ void jcrra_kernel(InstanceView v, QualityModel quality, double* snr_lin, JcrraOptions options,
                             JcrraWorkspace ws, SolutionBuffers out, CoreResult* result) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    fill_required_snr(v, quality, snr_lin);
    *result = jcrra_core(v, snr_lin, options, ws, out);
  }
}

}  // namespace leosem
