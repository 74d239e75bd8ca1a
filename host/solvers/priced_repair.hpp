// Priced repair: JCRRA's fallback when its own starts, roundings and repairs end without a
// feasible point (issue 18 item 6: where the per-slot budget binds). It uses the Lagrangian
// bound's machinery (solvers/lower_bound.hpp, docs/jcrra.md "Priced repair"): multipliers λ on
// C1 (each (n, t) to one UE) and ν_t on the per-slot budget, the per-UE priced plan (per option
// the D_kl slots cheapest under the reduced cost p(1 + ν_t/P_max) + λ[n,t], the best option),
// and a projected subgradient step. Each iteration builds a candidate from the prices: the UEs in
// priority order (deadline, then need; a UE that could not be placed moves to the front), each
// taking at its priced option (then its other options by priced value) the cheapest slots under
// the reduced cost among the free SCs whose power fits the slot's remaining budget. The first
// complete candidate is polished by JCRRA's best-response repair (with pair moves).
// Host-device team code: the pricing and construction run on the leader (it runs only where
// JCRRA failed), the repair's scans over the team. No allocation: it reuses JCRRA's workspace,
// whose relaxed-solve and start buffers are free once JCRRA has returned.
// Included from the end of jcrra.hpp, which declares priced_fallback before jcrra_team calls it.
#pragma once
#include <cmath>

#include "solvers/jcrra_rounding.hpp"
#include "solvers/jcrra_state.hpp"
#include "solvers/lower_bound.hpp"

namespace leosem {

// Iterations of pricing + construction before giving up.
inline constexpr int kPricedRepairIterations = 100;

// The priced cost row of UE k at required SNR `snr`, restricted to what a candidate leaves: per
// slot before the deadline the cheapest free SC whose power fits the slot's remaining budget and
// that k does not already use (C2), +inf where none. `free_only` false: the unrestricted plan
// (bound_slot_cost). SCs in sc[t].
LEOSEM_HD void priced_row(const InstanceView& v, double snr, int k, const double* lambda, const double* nu,
                          double budget_w, const SolutionBuffers& cand, const double* load_w, bool free_only,
                          double* row, int* sc) {
  const int N = v.subchannels, T = v.slots;
  const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
  for (int t = 0; t < T; ++t) {
    row[t] = HUGE_VAL;
    sc[t] = -1;
    if (t >= deadline) continue;
    if (!free_only) {
      row[t] = bound_slot_cost(v, snr, k, t, lambda, nu, budget_w, &sc[t]);
      continue;
    }
    const double scale = 1.0 + nu[t] / budget_w;
    for (int n = 0; n < N; ++n) {
      const int r = n * T + t;
      if (cand.assigned_ue[r] >= 0) continue;
      const double g = v.gain_per_watt[(k * N + n) * T + t];
      if (!(g > 0.0)) continue;
      const double p = snr / g;
      if (load_w[t] + p > v.max_power_w) continue;  // the strict budget (as best_response)
      const double cost = p * scale + lambda[r];
      if (cost < row[t]) {
        row[t] = cost;
        sc[t] = n;
      }
    }
  }
}

// The sum of the `need` smallest finite values of row[0..T) and the need-th smallest (in
// *threshold), or +inf if fewer are finite. `scratch`: T doubles.
LEOSEM_HD double priced_cheapest(const double* row, int T, int need, double* scratch, double* threshold) {
  int finite = 0;
  for (int t = 0; t < T; ++t)
    if (row[t] < HUGE_VAL) scratch[finite++] = row[t];
  *threshold = -HUGE_VAL;
  if (need <= 0) return 0.0;
  if (finite < need) return HUGE_VAL;
  select_smallest(scratch, finite, need - 1);
  double sum = 0.0;
  for (int i = 0; i < need; ++i) {
    sum += scratch[i];
    *threshold = fmax(*threshold, scratch[i]);
  }
  return sum;
}

// Takes for UE k at option l the `need` cheapest slots of `row` (below the threshold, then equal
// to it in slot order) into the candidate; updates the slot loads. Slots over -1 SC are skipped.
LEOSEM_HD void priced_take(const InstanceView& v, const double* snr_lin, int k, int l, const double* row, const int* sc,
                           double threshold, SolutionBuffers cand, double* load_w) {
  const int N = v.subchannels, T = v.slots, L = v.options;
  const int need = v.required_resources[k * L + l];
  int taken = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (int t = 0; t < T && taken < need; ++t) {
      if (sc[t] < 0 || !(pass == 0 ? row[t] < threshold : row[t] == threshold)) continue;
      const int r = sc[t] * T + t;
      if (cand.assigned_ue[r] >= 0) continue;  // taken in pass 0 (cannot happen: one SC per slot)
      const double p = snr_lin[k * L + l] / v.gain_per_watt[(k * N + sc[t]) * T + t];
      cand.assigned_ue[r] = k;
      cand.power_w[r] = p;
      load_w[t] += p;
      ++taken;
    }
  cand.option[k] = l;
  cand.resources[k] = taken;
}

// Scratch carved from JCRRA's workspace (free after jcrra_team_in): null lambda if too small.
struct PricedScratch {
  double* lambda = nullptr;  // [N*T]
  double* nu = nullptr;      // [T]
  double* row = nullptr;     // [T]
  double* sorted = nullptr;  // [T]
  double* load_w = nullptr;  // [T]
  double* grad = nullptr;    // [N*T + T]
  int* sc = nullptr;         // [T]
  int* plan_sc = nullptr;    // [K*T] the unrestricted priced plan's SC per (UE, slot), -1 if none
  int* plan_option = nullptr;  // [K]
  int* order = nullptr;        // [K] construction priority
};

LEOSEM_HD PricedScratch carve_priced_scratch(const InstanceView& v, const JcrraWorkspace& ws) {
  const long K = v.users, N = v.subchannels, T = v.slots;
  PricedScratch s;
  // Doubles from `cost` ([K*N*T], global memory on the device), ints from the start's order list.
  if (2 * N * T + 5 * T > K * N * T || K * T + T + 2 * K > K * N * T || ws.cost == nullptr ||
      ws.greedy.order == nullptr)
    return s;
  double* d = ws.cost;
  s.lambda = d;
  s.grad = d + N * T;
  s.nu = d + 2 * N * T + T;
  s.row = s.nu + T;
  s.sorted = s.row + T;
  s.load_w = s.sorted + T;
  int* i = ws.greedy.order;
  s.sc = i;
  s.plan_sc = i + T;
  s.plan_option = s.plan_sc + K * T;
  s.order = s.plan_option + K;
  return s;
}

// Leader: the priced plan of every UE (plan_option, plan_sc) and its Lagrangian value; returns
// the value L(λ, ν) (relaxed, not certified: only the step uses it).
LEOSEM_HD double priced_plans(const InstanceView& v, const double* snr_lin, PricedScratch s, double budget_w,
                              const SolutionBuffers& cand) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  double value = 0.0;
  for (int k = 0; k < K; ++k) {
    double best = HUGE_VAL, best_threshold = 0.0;
    int best_l = -1;
    for (int l = 0; l < L; ++l) {
      if (snr_lin[k * L + l] < 0.0) continue;
      priced_row(v, snr_lin[k * L + l], k, s.lambda, s.nu, budget_w, cand, s.load_w, false, s.row, s.sc);
      double threshold;
      const double sum = priced_cheapest(s.row, T, v.required_resources[k * L + l], s.sorted, &threshold);
      if (sum < best) {
        best = sum;
        best_l = l;
        best_threshold = threshold;
      }
    }
    s.plan_option[k] = best_l;
    for (int t = 0; t < T; ++t) s.plan_sc[k * T + t] = -1;
    if (best_l < 0) continue;
    value += best;
    priced_row(v, snr_lin[k * L + best_l], k, s.lambda, s.nu, budget_w, cand, s.load_w, false, s.row, s.sc);
    const int need = v.required_resources[k * L + best_l];
    int taken = 0;
    for (int pass = 0; pass < 2; ++pass)
      for (int t = 0; t < T && taken < need; ++t)
        if (s.sc[t] >= 0 && (pass == 0 ? s.row[t] < best_threshold : s.row[t] == best_threshold)) {
          s.plan_sc[k * T + t] = s.sc[t];
          ++taken;
        }
  }
  for (int r = 0; r < N * T; ++r) value -= s.lambda[r];
  for (int t = 0; t < T; ++t) value -= s.nu[t];
  return value;
}

// Leader: a candidate from the current prices, UEs in s.order (or, `dynamic`, the least slack
// first); returns -1 if complete, else the UE that could not be placed.
LEOSEM_HD int priced_construct(const InstanceView& v, const double* snr_lin, PricedScratch s, double budget_w,
                               bool dynamic, SolutionBuffers cand) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  for (int r = 0; r < N * T; ++r) {
    cand.assigned_ue[r] = -1;
    cand.power_w[r] = 0.0;
  }
  for (int k = 0; k < K; ++k) {
    cand.option[k] = -1;
    cand.resources[k] = 0;
  }
  for (int t = 0; t < T; ++t) s.load_w[t] = 0.0;
  for (int i = 0; i < K; ++i) {
    int k = s.order[i];
    if (dynamic) {
      // The unplaced UE with the least slack (usable slots that fit, minus the need, at its best
      // option) first: the most constrained one, as the candidate fills up.
      int best_slack = 0x7fffffff;
      for (int j = 0; j < K; ++j) {
        const int u = s.order[j];
        if (cand.option[u] >= 0) continue;
        int slack = -0x7fffffff;
        for (int l = 0; l < L; ++l) {
          if (snr_lin[u * L + l] < 0.0) continue;
          priced_row(v, snr_lin[u * L + l], u, s.lambda, s.nu, budget_w, cand, s.load_w, true, s.row, s.sc);
          int fit = 0;
          for (int t = 0; t < T; ++t) fit += s.sc[t] >= 0;
          const int d = fit - v.required_resources[u * L + l];
          slack = d > slack ? d : slack;
        }
        if (slack < best_slack) {
          best_slack = slack;
          k = u;
        }
      }
    }
    // The priced option first, then the others by their priced value (best first) until one fits.
    bool placed = false;
    double last = -HUGE_VAL;
    int last_l = -1;
    for (int attempt = 0; attempt <= L && !placed; ++attempt) {
      double best = HUGE_VAL, best_threshold = 0.0;
      int best_l = -1;
      for (int l = 0; l < L; ++l) {
        if (snr_lin[k * L + l] < 0.0) continue;
        priced_row(v, snr_lin[k * L + l], k, s.lambda, s.nu, budget_w, cand, s.load_w, true, s.row, s.sc);
        double threshold;
        const double sum = priced_cheapest(s.row, T, v.required_resources[k * L + l], s.sorted, &threshold);
        if (!(sum < HUGE_VAL)) continue;
        // attempt 0: the plan's option if it fits; later: the cheapest not yet tried (by value).
        const bool preferred = attempt == 0 && l == s.plan_option[k];
        const bool later = attempt > 0 && (sum > last || (sum == last && l > last_l));
        if (preferred || (later && sum < best)) {
          best = sum;
          best_l = l;
          best_threshold = threshold;
          if (preferred) break;
        }
      }
      if (best_l < 0) continue;
      last = best;
      last_l = best_l;
      priced_row(v, snr_lin[k * L + best_l], k, s.lambda, s.nu, budget_w, cand, s.load_w, true, s.row, s.sc);
      priced_take(v, snr_lin, k, best_l, s.row, s.sc, best_threshold, cand, s.load_w);
      placed = true;
    }
    if (!placed) return k;
  }
  return -1;
}

// Leader: one projected subgradient step on (λ, ν) from the plans (Polyak step toward 1.05×|L|,
// at least a small absolute target, so the prices move even at L = 0).
LEOSEM_HD void priced_step(const InstanceView& v, const double* snr_lin, PricedScratch s, double budget_w,
                           double value, double alpha) {
  const int N = v.subchannels, T = v.slots;
  double norm = 0.0;
  for (int r = 0; r < N * T; ++r) {
    const double g = c1_subgradient(v, s.plan_sc, s.lambda[r], r / T, r % T);
    s.grad[r] = g;
    norm += g * g;
  }
  for (int t = 0; t < T; ++t) {
    const double g = budget_subgradient(v, snr_lin, s.plan_sc, s.plan_option, budget_w, s.nu[t], t);
    s.grad[N * T + t] = g;
    norm += g * g;
  }
  if (!(norm > 0.0)) return;
  const double gap = fmax(0.05 * fabs(value), 1e-3 * budget_w);
  const double step = alpha * gap / norm;
  for (int r = 0; r < N * T; ++r) s.lambda[r] = fmax(0.0, s.lambda[r] + step * s.grad[r]);
  for (int t = 0; t < T; ++t) s.nu[t] = fmax(0.0, s.nu[t] + step * s.grad[N * T + t]);
}

// JCRRA's fallback (called where jcrra_team returns): `result` is JCRRA's (meaningful on the
// leader). Where it is infeasible for a reason other than an unreachable quality, tries the
// priced repair; returns the better outcome (on the leader; `out` holds the solution).
template <class Team>
LEOSEM_HD CoreResult priced_fallback(const Team& team, const InstanceView& v, const double* snr_lin,
                                     const JcrraOptions& opt, JcrraWorkspace ws, SolutionBuffers out,
                                     CoreResult result) {
  const PricedScratch s = carve_priced_scratch(v, ws);
  if (team.leader())
    ws.scalars[kResponse] =
        !result.feasible && result.reason != FailReason::QualityUnreachable && s.lambda != nullptr ? 1.0 : 0.0;
  team.sync();
  const bool run = ws.scalars[kResponse] != 0.0;
  team.sync();  // read by all before anyone writes kResponse again
  if (!run) return result;
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const double budget_w = bound_budget_w(v);
  if (team.leader()) {
    for (int r = 0; r < N * T; ++r) s.lambda[r] = 0.0;
    for (int t = 0; t < T; ++t) s.nu[t] = 0.0;
    // Priority: earliest deadline, then the most resources needed at the smallest option.
    for (int k = 0; k < K; ++k) s.order[k] = k;
    for (int a = 1; a < K; ++a)
      for (int b = a; b > 0; --b) {
        const int x = s.order[b - 1], y = s.order[b];
        const bool swap = v.deadline_slots[y] < v.deadline_slots[x] ||
                          (v.deadline_slots[y] == v.deadline_slots[x] &&
                           v.required_resources[y * L] > v.required_resources[x * L]);
        if (!swap) break;
        s.order[b - 1] = y;
        s.order[b] = x;
      }
    bool found = false;
    double alpha = 1.0;
    for (int it = 0; it < kPricedRepairIterations && !found; ++it) {
      const double value = priced_plans(v, snr_lin, s, budget_w, ws.candidate);
      bool alone = true;  // a UE without D usable slots at every option: proven infeasible
      for (int k = 0; k < K; ++k) alone = alone && s.plan_option[k] >= 0;
      if (!alone) break;
      // Alternately: the priority order, and the most constrained UE first.
      const int failed = priced_construct(v, snr_lin, s, budget_w, it % 2 == 1, ws.candidate);
      if (failed < 0) {
        found = true;
        break;
      }
      // The UE left out goes first next time; the prices move toward the relaxed optimum.
      int at = 0;
      while (s.order[at] != failed) ++at;
      for (; at > 0; --at) s.order[at] = s.order[at - 1];
      s.order[0] = failed;
      priced_step(v, snr_lin, s, budget_w, value, alpha);
      if ((it + 1) % 20 == 0) alpha *= 0.7;
    }
    if (found) copy_solution(v, ws.candidate, out);
    ws.scalars[kResponse] = found ? 1.0 : 0.0;
  }
  team.sync();
  const bool found = ws.scalars[kResponse] != 0.0;
  team.sync();
  if (!found) return result;
  // The candidate's scratch (cost, greedy.order) is not used by the repair.
  repair_by_best_response(team, v, snr_lin, out, ws, opt.repair_passes, true);
  CoreResult fixed;
  fixed.feasible = true;
  fixed.total_power_w = total_power(v, out);
  fixed.iterations = result.iterations;
  return team.leader() ? fixed : result;
}

}  // namespace leosem

