// Batched channel-gain evaluation: gains of `count` instances (seed, point, first..first+count-1),
// laid out [instance][k][n][t]. Backends: cpu (OpenMP over (instance, UE, slot)) and cuda
// (cuda/channel_gains.cu); both call gains_for_ue_slot, the per-instance code of model/channel.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario_params.hpp"

namespace leosem {

struct InstanceRange {
  uint64_t seed;
  uint32_t point;
  uint32_t first_instance;
  uint32_t count;
};

std::vector<double> channel_gains_cpu(const ScenarioParams& params, const InstanceRange& range);

// CUDA backend; when it was not compiled in, cuda_compiled() is false and the others throw.
bool cuda_compiled();
std::vector<std::string> cuda_device_names();  // empty when no device is visible
std::vector<double> channel_gains_cuda(const ScenarioParams& params, const InstanceRange& range);

}  // namespace leosem
