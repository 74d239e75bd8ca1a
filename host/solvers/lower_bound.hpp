// Certified lower bound on the optimal power (MODEL.md §7.5, docs/jcrra.md "Certified lower
// bound"): the Lagrangian relaxation of C1 (each (n, t) to at most one UE, multipliers λ ≥ 0)
// and of the per-slot budget (multipliers ν = P_max·μ ≥ 0), maximised by a projected subgradient
// with Polyak steps. For any multipliers the relaxation splits into per-UE problems solved
// exactly, so every iterate gives a valid bound; each is evaluated in FP64 and lowered by a proven
// bound on its rounding error. Team code (team.hpp) like jcrra_team: phases between barriers,
// every sum in a fixed order, so SequentialTeam and a CUDA block compute the same numbers.
// Host-device: no allocation, no exceptions; the caller passes the workspace.
#pragma once
#include <cfloat>
#include <cmath>
#include <cstddef>

#include "solvers/core_common.hpp"
#include "solvers/team_ops.hpp"  // chunked_sums
#include "solvers/team.hpp"

namespace leosem {

struct LowerBoundOptions {
  int max_iterations = 100;     // Lagrangian evaluations (each one is a valid bound)
  int patience = 2;             // iterations without a better bound before the step factor halves
                                // (2, not the prototype's 5: half the iterations, docs/benchmarks.md)
  double step_factor = 1.0;     // initial Polyak factor α in θ = α (target − L) / ||g||²
  double gap_tolerance = 1e-7;  // stop when the bound is within this relative gap of the upper bound
  // Skip the selection of an option whose value at λ = ν = 0 already exceeds this iteration's
  // value of the UE's last best option (it cannot be the minimum: values only grow with the
  // multipliers). The same bits either way (tested); false computes every option.
  bool prune_options = true;
  // Stall stop: leave once stall_iterations evaluations have passed since the bound last rose by
  // more than stall_tolerance (relative) above its value then (0: off). Each iterate is a valid
  // bound, so stopping early only forgoes the rest of the ascent.
  int stall_iterations = 0;
  double stall_tolerance = 1e-5;
};

enum class BoundStatus : int {
  Bound = 0,       // bound_w is a certified lower bound
  Optimal = 1,     // also the relaxed plan is feasible and complementary: bound_w is the optimum
                   // up to the rounding term (the projected subgradient is zero)
  Infeasible = 2,  // proven: a UE cannot be served at any option (reason_ue), or the bound
                   // exceeds P_max × (slots with a usable resource), which any solution stays below
};

struct LowerBoundResult {
  BoundStatus status = BoundStatus::Bound;
  double bound_w = 0.0;    // certified lower bound on the optimal Σ p, W (≥ 0); 0 when Infeasible
  double relaxed_w = 0.0;  // the uncorrected L(λ, ν) of the best iterate, W
  int iterations = 0;      // Lagrangian evaluations
  int reason_ue = -1;      // Infeasible: the UE without D_kl usable slots at any option, or -1
};

// Caller-owned scratch (carve_lower_bound_workspace). Sizes in brackets.
struct LowerBoundWorkspace {
  double* lambda = nullptr;            // [N*T] λ[n,t], W
  double* nu = nullptr;                // [T] ν_t = P_max·μ_t, W
  double* grad_lambda = nullptr;       // [N*T] projected subgradient in λ
  double* grad_nu = nullptr;           // [T] projected subgradient in ν (slot load / P_max − 1)
  double* slot_cost = nullptr;         // [K*L*T] per (UE, option) the slots' reduced costs, selected in place
  double* cost_cache = nullptr;        // [K*L*T] per (UE, option) the slots' reduced costs in slot order
  double* option_value = nullptr;      // [K*L] S_kl: the sum of the D_kl cheapest slots (+inf if too few)
  double* option_threshold = nullptr;  // [K*L] the D_kl-th cheapest slot's cost (when last computed)
  double* option_base = nullptr;       // [K*L] S_kl at λ = ν = 0, a lower bound on S_kl at any multipliers
  double* option_fresh = nullptr;      // [K*L] the iteration at which the option's cost cache was last brought up to date (-1: never)
  double* ue_value = nullptr;          // [K] min_l S_kl
  double* chunk_sum = nullptr;         // [chunks_for(N*T + T)] partial sums (team.hpp)
  double* scalars = nullptr;           // [kBoundScalars] team-shared values
  double* slot_priced = nullptr;       // [T] 1 where some λ[n,t] > 0, else 0
  double* slot_changed = nullptr;      // [T] the iteration from which λ[·,t] and ν_t hold (0: the start)
  int* ue_option = nullptr;            // [K] the minimising option, -1 if none
  int* chosen_sc = nullptr;            // [K*T] the relaxed plan: UE k's SC in slot t, -1 if none
  int* best_sc = nullptr;              // [K*T] UE k's SC of the largest gain in slot t (lowest n on ties), -1 if none
};

enum BoundScalar : int {
  kBoundBest = 0,   // best certified bound so far (W)
  kBoundRelaxed,    // L of that iterate (W)
  kBoundStatus,     // BoundStatus
  kBoundIterations,
  kBoundReasonUe,
  kBoundStop,       // 1: leave the loop
  kBoundStep,       // θ of this iteration
  kBoundAlpha,      // Polyak factor α
  kBoundStall,      // iterations without improvement
  kBoundUsableSlots,
  kBoundTarget,     // Polyak target (W): the upper bound, or 2·P_max·usable slots without one
  kBoundUpper,      // the caller's upper bound (W), or +inf
  kBoundOps,        // M of the rounding-error term (see lower_bound_certify)
  kBoundSumLambda,
  kBoundSumNu,
  kBoundNorm,
  kBoundAnchor,            // the bound at its last rise by more than stall_tolerance (W)
  kBoundAnchorIterations,  // evaluations done then
  kBoundScalars
};

// The arrays every iteration reads or writes item by item besides the slot costs and the plan:
// the multipliers, their subgradients, the per-option and per-UE values, the partial sums and
// the team's scalars. Doubles only, so that a CUDA block can keep them in its shared memory
// (cuda/lower_bound_block_layout.hpp); carve_lower_bound_workspace carves them first.
template <class Carver>
LEOSEM_HD void carve_lower_bound_on_chip(int users, int subchannels, int slots, int options, Carver& c,
                                         LowerBoundWorkspace& ws) {
  const size_t K = static_cast<size_t>(users), N = static_cast<size_t>(subchannels), T = static_cast<size_t>(slots),
               L = static_cast<size_t>(options);
  ws.lambda = c.take_doubles(N * T);
  ws.nu = c.take_doubles(T);
  ws.grad_lambda = c.take_doubles(N * T);
  ws.grad_nu = c.take_doubles(T);
  ws.option_value = c.take_doubles(K * L);
  ws.option_threshold = c.take_doubles(K * L);
  ws.option_base = c.take_doubles(K * L);
  ws.option_fresh = c.take_doubles(K * L);
  ws.ue_value = c.take_doubles(K);
  ws.chunk_sum = c.take_doubles(static_cast<size_t>(chunks_for(subchannels * slots + slots)));
  ws.scalars = c.take_doubles(kBoundScalars);
  ws.slot_priced = c.take_doubles(T);
  ws.slot_changed = c.take_doubles(T);
}

// The whole workspace: the on-chip part, then the slot costs and their cache [K*L*T each] and the ints.
template <class Carver>
LEOSEM_HD LowerBoundWorkspace carve_lower_bound_workspace(int users, int subchannels, int slots, int options,
                                                          Carver& c) {
  const size_t K = static_cast<size_t>(users), T = static_cast<size_t>(slots), L = static_cast<size_t>(options);
  LowerBoundWorkspace ws;
  carve_lower_bound_on_chip(users, subchannels, slots, options, c, ws);
  ws.slot_cost = c.take_doubles(K * L * T);
  ws.cost_cache = c.take_doubles(K * L * T);
  ws.ue_option = c.take_ints(K);
  ws.chosen_sc = c.take_ints(K * T);
  ws.best_sc = c.take_ints(K * T);
  return ws;
}

// The per-slot budget the bound relaxes: P_max with the checker's relative tolerance (1e-9,
// solvers/checker.cpp), so the bound holds for every solution the checker accepts. A larger
// budget only lowers the bound.
LEOSEM_HD double bound_budget_w(const InstanceView& v) { return v.max_power_w * (1.0 + 1e-9); }

// UE k's cheapest reduced cost in slot t at required SNR `snr` (its SC in *sc, -1 and +inf if
// none): min_n p (1 + ν_t / P) + λ[n,t] over the SCs with g > 0 and p = Γ/g <= P (others can
// never be used: one resource alone would exceed the budget). Ties: the lowest n.
LEOSEM_HD double bound_slot_cost(const InstanceView& v, double snr, int k, int t, const double* lambda,
                                 const double* nu, double budget_w, int* sc) {
  const int N = v.subchannels, T = v.slots;
  const double scale = 1.0 + nu[t] / budget_w;
  double best = HUGE_VAL;
  int best_n = -1;
  for (int n = 0; n < N; ++n) {
    const double g = v.gain_per_watt[(k * N + n) * T + t];
    if (!(g > 0.0)) continue;
    const double p = snr / g;
    if (!(p <= budget_w)) continue;
    const double cost = p * scale + lambda[n * T + t];
    if (cost < best) {
      best = cost;
      best_n = n;
    }
  }
  *sc = best_n;
  return best;
}

// bound_slot_cost where slot t may be unpriced (priced[t] == 0: every λ[n,t] is 0): then the
// cheapest SC is the one of the largest gain (p = Γ/g rounds monotonically, and so does p·scale),
// best_sc[k·T + t], and one division replaces N. Same cost to the bit; on a tie of rounded costs
// between SCs of different gains the SC may differ from bound_slot_cost's lowest n.
LEOSEM_HD double bound_slot_cost_live(const InstanceView& v, double snr, int k, int t, const double* lambda,
                                      const double* nu, double budget_w, const double* priced, const int* best_sc,
                                      int* sc) {
  if (priced[t] != 0.0) return bound_slot_cost(v, snr, k, t, lambda, nu, budget_w, sc);
  const int N = v.subchannels, T = v.slots, n = best_sc[k * T + t];
  const double p = n >= 0 ? snr / v.gain_per_watt[(k * N + n) * T + t] : HUGE_VAL;
  if (!(p <= budget_w)) {
    *sc = -1;
    return HUGE_VAL;
  }
  *sc = n;
  return p * (1.0 + nu[t] / budget_w) + lambda[n * T + t];
}

// Rearranges a[0..count) so that a[0..m] hold the m+1 smallest values (Hoare's FIND with a
// median-of-three pivot; in place, deterministic). Requires 0 <= m < count; no NaN.
LEOSEM_HD void select_smallest(double* a, int count, int m) {
  int lo = 0, hi = count - 1;
  while (lo < hi) {
    const double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
    const double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) ++i;
      while (pivot < a[j]) --j;
      if (i <= j) {
        const double tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
        ++i;
        --j;
      }
    }
    if (j < m) lo = i;
    if (m < i) hi = j;  // both: j < m < i, a[m] equals the pivot and is in place
  }
}

// select_smallest warm-started at a guess of a[m] (`hint`, no NaN): one three-way pass splits a
// into < hint, == hint, > hint; if a[m] is a tie with the hint that is all, else select_smallest
// runs on the part that holds it only. Between two iterations of the ascent most slots keep their
// cost, so the last threshold is a[m] again, or close to it.
LEOSEM_HD void select_smallest_near(double* a, int count, int m, double hint) {
  int lt = 0, i = 0, gt = count - 1;  // [0, lt) < hint, [lt, i) == hint, (gt, count) > hint
  while (i <= gt) {
    const double x = a[i];
    if (x < hint) {
      a[i++] = a[lt];
      a[lt++] = x;
    } else if (hint < x) {
      a[i] = a[gt];
      a[gt--] = x;
    } else {
      ++i;
    }
  }
  if (m < lt)
    select_smallest(a, lt, m);
  else if (m >= i)
    select_smallest(a + i, count - i, m - i);
}

// The projected subgradient of λ[n,t] (C1: at most one UE on (n, t)): the UEs whose plan uses
// SC n in slot t, minus 1, or 0 where λ = 0 and the resource is free. Shared with the priced repair.
LEOSEM_HD double c1_subgradient(const InstanceView& v, const int* sc, double lambda, int n, int t) {
  int users = 0;
  for (int k = 0; k < v.users; ++k) users += sc[k * v.slots + t] == n;
  const double g = users - 1.0;
  return lambda <= 0.0 && g < 0.0 ? 0.0 : g;
}

// The plans' power in slot t, Σ_k Γ_k,option[k] / g over the UEs whose plan uses an SC there
// (sc[k·T + t] >= 0), and the projected subgradient of that slot's budget multiplier ν_t:
// load/budget − 1, or 0 where ν_t = 0 and the budget is slack. Shared with the priced repair.
LEOSEM_HD double budget_subgradient(const InstanceView& v, const double* snr_lin, const int* sc, const int* option,
                                    double budget_w, double nu, int t) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  double load_w = 0.0;
  for (int k = 0; k < K; ++k) {
    const int n = sc[k * T + t];
    if (n >= 0) load_w += snr_lin[k * L + option[k]] / v.gain_per_watt[(k * N + n) * T + t];
  }
  const double g = load_w / budget_w - 1.0;
  return nu <= 0.0 && g < 0.0 ? 0.0 : g;
}

// Certifies L̃ = A − B − C (A = Σ_k min_l S_kl, B = Σ λ, C = Σ ν, all computed in FP64 from
// non-negative terms): returns L̃ − M·ε·(A + B + C), ε = DBL_EPSILON = 2u. Why this is below the
// true L(λ, ν) of these multipliers, and so below the optimum: each slot cost is p(1 + ν/P) + λ
// with 5 roundings of non-negative terms (relative error <= γ_5, γ_m = mu/(1 − mu)); a sum of D
// such terms adds γ_{D−1} whatever its order, the sum over UEs γ_{K−1}; the cheapest slots
// chosen on rounded values cost at most the rounded cost of the truly cheapest, so the true
// min_l S_kl >= (1 − γ_{D+4}) times the computed one, and A_true >= (1 − γ_{D+K+4}) Ã; B and C
// are sums of N·T and T non-negative terms (<= (1 + γ_{NT}) B̃, (1 + γ_T) C̃). With
// M = K + max D + N·T + T + 16 >= every one of these counts + the last roundings, γ_M(Ã+B̃+C̃)
// <= 1.01·M·u·(Ã+B̃+C̃) covers them, and the other 0.99·M·u·(Ã+B̃+C̃) (M >= 16) covers the
// two subtractions of L̃ and the rounding of the correction itself.
LEOSEM_HD double lower_bound_certify(double a, double b, double c, double ops) {
  return (a - b - c) - ops * DBL_EPSILON * (a + b + c);
}

// The lower bound over a team; the result is the same on every thread. `upper_bound_w`: the power
// of a known feasible solution (the Polyak target and the stopping gap), or <= 0 / +inf if none.
template <class Team>
LEOSEM_HD LowerBoundResult lower_bound_team(const Team& team, const InstanceView& v, const double* snr_lin,
                                            double upper_bound_w, const LowerBoundOptions& opt,
                                            LowerBoundWorkspace ws) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const double budget_w = bound_budget_w(v);
  // The live slots t < TL = the latest deadline: no UE may use a later one, so there λ and ν stay
  // 0 with a zero projected subgradient, and they are neither stored nor summed. Every thread
  // computes TL itself. The multipliers of (n, t) keep their index n·T + t.
  int TL = 0;
  for (int k = 0; k < K; ++k) TL = v.deadline_slots[k] > TL ? v.deadline_slots[k] : TL;
  TL = TL < T ? TL : T;
  // Setup: multipliers zero; per slot, whether any UE may use it (grad_nu as scratch).
  team.for_each(N * TL, [&](int r) { ws.lambda[(r / TL) * T + r % TL] = 0.0; });
  team.for_each(K * L, [&](int kl) { ws.option_fresh[kl] = -1.0; });
  team.for_each(K * TL, [&](int kt) {
    const int k = kt / TL, t = kt % TL;
    int best = -1;
    for (int n = 0; n < N; ++n) {
      const double g = v.gain_per_watt[(k * N + n) * T + t];
      if (g > 0.0 && (best < 0 || g > v.gain_per_watt[(k * N + best) * T + t])) best = n;
    }
    ws.best_sc[k * T + t] = best;
  });
  team.for_each(TL, [&](int t) {
    ws.nu[t] = 0.0;
    ws.slot_priced[t] = 0.0;
    ws.slot_changed[t] = 0.0;
    bool any = false;
    for (int k = 0; k < K && !any; ++k) {
      if (t >= v.deadline_slots[k]) continue;
      for (int l = 0; l < L && !any; ++l) {
        const double snr = snr_lin[k * L + l];
        if (snr < 0.0) continue;
        for (int n = 0; n < N && !any; ++n) {
          const double g = v.gain_per_watt[(k * N + n) * T + t];
          any = g > 0.0 && snr / g <= budget_w;
        }
      }
    }
    ws.grad_nu[t] = any ? 1.0 : 0.0;
  });
  team.sync();
  chunked_sums(
      team, 1, TL, [&](int, int t) { return ws.grad_nu[t]; }, ws.chunk_sum, ws.scalars + kBoundUsableSlots);
  if (team.leader()) {
    int max_need = 0;
    for (int i = 0; i < K * L; ++i) max_need = v.required_resources[i] > max_need ? v.required_resources[i] : max_need;
    const bool have_upper = upper_bound_w > 0.0 && upper_bound_w < HUGE_VAL;
    ws.scalars[kBoundUpper] = have_upper ? upper_bound_w : HUGE_VAL;
    ws.scalars[kBoundTarget] = have_upper ? upper_bound_w : 2.0 * budget_w * fmax(ws.scalars[kBoundUsableSlots], 1.0);
    ws.scalars[kBoundOps] = static_cast<double>(K) + max_need + static_cast<double>(N) * T + T + 16.0;
    ws.scalars[kBoundBest] = 0.0;  // Σ p >= 0: the trivial bound
    ws.scalars[kBoundRelaxed] = 0.0;
    ws.scalars[kBoundStatus] = static_cast<double>(BoundStatus::Bound);
    ws.scalars[kBoundIterations] = 0.0;
    ws.scalars[kBoundReasonUe] = -1.0;
    ws.scalars[kBoundStop] = 0.0;
    ws.scalars[kBoundAlpha] = opt.step_factor;
    ws.scalars[kBoundStall] = 0.0;
    ws.scalars[kBoundAnchor] = 0.0;
    ws.scalars[kBoundAnchorIterations] = 0.0;
  }
  team.sync();

  for (int iteration = 0; iteration < opt.max_iterations; ++iteration) {
    // Phase 1: per (UE, option) the slots' reduced costs and the sum of the D_kl cheapest. A slot's
    // cost depends only on its own λ[·,t] and ν_t, so an option's cost cache is brought up to date
    // only in the slots whose multipliers changed since it last was (slot_changed, option_fresh),
    // and only when the option's value is computed: the same bits, fewer divisions (near the end
    // of an ascent only the contested slots move). 1a: the value of each UE's last best option (of
    // every option at the first iteration); 1b: the other options', skipping those that cannot
    // beat it (prune_options).
    const auto compute_option = [&](int kl) {
      const int k = kl / L, need = v.required_resources[kl];
      const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
      const double snr = snr_lin[kl];
      double* cache = ws.cost_cache + static_cast<size_t>(kl) * T;
      double* row = ws.slot_cost + static_cast<size_t>(kl) * T;
      if (snr < 0.0) {  // unreachable option
        ws.option_value[kl] = HUGE_VAL;
        return;
      }
      for (int t = 0; t < deadline; ++t)
        if (ws.slot_changed[t] > ws.option_fresh[kl]) {
          int sc;
          cache[t] = bound_slot_cost_live(v, snr, k, t, ws.lambda, ws.nu, budget_w, ws.slot_priced, ws.best_sc, &sc);
        }
      ws.option_fresh[kl] = iteration;
      int finite = 0;
      for (int t = 0; t < deadline; ++t) {
        row[t] = cache[t];
        finite += cache[t] < HUGE_VAL;  // +inf exactly where the slot has no usable SC (sc < 0)
      }
      if (need <= 0) {
        ws.option_value[kl] = 0.0;
        ws.option_threshold[kl] = -HUGE_VAL;
        return;
      }
      if (finite < need) {
        ws.option_value[kl] = HUGE_VAL;
        return;
      }
      // From the second iteration on, option_threshold still holds this option's last D-th cost.
      if (iteration > 0)
        select_smallest_near(row, deadline, need - 1, ws.option_threshold[kl]);
      else
        select_smallest(row, deadline, need - 1);
      double threshold = -HUGE_VAL;
      int below = 0;
      for (int i = 0; i < need; ++i) threshold = fmax(threshold, row[i]);
      for (int i = 0; i < need; ++i) below += row[i] < threshold;
      // The sum in slot order (the slots below the threshold, then its ties in slot order: phase
      // 2's plan), so that its bits do not depend on how the selection permuted the row.
      double sum = 0.0;
      int ties = need - below;
      for (int t = 0; t < deadline; ++t)
        if (cache[t] < threshold || (cache[t] == threshold && ties-- > 0)) sum += cache[t];
      ws.option_value[kl] = sum;
      ws.option_threshold[kl] = threshold;
    };
    team.for_each(K * L, [&](int kl) {
      const int k = kl / L, l = kl % L;
      if (iteration == 0 || !opt.prune_options || ws.ue_option[k] < 0 || l == ws.ue_option[k])  // phase 2's last choice
        compute_option(kl);
    });
    team.sync();
    team.for_each(K * L, [&](int kl) {
      if (iteration == 0) {  // λ = ν = 0: the values are the bases
        ws.option_base[kl] = ws.option_value[kl];
        return;
      }
      const int k = kl / L, l = kl % L, last = ws.ue_option[k];
      // Done in 1a; or unreachable, whose +inf from the first iteration stands.
      if (last < 0 || l == last || !opt.prune_options || snr_lin[kl] < 0.0) return;
      // S_kl >= its base in real arithmetic (every cost only grows with λ, ν >= 0). Computed, both
      // sums of <= D_kl + 4 roundings each (lower_bound_certify): S̃ >= base·(1 − 2(D+4)ε) > the
      // reference, so the computed S̃_kl would be above it too and could not be the minimum.
      const double margin = 1.0 - 2.0 * (v.required_resources[kl] + 4.0) * DBL_EPSILON;
      if (ws.option_base[kl] * margin > ws.option_value[k * L + last]) {
        ws.option_value[kl] = HUGE_VAL;  // not the minimum: phase 2 skips it
        return;
      }
      compute_option(kl);
    });
    team.sync();
    // Phase 2: per UE the best option (the lowest on ties) and its plan: the slots below the
    // threshold, then those equal to it in slot order, each on its cheapest SC. The costs come from
    // the cache into the best option's row (free now: phase 1's selection is read); a taken slot's
    // cost is marked -1 (costs are >= 0) and gets its SC, the others none.
    team.for_each(K, [&](int k) {
      double best = HUGE_VAL;
      int best_l = -1;
      for (int l = 0; l < L; ++l)
        if (ws.option_value[k * L + l] < best) {
          best = ws.option_value[k * L + l];
          best_l = l;
        }
      ws.ue_value[k] = best;
      ws.ue_option[k] = best_l;
      for (int t = 0; t < T; ++t) ws.chosen_sc[k * T + t] = -1;
      if (best_l < 0) return;
      const int need = v.required_resources[k * L + best_l];
      if (need <= 0) return;
      const double snr = snr_lin[k * L + best_l], threshold = ws.option_threshold[k * L + best_l];
      const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
      double* row = ws.slot_cost + static_cast<size_t>(k * L + best_l) * T;
      int* plan = ws.chosen_sc + k * T;
      const double* cache = ws.cost_cache + static_cast<size_t>(k * L + best_l) * T;
      for (int t = 0; t < deadline; ++t) row[t] = cache[t];
      int taken = 0;
      for (int pass = 0; pass < 2; ++pass)
        for (int t = 0; t < deadline && taken < need; ++t)
          if (pass == 0 ? row[t] < threshold : row[t] == threshold) {
            row[t] = -1.0;
            ++taken;
          }
      for (int t = 0; t < deadline; ++t)
        if (row[t] == -1.0)
          bound_slot_cost_live(v, snr, k, t, ws.lambda, ws.nu, budget_w, ws.slot_priced, ws.best_sc, plan + t);
    });
    team.sync();
    // Phase 3: the projected subgradient (zero where the multiplier is 0 and the constraint slack).
    // Items: (n, t) of the live slots (multiplier n·T + t), then the live slots.
    team.for_each(N * TL + TL, [&](int item) {
      if (item < N * TL) {
        const int n = item / TL, t = item % TL;
        ws.grad_lambda[n * T + t] = c1_subgradient(v, ws.chosen_sc, ws.lambda[n * T + t], n, t);
      } else {
        const int t = item - N * TL;
        ws.grad_nu[t] = budget_subgradient(v, snr_lin, ws.chosen_sc, ws.ue_option, budget_w, ws.nu[t], t);
      }
    });
    team.sync();
    chunked_sums(
        team, 1, N * TL + TL,
        [&](int, int j) {
          const double g = j < N * TL ? ws.grad_lambda[(j / TL) * T + j % TL] : ws.grad_nu[j - N * TL];
          return g * g;
        },
        ws.chunk_sum, ws.scalars + kBoundNorm);
    chunked_sums(
        team, 1, N * TL, [&](int, int j) { return ws.lambda[(j / TL) * T + j % TL]; }, ws.chunk_sum,
        ws.scalars + kBoundSumLambda);
    chunked_sums(
        team, 1, TL, [&](int, int t) { return ws.nu[t]; }, ws.chunk_sum, ws.scalars + kBoundSumNu);
    // Leader: certify this iterate, keep the best, decide the step.
    if (team.leader()) {
      ws.scalars[kBoundIterations] = iteration + 1.0;
      double a = 0.0;
      int unserved = -1;
      for (int k = 0; k < K; ++k) {
        if (!(ws.ue_value[k] < HUGE_VAL)) {
          unserved = k;
          break;
        }
        a += ws.ue_value[k];
      }
      if (unserved >= 0) {
        // UE k's own constraints (C2, C7, deadline, one resource within P_max) fail at every
        // option: no solution exists, whatever the other UEs do.
        ws.scalars[kBoundStatus] = static_cast<double>(BoundStatus::Infeasible);
        ws.scalars[kBoundReasonUe] = unserved;
        ws.scalars[kBoundStop] = 1.0;
      } else {
        const double b = ws.scalars[kBoundSumLambda], c = ws.scalars[kBoundSumNu];
        const double relaxed = a - b - c;
        const double certified = lower_bound_certify(a, b, c, ws.scalars[kBoundOps]);
        if (certified > ws.scalars[kBoundBest]) {
          ws.scalars[kBoundBest] = certified;
          ws.scalars[kBoundRelaxed] = relaxed;
          ws.scalars[kBoundStall] = 0.0;
        } else if (++ws.scalars[kBoundStall] >= opt.patience) {
          ws.scalars[kBoundAlpha] *= 0.5;
          ws.scalars[kBoundStall] = 0.0;
        }
        if (ws.scalars[kBoundBest] > ws.scalars[kBoundAnchor] * (1.0 + opt.stall_tolerance)) {
          ws.scalars[kBoundAnchor] = ws.scalars[kBoundBest];
          ws.scalars[kBoundAnchorIterations] = iteration + 1.0;
        }
        const double norm = ws.scalars[kBoundNorm];
        // Without an upper bound: 1.05 times the best L so far, capped at twice the largest power any
        // solution can have (so that a growing L can pass it and prove infeasibility).
        double target = ws.scalars[kBoundTarget];
        if (!(ws.scalars[kBoundUpper] < HUGE_VAL) && ws.scalars[kBoundRelaxed] > 0.0)
          target = fmin(target, 1.05 * ws.scalars[kBoundRelaxed]);
        if (ws.scalars[kBoundBest] > budget_w * ws.scalars[kBoundUsableSlots] * (1.0 + 1e-6)) {
          // Every solution spends at most P_max in each slot it uses (a margin far above rounding).
          ws.scalars[kBoundStatus] = static_cast<double>(BoundStatus::Infeasible);
          ws.scalars[kBoundStop] = 1.0;
        } else if (norm == 0.0) {
          // The relaxed plan meets C1 and the budget and is complementary: it is optimal.
          ws.scalars[kBoundStatus] = static_cast<double>(BoundStatus::Optimal);
          ws.scalars[kBoundStop] = 1.0;
        } else if (ws.scalars[kBoundBest] >= ws.scalars[kBoundUpper] * (1.0 - opt.gap_tolerance) ||
                   !(target > relaxed)) {
          ws.scalars[kBoundStop] = 1.0;
        } else if (opt.stall_iterations > 0 &&
                   iteration + 1.0 - ws.scalars[kBoundAnchorIterations] >= opt.stall_iterations) {
          ws.scalars[kBoundStop] = 1.0;  // stalled: the bound rose by at most stall_tolerance
        } else {
          ws.scalars[kBoundStep] = ws.scalars[kBoundAlpha] * (target - relaxed) / norm;
        }
      }
    }
    team.sync();
    if (ws.scalars[kBoundStop] != 0.0) break;
    // Phase 4: projected step.
    const double step = ws.scalars[kBoundStep];
    // Per live slot: its λ[·,t], whether any is positive, its ν_t, whether any of them changed.
    // The projection is a comparison (fmax is a library call on some hosts).
    team.for_each(TL, [&](int t) {
      bool priced = false, changed = false;
      for (int n = 0; n < N; ++n) {
        const double old = ws.lambda[n * T + t], next = old + step * ws.grad_lambda[n * T + t];
        ws.lambda[n * T + t] = next > 0.0 ? next : 0.0;
        priced = priced || next > 0.0;
        changed = changed || ws.lambda[n * T + t] != old;
      }
      ws.slot_priced[t] = priced ? 1.0 : 0.0;
      const double old = ws.nu[t], next = old + step * ws.grad_nu[t];
      ws.nu[t] = next > 0.0 ? next : 0.0;
      if (changed || ws.nu[t] != old) ws.slot_changed[t] = iteration + 1.0;
    });
    team.sync();
  }
  LowerBoundResult result;
  result.status = static_cast<BoundStatus>(static_cast<int>(ws.scalars[kBoundStatus]));
  result.bound_w = result.status == BoundStatus::Infeasible ? 0.0 : ws.scalars[kBoundBest];
  result.relaxed_w = ws.scalars[kBoundRelaxed];
  result.iterations = static_cast<int>(ws.scalars[kBoundIterations]);
  result.reason_ue = static_cast<int>(ws.scalars[kBoundReasonUe]);
  team.sync();  // every thread has read the scalars before a caller reuses the workspace
  return result;
}

// The sequential entry (the CPU backends).
LEOSEM_HD LowerBoundResult lower_bound_core(const InstanceView& v, const double* snr_lin, double upper_bound_w,
                                            const LowerBoundOptions& opt, LowerBoundWorkspace ws) {
  return lower_bound_team(SequentialTeam(), v, snr_lin, upper_bound_w, opt, ws);
}

}  // namespace leosem
