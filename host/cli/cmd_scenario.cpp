// `leosem scenario CONFIG [--instance I] [--point P] [--export FILE.h5]`: generates one instance
// with the reference backend and prints a per-UE link summary. `leosem scenario --print-fields
// toml|md` prints the field table as the default scenario file or as the docs' reference tables.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "core/units.hpp"
#include "cli/instance_export.hpp"
#include "model/channel.hpp"
#include "model/instance.hpp"
#include "scenario/config.hpp"
#include "scenario/field_table.hpp"

namespace leosem::cli {
namespace {

std::string ratio_label(double rho) {
  const double inverse = 1.0 / rho;
  char buffer[32];
  if (std::fabs(inverse - std::round(inverse)) < 1e-6) std::snprintf(buffer, sizeof buffer, "1/%.0f", inverse);
  else std::snprintf(buffer, sizeof buffer, "%.4g", rho);
  return buffer;
}

void print_summary(const Instance& inst, const ScenarioConfig& config) {
  const ScenarioParams& p = inst.params;
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  std::printf("scenario %s: instance %u (seed %llu, point %u)\n", config.origin.c_str(), inst.key.instance,
              static_cast<unsigned long long>(inst.key.seed), inst.key.point);
  std::printf("  orbit %.0f km (v = %.0f m/s); area centre %.1f km off the ground track, radius %.0f km\n",
              p.altitude_m / 1e3, orbital_speed_m_s(p.altitude_m), inst.cross_track_offset_m / 1e3,
              p.area_radius_m / 1e3);
  std::printf("  K = %d UEs, N = %d SCs of %.3g MHz, T = %d slots of %g s; noise %.2f dBm per SC; "
              "P_max %.2f dBm per slot\n",
              K, N, p.bandwidth_hz / N / 1e6, T, p.slot_duration_s, watts_to_dbm(noise_power_w(p)),
              watts_to_dbm(p.max_power_w));
  std::printf("  usable: elevation >= %.0f deg; g = SNR per watt over usable resources with t < T_k\n\n",
              p.min_elevation_deg);

  std::printf("%3s %8s %6s %5s %15s %7s %7s %24s  D_k for rho =", "UE", "images", "SSIM", "T_k",
              "elevation (deg)", "usable", "usable", "g (dB): min / med / max");
  for (int l = 0; l < L; ++l) std::printf(" %5s", ratio_label(p.compression_ratios[l]).c_str());
  std::printf("\n%3s %8s %6s %5s %15s %7s %7s %24s\n", "", "", "req", "", "min .. max", "slots", "< T_k", "");

  for (int k = 0; k < K; ++k) {
    double elevation_min = 90.0, elevation_max = -90.0;
    int usable = 0, usable_before_deadline = 0;
    std::vector<double> gains_db;
    for (int t = 0; t < T; ++t) {
      const double elevation = inst.elevation_deg[inst.kt(k, t)];
      elevation_min = std::min(elevation_min, elevation);
      elevation_max = std::max(elevation_max, elevation);
      if (elevation < p.min_elevation_deg) continue;
      ++usable;
      if (t >= inst.deadline_slots[k]) continue;
      ++usable_before_deadline;
      for (int n = 0; n < N; ++n) gains_db.push_back(linear_to_db(inst.gain_per_watt[inst.knt(k, n, t)]));
    }
    char gains[64] = "(no usable resource)";
    if (!gains_db.empty()) {
      std::sort(gains_db.begin(), gains_db.end());
      const size_t m = gains_db.size();
      const double median = m % 2 ? gains_db[m / 2] : 0.5 * (gains_db[m / 2 - 1] + gains_db[m / 2]);
      std::snprintf(gains, sizeof gains, "%6.2f / %6.2f / %6.2f", gains_db.front(), median, gains_db.back());
    }
    std::printf("%3d %8.0f %6.3f %5d %6.2f .. %5.2f %7d %7d %24s  %*s", k, inst.images[k], inst.ssim_requirement[k],
                inst.deadline_slots[k], elevation_min, elevation_max, usable, usable_before_deadline, gains, 13, "");
    for (int l = 0; l < L; ++l) std::printf(" %5d", inst.required_resources[inst.kl(k, l)]);
    std::printf("\n");
  }
}

}  // namespace

void add_scenario_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("scenario", "Generate one instance of a scenario and print its per-UE link summary");
  auto config_path = std::make_shared<std::string>();
  auto instance = std::make_shared<uint32_t>(0);
  auto point = std::make_shared<uint32_t>(0);
  auto export_path = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto print_fields = std::make_shared<std::string>();
  cmd->add_option("CONFIG", *config_path, "Scenario TOML (see docs/configuration.md); required unless --print-fields")
      ->check(regular_file());
  cmd->add_option("--print-fields", *print_fields,
                  "Print the scenario's field table instead: 'toml' (every field at its default: "
                  "sweeps/scenarios/default.toml) or 'md' (the reference tables of docs/configuration.md)")
      ->check(CLI::IsMember({"toml", "md"}));
  cmd->add_option("--instance", *instance, "Instance index (the key is (seed, point, instance))")->capture_default_str();
  cmd->add_option("--point", *point, "Sweep point index of the key")->capture_default_str();
  cmd->add_option("--export", *export_path, "Write the instance to this HDF5 file (layout: docs/hdf5-instance.md; must not exist unless --force)");
  cmd->add_flag("--force", *force, "Replace the --export file if it exists");
  cmd->callback([=]() {
    if (!print_fields->empty()) {
      std::fputs((*print_fields == "toml" ? default_scenario_toml() : scenario_fields_markdown()).c_str(), stdout);
      return;
    }
    if (config_path->empty()) throw CLI::RequiredError("CONFIG");
    if (!export_path->empty()) check_output_path(*export_path, *force, "--export");  // before any work
    const ScenarioConfig config = load_scenario_file(*config_path);
    const Instance inst = generate_instance(config.params, InstanceKey{config.seed, *point, *instance});
    print_summary(inst, config);
    if (!export_path->empty()) {
      export_instance_hdf5(inst, config, *export_path);
      std::printf("\nexported to %s\n", export_path->c_str());
    }
  });
}

}  // namespace leosem::cli
