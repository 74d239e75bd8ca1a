#include "solvers/solve.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "core/text_excerpt.hpp"
#include "model/channel.hpp"
#include "solvers/exact_milp.hpp"
#include "solvers/greedy_jpeg.hpp"
#include "solvers/greedy_jscc.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/min_cost_flow.hpp"
#include "solvers/workspace.hpp"

namespace leosem {

const char* to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::GreedyJscc: return "greedy-jscc";
    case Algorithm::GreedyJpeg: return "greedy-jpeg";
    case Algorithm::Jcrra: return "jcrra";
    case Algorithm::Exact: return "exact";
    case Algorithm::Mcf: return "mcf";
    case Algorithm::LowerBound: return "lower-bound";
  }
  return "unknown";
}

std::vector<std::string> algorithm_names() {
  std::vector<std::string> names;
  for (Algorithm a : {Algorithm::Jcrra, Algorithm::GreedyJscc, Algorithm::GreedyJpeg, Algorithm::Exact, Algorithm::Mcf,
                      Algorithm::LowerBound})
    names.push_back(to_string(a));
  return names;
}

Algorithm parse_algorithm(const std::string& name) {
  for (Algorithm a : {Algorithm::GreedyJscc, Algorithm::GreedyJpeg, Algorithm::Jcrra, Algorithm::Exact, Algorithm::Mcf,
                      Algorithm::LowerBound})
    if (name == to_string(a)) return a;
  throw std::invalid_argument("unknown algorithm " + quoted_input(name) +
                              " (known: greedy-jscc, greedy-jpeg, jcrra, exact, mcf, lower-bound)");
}

std::vector<Algorithm> parse_algorithm_list(const std::string& names) {
  std::vector<Algorithm> list;
  std::stringstream in(names);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) list.push_back(parse_algorithm(item));
  if (list.empty()) throw std::invalid_argument("empty algorithm list");
  return list;
}

InstanceView make_instance_view(const Instance& inst) {
  InstanceView v;
  v.users = inst.users;
  v.subchannels = inst.subchannels;
  v.slots = inst.slots;
  v.options = inst.options;
  v.gain_per_watt = inst.gain_per_watt.data();
  v.deadline_slots = inst.deadline_slots.data();
  v.required_resources = inst.required_resources.data();
  v.images = inst.images.data();
  v.ssim_requirement = inst.ssim_requirement.data();
  v.compression_ratios = inst.params.compression_ratios;
  v.max_power_w = inst.params.max_power_w;
  v.symbols_per_resource = symbols_per_resource(inst.params);
  return v;
}

std::vector<double> required_snr_table(const Instance& inst, const QualityModel& quality) {
  std::vector<double> snr(static_cast<size_t>(inst.users) * inst.options);
  fill_required_snr(make_instance_view(inst), quality, snr.data());
  return snr;
}

int option_index_for_ratio(const ScenarioParams& params, double rho) {
  for (int l = 0; l < params.options; ++l)
    if (params.compression_ratios[l] >= rho * (1.0 - 1e-9)) return l;
  return params.options - 1;
}

namespace {

std::string describe_failure(const CoreResult& r, const Instance& inst) {
  std::ostringstream out;
  switch (r.reason) {
    case FailReason::QualityUnreachable:
      out << "quality unreachable: UE " << r.reason_ue << " needs SSIM " << inst.ssim_requirement[r.reason_ue]
          << ", above what any allowed option reaches";
      break;
    case FailReason::NotEnoughResources:
      out << "not enough resources: UE " << r.reason_ue << " cannot get its D_k usable (SC, slot) pairs before "
          << "its deadline T_k = " << inst.deadline_slots[r.reason_ue];
      break;
    case FailReason::SlotBudget:
      out << "per-slot power budget exceeded in slot " << r.reason_slot << " (P_max = " << inst.params.max_power_w
          << " W)";
      break;
    case FailReason::NoResource:
      out << "UE " << r.reason_ue << " has bits to send but no usable resource before its deadline";
      break;
    default: out << "no solution"; break;
  }
  return out.str();
}

// One instance's workspace on the host, laid out as the batched backends lay out an arena slot
// (carve_instance_workspace) and left uninitialised: the cores write everything they read, and
// zeroing the K·N·T-sized arrays cost about as much as Greedy JSCC's own work.
struct HostWorkspace {
  std::unique_ptr<double[]> doubles;
  std::unique_ptr<int[]> ints;
  std::unique_ptr<unsigned char[]> bytes;
  InstanceWorkspace ws;
  HostWorkspace(const Instance& inst, const QualityModel& quality, const WorkspaceNeeds& needs) {
    const WorkspaceDims dims{inst.users, inst.subchannels, inst.slots, inst.options};
    const WorkspaceCounts counts = instance_workspace_counts(dims, needs);
    doubles.reset(new double[counts.doubles]);
    ints.reset(new int[counts.ints]);
    bytes.reset(new unsigned char[counts.bytes]);
    ws = arena_slot(dims, needs, counts, doubles.get(), ints.get(), bytes.get(), 0);
    fill_required_snr(make_instance_view(inst), quality, ws.snr_lin);
  }
};

Solution to_solution(const CoreResult& r, const SolutionBuffers& out, const Instance& inst, Scheme scheme) {
  Solution sol;
  sol.scheme = scheme;
  sol.iterations = r.iterations;
  if (!r.feasible) {
    sol.status = SolveStatus::Infeasible;
    sol.reason = describe_failure(r, inst);
    return sol;
  }
  const size_t K = static_cast<size_t>(inst.users), NT = static_cast<size_t>(inst.subchannels) * inst.slots;
  sol.status = SolveStatus::Feasible;
  sol.option.assign(out.option, out.option + K);
  sol.resources.assign(out.resources, out.resources + K);
  sol.assigned_ue.assign(out.assigned_ue, out.assigned_ue + NT);
  sol.power_w.assign(out.power_w, out.power_w + NT);
  sol.total_power_w = 0.0;
  for (double p : sol.power_w) sol.total_power_w += p;
  return sol;
}

Solution run_greedy_jscc(const Instance& inst, const SolverInputs& in) {
  const HostWorkspace host(inst, in.quality, WorkspaceNeeds{});
  const InstanceWorkspace& ws = host.ws;
  const CoreResult r = greedy_jscc_core(make_instance_view(inst), ws.snr_lin,
                                        option_index_for_ratio(inst.params, in.options.greedy_rho), ws.jpeg.greedy,
                                        ws.slot_power_w, ws.solution);
  return to_solution(r, ws.solution, inst, Scheme::Jscc);
}

Solution run_greedy_jpeg(const Instance& inst, const SolverInputs& in) {
  if (in.jpeg == nullptr || in.jpeg->quality.empty()) {
    Solution sol;
    sol.scheme = Scheme::Jpeg;
    sol.status = SolveStatus::Unsolved;
    sol.reason = "no JPEG rate-quality table was given";
    return sol;
  }
  const HostWorkspace host(inst, in.quality, WorkspaceNeeds{true, false, false});
  const InstanceWorkspace& ws = host.ws;
  const CoreResult r = greedy_jpeg_core(make_instance_view(inst), make_view(*in.jpeg, in.jpeg_basis), ws.jpeg,
                                        ws.slot_power_w, ws.solution);
  Solution sol = to_solution(r, ws.solution, inst, Scheme::Jpeg);
  if (!r.feasible && r.reason == FailReason::QualityUnreachable)
    sol.reason = "quality unreachable: UE " + std::to_string(r.reason_ue) +
                 " needs an SSIM above every JPEG quality in the table";
  return sol;
}

Solution run_jcrra(const Instance& inst, const SolverInputs& in) {
  const HostWorkspace host(inst, in.quality, WorkspaceNeeds{false, true, false});
  JcrraOptions opt = in.options.jcrra;
  opt.base_option = option_index_for_ratio(inst.params, in.options.greedy_rho);
  const CoreResult r = jcrra_core(make_instance_view(inst), host.ws.snr_lin, opt, host.ws.jcrra, host.ws.solution);
  return to_solution(r, host.ws.solution, inst, Scheme::Jscc);
}

}  // namespace

LowerBoundResult compute_lower_bound(const Instance& inst, const QualityModel& quality, double upper_bound_w,
                                     const LowerBoundOptions& options) {
  const HostWorkspace host(inst, quality, WorkspaceNeeds{false, false, true});
  return lower_bound_core(make_instance_view(inst), host.ws.snr_lin, upper_bound_w, options, host.ws.bound);
}

const char* to_string(BoundStatus status) {
  switch (status) {
    case BoundStatus::Bound: return "bound";
    case BoundStatus::Optimal: return "optimal";
    case BoundStatus::Infeasible: return "infeasible";
  }
  return "unknown";
}

std::string describe_bound_infeasibility(const LowerBoundResult& bound, const Instance& inst) {
  std::ostringstream out;
  if (bound.reason_ue >= 0)
    out << "UE " << bound.reason_ue << " cannot get D_k usable resources (one per slot, each within P_max alone) "
        << "before its deadline T_k = " << inst.deadline_slots[bound.reason_ue] << " at any reachable option";
  else
    out << "the Lagrangian lower bound exceeds P_max times the number of usable slots (" << inst.params.max_power_w
        << " W per slot), which every solution stays below";
  return out.str();
}

double certified_gap_db(double power_w, double lower_bound_w) {
  if (power_w <= lower_bound_w) return 0.0;  // equal up to rounding (or both 0)
  if (!(lower_bound_w > 0.0)) return HUGE_VAL;
  return 10.0 * std::log10(power_w / lower_bound_w);
}

void strengthen_with_lower_bound(Solution& sol, const Instance& inst, const QualityModel& quality) {
  if (sol.status == SolveStatus::Infeasible) return;  // CBC's proof; no number to record
  const bool has_solution = sol.status == SolveStatus::Optimal || sol.status == SolveStatus::Feasible;
  const LowerBoundResult bound = compute_lower_bound(inst, quality, has_solution ? sol.total_power_w : 0.0);
  if (bound.status == BoundStatus::Infeasible) {
    if (sol.status == SolveStatus::Unsolved) {
      sol.status = SolveStatus::Infeasible;
      sol.reason = "proven infeasible by the Lagrangian bound (CBC found no solution within its time limit): " +
                   describe_bound_infeasibility(bound, inst);
      sol.lower_bound_w = -1.0;
    }
    return;  // with a solution this cannot happen: the bound's proofs are exact
  }
  const bool ours = bound.bound_w > sol.lower_bound_w;
  if (ours) sol.lower_bound_w = has_solution ? std::min(bound.bound_w, sol.total_power_w) : bound.bound_w;
  if (!has_solution) return;
  sol.optimality_gap =
      sol.total_power_w > 0.0 ? (sol.total_power_w - sol.lower_bound_w) / sol.total_power_w : 0.0;
  if (sol.status != SolveStatus::Feasible) return;
  const char* whose = ours ? "the Lagrangian lower bound" : "CBC's bound";
  std::ostringstream out;
  if (sol.optimality_gap <= 1e-9) {  // CBC's own optimality criterion (allowable fraction gap)
    sol.status = SolveStatus::Optimal;
    out << "CBC stopped at its time limit; optimality proven (relative gap <= 1e-9) by " << whose;
  } else {
    out << "CBC's time limit reached; proven relative gap " << sol.optimality_gap << " (by " << whose << ")";
  }
  sol.reason = out.str();
}

Solution solve(Algorithm algorithm, const Instance& inst, const SolverInputs& inputs) {
  const auto start = std::chrono::steady_clock::now();
  Solution sol;
  switch (algorithm) {
    case Algorithm::GreedyJscc: sol = run_greedy_jscc(inst, inputs); break;
    case Algorithm::GreedyJpeg: sol = run_greedy_jpeg(inst, inputs); break;
    case Algorithm::Jcrra: sol = run_jcrra(inst, inputs); break;
    case Algorithm::Mcf: {
      // The options Greedy JSCC would use (the configured ρ, or the next larger reachable one).
      const std::vector<double> snr = required_snr_table(inst, inputs.quality);
      const int base = option_index_for_ratio(inst.params, inputs.options.greedy_rho);
      std::vector<int> options(inst.users, -1);
      int unreachable = -1;
      for (int k = 0; k < inst.users; ++k) {
        options[k] = greedy_option(make_instance_view(inst), snr.data(), k, base);
        if (options[k] < 0 && unreachable < 0) unreachable = k;
      }
      if (unreachable >= 0) {
        CoreResult r = core_fail(FailReason::QualityUnreachable, unreachable, -1);
        sol.status = SolveStatus::Infeasible;
        sol.reason = describe_failure(r, inst);
      } else {
        sol = solve_min_cost_flow(inst, inputs.quality, options);
      }
      break;
    }
    case Algorithm::LowerBound: {
      // On its own (no solution's power as the Polyak target): what a sweep stores where it runs
      // neither JCRRA nor Greedy JSCC (otherwise it gets their best power: backends/sweep_batch.hpp).
      const LowerBoundResult b = compute_lower_bound(inst, inputs.quality, 0.0);
      sol.iterations = b.iterations;
      if (b.status == BoundStatus::Infeasible) {
        sol.status = SolveStatus::Infeasible;
        sol.reason = "proven infeasible: " + describe_bound_infeasibility(b, inst);
      } else {
        sol.status = b.status == BoundStatus::Optimal ? SolveStatus::Optimal : SolveStatus::Feasible;
        sol.total_power_w = b.bound_w;
        sol.lower_bound_w = b.bound_w;
        sol.reason = b.status == BoundStatus::Optimal ? "certified lower bound; equals the optimum (not a solution)"
                                                      : "certified lower bound on the optimum (not a solution)";
      }
      break;
    }
    case Algorithm::Exact: {
      MilpOptions milp;
      milp.time_limit_s = inputs.options.milp_time_limit_s;
      sol = solve_exact_milp(inst, inputs.quality, milp);
      strengthen_with_lower_bound(sol, inst, inputs.quality);
      break;
    }
  }
  sol.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sol;
}

}  // namespace leosem
