#include "sweep/solver_evaluator.hpp"

#include <cmath>
#include <memory>

#include "solvers/solve.hpp"

namespace leosem {

std::vector<std::string> sweep_algorithm_names() {
  std::vector<std::string> names;
  for (Algorithm a : {Algorithm::Jcrra, Algorithm::GreedyJscc, Algorithm::GreedyJpeg, Algorithm::Exact, Algorithm::Mcf})
    names.push_back(to_string(a));
  return names;
}

EvaluatorFactory solver_evaluator_factory() {
  return [](const ScenarioConfig& config, const std::vector<std::string>& names) -> InstanceEvaluator {
    // This point's configuration, owned here: the inputs' views point into this copy.
    auto owned = std::make_shared<const ScenarioConfig>(config);
    auto inputs = std::make_shared<const SolverInputs>(make_solver_inputs(*owned));
    std::vector<Algorithm> algorithms;
    for (const std::string& name : names) algorithms.push_back(parse_algorithm(name));
    return [owned, inputs, algorithms](const Instance& inst) {
      std::vector<StoredResult> out;
      for (Algorithm a : algorithms) {
        const Solution s = solve(a, inst, *inputs);
        const bool feasible = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
        out.push_back({feasible ? s.total_power_w : std::nan(""), static_cast<int8_t>(s.status), s.iterations});
      }
      return out;
    };
  };
}

}  // namespace leosem
