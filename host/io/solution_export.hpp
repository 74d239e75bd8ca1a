// Export of one instance's solutions (`leosem solve --output`) to HDF5; layout in
// docs/solve-output.md.
#pragma once
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "scenario/config.hpp"
#include "solvers/solution.hpp"

namespace leosem {

// `names[a]` is the algorithm that produced `solutions[a]` (the group name in the file).
void export_solutions_hdf5(const std::string& path, const ScenarioConfig& config, uint32_t instance_index,
                           const Instance& inst, const std::vector<std::string>& names,
                           const std::vector<Solution>& solutions);

}  // namespace leosem
