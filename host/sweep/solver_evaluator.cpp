#include "sweep/solver_evaluator.hpp"

#include "solvers/solve.hpp"

namespace leosem {

std::vector<std::string> sweep_algorithm_names() {
  std::vector<std::string> names;
  for (Algorithm a : {Algorithm::Jcrra, Algorithm::GreedyJscc, Algorithm::GreedyJpeg, Algorithm::Exact, Algorithm::Mcf,
                      Algorithm::LowerBound})
    names.push_back(to_string(a));
  return names;
}

}  // namespace leosem
