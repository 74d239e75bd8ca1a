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

// Workspace: GreedyWorkspace plus gains [T] and resource ids [T] for one UE at a time.
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

LEOSEM_HD CoreResult greedy_jpeg_core(const InstanceView& v, const JpegTableView& table, JpegWorkspace ws,
                                      double* slot_power_w, SolutionBuffers out) {
  const int K = v.users, N = v.subchannels, T = v.slots;
  for (int k = 0; k < K; ++k) {
    out.option[k] = jpeg_lowest_quality_index(table, v.ssim_requirement[k]);
    if (out.option[k] < 0) return core_fail(FailReason::QualityUnreachable, k, -1);
  }
  const int count = list_usable_by_gain(v, ws.greedy.order, ws.greedy.key);
  for (int i = 0; i < N * T; ++i) {
    out.assigned_ue[i] = -1;
    out.power_w[i] = 0.0;
  }
  for (int i = 0; i < K * T; ++i) ws.greedy.busy[i] = 0;
  for (int i = 0; i < count; ++i) {
    const int idx = ws.greedy.order[i];
    const int t = idx % T, n = (idx / T) % N, k = idx / (T * N);
    if (out.assigned_ue[n * T + t] >= 0 || ws.greedy.busy[k * T + t]) continue;
    out.assigned_ue[n * T + t] = k;
    ws.greedy.busy[k * T + t] = 1;
  }
  // Water-filling per UE over its resources, taken in the (gain-descending) association order.
  for (int k = 0; k < K; ++k) {
    int held = 0;
    for (int i = 0; i < count; ++i) {
      const int idx = ws.greedy.order[i];
      const int t = idx % T, n = (idx / T) % N;
      if (idx / (T * N) != k || out.assigned_ue[n * T + t] != k) continue;
      ws.ue_gain[held] = v.gain_per_watt[idx];
      ws.ue_resource[held] = n * T + t;
      ++held;
    }
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
  const int bad_slot = first_slot_over_budget(v, out);
  if (bad_slot >= 0) return core_fail(FailReason::SlotBudget, -1, bad_slot);
  (void)slot_power_w;
  CoreResult r;
  r.feasible = true;
  for (int i = 0; i < N * T; ++i) r.total_power_w += out.power_w[i];
  r.iterations = 1;
  return r;
}

}  // namespace leosem
