#include "solvers/solution.hpp"

namespace leosem {

const char* to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::Optimal: return "optimal";
    case SolveStatus::Feasible: return "feasible";
    case SolveStatus::Unsolved: return "unsolved";
    default: return "infeasible";
  }
}

}  // namespace leosem
