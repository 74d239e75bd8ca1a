// The block-cooperative JCRRA kernel's memory layout (cuda/jcrra_block_kernel.cuh): how big its
// dynamic shared memory is and how it is sliced, and one instance's global scratch for
// cuda/jcrra_block.cu. Host-device and free of CUDA types, so that host tests run the kernel's
// very carve over heap buffers of exactly the computed sizes (AddressSanitizer sees any overrun;
// tests/solvers/test_team_threads.cpp).
#pragma once
#include <cstddef>

#include "core/hostdev.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/workspace.hpp"

namespace leosem {

// Doubles of dynamic shared memory one block gets to keep the relaxed state of the live
// elements on chip, for instances whose deadlines are at most `live_slots` (<= slots; the
// slots themselves bound every instance).
LEOSEM_HD size_t jcrra_block_shared_doubles(int users, int subchannels, int live_slots, int options, bool mixed_precision) {
  DoubleCarver counter;
  JcrraWorkspace ws;
  carve_jcrra_live_state(jcrra_live_dims_bound(users, subchannels, live_slots), users, options, mixed_precision,
                         counter, ws);
  return counter.used;
}

// Hands `shared` (jcrra_block_shared_doubles(...) doubles) to `ws`: what the kernel does with its
// dynamic shared memory. jcrra_team carves the live state there once the live layout is built
// (place_live_state), if that instance's state fits.
LEOSEM_HD void carve_jcrra_block_shared(double* shared, int users, int subchannels, int live_slots, int options,
                                        bool mixed_precision, JcrraWorkspace& ws) {
  ws.on_chip = shared;
  ws.on_chip_doubles = jcrra_block_shared_doubles(users, subchannels, live_slots, options, mixed_precision);
}

// One instance's global scratch: JCRRA's workspace plus Greedy JSCC's (order, key, busy) and
// the slot powers. Counting (a carver without bases) and carving are this one function.
LEOSEM_HD JcrraWorkspace carve_jcrra_block_scratch(int K, int N, int T, int L, WorkspaceCarver& c) {
  JcrraWorkspace ws = carve_jcrra_workspace(K, N, T, L, c);
  ws.greedy = carve_greedy_workspace(K, N, T, c);
  ws.slot_power_w = c.take_doubles(static_cast<size_t>(T));
  return ws;
}

}  // namespace leosem
