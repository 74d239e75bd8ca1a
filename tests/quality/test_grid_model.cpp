// The measured-grid model: loading and checks (complete grid, values in (0, 1), monotone within
// the tolerance, errors naming the point), exact reproduction of grid points, and the decided
// behaviour outside the grid (value clamped; inverse limited to the measured SNR range).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "quality/grid_model.hpp"
#include "quality/quality_model.hpp"
#include "quality_test_util.hpp"

namespace leosem {
namespace {

// A CSV text of a grid, rows in a shuffled order (the loader must not depend on it).
std::string grid_csv(const GridQualityData& g, unsigned seed = 7) {
  std::vector<std::string> rows;
  const size_t cols = g.snr_db.size();
  for (size_t i = 0; i < g.rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j) {
      char line[128];
      std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g", g.rho[i], g.snr_db[j], g.ssim[i * cols + j]);
      rows.push_back(line);
    }
  std::shuffle(rows.begin(), rows.end(), std::mt19937(seed));
  std::string text = "# synthetic grid: the default logistic surface\nrho,snr_db,ssim\n";
  for (const auto& r : rows) text += r + "\n";
  return text;
}

std::string load_error(const std::string& text, double tolerance = kDefaultGridMonotoneTolerance) {
  test::TempDir dir;
  try {
    load_grid_quality_csv(dir.write("grid.csv", text), tolerance);
  } catch (const QualityDataError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(GridModel, LoadsShuffledCsvAndReproducesGridPoints) {
  const GridQualityData source = test::logistic_grid();
  test::TempDir dir;
  const GridQualityData g = load_grid_quality_csv(dir.write("grid.csv", grid_csv(source)));
  ASSERT_EQ(g.rho, source.rho);
  ASSERT_EQ(g.snr_db, source.snr_db);
  ASSERT_EQ(g.ssim, source.ssim);  // a monotone grid is kept exactly
  QualityModel m;
  m.kind = QualityKind::Grid;
  m.grid = g.view();
  const size_t cols = g.snr_db.size();
  for (size_t i = 0; i < g.rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j) EXPECT_EQ(quality_ssim(m, g.rho[i], g.snr_db[j]), g.ssim[i * cols + j]);
  const QualityDomain d = quality_domain(m);
  EXPECT_EQ(d.rho_min, g.rho.front());
  EXPECT_EQ(d.rho_max, g.rho.back());
  EXPECT_EQ(d.snr_db_min, -10.0);
  EXPECT_EQ(d.snr_db_max, 20.0);
}

TEST(GridModel, InterpolatesBilinearlyInLogRhoAndDb) {
  // 2 x 2 grid: the value at the centre of the cell in (ln ρ, dB) is the mean of the corners.
  const GridQualityData g = make_grid_quality({0.05, 0.2}, {0.0, 10.0}, {0.3, 0.5, 0.4, 0.8});
  QualityModel m;
  m.kind = QualityKind::Grid;
  m.grid = g.view();
  EXPECT_NEAR(quality_ssim(m, 0.1, 5.0), (0.3 + 0.5 + 0.4 + 0.8) / 4, 1e-15);  // 0.1 = geometric mean
  EXPECT_NEAR(quality_ssim(m, 0.05, 2.5), 0.35, 1e-15);
  const QualityGradient grad = quality_gradient(m, 0.05, 2.5);
  EXPECT_NEAR(grad.d_snr_db, 0.02, 1e-15);
  EXPECT_NEAR(grad.d_rho, (0.75 * 0.1 + 0.25 * 0.3) / (0.05 * std::log(4.0)), 1e-12);
  // The inverse at the cell centre's ρ solves the linear piece: column values 0.35 and 0.65.
  const RequiredSnr r = quality_required_snr_db(m, 0.5, 0.1);
  ASSERT_TRUE(r.reachable);
  EXPECT_NEAR(r.snr_db, 5.0, 1e-12);
}

TEST(GridModel, OutsideTheGridValuesClampAndInverseStaysInMeasuredRange) {
  const GridQualityData g = test::logistic_grid();
  QualityModel m;
  m.kind = QualityKind::Grid;
  m.grid = g.view();
  // Value: clamped to the nearest edge, zero gradient across it.
  EXPECT_EQ(quality_ssim(m, 0.1, -30.0), quality_ssim(m, 0.1, -10.0));
  EXPECT_EQ(quality_ssim(m, 0.1, 45.0), quality_ssim(m, 0.1, 20.0));
  EXPECT_EQ(quality_ssim(m, 0.01, 3.0), quality_ssim(m, 1.0 / 40, 3.0));
  EXPECT_EQ(quality_ssim(m, 0.9, 3.0), quality_ssim(m, 0.25, 3.0));
  EXPECT_EQ(quality_gradient(m, 0.1, -30.0).d_snr_db, 0.0);
  EXPECT_EQ(quality_gradient(m, 0.1, 45.0).d_snr_db, 0.0);
  EXPECT_EQ(quality_gradient(m, 0.01, 3.0).d_rho, 0.0);
  EXPECT_EQ(quality_gradient(m, 0.9, 3.0).d_rho, 0.0);
  // Inverse: a target met already at the lowest measured SNR gives that SNR, not less.
  const double floor = quality_ssim(m, 0.1, -10.0);
  const RequiredSnr low = quality_required_snr_db(m, floor - 0.05, 0.1);
  ASSERT_TRUE(low.reachable);
  EXPECT_EQ(low.snr_db, -10.0);
  const RequiredSnr at = quality_required_snr_db(m, floor, 0.1);
  ASSERT_TRUE(at.reachable);
  EXPECT_EQ(at.snr_db, -10.0);
  // Above what was measured at the top SNR: unreachable, even just above it.
  const double top = quality_ssim(m, 0.1, 20.0);
  EXPECT_TRUE(quality_required_snr_db(m, top, 0.1).reachable);
  EXPECT_NEAR(quality_required_snr_db(m, top, 0.1).snr_db, 20.0, 1e-9);
  EXPECT_FALSE(quality_required_snr_db(m, top + 1e-12, 0.1).reachable);
}

TEST(GridModel, RejectsNonMonotoneGridNamingThePoint) {
  GridQualityData g = test::logistic_grid();
  const size_t cols = g.snr_db.size();
  // ρ = 1/16 (row 2), SNR 5 dB (column 6): drop it below its left neighbour by 0.01.
  g.ssim[2 * cols + 6] = g.ssim[2 * cols + 5] - 0.01;
  const std::string snr_error = load_error(grid_csv(g));
  EXPECT_NE(snr_error.find("not monotone in snr_db"), std::string::npos) << snr_error;
  EXPECT_NE(snr_error.find("(rho=0.0625, snr_db=5)"), std::string::npos) << snr_error;
  EXPECT_NE(snr_error.find("(rho=0.0625, snr_db=2.5)"), std::string::npos) << snr_error;

  GridQualityData h = test::logistic_grid();
  // ρ = 1/8 (row 4) at -10 dB (column 0) below ρ = 1/12 there (still below its SNR neighbour).
  h.ssim[4 * cols] = h.ssim[3 * cols] - 0.01;
  const std::string rho_error = load_error(grid_csv(h));
  EXPECT_NE(rho_error.find("not monotone in rho"), std::string::npos) << rho_error;
  EXPECT_NE(rho_error.find("ssim at (rho=0.125, snr_db=-10)"), std::string::npos) << rho_error;
  EXPECT_NE(rho_error.find("below ssim at (rho=0.08333333333, snr_db=-10)"), std::string::npos) << rho_error;
}

TEST(GridModel, DipWithinToleranceLoadsAsLowerMonotoneEnvelope) {
  GridQualityData g = test::logistic_grid();
  const size_t cols = g.snr_db.size();
  // ρ = 1/16 (row 2): the top SNR's value 5e-4 (< 1e-3) below the one before, where the
  // surface is nearly flat, so the ρ order is kept.
  const size_t last = cols - 1;
  const double dip = g.ssim[2 * cols + last - 1] - 0.0005;
  g.ssim[2 * cols + last] = dip;
  test::TempDir dir;
  const GridQualityData loaded = load_grid_quality_csv(dir.write("grid.csv", grid_csv(g)));
  // The envelope lowers the points of that row above the dip to it (never promises more than
  // measured: here 15 and 17.5 dB) and leaves every other point as it was.
  EXPECT_EQ(loaded.ssim[2 * cols + last - 1], dip);
  int lowered = 0;
  for (size_t i = 0; i < g.rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j) {
      const double expected = i == 2 ? std::min(g.ssim[i * cols + j], dip) : g.ssim[i * cols + j];
      EXPECT_EQ(loaded.ssim[i * cols + j], expected) << i << " " << j;
      lowered += loaded.ssim[i * cols + j] != g.ssim[i * cols + j];
    }
  EXPECT_EQ(lowered, 2);
  // With a zero tolerance the same dip is an error.
  EXPECT_NE(load_error(grid_csv(g), 0.0).find("not monotone in snr_db"), std::string::npos);
}

TEST(GridModel, RejectsMalformedFiles) {
  const std::string header = "rho,snr_db,ssim\n";
  auto expect_error = [&](const std::string& text, const std::string& part) {
    const std::string error = load_error(text);
    EXPECT_NE(error.find(part), std::string::npos) << "error: " << error << "\nexpected: " << part;
  };
  expect_error("rho,snr,ssim\n0.1,0,0.5\n", "header is 'rho,snr,ssim', expected 'rho,snr_db,ssim'");
  expect_error(header, "no grid points");
  expect_error(header + "0.1,0,0.5\n0.1,5,0.6\n0.2,0,0.55\n", "incomplete grid: no row for (rho=0.2, snr_db=5)");
  expect_error(header + "0.1,0,0.5\n0.1,0,0.6\n", ":3: grid point (rho=0.1, snr_db=0) repeats line 2");
  expect_error(header + "0.1,0,0.5\n0.1,5,1.0\n0.2,0,0.55\n0.2,5,0.9\n", "ssim at (rho=0.1, snr_db=5) = 1 is outside (0, 1)");
  expect_error(header + "0.1,0,0\n0.1,5,0.6\n0.2,0,0.55\n0.2,5,0.9\n", "is outside (0, 1)");
  expect_error(header + "0.1,0,0.5\n0.1,x,0.6\n", ":3: field 2: 'x' is not a finite number");
  expect_error(header + "0.1,0,0.5,7\n", "4 fields, expected 3");
  expect_error(header + "0.1,0,0.5\n0.1,5,0.6\n", "at least 2 distinct rho values");
  expect_error(header + "-0.1,0,0.5\n-0.1,5,0.6\n0.2,0,0.55\n0.2,5,0.9\n", "rho -0.1 must be > 0");
  EXPECT_NE(load_error("").find("no header line"), std::string::npos);
  EXPECT_THROW(load_grid_quality_csv("/nonexistent/grid.csv"), QualityDataError);
}

}  // namespace
}  // namespace leosem
