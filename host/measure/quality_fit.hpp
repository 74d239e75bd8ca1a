// Fitting the logistic family (MODEL.md §5.1) to a measured grid by nonlinear least squares
// (Levenberg-Marquardt, Eigen's unsupported NonLinearOptimization module, analytic Jacobian).
// The fitted parameters: floor_base, floor_slope, ceiling_base, ceiling_slope, centre_db,
// width_db; rho_min and rho_max are the grid's own ρ range (so u spans [0, 1] over the grid).
// It fits the values as measured (GridQualityData::ssim_measured), not their monotone envelope,
// which would bias it low where noise dominates (the flat top of each row).
#pragma once
#include <string>

#include "quality/grid_model.hpp"
#include "quality/quality_model.hpp"

namespace leosem {

struct QualityFit {
  LogisticQuality params;
  double rmse;                 // root-mean-square of f(ρ, γ) − grid over all grid points
  double max_abs_error;        // the largest |f − grid|
  double worst_rho;            // where it occurs
  double worst_snr_db;
  int evaluations;             // of the residual function
  int lm_status;               // Eigen's LevenbergMarquardtSpace::Status
  bool converged;              // lm_status reports a tolerance met
};

// Initial guess from the data (per-row minimum and maximum, the mid-crossing SNR and width),
// then LM. Throws QualityDataError when the iteration does not converge.
QualityFit fit_logistic_quality(const GridQualityData& grid);

// The [quality] section that selects these parameters, preceded by `comment` lines (each given
// line gets a leading "# ").
std::string format_logistic_toml(const LogisticQuality& params, const std::string& comment);

}  // namespace leosem
