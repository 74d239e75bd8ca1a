// The numeric parameters of one scenario (MODEL.md §2-§4, §8), as a POD that the CPU and CUDA
// backends both read. Filled and validated from TOML by scenario/config.cpp; every default is
// documented in docs/configuration.md.
#pragma once
#include <cstdint>

namespace leosem {

inline constexpr int kMaxOptions = 8;  // compression-ratio options (the paper uses 6)

// Los: every UE in line of sight, σ_SF of suburban LOS, no clutter loss (the default, MODEL §3).
enum class PropagationScenario : int32_t { SuburbanRural = 0, Urban = 1, DenseUrban = 2, Los = 3 };
enum class Band : int32_t { S = 0, Ka = 1 };  // which TR 38.811 table column applies
enum class FadingModel : int32_t { None = 0, Rician = 1, ShadowedRician = 2 };
enum class LargeScaleHold : int32_t { PerUe = 0, PerSlot = 1 };
// Steered: a beam on each served UE, θ = 0 (the default, MODEL §2); EarthFixed: one beam on the
// area centre for the window; Nadir: straight down.
enum class BeamPointing : int32_t { EarthFixed = 0, Nadir = 1, Steered = 2 };
enum class ImagesDistribution : int32_t { Poisson = 0, Fixed = 1 };
// Where deadlines count from: the window's first slot (MODEL §8), or closest approach (the
// window's centre slot, slots / 2; the slots before it usable too) [chosen: a variant that takes
// the satellite's approach out of the deadline effect].
enum class DeadlineOrigin : int32_t { WindowStart = 0, ClosestApproach = 1 };

struct ScenarioParams {
  // Orbit and geometry (§2)
  double altitude_m;
  double min_elevation_deg;
  double area_radius_m;
  double cross_track_offset_min_m;
  double cross_track_offset_max_m;
  BeamPointing beam_pointing;

  // Time (§1)
  double slot_duration_s;
  int32_t slots;  // T

  // Radio (§3)
  double carrier_hz;
  double bandwidth_hz;
  int32_t subchannels;  // N
  Band band;            // derived from carrier_hz
  double sat_max_gain_dbi;
  double sat_aperture_radius_m;
  double ue_gain_dbi;
  double noise_psd_dbm_hz;
  double noise_figure_db;
  double max_power_w;  // per-slot budget P_max

  // Channel (§3)
  PropagationScenario propagation;
  LargeScaleHold large_scale_hold;
  FadingModel fading;
  double rician_k_db;
  double sr_b0, sr_m, sr_omega;  // shadowed-Rician (Abdi) parameters

  // Users and demand (§4, §8)
  int32_t users;  // K
  ImagesDistribution images_distribution;
  double images_mean;
  double ssim_mean;
  double ssim_halfwidth;
  double deadline_mean_slots;
  double deadline_spread;  // fraction: deadline uniform in mean·(1 ± spread), rounded to slots
  DeadlineOrigin deadline_origin;  // T_k = origin slot + the drawn deadline

  // JSCC (§4)
  double image_values;  // n_img, real values per image
  int32_t options;      // L
  double compression_ratios[kMaxOptions];  // ascending
};

// The key of one Monte-Carlo instance: the same key gives the same instance on every backend.
struct InstanceKey {
  uint64_t seed;
  uint32_t point;
  uint32_t instance;
};

}  // namespace leosem
