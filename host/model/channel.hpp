// The per-instance channel model (MODEL.md §2-§4), host-device: every backend computes an
// instance's gain g[k][n][t] (SNR per watt) by these functions and nothing else.
#pragma once
#include <cmath>

#include "core/constants.hpp"
#include "core/hostdev.hpp"
#include "core/units.hpp"
#include "model/antenna.hpp"
#include "model/geometry.hpp"
#include "model/ntn_tables.hpp"
#include "model/random.hpp"
#include "model/scenario_params.hpp"

namespace leosem {

// Centre of slot t (0-based); the window is centred on closest approach (t = 0 s).
LEOSEM_HD double slot_centre_time_s(const ScenarioParams& p, int t) {
  return (t - 0.5 * (p.slots - 1)) * p.slot_duration_s;
}

// Cross-track offset of the service-area centre, uniform in [min, max].
LEOSEM_HD double draw_cross_track_offset_m(const ScenarioParams& p, const InstanceKey& key) {
  const Uniform4 u = philox_uniform4(key, kStreamInstance, 0, 0, 0);
  return p.cross_track_offset_min_m + u.u[0] * (p.cross_track_offset_max_m - p.cross_track_offset_min_m);
}

// UE k uniform in the disc of radius r_area around the centre (area-uniform: r = R·sqrt(u)).
LEOSEM_HD Vec3 draw_ue_position_m(const ScenarioParams& p, const InstanceKey& key, int k,
                                  double cross_track_offset_m) {
  const Uniform4 u = philox_uniform4(key, kStreamUePosition, static_cast<uint64_t>(k), 0, 0);
  const double distance_m = p.area_radius_m * sqrt(u.u[0]);
  const double azimuth_rad = 2.0 * kPi * u.u[1];
  return ground_point_m(cross_track_offset_m, distance_m, azimuth_rad);
}

struct UeDemand {
  double images;            // |I_k|
  double ssim_requirement;  // ξ_k
  int deadline_slots;       // T_k: all symbols in slots t < T_k (0-based)
};

// The slot deadlines count from: 0, or closest approach (the window's centre, t = 0 s lies
// between slots slots/2 − 1 and slots/2).
LEOSEM_HD int deadline_origin_slot(const ScenarioParams& p) {
  return p.deadline_origin == DeadlineOrigin::ClosestApproach ? p.slots / 2 : 0;
}

// The largest deadline draw_ue_demand can draw (slots): bounds the live slots of every instance
// of `p` (JCRRA's block kernel sizes its shared memory by it).
LEOSEM_HD int deadline_slots_bound(const ScenarioParams& p) {
  int hi = deadline_origin_slot(p) + static_cast<int>(lround(p.deadline_mean_slots * (1.0 + p.deadline_spread)));
  if (hi < 1) hi = 1;
  return hi < p.slots ? hi : p.slots;
}

LEOSEM_HD UeDemand draw_ue_demand(const ScenarioParams& p, const InstanceKey& key, int k) {
  const Uniform4 u = philox_uniform4(key, kStreamUeDemand, static_cast<uint64_t>(k), 0, 0);
  UeDemand d;
  d.images = p.images_distribution == ImagesDistribution::Fixed
                 ? p.images_mean
                 : poisson_sample(key, static_cast<uint64_t>(k), p.images_mean);
  d.ssim_requirement = p.ssim_mean + p.ssim_halfwidth * (2.0 * u.u[0] - 1.0);
  // Deadline: an integer uniform in [round(mean(1-s)), round(mean(1+s))], at least 1 slot.
  const int lo = static_cast<int>(lround(p.deadline_mean_slots * (1.0 - p.deadline_spread)));
  const int hi = static_cast<int>(lround(p.deadline_mean_slots * (1.0 + p.deadline_spread)));
  int deadline = deadline_origin_slot(p) + lo + static_cast<int>(floor(u.u[1] * (hi - lo + 1) * (1.0 - 1e-15)));
  if (deadline < 1) deadline = 1;
  if (deadline > p.slots) deadline = p.slots;
  d.deadline_slots = deadline;
  return d;
}

// Channel uses per resource (one sub-channel for one slot): B_sc·τ = B/N·τ, MODEL eq. 6.
LEOSEM_HD double symbols_per_resource(const ScenarioParams& p) {
  return p.bandwidth_hz / p.subchannels * p.slot_duration_s;
}

// D_k(ρ) = ceil(|I_k|·ρ·n_img / (B_sc·τ)), MODEL eq. 6. The relative guard keeps an exact
// integer quotient (e.g. 12.0) from rounding up through floating-point error.
LEOSEM_HD int required_resources(const ScenarioParams& p, double images, double compression_ratio) {
  const double symbols = images * compression_ratio * p.image_values;
  return static_cast<int>(ceil(symbols / symbols_per_resource(p) * (1.0 - 1e-12)));
}

LEOSEM_HD double noise_power_w(const ScenarioParams& p) {
  return dbm_to_watts(p.noise_psd_dbm_hz) * (p.bandwidth_hz / p.subchannels) *
         db_to_linear(p.noise_figure_db);
}

LEOSEM_HD double free_space_path_loss_db(double slant_range_m, double carrier_hz) {
  return 32.45 + 20.0 * log10(carrier_hz / 1e9) + 20.0 * log10(slant_range_m);
}

// Atmospheric gas absorption (TR 38.811 §6.6.4): A_zenith/sin ε, applied as ns-3 does, only
// at f ≥ 10 GHz or ε < 10° (below 10° the slot is unusable anyway).
LEOSEM_HD double gas_loss_db(const ScenarioParams& p, double elevation_deg) {
  if (p.carrier_hz < 10e9 && elevation_deg >= 10.0) return 0.0;
  const double zenith_db = p.band == Band::Ka ? kGasZenithKa_db : kGasZenithS_db;
  return zenith_db / sin(fmax(elevation_deg, 1.0) * kDegToRad);
}

// Ionospheric/tropospheric scintillation (TR 38.811 §6.6.6): S band 6.22/f_GHz^1.5;
// Ka band from the 20 GHz table by elevation.
LEOSEM_HD double scintillation_loss_db(const ScenarioParams& p, double elevation_deg) {
  if (p.band == Band::S) return 6.22 / pow(p.carrier_hz / 1e9, 1.5);
  const KaScintillationTable table;
  return interpolate_elevation(table.loss_db, elevation_deg);
}

struct LinkState {
  LinkGeometry geometry;
  bool usable;           // elevation ≥ ε_min
  bool line_of_sight;
  double shadow_fading_db;
  double path_loss_db;   // FSPL + SF + CL·[NLOS] + gas + scintillation
};

// Large-scale state of UE k in slot t. LOS state and shadowing use one uniform and one
// standard normal, drawn once per UE (held, the default) or per (UE, slot); the elevation of
// the slot sets P_LOS and σ_SF, so a held draw moves smoothly with the pass.
LEOSEM_HD LinkState link_state(const ScenarioParams& p, const InstanceKey& key, int k, int t,
                               double cross_track_offset_m, Vec3 ue_m) {
  const Vec3 satellite_m = satellite_position_m(p.altitude_m, slot_centre_time_s(p, t));
  const Vec3 target_m = p.beam_pointing == BeamPointing::Nadir      ? Vec3{0.0, 0.0, 0.0}
                        : p.beam_pointing == BeamPointing::Steered ? ue_m
                                                                   : area_centre_m(cross_track_offset_m);
  LinkState s;
  s.geometry = link_geometry(satellite_m, ue_m, target_m);  // steered: θ = atan2(|a×a|, a·a) = 0 exactly
  const double elevation_deg = s.geometry.elevation_deg;
  s.usable = elevation_deg >= p.min_elevation_deg;
  const uint64_t slot_index = p.large_scale_hold == LargeScaleHold::PerSlot ? static_cast<uint64_t>(t) + 1 : 0;
  const Uniform4 u = philox_uniform4(key, kStreamUeLargeScale, static_cast<uint64_t>(k), slot_index, 0);
  s.line_of_sight = u.u[0] <= los_probability(p.propagation, elevation_deg);
  const double standard_normal = box_muller(u.u[1], u.u[2]).z0;
  const ShadowClutter sc = shadow_clutter(p.propagation, p.band, s.line_of_sight, elevation_deg);
  s.shadow_fading_db = sc.sigma_db * standard_normal;
  s.path_loss_db = free_space_path_loss_db(s.geometry.slant_range_m, p.carrier_hz) +
                   s.shadow_fading_db + sc.clutter_loss_db + gas_loss_db(p, elevation_deg) +
                   scintillation_loss_db(p, elevation_deg);
  return s;
}

// Small-scale fading power |h|², unit mean, i.i.d. per (k, n, t).
LEOSEM_HD double fading_power(const ScenarioParams& p, const InstanceKey& key, int k, int n, int t) {
  const uint64_t resource = (static_cast<uint64_t>(n) << 32) | static_cast<uint64_t>(t);
  switch (p.fading) {
    case FadingModel::Rician: {
      const double k_factor = db_to_linear(p.rician_k_db);
      const Uniform4 u = philox_uniform4(key, kStreamFading, static_cast<uint64_t>(k), resource, 0);
      const NormalPair z = box_muller(u.u[0], u.u[1]);
      const double scatter = sqrt(0.5 / (k_factor + 1.0));  // CN(0, 1/(K+1))
      const double re = sqrt(k_factor / (k_factor + 1.0)) + scatter * z.z0;
      const double im = scatter * z.z1;
      return re * re + im * im;
    }
    case FadingModel::ShadowedRician: {
      // Abdi et al. 2003: h = A·e^{jφ} + Z, A² ~ Gamma(m, Ω/m), Z ~ CN(0, 2b0); the phase of
      // the LOS term does not change |h|² once Z is circular, so it is left out.
      const double los_power =
          gamma_sample(key, kStreamFading, static_cast<uint64_t>(k), resource, p.sr_m) * p.sr_omega / p.sr_m;
      const Uniform4 u = philox_uniform4(key, kStreamFadingScatter, static_cast<uint64_t>(k), resource, 0);
      const NormalPair z = box_muller(u.u[0], u.u[1]);
      const double re = sqrt(los_power) + sqrt(p.sr_b0) * z.z0;
      const double im = sqrt(p.sr_b0) * z.z1;
      return (re * re + im * im) / (p.sr_omega + 2.0 * p.sr_b0);
    }
    default: return 1.0;
  }
}

// g = G_sat(θ)·G_ue·|h|² / (L·σ²), SNR per watt; 0 where the UE is below ε_min.
LEOSEM_HD double gain_per_watt(const ScenarioParams& p, const LinkState& link, double fading) {
  if (!link.usable) return 0.0;
  const double sat_gain = satellite_gain_linear(p.sat_max_gain_dbi, p.sat_aperture_radius_m,
                                                p.carrier_hz, link.geometry.off_boresight_deg * kDegToRad);
  return sat_gain * db_to_linear(p.ue_gain_dbi) * fading /
         (db_to_linear(link.path_loss_db) * noise_power_w(p));
}

}  // namespace leosem

namespace leosem {

// The unit of work of the batched backends: gains of UE k in slot t on every SC, written to
// out[n * T] (n = 0..N-1), i.e. with the (k, n, t) layout of Instance::gain_per_watt.
LEOSEM_HD void gains_for_ue_slot(const ScenarioParams& p, const InstanceKey& key, int k, int t,
                                 double* out) {
  const double offset_m = draw_cross_track_offset_m(p, key);
  const Vec3 ue_m = draw_ue_position_m(p, key, k, offset_m);
  const LinkState link = link_state(p, key, k, t, offset_m, ue_m);
  for (int n = 0; n < p.subchannels; ++n)
    out[static_cast<long>(n) * p.slots] = gain_per_watt(p, link, fading_power(p, key, k, n, t));
}

}  // namespace leosem
