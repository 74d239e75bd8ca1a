// JCRRA's options, its caller-owned workspace and how it is laid out (solvers/jcrra.hpp):
// the dense carve of global scratch (sized by K, N, T, L) and the compact carve of the relaxed
// solve's state over the live elements only (what the block kernel puts in shared memory).
#pragma once
#include <cstddef>

#include "model/scenario_params.hpp"
#include "solvers/greedy_jscc.hpp"
#include "solvers/solver_options.hpp"
#include "solvers/team.hpp"

namespace leosem {

// The live layout (docs/jcrra.md §9): only the live elements (k, n, t), t < T_k and g > 0, are
// indexed, UE by UE, each UE's slots t < T_k in order as *columns*, each column's usable SCs in
// order: element e of UE k, slot t, SC n. Live resources (n, t), t < T_live = max_k T_k, are
// indexed slot-major: rc = t·N + n. Built once per instance (build_live_layout).
//
// Caller-owned scratch (carve_jcrra_workspace lays it out, dense: every array at its largest).
// The relaxed solve's state (x, the duals, the row sums, the per-UE values) can be re-carved
// over the live sizes only (carve_jcrra_live_state): the block kernel does so in shared memory.
// Sizes in brackets: E live elements, R = N·T_live live resources, C = Σ_k T_k columns.
struct JcrraWorkspace {
  GreedyWorkspace greedy;          // order/busy/key of the start, reused by the rounding
  double* slot_power_w = nullptr;  // [T]
  // Live layout (global memory).
  int* live_info = nullptr;   // [kLiveInfo]: E, T_live, C, the most elements of one UE
  int* col_first = nullptr;   // [K+1] UE k's columns are col_first[k] + t, t < T_k
  int* col_start = nullptr;   // [K*T+1] column c's elements are col_start[c] .. col_start[c+1]−1
  int* ue_first = nullptr;    // [K+1] UE k's elements are ue_first[k] .. ue_first[k+1]−1
  int* elem_rc = nullptr;     // [E] the live resource t·N + n of element e
  int* elem_idx = nullptr;    // [E] its dense index (k·N + n)·T + t
  int* row_start = nullptr;   // [R+1] resource rc's elements are row_elem[row_start[rc] ..]
  int* row_elem = nullptr;    // [E] elements by resource, UEs ascending
  // Relaxed problem (the cooperative part).
  double* x = nullptr;           // [E] relaxed association, the PDHG iterate (mixed precision:
                                 // its first half holds E floats instead)
  double* cost = nullptr;        // [E] per SCA iteration: c_x·x_ref − ∂f/∂x (the rounding sorts in it)
  double* s = nullptr;           // [K*L] relaxed option weights
  double* s_prev = nullptr;      // [K*L]
  double* s_ref = nullptr;       // [K*L] SCA linearisation point of s
  double* dual_c1 = nullptr;     // [R] multipliers of C1 (Σ_k x <= 1)
  double* row_sum_c1 = nullptr;  // [R] Σ_k x at the previous PDHG iterate
  double* c1_step = nullptr;     // [R] σ of C1: 1/#UEs that can use (n, t), 0 if none
  double* dual_c7 = nullptr;     // [K] multipliers of C7
  double* supply_c7 = nullptr;   // [K] Σ_nt x at the previous PDHG iterate
  double* c7_step = nullptr;     // [K] σ of C7
  double* ue_d_bar = nullptr;    // [K] D̄_k = max_l D_kl (at least 1)
  double* ue_snr_mix = nullptr;  // [K] Γ_k(s) = Σ_l s_kl Γ_kl
  double* ue_load = nullptr;     // [K] W_k(x) = Σ_nt x/g, in cost units
  double* block_sum = nullptr;   // [C] Σ_n x of one column
  double* chunk_sum = nullptr;   // [K*chunks] partial sums (team_ops.hpp)
  double* scalars = nullptr;     // [kJcrraScalars] team-shared values (jcrra_scalar); never moved
  // Rounding (cooperative: keys, sort) and repair (serial, on the leader).
  int* sort_buffer = nullptr;      // [K*N*T] the team sort's second buffer
  int* chunk_count = nullptr;      // [2*(chunks_for(K*N*T) + 1)] the rounding's group counts, then offsets
  double* slot_gain = nullptr;     // [T]
  double* slot_held_w = nullptr;   // [T] best response: the UE's own power per slot
  int* slot_sc = nullptr;          // [T]
  int* slot_order = nullptr;       // [T]
  SolutionBuffers candidate;       // option [K], resources [K], assigned_ue [N*T], power_w [N*T]
  SolutionBuffers backup;          // the same sizes: the pair moves' undo copy
  int* path_from = nullptr;        // [N*T] augmenting paths: the resource each was reached from
  int* path_queue = nullptr;       // [N*T] breadth-first queue of resources
  // Where the relaxed state may go instead (the block kernel's shared memory): used when the
  // live state fits in on_chip_doubles; null = stay where carve_jcrra_workspace put it.
  double* on_chip = nullptr;
  size_t on_chip_doubles = 0;
};

// Team-shared scalars, by index into JcrraWorkspace::scalars.
enum JcrraScalar : int { kScaleW = 0, kRelaxed, kBestPowerW, kHaveBest, kStop, kRounded, kResponse, kRoundingCut, kPairPowerW, kPairAfterW, kJcrraScalars };
// Live-layout counts, by index into JcrraWorkspace::live_info.
enum JcrraLiveInfo : int { kLiveElements = 0, kLiveSlots, kLiveColumns, kLiveMaxUeElements, kLiveInfo };

// Bump allocator over one array of doubles; with a null base it only counts.
struct DoubleCarver {
  double* base = nullptr;
  size_t used = 0;
  LEOSEM_HD double* take_doubles(size_t count) {
    double* p = base ? base + used : nullptr;
    used += count;
    return p;
  }
};

// Sizes of the relaxed state over the live layout.
struct JcrraLiveDims {
  int elements = 0;    // E
  int resources = 0;   // R = N·T_live
  int columns = 0;     // C
  int ue_chunks = 0;   // chunks per UE of the per-UE sums: chunks_for(max(elements of a UE, T_live))
};

LEOSEM_HD JcrraLiveDims jcrra_live_dims(int subchannels, int live_slots, int columns, int elements,
                                        int max_ue_elements) {
  JcrraLiveDims d;
  d.elements = elements;
  d.resources = subchannels * live_slots;
  d.columns = columns;
  d.ue_chunks = chunks_for(max_ue_elements > live_slots ? max_ue_elements : live_slots);
  return d;
}

// The largest live dims of K·N·T instances whose deadlines are at most `live_slots` (≤ T).
LEOSEM_HD JcrraLiveDims jcrra_live_dims_bound(int users, int subchannels, int live_slots) {
  return jcrra_live_dims(subchannels, live_slots, users * live_slots, users * subchannels * live_slots,
                         subchannels * live_slots);
}

// Lays out the relaxed state (everything the PDHG steps read and write except `cost` and
// `c1_step`, read once per element or resource and step) over the live sizes from `c`. Doubles only.
template <class Carver>
LEOSEM_HD void carve_jcrra_live_state(const JcrraLiveDims& d, int users, int options, bool mixed_precision, Carver& c,
                                      JcrraWorkspace& ws) {
  const size_t K = static_cast<size_t>(users), L = static_cast<size_t>(options), E = static_cast<size_t>(d.elements),
               R = static_cast<size_t>(d.resources);
  ws.x = c.take_doubles(mixed_precision ? (E + 1) / 2 : E);  // FP32 x: half the doubles
  ws.dual_c1 = c.take_doubles(R);
  ws.row_sum_c1 = c.take_doubles(R);
  ws.block_sum = c.take_doubles(static_cast<size_t>(d.columns));
  ws.chunk_sum = c.take_doubles(K * static_cast<size_t>(d.ue_chunks));
  ws.s = c.take_doubles(K * L);
  ws.s_prev = c.take_doubles(K * L);
  ws.s_ref = c.take_doubles(K * L);
  ws.dual_c7 = c.take_doubles(K);
  ws.supply_c7 = c.take_doubles(K);
  ws.c7_step = c.take_doubles(K);
  ws.ue_d_bar = c.take_doubles(K);
  ws.ue_snr_mix = c.take_doubles(K);
  ws.ue_load = c.take_doubles(K);
}

// Lays out every field of JcrraWorkspace except .greedy and .slot_power_w (which callers often
// share with Greedy JSCC's) and .on_chip from a bump allocator with take_doubles(n)/take_ints(n)
// (with null bases it only counts; see solvers/workspace.hpp). Every array at its dense size.
template <class Carver>
LEOSEM_HD JcrraWorkspace carve_jcrra_workspace(int users, int subchannels, int slots, int options, Carver& c) {
  const size_t K = static_cast<size_t>(users), N = static_cast<size_t>(subchannels), T = static_cast<size_t>(slots);
  JcrraWorkspace ws;
  carve_jcrra_live_state(jcrra_live_dims_bound(users, subchannels, slots), users, options, false, c, ws);
  ws.cost = c.take_doubles(K * N * T);
  ws.c1_step = c.take_doubles(N * T);  // read once per resource and step: stays in global memory
  ws.scalars = c.take_doubles(kJcrraScalars);
  ws.live_info = c.take_ints(kLiveInfo);
  ws.col_first = c.take_ints(K + 1);
  ws.col_start = c.take_ints(K * T + 1);
  ws.ue_first = c.take_ints(K + 1);
  ws.elem_rc = c.take_ints(K * N * T);
  ws.elem_idx = c.take_ints(K * N * T);
  ws.row_start = c.take_ints(N * T + 1);
  ws.row_elem = c.take_ints(K * N * T);
  ws.sort_buffer = c.take_ints(K * N * T);
  ws.chunk_count = c.take_ints(2 * (static_cast<size_t>(chunks_for(users * subchannels * slots)) + 1));
  ws.slot_gain = c.take_doubles(T);
  ws.slot_held_w = c.take_doubles(T);
  ws.slot_sc = c.take_ints(T);
  ws.slot_order = c.take_ints(T);
  ws.candidate.option = c.take_ints(K);
  ws.candidate.resources = c.take_ints(K);
  ws.candidate.assigned_ue = c.take_ints(N * T);
  ws.candidate.power_w = c.take_doubles(N * T);
  ws.backup.option = c.take_ints(K);
  ws.backup.resources = c.take_ints(K);
  ws.backup.assigned_ue = c.take_ints(N * T);
  ws.backup.power_w = c.take_doubles(N * T);
  ws.path_from = c.take_ints(N * T);
  ws.path_queue = c.take_ints(N * T);
  return ws;
}

}  // namespace leosem
