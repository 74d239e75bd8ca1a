// Batched evaluation of a quality model over arrays of inputs: value and gradient at
// (rho[i], snr_db[i]) and the required SNR Γ(ssim_target[i]; rho[i]). Backends: cpu (OpenMP) and
// cuda (cuda/quality_eval.cu; cuda/quality_stub.cpp when not compiled in); both call
// quality_eval_item, the per-item code of quality/quality_model.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/hostdev.hpp"
#include "quality/quality_model.hpp"

namespace leosem {

struct QualityBatchInput {
  std::vector<double> rho;
  std::vector<double> snr_db;
  std::vector<double> ssim_target;  // same length as rho and snr_db
};

struct QualityBatchOutput {
  std::vector<double> ssim;
  std::vector<double> d_rho;
  std::vector<double> d_snr_db;
  std::vector<double> required_snr_db;  // NaN where unreachable
  std::vector<uint8_t> reachable;       // 1 / 0
};

// Raw pointers to one batch's arrays, for kernels.
struct QualityBatchPointers {
  const double* rho;
  const double* snr_db;
  const double* ssim_target;
  double* ssim;
  double* d_rho;
  double* d_snr_db;
  double* required_snr_db;
  uint8_t* reachable;
};

LEOSEM_HD void quality_eval_item(const QualityModel& model, const QualityBatchPointers& b, size_t i) {
  b.ssim[i] = quality_ssim(model, b.rho[i], b.snr_db[i]);
  const QualityGradient g = quality_gradient(model, b.rho[i], b.snr_db[i]);
  b.d_rho[i] = g.d_rho;
  b.d_snr_db[i] = g.d_snr_db;
  const RequiredSnr r = quality_required_snr_db(model, b.ssim_target[i], b.rho[i]);
  b.reachable[i] = r.reachable ? 1 : 0;
  b.required_snr_db[i] = r.reachable ? r.snr_db : NAN;
}

// Throws std::invalid_argument when the input arrays differ in length.
QualityBatchOutput quality_eval_cpu(const QualityModel& model, const QualityBatchInput& input);

// CUDA backend (the model's grid arrays are copied to the device for the call); throws when
// CUDA was not compiled in (see cuda_compiled() in backends/channel_batch.hpp).
QualityBatchOutput quality_eval_cuda(const QualityModel& model, const QualityBatchInput& input);

// Sizes the output for `count` items; shared by the backends.
inline QualityBatchOutput make_quality_batch_output(size_t count) {
  QualityBatchOutput out;
  out.ssim.resize(count);
  out.d_rho.resize(count);
  out.d_snr_db.resize(count);
  out.required_snr_db.resize(count);
  out.reachable.resize(count);
  return out;
}

}  // namespace leosem
