// The sweep engine's link to the solvers: the algorithm names a sweep may list (the batched
// backends of backends/sweep_batch.hpp run them).
#pragma once
#include <string>
#include <vector>

namespace leosem {

std::vector<std::string> sweep_algorithm_names();

}  // namespace leosem
