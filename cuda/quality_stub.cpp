// Stand-in for the CUDA quality evaluation when CUDA is not compiled in (see cuda_stub.cpp).
#include <stdexcept>

#include "backends/quality_batch.hpp"

namespace leosem {

QualityBatchOutput quality_eval_cuda(const QualityModel&, const QualityBatchInput&) {
  throw std::runtime_error("this leosem was built without CUDA (LEOSEM_CUDA=OFF or no nvcc)");
}

}  // namespace leosem
