// Export of one instance's solutions (`leosem solve --output`) to HDF5; layout in
// docs/solve-output.md.
#pragma once
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "scenario/config.hpp"
#include "solvers/lower_bound.hpp"
#include "solvers/solution.hpp"

namespace leosem {

// `names[a]` is the algorithm that produced `solutions[a]` (the group name in the file). With
// `bound`, the certified lower bound goes into root attributes and `gaps_db[a]` (NaN where not
// applicable) into each group's `certified_gap_db`.
void export_solutions_hdf5(const std::string& path, const ScenarioConfig& config, uint32_t instance_index,
                           const Instance& inst, const std::vector<std::string>& names,
                           const std::vector<Solution>& solutions, const LowerBoundResult* bound = nullptr,
                           const std::vector<double>& gaps_db = {});

}  // namespace leosem
