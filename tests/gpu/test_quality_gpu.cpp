// The CUDA quality evaluation against the host (cpu backend), for both model kinds, on random
// inputs that cover the inside and the outside of the grid and reachable and unreachable targets.
// Host and device run the same code (no FMA contraction on the device); the log/exp of the two
// math libraries may differ in the last bits, hence a relative tolerance rather than equality.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backends/channel_batch.hpp"
#include "backends/quality_batch.hpp"
#include "quality/grid_model.hpp"

namespace leosem {
namespace {

GridQualityData default_surface_grid() {
  const LogisticQuality m;
  std::vector<double> rho = {1.0 / 40, 1.0 / 20, 1.0 / 16, 1.0 / 12, 1.0 / 8, 1.0 / 4}, snr, ssim;
  for (double s = -10.0; s <= 20.0; s += 2.5) snr.push_back(s);
  for (double r : rho)
    for (double s : snr) ssim.push_back(logistic_ssim(m, r, s));
  return make_grid_quality(rho, snr, ssim, 0.0, "gpu-test");
}

QualityBatchInput random_input(size_t count) {
  std::mt19937_64 rng(424242);
  std::uniform_real_distribution<double> log_rho(std::log(0.015), std::log(0.4)), snr(-20.0, 30.0), xi(0.2, 1.0);
  QualityBatchInput in;
  for (size_t i = 0; i < count; ++i) {
    in.rho.push_back(std::exp(log_rho(rng)));
    in.snr_db.push_back(snr(rng));
    in.ssim_target.push_back(xi(rng));
  }
  return in;
}

void expect_same(const QualityBatchOutput& host, const QualityBatchOutput& device) {
  ASSERT_EQ(host.ssim.size(), device.ssim.size());
  auto near = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(a)); };
  int reachable = 0;
  for (size_t i = 0; i < host.ssim.size(); ++i) {
    EXPECT_TRUE(near(host.ssim[i], device.ssim[i])) << i << ": " << host.ssim[i] << " vs " << device.ssim[i];
    EXPECT_TRUE(near(host.d_rho[i], device.d_rho[i])) << i;
    EXPECT_TRUE(near(host.d_snr_db[i], device.d_snr_db[i])) << i;
    ASSERT_EQ(host.reachable[i], device.reachable[i]) << i;
    if (host.reachable[i] && std::isfinite(host.required_snr_db[i])) {
      EXPECT_TRUE(near(host.required_snr_db[i], device.required_snr_db[i])) << i;
      ++reachable;
    }
  }
  EXPECT_GT(reachable, 0);
  EXPECT_LT(reachable, static_cast<int>(host.ssim.size()));  // both cases covered
}

TEST(QualityGpu, LogisticMatchesHost) {
  ASSERT_TRUE(cuda_compiled());
  ASSERT_FALSE(cuda_device_names().empty()) << "no CUDA device";
  const QualityModel model;
  const QualityBatchInput in = random_input(100000);
  expect_same(quality_eval_cpu(model, in), quality_eval_cuda(model, in));
}

TEST(QualityGpu, GridMatchesHost) {
  ASSERT_TRUE(cuda_compiled());
  ASSERT_FALSE(cuda_device_names().empty()) << "no CUDA device";
  const GridQualityData grid = default_surface_grid();
  QualityModel model;
  model.kind = QualityKind::Grid;
  model.grid = grid.view();
  const QualityBatchInput in = random_input(100000);
  expect_same(quality_eval_cpu(model, in), quality_eval_cuda(model, in));
}

TEST(QualityGpu, EmptyAndMismatchedInputs) {
  const QualityModel model;
  EXPECT_TRUE(quality_eval_cuda(model, QualityBatchInput{}).ssim.empty());
  QualityBatchInput bad = random_input(3);
  bad.ssim_target.pop_back();
  EXPECT_THROW(quality_eval_cuda(model, bad), std::invalid_argument);
}

}  // namespace
}  // namespace leosem
