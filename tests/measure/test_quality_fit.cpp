// The least-squares fit of the logistic family recovers known parameters from synthetic grids
// (exact and noisy), and its TOML output selects them through the scenario reader.
#include <gtest/gtest.h>

#include <random>

#include "measure/quality_fit.hpp"
#include "quality_test_util.hpp"
#include "scenario/config.hpp"

namespace leosem {
namespace {

LogisticQuality known_parameters() {
  LogisticQuality m;  // not the defaults, so the fit cannot succeed by starting there
  m.floor_base = 0.30;
  m.floor_slope = 0.12;
  m.ceiling_base = 0.74;
  m.ceiling_slope = 0.22;
  m.centre_db = 1.5;
  m.width_db = 3.2;
  return m;
}

GridQualityData sampled(const LogisticQuality& m, double noise_sd, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_sd);
  std::vector<double> rho = test::option_ratios(), snr = test::snr_axis(1.0), ssim;
  for (double r : rho)
    for (double s : snr) ssim.push_back(logistic_ssim(m, r, s) + (noise_sd > 0 ? noise(rng) : 0.0));
  // Noise may break monotonicity by a few σ: a tolerance of 5σ lets it load (lower envelope).
  return make_grid_quality(rho, snr, ssim, 5 * noise_sd, "synthetic");
}

TEST(QualityFit, RecoversExactParametersFromNoiselessGrid) {
  const LogisticQuality truth = known_parameters();
  const QualityFit fit = fit_logistic_quality(sampled(truth, 0.0, 1));
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.params.floor_base, truth.floor_base, 1e-8);
  EXPECT_NEAR(fit.params.floor_slope, truth.floor_slope, 1e-8);
  EXPECT_NEAR(fit.params.ceiling_base, truth.ceiling_base, 1e-8);
  EXPECT_NEAR(fit.params.ceiling_slope, truth.ceiling_slope, 1e-8);
  EXPECT_NEAR(fit.params.centre_db, truth.centre_db, 1e-7);
  EXPECT_NEAR(fit.params.width_db, truth.width_db, 1e-7);
  EXPECT_EQ(fit.params.rho_min, 1.0 / 40);
  EXPECT_EQ(fit.params.rho_max, 0.25);
  EXPECT_LT(fit.rmse, 1e-9);
  EXPECT_LT(fit.max_abs_error, 1e-8);
}

TEST(QualityFit, RecoversParametersFromNoisyGrid) {
  // σ = 0.003 SSIM on 6 x 31 points. Tolerances: 5 standard errors of each parameter, from
  // σ²(JᵀJ)⁻¹ at the truth: 0.0011, 0.0014, 0.00067, 0.0010, 0.019 dB, 0.018 dB.
  const double noise_sd = 0.003;
  const LogisticQuality truth = known_parameters();
  const GridQualityData grid = sampled(truth, noise_sd, 20260301);
  const QualityFit fit = fit_logistic_quality(grid);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.params.floor_base, truth.floor_base, 0.0055);
  EXPECT_NEAR(fit.params.floor_slope, truth.floor_slope, 0.007);
  EXPECT_NEAR(fit.params.ceiling_base, truth.ceiling_base, 0.0034);
  EXPECT_NEAR(fit.params.ceiling_slope, truth.ceiling_slope, 0.005);
  EXPECT_NEAR(fit.params.centre_db, truth.centre_db, 0.097);
  EXPECT_NEAR(fit.params.width_db, truth.width_db, 0.09);
  // The residual is the noise: the truth leaves exactly the noise's RMS, which least squares can
  // only beat, and 6 parameters absorb about 6/186 of its square (sqrt(1 - 6/186) = 0.98).
  double noise_square = 0.0;
  const size_t cols = grid.snr_db.size();
  for (size_t i = 0; i < grid.rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j) {
      const double e = grid.ssim_measured[i * cols + j] - logistic_ssim(truth, grid.rho[i], grid.snr_db[j]);
      noise_square += e * e;
    }
  const double noise_rms = std::sqrt(noise_square / static_cast<double>(grid.ssim_measured.size()));
  EXPECT_LE(fit.rmse, noise_rms);
  EXPECT_GT(fit.rmse, 0.95 * noise_rms);
  EXPECT_LT(fit.max_abs_error, 5 * noise_sd);
}

TEST(QualityFit, TomlOutputSelectsTheFittedParameters) {
  const QualityFit fit = fit_logistic_quality(sampled(known_parameters(), 0.0, 1));
  const std::string toml = format_logistic_toml(fit.params, "fitted by a test\nsecond line");
  EXPECT_EQ(toml.rfind("# fitted by a test\n# second line\n[quality]\n", 0), 0u) << toml;
  const ScenarioConfig config = parse_scenario(toml);
  const LogisticQuality& m = config.quality.logistic;
  EXPECT_EQ(config.quality.jscc_kind, QualityKind::Logistic);
  EXPECT_EQ(m.floor_base, fit.params.floor_base);  // %.17g round-trips exactly
  EXPECT_EQ(m.floor_slope, fit.params.floor_slope);
  EXPECT_EQ(m.ceiling_base, fit.params.ceiling_base);
  EXPECT_EQ(m.ceiling_slope, fit.params.ceiling_slope);
  EXPECT_EQ(m.centre_db, fit.params.centre_db);
  EXPECT_EQ(m.width_db, fit.params.width_db);
  EXPECT_EQ(m.rho_min, fit.params.rho_min);
  EXPECT_EQ(m.rho_max, fit.params.rho_max);
}

}  // namespace
}  // namespace leosem
