// Properties of the quality models through the dispatch functions solvers use (MODEL.md §5.1):
// monotone in ρ and γ, values in (0, 1), f(ρ, Γ(ξ; ρ)) = ξ, gradient = finite differences,
// unreachable reported correctly. Random inputs from a fixed seed; both kinds of model.
#include <gtest/gtest.h>

#include <random>

#include "quality/quality_model.hpp"
#include "quality_test_util.hpp"

namespace leosem {
namespace {

struct ModelCase {
  const char* name;
  QualityModel model;
};

class QualityProperties : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    grid_ = test::logistic_grid();
    if (GetParam() == 0) {
      model_.kind = QualityKind::Logistic;
    } else {
      model_.kind = QualityKind::Grid;
      model_.grid = grid_.view();
    }
  }
  GridQualityData grid_;
  QualityModel model_;
  std::mt19937_64 rng_{20260301};
  // ρ log-uniform over the options' range, γ uniform over the grid's SNR range.
  double random_rho() { return std::exp(std::uniform_real_distribution<double>(std::log(1.0 / 40), std::log(0.25))(rng_)); }
  double random_snr() { return std::uniform_real_distribution<double>(-10.0, 20.0)(rng_); }
};

TEST_P(QualityProperties, ValuesInOpenUnitInterval) {
  for (int i = 0; i < 2000; ++i) {
    const double f = quality_ssim(model_, random_rho(), random_snr());
    EXPECT_GT(f, 0.0);
    EXPECT_LT(f, 1.0);
  }
}

TEST_P(QualityProperties, MonotoneInRhoAndSnr) {
  for (int i = 0; i < 2000; ++i) {
    const double r1 = random_rho(), r2 = random_rho(), s1 = random_snr(), s2 = random_snr();
    const double rho_lo = std::min(r1, r2), rho_hi = std::max(r1, r2);
    const double snr_lo = std::min(s1, s2), snr_hi = std::max(s1, s2);
    EXPECT_LE(quality_ssim(model_, rho_lo, s1), quality_ssim(model_, rho_hi, s1)) << rho_lo << " " << rho_hi;
    EXPECT_LE(quality_ssim(model_, r1, snr_lo), quality_ssim(model_, r1, snr_hi)) << snr_lo << " " << snr_hi;
    const QualityGradient g = quality_gradient(model_, r1, s1);
    EXPECT_GE(g.d_rho, 0.0);
    EXPECT_GE(g.d_snr_db, 0.0);
  }
}

TEST_P(QualityProperties, InverseMeetsTargetExactly) {
  int reachable = 0;
  for (int i = 0; i < 2000; ++i) {
    const double rho = random_rho();
    const double lo = quality_ssim(model_, rho, -10.0), hi = quality_ssim(model_, rho, 20.0);
    const double xi = std::uniform_real_distribution<double>(lo, hi)(rng_);
    const RequiredSnr r = quality_required_snr_db(model_, xi, rho);
    ASSERT_TRUE(r.reachable) << "rho " << rho << " xi " << xi;
    EXPECT_NEAR(quality_ssim(model_, rho, r.snr_db), xi, 1e-9) << "rho " << rho << " xi " << xi;
    // Least such SNR: a little less falls short.
    EXPECT_LT(quality_ssim(model_, rho, r.snr_db - 1e-6), xi);
    ++reachable;
  }
  EXPECT_EQ(reachable, 2000);
}

TEST_P(QualityProperties, UnreachableAboveTheCeiling) {
  for (int i = 0; i < 500; ++i) {
    const double rho = random_rho();
    // The logistic ceiling b(ρ) is never attained; the grid's is its value at its top SNR.
    const double top = GetParam() == 0 ? model_.logistic.ceiling_base +
                                             model_.logistic.ceiling_slope * logistic_u(model_.logistic, rho)
                                       : quality_ssim(model_, rho, 20.0);
    const double xi = top + std::uniform_real_distribution<double>(1e-9, 1.0 - top)(rng_);
    const RequiredSnr r = quality_required_snr_db(model_, xi, rho);
    EXPECT_FALSE(r.reachable) << "rho " << rho << " xi " << xi;
  }
  if (GetParam() == 0) EXPECT_FALSE(quality_required_snr_db(model_, 0.97, 0.25).reachable);  // ξ = b(ρ_max)
}

TEST_P(QualityProperties, GradientEqualsFiniteDifferences) {
  const double h_rho = 1e-7, h_snr = 1e-5;
  int checked = 0;
  for (int i = 0; i < 2000; ++i) {
    const double rho = random_rho(), snr = random_snr();
    if (GetParam() == 1) {
      // The grid's gradient jumps at grid lines: compare only where both differences stay in one cell.
      bool near_knot = false;
      for (double r : grid_.rho) near_knot |= std::abs(rho - r) < 2 * h_rho;
      for (double s : grid_.snr_db) near_knot |= std::abs(snr - s) < 2 * h_snr;
      if (near_knot) continue;
    }
    const QualityGradient g = quality_gradient(model_, rho, snr);
    const double fd_rho =
        (quality_ssim(model_, rho + h_rho, snr) - quality_ssim(model_, rho - h_rho, snr)) / (2 * h_rho);
    const double fd_snr =
        (quality_ssim(model_, rho, snr + h_snr) - quality_ssim(model_, rho, snr - h_snr)) / (2 * h_snr);
    EXPECT_NEAR(g.d_rho, fd_rho, 1e-6 * std::max(1.0, std::abs(fd_rho))) << rho << " " << snr;
    EXPECT_NEAR(g.d_snr_db, fd_snr, 1e-7) << rho << " " << snr;
    ++checked;
  }
  EXPECT_GT(checked, 1900);
}

INSTANTIATE_TEST_SUITE_P(Kinds, QualityProperties, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == 0 ? "Logistic" : "Grid");
                         });

// Hand-computed check values of the default surface (MODEL §5.1).
TEST(LogisticDefaults, CheckValues) {
  const QualityModel m;  // logistic, defaults
  // ρ = 1/40: u = 0, a = 0.35, b = 0.70; at γ = c the value is (a + b)/2.
  EXPECT_NEAR(quality_ssim(m, 1.0 / 40, -2.0), 0.525, 1e-15);
  // ρ = 1/4: u = 1, a = 0.50, b = 0.97.
  EXPECT_NEAR(quality_ssim(m, 0.25, -2.0), 0.735, 1e-15);
  // Γ(0.6; 1/40) = c − w ln((b − a)/(ξ − a) − 1) = −2 − 2.5 ln(0.35/0.25 − 1) = −2 − 2.5 ln 0.4.
  const RequiredSnr r = quality_required_snr_db(m, 0.6, 1.0 / 40);
  ASSERT_TRUE(r.reachable);
  EXPECT_NEAR(r.snr_db, -2.0 - 2.5 * std::log(0.4), 1e-12);
  // At or below the floor any SNR will do; at or above the ceiling none.
  const RequiredSnr low = quality_required_snr_db(m, 0.35, 1.0 / 40);
  EXPECT_TRUE(low.reachable);
  EXPECT_EQ(low.snr_db, -INFINITY);
  EXPECT_FALSE(quality_required_snr_db(m, 0.70, 1.0 / 40).reachable);
  const QualityDomain d = quality_domain(m);
  EXPECT_EQ(d.rho_min, 1.0 / 40);
  EXPECT_EQ(d.rho_max, 0.25);
  EXPECT_EQ(d.snr_db_min, -INFINITY);
  EXPECT_EQ(d.snr_db_max, INFINITY);
}

}  // namespace
}  // namespace leosem
