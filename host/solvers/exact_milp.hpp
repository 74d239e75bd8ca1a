// The exact optimum (MODEL.md §7.4) as a MILP solved by CBC (COIN-OR, Debian's
// coinor-libcbc-dev) through its C API: binaries y[k,l] (option) and z[k,l,n,t] (resource under
// option) with Σ_l y = 1, Σ_n z[k,l,n,t] <= y[k,l] (C2 and z <= y), C1, Σ_{n,t} z >= D_kl·y,
// the per-slot budget, and objective Σ z·Γ_kl/g. Time-limited; the proven gap is reported.
#pragma once
#include "model/instance.hpp"
#include "quality/quality_model.hpp"
#include "solvers/solution.hpp"

namespace leosem {

struct MilpOptions {
  double time_limit_s = 10.0;
};

Solution solve_exact_milp(const Instance& inst, const QualityModel& quality, const MilpOptions& options);

}  // namespace leosem
