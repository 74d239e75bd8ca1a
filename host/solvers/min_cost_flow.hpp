// Exact assignment for fixed options (MODEL.md §6-§7.4): with the options fixed, minimising
// Σ x·Γ_k/g under C1, C2, C7 and the deadlines is a min-cost flow
//   source -> UE k (capacity D_k) -> (k, t) (capacity 1: C2) -> resource (n, t) (capacity 1: C1,
//   cost Γ_k/g[k,n,t], only usable t < T_k) -> sink,
// solved by successive shortest paths (Dijkstra with potentials), exact at any size. The
// per-slot budget is a side constraint the flow cannot express: it is checked afterwards and a
// violation is reported as Unsolved (the budget-constrained optimum is then not proven).
#pragma once
#include <vector>

#include "model/instance.hpp"
#include "quality/quality_model.hpp"
#include "solvers/solution.hpp"

namespace leosem {

// The JSCC problem for the given options (one per UE), exact.
Solution solve_min_cost_flow(const Instance& inst, const QualityModel& quality, const std::vector<int>& options);

}  // namespace leosem
