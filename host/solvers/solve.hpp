// One entry point for every solver (MODEL.md §7): `solve(algorithm, instance, inputs)`.
// Thread-safe and reentrant: every call allocates its own workspace; the CBC calls inside
// `exact` are serialised by a mutex (CBC 2.10's driver keeps global state).
#pragma once
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "quality/jpeg_table.hpp"
#include "quality/quality_model.hpp"
#include "solvers/core_common.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/lower_bound.hpp"
#include "solvers/solution.hpp"
#include "solvers/solver_options.hpp"

namespace leosem {

enum class Algorithm : int {
  GreedyJscc = 0,  // greedy-jscc: MODEL §7.2
  GreedyJpeg = 1,  // greedy-jpeg: MODEL §7.3
  Jcrra = 2,       // jcrra: MODEL §7.1, docs/jcrra.md
  Exact = 3,       // exact: MILP by CBC (MODEL §7.4), time-limited, gap reported
  Mcf = 4,         // mcf: min-cost flow, exact for Greedy JSCC's options (budget checked after)
  LowerBound = 5,  // lower-bound: not a solution but the certified lower bound (MODEL §7.5) as
                   // total_power_w; status optimal (it equals the optimum), feasible (a bound) or
                   // infeasible (proven); no association. Lets sweeps store it per instance.
};

const char* to_string(Algorithm algorithm);
std::vector<std::string> algorithm_names();  // every algorithm, as a sweep lists them
Algorithm parse_algorithm(const std::string& name);                     // throws std::invalid_argument
std::vector<Algorithm> parse_algorithm_list(const std::string& names);  // comma separated

struct SolverInputs {
  QualityModel quality;
  const JpegTable* jpeg = nullptr;  // greedy-jpeg only; without it greedy-jpeg is Unsolved
  JpegRateBasis jpeg_basis = JpegRateBasis::File;
  SolverOptions options;
};

Solution solve(Algorithm algorithm, const Instance& inst, const SolverInputs& inputs);

// The certified lower bound on the optimal power (MODEL §7.5, solvers/lower_bound.hpp) on one
// thread. `upper_bound_w`: the power of a known feasible solution (Polyak target), <= 0 if none.
LowerBoundResult compute_lower_bound(const Instance& inst, const QualityModel& quality, double upper_bound_w,
                                     const LowerBoundOptions& options = LowerBoundOptions());
const char* to_string(BoundStatus status);  // bound / optimal / infeasible
std::string describe_bound_infeasibility(const LowerBoundResult& bound, const Instance& inst);
// The certified gap 10·log10(P/LB) in dB of a solution of power P; +inf when LB = 0 < P.
double certified_gap_db(double power_w, double lower_bound_w);
// Records in an exact solution the better of its own (CBC's) bound and the Lagrangian one:
// lower_bound_w, optimality_gap; Feasible becomes Optimal when the bound closes the gap to CBC's
// 1e-9, Unsolved becomes Infeasible when the bound proves it. (solve(Exact) calls it.)
void strengthen_with_lower_bound(Solution& sol, const Instance& inst, const QualityModel& quality);

// ---- pieces, also used by the exact solvers and tests ----
InstanceView make_instance_view(const Instance& inst);
std::vector<double> required_snr_table(const Instance& inst, const QualityModel& quality);  // [k*L+l], -1 unreachable
int option_index_for_ratio(const ScenarioParams& params, double rho);  // smallest l with ρ_l >= rho (else L-1)

}  // namespace leosem
