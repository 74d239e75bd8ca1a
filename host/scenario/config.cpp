#include "scenario/config.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

#include "model/channel.hpp"
#include "quality/quality_config_toml.hpp"
#include "io/file_safety.hpp"
#include "scenario/limits.hpp"
#include "scenario/toml_reader.hpp"

namespace leosem {
namespace {

template <typename Enum>
Enum pick(const std::string& value, const std::map<std::string, Enum>& names) {
  return names.at(value);
}

const std::map<std::string, PropagationScenario> kPropagationNames{
    {"suburban-rural", PropagationScenario::SuburbanRural},
    {"urban", PropagationScenario::Urban},
    {"dense-urban", PropagationScenario::DenseUrban},
    {"los", PropagationScenario::Los}};
const std::map<std::string, FadingModel> kFadingNames{
    {"none", FadingModel::None}, {"rician", FadingModel::Rician}, {"shadowed-rician", FadingModel::ShadowedRician}};
const std::map<std::string, LargeScaleHold> kHoldNames{{"per-ue", LargeScaleHold::PerUe},
                                                       {"per-slot", LargeScaleHold::PerSlot}};
const std::map<std::string, BeamPointing> kPointingNames{{"earth-fixed", BeamPointing::EarthFixed},
                                                         {"nadir", BeamPointing::Nadir},
                                                         {"steered", BeamPointing::Steered}};
const std::map<std::string, ImagesDistribution> kImagesNames{{"poisson", ImagesDistribution::Poisson},
                                                             {"fixed", ImagesDistribution::Fixed}};

// Abdi et al. 2003 shadowed-Rician parameter sets (b0, m, Ω), ntn-tables.md.
struct ShadowedRicianSet {
  double b0, m, omega;
};
const std::map<std::string, ShadowedRicianSet> kShadowedRicianSets{
    {"frequent-heavy", {0.063, 0.739, 8.97e-4}},
    {"average", {0.126, 10.1, 0.835}},
    {"infrequent-light", {0.158, 19.4, 1.29}}};

template <typename Enum>
std::vector<std::string> keys_of(const std::map<std::string, Enum>& names) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : names) keys.push_back(k);
  return keys;
}

}  // namespace

ScenarioParams default_scenario_params() {
  ScenarioParams p{};
  p.altitude_m = 550e3;
  p.min_elevation_deg = 10.0;
  p.area_radius_m = 100e3;
  p.cross_track_offset_min_m = 0.0;
  p.cross_track_offset_max_m = 300e3;
  p.beam_pointing = BeamPointing::Steered;
  p.slot_duration_s = 1.0;
  p.slots = 240;
  p.carrier_hz = 2e9;
  p.bandwidth_hz = 40e6;
  p.subchannels = 10;
  p.band = Band::S;
  p.sat_max_gain_dbi = 24.0;
  p.sat_aperture_radius_m = 0.5;
  p.ue_gain_dbi = 0.0;
  p.noise_psd_dbm_hz = -174.0;
  p.noise_figure_db = 0.0;
  p.max_power_w = db_to_linear(17.0);
  p.propagation = PropagationScenario::Los;
  p.large_scale_hold = LargeScaleHold::PerUe;
  p.fading = FadingModel::Rician;
  p.rician_k_db = 10.0;
  const ShadowedRicianSet average = kShadowedRicianSets.at("average");
  p.sr_b0 = average.b0;
  p.sr_m = average.m;
  p.sr_omega = average.omega;
  p.users = 8;
  p.images_distribution = ImagesDistribution::Poisson;
  p.images_mean = 50000.0;
  p.ssim_mean = 0.75;
  p.ssim_halfwidth = 0.05;
  p.deadline_mean_slots = 60.0;
  p.deadline_spread = 0.2;
  p.image_values = 64 * 64 * 3;
  const double ratios[] = {1.0 / 40, 1.0 / 20, 1.0 / 16, 1.0 / 12, 1.0 / 8, 1.0 / 4};
  p.options = 6;
  for (int l = 0; l < p.options; ++l) p.compression_ratios[l] = ratios[l];
  return p;
}

void validate_scenario(const ScenarioParams& p) {
  check_scenario_limits(p);  // first: the other checks are cheap, but an instance this size is not
  auto require = [](bool ok, const char* field, double value, const char* reason) {
    if (!ok) reject(field, value, reason);
  };
  require(p.altitude_m > 0.0, "orbit.altitude_km", p.altitude_m / 1e3, "must be > 0 (a height above the Earth)");
  require(p.altitude_m <= 2000e3, "orbit.altitude_km", p.altitude_m / 1e3, "must be <= 2000 (a LEO orbit)");
  require(p.min_elevation_deg >= 0.0 && p.min_elevation_deg < 90.0, "orbit.min_elevation_deg",
          p.min_elevation_deg, "must be in [0, 90)");
  require(p.area_radius_m > 0.0 && p.area_radius_m <= 1000e3, "area.radius_km", p.area_radius_m / 1e3,
          "must be in (0, 1000]");
  require(p.cross_track_offset_min_m >= 0.0, "area.cross_track_offset_min_km",
          p.cross_track_offset_min_m / 1e3, "must be >= 0");
  require(p.cross_track_offset_max_m >= p.cross_track_offset_min_m, "area.cross_track_offset_max_km",
          p.cross_track_offset_max_m / 1e3, "must be >= area.cross_track_offset_min_km");
  require(p.cross_track_offset_max_m <= 3000e3, "area.cross_track_offset_max_km",
          p.cross_track_offset_max_m / 1e3, "must be <= 3000 (beyond that no LEO pass is visible)");
  require(p.slot_duration_s > 0.0, "time.slot_duration_s", p.slot_duration_s, "must be > 0");
  require(p.slots >= 1, "time.slots", p.slots, "must be >= 1");
  require(p.slots * p.slot_duration_s <= orbital_period_s(p.altitude_m) / 2, "time.slots", p.slots,
          "the window (slots x slot_duration_s) must be shorter than half an orbit");
  require(p.carrier_hz > 0.0, "radio.carrier_ghz", p.carrier_hz / 1e9, "must be > 0");
  require(p.carrier_hz < 6e9 || (p.carrier_hz >= 17e9 && p.carrier_hz <= 40e9), "radio.carrier_ghz",
          p.carrier_hz / 1e9, "TR 38.811 tables exist for S band (< 6) and Ka band (17..40) only");
  require(p.bandwidth_hz > 0.0, "radio.bandwidth_mhz", p.bandwidth_hz / 1e6, "must be > 0");
  require(p.subchannels >= 1, "radio.subchannels", p.subchannels, "must be >= 1");
  require(p.sat_aperture_radius_m > 0.0, "radio.sat_aperture_radius_m", p.sat_aperture_radius_m, "must be > 0");
  require(p.noise_figure_db >= 0.0, "radio.noise_figure_db", p.noise_figure_db, "must be >= 0");
  require(p.max_power_w > 0.0, "radio.max_power_dbw", linear_to_db(p.max_power_w), "must be finite");
  require(p.rician_k_db >= -50.0 && p.rician_k_db <= 50.0, "channel.rician_k_db", p.rician_k_db,
          "must be in [-50, 50]");
  require(p.users >= 1, "users.count", p.users, "must be >= 1");
  require(static_cast<double>(p.users) <= static_cast<double>(p.subchannels) * p.slots, "users.count",
          p.users, "must be <= subchannels x slots (each UE needs at least one resource)");
  require(p.images_mean > 0.0 && p.images_mean <= 1e9, "users.images_mean", p.images_mean,
          "must be in (0, 1e9]");
  require(p.images_distribution != ImagesDistribution::Fixed || p.images_mean == std::floor(p.images_mean),
          "users.images_mean", p.images_mean, "must be a whole number when images_distribution = \"fixed\"");
  require(p.ssim_mean > 0.0 && p.ssim_mean < 1.0, "users.ssim_mean", p.ssim_mean, "must be in (0, 1)");
  require(p.ssim_halfwidth >= 0.0, "users.ssim_halfwidth", p.ssim_halfwidth, "must be >= 0");
  require(p.ssim_mean - p.ssim_halfwidth > 0.0 && p.ssim_mean + p.ssim_halfwidth < 1.0, "users.ssim_halfwidth",
          p.ssim_halfwidth, "ssim_mean +/- ssim_halfwidth must stay inside (0, 1)");
  require(p.deadline_spread >= 0.0 && p.deadline_spread < 1.0, "users.deadline_spread", p.deadline_spread,
          "must be in [0, 1)");
  require(p.deadline_mean_slots >= 1.0, "users.deadline_mean_slots", p.deadline_mean_slots, "must be >= 1");
  require(std::lround(p.deadline_mean_slots * (1.0 + p.deadline_spread)) <= p.slots, "users.deadline_mean_slots",
          p.deadline_mean_slots, "the latest deadline, mean x (1 + deadline_spread), is beyond the window (time.slots)");
  require(std::lround(p.deadline_mean_slots * (1.0 - p.deadline_spread)) >= 1, "users.deadline_mean_slots",
          p.deadline_mean_slots, "the earliest deadline, mean x (1 - deadline_spread), is below one slot");
  require(p.image_values >= 1.0, "jscc.image_values", p.image_values, "must be >= 1");
  require(p.options >= 1 && p.options <= kMaxOptions, "jscc.compression_ratios", p.options,
          "must list between 1 and 8 options");
  for (int l = 0; l < p.options; ++l) {
    require(p.compression_ratios[l] > 0.0 && p.compression_ratios[l] <= 1.0, "jscc.compression_ratios",
            p.compression_ratios[l], "every ratio must be in (0, 1]");
    require(l == 0 || p.compression_ratios[l] > p.compression_ratios[l - 1], "jscc.compression_ratios",
            p.compression_ratios[l], "ratios must be strictly ascending");
  }
}

ScenarioConfig parse_scenario(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << "invalid configuration: " << origin << ":" << e.source().begin.line << ":"
        << e.source().begin.column << ": TOML syntax error: " << e.description();
    throw ConfigError(out.str());
  }

  ScenarioConfig config;
  config.source_text = toml_text;
  config.origin = origin;
  ScenarioParams& p = config.params;
  p = default_scenario_params();
  std::set<std::string> sections;

  // Top-level scalars.
  sections.insert("seed");
  if (const toml::node* seed = root.get("seed")) {
    auto v = seed->value_exact<int64_t>();
    if (!v) reject("seed", "(not an integer)", "must be an integer");
    if (*v < 0) reject("seed", static_cast<double>(*v), "must be >= 0");
    config.seed = static_cast<uint64_t>(*v);
  }

  SectionReader orbit(root, "orbit", sections);
  p.altitude_m = orbit.number("altitude_km", p.altitude_m / 1e3) * 1e3;
  p.min_elevation_deg = orbit.number("min_elevation_deg", p.min_elevation_deg);
  orbit.reject_unknown_keys();

  SectionReader area(root, "area", sections);
  p.area_radius_m = area.number("radius_km", p.area_radius_m / 1e3) * 1e3;
  p.cross_track_offset_min_m = area.number("cross_track_offset_min_km", p.cross_track_offset_min_m / 1e3) * 1e3;
  p.cross_track_offset_max_m = area.number("cross_track_offset_max_km", p.cross_track_offset_max_m / 1e3) * 1e3;
  p.beam_pointing = pick(area.text("beam_pointing", "steered", keys_of(kPointingNames)), kPointingNames);
  area.reject_unknown_keys();

  SectionReader time(root, "time", sections);
  p.slot_duration_s = time.number("slot_duration_s", p.slot_duration_s);
  const int64_t slots = time.integer("slots", p.slots);
  if (slots < 1 || slots > 100000) reject("time.slots", static_cast<double>(slots), "must be in [1, 100000]");
  p.slots = static_cast<int32_t>(slots);
  time.reject_unknown_keys();

  SectionReader radio(root, "radio", sections);
  p.carrier_hz = radio.number("carrier_ghz", p.carrier_hz / 1e9) * 1e9;
  p.bandwidth_hz = radio.number("bandwidth_mhz", p.bandwidth_hz / 1e6) * 1e6;
  const int64_t subchannels = radio.integer("subchannels", p.subchannels);
  if (subchannels < 1 || subchannels > 10000)
    reject("radio.subchannels", static_cast<double>(subchannels), "must be in [1, 10000]");
  p.subchannels = static_cast<int32_t>(subchannels);
  p.sat_max_gain_dbi = radio.number("sat_max_gain_dbi", p.sat_max_gain_dbi);
  p.sat_aperture_radius_m = radio.number("sat_aperture_radius_m", p.sat_aperture_radius_m);
  p.ue_gain_dbi = radio.number("ue_gain_dbi", p.ue_gain_dbi);
  p.noise_psd_dbm_hz = radio.number("noise_psd_dbm_hz", p.noise_psd_dbm_hz);
  p.noise_figure_db = radio.number("noise_figure_db", p.noise_figure_db);
  const double max_power_dbw = radio.number("max_power_dbw", linear_to_db(p.max_power_w));
  if (max_power_dbw < -100.0 || max_power_dbw > 60.0)
    reject("radio.max_power_dbw", max_power_dbw, "must be in [-100, 60]");
  p.max_power_w = db_to_linear(max_power_dbw);
  radio.reject_unknown_keys();
  p.band = p.carrier_hz < 10e9 ? Band::S : Band::Ka;

  SectionReader channel(root, "channel", sections);
  p.propagation = pick(channel.text("scenario", "los", keys_of(kPropagationNames)), kPropagationNames);
  p.large_scale_hold = pick(channel.text("large_scale", "per-ue", keys_of(kHoldNames)), kHoldNames);
  p.fading = pick(channel.text("fading", "rician", keys_of(kFadingNames)), kFadingNames);
  p.rician_k_db = channel.number("rician_k_db", p.rician_k_db);
  const ShadowedRicianSet sr =
      kShadowedRicianSets.at(channel.text("shadowed_rician_set", "average", keys_of(kShadowedRicianSets)));
  p.sr_b0 = sr.b0;
  p.sr_m = sr.m;
  p.sr_omega = sr.omega;
  channel.reject_unknown_keys();

  SectionReader users(root, "users", sections);
  const int64_t count = users.integer("count", p.users);
  if (count < 1 || count > 100000) reject("users.count", static_cast<double>(count), "must be in [1, 100000]");
  p.users = static_cast<int32_t>(count);
  p.images_distribution = pick(users.text("images_distribution", "poisson", keys_of(kImagesNames)), kImagesNames);
  p.images_mean = users.number("images_mean", p.images_mean);
  p.ssim_mean = users.number("ssim_mean", p.ssim_mean);
  p.ssim_halfwidth = users.number("ssim_halfwidth", p.ssim_halfwidth);
  p.deadline_mean_slots = users.number("deadline_mean_slots", p.deadline_mean_slots);
  p.deadline_spread = users.number("deadline_spread", p.deadline_spread);
  users.reject_unknown_keys();

  SectionReader jscc(root, "jscc", sections);
  p.image_values = jscc.number("image_values", p.image_values);
  std::vector<double> defaults(p.compression_ratios, p.compression_ratios + p.options);
  const std::vector<double> ratios = jscc.number_list("compression_ratios", defaults);
  if (ratios.empty() || ratios.size() > static_cast<size_t>(kMaxOptions))
    reject("jscc.compression_ratios", static_cast<double>(ratios.size()), "must list between 1 and 8 options");
  p.options = static_cast<int32_t>(ratios.size());
  for (size_t l = 0; l < ratios.size(); ++l) p.compression_ratios[l] = ratios[l];
  jscc.reject_unknown_keys();

  SectionReader solvers(root, "solvers", sections);
  SolverConfig& sc = config.solvers;
  sc.greedy_jscc_rho = solvers.number("greedy_jscc_rho", sc.greedy_jscc_rho);
  if (!(sc.greedy_jscc_rho > 0.0 && sc.greedy_jscc_rho <= 1.0))
    reject("solvers.greedy_jscc_rho", sc.greedy_jscc_rho, "must be in (0, 1]");
  sc.milp_time_limit_s = solvers.number("milp_time_limit_s", sc.milp_time_limit_s);
  if (!(sc.milp_time_limit_s > 0.0 && sc.milp_time_limit_s <= 86400.0))
    reject("solvers.milp_time_limit_s", sc.milp_time_limit_s, "must be in (0, 86400]");
  const int64_t iterations = solvers.integer("jcrra_max_iterations", sc.jcrra_max_iterations);
  if (iterations < 0 || iterations > 100000)
    reject("solvers.jcrra_max_iterations", static_cast<double>(iterations), "must be in [0, 100000]");
  sc.jcrra_max_iterations = static_cast<int>(iterations);
  sc.jcrra_tolerance = solvers.number("jcrra_tolerance", sc.jcrra_tolerance);
  if (!(sc.jcrra_tolerance > 0.0 && sc.jcrra_tolerance < 1.0))
    reject("solvers.jcrra_tolerance", sc.jcrra_tolerance, "must be in (0, 1)");
  sc.jcrra_mixed_precision =
      solvers.text("jcrra_precision", sc.jcrra_mixed_precision ? "mixed" : "fp64", {"fp64", "mixed"}) == "mixed";
  solvers.reject_unknown_keys();

  // Relative paths in [quality] resolve against the configuration file's folder.
  const std::string base_dir = origin == "<string>" ? "" : std::filesystem::path(origin).parent_path().string();
  config.quality = read_quality_config(root, sections, base_dir);

  for (const auto& [key, node] : root) {
    (void)node;
    const std::string name(key.str());
    if (!sections.count(name)) {
      if (name == "algorithms" || name == "instances" || name == "axis")
        reject(name, "(present)", "this looks like a sweep file: run it with `leosem run`");
      reject(name, "(present)", "unknown top-level key or section");
    }
  }

  validate_scenario(p);
  check_ratios_in_quality_domain(config.quality, p.compression_ratios, p.options);
  return config;
}

ScenarioConfig load_scenario_file(const std::string& path) {
  try {
    require_regular_file(path, "configuration file");
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read configuration file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace leosem
