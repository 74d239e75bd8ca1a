// Device discovery for the CUDA backend (backends/cuda_device.hpp).
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "backends/cuda_device.hpp"

namespace leosem {

bool cuda_compiled() { return true; }

std::vector<std::string> cuda_device_names() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) return {};
  std::vector<std::string> names;
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, d) == cudaSuccess)
      names.push_back(std::string(prop.name) + " (sm_" + std::to_string(prop.major) +
                      std::to_string(prop.minor) + ")");
  }
  return names;
}

}  // namespace leosem
