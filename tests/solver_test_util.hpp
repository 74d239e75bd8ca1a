// Shared helpers for the solver tests: small random scenarios and a hand-made JPEG table.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "model/instance.hpp"
#include "quality/jpeg_table.hpp"
#include "scenario/config.hpp"
#include "solvers/solve.hpp"

namespace leosem::testing {

// A small scenario (K <= 4, N <= 4, T <= 40) varied by `i`; every 5th is stressed towards
// infeasibility in one of four ways (short deadlines, huge demand, unreachable SSIM, tiny P_max).
inline ScenarioParams small_params(uint32_t i) {
  ScenarioParams p = default_scenario_params();
  p.users = 1 + static_cast<int>(i % 4);
  p.subchannels = 1 + static_cast<int>((i / 4) % 4);
  p.slots = 20 + static_cast<int>((i * 7) % 21);
  p.bandwidth_hz = 4e6 * p.subchannels;  // B_sc stays 4 MHz
  p.deadline_mean_slots = 0.6 * p.slots;
  p.images_mean = 8000.0 + 2000.0 * static_cast<double>(i % 11);
  if (i % 5 == 4) {
    switch ((i / 5) % 4) {
      case 0: p.deadline_mean_slots = 3.0; p.deadline_spread = 0.0; break;
      case 1: p.images_mean = 2e5; break;
      case 2: p.ssim_mean = 0.975; p.ssim_halfwidth = 0.02; break;
      case 3: p.max_power_w = 1e-4; break;
    }
  }
  return p;
}

inline Instance small_instance(uint32_t i) { return generate_instance(small_params(i), {20240601ULL, 7, i}); }

// A plausible JPEG table (bits per 64x64 image, whole file / scan only), hand-written.
inline JpegTable hand_jpeg_table() {
  JpegTable t;
  t.quality = {10, 30, 50, 70, 90};
  t.mean_ssim = {0.55, 0.68, 0.75, 0.82, 0.92};
  t.mean_bits_file = {5600, 6400, 7200, 8800, 12800};
  t.mean_bits_scan = {600, 1400, 2200, 3800, 7800};
  t.tiles = {100, 100, 100, 100, 100};
  return t;
}

}  // namespace leosem::testing

namespace leosem::testing {

// A hand-made instance: K UEs, N SCs, T slots, L options (the first L default ratios),
// all gains 0 until set, deadlines T, images 1, SSIM 0.6, D as given per (k, l).
inline Instance hand_instance(int K, int N, int T, int L, const std::vector<int>& required) {
  Instance inst;
  inst.params = default_scenario_params();
  inst.params.users = K;
  inst.params.subchannels = N;
  inst.params.slots = T;
  inst.params.options = L;
  inst.params.bandwidth_hz = 4e6 * N;
  inst.users = K;
  inst.subchannels = N;
  inst.slots = T;
  inst.options = L;
  inst.images.assign(K, 1.0);
  inst.ssim_requirement.assign(K, 0.6);  // reachable at every default ratio (ceiling 0.70 at 1/40)
  inst.deadline_slots.assign(K, T);
  inst.required_resources = required;
  inst.gain_per_watt.assign(static_cast<size_t>(K) * N * T, 0.0);
  return inst;
}

// Γ(ξ; ρ_l) in linear units, from the quality model (not from any solver).
inline double gamma_lin(const Instance& inst, const QualityModel& q, int k, int l) {
  const RequiredSnr r = quality_required_snr_db(q, inst.ssim_requirement[k], inst.params.compression_ratios[l]);
  if (!r.reachable) return NAN;
  return std::pow(10.0, r.snr_db / 10.0);
}

}  // namespace leosem::testing
