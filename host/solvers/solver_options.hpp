// The solvers' settings and their defaults (MODEL §7): the one home of both. The scenario's
// [solvers] rows (scenario/field_table.cpp) read and write these fields and take their defaults
// from here; callers without a scenario use them as they are.
#pragma once

namespace leosem {

struct JcrraOptions {
  int base_option = 3;          // Greedy JSCC's ρ (index), the start point
  int max_sca_iterations = 30;  // outer SCA iterations
  int pdhg_iterations = 40;     // projected-gradient steps per convex subproblem
  double tolerance = 1e-4;      // stop when the relaxed objective changes by less (relative)
  double proximal_x = 1.0;      // proximal weight on x (normalised cost units)
  double proximal_s = 0.5;      // proximal weight on s, times D̄_k
  double penalty = 1.0;         // weight of the integrality penalty at the last iteration
  int repair_passes = 6;        // best-response sweeps over the UEs after each rounding
  bool mixed_precision = false; // x stored in FP32 (sums, duals and powers stay FP64)
  bool priced_fallback = true;  // infeasible: try the priced repair (solvers/priced_repair.hpp)
};

struct SolverOptions {
  double greedy_rho = 1.0 / 12;    // Greedy JSCC's ratio (and JCRRA's start)
  JcrraOptions jcrra;              // base_option is set from greedy_rho by solve()
  double milp_time_limit_s = 10;   // exact: CBC's wall-clock limit per instance
};

}  // namespace leosem
