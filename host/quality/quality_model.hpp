// Image-quality models (MODEL.md §5.1): expected SSIM f(ρ, γ_dB) of the JSCC, its gradient and
// its inverse in SNR Γ(ξ; ρ). Host-device and POD, so solvers and CUDA kernels take it by value.
// Kinds: the default logistic family [chosen], and a measured grid (quality/grid_model.*).
#pragma once
#include <cmath>

#include "core/hostdev.hpp"
#include "quality/grid_model.hpp"
#include "quality/quality_types.hpp"

namespace leosem {

// ---- logistic family ----

LEOSEM_HD double logistic_u(const LogisticQuality& m, double rho) {
  return log(rho / m.rho_min) / log(m.rho_max / m.rho_min);
}

LEOSEM_HD double logistic_ssim(const LogisticQuality& m, double rho, double snr_db) {
  const double u = logistic_u(m, rho);
  const double a = m.floor_base + m.floor_slope * u;
  const double b = m.ceiling_base + m.ceiling_slope * u;
  return a + (b - a) / (1.0 + exp(-(snr_db - m.centre_db) / m.width_db));
}

LEOSEM_HD QualityGradient logistic_gradient(const LogisticQuality& m, double rho, double snr_db) {
  const double u = logistic_u(m, rho);
  const double du_drho = 1.0 / (rho * log(m.rho_max / m.rho_min));
  const double a = m.floor_base + m.floor_slope * u;
  const double b = m.ceiling_base + m.ceiling_slope * u;
  const double s = 1.0 / (1.0 + exp(-(snr_db - m.centre_db) / m.width_db));  // sigmoid
  QualityGradient g;
  g.d_rho = (m.floor_slope + (m.ceiling_slope - m.floor_slope) * s) * du_drho;
  g.d_snr_db = (b - a) * s * (1.0 - s) / m.width_db;
  return g;
}

// Γ(ξ; ρ) = c − w·ln((b − a)/(ξ − a) − 1) for a < ξ < b, else unreachable.
LEOSEM_HD RequiredSnr logistic_required_snr_db(const LogisticQuality& m, double ssim_target, double rho) {
  const double u = logistic_u(m, rho);
  const double a = m.floor_base + m.floor_slope * u;
  const double b = m.ceiling_base + m.ceiling_slope * u;
  if (ssim_target >= b) return {false, 0.0};
  if (ssim_target <= a) return {true, -INFINITY};  // met at any SNR
  return {true, m.centre_db - m.width_db * log((b - a) / (ssim_target - a) - 1.0)};
}

// ---- dispatch over kinds: the only entry points solvers and kernels use ----

LEOSEM_HD double quality_ssim(const QualityModel& m, double rho, double snr_db) {
  if (m.kind == QualityKind::Logistic) return logistic_ssim(m.logistic, rho, snr_db);
  return grid_ssim(m.grid, rho, snr_db);
}

LEOSEM_HD QualityGradient quality_gradient(const QualityModel& m, double rho, double snr_db) {
  if (m.kind == QualityKind::Logistic) return logistic_gradient(m.logistic, rho, snr_db);
  return grid_gradient(m.grid, rho, snr_db);
}

LEOSEM_HD RequiredSnr quality_required_snr_db(const QualityModel& m, double ssim_target, double rho) {
  if (m.kind == QualityKind::Logistic) return logistic_required_snr_db(m.logistic, ssim_target, rho);
  return grid_required_snr_db(m.grid, ssim_target, rho);
}

// The logistic family is defined for ρ in [rho_min, rho_max] (u in [0, 1]) and every SNR; a grid
// for the box it was measured on (outside it the value is clamped, see quality/grid_model.hpp).
LEOSEM_HD QualityDomain quality_domain(const QualityModel& m) {
  if (m.kind == QualityKind::Logistic)
    return {m.logistic.rho_min, m.logistic.rho_max, -INFINITY, INFINITY};
  return grid_domain(m.grid);
}

}  // namespace leosem
