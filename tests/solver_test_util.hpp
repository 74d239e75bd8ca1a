// Shared helpers for the solver tests: small random scenarios and a hand-made JPEG table.
#pragma once
#include <cstdint>

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
