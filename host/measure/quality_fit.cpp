#include "measure/quality_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <unsupported/Eigen/NonLinearOptimization>

namespace leosem {
namespace {

constexpr int kParameters = 6;  // a0, a1, b0, b1, c, w

LogisticQuality unpack(const Eigen::VectorXd& x, const GridQualityData& grid) {
  LogisticQuality m;
  m.floor_base = x[0];
  m.floor_slope = x[1];
  m.ceiling_base = x[2];
  m.ceiling_slope = x[3];
  m.centre_db = x[4];
  m.width_db = x[5];
  m.rho_min = grid.rho.front();
  m.rho_max = grid.rho.back();
  return m;
}

// Residuals f(ρ_i, γ_j) − ssim_ij over the grid, and their Jacobian, in Eigen's functor form.
struct Residuals {
  using Scalar = double;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
  using InputType = Eigen::VectorXd;
  using ValueType = Eigen::VectorXd;
  using JacobianType = Eigen::MatrixXd;

  const GridQualityData& grid;
  mutable int evaluations = 0;

  int inputs() const { return kParameters; }
  int values() const { return static_cast<int>(grid.ssim_measured.size()); }

  int operator()(const Eigen::VectorXd& x, Eigen::VectorXd& residual) const {
    ++evaluations;
    const LogisticQuality m = unpack(x, grid);
    const size_t cols = grid.snr_db.size();
    for (size_t i = 0; i < grid.rho.size(); ++i)
      for (size_t j = 0; j < cols; ++j)
        residual[static_cast<Eigen::Index>(i * cols + j)] =
            logistic_ssim(m, grid.rho[i], grid.snr_db[j]) - grid.ssim_measured[i * cols + j];
    return 0;
  }

  int df(const Eigen::VectorXd& x, Eigen::MatrixXd& jacobian) const {
    const LogisticQuality m = unpack(x, grid);
    const size_t cols = grid.snr_db.size();
    for (size_t i = 0; i < grid.rho.size(); ++i) {
      const double u = logistic_u(m, grid.rho[i]);
      const double a = m.floor_base + m.floor_slope * u, b = m.ceiling_base + m.ceiling_slope * u;
      for (size_t j = 0; j < cols; ++j) {
        const double z = (grid.snr_db[j] - m.centre_db) / m.width_db;
        const double s = 1.0 / (1.0 + std::exp(-z));
        const double ds = s * (1.0 - s);  // dσ/dz
        const Eigen::Index r = static_cast<Eigen::Index>(i * cols + j);
        jacobian(r, 0) = 1.0 - s;
        jacobian(r, 1) = u * (1.0 - s);
        jacobian(r, 2) = s;
        jacobian(r, 3) = u * s;
        jacobian(r, 4) = (b - a) * ds * (-1.0 / m.width_db);
        jacobian(r, 5) = (b - a) * ds * (-z / m.width_db);
      }
    }
    return 0;
  }
};

// SNR where a row's normalised value (v − min)/(max − min) first reaches `level` (linear
// interpolation between grid points), or NaN for a flat row.
double crossing_db(const GridQualityData& grid, size_t row, double level) {
  const size_t cols = grid.snr_db.size();
  const double* v = grid.ssim_measured.data() + row * cols;
  const double lo = *std::min_element(v, v + cols), hi = *std::max_element(v, v + cols);
  if (!(hi > lo)) return NAN;
  const double target = lo + level * (hi - lo);
  for (size_t j = 1; j < cols; ++j)
    if (v[j] >= target) {
      const double f = (target - v[j - 1]) / (v[j] - v[j - 1]);
      return grid.snr_db[j - 1] + f * (grid.snr_db[j] - grid.snr_db[j - 1]);
    }
  return grid.snr_db.back();
}

Eigen::VectorXd initial_guess(const GridQualityData& grid) {
  const size_t cols = grid.snr_db.size(), last = grid.rho.size() - 1;
  const double* v = grid.ssim_measured.data();
  auto row_min = [&](size_t i) { return *std::min_element(v + i * cols, v + (i + 1) * cols); };
  auto row_max = [&](size_t i) { return *std::max_element(v + i * cols, v + (i + 1) * cols); };
  Eigen::VectorXd x(kParameters);
  x[0] = row_min(0);
  x[1] = row_min(last) - row_min(0);
  x[2] = row_max(0);
  x[3] = row_max(last) - row_max(0);
  // Centre: the mean mid-crossing SNR over rows; width from the 25 %-75 % distance (2 w ln 3).
  double centre = 0.0, spread = 0.0;
  int rows = 0;
  for (size_t i = 0; i <= last; ++i) {
    const double mid = crossing_db(grid, i, 0.5), q1 = crossing_db(grid, i, 0.25), q3 = crossing_db(grid, i, 0.75);
    if (std::isnan(mid)) continue;
    centre += mid;
    spread += q3 - q1;
    ++rows;
  }
  const double range_db = grid.snr_db.back() - grid.snr_db.front();
  x[4] = rows > 0 ? centre / rows : 0.5 * (grid.snr_db.front() + grid.snr_db.back());
  const double width = rows > 0 ? spread / rows / (2.0 * std::log(3.0)) : 0.0;
  x[5] = width > 1e-3 * range_db ? width : range_db / 8.0;
  return x;
}

}  // namespace

QualityFit fit_logistic_quality(const GridQualityData& grid) {
  Residuals residuals{grid};
  Eigen::VectorXd x = initial_guess(grid);
  Eigen::LevenbergMarquardt<Residuals> lm(residuals);
  lm.parameters.ftol = 1e-14;
  lm.parameters.xtol = 1e-14;
  lm.parameters.maxfev = 2000;
  const Eigen::LevenbergMarquardtSpace::Status status = lm.minimize(x);

  QualityFit fit{};
  fit.params = unpack(x, grid);
  fit.lm_status = static_cast<int>(status);
  fit.evaluations = residuals.evaluations;
  using namespace Eigen::LevenbergMarquardtSpace;
  fit.converged = status == RelativeReductionTooSmall || status == RelativeErrorTooSmall ||
                  status == RelativeErrorAndReductionTooSmall || status == CosinusTooSmall ||
                  status == FtolTooSmall || status == XtolTooSmall || status == GtolTooSmall;
  if (!fit.converged)
    throw QualityDataError(grid.origin + ": the least-squares fit did not converge (Eigen LM status " +
                           std::to_string(fit.lm_status) + " after " + std::to_string(fit.evaluations) +
                           " evaluations)");
  Eigen::VectorXd r(residuals.values());
  residuals(x, r);
  fit.rmse = std::sqrt(r.squaredNorm() / static_cast<double>(r.size()));
  Eigen::Index worst = 0;
  fit.max_abs_error = r.cwiseAbs().maxCoeff(&worst);
  const size_t cols = grid.snr_db.size();
  fit.worst_rho = grid.rho[static_cast<size_t>(worst) / cols];
  fit.worst_snr_db = grid.snr_db[static_cast<size_t>(worst) % cols];
  return fit;
}

std::string format_logistic_toml(const LogisticQuality& m, const std::string& comment) {
  std::ostringstream out;
  std::istringstream lines(comment);
  std::string line;
  while (std::getline(lines, line)) out << "# " << line << "\n";
  auto field = [&](const char* name, double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    std::string number = text;
    if (number.find_first_of(".eEn") == std::string::npos) number += ".0";  // a TOML float
    out << name << " = " << number << "\n";
  };
  out << "[quality]\n";
  out << "jscc_model = \"logistic\"\n";
  field("logistic_floor_base", m.floor_base);
  field("logistic_floor_slope", m.floor_slope);
  field("logistic_ceiling_base", m.ceiling_base);
  field("logistic_ceiling_slope", m.ceiling_slope);
  field("logistic_centre_db", m.centre_db);
  field("logistic_width_db", m.width_db);
  field("logistic_rho_min", m.rho_min);
  field("logistic_rho_max", m.rho_max);
  return out.str();
}

}  // namespace leosem
