// `leosem solve CONFIG [--instance I] [--algorithms LIST] [--output FILE.h5]`: generates one
// instance of the scenario and solves it with each algorithm; prints one row per algorithm and
// optionally writes the full solutions to HDF5 (layout: docs/solve-output.md).
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "io/solution_export.hpp"
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
                  "Comma-separated list of greedy-jscc, greedy-jpeg, jcrra, exact, mcf");
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
    std::cout << "instance " << instance_index << " of " << config.origin << " (seed " << config.seed << "): K="
              << inst.users << " N=" << inst.subchannels << " T=" << inst.slots << "\n";
    std::cout << std::left << std::setw(12) << "algorithm" << std::setw(11) << "status" << std::right
              << std::setw(11) << "power_dbm" << std::setw(7) << "iters" << std::setw(10) << "time_s" << "  "
              << std::left << std::setw(40) << "options" << "resources / reason\n";
    for (Algorithm a : algorithms) {
      solutions.push_back(solve(a, inst, inputs));
      const Solution& s = solutions.back();
      const bool solved = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
      std::ostringstream power;
      if (solved)
        power << std::fixed << std::setprecision(3) << (s.total_power_w > 0 ? 10.0 * std::log10(s.total_power_w) + 30.0 : -INFINITY);
      else
        power << "-";
      std::cout << std::left << std::setw(12) << to_string(a) << std::setw(11) << to_string(s.status) << std::right
                << std::setw(11) << power.str() << std::setw(7) << s.iterations << std::setw(10) << std::fixed
                << std::setprecision(4) << s.wall_time_s << "  " << std::left << std::setw(40) << options_text(s, inst)
                << (solved ? resources_text(s) : s.reason);
      if (solved && !s.reason.empty()) std::cout << "  (" << s.reason << ")";
      std::cout << "\n" << std::defaultfloat;
    }
    if (!output_path.empty()) {
      std::vector<std::string> names;
      for (Algorithm a : algorithms) names.push_back(to_string(a));
      export_solutions_hdf5(output_path, config, instance_index, inst, names, solutions);
      std::cout << "wrote " << output_path << "\n";
    }
  });
}

}  // namespace leosem::cli
