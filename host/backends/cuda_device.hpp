// Device discovery: whether the CUDA backend was compiled in, and which devices are visible.
// Defined by cuda/cuda_device.cu, or by the stub (cuda/cuda_stub.cpp) when CUDA is off.
#pragma once
#include <string>
#include <vector>

namespace leosem {

bool cuda_compiled();
std::vector<std::string> cuda_device_names();  // "name (sm_XY)"; empty when no device is visible

}  // namespace leosem
