// The exact optimum (MODEL.md §7.4) as a MILP solved by CBC (COIN-OR, Debian's
// coinor-libcbc-dev) through its C API: binaries y[k,l] (option) and z[k,l,n,t] (resource under
// option) with Σ_l y = 1, Σ_n z[k,l,n,t] <= y[k,l] (C2 and z <= y), C1, Σ_{n,t} z >= D_kl·y,
// the per-slot budget, and objective Σ z·Γ_kl/g. Time-limited; the proven gap is reported.
#pragma once
#include <string>

#include "model/instance.hpp"
#include "quality/quality_model.hpp"
#include "solvers/solution.hpp"

namespace leosem {

struct MilpOptions {
  double time_limit_s = 10.0;
};

Solution solve_exact_milp(const Instance& inst, const QualityModel& quality, const MilpOptions& options);

// The LP relaxation of that model (every column continuous), solved by CBC/Clp: a lower bound on
// the optimum, for benchmarks (bench_priced_repair compares the Lagrangian bound with it). With
// drop_over_budget (default) the resources whose power alone exceeds P_max·(1 + 1e-9) are left
// out, as the Lagrangian bound leaves them out (no integral solution uses them; this LP is then
// the Lagrangian dual's value, solvers/lower_bound.hpp); without budget_rows the per-slot budget
// rows are left out (the budget binds in the LP where that lowers its value).
struct LpRelaxationOptions {
  bool drop_over_budget = true;
  bool budget_rows = true;
  double time_limit_s = 60.0;
};
struct LpRelaxation {
  bool solved = false;      // value_w is the LP optimum
  bool infeasible = false;  // proven (reason says why)
  double value_w = 0.0;     // W
  std::string reason;
};
LpRelaxation solve_lp_relaxation(const Instance& inst, const QualityModel& quality,
                                 const LpRelaxationOptions& options = LpRelaxationOptions());

}  // namespace leosem
