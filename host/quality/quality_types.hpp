// Plain types of the image-quality models (MODEL.md §5.1), shared by the logistic family
// (quality/quality_model.hpp) and the measured grid (quality/grid_model.hpp). Include
// quality/quality_model.hpp to use them: it has the functions.
#pragma once

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

// Where a model is defined (from measurements or by construction): quality_domain() gives it.
// Outside it a model still returns a value (the grid clamps, the logistic extrapolates), but
// configurations keep their compression ratios inside.
struct QualityDomain {
  double rho_min, rho_max;        // compression ratios covered
  double snr_db_min, snr_db_max;  // SNRs covered (±infinity for the logistic family)
};

}  // namespace leosem
