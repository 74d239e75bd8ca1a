// Stand-in for the CUDA backend when it is not compiled in (as Ginkgo's stub executor).
#include <stdexcept>

#include "backends/cuda_device.hpp"

namespace leosem {

bool cuda_compiled() { return false; }
std::vector<std::string> cuda_device_names() { return {}; }

}  // namespace leosem

#include "backends/sweep_batch.hpp"

namespace leosem {

std::unique_ptr<SweepBatchBackend> make_cuda_backend(int, uint32_t, bool) {
  throw std::runtime_error("the cuda backend: this leosem was built without CUDA (LEOSEM_CUDA=OFF or no nvcc)");
}

}  // namespace leosem
