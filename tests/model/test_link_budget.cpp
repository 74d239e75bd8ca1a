// Tier 1: geometry, antenna and path loss against the published check values of
// shared/design/ntn-tables.md (TR 38.811 / TR 38.821) and MODEL.md §2.
#include <gtest/gtest.h>

#include <cmath>

#include "model/channel.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
double fspl_at(double altitude_m, double elevation_deg, double carrier_hz) {
  return free_space_path_loss_db(slant_range_m(altitude_m, elevation_deg * kDegToRad), carrier_hz);
}

// Half-power beamwidth of the aperture pattern: 2θ where G(θ)/G_max = 1/2, by bisection.
double half_power_beamwidth_deg(double aperture_radius_m, double carrier_hz) {
  double lo = 0.0, hi = 0.5;  // rad; the pattern falls monotonically to its first null well inside
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (aperture_pattern(aperture_radius_m, carrier_hz, mid) > 0.5 ? lo : hi) = mid;
  }
  return 2.0 * lo * kRadToDeg;
}
}  // namespace

TEST(LinkBudget, FreeSpacePathLossCheckValues) {
  EXPECT_NEAR(fspl_at(600e3, 30.0, 2e9), 159.1, 0.05);
  EXPECT_NEAR(fspl_at(600e3, 30.0, 20e9), 179.1, 0.05);
  EXPECT_NEAR(fspl_at(1200e3, 30.0, 2e9), 164.5, 0.05);
}

TEST(LinkBudget, SlantRangeCheckValues) {
  EXPECT_NEAR(slant_range_m(550e3, 10.0 * kDegToRad) / 1e3, 1815.1, 0.05);
  EXPECT_NEAR(slant_range_m(550e3, 30.0 * kDegToRad) / 1e3, 992.8, 0.05);
  EXPECT_NEAR(slant_range_m(550e3, 90.0 * kDegToRad) / 1e3, 550.0, 0.05);
}

TEST(LinkBudget, OrbitCheckValues) {
  EXPECT_NEAR(orbital_speed_m_s(550e3), 7589.0, 0.5);
  EXPECT_NEAR(orbital_period_s(550e3) / 60.0, 95.5, 0.05);
  // An overhead pass stays above 10° for 7.94 min (ntn-tables.md), in the instances' geometry:
  // a UE on the ground track, the satellite overhead at t = 0 (the pass is symmetric).
  const Vec3 ue = area_centre_m(0.0);
  double above_s = 0.0, below_s = 600.0;
  for (int it = 0; it < 60; ++it) {
    const double mid_s = 0.5 * (above_s + below_s);
    (link_geometry(satellite_position_m(550e3, mid_s), ue, ue).elevation_deg > 10.0 ? above_s : below_s) = mid_s;
  }
  EXPECT_NEAR(2.0 * above_s / 60.0, 7.94, 0.005);
}

TEST(LinkBudget, GeometryAgreesWithSlantRangeFormula) {
  // A UE on the ground track (offset 0, at the centre) sees the satellite at elevation ε at some
  // time; the vector geometry must give the TR 38.811 slant range for that ε.
  const Vec3 ue = area_centre_m(0.0);
  for (double time_s = 0.0; time_s < 200.0; time_s += 17.0) {
    const LinkGeometry g = link_geometry(satellite_position_m(550e3, time_s), ue, Vec3{0, 0, 0});
    EXPECT_NEAR(g.slant_range_m, slant_range_m(550e3, g.elevation_deg * kDegToRad), 1e-3);
  }
  const LinkGeometry overhead = link_geometry(satellite_position_m(550e3, 0.0), ue, ue);
  EXPECT_NEAR(overhead.elevation_deg, 90.0, 1e-9);
  EXPECT_NEAR(overhead.off_boresight_deg, 0.0, 1e-9);
}

TEST(LinkBudget, GroundPointDistanceAndBearing) {
  // Points placed at distance r from the centre are at great-circle distance r.
  const Vec3 centre = area_centre_m(150e3);
  for (double azimuth = 0.0; azimuth < 6.3; azimuth += 0.7) {
    const Vec3 p = ground_point_m(150e3, 80e3, azimuth);
    EXPECT_NEAR(norm(p), kEarthRadius_m, 1e-6);
    EXPECT_NEAR(angle_between_rad(p, centre) * kEarthRadius_m, 80e3, 1e-6);
  }
}

TEST(LinkBudget, OffBoresightAngleOfAKnownPoint) {
  // Nadir pointing, satellite overhead the centre, UE at ground distance r: the angle at the
  // satellite follows from the triangle Earth-centre / satellite / UE.
  const double h = 550e3, r = 100e3;
  const Vec3 sat = satellite_position_m(h, 0.0);
  const Vec3 ue = ground_point_m(0.0, r, 0.3);
  const double alpha = r / kEarthRadius_m;
  const double expected = std::atan2(kEarthRadius_m * std::sin(alpha),
                                     kEarthRadius_m + h - kEarthRadius_m * std::cos(alpha)) * kRadToDeg;
  EXPECT_NEAR(link_geometry(sat, ue, Vec3{0, 0, 0}).off_boresight_deg, expected, 1e-9);
}

TEST(LinkBudget, AperturePatternBeamwidths) {
  EXPECT_NEAR(half_power_beamwidth_deg(1.0, 2e9), 4.41, 0.01);    // Set-1 S band
  EXPECT_NEAR(half_power_beamwidth_deg(0.25, 20e9), 1.76, 0.01);  // Set-1 Ka band
  EXPECT_NEAR(half_power_beamwidth_deg(0.5, 2e9), 8.85, 0.02);    // Set-2 S band (the default)
  EXPECT_DOUBLE_EQ(aperture_pattern(0.5, 2e9, 0.0), 1.0);
  EXPECT_NEAR(satellite_gain_linear(24.0, 0.5, 2e9, 0.0), db_to_linear(24.0), 1e-9);
}

TEST(LinkBudget, ScintillationAndGas) {
  ScenarioParams p = default_scenario_params();
  EXPECT_NEAR(scintillation_loss_db(p, 45.0), 2.2, 0.005);  // 6.22 / 2^1.5
  EXPECT_DOUBLE_EQ(gas_loss_db(p, 30.0), 0.0);              // S band above 10°
  p.carrier_hz = 20e9;
  p.band = Band::Ka;
  EXPECT_NEAR(scintillation_loss_db(p, 10.0), 1.08, 1e-12);
  EXPECT_NEAR(scintillation_loss_db(p, 35.0), 0.26, 1e-12);  // halfway between 0.30 and 0.22
  EXPECT_NEAR(gas_loss_db(p, 30.0), 0.25 / 0.5, 1e-12);
}

TEST(LinkBudget, TablesInterpolateAndClamp) {
  EXPECT_NEAR(los_probability(PropagationScenario::SuburbanRural, 10.0), 0.782, 1e-12);
  EXPECT_NEAR(los_probability(PropagationScenario::SuburbanRural, 15.0), 0.5 * (0.782 + 0.869), 1e-12);
  EXPECT_NEAR(los_probability(PropagationScenario::Urban, 90.0), 0.992, 1e-12);
  EXPECT_NEAR(los_probability(PropagationScenario::DenseUrban, 5.0), 0.282, 1e-12);
  const ShadowClutter nlos = shadow_clutter(PropagationScenario::SuburbanRural, Band::S, false, 30.0);
  EXPECT_NEAR(nlos.sigma_db, 8.78, 1e-12);
  EXPECT_NEAR(nlos.clutter_loss_db, 18.42, 1e-12);
  const ShadowClutter los = shadow_clutter(PropagationScenario::DenseUrban, Band::Ka, true, 90.0);
  EXPECT_NEAR(los.sigma_db, 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(los.clutter_loss_db, 0.0);
}

TEST(LinkBudget, NoisePowerPerSubchannel) {
  const ScenarioParams p = default_scenario_params();  // 4 MHz SCs, NF 0 dB
  EXPECT_NEAR(watts_to_dbm(noise_power_w(p)), -174.0 + 10.0 * std::log10(4e6), 1e-9);
}

TEST(LinkBudget, GainIsTheLinkBudget) {
  // g = G_sat·G_ue·|h|²/(L·σ²) assembled by hand for one state.
  ScenarioParams p = default_scenario_params();
  p.ue_gain_dbi = 3.0;
  LinkState link{};
  link.usable = true;
  link.geometry.off_boresight_deg = 2.0;
  link.path_loss_db = 160.0;
  const double expected_db = 24.0 + linear_to_db(aperture_pattern(0.5, 2e9, 2.0 * kDegToRad)) + 3.0 +
                             linear_to_db(0.8) - 160.0 - (watts_to_dbm(noise_power_w(p)) - 30.0);
  EXPECT_NEAR(linear_to_db(gain_per_watt(p, link, 0.8)), expected_db, 1e-9);
  link.usable = false;
  EXPECT_EQ(gain_per_watt(p, link, 0.8), 0.0);
}

TEST(Demand, RequiredResourcesEquation6) {
  const ScenarioParams p = default_scenario_params();  // B_sc·τ = 4e6 symbols per resource
  // 50 000 images · 12288 · 1/12 = 51.2e6 symbols -> 12.8 -> 13 resources
  EXPECT_EQ(required_resources(p, 50000, 1.0 / 12), 13);
  // an exact multiple is not rounded up: 15 625 · 12288/4 = 48e6 symbols = 12 resources exactly
  EXPECT_EQ(required_resources(p, 15625, 0.25), 12);
  EXPECT_EQ(required_resources(p, 15626, 0.25), 13);
  EXPECT_EQ(required_resources(p, 1, 1.0 / 40), 1);
  EXPECT_EQ(required_resources(p, 0, 1.0 / 40), 0);
}

// Profiles (MODEL §2, §3): a UE 100 km from the disc centre, the satellite overhead the centre
// (slot centre time 0: T odd), no small-scale fading, so g is the link budget by hand.
namespace {
struct ProfileCase {
  ScenarioParams params;
  Vec3 ue_m;
  LinkState link;
  double gain_db;
};

ProfileCase profile_case(BeamPointing beam, PropagationScenario environment) {
  ProfileCase c;
  c.params = default_scenario_params();
  c.params.slots = 241;  // slot 120 is centred on closest approach
  c.params.fading = FadingModel::None;
  c.params.beam_pointing = beam;
  c.params.propagation = environment;
  c.ue_m = ground_point_m(0.0, 100e3, 0.3);
  c.link = link_state(c.params, {5, 0, 0}, 1, 120, 0.0, c.ue_m);
  c.gain_db = linear_to_db(gain_per_watt(c.params, c.link, 1.0));
  return c;
}

// The standard normal behind UE 1's held shadowing (instance key (5, 0, 0)).
double held_standard_normal() {
  const Uniform4 u = philox_uniform4({5, 0, 0}, kStreamUeLargeScale, 1, 0, 0);
  return box_muller(u.u[1], u.u[2]).z0;
}
}  // namespace

TEST(Profiles, DefaultsAreSteeredAndLos) {
  const ScenarioParams p = default_scenario_params();
  EXPECT_EQ(p.beam_pointing, BeamPointing::Steered);
  EXPECT_EQ(p.propagation, PropagationScenario::Los);
}

TEST(Profiles, SteeredLosLinkByHand) {
  const ProfileCase c = profile_case(BeamPointing::Steered, PropagationScenario::Los);
  // Hand values: α = 100/6371 rad; slant range² = R² + (R+h)² − 2R(R+h)cos α; elevation from the
  // triangle; σ_SF interpolated in the suburban LOS row; FSPL + SF + 2.2 dB scintillation.
  const double R = 6371e3, h = 550e3, alpha = 100e3 / R;
  const double d = std::sqrt(R * R + (R + h) * (R + h) - 2 * R * (R + h) * std::cos(alpha));
  EXPECT_NEAR(c.link.geometry.slant_range_m, d, 1e-3);
  EXPECT_NEAR(d / 1e3, 559.79, 0.01);  // ≈ 550 km overhead, a little more 100 km off
  EXPECT_EQ(c.link.geometry.off_boresight_deg, 0.0);
  EXPECT_TRUE(c.link.line_of_sight);
  const double elevation_deg = c.link.geometry.elevation_deg;
  EXPECT_NEAR(elevation_deg, 78.81, 0.01);
  // Suburban LOS σ_SF: 0.85 dB at 70°, 0.72 at 80°.
  const double sigma_db = 0.85 + (elevation_deg - 70.0) / 10.0 * (0.72 - 0.85);
  EXPECT_NEAR(c.link.shadow_fading_db, sigma_db * held_standard_normal(), 1e-9);
  const double fspl_db = 32.45 + 20 * std::log10(2.0) + 20 * std::log10(d);
  EXPECT_NEAR(c.link.path_loss_db, fspl_db + c.link.shadow_fading_db + 6.22 / std::pow(2.0, 1.5), 1e-9);
  // g = G_max·G_ue/(L·σ²): 24 dBi, 0 dBi, σ² = −174 dBm/Hz + 10 log10(4 MHz) = −137.98 dBW.
  const double noise_dbw = -174.0 + 10 * std::log10(4e6) - 30.0;
  EXPECT_NEAR(c.gain_db, 24.0 - c.link.path_loss_db - noise_dbw, 1e-9);
}

TEST(Profiles, EarthFixedBeamAppliesThePatternOffBoresight) {
  const ProfileCase steered = profile_case(BeamPointing::Steered, PropagationScenario::Los);
  const ProfileCase fixed = profile_case(BeamPointing::EarthFixed, PropagationScenario::Los);
  // Overhead the centre the earth-fixed beam points straight down: θ from the triangle.
  const double R = 6371e3, h = 550e3, alpha = 100e3 / R;
  const double theta_deg = std::atan2(R * std::sin(alpha), R + h - R * std::cos(alpha)) * kRadToDeg;
  EXPECT_NEAR(theta_deg, 10.29, 0.01);  // beyond the 8.85° beam's half-power edge, near its first null
  EXPECT_NEAR(fixed.link.geometry.off_boresight_deg, theta_deg, 1e-9);
  EXPECT_EQ(fixed.link.path_loss_db, steered.link.path_loss_db);  // the beam changes only G_sat
  EXPECT_NEAR(fixed.gain_db - steered.gain_db, linear_to_db(aperture_pattern(0.5, 2e9, theta_deg * kDegToRad)),
              1e-9);
  EXPECT_LT(fixed.gain_db - steered.gain_db, -10.0);
}

TEST(Profiles, SuburbanDrawsNlosWithClutterLosDoesNot) {
  // Over many UEs at one elevation: los has no NLOS and no clutter; suburban's NLOS share is
  // 1 − P_LOS(ε) and its NLOS UEs carry σ_NLOS shadowing and the clutter loss.
  ScenarioParams los = default_scenario_params(), suburban = los;
  suburban.propagation = PropagationScenario::SuburbanRural;
  const Vec3 ue = area_centre_m(0.0);
  int nlos_los = 0, nlos_suburban = 0, count = 0;
  double elevation = 0.0;
  for (uint32_t instance = 0; instance < 20000; ++instance, ++count) {
    const LinkState a = link_state(los, {3, 0, instance}, 0, 119, 0.0, ue);
    const LinkState b = link_state(suburban, {3, 0, instance}, 0, 119, 0.0, ue);
    elevation = a.geometry.elevation_deg;
    nlos_los += !a.line_of_sight;
    nlos_suburban += !b.line_of_sight;
    if (b.line_of_sight) {
      EXPECT_EQ(a.path_loss_db, b.path_loss_db);  // LOS in both: same σ row, same draw
    } else {
      const ShadowClutter sc = shadow_clutter(PropagationScenario::SuburbanRural, Band::S, false, elevation);
      EXPECT_NEAR(b.path_loss_db - (a.path_loss_db - a.shadow_fading_db),
                  b.shadow_fading_db + sc.clutter_loss_db, 1e-9);
    }
  }
  EXPECT_EQ(nlos_los, 0);
  EXPECT_NEAR(static_cast<double>(nlos_suburban) / count, 1.0 - los_probability(suburban.propagation, elevation), 0.01);
  EXPECT_EQ(los_probability(PropagationScenario::Los, 10.0), 1.0);
  EXPECT_EQ(shadow_clutter(PropagationScenario::Los, Band::S, true, 30.0).sigma_db, 1.14);
}
