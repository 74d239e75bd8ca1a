// Export of one generated instance to HDF5 (layout: docs/hdf5-instance.md).
#pragma once
#include <string>

#include "model/instance.hpp"
#include "scenario/config.hpp"

namespace leosem {

void export_instance_hdf5(const Instance& instance, const ScenarioConfig& config, const std::string& path);

}  // namespace leosem
