// Greedy JSCC (MODEL.md §7.2, the paper's Algorithm 2), per instance, host-device.
// One compression ratio for every UE (the next larger option where it cannot reach ξ_k); all
// usable (k, n, t) sorted by gain, descending, assigned under C1/C2 until UE k holds D_k
// resources; power p = Γ_k/g (Theorem 1); then the per-slot budget is checked.
#pragma once
#include "solvers/core_common.hpp"

namespace leosem {

// Workspace for greedy_jscc_core: order [K*N*T] ints, busy [K*T] bytes, key [K*N*T] doubles.
struct GreedyWorkspace {
  int* order = nullptr;
  unsigned char* busy = nullptr;
  double* key = nullptr;
};

// The smallest reachable option l >= base_option for UE k, or -1.
LEOSEM_HD int greedy_option(const InstanceView& v, const double* snr_lin, int k, int base_option) {
  for (int l = base_option; l < v.options; ++l)
    if (snr_lin[k * v.options + l] >= 0.0) return l;
  return -1;
}

// Assigns resources for fixed options in the order given by `order[0..count)` (indices into
// (k, n, t)), under C1, C2, deadlines and, when `respect_budget`, the per-slot budget; fills
// out.assigned_ue / power_w / resources. Returns the first UE left short of D_k, or -1.
LEOSEM_HD int assign_in_order(const InstanceView& v, const double* snr_lin, const int* option,
                              const int* order, int count, bool respect_budget, unsigned char* busy,
                              double* slot_power_w, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  for (int i = 0; i < N * T; ++i) {
    out.assigned_ue[i] = -1;
    out.power_w[i] = 0.0;
  }
  for (int i = 0; i < K * T; ++i) busy[i] = 0;
  for (int t = 0; t < T; ++t) slot_power_w[t] = 0.0;
  int short_ues = 0;
  for (int k = 0; k < K; ++k) {
    out.resources[k] = 0;
    if (v.required_resources[k * L + option[k]] > 0) ++short_ues;
  }
  for (int i = 0; i < count && short_ues > 0; ++i) {
    const int idx = order[i];
    const int t = idx % T;
    const int n = (idx / T) % N;
    const int k = idx / (T * N);
    const int need = v.required_resources[k * L + option[k]];
    if (out.resources[k] >= need) continue;
    if (out.assigned_ue[n * T + t] >= 0 || busy[k * T + t]) continue;
    const double p_w = snr_lin[k * L + option[k]] / v.gain_per_watt[idx];
    if (respect_budget && slot_power_w[t] + p_w > v.max_power_w) continue;
    out.assigned_ue[n * T + t] = k;
    out.power_w[n * T + t] = p_w;
    slot_power_w[t] += p_w;
    busy[k * T + t] = 1;
    if (++out.resources[k] == need) --short_ues;
  }
  for (int k = 0; k < K; ++k)
    if (out.resources[k] < v.required_resources[k * L + option[k]]) return k;
  return -1;
}

// Lists the usable (k, n, t) into order[] and returns how many; key[idx] = gain.
LEOSEM_HD int list_usable_by_gain(const InstanceView& v, int* order, double* key) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  int count = 0;
  for (int k = 0; k < K; ++k)
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < T; ++t) {
        const int idx = (k * N + n) * T + t;
        key[idx] = v.gain_per_watt[idx];
        if (usable(v, k, n, t)) order[count++] = idx;
      }
  heap_sort_descending(order, count, key);
  return count;
}

// slot_power_w: [T] doubles of scratch.
LEOSEM_HD CoreResult greedy_jscc_core(const InstanceView& v, const double* snr_lin, int base_option,
                                      GreedyWorkspace ws, double* slot_power_w, SolutionBuffers out) {
  for (int k = 0; k < v.users; ++k) {
    out.option[k] = greedy_option(v, snr_lin, k, base_option);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  const int count = list_usable_by_gain(v, ws.order, ws.key);
  // The paper's greedy does not look at the budget while assigning; it is checked afterwards.
  const int short_ue = assign_in_order(v, snr_lin, out.option, ws.order, count, false, ws.busy,
                                       slot_power_w, out);
  if (short_ue >= 0) return core_fail(FailReason::NotEnoughResources, short_ue, -1);
  const int bad_slot = first_slot_over_budget(v, out);
  if (bad_slot >= 0) return core_fail(FailReason::SlotBudget, -1, bad_slot);
  CoreResult r;
  r.feasible = true;
  for (int i = 0; i < v.subchannels * v.slots; ++i) r.total_power_w += out.power_w[i];
  r.iterations = 1;
  return r;
}

}  // namespace leosem
