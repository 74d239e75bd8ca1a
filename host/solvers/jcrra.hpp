// JCRRA (MODEL.md §7.1, the paper's Algorithm 1): successive convex approximation (SCA) of the
// relaxed joint compression-ratio / resource problem, each convex subproblem solved by a
// preconditioned primal-dual projected-gradient method (PDHG), integer recovery by rounding
// ρ up to an option and the association by priority, then a per-UE best-response repair.
// Derivation, step sizes and stopping rules: docs/jcrra.md. Host-device, per instance: no
// allocation, no exceptions, no std containers; the caller passes every buffer.
#pragma once
#include <cstddef>

#include "model/scenario_params.hpp"
#include "solvers/greedy_jscc.hpp"
#include "solvers/team.hpp"

namespace leosem {

struct JcrraOptions {
  int base_option = 3;          // Greedy JSCC's ρ (index), the start point
  int max_sca_iterations = 30;  // outer SCA iterations
  int pdhg_iterations = 40;     // projected-gradient steps per convex subproblem
  double tolerance = 1e-4;      // stop when the relaxed objective changes by less (relative)
  double proximal_x = 1.0;      // proximal weight on x (normalised cost units)
  double proximal_s = 0.5;      // proximal weight on s, times D̄_k
  double penalty = 1.0;         // weight of the integrality penalty at the last iteration
  int repair_passes = 6;        // best-response sweeps over the UEs after each rounding
  bool mixed_precision = false; // x stored in FP32 (sums, duals and powers stay FP64)
  bool priced_fallback = true;  // infeasible: try the priced repair (solvers/priced_repair.hpp)
};

// Caller-owned scratch (carve_jcrra_workspace lays it out). The relaxed solve's state (x, the
// duals, the row sums) is what the block kernel keeps in shared memory; `cost` stays in global
// memory (read once per PDHG step). Sizes in brackets.
struct JcrraWorkspace {
  GreedyWorkspace greedy;          // order/busy/key of the start, reused by the rounding
  double* slot_power_w = nullptr;  // [T]
  // Relaxed problem (the cooperative part).
  double* x = nullptr;           // [K*N*T] relaxed association, the PDHG iterate (mixed precision:
                                 // its first half holds K*N*T floats instead)
  double* cost = nullptr;        // [K*N*T] per SCA iteration: c_x·x_ref − ∂f/∂x; NaN where unusable
  double* s = nullptr;           // [K*L] relaxed option weights
  double* s_prev = nullptr;      // [K*L]
  double* s_ref = nullptr;       // [K*L] SCA linearisation point of s
  double* dual_c1 = nullptr;     // [N*T] multipliers of C1 (Σ_k x <= 1)
  double* row_sum_c1 = nullptr;  // [N*T] Σ_k x at the previous PDHG iterate
  double* c1_step = nullptr;     // [N*T] σ of C1: 1/#UEs that can use (n, t), 0 if none
  double* dual_c7 = nullptr;     // [K] multipliers of C7
  double* supply_c7 = nullptr;   // [K] Σ_nt x at the previous PDHG iterate
  double* c7_step = nullptr;     // [K] σ of C7
  double* ue_d_bar = nullptr;    // [K] D̄_k = max_l D_kl (at least 1)
  double* ue_snr_mix = nullptr;  // [K] Γ_k(s) = Σ_l s_kl Γ_kl
  double* ue_load = nullptr;     // [K] W_k(x) = Σ_nt x/g, in cost units
  double* block_sum = nullptr;   // [K*T] Σ_n x of one (UE, slot) column
  double* chunk_sum = nullptr;   // [K*chunks_for(N*T)] partial sums (team.hpp)
  double* scalars = nullptr;     // [kJcrraScalars] team-shared values (jcrra_scalar)
  // Rounding (cooperative: keys, compaction, sort) and repair (serial, on the leader).
  int* sort_buffer = nullptr;      // [K*N*T] the team sort's second buffer
  int* chunk_count = nullptr;      // [chunks_for(K*N*T) + 1] usable entries per chunk, then offsets
  double* slot_gain = nullptr;     // [T]
  double* slot_held_w = nullptr;   // [T] best response: the UE's own power per slot
  int* slot_sc = nullptr;          // [T]
  int* slot_order = nullptr;       // [T]
  int* saved_resource = nullptr;   // [T]
  SolutionBuffers candidate;       // option [K], resources [K], assigned_ue [N*T], power_w [N*T]
  SolutionBuffers backup;          // the same sizes: the pair moves' undo copy
  int* path_from = nullptr;        // [N*T] augmenting paths: the resource each was reached from
  int* path_queue = nullptr;       // [N*T] breadth-first queue of resources
};

// Team-shared scalars, by index into JcrraWorkspace::scalars.
enum JcrraScalar : int { kScaleW = 0, kRelaxed, kBestPowerW, kHaveBest, kStop, kRounded, kResponse, kJcrraScalars };

// Lays out every field of JcrraWorkspace except .greedy and .slot_power_w (which callers often
// share with Greedy JSCC's) from a bump allocator with take_doubles(n)/take_ints(n) (with null
// bases it only counts; see solvers/workspace.hpp).
template <class Carver>
LEOSEM_HD JcrraWorkspace carve_jcrra_workspace(int users, int subchannels, int slots, int options, Carver& c) {
  const size_t K = static_cast<size_t>(users), N = static_cast<size_t>(subchannels), T = static_cast<size_t>(slots),
               L = static_cast<size_t>(options);
  JcrraWorkspace ws;
  ws.x = c.take_doubles(K * N * T);
  ws.cost = c.take_doubles(K * N * T);
  ws.s = c.take_doubles(K * L);
  ws.s_prev = c.take_doubles(K * L);
  ws.s_ref = c.take_doubles(K * L);
  ws.dual_c1 = c.take_doubles(N * T);
  ws.row_sum_c1 = c.take_doubles(N * T);
  ws.c1_step = c.take_doubles(N * T);
  ws.dual_c7 = c.take_doubles(K);
  ws.supply_c7 = c.take_doubles(K);
  ws.c7_step = c.take_doubles(K);
  ws.ue_d_bar = c.take_doubles(K);
  ws.ue_snr_mix = c.take_doubles(K);
  ws.ue_load = c.take_doubles(K);
  ws.block_sum = c.take_doubles(K * T);
  ws.chunk_sum = c.take_doubles(K * static_cast<size_t>(chunks_for(subchannels * slots)));
  ws.scalars = c.take_doubles(kJcrraScalars);
  ws.sort_buffer = c.take_ints(K * N * T);
  ws.chunk_count = c.take_ints(static_cast<size_t>(chunks_for(users * subchannels * slots)) + 1);
  ws.slot_gain = c.take_doubles(T);
  ws.slot_held_w = c.take_doubles(T);
  ws.slot_sc = c.take_ints(T);
  ws.slot_order = c.take_ints(T);
  ws.saved_resource = c.take_ints(T);
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

// Points the relaxed solve's per-step state (everything pdhg_step reads and writes except `cost`)
// at memory from `c`: the block kernel carves it from shared memory. Doubles only.
template <class Carver>
LEOSEM_HD void carve_jcrra_shared_state(int users, int subchannels, int slots, int options, bool mixed_precision,
                                        Carver& c, JcrraWorkspace& ws) {
  const size_t K = static_cast<size_t>(users), N = static_cast<size_t>(subchannels), T = static_cast<size_t>(slots),
               L = static_cast<size_t>(options);
  ws.x = c.take_doubles(mixed_precision ? (K * N * T + 1) / 2 : K * N * T);  // FP32 x: half the doubles
  ws.dual_c1 = c.take_doubles(N * T);
  ws.row_sum_c1 = c.take_doubles(N * T);
  ws.block_sum = c.take_doubles(K * T);
  ws.chunk_sum = c.take_doubles(K * static_cast<size_t>(chunks_for(subchannels * slots)));
  ws.s = c.take_doubles(K * L);
  ws.s_prev = c.take_doubles(K * L);
  ws.s_ref = c.take_doubles(K * L);
  ws.dual_c7 = c.take_doubles(K);
  ws.supply_c7 = c.take_doubles(K);
  ws.c7_step = c.take_doubles(K);
  ws.ue_d_bar = c.take_doubles(K);
  ws.ue_snr_mix = c.take_doubles(K);
  ws.ue_load = c.take_doubles(K);
  ws.scalars = c.take_doubles(kJcrraScalars);
}

// ---- projections ----

// The threshold θ of the Euclidean projection onto the probability simplex (Held et al.):
// the projection is max(y_i − θ, 0). Sorts a copy of y[0..count) into `scratch` (descending).
LEOSEM_HD double simplex_threshold(const double* y, int count, double* scratch) {
  for (int i = 0; i < count; ++i) {
    const double value = y[i];
    int j = i - 1;
    while (j >= 0 && scratch[j] < value) {
      scratch[j + 1] = scratch[j];
      --j;
    }
    scratch[j + 1] = value;
  }
  double partial = 0.0, theta = 0.0;
  for (int i = 0; i < count; ++i) {
    partial += scratch[i];
    const double candidate = (partial - 1.0) / (i + 1);
    if (scratch[i] - candidate > 0.0) theta = candidate;
  }
  return theta;
}

// Euclidean projection of y[0..count) onto {0 <= x <= 1, Σ x <= 1} (C2 and the box for one
// (UE, slot) block). If clipping to [0, 1] already meets the sum, that is the answer; else the
// sum is active and the answer is the projection onto the probability simplex (whose entries
// are <= 1 anyway). `scratch` holds count doubles.
LEOSEM_HD void project_capped_simplex(double* y, int count, double* scratch) {
  double clipped_sum = 0.0;
  for (int i = 0; i < count; ++i) clipped_sum += fmin(fmax(y[i], 0.0), 1.0);
  if (clipped_sum <= 1.0) {
    for (int i = 0; i < count; ++i) y[i] = fmin(fmax(y[i], 0.0), 1.0);
    return;
  }
  const double theta = simplex_threshold(y, count, scratch);
  for (int i = 0; i < count; ++i) y[i] = fmax(y[i] - theta, 0.0);
}

// The same projection for the column y[0], y[stride], …, y[(count−1)·stride], in place and with
// no scratch (one thread of the block kernel projects one column). When the sum is active the
// threshold θ > 0 is found by Michelot's iteration from θ = 0: θ ← (Σ_{y>θ} y − 1)/#{y>θ} rises
// monotonically to the simplex threshold and stops when the active set stops changing (at most
// count passes). Zeros (unusable entries) stay zero.
template <class Real>
LEOSEM_HD void project_capped_simplex_strided(Real* y, int count, int stride) {
  double clipped_sum = 0.0;
  for (int i = 0; i < count; ++i) clipped_sum += fmin(fmax(static_cast<double>(y[i * stride]), 0.0), 1.0);
  if (clipped_sum <= 1.0) {
    for (int i = 0; i < count; ++i) y[i * stride] = static_cast<Real>(fmin(fmax(static_cast<double>(y[i * stride]), 0.0), 1.0));
    return;
  }
  double theta = 0.0;
  for (int pass = 0; pass <= count; ++pass) {
    double sum = 0.0;
    int active = 0;
    for (int i = 0; i < count; ++i)
      if (y[i * stride] > theta) {
        sum += static_cast<double>(y[i * stride]);
        ++active;
      }
    const double next = (sum - 1.0) / active;  // active >= 1: θ stays below max y
    if (!(next > theta)) break;
    theta = next;
  }
  for (int i = 0; i < count; ++i) y[i * stride] = static_cast<Real>(fmax(static_cast<double>(y[i * stride]) - theta, 0.0));
}

// Projection of s[0..L) onto the simplex restricted to the entries with allowed[l] (the others
// are set to 0).
LEOSEM_HD void project_option_simplex(double* s, const double* snr_lin_k, int options) {
  double values[kMaxOptions];
  int count = 0;
  for (int l = 0; l < options; ++l)
    if (snr_lin_k[l] >= 0.0) values[count++] = s[l];
  double scratch[kMaxOptions];
  const double theta = simplex_threshold(values, count, scratch);
  for (int l = 0; l < options; ++l) s[l] = snr_lin_k[l] >= 0.0 ? fmax(s[l] - theta, 0.0) : 0.0;
}

// ---- a sort for teams ----

// Sorts index[0..count) so that key[] is descending, ties by index ascending (sort_before: a
// strict total order, so the result is the one heap_sort_descending gives, for every team):
// runs of kSumChunk sorted by insertion, one item each; then runs merged pairwise, doubling,
// each merge cut into segments of kSumChunk outputs (merge path: a binary search finds where a
// segment starts in the two runs), one item per segment. Ping-pongs between `index` and
// `buffer` (both [count]); returns the one holding the result.
template <class Team>
LEOSEM_HD int* team_sort_descending(const Team& team, int* index, int* buffer, int count, const double* key) {
  const int runs = chunks_for(count);
  team.for_each(runs, [&](int run) {
    const int first = run * kSumChunk, last = first + kSumChunk < count ? first + kSumChunk : count;
    for (int i = first + 1; i < last; ++i) {
      const int value = index[i];
      int j = i - 1;
      for (; j >= first && sort_before(key, value, index[j]); --j) index[j + 1] = index[j];
      index[j + 1] = value;
    }
  });
  team.sync();
  int* from = index;
  int* to = buffer;
  for (int width = kSumChunk; width < count; width *= 2) {
    team.for_each(runs, [&](int segment) {
      // Pairs of runs span 2·width outputs, a multiple of kSumChunk: a segment stays in one pair.
      const int out_first = segment * kSumChunk;
      const int a_first = out_first / (2 * width) * (2 * width);
      const int a_count = width < count - a_first ? width : count - a_first;
      const int b_first = a_first + a_count;
      const int b_count = width < count - b_first ? width : count - b_first;
      const int d = out_first - a_first;  // outputs of this pair before the segment
      // i = how many of run A precede output d: the first mid where A[mid] does not precede B[d-1-mid].
      int lo = d > b_count ? d - b_count : 0, hi = d < a_count ? d : a_count;
      while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (sort_before(key, from[a_first + mid], from[b_first + d - 1 - mid])) lo = mid + 1;
        else hi = mid;
      }
      int i = lo, j = d - lo;
      const int out_last = out_first + kSumChunk < count ? out_first + kSumChunk : count;
      for (int o = out_first; o < out_last; ++o) {
        const bool take_a = j >= b_count || (i < a_count && sort_before(key, from[a_first + i], from[b_first + j]));
        to[o] = take_a ? from[a_first + i++] : from[b_first + j++];
      }
    });
    team.sync();
    int* swap = from;
    from = to;
    to = swap;
  }
  return from;
}

// ---- integer repair: per-UE best response ----

// Total power of a (feasible) assignment.
LEOSEM_HD double total_power(const InstanceView& v, const SolutionBuffers& sol) {
  double sum = 0.0;
  for (int i = 0; i < v.subchannels * v.slots; ++i) sum += sol.power_w[i];
  return sum;
}

// Re-optimises UE k alone, the others fixed: frees its resources, then for every reachable
// option takes, per usable slot, its best free SC (if its power fits the slot's remaining
// budget), and keeps the D_kl slots with the largest gains; picks the option of least power.
// This is exact for UE k given the others (cost Γ_kl/g is separable and C2 allows one SC per
// slot). Keeps the old choice unless the new one is strictly cheaper (or, with `place`, for a
// UE that holds nothing, takes the cheapest option that fits). Returns, on every thread, true
// if changed. Over a team: the per-slot scans, the sort of the slots and the release are team
// phases; choosing the option and taking the slots (O(L·D)) run on the leader.
template <class Team>
LEOSEM_HD bool best_response(const Team& team, const InstanceView& v, const double* snr_lin, int k,
                             SolutionBuffers sol, JcrraWorkspace ws, bool place = false) {
  const int N = v.subchannels, T = v.slots, L = v.options;
  const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
  // Per slot: the others' power, k's own (C2: at most one SC), and k's best free SC before its
  // deadline (gain 0 and SC -1 where none).
  team.for_each(T, [&](int t) {
    double others_w = 0.0, held_w = 0.0, best_gain = 0.0;
    int best_n = -1;
    for (int n = 0; n < N; ++n) {
      const int r = n * T + t, owner = sol.assigned_ue[r];
      if (owner == k) held_w += sol.power_w[r];
      else if (owner >= 0) others_w += sol.power_w[r];
      if (t >= deadline || (owner >= 0 && owner != k)) continue;
      const double g = v.gain_per_watt[(k * N + n) * T + t];
      if (g > best_gain) {
        best_gain = g;
        best_n = n;
      }
    }
    ws.slot_power_w[t] = others_w;
    ws.slot_held_w[t] = held_w;
    ws.slot_gain[t] = best_gain;
    ws.slot_sc[t] = best_n;
    if (t < deadline) ws.slot_order[t] = t;
  });
  team.sync();
  // Slots by gain, descending; those without a free SC (gain 0) sort last.
  const int* order = team_sort_descending(team, ws.slot_order, ws.sort_buffer, deadline, ws.slot_gain);
  if (team.leader()) {
    double old_power_w = 0.0;
    for (int t = 0; t < T; ++t) old_power_w += ws.slot_held_w[t];
    // Each option: the D_kl best slots whose power fits the remaining budget.
    double best_power_w = place ? HUGE_VAL : old_power_w;
    int best_option = -1;
    for (int l = 0; l < L; ++l) {
      const double snr = snr_lin[k * L + l];
      if (snr < 0.0) continue;
      const int need = v.required_resources[k * L + l];
      double power_w = 0.0;
      int taken = 0;
      for (int i = 0; i < deadline && taken < need && ws.slot_sc[order[i]] >= 0; ++i) {
        const int t = order[i];
        const double p_w = snr / ws.slot_gain[t];
        if (ws.slot_power_w[t] + p_w > v.max_power_w) continue;
        power_w += p_w;
        ++taken;
      }
      if (taken < need) continue;
      if (power_w < best_power_w * (1.0 - 1e-12)) {
        best_power_w = power_w;
        best_option = l;
      }
    }
    ws.scalars[kResponse] = static_cast<double>(best_option);
  }
  team.sync();
  const int best_option = static_cast<int>(ws.scalars[kResponse]);
  if (best_option < 0) return false;
  // Apply: release the old resources, take the new ones.
  team.for_each(N * T, [&](int r) {
    if (sol.assigned_ue[r] != k) return;
    sol.assigned_ue[r] = -1;
    sol.power_w[r] = 0.0;
  });
  team.sync();
  if (team.leader()) {
    const double snr = snr_lin[k * L + best_option];
    const int need = v.required_resources[k * L + best_option];
    int taken = 0;
    for (int i = 0; i < deadline && taken < need && ws.slot_sc[order[i]] >= 0; ++i) {
      const int t = order[i];
      const double p_w = snr / ws.slot_gain[t];
      if (ws.slot_power_w[t] + p_w > v.max_power_w) continue;
      const int r = ws.slot_sc[t] * T + t;
      sol.assigned_ue[r] = k;
      sol.power_w[r] = p_w;
      ++taken;
    }
    sol.option[k] = best_option;
    sol.resources[k] = taken;
  }
  team.sync();
  return true;
}

LEOSEM_HD void copy_solution(const InstanceView& v, const SolutionBuffers& from, SolutionBuffers to) {
  for (int k = 0; k < v.users; ++k) {
    to.option[k] = from.option[k];
    to.resources[k] = from.resources[k];
  }
  for (int i = 0; i < v.subchannels * v.slots; ++i) {
    to.assigned_ue[i] = from.assigned_ue[i];
    to.power_w[i] = from.power_w[i];
  }
}

// Releases every resource of UE k.
LEOSEM_HD void free_ue(const InstanceView& v, int k, SolutionBuffers sol) {
  for (int r = 0; r < v.subchannels * v.slots; ++r)
    if (sol.assigned_ue[r] == k) {
      sol.assigned_ue[r] = -1;
      sol.power_w[r] = 0.0;
    }
  sol.resources[k] = 0;
}

// Re-places UEs a and b together: both released, then each placed by best response, a first and
// then b first; keeps the first order that is strictly cheaper than before, else restores. This
// reaches exchanges of resources between two UEs that single best responses cannot (each UE's
// move alone is blocked by the other). Returns true if changed.
LEOSEM_HD bool pair_response(const InstanceView& v, const double* snr_lin, int a, int b, SolutionBuffers sol,
                             JcrraWorkspace ws) {
  const double before_w = total_power(v, sol);
  copy_solution(v, sol, ws.backup);
  for (int order = 0; order < 2; ++order) {
    const int first = order == 0 ? a : b, second = order == 0 ? b : a;
    free_ue(v, a, sol);
    free_ue(v, b, sol);
    if (best_response(SequentialTeam(), v, snr_lin, first, sol, ws, true) &&
        best_response(SequentialTeam(), v, snr_lin, second, sol, ws, true) &&
        total_power(v, sol) < before_w * (1.0 - 1e-12))
      return true;
    copy_solution(v, ws.backup, sol);
  }
  return false;
}

// Sweeps best responses over the UEs until none improves, then (with `pairs`, on the leader)
// pair moves over every pair of UEs; repeats while anything improves (at most `passes` sweeps).
// Returns the sweeps, on every thread.
template <class Team>
LEOSEM_HD int repair_by_best_response(const Team& team, const InstanceView& v, const double* snr_lin,
                                      SolutionBuffers sol, JcrraWorkspace ws, int passes, bool pairs = false) {
  int sweeps = 0;
  for (; sweeps < passes; ++sweeps) {
    bool changed = false;
    for (int k = 0; k < v.users; ++k) changed = best_response(team, v, snr_lin, k, sol, ws) || changed;
    if (!changed && pairs) {
      if (team.leader()) {
        for (int a = 0; a < v.users; ++a)
          for (int b = a + 1; b < v.users; ++b) changed = pair_response(v, snr_lin, a, b, sol, ws) || changed;
        ws.scalars[kResponse] = changed ? 1.0 : 0.0;
      }
      team.sync();
      changed = ws.scalars[kResponse] != 0.0;
      team.sync();  // everyone has read it before a best response writes it again
    }
    if (!changed) break;
  }
  return sweeps;
}

// ---- rounding of a relaxed point (cooperative) ----

// ρ_k = Σ_l s_kl ρ_l rounded up to the next reachable option (or, with `down`, down to the
// previous one: fewer resources, for tight instances); the association by priority (x
// descending, then cost ascending) under C1, C2, deadlines and the per-slot budget.
// Options, keys, the list of usable entries and its sort are team phases; the assignment in
// that order (greedy, inherently serial) runs on the leader. Returns, on every thread, true if
// every UE got its D_k.
template <class Team, class Real>
LEOSEM_HD bool round_relaxed(const Team& team, const InstanceView& v, const double* snr_lin, const Real* x,
                             const double* s, double cost_scale_w, bool down, JcrraWorkspace ws, SolutionBuffers sol) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  team.for_each(K, [&](int k) {
    double rho = 0.0;
    for (int l = 0; l < L; ++l) rho += s[k * L + l] * v.compression_ratios[l];
    int up = -1, below = -1, smallest = -1, largest = -1;
    for (int l = 0; l < L; ++l) {
      if (snr_lin[k * L + l] < 0.0) continue;
      if (smallest < 0) smallest = l;
      largest = l;
      if (up < 0 && v.compression_ratios[l] >= rho * (1.0 - 1e-9)) up = l;
      if (v.compression_ratios[l] <= rho * (1.0 + 1e-9)) below = l;
    }
    if (down)
      sol.option[k] = below >= 0 ? below : smallest;
    else
      sol.option[k] = up >= 0 ? up : largest;
  });
  team.sync();
  // Keys of the usable entries, and how many each chunk of kSumChunk entries holds.
  const int total = K * N * T, chunks = chunks_for(total);
  team.for_each(chunks, [&](int chunk) {
    const int first = chunk * kSumChunk, last = first + kSumChunk < total ? first + kSumChunk : total;
    int found = 0;
    for (int idx = first; idx < last; ++idx) {
      const int k = idx / (N * T), n = (idx / T) % N, t = idx % T;
      if (!usable(v, k, n, t)) continue;
      // Priority: x in steps of 1/100, then the normalised cost Γ/g (clipped) ascending.
      const double cost = snr_lin[k * L + sol.option[k]] / (v.gain_per_watt[idx] * cost_scale_w);
      ws.greedy.key[idx] = floor(static_cast<double>(x[idx]) * 100.0 + 0.5) * 1e7 - fmin(cost, 1e6);
      ++found;
    }
    ws.chunk_count[chunk] = found;
  });
  team.sync();
  if (team.leader()) {  // counts to offsets (a few hundred chunks)
    int offset = 0;
    for (int chunk = 0; chunk < chunks; ++chunk) {
      const int found = ws.chunk_count[chunk];
      ws.chunk_count[chunk] = offset;
      offset += found;
    }
    ws.chunk_count[chunks] = offset;
  }
  team.sync();
  team.for_each(chunks, [&](int chunk) {
    const int first = chunk * kSumChunk, last = first + kSumChunk < total ? first + kSumChunk : total;
    int at = ws.chunk_count[chunk];
    for (int idx = first; idx < last; ++idx)
      if (usable(v, idx / (N * T), (idx / T) % N, idx % T)) ws.greedy.order[at++] = idx;
  });
  team.sync();
  const int count = ws.chunk_count[chunks];
  const int* order = team_sort_descending(team, ws.greedy.order, ws.sort_buffer, count, ws.greedy.key);
  if (team.leader())
    ws.scalars[kRounded] = assign_in_order(v, snr_lin, sol.option, order, count, true, ws.greedy.busy,
                                           ws.slot_power_w, sol) < 0
                               ? 1.0
                               : 0.0;
  team.sync();
  return ws.scalars[kRounded] != 0.0;
}

// Reorders the usable (k, n, t) of order[0..count) earliest deadline first, then gain descending
// (key[] is overwritten).
LEOSEM_HD void order_by_deadline(const InstanceView& v, int* order, int count, double* key) {
  double max_gain = 0.0;
  for (int i = 0; i < count; ++i) max_gain = fmax(max_gain, v.gain_per_watt[order[i]]);
  for (int i = 0; i < count; ++i) {
    const int idx = order[i], k = idx / (v.subchannels * v.slots);
    key[idx] = static_cast<double>(v.slots - v.deadline_slots[k]) + 0.5 * v.gain_per_watt[idx] / max_gain;
  }
  heap_sort_descending(order, count, key);
}

// May UE k (at its option in `option`) take resource r = n*T + t: usable, and its power fits the
// slot's budget alone?
LEOSEM_HD bool allowed_alone(const InstanceView& v, const double* snr_lin, const int* option, int k, int r) {
  const int N = v.subchannels, T = v.slots, n = r / T, t = r % T;
  if (!usable(v, k, n, t)) return false;
  return snr_lin[k * v.options + option[k]] / v.gain_per_watt[(k * N + n) * T + t] <= v.max_power_w;
}

// Does UE k hold a resource in slot t other than `except`?
LEOSEM_HD bool holds_slot(const InstanceView& v, const SolutionBuffers& sol, int k, int t, int except) {
  for (int n = 0; n < v.subchannels; ++n) {
    const int r = n * v.slots + t;
    if (r != except && sol.assigned_ue[r] == k) return true;
  }
  return false;
}

// Feasibility-first assignment for fixed options: each UE's D_k resources by augmenting paths
// (breadth first over resources; a held resource's owner moves to another it may use), so a UE
// is left short only if no re-arrangement of the others frees a resource for it (C1, C2,
// deadlines; the per-slot budget only per resource). Then the per-slot budget is checked.
// Returns true if every UE got its D_k and no slot is over budget.
LEOSEM_HD bool assign_by_augmenting_paths(const InstanceView& v, const double* snr_lin, JcrraWorkspace ws,
                                          SolutionBuffers sol) {
  const int K = v.users, T = v.slots, NT = v.subchannels * v.slots, L = v.options;
  for (int r = 0; r < NT; ++r) {
    sol.assigned_ue[r] = -1;
    sol.power_w[r] = 0.0;
  }
  for (int k = 0; k < K; ++k) sol.resources[k] = 0;
  for (int k = 0; k < K; ++k) {
    const int need = v.required_resources[k * L + sol.option[k]];
    while (sol.resources[k] < need) {
      // Breadth-first search from the resources k may take in slots it does not hold yet.
      for (int r = 0; r < NT; ++r) ws.path_from[r] = -2;  // -2 unvisited, -1 a root
      int head = 0, tail = 0, found = -1;
      for (int r = 0; r < NT && found < 0; ++r) {
        if (!allowed_alone(v, snr_lin, sol.option, k, r) || holds_slot(v, sol, k, r % T, -1)) continue;
        ws.path_from[r] = -1;
        if (sol.assigned_ue[r] < 0) found = r;
        else ws.path_queue[tail++] = r;
      }
      while (found < 0 && head < tail) {
        const int r = ws.path_queue[head++], owner = sol.assigned_ue[r];
        for (int q = 0; q < NT && found < 0; ++q) {
          if (ws.path_from[q] != -2 || !allowed_alone(v, snr_lin, sol.option, owner, q)) continue;
          if (holds_slot(v, sol, owner, q % T, r)) continue;
          ws.path_from[q] = r;
          if (sol.assigned_ue[q] < 0) found = q;
          else ws.path_queue[tail++] = q;
        }
      }
      if (found < 0) return false;
      // Shift along the path: each owner moves to the next resource; k takes the root.
      for (int q = found; ws.path_from[q] != -1; q = ws.path_from[q]) sol.assigned_ue[q] = sol.assigned_ue[ws.path_from[q]];
      int root = found;
      while (ws.path_from[root] != -1) root = ws.path_from[root];
      sol.assigned_ue[root] = k;
      ++sol.resources[k];
      // A UE met twice on one path could end up twice in a slot (C2): refuse such an outcome.
      for (int j = 0; j < K; ++j)
        for (int t = 0; t < T; ++t) {
          int held = 0;
          for (int n = 0; n < v.subchannels; ++n) held += sol.assigned_ue[n * T + t] == j;
          if (held > 1) return false;
        }
    }
  }
  for (int r = 0; r < NT; ++r) {
    const int k = sol.assigned_ue[r];
    if (k >= 0) sol.power_w[r] = snr_lin[k * L + sol.option[k]] / v.gain_per_watt[(k * v.subchannels + r / T) * T + r % T];
  }
  return first_slot_over_budget(v, sol) < 0;
}

// ---- the relaxed solve, cooperative (team.hpp) ----
// Every loop over K·N·T is a team phase; every sum has a fixed order (one item sums a fixed
// range; chunked_sums), so a CUDA block and the host's SequentialTeam compute the same numbers.

// result[k] = Σ_{j < length} value(k, j) for k < segments: chunks of kSumChunk consecutive j
// summed left to right by one item each, then the chunk sums left to right. Two phases.
template <class Team, class Value>
LEOSEM_HD void chunked_sums(const Team& team, int segments, int length, const Value& value, double* chunk_sum,
                            double* result) {
  const int chunks = chunks_for(length);
  team.for_each(segments * chunks, [&](int item) {
    const int k = item / chunks, first = (item % chunks) * kSumChunk;
    const int last = first + kSumChunk < length ? first + kSumChunk : length;
    double sum = 0.0;
    for (int j = first; j < last; ++j) sum += value(k, j);
    chunk_sum[item] = sum;
  });
  team.sync();
  team.for_each(segments, [&](int k) {
    double sum = 0.0;
    for (int c = 0; c < chunks; ++c) sum += chunk_sum[k * chunks + c];
    result[k] = sum;
  });
  team.sync();
}

// Instance constants of the relaxed problem: D̄_k, the PDHG step sizes of C1 and C7
// (Pock–Chambolle: σ_i = 1/Σ_j|A_ij|) and the cost unit (scalars[kScaleW]: the geometric mean of
// max_l Γ_kl/g over the usable entries). Uses ue_load and ue_snr_mix as scratch.
template <class Team>
LEOSEM_HD void relaxed_setup(const Team& team, const InstanceView& v, const double* snr_lin, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  team.for_each(N * T, [&](int r) {
    const int n = r / T, t = r % T;
    int terms = 0;
    for (int k = 0; k < K; ++k) terms += usable(v, k, n, t);
    ws.c1_step[r] = terms > 0 ? 1.0 / terms : 0.0;
  });
  team.for_each(K, [&](int k) {
    double d_bar = 1.0, snr_max = 0.0;
    for (int l = 0; l < L; ++l) {
      d_bar = fmax(d_bar, static_cast<double>(v.required_resources[k * L + l]));
      snr_max = fmax(snr_max, snr_lin[k * L + l]);
    }
    ws.ue_d_bar[k] = d_bar;
    ws.ue_snr_mix[k] = snr_max;  // scratch: max_l Γ_kl
  });
  team.sync();
  // Usable columns per UE (ue_load as scratch), then Σ log(Γ̄_k/g) per UE (supply_c7 as scratch).
  chunked_sums(
      team, K, N * T,
      [&](int k, int j) { return usable(v, k, j / T, j % T) ? 1.0 : 0.0; }, ws.chunk_sum, ws.ue_load);
  chunked_sums(
      team, K, N * T,
      [&](int k, int j) {
        const double snr_max = ws.ue_snr_mix[k];
        return snr_max > 0.0 && usable(v, k, j / T, j % T) ? log(snr_max / v.gain_per_watt[k * N * T + j]) : 0.0;
      },
      ws.chunk_sum, ws.supply_c7);
  if (team.leader()) {
    double log_sum = 0.0, log_count = 0.0;
    for (int k = 0; k < K; ++k)
      if (ws.ue_snr_mix[k] > 0.0) {
        log_sum += ws.supply_c7[k];
        log_count += ws.ue_load[k];
      }
    ws.scalars[kScaleW] = log_count > 0.0 ? exp(log_sum / log_count) : 1.0;
  }
  team.sync();
  team.for_each(K, [&](int k) {
    double row_sum = 0.0;
    for (int l = 0; l < L; ++l) row_sum += v.required_resources[k * L + l];
    ws.c7_step[k] = ws.ue_d_bar[k] / (row_sum + ws.ue_load[k]);
  });
  team.sync();
}

// The relaxed point from the integer solution `sol` (x = 1 on its resources, s one-hot on its
// options; x = 0 and s on `sol.option` when `assigned` is false), duals zero, and the row sums
// of C1 and C7 at that point (the PDHG's previous iterate).
template <class Team, class Real>
LEOSEM_HD void relaxed_start(const Team& team, const InstanceView& v, const SolutionBuffers& sol, bool assigned,
                             Real* x, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  team.for_each(K * N * T, [&](int idx) {
    const int k = idx / (N * T), r = idx % (N * T);
    x[idx] = assigned && sol.assigned_ue[r] == k ? Real(1) : Real(0);
  });
  team.for_each(K * L, [&](int kl) { ws.s[kl] = (kl % L == sol.option[kl / L]) ? 1.0 : 0.0; });
  team.for_each(K, [&](int k) { ws.dual_c7[k] = 0.0; });
  team.sync();
  team.for_each(N * T, [&](int r) {
    double row = 0.0;
    for (int k = 0; k < K; ++k) row += static_cast<double>(x[k * N * T + r]);
    ws.row_sum_c1[r] = row;
    ws.dual_c1[r] = 0.0;
  });
  chunked_sums(
      team, K, N * T, [&](int k, int j) { return static_cast<double>(x[k * N * T + j]); }, ws.chunk_sum,
      ws.supply_c7);
}

// Γ_k(s) and W_k(x) per UE at the current point, and the relaxed objective Σ_k Γ_k W_k (in cost
// units) in scalars[kRelaxed].
template <class Team, class Real>
LEOSEM_HD void relaxed_terms(const Team& team, const InstanceView& v, const double* snr_lin, const Real* x,
                             JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const double scale_w = ws.scalars[kScaleW];
  team.for_each(K, [&](int k) {
    double snr_mix = 0.0;
    for (int l = 0; l < L; ++l)
      if (snr_lin[k * L + l] > 0.0) snr_mix += ws.s[k * L + l] * snr_lin[k * L + l];
    ws.ue_snr_mix[k] = snr_mix;
  });
  chunked_sums(
      team, K, N * T,
      [&](int k, int j) {
        const int idx = k * N * T + j;  // x > 0 only where usable, so g > 0
        const double x_idx = static_cast<double>(x[idx]);
        return x_idx > 0.0 ? x_idx / (v.gain_per_watt[idx] * scale_w) : 0.0;
      },
      ws.chunk_sum, ws.ue_load);
  if (team.leader()) {
    double relaxed = 0.0;
    for (int k = 0; k < K; ++k) relaxed += ws.ue_snr_mix[k] * ws.ue_load[k];
    ws.scalars[kRelaxed] = relaxed;
  }
  team.sync();
}

// The SCA surrogate at the current point (docs/jcrra.md §3): s_ref = s and, per usable entry,
// the constant part of the x-step, cost = c_x·x_ref − (Γ_k(s_ref)/g + η(1 − 2 x_ref)); NaN marks
// an unusable entry. Needs relaxed_terms at this point.
template <class Team, class Real>
LEOSEM_HD void relaxed_linearise(const Team& team, const InstanceView& v, const JcrraOptions& opt, double penalty,
                                 const Real* x, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const double scale_w = ws.scalars[kScaleW];
  team.for_each(K * L, [&](int kl) { ws.s_ref[kl] = ws.s[kl]; });
  team.for_each(K * N * T, [&](int idx) {
    const int k = idx / (N * T), t = idx % T;
    const double g = v.gain_per_watt[idx];
    if (t >= v.deadline_slots[k] || !(g > 0.0)) {
      ws.cost[idx] = NAN;
      return;
    }
    const double x_ref = static_cast<double>(x[idx]);
    ws.cost[idx] = opt.proximal_x * x_ref - (ws.ue_snr_mix[k] / (g * scale_w) + penalty * (1.0 - 2.0 * x_ref));
  });
  team.sync();
}

// One preconditioned PDHG step on the surrogate (docs/jcrra.md §4): primal steps, then the dual
// ascent on C1 and C7 at the extrapolated point 2v⁺ − v (A v kept from the previous step).
template <class Team, class Real>
LEOSEM_HD void pdhg_step(const Team& team, const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                         double penalty, Real* x, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  // Phase 1: x per (UE, slot) column over the SCs; s per UE over the reachable options.
  team.for_each(K * T, [&](int item) {
    const int k = item / T, t = item % T;
    double sum = 0.0;
    if (t < v.deadline_slots[k]) {
      const double tau = 1.0 / (1.0 + 1.0 / ws.ue_d_bar[k]);
      const double w = 1.0 / tau + opt.proximal_x;
      const double dual_k = ws.dual_c7[k] / ws.ue_d_bar[k];
      Real* column = x + k * N * T + t;
      const double* cost = ws.cost + k * N * T + t;
      for (int n = 0; n < N; ++n) {
        const double c = cost[n * T];
        if (c != c) continue;  // unusable: x stays 0
        const double u = static_cast<double>(column[n * T]) - tau * (ws.dual_c1[n * T + t] - dual_k);
        column[n * T] = static_cast<Real>((u / tau + c) / w);
      }
      project_capped_simplex_strided(column, N, T);
      for (int n = 0; n < N; ++n) sum += static_cast<double>(column[n * T]);
    }
    ws.block_sum[item] = sum;
  });
  team.for_each(K, [&](int k) {
    const double d_bar = ws.ue_d_bar[k];
    const double tau = 1.0;  // column sums of s in C7 are D_kl/D̄_k <= 1
    const double prox = opt.proximal_s * d_bar;
    const double w = 1.0 / tau + prox;
    for (int l = 0; l < L; ++l) {
      const int kl = k * L + l;
      ws.s_prev[kl] = ws.s[kl];
      if (snr_lin[kl] < 0.0) continue;
      const double grad = snr_lin[kl] * ws.ue_load[k] + penalty * d_bar * (1.0 - 2.0 * ws.s_ref[kl]);
      const double u = ws.s[kl] - tau * ws.dual_c7[k] * v.required_resources[kl] / d_bar;
      ws.s[kl] = (u / tau - grad + prox * ws.s_ref[kl]) / w;
    }
    project_option_simplex(ws.s + k * L, snr_lin + k * L, L);
  });
  team.sync();
  // Phase 2: C1 (Σ_k x <= 1) per (SC, slot); partial sums of each UE's supply.
  team.for_each(N * T, [&](int r) {
    if (ws.c1_step[r] == 0.0) return;  // no UE can use (n, t)
    double row = 0.0;
    for (int k = 0; k < K; ++k) row += static_cast<double>(x[k * N * T + r]);
    ws.dual_c1[r] = fmax(0.0, ws.dual_c1[r] + (2.0 * row - ws.row_sum_c1[r] - 1.0) * ws.c1_step[r]);
    ws.row_sum_c1[r] = row;
  });
  const int chunks = chunks_for(T);
  team.for_each(K * chunks, [&](int item) {
    const int k = item / chunks, first = (item % chunks) * kSumChunk;
    const int last = first + kSumChunk < T ? first + kSumChunk : T;
    double sum = 0.0;
    for (int t = first; t < last; ++t) sum += ws.block_sum[k * T + t];
    ws.chunk_sum[item] = sum;
  });
  team.sync();
  // Phase 3: C7 ((Σ_l s D_kl − Σ x)/D̄_k <= 0) per UE.
  team.for_each(K, [&](int k) {
    double supply = 0.0;
    for (int c = 0; c < chunks; ++c) supply += ws.chunk_sum[k * chunks + c];
    double demand = 0.0;
    for (int l = 0; l < L; ++l) {
      const int kl = k * L + l;
      demand += (2.0 * ws.s[kl] - ws.s_prev[kl]) * v.required_resources[kl];
    }
    const double extrapolated_supply = 2.0 * supply - ws.supply_c7[k];
    ws.dual_c7[k] = fmax(0.0, ws.dual_c7[k] + ws.c7_step[k] * (demand - extrapolated_supply) / ws.ue_d_bar[k]);
    ws.supply_c7[k] = supply;
  });
  team.sync();
}

// ---- the SCA loop ----
// The leader's serial sections are out-of-line functions (LEOSEM_HD_NOINLINE): they run rarely
// and would otherwise lend their registers and spills to the kernel's cooperative phases.

// The starts (leader): Greedy JSCC; every common option l (each UE at its smallest reachable
// option >= l) assigned in gain order under the budget; and, for tight deadlines, the
// fewest-resource options assigned earliest-deadline first. Each repaired; the cheapest is the
// first best point (in `out`) and the SCA's start. None feasible: the SCA starts from nothing.
// Sets scalars kHaveBest, kBestPowerW and kStop (1 when a UE cannot reach its quality at all).
LEOSEM_HD_NOINLINE CoreResult jcrra_starts(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                           JcrraWorkspace ws, SolutionBuffers out) {
  const int K = v.users;
  CoreResult result = greedy_jscc_core(v, snr_lin, opt.base_option, ws.greedy, ws.slot_power_w, out);
  const bool unreachable = !result.feasible && result.reason == FailReason::QualityUnreachable;
  bool have_best = result.feasible;
  double best_power_w = 0.0;
  if (have_best) {
    repair_by_best_response(SequentialTeam(), v, snr_lin, out, ws, opt.repair_passes);
    best_power_w = total_power(v, out);
  }
  if (!unreachable) {
    const int count = list_usable_by_gain(v, ws.greedy.order, ws.greedy.key);
    for (int start = 0; start <= v.options; ++start) {
      const bool deadline_first = start == v.options;
      for (int k = 0; k < K; ++k) ws.candidate.option[k] = greedy_option(v, snr_lin, k, deadline_first ? 0 : start);
      bool complete = true;
      for (int k = 0; k < K; ++k) complete = complete && ws.candidate.option[k] >= 0;
      if (!complete) continue;
      if (deadline_first) order_by_deadline(v, ws.greedy.order, count, ws.greedy.key);
      if (assign_in_order(v, snr_lin, ws.candidate.option, ws.greedy.order, count, true, ws.greedy.busy,
                          ws.slot_power_w, ws.candidate) >= 0)
        continue;
      repair_by_best_response(SequentialTeam(), v, snr_lin, ws.candidate, ws, opt.repair_passes);
      const double power_w = total_power(v, ws.candidate);
      if (!have_best || power_w < best_power_w) {
        copy_solution(v, ws.candidate, out);
        best_power_w = power_w;
        have_best = true;
      }
    }
    // Still nothing: per common option, the feasibility-first assignment (augmenting paths).
    for (int start = 0; start < v.options && !have_best; ++start) {
      for (int k = 0; k < K; ++k) ws.candidate.option[k] = greedy_option(v, snr_lin, k, start);
      bool complete = true;
      for (int k = 0; k < K; ++k) complete = complete && ws.candidate.option[k] >= 0;
      if (!complete || !assign_by_augmenting_paths(v, snr_lin, ws, ws.candidate)) continue;
      repair_by_best_response(SequentialTeam(), v, snr_lin, ws.candidate, ws, opt.repair_passes);
      copy_solution(v, ws.candidate, out);
      best_power_w = total_power(v, out);
      have_best = true;
    }
    if (!have_best)
      for (int k = 0; k < K; ++k) out.option[k] = greedy_option(v, snr_lin, k, 0);
  }
  ws.scalars[kHaveBest] = have_best ? 1.0 : 0.0;
  ws.scalars[kBestPowerW] = best_power_w;
  ws.scalars[kStop] = unreachable ? 1.0 : 0.0;
  return result;
}

// The (repaired) rounded point in ws.candidate kept in `out` if it is the best so far (leader).
LEOSEM_HD_NOINLINE void keep_if_best(const InstanceView& v, JcrraWorkspace ws, SolutionBuffers out) {
  const double power_w = total_power(v, ws.candidate);
  if (ws.scalars[kHaveBest] == 0.0 || power_w < ws.scalars[kBestPowerW]) {
    copy_solution(v, ws.candidate, out);
    ws.scalars[kBestPowerW] = power_w;
    ws.scalars[kHaveBest] = 1.0;
  }
}

// The result after `iterations` SCA iterations (leader): the best point polished with pair
// moves too (on every candidate they would cost too much), or Greedy JSCC's failure.
LEOSEM_HD_NOINLINE CoreResult jcrra_finish(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                           JcrraWorkspace ws, SolutionBuffers out, CoreResult start_result,
                                           int iterations) {
  if (ws.scalars[kHaveBest] == 0.0) {
    start_result.iterations = iterations;  // Greedy JSCC's failure, as the reason
    return start_result;
  }
  repair_by_best_response(SequentialTeam(), v, snr_lin, out, ws, opt.repair_passes, true);
  CoreResult result;
  result.feasible = true;
  result.total_power_w = total_power(v, out);
  result.iterations = iterations;
  return result;
}

// JCRRA over a team; the result (and `out`) are valid on the leader. The starts, the greedy
// assignment step of the rounding, the choices inside best responses and the final polish run
// on the leader alone; the relaxed solve, the rest of the rounding (keys, sort) and the scans of
// the repair of each rounded point are shared.
template <class Team, class Real>
LEOSEM_HD CoreResult jcrra_team_in(const Team& team, const InstanceView& v, const double* snr_lin,
                                   const JcrraOptions& opt, Real* x, JcrraWorkspace ws, SolutionBuffers out) {
  CoreResult start_result;  // meaningful on the leader
  // 1. Starts (leader).
  if (team.leader()) start_result = jcrra_starts(v, snr_lin, opt, ws, out);
  team.sync();
  if (ws.scalars[kStop] != 0.0) return start_result;

  // 2. Constants and the initial relaxed point: the start solution (or nothing assigned).
  relaxed_setup(team, v, snr_lin, ws);
  relaxed_start(team, v, out, ws.scalars[kHaveBest] != 0.0, x, ws);
  relaxed_terms(team, v, snr_lin, x, ws);

  // 3. SCA iterations: surrogate, PDHG steps, integer recovery, stopping rule.
  double relaxed_prev = -1.0;  // leader's
  int iterations = 0;
  for (int r = 0; r < opt.max_sca_iterations; ++r) {
    iterations = r + 1;
    const double penalty = opt.penalty * (r + 1) / opt.max_sca_iterations;
    relaxed_linearise(team, v, opt, penalty, x, ws);
    for (int it = 0; it < opt.pdhg_iterations; ++it) pdhg_step(team, v, snr_lin, opt, penalty, x, ws);
    relaxed_terms(team, v, snr_lin, x, ws);
    // Integer recovery of this iterate, repaired, kept if best. Rounded down only when rounding
    // up fails (tight deadlines: fewer resources).
    const double scale_w = ws.scalars[kScaleW];
    const bool rounded = round_relaxed(team, v, snr_lin, x, ws.s, scale_w, false, ws, ws.candidate) ||
                         round_relaxed(team, v, snr_lin, x, ws.s, scale_w, true, ws, ws.candidate);
    if (rounded) repair_by_best_response(team, v, snr_lin, ws.candidate, ws, opt.repair_passes);
    if (team.leader()) {
      if (rounded) keep_if_best(v, ws, out);
      // Stopping rule: relative change of the relaxed objective Σ_k Γ_k(s) W_k(x), once a
      // feasible point is known (without one, every iteration is another chance to round).
      const double relaxed = ws.scalars[kRelaxed];
      ws.scalars[kStop] = ws.scalars[kHaveBest] != 0.0 && relaxed_prev >= 0.0 &&
                                  fabs(relaxed - relaxed_prev) <= opt.tolerance * fmax(relaxed, 1e-300)
                              ? 1.0
                              : 0.0;
      relaxed_prev = relaxed;
    }
    team.sync();
    if (ws.scalars[kStop] != 0.0) break;
  }
  if (team.leader()) return jcrra_finish(v, snr_lin, opt, ws, out, start_result, iterations);
  return start_result;
}

// JCRRA over a team, in FP64 or (opt.mixed_precision) with the iterate x stored in FP32 in the
// first half of ws.x; every sum, dual, step and power stays FP64.
template <class Team>
LEOSEM_HD CoreResult priced_fallback(const Team& team, const InstanceView& v, const double* snr_lin,
                                     const JcrraOptions& opt, JcrraWorkspace ws, SolutionBuffers out,
                                     CoreResult result);  // solvers/priced_repair.hpp

template <class Team>
LEOSEM_HD CoreResult jcrra_team(const Team& team, const InstanceView& v, const double* snr_lin,
                                const JcrraOptions& opt, JcrraWorkspace ws, SolutionBuffers out) {
  const CoreResult result = opt.mixed_precision
                                ? jcrra_team_in(team, v, snr_lin, opt, reinterpret_cast<float*>(ws.x), ws, out)
                                : jcrra_team_in(team, v, snr_lin, opt, ws.x, ws, out);
  // Infeasible where the per-slot budget binds: the bound's prices may still find a solution.
  return opt.priced_fallback ? priced_fallback(team, v, snr_lin, opt, ws, out, result) : result;
}

// The sequential entry (the CPU backends, one instance per thread on the GPU).
LEOSEM_HD CoreResult jcrra_core(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                JcrraWorkspace ws, SolutionBuffers out) {
  return jcrra_team(SequentialTeam(), v, snr_lin, opt, ws, out);
}

}  // namespace leosem

#include "solvers/priced_repair.hpp"  // priced_fallback, after everything it uses
