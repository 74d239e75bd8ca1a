// The certified lower bound's block kernel (cuda/lower_bound_block_kernel.cuh): its dynamic
// shared memory (size and slicing) and one instance's global scratch. Host-device and free of
// CUDA types, so that host tests run the kernel's very carve over heap buffers of exactly the
// computed sizes (tests/solvers/test_lower_bound_block.cpp; AddressSanitizer sees any overrun).
#pragma once
#include <cstddef>

#include "core/hostdev.hpp"
#include "solvers/jcrra_state.hpp"  // DoubleCarver
#include "solvers/lower_bound.hpp"
#include "solvers/workspace.hpp"

namespace leosem {

// Doubles of dynamic shared memory one block needs to keep the bound's on-chip part there
// (carve_lower_bound_on_chip: λ, ν, their subgradients, the per-option values, thresholds, bases
// and cache stamps, the per-UE values, the partial sums, the scalars, the slots' priced flags and
// change stamps): 2·N·T + 4·T + 4·K·L + K + chunks_for(N·T + T) + kBoundScalars.
LEOSEM_HD size_t lower_bound_block_shared_doubles(int users, int subchannels, int slots, int options) {
  DoubleCarver counter;
  LowerBoundWorkspace ws;
  carve_lower_bound_on_chip(users, subchannels, slots, options, counter, ws);
  return counter.used;
}

// Re-points the on-chip part of `ws` into `shared` (lower_bound_block_shared_doubles(...)
// doubles): what the kernel does with its dynamic shared memory when the launch gave it some.
// The global copies of those arrays stay carved but unused; the slot costs, their cache and the
// ints stay global.
LEOSEM_HD void carve_lower_bound_block_shared(double* shared, int users, int subchannels, int slots, int options,
                                              LowerBoundWorkspace& ws) {
  DoubleCarver chip;
  chip.base = shared;
  carve_lower_bound_on_chip(users, subchannels, slots, options, chip, ws);
}

// One instance's global scratch of the standalone kernel (lower_bound_block_solve): the whole
// workspace. Counting (a carver without bases) and carving are this one function. Sweeps use the
// arena slot's (solvers/workspace.hpp, needs.bound), which is the same carve.
LEOSEM_HD LowerBoundWorkspace carve_lower_bound_block_scratch(int K, int N, int T, int L, WorkspaceCarver& c) {
  return carve_lower_bound_workspace(K, N, T, L, c);
}

}  // namespace leosem
