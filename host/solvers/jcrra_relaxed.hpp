// JCRRA's relaxed solve over a team (docs/jcrra.md §3–§4, §10): the live layout, the SCA
// surrogate and the preconditioned PDHG steps. Every loop runs over live elements only (t < T_k,
// g > 0), contiguous per (UE, slot) column; every sum has a fixed order (one item sums a fixed
// range; chunked/segmented sums), so a CUDA block and the host's SequentialTeam compute the same
// numbers. Host-device, no allocation.
#pragma once
#include "solvers/jcrra_state.hpp"
#include "solvers/team_ops.hpp"

namespace leosem {

LEOSEM_HD int ue_live_slots(const InstanceView& v, int k) {
  const int d = v.deadline_slots[k];
  return d < 0 ? 0 : (d < v.slots ? d : v.slots);
}

// Builds the live layout of `v` (JcrraWorkspace's comments) in ws's global arrays. Once per
// instance; the counts (serial prefix sums over K·T_live columns and N·T_live resources) run on
// the leader.
template <class Team>
LEOSEM_HD_NOINLINE void build_live_layout(const Team& team, const InstanceView& v, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  if (team.leader()) {
    int live_slots = 0;
    ws.col_first[0] = 0;
    for (int k = 0; k < K; ++k) {
      const int tk = ue_live_slots(v, k);
      ws.col_first[k + 1] = ws.col_first[k] + tk;
      live_slots = tk > live_slots ? tk : live_slots;
    }
    ws.live_info[kLiveSlots] = live_slots;
    ws.live_info[kLiveColumns] = ws.col_first[K];
  }
  team.sync();
  const int TL = ws.live_info[kLiveSlots];
  // Usable SCs per column, then offsets.
  team.for_each(K * TL, [&](int item) {
    const int k = item / TL, t = item % TL;
    if (t >= ws.col_first[k + 1] - ws.col_first[k]) return;
    const double* g = v.gain_per_watt + k * N * T + t;
    int count = 0;
    for (int n = 0; n < N; ++n) count += g[n * T] > 0.0;
    ws.col_start[ws.col_first[k] + t + 1] = count;
  });
  team.for_each(N * TL, [&](int rc) {
    const int t = rc / N, n = rc % N;
    int count = 0;
    for (int k = 0; k < K; ++k) count += t < ws.col_first[k + 1] - ws.col_first[k] && v.gain_per_watt[(k * N + n) * T + t] > 0.0;
    ws.row_start[rc + 1] = count;
  });
  team.sync();
  if (team.leader()) {
    const int C = ws.live_info[kLiveColumns];
    ws.col_start[0] = 0;
    for (int c = 0; c < C; ++c) ws.col_start[c + 1] += ws.col_start[c];
    ws.row_start[0] = 0;
    for (int rc = 0; rc < N * TL; ++rc) ws.row_start[rc + 1] += ws.row_start[rc];
    int most = 0;
    for (int k = 0; k <= K; ++k) ws.ue_first[k] = ws.col_start[ws.col_first[k]];
    for (int k = 0; k < K; ++k) most = ws.ue_first[k + 1] - ws.ue_first[k] > most ? ws.ue_first[k + 1] - ws.ue_first[k] : most;
    ws.live_info[kLiveElements] = ws.ue_first[K];
    ws.live_info[kLiveMaxUeElements] = most;
  }
  team.sync();
  team.for_each(K * TL, [&](int item) {
    const int k = item / TL, t = item % TL;
    if (t >= ws.col_first[k + 1] - ws.col_first[k]) return;
    int e = ws.col_start[ws.col_first[k] + t];
    for (int n = 0; n < N; ++n) {
      const int idx = (k * N + n) * T + t;
      if (!(v.gain_per_watt[idx] > 0.0)) continue;
      ws.elem_rc[e] = t * N + n;
      ws.elem_idx[e] = idx;
      ++e;
    }
  });
  team.sync();
  team.for_each(N * TL, [&](int rc) {
    const int t = rc / N;
    int at = ws.row_start[rc];
    for (int k = 0; k < K; ++k) {
      if (t >= ws.col_first[k + 1] - ws.col_first[k]) continue;
      const int c = ws.col_first[k] + t;
      for (int e = ws.col_start[c]; e < ws.col_start[c + 1]; ++e)
        if (ws.elem_rc[e] == rc) ws.row_elem[at++] = e;
    }
  });
  team.sync();
}

// The live dims of the layout built in ws.
LEOSEM_HD JcrraLiveDims live_dims_of(const InstanceView& v, const JcrraWorkspace& ws) {
  return jcrra_live_dims(v.subchannels, ws.live_info[kLiveSlots], ws.live_info[kLiveColumns],
                         ws.live_info[kLiveElements], ws.live_info[kLiveMaxUeElements]);
}

// Moves the relaxed state on chip (ws.on_chip) when it fits there; every thread does the same.
LEOSEM_HD void place_live_state(const InstanceView& v, bool mixed_precision, JcrraWorkspace& ws) {
  if (ws.on_chip == nullptr) return;
  const JcrraLiveDims d = live_dims_of(v, ws);
  DoubleCarver count;
  JcrraWorkspace probe;
  carve_jcrra_live_state(d, v.users, v.options, mixed_precision, count, probe);
  if (count.used > ws.on_chip_doubles) return;
  DoubleCarver chip;
  chip.base = ws.on_chip;
  carve_jcrra_live_state(d, v.users, v.options, mixed_precision, chip, ws);
}

// Instance constants of the relaxed problem: D̄_k, the PDHG step sizes of C1 and C7
// (Pock–Chambolle: σ_i = 1/Σ_j|A_ij|) and the cost unit (scalars[kScaleW]: the geometric mean of
// max_l Γ_kl/g over the live elements). Uses ue_load and ue_snr_mix as scratch.
template <class Team>
LEOSEM_HD_NOINLINE void relaxed_setup(const Team& team, const InstanceView& v, const double* snr_lin, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, L = v.options, TL = ws.live_info[kLiveSlots];
  team.for_each(N * TL, [&](int rc) {
    const int terms = ws.row_start[rc + 1] - ws.row_start[rc];
    ws.c1_step[rc] = terms > 0 ? 1.0 / terms : 0.0;
  });
  team.for_each(K, [&](int k) {
    double d_bar = 1.0, snr_max = 0.0;
    for (int l = 0; l < L; ++l) {
      d_bar = max_of(d_bar, static_cast<double>(v.required_resources[k * L + l]));
      snr_max = max_of(snr_max, snr_lin[k * L + l]);
    }
    ws.ue_d_bar[k] = d_bar;
    ws.ue_snr_mix[k] = snr_max;  // scratch: max_l Γ_kl
    ws.ue_load[k] = static_cast<double>(ws.ue_first[k + 1] - ws.ue_first[k]);  // scratch: live elements
  });
  team.sync();
  // Σ log(Γ̄_k/g) per UE (supply_c7 as scratch).
  segmented_sums(
      team, K, ws.ue_first, ws.live_info[kLiveMaxUeElements],
      [&](int e) {
        const int k = ws.elem_idx[e] / (N * v.slots);
        const double snr_max = ws.ue_snr_mix[k];
        return snr_max > 0.0 ? log(snr_max / v.gain_per_watt[ws.elem_idx[e]]) : 0.0;
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
LEOSEM_HD_NOINLINE void relaxed_start(const Team& team, const InstanceView& v, const SolutionBuffers& sol, bool assigned,
                             Real* x, JcrraWorkspace ws) {
  const int K = v.users, NT = v.subchannels * v.slots, L = v.options, TL = ws.live_info[kLiveSlots];
  team.for_each(ws.live_info[kLiveElements], [&](int e) {
    const int idx = ws.elem_idx[e];
    x[e] = assigned && sol.assigned_ue[idx % NT] == idx / NT ? Real(1) : Real(0);
  });
  team.for_each(K * L, [&](int kl) { ws.s[kl] = (kl % L == sol.option[kl / L]) ? 1.0 : 0.0; });
  team.for_each(K, [&](int k) { ws.dual_c7[k] = 0.0; });
  team.sync();
  team.for_each(v.subchannels * TL, [&](int rc) {
    double row = 0.0;
    for (int j = ws.row_start[rc]; j < ws.row_start[rc + 1]; ++j) row += static_cast<double>(x[ws.row_elem[j]]);
    ws.row_sum_c1[rc] = row;
    ws.dual_c1[rc] = 0.0;
  });
  segmented_sums(
      team, K, ws.ue_first, ws.live_info[kLiveMaxUeElements], [&](int e) { return static_cast<double>(x[e]); },
      ws.chunk_sum, ws.supply_c7);
}

// Γ_k(s) and W_k(x) per UE at the current point, and the relaxed objective Σ_k Γ_k W_k (in cost
// units) in scalars[kRelaxed].
template <class Team, class Real>
LEOSEM_HD_NOINLINE void relaxed_terms(const Team& team, const InstanceView& v, const double* snr_lin, const Real* x,
                             JcrraWorkspace ws) {
  const int K = v.users, L = v.options;
  const double scale_w = ws.scalars[kScaleW];
  team.for_each(K, [&](int k) {
    double snr_mix = 0.0;
    for (int l = 0; l < L; ++l)
      if (snr_lin[k * L + l] > 0.0) snr_mix += ws.s[k * L + l] * snr_lin[k * L + l];
    ws.ue_snr_mix[k] = snr_mix;
  });
  segmented_sums(
      team, K, ws.ue_first, ws.live_info[kLiveMaxUeElements],
      [&](int e) {
        const double x_e = static_cast<double>(x[e]);
        return x_e > 0.0 ? x_e / (v.gain_per_watt[ws.elem_idx[e]] * scale_w) : 0.0;
      },
      ws.chunk_sum, ws.ue_load);
  if (team.leader()) {
    double relaxed = 0.0;
    for (int k = 0; k < K; ++k) relaxed += ws.ue_snr_mix[k] * ws.ue_load[k];
    ws.scalars[kRelaxed] = relaxed;
  }
  team.sync();
}

// The SCA surrogate at the current point (docs/jcrra.md §3): s_ref = s and, per live element,
// the constant part of the x-step, cost = c_x·x_ref − (Γ_k(s_ref)/g + η(1 − 2 x_ref)). Needs
// relaxed_terms at this point.
template <class Team, class Real>
LEOSEM_HD_NOINLINE void relaxed_linearise(const Team& team, const InstanceView& v, const JcrraOptions& opt, double penalty,
                                 const Real* x, JcrraWorkspace ws) {
  const int K = v.users, L = v.options, TL = ws.live_info[kLiveSlots];
  const double scale_w = ws.scalars[kScaleW];
  team.for_each(K * L, [&](int kl) { ws.s_ref[kl] = ws.s[kl]; });
  team.for_each(K * TL, [&](int item) {
    const int k = item / TL, t = item % TL;
    if (t >= ws.col_first[k + 1] - ws.col_first[k]) return;
    const int c = ws.col_first[k] + t;
    const double mix = ws.ue_snr_mix[k];
    for (int e = ws.col_start[c]; e < ws.col_start[c + 1]; ++e) {
      const double x_ref = static_cast<double>(x[e]);
      ws.cost[e] = opt.proximal_x * x_ref - (mix / (v.gain_per_watt[ws.elem_idx[e]] * scale_w) + penalty * (1.0 - 2.0 * x_ref));
    }
  });
  team.sync();
}

// One preconditioned PDHG step on the surrogate (docs/jcrra.md §4): primal steps, then the dual
// ascent on C1 and C7 at the extrapolated point 2v⁺ − v (A v kept from the previous step).
template <class Team, class Real>
LEOSEM_HD_NOINLINE void pdhg_step(const Team& team, const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                         double penalty, Real* x, JcrraWorkspace ws) {
  const int K = v.users, N = v.subchannels, L = v.options, TL = ws.live_info[kLiveSlots];
  // Phase 1: x per (UE, slot) column over its live SCs; s per UE over the reachable options.
  // x⁺ = (x/τ − (y_C1 − y_C7/D̄) + cost)/(1/τ + c_x), with 1/τ = 1 + 1/D̄.
  team.for_each(K * TL, [&](int item) {
    const int k = item / TL, t = item % TL;
    if (t >= ws.col_first[k + 1] - ws.col_first[k]) return;
    const int c = ws.col_first[k] + t, first = ws.col_start[c], count = ws.col_start[c + 1] - first;
    const double inv_tau = 1.0 + 1.0 / ws.ue_d_bar[k];
    const double inv_w = 1.0 / (inv_tau + opt.proximal_x);
    const double dual_k = ws.dual_c7[k] / ws.ue_d_bar[k];
    Real* column = x + first;
    const double* cost = ws.cost + first;
    // The step and the clipped sum in one pass; a full column's resources are contiguous.
    double clipped_sum = 0.0;
    if (count == N) {
      const double* dual = ws.dual_c1 + t * N;
      for (int i = 0; i < N; ++i) {
        const double y = (static_cast<double>(column[i]) * inv_tau - dual[i] + dual_k + cost[i]) * inv_w;
        column[i] = static_cast<Real>(y);
        clipped_sum += clip01(static_cast<double>(column[i]));
      }
    } else {
      const int* rc = ws.elem_rc + first;
      for (int i = 0; i < count; ++i) {
        const double y = (static_cast<double>(column[i]) * inv_tau - ws.dual_c1[rc[i]] + dual_k + cost[i]) * inv_w;
        column[i] = static_cast<Real>(y);
        clipped_sum += clip01(static_cast<double>(column[i]));
      }
    }
    // Projection onto the capped simplex (team_ops.hpp: the clip, or Michelot's), then the column sum.
    double sum = 0.0;
    if (clipped_sum <= 1.0) {
      for (int i = 0; i < count; ++i) {
        const Real clipped = static_cast<Real>(clip01(static_cast<double>(column[i])));
        column[i] = clipped;
        sum += static_cast<double>(clipped);
      }
    } else {
      project_simplex_michelot(column, count, 1);
      for (int i = 0; i < count; ++i) sum += static_cast<double>(column[i]);
    }
    ws.block_sum[c] = sum;
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
  // Phase 2: C1 (Σ_k x <= 1) per live resource; partial sums of each UE's supply over its columns.
  team.for_each(N * TL, [&](int r) {
    const int first = ws.row_start[r], last = ws.row_start[r + 1];
    if (first == last) return;  // no UE can use (n, t)
    double row = 0.0;
    for (int j = first; j < last; ++j) row += static_cast<double>(x[ws.row_elem[j]]);
    ws.dual_c1[r] = max_of(0.0, ws.dual_c1[r] + (2.0 * row - ws.row_sum_c1[r] - 1.0) * ws.c1_step[r]);
    ws.row_sum_c1[r] = row;
  });
  const int chunks = chunks_for(TL);
  team.for_each(K * chunks, [&](int item) {
    const int k = item / chunks, first = (item % chunks) * kSumChunk, tk = ws.col_first[k + 1] - ws.col_first[k];
    const int last = first + kSumChunk < tk ? first + kSumChunk : tk;
    double sum = 0.0;
    for (int t = first; t < last; ++t) sum += ws.block_sum[ws.col_first[k] + t];
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
    ws.dual_c7[k] = max_of(0.0, ws.dual_c7[k] + ws.c7_step[k] * (demand - extrapolated_supply) / ws.ue_d_bar[k]);
    ws.supply_c7[k] = supply;
  });
  team.sync();
}

}  // namespace leosem
