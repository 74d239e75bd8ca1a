#include "cli/solution_export.hpp"

#include <cmath>

#include "core/build_info.hpp"
#include "io/hdf5_writer.hpp"

namespace leosem {

void export_solutions_hdf5(const std::string& path, const ScenarioConfig& config, uint32_t instance_index,
                           const Instance& inst, const std::vector<std::string>& names,
                           const std::vector<Solution>& solutions, const LowerBoundResult* bound,
                           const std::vector<double>& gaps_db) {
  Hdf5Writer out(path);
  out.attribute("/", "leosem_version", kVersion);
  out.attribute("/", "git_commit", kGitCommit);
  out.attribute("/", "config_text", config.source_text);
  out.attribute("/", "seed", static_cast<uint64_t>(config.seed));
  out.attribute("/", "instance", instance_index);
  out.attribute("/", "users", inst.users);
  out.attribute("/", "subchannels", inst.subchannels);
  out.attribute("/", "slots", inst.slots);
  if (bound != nullptr) {
    const bool infeasible = bound->status == BoundStatus::Infeasible;
    out.attribute("/", "lower_bound_status", infeasible ? "infeasible" : bound->status == BoundStatus::Optimal ? "optimal" : "bound");
    out.attribute("/", "lower_bound_w", infeasible ? -1.0 : bound->bound_w);
    out.attribute("/", "lower_bound_iterations", bound->iterations);
  }
  const hsize_t K = inst.users, N = inst.subchannels, T = inst.slots;
  for (size_t a = 0; a < names.size(); ++a) {
    const Solution& s = solutions[a];
    const std::string group = "/" + names[a];
    out.create_group(group);
    out.attribute(group, "status", to_string(s.status));
    out.attribute(group, "reason", s.reason);
    out.attribute(group, "scheme", s.scheme == Scheme::Jpeg ? "jpeg" : "jscc");
    out.attribute(group, "total_power_w", s.total_power_w);
    out.attribute(group, "iterations", s.iterations);
    out.attribute(group, "wall_time_s", s.wall_time_s);
    out.attribute(group, "optimality_gap", s.optimality_gap);
    out.attribute(group, "lower_bound_w", s.lower_bound_w);
    if (bound != nullptr) out.attribute(group, "certified_gap_db", a < gaps_db.size() ? gaps_db[a] : NAN);
    if ((s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible) && !s.option.empty()) {  // lower-bound: none
      out.write(group + "/option", s.option, {K});
      out.write(group + "/resources", s.resources, {K});
      out.write(group + "/assigned_ue", s.assigned_ue, {N, T});
      out.write(group + "/power_w", s.power_w, {N, T});
    }
  }
  out.commit();
}

}  // namespace leosem
