// Shared helpers of the quality-model tests: a grid sampled from a logistic surface, a temp dir.
#pragma once
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "quality/grid_model.hpp"
#include "quality/quality_model.hpp"
#include "temp_dir.hpp"

namespace leosem::test {

inline std::vector<double> option_ratios() { return {1.0 / 40, 1.0 / 20, 1.0 / 16, 1.0 / 12, 1.0 / 8, 1.0 / 4}; }

// SNR -10..20 dB in `step` steps.
inline std::vector<double> snr_axis(double step = 2.5) {
  std::vector<double> snr;
  for (double s = -10.0; s <= 20.0 + 1e-9; s += step) snr.push_back(s);
  return snr;
}

// The default logistic surface sampled on the option ratios x snr_axis().
inline GridQualityData logistic_grid(const LogisticQuality& m = LogisticQuality{}, double step = 2.5) {
  std::vector<double> rho = option_ratios(), snr = snr_axis(step), ssim;
  for (double r : rho)
    for (double s : snr) ssim.push_back(logistic_ssim(m, r, s));
  return make_grid_quality(rho, snr, ssim, 0.0, "logistic-grid");
}

}  // namespace leosem::test
