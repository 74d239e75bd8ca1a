// The sweep engine's link to the solvers: the algorithm names a sweep may list, and the
// evaluator that runs them on an instance through solvers/solve.hpp.
#pragma once
#include <string>
#include <vector>

#include "sweep/runner.hpp"

namespace leosem {

std::vector<std::string> sweep_algorithm_names();
EvaluatorFactory solver_evaluator_factory();

}  // namespace leosem
