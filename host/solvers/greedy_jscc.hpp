// Greedy JSCC (MODEL.md §7.2, the paper's Algorithm 2), per instance, host-device.
// One compression ratio for every UE (the next larger option where it cannot reach ξ_k); all
// usable (k, n, t) sorted by gain, descending, assigned under C1/C2 until UE k holds D_k
// resources; power p = Γ_k/g (Theorem 1); then the per-slot budget is checked. The order is
// produced lazily, per UE, only as far as the assignment looks (GainLists below).
#pragma once
#include <cstddef>

#include "solvers/core_common.hpp"

namespace leosem {

// Workspace for greedy_jscc_core: the usable (k, n, t) as (key, dense index) pairs side by side,
// UE by UE (order [K*N*T] ints, key [K*N*T] doubles), the per-UE lists' bounds (ue_list [3K+1]
// ints: GainLists) and busy [K*T] bytes.
struct GreedyWorkspace {
  int* order = nullptr;
  unsigned char* busy = nullptr;
  double* key = nullptr;
  int* ue_list = nullptr;
};

LEOSEM_HD size_t greedy_ue_list_ints(int users) { return 3 * static_cast<size_t>(users) + 1; }

// Lays out a GreedyWorkspace from a carver with take_ints/take_doubles/take_bytes (with null
// bases it only counts: solvers/workspace.hpp).
template <class Carver>
LEOSEM_HD GreedyWorkspace carve_greedy_workspace(int users, int subchannels, int slots, Carver& c) {
  const size_t knt = static_cast<size_t>(users) * subchannels * slots;
  GreedyWorkspace ws;
  ws.order = c.take_ints(knt);
  ws.key = c.take_doubles(knt);
  ws.busy = c.take_bytes(static_cast<size_t>(users) * slots);
  ws.ue_list = c.take_ints(greedy_ue_list_ints(users));
  return ws;
}

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

// ---- per-UE lists, sorted lazily (what Greedy JSCC and JCRRA's starts assign from) ----
//
// The assignment in one global order (key descending, ties by dense index ascending: the heap
// sort's strict total order) only ever looks at the entries of UEs still short of D_k, and stops
// once none is. So instead of sorting all E usable entries, each UE's entries form a heap
// (heapified in O(E) together) from which they are popped only as far as that UE is looked at,
// and the K heads are merged: the same sequence of entries, in the same order, for the UEs that
// matter (default scenario: about 150 pops instead of a sort of about 4 800 entries). A popped
// entry goes to the end of its UE's segment, so the sorted part of UE k's list grows backwards
// from the segment's end and is kept for the next assignment (JCRRA's starts).
struct GainLists {
  int* first;     // [K+1] UE k's entries are key/order[first[k] .. first[k+1])
  int* heap_end;  // [K] the heap is [first[k], heap_end[k]); the sorted rest, best last
  int* taken;     // [K] entries of UE k handed out by the current assignment
};

LEOSEM_HD GainLists gain_lists(const GreedyWorkspace& ws, int users) {
  return {ws.ue_list, ws.ue_list + users + 1, ws.ue_list + 2 * users + 1};
}

// Does entry a come before entry b (key descending, then dense index ascending)?
LEOSEM_HD bool entry_before(const double* key, const int* order, int a, int b) {
  if (key[a] != key[b]) return key[a] > key[b];
  return order[a] < order[b];
}

// Sift-down in the heap at [base, base + end) whose root comes first.
LEOSEM_HD void entry_sift_down(double* key, int* order, int base, int root, int end) {
  while (2 * root + 1 < end) {
    int child = 2 * root + 1;
    if (child + 1 < end && entry_before(key, order, base + child + 1, base + child)) ++child;
    if (!entry_before(key, order, base + child, base + root)) return;
    const double k = key[base + root];
    key[base + root] = key[base + child];
    key[base + child] = k;
    const int o = order[base + root];
    order[base + root] = order[base + child];
    order[base + child] = o;
    root = child;
  }
}

// Every UE's segment made a heap again (after its keys were rewritten).
LEOSEM_HD void heapify_gain_lists(const InstanceView& v, const GreedyWorkspace& ws) {
  const GainLists lists = gain_lists(ws, v.users);
  for (int k = 0; k < v.users; ++k) {
    const int base = lists.first[k], size = lists.first[k + 1] - base;
    for (int root = size / 2 - 1; root >= 0; --root) entry_sift_down(ws.key, ws.order, base, root, size);
    lists.heap_end[k] = lists.first[k + 1];
  }
}

// Lists the usable (k, n, t) UE by UE with key = gain, and heapifies each UE's list; returns E.
LEOSEM_HD int list_usable_by_ue(const InstanceView& v, const GreedyWorkspace& ws) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  const GainLists lists = gain_lists(ws, K);
  int count = 0;
  for (int k = 0; k < K; ++k) {
    lists.first[k] = count;
    const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
    for (int n = 0; n < N; ++n) {
      const double* g = v.gain_per_watt + (k * N + n) * T;
      for (int t = 0; t < deadline; ++t)
        if (g[t] > 0.0) {
          ws.key[count] = g[t];
          ws.order[count] = (k * N + n) * T + t;
          ++count;
        }
    }
  }
  lists.first[K] = count;
  heapify_gain_lists(v, ws);
  return count;
}

// The position (in key/order) of UE k's j-th entry (j < its count), popping its heap as needed.
LEOSEM_HD int gain_list_entry(const GreedyWorkspace& ws, const GainLists& lists, int k, int j) {
  const int base = lists.first[k], last = lists.first[k + 1];
  while (last - lists.heap_end[k] <= j) {  // pop the heap's root to the end of the heap
    const int size = lists.heap_end[k] - base;
    const double key = ws.key[base];
    ws.key[base] = ws.key[base + size - 1];
    ws.key[base + size - 1] = key;
    const int o = ws.order[base];
    ws.order[base] = ws.order[base + size - 1];
    ws.order[base + size - 1] = o;
    entry_sift_down(ws.key, ws.order, base, 0, size - 1);
    --lists.heap_end[k];
  }
  return last - 1 - j;
}

// assign_in_order over the global order of the per-UE lists (list_usable_by_ue), visiting only
// the entries of UEs still short: the same assignment, the same result.
LEOSEM_HD int assign_in_gain_lists(const InstanceView& v, const double* snr_lin, const int* option,
                                   bool respect_budget, const GreedyWorkspace& ws, double* slot_power_w,
                                   SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  const GainLists lists = gain_lists(ws, K);
  for (int i = 0; i < N * T; ++i) {
    out.assigned_ue[i] = -1;
    out.power_w[i] = 0.0;
  }
  for (int i = 0; i < K * T; ++i) ws.busy[i] = 0;
  for (int t = 0; t < T; ++t) slot_power_w[t] = 0.0;
  for (int k = 0; k < K; ++k) {
    out.resources[k] = 0;
    lists.taken[k] = 0;
  }
  for (;;) {
    // The next entry in the global order among the short UEs' heads.
    int best = -1, best_k = -1;
    for (int k = 0; k < K; ++k) {
      if (out.resources[k] >= v.required_resources[k * L + option[k]]) continue;
      if (lists.taken[k] >= lists.first[k + 1] - lists.first[k]) continue;
      const int at = gain_list_entry(ws, lists, k, lists.taken[k]);
      if (best < 0 || entry_before(ws.key, ws.order, at, best)) {
        best = at;
        best_k = k;
      }
    }
    if (best < 0) break;
    ++lists.taken[best_k];
    const int idx = ws.order[best], k = best_k;
    const int t = idx % T, n = (idx / T) % N;
    if (out.assigned_ue[n * T + t] >= 0 || ws.busy[k * T + t]) continue;
    const double p_w = snr_lin[k * L + option[k]] / v.gain_per_watt[idx];
    if (respect_budget && slot_power_w[t] + p_w > v.max_power_w) continue;
    out.assigned_ue[n * T + t] = k;
    out.power_w[n * T + t] = p_w;
    slot_power_w[t] += p_w;
    ws.busy[k * T + t] = 1;
    ++out.resources[k];
  }
  for (int k = 0; k < K; ++k)
    if (out.resources[k] < v.required_resources[k * L + option[k]]) return k;
  return -1;
}

// slot_power_w: [T] doubles of scratch.
LEOSEM_HD CoreResult greedy_jscc_core(const InstanceView& v, const double* snr_lin, int base_option,
                                      GreedyWorkspace ws, double* slot_power_w, SolutionBuffers out) {
  for (int k = 0; k < v.users; ++k) {
    out.option[k] = greedy_option(v, snr_lin, k, base_option);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  list_usable_by_ue(v, ws);
  // The paper's greedy does not look at the budget while assigning; it is checked afterwards.
  const int short_ue = assign_in_gain_lists(v, snr_lin, out.option, false, ws, slot_power_w, out);
  if (short_ue >= 0) return core_fail(FailReason::NotEnoughResources, short_ue, -1);
  return greedy_result(v, out);
}

}  // namespace leosem
