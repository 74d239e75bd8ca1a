#include <stdexcept>

#include "backends/quality_batch.hpp"

namespace leosem {

QualityBatchOutput quality_eval_cpu(const QualityModel& model, const QualityBatchInput& input) {
  const size_t count = input.rho.size();
  if (input.snr_db.size() != count || input.ssim_target.size() != count)
    throw std::invalid_argument("quality_eval_cpu: rho, snr_db and ssim_target differ in length");
  QualityBatchOutput out = make_quality_batch_output(count);
  const QualityBatchPointers b{input.rho.data(),     input.snr_db.data(),   input.ssim_target.data(),
                               out.ssim.data(),      out.d_rho.data(),      out.d_snr_db.data(),
                               out.required_snr_db.data(), out.reachable.data()};
  const long n = static_cast<long>(count);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) quality_eval_item(model, b, static_cast<size_t>(i));
  return out;
}

}  // namespace leosem
