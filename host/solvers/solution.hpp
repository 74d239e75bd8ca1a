// What every solver returns for one instance (MODEL.md §7): status, total power, per-UE option
// and resources, the per-resource association and power, iterations and wall time.
#pragma once
#include <string>
#include <vector>

namespace leosem {

enum class SolveStatus : int {
  Optimal = 0,     // proven optimal (exact solvers)
  Feasible = 1,    // a feasible solution, optimality not proven (heuristics, time-limited MILP)
  Infeasible = 2,  // no solution: `reason` says why; no association/power is returned
  Unsolved = 3,    // no solution found and infeasibility not proven (e.g. MILP time limit
                   // reached before any solution, or the min-cost flow broke the per-slot
                   // budget); `reason` says which. No association/power is returned.
};

// Which transmission scheme a solution uses: JSCC (option = compression-ratio index, power by
// Theorem 1) or JPEG (option = JPEG quality index, power by water-filling on Shannon rates).
enum class Scheme : int { Jscc = 0, Jpeg = 1 };

const char* to_string(SolveStatus status);

struct Solution {
  SolveStatus status = SolveStatus::Infeasible;
  std::string reason;           // why infeasible (or notes for a feasible result)
  double total_power_w = 0.0;   // Σ p over all resources
  std::vector<int> option;      // per UE: index l into the compression ratios (or JPEG quality index)
  std::vector<int> resources;   // per UE: number of (SC, slot) resources used
  std::vector<int> assigned_ue; // per resource [n * T + t]: the UE served, or -1
  std::vector<double> power_w;  // per resource [n * T + t]
  int iterations = 0;
  double wall_time_s = 0.0;
  double optimality_gap = -1.0; // relative gap proven by an exact solver; -1 when not applicable
  Scheme scheme = Scheme::Jscc;
  double lower_bound_w = -1.0;  // a proven lower bound on the optimum (exact solvers); -1 if none
};

}  // namespace leosem
