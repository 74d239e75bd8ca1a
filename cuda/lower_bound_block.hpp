// The certified lower bound (host/solvers/lower_bound.hpp) on the device: one instance per
// thread block, the block's threads sharing each phase of lower_bound_team (the same code as the
// CPU's lower_bound_core over a sequential team). The multipliers, subgradients, per-option
// values and scalars live in shared memory when they fit the device's opt-in limit, in global
// memory otherwise; the slot costs (and their cache) and the relaxed plan in global memory. Only +, −, ×, ÷,
// fmin/fmax and comparisons, compiled without FMA contraction: on the same inputs the device
// gives the host's bits. Host header: no CUDA types. Only in CUDA builds (leosem_cuda).
#pragma once
#include <cstddef>
#include <vector>

#include "model/instance.hpp"
#include "quality/quality_model.hpp"
#include "solvers/lower_bound.hpp"

namespace leosem {

// Threads per block of the bound's kernel.
inline constexpr int kLowerBoundBlockThreads = 256;

// Dynamic shared memory one block needs for the on-chip part (bytes).
size_t lower_bound_block_shared_bytes(int users, int subchannels, int slots, int options);

// Convenience for tests and benchmarks: copies same-shape instances (and their required-SNR
// tables, computed on the host) to the device, computes each one's bound with upper_bound_w[i]
// as its Polyak target (empty: none), copies the results back. `shared_used` tells where the
// on-chip part lived; `kernel_seconds` the kernel's time.
std::vector<LowerBoundResult> lower_bound_block_solve(const std::vector<Instance>& instances,
                                                      const QualityModel& quality,
                                                      const std::vector<double>& upper_bound_w,
                                                      const LowerBoundOptions& options, bool force_global,
                                                      bool* shared_used = nullptr, double* kernel_seconds = nullptr);

}  // namespace leosem
