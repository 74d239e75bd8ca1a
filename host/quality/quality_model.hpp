// Image-quality models (MODEL.md §5.1): expected SSIM f(ρ, γ_dB) of the JSCC, its gradient and
// its inverse in SNR Γ(ξ; ρ). Host-device and POD, so solvers and CUDA kernels take it by value.
// Kinds: the default logistic family [chosen], and a measured grid (quality/grid_model.*).
#pragma once
#include <cmath>

#include "core/hostdev.hpp"

namespace leosem {

enum class QualityKind : int { Logistic = 0, Grid = 1 };

// f = a(ρ) + (b(ρ) − a(ρ)) / (1 + exp(−(γ_dB − c)/w)), u = ln(ρ/ρ_min)/ln(ρ_max/ρ_min),
// a(ρ) = a0 + a1·u, b(ρ) = b0 + b1·u (MODEL §5.1; defaults below).
struct LogisticQuality {
  double floor_base = 0.35;     // a0
  double floor_slope = 0.15;    // a1
  double ceiling_base = 0.70;   // b0
  double ceiling_slope = 0.27;  // b1
  double centre_db = -2.0;      // c
  double width_db = 2.5;        // w
  double rho_min = 1.0 / 40;    // ρ at u = 0
  double rho_max = 1.0 / 4;     // ρ at u = 1
};

// A measured grid of E[SSIM] over (ρ, γ_dB), owned on the host by GridQualityData
// (quality/grid_model.hpp); this is a non-owning view of its arrays.
struct GridQualityView {
  const double* rho = nullptr;     // ascending, rho_count entries
  const double* snr_db = nullptr;  // ascending, snr_count entries
  const double* ssim = nullptr;    // [i_rho * snr_count + i_snr]
  int rho_count = 0;
  int snr_count = 0;
};

struct QualityModel {
  QualityKind kind = QualityKind::Logistic;
  LogisticQuality logistic;
  GridQualityView grid;
};

struct QualityGradient {
  double d_rho;     // ∂f/∂ρ
  double d_snr_db;  // ∂f/∂γ_dB
};

struct RequiredSnr {
  bool reachable;  // false when no SNR in the model's domain reaches ξ at this ρ
  double snr_db;   // least γ_dB with f(ρ, γ_dB) ≥ ξ, when reachable
};

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

}  // namespace leosem

namespace leosem {

// ---- dispatch over kinds: the only entry points solvers and kernels use ----
// The grid branch is implemented in quality/grid_model.hpp (issue 3); until then it reports
// NaN / unreachable so that nothing silently uses an unimplemented model.

LEOSEM_HD double quality_ssim(const QualityModel& m, double rho, double snr_db) {
  if (m.kind == QualityKind::Logistic) return logistic_ssim(m.logistic, rho, snr_db);
  return NAN;
}

LEOSEM_HD QualityGradient quality_gradient(const QualityModel& m, double rho, double snr_db) {
  if (m.kind == QualityKind::Logistic) return logistic_gradient(m.logistic, rho, snr_db);
  return {NAN, NAN};
}

LEOSEM_HD RequiredSnr quality_required_snr_db(const QualityModel& m, double ssim_target, double rho) {
  if (m.kind == QualityKind::Logistic) return logistic_required_snr_db(m.logistic, ssim_target, rho);
  return {false, NAN};
}

}  // namespace leosem
