// The measured-grid quality model (MODEL.md §5.1): E[SSIM] measured on a (ρ, γ_dB) grid, e.g. a
// user's own trained JSCC. Two halves:
//  - host-device functions on the POD GridQualityView (value, gradient, exact inverse), used by
//    quality_ssim / quality_gradient / quality_required_snr_db of quality/quality_model.hpp;
//  - the host owner GridQualityData, loaded from CSV and checked (grid_model.cpp).
//
// Interpolation: bilinear in (ln ρ, γ_dB) inside each grid cell. ln ρ because the compression
// options are spread geometrically (1/40 .. 1/4). Bilinear interpolation of a grid that is
// non-decreasing along both axes is non-decreasing along both axes (each partial derivative is a
// convex combination of grid differences), and its values are convex combinations of grid
// values, so they stay in (0, 1).
// Smoothness: continuous (C0) everywhere; smooth inside a cell; the gradient jumps across grid
// lines. At a grid line the gradient is that of the cell above it (the right-hand derivative;
// at the top edge, the last cell's), so a gradient-based solver sees a valid one-sided slope.
// Outside the grid (decided here, tested in tests/quality/test_grid_model.cpp):
//  - the value is clamped: ρ and γ_dB are moved to the nearest grid edge (constant extension,
//    zero gradient across that edge);
//  - the inverse Γ(ξ; ρ) only answers inside the measured SNR range: ξ above the measured
//    maximum at this ρ is unreachable; ξ at or below the value at the lowest measured SNR gives
//    that lowest SNR (we never claim a quality at an SNR nobody measured).
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/hostdev.hpp"
#include "quality/quality_types.hpp"

namespace leosem {

// ---- host-device: interpolation on the view ----

// Index i of the cell [x[i], x[i+1]] that holds v, clamped to 0..count-2 (count >= 2); at an
// interior knot, the cell above it.
LEOSEM_HD int grid_cell_index(const double* x, int count, double v) {
  int lo = 0, hi = count - 1;  // the answer is in [lo, hi - 1]
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

// Position of v in [lo, hi] as a weight in [0, 1], clamped outside.
LEOSEM_HD double grid_weight(double lo, double hi, double v) {
  if (v <= lo) return 0.0;
  if (v >= hi) return 1.0;
  return (v - lo) / (hi - lo);
}

// The ρ-interpolation of one ρ: the cell i and the weight t of row i + 1 (linear in ln ρ), and
// dt/dρ (0 outside the grid, where the value is clamped).
struct GridRhoWeight {
  int cell;
  double weight;
  double dweight_drho;
};

LEOSEM_HD GridRhoWeight grid_rho_weight(const GridQualityView& g, double rho) {
  GridRhoWeight w;
  w.cell = grid_cell_index(g.rho, g.rho_count, rho);
  const double log_lo = log(g.rho[w.cell]);
  const double log_hi = log(g.rho[w.cell + 1]);
  const bool inside = rho >= g.rho[0] && rho <= g.rho[g.rho_count - 1];
  w.weight = inside ? grid_weight(log_lo, log_hi, log(rho)) : (rho < g.rho[0] ? 0.0 : 1.0);
  w.dweight_drho = inside ? 1.0 / (rho * (log_hi - log_lo)) : 0.0;
  return w;
}

// E[SSIM] at SNR column j, interpolated between rows cell and cell + 1 with weight t.
LEOSEM_HD double grid_column_value(const GridQualityView& g, const GridRhoWeight& w, int j) {
  const double* row_lo = g.ssim + static_cast<long>(w.cell) * g.snr_count;
  const double* row_hi = row_lo + g.snr_count;
  return (1.0 - w.weight) * row_lo[j] + w.weight * row_hi[j];
}

LEOSEM_HD double grid_ssim(const GridQualityView& g, double rho, double snr_db) {
  const GridRhoWeight w = grid_rho_weight(g, rho);
  const int j = grid_cell_index(g.snr_db, g.snr_count, snr_db);
  const double s = grid_weight(g.snr_db[j], g.snr_db[j + 1], snr_db);
  return (1.0 - s) * grid_column_value(g, w, j) + s * grid_column_value(g, w, j + 1);
}

LEOSEM_HD QualityGradient grid_gradient(const GridQualityView& g, double rho, double snr_db) {
  const GridRhoWeight w = grid_rho_weight(g, rho);
  const int j = grid_cell_index(g.snr_db, g.snr_count, snr_db);
  const double snr_lo = g.snr_db[j], snr_hi = g.snr_db[j + 1];
  const double s = grid_weight(snr_lo, snr_hi, snr_db);
  const bool snr_inside = snr_db >= g.snr_db[0] && snr_db <= g.snr_db[g.snr_count - 1];
  const double* row_lo = g.ssim + static_cast<long>(w.cell) * g.snr_count;
  const double* row_hi = row_lo + g.snr_count;
  const double df_dweight = (1.0 - s) * (row_hi[j] - row_lo[j]) + s * (row_hi[j + 1] - row_lo[j + 1]);
  QualityGradient grad;
  grad.d_rho = df_dweight * w.dweight_drho;
  grad.d_snr_db =
      snr_inside ? (grid_column_value(g, w, j + 1) - grid_column_value(g, w, j)) / (snr_hi - snr_lo) : 0.0;
  return grad;
}

// Γ(ξ; ρ): at fixed ρ the interpolant is piecewise linear in γ_dB with knots at the grid's SNRs,
// so the least SNR reaching ξ is found exactly by solving the linear piece of the first knot
// whose value reaches ξ (no iteration).
LEOSEM_HD RequiredSnr grid_required_snr_db(const GridQualityView& g, double ssim_target, double rho) {
  const GridRhoWeight w = grid_rho_weight(g, rho);
  double previous = grid_column_value(g, w, 0);
  if (ssim_target <= previous) return {true, g.snr_db[0]};
  for (int j = 1; j < g.snr_count; ++j) {
    const double value = grid_column_value(g, w, j);
    if (value >= ssim_target) {
      // previous < ξ <= value, so value > previous: no division by zero.
      const double fraction = (ssim_target - previous) / (value - previous);
      return {true, g.snr_db[j - 1] + fraction * (g.snr_db[j] - g.snr_db[j - 1])};
    }
    previous = value;
  }
  return {false, NAN};
}

LEOSEM_HD QualityDomain grid_domain(const GridQualityView& g) {
  return {g.rho[0], g.rho[g.rho_count - 1], g.snr_db[0], g.snr_db[g.snr_count - 1]};
}

// ---- host: the owner, loading and checks (grid_model.cpp) ----

struct QualityDataError : InputError {
  using InputError::InputError;
};

// Default tolerance of the monotonicity check, in SSIM: a measured E[SSIM] may fall by this
// much from one grid point to the next (measurement noise) and still load.
constexpr double kDefaultGridMonotoneTolerance = 1e-3;
// Accepts any dip (values are in (0, 1)): what the fit uses, since it fits a monotone family to
// the values as measured and needs no monotone surface.
constexpr double kAnyGridDip = 1.0;

struct GridQualityData {
  std::vector<double> rho;     // ascending, > 0
  std::vector<double> snr_db;  // ascending
  std::vector<double> ssim;    // [i_rho * snr_db.size() + i_snr], in (0, 1), non-decreasing in both axes
  std::vector<double> ssim_measured;  // the same before the monotone envelope (what the fit uses)
  std::string origin;          // the file it came from, for messages

  GridQualityView view() const {
    return {rho.data(), snr_db.data(), ssim.data(), static_cast<int>(rho.size()), static_cast<int>(snr_db.size())};
  }
};

// Checks a grid given as arrays: axes strictly ascending with at least 2 points each, ρ > 0,
// every value finite and in (0, 1), non-decreasing along ρ and along SNR within `tolerance`
// (in [0, 1]; kAnyGridDip skips the check).
// Small dips (within the tolerance) are replaced by the lower monotone envelope (each value
// becomes the least value at any higher ρ and SNR), which never promises more quality than was
// measured; a grid without dips is kept exactly. Throws QualityDataError naming the point.
GridQualityData make_grid_quality(std::vector<double> rho, std::vector<double> snr_db, std::vector<double> ssim,
                                  double tolerance = kDefaultGridMonotoneTolerance,
                                  const std::string& origin = "<grid>");

// Reads a grid CSV: '#' comment lines, the header `rho,snr_db,ssim`, then one row per grid point
// in any order; every (rho, snr_db) pair of the grid exactly once. Then make_grid_quality.
GridQualityData load_grid_quality_csv(const std::string& path, double tolerance = kDefaultGridMonotoneTolerance);

}  // namespace leosem
