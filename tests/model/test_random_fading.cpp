// Tier 1: the counter-based random numbers (determinism, independence of keys) and the
// statistics of the samplers and fading models over many draws.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/channel.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
struct Moments {
  double mean = 0, variance = 0;
};
template <typename F>
Moments moments(int count, F draw) {
  double sum = 0, sum2 = 0;
  for (int i = 0; i < count; ++i) {
    const double x = draw(i);
    sum += x;
    sum2 += x * x;
  }
  Moments m;
  m.mean = sum / count;
  m.variance = sum2 / count - m.mean * m.mean;
  return m;
}
}  // namespace

TEST(Random, SameKeySameBits) {
  const InstanceKey key{42, 3, 17};
  const Uniform4 a = philox_uniform4(key, kStreamFading, 1, 2, 3);
  const Uniform4 b = philox_uniform4(key, kStreamFading, 1, 2, 3);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.u[i], b.u[i]);
  // Each part of the key and counter changes the draw.
  const Uniform4 other_seed = philox_uniform4({43, 3, 17}, kStreamFading, 1, 2, 3);
  const Uniform4 other_point = philox_uniform4({42, 4, 17}, kStreamFading, 1, 2, 3);
  const Uniform4 other_instance = philox_uniform4({42, 3, 18}, kStreamFading, 1, 2, 3);
  const Uniform4 other_counter = philox_uniform4(key, kStreamFading, 1, 2, 4);
  EXPECT_NE(a.u[0], other_seed.u[0]);
  EXPECT_NE(a.u[0], other_point.u[0]);
  EXPECT_NE(a.u[0], other_instance.u[0]);
  EXPECT_NE(a.u[0], other_counter.u[0]);
}

TEST(Random, UniformsAreUniform) {
  const InstanceKey key{7, 0, 0};
  const Moments m = moments(200000, [&](int i) { return philox_uniform4(key, kStreamInstance, i, 0, 0).u[i % 4]; });
  EXPECT_NEAR(m.mean, 0.5, 0.003);
  EXPECT_NEAR(m.variance, 1.0 / 12, 0.001);
}

TEST(Random, BoxMullerIsStandardNormal) {
  const InstanceKey key{7, 1, 0};
  const Moments m = moments(200000, [&](int i) {
    const Uniform4 u = philox_uniform4(key, kStreamInstance, i, 0, 0);
    return box_muller(u.u[0], u.u[1]).z1;
  });
  EXPECT_NEAR(m.mean, 0.0, 0.01);
  EXPECT_NEAR(m.variance, 1.0, 0.01);
}

TEST(Random, PoissonMeanAndVariance) {
  for (double mean : {3.0, 50.0, 50000.0}) {
    const Moments m = moments(40000, [&](int i) { return poisson_sample({11, 0, static_cast<uint32_t>(i)}, 0, mean); });
    EXPECT_NEAR(m.mean, mean, 4.0 * std::sqrt(mean / 40000)) << "mean " << mean;
    EXPECT_NEAR(m.variance / mean, 1.0, 0.05) << "mean " << mean;
  }
}

TEST(Random, GammaMeanAndVariance) {
  for (double shape : {0.739, 10.1}) {
    const Moments m = moments(100000, [&](int i) { return gamma_sample({5, 0, 0}, kStreamFading, i, 0, shape); });
    EXPECT_NEAR(m.mean, shape, 0.02 * shape) << "shape " << shape;
    EXPECT_NEAR(m.variance, shape, 0.05 * shape) << "shape " << shape;
  }
}

TEST(Fading, RicianUnitMeanAndKFactorRecovered) {
  ScenarioParams p = default_scenario_params();
  for (double k_db : {0.0, 10.0}) {
    p.rician_k_db = k_db;
    const Moments m = moments(200000, [&](int i) { return fading_power(p, {3, 0, 0}, 0, i % 10, i / 10); });
    EXPECT_NEAR(m.mean, 1.0, 0.01) << "K " << k_db;
    // Moment estimator: γ = Var|h|²/E²|h|² = (1+2K)/(1+K)², so K = s/(1-s), s = sqrt(1-γ).
    const double gamma = m.variance / (m.mean * m.mean);
    const double s = std::sqrt(1.0 - gamma);
    EXPECT_NEAR(linear_to_db(s / (1.0 - s)), k_db, 0.25) << "K " << k_db;
  }
}

TEST(Fading, ShadowedRicianMomentsMatchAbdi) {
  ScenarioParams p = default_scenario_params();
  p.fading = FadingModel::ShadowedRician;
  struct Set {
    double b0, m, omega;
  };
  for (Set set : {Set{0.126, 10.1, 0.835}, Set{0.063, 0.739, 8.97e-4}}) {
    p.sr_b0 = set.b0;
    p.sr_m = set.m;
    p.sr_omega = set.omega;
    const Moments m = moments(200000, [&](int i) { return fading_power(p, {9, 0, 0}, 1, i % 10, i / 10); });
    // E|h|² = Ω + 2b0 (normalised to 1); E|h|⁴ = Ω²(1 + 1/m) + 8Ωb0 + 8b0².
    const double total = set.omega + 2 * set.b0;
    const double fourth = (set.omega * set.omega * (1 + 1 / set.m) + 8 * set.omega * set.b0 + 8 * set.b0 * set.b0) /
                          (total * total);
    EXPECT_NEAR(m.mean, 1.0, 0.01) << "m " << set.m;
    EXPECT_NEAR(m.variance + m.mean * m.mean, fourth, 0.03 * fourth) << "m " << set.m;
  }
}

TEST(Fading, NoneIsUnity) {
  ScenarioParams p = default_scenario_params();
  p.fading = FadingModel::None;
  EXPECT_EQ(fading_power(p, {1, 0, 0}, 0, 0, 0), 1.0);
}

TEST(LargeScale, LosFractionAndShadowSpreadPerSlot) {
  // Per-slot draws at a fixed geometry: LOS fraction = P_LOS(ε), shadowing ~ N(0, σ(ε, state)).
  ScenarioParams p = default_scenario_params();
  p.large_scale_hold = LargeScaleHold::PerSlot;
  const Vec3 ue = area_centre_m(0.0);
  int los = 0, count = 0;
  double los_sum2 = 0, elevation = 0;
  for (uint32_t instance = 0; instance < 20000; ++instance) {
    const LinkState s = link_state(p, {1, 0, instance}, 0, 119, 0.0, ue);  // slot nearest overhead
    elevation = s.geometry.elevation_deg;
    ++count;
    if (s.line_of_sight) {
      ++los;
      los_sum2 += s.shadow_fading_db * s.shadow_fading_db;
    }
  }
  const double expected_los = los_probability(p.propagation, elevation);
  EXPECT_NEAR(static_cast<double>(los) / count, expected_los, 0.02);
  const double sigma = shadow_clutter(p.propagation, p.band, true, elevation).sigma_db;
  EXPECT_NEAR(std::sqrt(los_sum2 / los), sigma, 0.05 * sigma);
}

TEST(LargeScale, HeldPerUeKeepsTheLosStateAtOneElevation) {
  ScenarioParams p = default_scenario_params();  // per-ue hold
  const Vec3 ue = area_centre_m(0.0);
  const LinkState a = link_state(p, {1, 0, 0}, 2, 100, 0.0, ue);
  const LinkState b = link_state(p, {1, 0, 0}, 2, 139, 0.0, ue);  // mirror slot of 100 about 119.5
  EXPECT_NEAR(a.geometry.elevation_deg, b.geometry.elevation_deg, 1e-6);
  EXPECT_EQ(a.line_of_sight, b.line_of_sight);
  EXPECT_NEAR(a.shadow_fading_db, b.shadow_fading_db, 1e-6);
  p.large_scale_hold = LargeScaleHold::PerSlot;
  int differs = 0;
  for (int t = 0; t < 60; ++t)
    differs += link_state(p, {1, 0, 0}, 2, t, 0.0, ue).shadow_fading_db !=
               link_state(p, {1, 0, 0}, 2, t + 1, 0.0, ue).shadow_fading_db;
  EXPECT_GT(differs, 50);
}
