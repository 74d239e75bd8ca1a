// JCRRA (MODEL.md §7.1, the paper's Algorithm 1): successive convex approximation (SCA) of the
// relaxed joint compression-ratio / resource problem, each convex subproblem solved by a
// preconditioned primal-dual projected-gradient method (PDHG), integer recovery by rounding
// ρ up to an option and the association by priority, then a per-UE best-response repair.
// Derivation, step sizes and stopping rules: docs/jcrra.md. Host-device, per instance: no
// allocation, no exceptions, no std containers; the caller passes every buffer.
#pragma once
#include "model/scenario_params.hpp"
#include "solvers/greedy_jscc.hpp"

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
};

// Caller-owned scratch. Sizes: K*N*T for x*, key, order; K*L for s*; N*T for dual_c1 and the
// candidate's resource arrays; K for dual_c7 and candidate option/resources; K*T busy; T for
// slot_power_w, slot_gain, slot_sc, slot_order; kMaxOptions·... is on the stack.
struct JcrraWorkspace {
  GreedyWorkspace greedy;   // order/busy/key, also used by rounding
  double* x = nullptr;      // relaxed association, [K*N*T]
  double* x_prev = nullptr; // previous PDHG iterate
  double* x_ref = nullptr;  // SCA linearisation point
  double* s = nullptr;      // relaxed option weights, [K*L]
  double* s_prev = nullptr;
  double* s_ref = nullptr;
  double* dual_c1 = nullptr;  // multipliers of C1, [N*T]
  double* dual_c7 = nullptr;  // multipliers of C7, [K]
  double* slot_power_w = nullptr;  // [T]
  double* slot_gain = nullptr;     // [T]
  int* slot_sc = nullptr;          // [T]
  int* slot_order = nullptr;       // [T]
  int* saved_resource = nullptr;   // [T]
  double* block = nullptr;         // [N]: one (UE, slot) block of x
  double* block_scratch = nullptr; // [N]
  int* block_ids = nullptr;        // [N]
  SolutionBuffers candidate;       // option [K], resources [K], assigned_ue [N*T], power_w [N*T]
};

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
// slot). Keeps the old choice unless the new one is strictly cheaper. Returns true if changed.
LEOSEM_HD bool best_response(const InstanceView& v, const double* snr_lin, int k, SolutionBuffers sol,
                             JcrraWorkspace ws) {
  const int N = v.subchannels, T = v.slots, L = v.options;
  const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
  // Current cost of UE k and its resources; free them.
  double old_power_w = 0.0;
  int held = 0;
  for (int t = 0; t < T; ++t) ws.slot_power_w[t] = 0.0;
  for (int t = 0; t < T; ++t)
    for (int n = 0; n < N; ++n) {
      const int r = n * T + t;
      if (sol.assigned_ue[r] == k) {
        old_power_w += sol.power_w[r];
        ws.saved_resource[held++] = r;
      } else if (sol.assigned_ue[r] >= 0) {
        ws.slot_power_w[t] += sol.power_w[r];
      }
    }
  // Per slot: the best free SC for k.
  int slots_found = 0;
  for (int t = 0; t < deadline; ++t) {
    double best_gain = 0.0;
    int best_n = -1;
    for (int n = 0; n < N; ++n) {
      const int r = n * T + t;
      if (sol.assigned_ue[r] >= 0 && sol.assigned_ue[r] != k) continue;
      const double g = v.gain_per_watt[(k * N + n) * T + t];
      if (g > best_gain) {
        best_gain = g;
        best_n = n;
      }
    }
    ws.slot_gain[t] = best_gain;
    ws.slot_sc[t] = best_n;
    if (best_n >= 0) ws.slot_order[slots_found++] = t;
  }
  heap_sort_descending(ws.slot_order, slots_found, ws.slot_gain);
  // Each option: the D_kl best slots whose power fits the remaining budget.
  double best_power_w = old_power_w;
  int best_option = -1;
  for (int l = 0; l < L; ++l) {
    const double snr = snr_lin[k * L + l];
    if (snr < 0.0) continue;
    const int need = v.required_resources[k * L + l];
    double power_w = 0.0;
    int taken = 0;
    for (int i = 0; i < slots_found && taken < need; ++i) {
      const int t = ws.slot_order[i];
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
  if (best_option < 0) return false;
  // Apply: clear the old resources, take the new ones.
  for (int i = 0; i < held; ++i) {
    sol.assigned_ue[ws.saved_resource[i]] = -1;
    sol.power_w[ws.saved_resource[i]] = 0.0;
  }
  const double snr = snr_lin[k * L + best_option];
  const int need = v.required_resources[k * L + best_option];
  int taken = 0;
  for (int i = 0; i < slots_found && taken < need; ++i) {
    const int t = ws.slot_order[i];
    const double p_w = snr / ws.slot_gain[t];
    if (ws.slot_power_w[t] + p_w > v.max_power_w) continue;
    const int r = ws.slot_sc[t] * T + t;
    sol.assigned_ue[r] = k;
    sol.power_w[r] = p_w;
    ++taken;
  }
  sol.option[k] = best_option;
  sol.resources[k] = taken;
  return true;
}

// Sweeps best responses over the UEs until none improves (at most `passes` sweeps).
LEOSEM_HD int repair_by_best_response(const InstanceView& v, const double* snr_lin, SolutionBuffers sol,
                                      JcrraWorkspace ws, int passes) {
  int sweeps = 0;
  for (; sweeps < passes; ++sweeps) {
    bool changed = false;
    for (int k = 0; k < v.users; ++k) changed = best_response(v, snr_lin, k, sol, ws) || changed;
    if (!changed) break;
  }
  return sweeps;
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

// ---- rounding of a relaxed point ----

// ρ_k = Σ_l s_kl ρ_l rounded up to the next reachable option; the association by priority
// (x descending, then cost ascending) under C1, C2, deadlines and the per-slot budget.
// Returns true if every UE got its D_k.
LEOSEM_HD bool round_relaxed(const InstanceView& v, const double* snr_lin, const double* x, const double* s,
                             double cost_scale_w, JcrraWorkspace ws, SolutionBuffers sol) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  for (int k = 0; k < K; ++k) {
    double rho = 0.0;
    for (int l = 0; l < L; ++l) rho += s[k * L + l] * v.compression_ratios[l];
    int chosen = -1, largest = -1;
    for (int l = 0; l < L; ++l) {
      if (snr_lin[k * L + l] < 0.0) continue;
      largest = l;
      if (chosen < 0 && v.compression_ratios[l] >= rho * (1.0 - 1e-9)) chosen = l;
    }
    sol.option[k] = chosen >= 0 ? chosen : largest;
  }
  int count = 0;
  for (int k = 0; k < K; ++k)
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < T; ++t) {
        const int idx = (k * N + n) * T + t;
        if (!usable(v, k, n, t)) continue;
        // Priority: x in steps of 1/100, then the normalised cost Γ/g (clipped) ascending.
        const double cost = snr_lin[k * L + sol.option[k]] / (v.gain_per_watt[idx] * cost_scale_w);
        ws.greedy.key[idx] = floor(x[idx] * 100.0 + 0.5) * 1e7 - fmin(cost, 1e6);
        ws.greedy.order[count++] = idx;
      }
  heap_sort_descending(ws.greedy.order, count, ws.greedy.key);
  return assign_in_order(v, snr_lin, sol.option, ws.greedy.order, count, true, ws.greedy.busy,
                         ws.slot_power_w, sol) < 0;
}

// ---- the SCA loop ----

LEOSEM_HD CoreResult jcrra_core(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                JcrraWorkspace ws, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const int KNT = K * N * T;

  // 1. Start from Greedy JSCC. If it failed (deadline or budget), try the fewest-resource
  //    options (the smallest reachable ρ) in the same gain order with the budget respected.
  CoreResult greedy = greedy_jscc_core(v, snr_lin, opt.base_option, ws.greedy, ws.slot_power_w, out);
  if (!greedy.feasible && greedy.reason == FailReason::QualityUnreachable) return greedy;
  bool have_best = greedy.feasible;
  if (!have_best) {
    for (int k = 0; k < K; ++k) out.option[k] = greedy_option(v, snr_lin, k, 0);
    const int count = list_usable_by_gain(v, ws.greedy.order, ws.greedy.key);
    have_best = assign_in_order(v, snr_lin, out.option, ws.greedy.order, count, true, ws.greedy.busy,
                                ws.slot_power_w, out) < 0;
  }
  double best_power_w = 0.0;
  if (have_best) {
    repair_by_best_response(v, snr_lin, out, ws, opt.repair_passes);
    best_power_w = total_power(v, out);
  }

  // 2. Normalisation: the geometric mean of Γ̄_k/g over usable entries is one cost unit.
  double log_sum = 0.0;
  int log_count = 0;
  for (int k = 0; k < K; ++k) {
    double snr_max = 0.0;
    for (int l = 0; l < L; ++l) snr_max = fmax(snr_max, snr_lin[k * L + l]);
    if (snr_max <= 0.0) continue;
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < T; ++t)
        if (usable(v, k, n, t)) {
          log_sum += log(snr_max / v.gain_per_watt[(k * N + n) * T + t]);
          ++log_count;
        }
  }
  const double scale_w = log_count > 0 ? exp(log_sum / log_count) : 1.0;

  // 3. Initial relaxed point: the start solution (or nothing assigned, greedy options).
  for (int i = 0; i < KNT; ++i) ws.x[i] = 0.0;
  if (have_best)
    for (int k = 0; k < K; ++k)
      for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t)
          if (out.assigned_ue[n * T + t] == k) ws.x[(k * N + n) * T + t] = 1.0;
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) ws.s[k * L + l] = (l == out.option[k]) ? 1.0 : 0.0;
  for (int i = 0; i < N * T; ++i) ws.dual_c1[i] = 0.0;
  for (int k = 0; k < K; ++k) ws.dual_c7[k] = 0.0;

  // Per-UE normaliser of C7 (D̄_k = max_l D_kl) and PDHG step sizes (Pock-Chambolle diagonal
  // preconditioning: τ_j = 1/Σ_i|A_ij|, σ_i = 1/Σ_j|A_ij|).
  double relaxed_prev = -1.0;
  int iterations = 0;
  for (int r = 0; r < opt.max_sca_iterations; ++r) {
    iterations = r + 1;
    const double penalty = opt.penalty * (r + 1) / opt.max_sca_iterations;
    for (int i = 0; i < KNT; ++i) ws.x_ref[i] = ws.x[i];
    for (int i = 0; i < K * L; ++i) ws.s_ref[i] = ws.s[i];

    for (int it = 0; it < opt.pdhg_iterations; ++it) {
      for (int i = 0; i < KNT; ++i) ws.x_prev[i] = ws.x[i];
      for (int i = 0; i < K * L; ++i) ws.s_prev[i] = ws.s[i];
      // Primal step on x, per (k, t) block over the usable SCs.
      for (int k = 0; k < K; ++k) {
        double d_bar = 1.0, snr_mix = 0.0;
        for (int l = 0; l < L; ++l) {
          d_bar = fmax(d_bar, static_cast<double>(v.required_resources[k * L + l]));
          if (snr_lin[k * L + l] > 0.0) snr_mix += ws.s_ref[k * L + l] * snr_lin[k * L + l];
        }
        const double tau = 1.0 / (1.0 + 1.0 / d_bar);
        const double w = 1.0 / tau + opt.proximal_x;
        const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
        for (int t = 0; t < deadline; ++t) {
          double* block = ws.block;
          int* ids = ws.block_ids;
          int count = 0;
          for (int n = 0; n < N; ++n) {
            const int idx = (k * N + n) * T + t;
            if (v.gain_per_watt[idx] <= 0.0) continue;
            const double grad = snr_mix / (v.gain_per_watt[idx] * scale_w) + penalty * (1.0 - 2.0 * ws.x_ref[idx]);
            const double at_y = ws.dual_c1[n * T + t] - ws.dual_c7[k] / d_bar;
            const double u = ws.x[idx] - tau * at_y;
            block[count] = (u / tau - grad + opt.proximal_x * ws.x_ref[idx]) / w;
            ids[count++] = idx;
          }
          project_capped_simplex(block, count, ws.block_scratch);
          for (int i = 0; i < count; ++i) ws.x[ids[i]] = block[i];
        }
      }
      // Primal step on s, per UE over the reachable options.
      for (int k = 0; k < K; ++k) {
        double d_bar = 1.0, load = 0.0;
        for (int l = 0; l < L; ++l) d_bar = fmax(d_bar, static_cast<double>(v.required_resources[k * L + l]));
        for (int n = 0; n < N; ++n)
          for (int t = 0; t < T; ++t) {
            const int idx = (k * N + n) * T + t;
            if (ws.x_ref[idx] > 0.0) load += ws.x_ref[idx] / (v.gain_per_watt[idx] * scale_w);
          }
        const double tau = 1.0;  // column sums of s in C7 are D_kl/D̄_k <= 1
        const double prox = opt.proximal_s * d_bar;
        const double w = 1.0 / tau + prox;
        for (int l = 0; l < L; ++l) {
          const int kl = k * L + l;
          if (snr_lin[kl] < 0.0) continue;
          const double grad = snr_lin[kl] * load + penalty * d_bar * (1.0 - 2.0 * ws.s_ref[kl]);
          const double u = ws.s[kl] - tau * ws.dual_c7[k] * v.required_resources[kl] / d_bar;
          ws.s[kl] = (u / tau - grad + prox * ws.s_ref[kl]) / w;
        }
        project_option_simplex(ws.s + k * L, snr_lin + k * L, L);
      }
      // Dual step on C1 (Σ_k x <= 1) at the extrapolated point 2x − x_prev.
      for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
          double sum = 0.0;
          int terms = 0;
          for (int k = 0; k < K; ++k) {
            const int idx = (k * N + n) * T + t;
            if (!usable(v, k, n, t)) continue;
            sum += 2.0 * ws.x[idx] - ws.x_prev[idx];
            ++terms;
          }
          if (terms == 0) continue;
          ws.dual_c1[n * T + t] = fmax(0.0, ws.dual_c1[n * T + t] + (sum - 1.0) / terms);
        }
      // Dual step on C7 ((Σ_l s D_kl − Σ x)/D̄_k <= 0).
      for (int k = 0; k < K; ++k) {
        double d_bar = 1.0;
        for (int l = 0; l < L; ++l) d_bar = fmax(d_bar, static_cast<double>(v.required_resources[k * L + l]));
        double demand = 0.0, row_sum = 0.0;
        for (int l = 0; l < L; ++l) {
          const int kl = k * L + l;
          demand += (2.0 * ws.s[kl] - ws.s_prev[kl]) * v.required_resources[kl];
          row_sum += v.required_resources[kl];
        }
        double supply = 0.0;
        int columns = 0;
        for (int n = 0; n < N; ++n)
          for (int t = 0; t < T; ++t)
            if (usable(v, k, n, t)) {
              const int idx = (k * N + n) * T + t;
              supply += 2.0 * ws.x[idx] - ws.x_prev[idx];
              ++columns;
            }
        const double sigma = d_bar / (row_sum + columns);
        ws.dual_c7[k] = fmax(0.0, ws.dual_c7[k] + sigma * (demand - supply) / d_bar);
      }
    }

    // Integer recovery of this iterate, repaired, kept if best.
    if (round_relaxed(v, snr_lin, ws.x, ws.s, scale_w, ws, ws.candidate)) {
      repair_by_best_response(v, snr_lin, ws.candidate, ws, opt.repair_passes);
      const double power_w = total_power(v, ws.candidate);
      if (!have_best || power_w < best_power_w) {
        copy_solution(v, ws.candidate, out);
        best_power_w = power_w;
        have_best = true;
      }
    }

    // Stopping rule: relative change of the relaxed objective Σ_k Γ_k(s) W_k(x).
    double relaxed = 0.0;
    for (int k = 0; k < K; ++k) {
      double snr_mix = 0.0, load = 0.0;
      for (int l = 0; l < L; ++l)
        if (snr_lin[k * L + l] > 0.0) snr_mix += ws.s[k * L + l] * snr_lin[k * L + l];
      for (int n = 0; n < N; ++n)
        for (int t = 0; t < T; ++t) {
          const int idx = (k * N + n) * T + t;
          if (ws.x[idx] > 0.0) load += ws.x[idx] / v.gain_per_watt[idx];
        }
      relaxed += snr_mix * load;
    }
    if (relaxed_prev >= 0.0 && fabs(relaxed - relaxed_prev) <= opt.tolerance * fmax(relaxed, 1e-300)) break;
    relaxed_prev = relaxed;
  }

  if (!have_best) {
    CoreResult fail = greedy;
    fail.iterations = iterations;
    return fail;
  }
  CoreResult result;
  result.feasible = true;
  result.total_power_w = best_power_w;
  result.iterations = iterations;
  return result;
}

}  // namespace leosem
