// `leosem solve CONFIG [--instance I] [--algorithms LIST] [--output FILE.h5]`: generates one
// instance of the scenario and solves it with each algorithm; prints one row per algorithm and
// optionally writes the full solutions to HDF5 (layout: docs/solve-output.md).
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "core/build_info.hpp"
#include "scenario/config.hpp"
#include "solvers/solve.hpp"

namespace leosem::cli {
namespace {

// Small RAII wrappers around HDF5 identifiers.
struct H5Id {
  hid_t id;
  herr_t (*close)(hid_t);
  H5Id(hid_t i, herr_t (*c)(hid_t), const char* what) : id(i), close(c) {
    if (id < 0) throw std::runtime_error(std::string("HDF5: cannot create ") + what);
  }
  ~H5Id() { close(id); }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
};

void write_string_attr(hid_t where, const char* name, const std::string& value) {
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(type.id, value.empty() ? 1 : value.size());
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  H5Id attr(H5Acreate2(where, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  if (H5Awrite(attr.id, type.id, value.empty() ? "" : value.c_str()) < 0) throw std::runtime_error("HDF5 write");
}

template <typename T>
void write_scalar_attr(hid_t where, const char* name, hid_t type, T value) {
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
  H5Id attr(H5Acreate2(where, name, type, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  if (H5Awrite(attr.id, type, &value) < 0) throw std::runtime_error("HDF5 write");
}

template <typename T>
void write_dataset(hid_t where, const char* name, hid_t type, const std::vector<T>& data, int rank,
                   const hsize_t* dims) {
  H5Id space(H5Screate_simple(rank, dims, nullptr), H5Sclose, "dataspace");
  H5Id set(H5Dcreate2(where, name, type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose, name);
  if (!data.empty() && H5Dwrite(set.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    throw std::runtime_error("HDF5 write");
}

void write_hdf5(const std::string& path, const ScenarioConfig& config, uint32_t instance_index, const Instance& inst,
                const std::vector<Algorithm>& algorithms, const std::vector<Solution>& solutions) {
  const std::string temp = path + ".partial";
  {
    H5Id file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, temp.c_str());
    write_string_attr(file.id, "leosem_version", kVersion);
    write_string_attr(file.id, "git_commit", kGitCommit);
    write_string_attr(file.id, "config_text", config.source_text);
    write_scalar_attr(file.id, "seed", H5T_NATIVE_UINT64, config.seed);
    write_scalar_attr(file.id, "instance", H5T_NATIVE_UINT32, instance_index);
    write_scalar_attr(file.id, "users", H5T_NATIVE_INT, inst.users);
    write_scalar_attr(file.id, "subchannels", H5T_NATIVE_INT, inst.subchannels);
    write_scalar_attr(file.id, "slots", H5T_NATIVE_INT, inst.slots);
    const hsize_t k_dim[1] = {static_cast<hsize_t>(inst.users)};
    const hsize_t nt_dims[2] = {static_cast<hsize_t>(inst.subchannels), static_cast<hsize_t>(inst.slots)};
    for (size_t a = 0; a < algorithms.size(); ++a) {
      const Solution& s = solutions[a];
      H5Id group(H5Gcreate2(file.id, to_string(algorithms[a]), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                 "group");
      write_string_attr(group.id, "status", to_string(s.status));
      write_string_attr(group.id, "reason", s.reason);
      write_string_attr(group.id, "scheme", s.scheme == Scheme::Jpeg ? "jpeg" : "jscc");
      write_scalar_attr(group.id, "total_power_w", H5T_NATIVE_DOUBLE, s.total_power_w);
      write_scalar_attr(group.id, "iterations", H5T_NATIVE_INT, s.iterations);
      write_scalar_attr(group.id, "wall_time_s", H5T_NATIVE_DOUBLE, s.wall_time_s);
      write_scalar_attr(group.id, "optimality_gap", H5T_NATIVE_DOUBLE, s.optimality_gap);
      write_scalar_attr(group.id, "lower_bound_w", H5T_NATIVE_DOUBLE, s.lower_bound_w);
      if (s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible) {
        write_dataset(group.id, "option", H5T_NATIVE_INT, s.option, 1, k_dim);
        write_dataset(group.id, "resources", H5T_NATIVE_INT, s.resources, 1, k_dim);
        write_dataset(group.id, "assigned_ue", H5T_NATIVE_INT, s.assigned_ue, 2, nt_dims);
        write_dataset(group.id, "power_w", H5T_NATIVE_DOUBLE, s.power_w, 2, nt_dims);
      }
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + temp + " to " + path);
}

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
  static double milp_time_limit_s = 10.0;
  cmd->add_option("config", config_path, "Scenario configuration (TOML)")->required();
  cmd->add_option("--instance", instance_index, "Instance index within the scenario's seed (default 0)");
  cmd->add_option("--algorithms", algorithms_text,
                  "Comma-separated list of greedy-jscc, greedy-jpeg, jcrra, exact, mcf");
  cmd->add_option("--output", output_path, "Write the full solutions to this HDF5 file");
  cmd->add_option("--milp-time-limit", milp_time_limit_s, "Time limit of the exact MILP, seconds (default 10)");
  cmd->callback([]() {
    const ScenarioConfig config = load_scenario_file(config_path);
    const std::vector<Algorithm> algorithms = parse_algorithm_list(algorithms_text);
    const Instance inst = generate_instance(config.params, {config.seed, 0, instance_index});
    SolverInputs inputs;
    inputs.quality = config.quality.model();  // views into `config`, which outlives the solves
    inputs.jpeg = &config.quality.jpeg_table;
    inputs.jpeg_basis = config.quality.jpeg_rate_basis;
    inputs.options.milp_time_limit_s = milp_time_limit_s;
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
      write_hdf5(output_path, config, instance_index, inst, algorithms, solutions);
      std::cout << "wrote " << output_path << "\n";
    }
  });
}

}  // namespace leosem::cli
