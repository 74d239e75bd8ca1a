// `leosem solve CONFIG [--instance I] [--algorithms LIST] [--output FILE.h5]`: generates one
// instance of the scenario and solves it with each algorithm; prints one row per algorithm and
// optionally writes the full solutions to HDF5 (layout: docs/solve-output.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "cli/solution_export.hpp"
#include "scenario/config.hpp"
#include "solvers/solve.hpp"

namespace leosem::cli {
namespace {

std::string options_text(const Solution& s, const Instance& inst) {
  if (s.option.empty()) return "-";
  std::ostringstream out;
  for (size_t k = 0; k < s.option.size(); ++k) {
    if (k) out << ",";
    if (s.scheme == Scheme::Jpeg) {
      out << "q" << s.option[k];
    } else {
      out << "1/" << std::lround(1.0 / inst.params.compression_ratios[s.option[k]]);
    }
  }
  return out.str();
}

std::string resources_text(const Solution& s) {
  if (s.resources.empty()) return "-";
  std::ostringstream out;
  for (size_t k = 0; k < s.resources.size(); ++k) out << (k ? "," : "") << s.resources[k];
  return out.str();
}

}  // namespace

void add_solve_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("solve", "Generate one instance of a scenario and solve it with each algorithm");
  static std::string config_path, algorithms_text = "greedy-jscc,greedy-jpeg,jcrra", output_path;
  static uint32_t instance_index = 0;
  static bool force = false;
  static double milp_time_limit_s = 0.0;
  cmd->add_option("config", config_path, "Scenario configuration (TOML)")->required()->check(regular_file());
  cmd->add_option("--instance", instance_index, "Instance index within the scenario's seed (default 0)");
  cmd->add_option("--algorithms", algorithms_text,
                  "Comma-separated list of greedy-jscc, greedy-jpeg, jcrra, exact, mcf, lower-bound");
  cmd->add_option("--output", output_path, "Write the full solutions to this HDF5 file (must not exist unless --force)");
  cmd->add_flag("--force", force, "Replace the --output file if it exists");
  cmd->add_option("--milp-time-limit", milp_time_limit_s,
                  "Time limit of the exact MILP, seconds (default: the scenario's solvers.milp_time_limit_s, 10)")
      ->check(CLI::PositiveNumber);
  cmd->callback([]() {
    if (!output_path.empty()) check_output_path(output_path, force, "--output");  // before any work
    const ScenarioConfig config = load_scenario_file(config_path);
    const std::vector<Algorithm> algorithms = parse_algorithm_list(algorithms_text);
    const Instance inst = generate_instance(config.params, {config.seed, 0, instance_index});
    SolverInputs inputs = make_solver_inputs(config);  // views into `config`, which outlives the solves
    if (milp_time_limit_s > 0.0) inputs.options.milp_time_limit_s = milp_time_limit_s;
    std::vector<Solution> solutions;
    for (Algorithm a : algorithms) solutions.push_back(solve(a, inst, inputs));
    // The certified lower bound (MODEL §7.5), aimed at the best JSCC solution found.
    double upper_w = 0.0;
    const char* target_from = nullptr;  // the algorithm whose power is the bound's Polyak target
    for (size_t i = 0; i < solutions.size(); ++i) {
      const Solution& s = solutions[i];
      const bool solved = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
      if (algorithms[i] != Algorithm::LowerBound && s.scheme == Scheme::Jscc && solved &&
          (upper_w <= 0.0 || s.total_power_w < upper_w)) {
        upper_w = s.total_power_w;
        target_from = to_string(algorithms[i]);
      }
    }
    const auto bound_start = std::chrono::steady_clock::now();
    const LowerBoundResult bound = compute_lower_bound(inst, inputs.quality, upper_w);
    const double bound_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - bound_start).count();
    std::vector<double> gaps_db;  // NaN where not applicable
    for (size_t i = 0; i < solutions.size(); ++i) {
      const Solution& s = solutions[i];
      const bool solved = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
      gaps_db.push_back(solved && s.scheme == Scheme::Jscc && algorithms[i] != Algorithm::LowerBound &&
                                bound.status != BoundStatus::Infeasible
                            ? certified_gap_db(s.total_power_w, bound.bound_w)
                            : NAN);
    }
    std::cout << "instance " << instance_index << " of " << config.origin << " (seed " << config.seed << "): K="
              << inst.users << " N=" << inst.subchannels << " T=" << inst.slots << "\n";
    std::cout << std::left << std::setw(12) << "algorithm" << std::setw(11) << "status" << std::right
              << std::setw(11) << "power_dbm" << std::setw(10) << "gap_db" << std::setw(7) << "iters" << std::setw(10)
              << "time_s" << "  " << std::left << std::setw(40) << "options" << "resources / reason\n";
    for (size_t i = 0; i < algorithms.size(); ++i) {
      const Solution& s = solutions[i];
      const bool solved = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
      std::ostringstream power, gap;
      if (solved)
        power << std::fixed << std::setprecision(3) << (s.total_power_w > 0 ? 10.0 * std::log10(s.total_power_w) + 30.0 : -INFINITY);
      else
        power << "-";
      if (std::isnan(gaps_db[i])) gap << "-";
      else gap << std::fixed << std::setprecision(4) << gaps_db[i];
      std::cout << std::left << std::setw(12) << to_string(algorithms[i]) << std::setw(11) << to_string(s.status)
                << std::right << std::setw(11) << power.str() << std::setw(10) << gap.str() << std::setw(7)
                << s.iterations << std::setw(10) << std::fixed << std::setprecision(4) << s.wall_time_s << "  "
                << std::left << std::setw(40) << options_text(s, inst) << (solved ? resources_text(s) : s.reason);
      if (solved && !s.reason.empty()) std::cout << "  (" << s.reason << ")";
      std::cout << "\n" << std::defaultfloat;
    }
    std::cout << "lower bound: ";
    if (bound.status == BoundStatus::Infeasible) {
      std::cout << "proven infeasible: " << describe_bound_infeasibility(bound, inst);
    } else {
      std::cout << std::fixed << std::setprecision(3)
                << (bound.bound_w > 0.0 ? 10.0 * std::log10(bound.bound_w) + 30.0 : -INFINITY) << " dBm ("
                << std::setprecision(6) << bound.bound_w << " W), certified"
                << (bound.status == BoundStatus::Optimal ? "; equals the optimum (zero projected subgradient)" : "");
    }
    std::cout << std::defaultfloat << "; " << bound.iterations << " iterations aimed at "
              << (target_from ? std::string(target_from) + "'s power" : std::string("1.05 x its best (no JSCC solution)"))
              << ", " << std::fixed
              << std::setprecision(4) << bound_s << " s" << std::defaultfloat
              << "  (gap_db = 10 log10(P / bound), JSCC schemes only)\n";
    if (!output_path.empty()) {
      std::vector<std::string> names;
      for (Algorithm a : algorithms) names.push_back(to_string(a));
      export_solutions_hdf5(output_path, config, instance_index, inst, names, solutions, &bound, gaps_db);
      std::cout << "wrote " << output_path << "\n";
    }
  });
}

}  // namespace leosem::cli
