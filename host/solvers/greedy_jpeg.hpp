// Greedy JPEG with water-filling (MODEL.md §7.3, the paper's Algorithm 3), host-device.
// Per UE the lowest JPEG quality with SSIM >= ξ_k fixes a bit demand |I_k|·bits(q). Every
// usable resource goes, by gain descending, to the best-gain eligible UE (C1, C2, deadline).
// Then per UE minimum-power water-filling over its resources: rate B_sc·τ·log2(1 + p·g) bits
// per resource, p_j = (μ − 1/g_j)⁺ with μ set so the bits are met exactly. The per-slot budget
// is checked afterwards. Only resources with p > 0 are reported as used.
#pragma once
#include "quality/jpeg_table.hpp"
#include "solvers/greedy_jscc.hpp"

namespace leosem {

// Workspace: GreedyWorkspace (its key [K*N] as scratch for one slot at a time) plus gains [T]
// and resource ids [T] for one UE at a time.
struct JpegWorkspace {
  GreedyWorkspace greedy;
  double* ue_gain = nullptr;  // [T]
  int* ue_resource = nullptr; // [T]
};

// Minimum-power water-filling: gains sorted descending, `count` of them, `bits_per_symbol`
// = demanded bits / (B_sc·τ). Returns μ and sets *active (how many get power).
LEOSEM_HD double water_level(const double* gain_desc, int count, double bits_per_symbol, int* active) {
  double log2_gain_sum = 0.0;
  for (int m = 1; m <= count; ++m) {
    log2_gain_sum += log2(gain_desc[m - 1]);
    // With the m best resources active: Σ log2(μ g_j) = bits → log2 μ = (bits − Σ log2 g)/m.
    const double log2_mu = (bits_per_symbol - log2_gain_sum) / m;
    // The right m is the first for which the next resource would get no power: μ <= 1/g_{m+1}.
    if (m == count || log2_mu <= -log2(gain_desc[m])) {
      *active = m;
      return exp2(log2_mu);
    }
  }
  *active = 0;
  return 0.0;
}

// key/order[0..count) sorted by entry_before (key descending, then order ascending): heap sort.
LEOSEM_HD void sort_entries_descending(double* key, int* order, int count) {
  for (int root = count / 2 - 1; root >= 0; --root) entry_sift_down(key, order, 0, root, count);
  for (int end = count - 1; end > 0; --end) {  // the first-coming root to the end: ascending
    const double k = key[0];
    key[0] = key[end];
    key[end] = k;
    const int o = order[0];
    order[0] = order[end];
    order[end] = o;
    entry_sift_down(key, order, 0, 0, end);
  }
  for (int i = 0, j = count - 1; i < j; ++i, --j) {
    const double k = key[i];
    key[i] = key[j];
    key[j] = k;
    const int o = order[i];
    order[i] = order[j];
    order[j] = o;
  }
}

LEOSEM_HD CoreResult greedy_jpeg_core(const InstanceView& v, const JpegTableView& table, JpegWorkspace ws,
                                      double* slot_power_w, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  for (int k = 0; k < K; ++k) {
    out.option[k] = jpeg_lowest_quality_index(table, v.ssim_requirement[k]);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  for (int i = 0; i < N * T; ++i) {
    out.assigned_ue[i] = -1;
    out.power_w[i] = 0.0;
  }
  // Association. In the global gain order an entry is taken iff its resource and its UE's slot
  // are still free; both are per slot, so each slot is decided alone: repeatedly its best
  // remaining entry (gain descending, then dense index: the heap sort's order; within a slot the
  // index orders as k·N + n, the scan's order, so the first of equal gains wins), whose UE and
  // SC then leave the slot. The same association as walking the whole sorted list.
  // The slot's gains sit in a [K*N] array, zeroed where unusable and as UEs and SCs leave the
  // slot, so each pick is a plain scan for the largest.
  double* gain = ws.greedy.key;  // [K*N]
  int live_slots = 0;
  for (int k = 0; k < K; ++k) live_slots = v.deadline_slots[k] > live_slots ? v.deadline_slots[k] : live_slots;
  live_slots = live_slots < T ? live_slots : T;
  for (int t = 0; t < live_slots; ++t) {
    int in_time = 0;
    for (int k = 0; k < K; ++k) {
      const bool usable_k = t < v.deadline_slots[k];
      in_time += usable_k;
      for (int n = 0; n < N; ++n) gain[k * N + n] = usable_k ? v.gain_per_watt[(k * N + n) * T + t] : 0.0;
    }
    for (int picks = in_time < N ? in_time : N; picks > 0; --picks) {
      double best_gain = 0.0;
      int best = -1;
      for (int i = 0; i < K * N; ++i)
        if (gain[i] > best_gain) {  // strict: the first of equal gains, as the index orders them
          best_gain = gain[i];
          best = i;
        }
      if (best < 0) break;
      const int k = best / N, n = best % N;
      out.assigned_ue[n * T + t] = k;
      for (int j = 0; j < N; ++j) gain[k * N + j] = 0.0;  // the UE leaves the slot (C2)
      for (int j = 0; j < K; ++j) gain[j * N + n] = 0.0;  // and so does the SC (C1)
    }
  }
  // Water-filling per UE over its resources, taken in the association's (gain-descending) order.
  for (int k = 0; k < K; ++k) {
    int held = 0;
    const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < deadline; ++t)
        if (out.assigned_ue[n * T + t] == k) {
          ws.ue_gain[held] = v.gain_per_watt[(k * N + n) * T + t];
          ws.ue_resource[held++] = n * T + t;
        }
    sort_entries_descending(ws.ue_gain, ws.ue_resource, held);  // ties: n·T + t, as the dense index
    const double bits = v.images[k] * table.bits_per_image[out.option[k]];
    int active = 0;
    double mu = 0.0;
    if (bits > 0.0) {
      if (held == 0) return core_fail(FailReason::NoResource, k, -1);
      mu = water_level(ws.ue_gain, held, bits / v.symbols_per_resource, &active);
    }
    for (int j = 0; j < held; ++j) {
      const int r = ws.ue_resource[j];
      if (j < active) {
        out.power_w[r] = mu - 1.0 / ws.ue_gain[j];
      } else {
        out.assigned_ue[r] = -1;  // associated but given no power: not used
        out.power_w[r] = 0.0;
      }
    }
    out.resources[k] = active;
  }
  (void)slot_power_w;
  return greedy_result(v, out);
}

}  // namespace leosem
