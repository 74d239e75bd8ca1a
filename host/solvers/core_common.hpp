// What the per-instance (host-device) solver cores share: a POD view of one instance, the
// per-(UE, option) required SNR table, output buffers, failure codes and the order of the sorts.
// Nothing here allocates, throws or uses std containers, so CUDA kernels can call it later.
#pragma once
#include <cmath>

#include "core/hostdev.hpp"
#include "quality/quality_model.hpp"

namespace leosem {

// One instance, non-owning. Layouts as Instance: gain[(k*N + n)*T + t], required[k*L + l].
struct InstanceView {
  int users = 0, subchannels = 0, slots = 0, options = 0;  // K, N, T, L
  const double* gain_per_watt = nullptr;    // SNR per watt; 0 = unusable
  const int* deadline_slots = nullptr;      // T_k: UE k may use slots t < T_k
  const int* required_resources = nullptr;  // D_k(ρ_l)
  const double* images = nullptr;           // |I_k|
  const double* ssim_requirement = nullptr; // ξ_k
  const double* compression_ratios = nullptr;  // ρ_l, ascending
  double max_power_w = 0.0;                 // per-slot budget P_max
  double symbols_per_resource = 0.0;        // B_sc·τ
};

// Output of a core, per instance: filled in caller-owned arrays.
struct SolutionBuffers {
  int* option = nullptr;       // [K]
  int* resources = nullptr;    // [K]
  int* assigned_ue = nullptr;  // [N*T], resource index n*T + t; -1 = unused
  double* power_w = nullptr;   // [N*T]
};

// Why a core found no solution. Codes, so that device code can report them.
enum class FailReason : int {
  None = 0,
  QualityUnreachable = 1,  // ξ_k above what any option reaches (JSCC) / any JPEG quality (JPEG)
  NotEnoughResources = 2,  // UE k could not get D_k usable resources before its deadline
  SlotBudget = 3,          // the per-slot power budget P_max is exceeded in slot t
  NoResource = 4,          // JPEG: UE k has bits to send but no usable resource
};

struct CoreResult {
  bool feasible = false;
  FailReason reason = FailReason::None;
  int reason_ue = -1;    // the UE concerned, or -1
  int reason_slot = -1;  // the slot concerned, or -1
  double total_power_w = 0.0;
  int iterations = 0;
};

LEOSEM_HD CoreResult core_fail(FailReason reason, int ue, int slot) {
  CoreResult r;
  r.feasible = false;
  r.reason = reason;
  r.reason_ue = ue;
  r.reason_slot = slot;
  return r;
}

// Required linear SNR Γ(ξ_k; ρ_l) for every (k, l): snr_lin[k*L + l], or -1 when unreachable.
// Γ = 0 where the model meets ξ at any SNR (then the power is 0).
LEOSEM_HD void fill_required_snr(const InstanceView& v, const QualityModel& model, double* snr_lin) {
  for (int k = 0; k < v.users; ++k)
    for (int l = 0; l < v.options; ++l) {
      const RequiredSnr r = quality_required_snr_db(model, v.ssim_requirement[k], v.compression_ratios[l]);
      double value = -1.0;
      // NaN fails every comparison; −∞ means "met at any SNR" (Γ = 0).
      if (r.reachable && r.snr_db == r.snr_db) value = (r.snr_db < -1e300) ? 0.0 : pow(10.0, r.snr_db / 10.0);
      snr_lin[k * v.options + l] = value;
    }
}

// A usable (k, n, t): inside UE k's deadline and with a non-zero gain.
LEOSEM_HD bool usable(const InstanceView& v, int k, int n, int t) {
  return t < v.deadline_slots[k] && v.gain_per_watt[(k * v.subchannels + n) * v.slots + t] > 0.0;
}

// The solvers' order of items by key: key descending, ties by index ascending (a strict total
// order, so results are deterministic on every backend and for every team).
LEOSEM_HD bool sort_before(const double* key, int a, int b) {
  // true when a must come before b (a "greater" in the descending order)
  if (key[a] != key[b]) return key[a] > key[b];
  return a < b;
}

// Sums Σ p per slot over the buffers; returns the first slot above P_max, or -1.
LEOSEM_HD int first_slot_over_budget(const InstanceView& v, const SolutionBuffers& out) {
  for (int t = 0; t < v.slots; ++t) {
    double slot_w = 0.0;
    for (int n = 0; n < v.subchannels; ++n) slot_w += out.power_w[n * v.slots + t];
    if (slot_w > v.max_power_w) return t;
  }
  return -1;
}

// How both greedy cores end: the per-slot budget, which they do not look at while assigning, is
// checked afterwards; then the total power Σ p.
LEOSEM_HD CoreResult greedy_result(const InstanceView& v, const SolutionBuffers& out) {
  const int bad_slot = first_slot_over_budget(v, out);
  if (bad_slot >= 0) return core_fail(FailReason::SlotBudget, -1, bad_slot);
  CoreResult r;
  r.feasible = true;
  for (int i = 0; i < v.subchannels * v.slots; ++i) r.total_power_w += out.power_w[i];
  r.iterations = 1;
  return r;
}

}  // namespace leosem
