// Tier 5: configuration. The default file parses to the MODEL §8 defaults; every rejected
// configuration names the field, the value and the reason.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/units.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
// Expects parse_scenario(text) to throw ConfigError whose message contains every `part`.
void expect_rejected(const std::string& text, std::initializer_list<std::string> parts) {
  try {
    parse_scenario(text);
    ADD_FAILURE() << "accepted:\n" << text;
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    for (const std::string& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "message '" << message << "' lacks '" << part << "'";
  }
}
}  // namespace

TEST(Config, EmptyFileGivesModelDefaults) {
  const ScenarioConfig c = parse_scenario("");
  const ScenarioParams& p = c.params;
  EXPECT_EQ(c.seed, 1u);
  EXPECT_DOUBLE_EQ(p.altitude_m, 550e3);
  EXPECT_DOUBLE_EQ(p.carrier_hz, 2e9);
  EXPECT_DOUBLE_EQ(p.bandwidth_hz, 40e6);
  EXPECT_EQ(p.subchannels, 10);
  EXPECT_EQ(p.slots, 240);
  EXPECT_DOUBLE_EQ(p.slot_duration_s, 1.0);
  EXPECT_EQ(p.users, 8);
  EXPECT_DOUBLE_EQ(p.sat_max_gain_dbi, 24.0);
  EXPECT_DOUBLE_EQ(p.noise_psd_dbm_hz, -174.0);
  EXPECT_NEAR(p.max_power_w, 50.12, 0.01);
  EXPECT_DOUBLE_EQ(p.images_mean, 50000.0);
  EXPECT_DOUBLE_EQ(p.ssim_mean, 0.75);
  EXPECT_DOUBLE_EQ(p.deadline_mean_slots, 60.0);
  EXPECT_DOUBLE_EQ(p.rician_k_db, 10.0);
  EXPECT_EQ(p.options, 6);
  EXPECT_DOUBLE_EQ(p.compression_ratios[0], 1.0 / 40);
  EXPECT_DOUBLE_EQ(p.compression_ratios[5], 1.0 / 4);
  EXPECT_EQ(p.band, Band::S);
}

TEST(Config, DefaultFileEqualsBuiltInDefaults) {
  const ScenarioConfig file = load_scenario_file(std::string(LEOSEM_SOURCE_DIR) + "/sweeps/scenarios/default.toml");
  const ScenarioParams a = file.params, b = default_scenario_params();
  EXPECT_EQ(file.seed, 1u);
  EXPECT_DOUBLE_EQ(a.altitude_m, b.altitude_m);
  EXPECT_DOUBLE_EQ(a.area_radius_m, b.area_radius_m);
  EXPECT_DOUBLE_EQ(a.cross_track_offset_max_m, b.cross_track_offset_max_m);
  EXPECT_DOUBLE_EQ(a.max_power_w, b.max_power_w);
  EXPECT_DOUBLE_EQ(a.sat_aperture_radius_m, b.sat_aperture_radius_m);
  EXPECT_EQ(a.fading, b.fading);
  EXPECT_EQ(a.propagation, b.propagation);
  EXPECT_EQ(a.beam_pointing, b.beam_pointing);
  EXPECT_EQ(a.large_scale_hold, b.large_scale_hold);
  EXPECT_EQ(a.options, b.options);
  for (int l = 0; l < a.options; ++l) EXPECT_NEAR(a.compression_ratios[l], b.compression_ratios[l], 1e-15);
}

TEST(Config, FieldsAreRead) {
  const ScenarioConfig c = parse_scenario(R"(
seed = 77
[orbit]
altitude_km = 1200
[radio]
carrier_ghz = 20
max_power_dbw = 10
[channel]
fading = "shadowed-rician"
shadowed_rician_set = "frequent-heavy"
scenario = "dense-urban"
large_scale = "per-slot"
[users]
count = 3
images_distribution = "fixed"
[jscc]
compression_ratios = [0.1, 0.2]
)");
  EXPECT_EQ(c.seed, 77u);
  EXPECT_DOUBLE_EQ(c.params.altitude_m, 1200e3);
  EXPECT_EQ(c.params.band, Band::Ka);
  EXPECT_NEAR(c.params.max_power_w, 10.0, 1e-9);
  EXPECT_EQ(c.params.fading, FadingModel::ShadowedRician);
  EXPECT_DOUBLE_EQ(c.params.sr_m, 0.739);
  EXPECT_EQ(c.params.propagation, PropagationScenario::DenseUrban);
  EXPECT_EQ(c.params.large_scale_hold, LargeScaleHold::PerSlot);
  EXPECT_EQ(c.params.users, 3);
  EXPECT_EQ(c.params.options, 2);
}

TEST(Config, RejectsUnknownKeysAndSections) {
  expect_rejected("[orbit]\naltitude = 550\n", {"orbit.altitude", "unknown key"});
  expect_rejected("[orbits]\naltitude_km = 550\n", {"orbits", "unknown top-level"});
  expect_rejected("users = 8\n", {"users", "must be a [users] table"});
}

TEST(Config, RejectsWrongTypes) {
  expect_rejected("[orbit]\naltitude_km = \"550\"\n", {"orbit.altitude_km", "\"550\"", "must be a number"});
  expect_rejected("[users]\ncount = 8.5\n", {"users.count", "8.5", "must be an integer"});
  expect_rejected("[channel]\nfading = 3\n", {"channel.fading", "must be a string"});
  expect_rejected("[jscc]\ncompression_ratios = 0.1\n", {"jscc.compression_ratios", "must be an array"});
  expect_rejected("[jscc]\ncompression_ratios = [0.1, \"x\"]\n", {"jscc.compression_ratios", "must be a number"});
  expect_rejected("seed = 1.5\n", {"seed", "integer"});
}

TEST(Config, RejectsBadEnumValues) {
  expect_rejected("[channel]\nfading = \"rayleigh\"\n", {"channel.fading", "\"rayleigh\"", "must be one of"});
  expect_rejected("[channel]\nscenario = \"rural\"\n", {"channel.scenario", "must be one of"});
  expect_rejected("[area]\nbeam_pointing = \"sun\"\n", {"area.beam_pointing"});
}

TEST(Config, EnvironmentKeyAndItsDeprecatedName) {
  // MODEL §3 calls the field `environment`; the old key `scenario` is still read, not both.
  EXPECT_EQ(parse_scenario("[channel]\nenvironment = \"urban\"\n").params.propagation, PropagationScenario::Urban);
  EXPECT_EQ(parse_scenario("[channel]\nscenario = \"urban\"\n").params.propagation, PropagationScenario::Urban);
  expect_rejected("[channel]\nenvironment = \"los\"\nscenario = \"urban\"\n",
                  {"channel.scenario", "deprecated name of channel.environment"});
  expect_rejected("[channel]\nenvironment = \"rural\"\n", {"channel.environment", "\"rural\"", "must be one of"});
}

TEST(Config, RangeErrorsNameTheUnit) {
  expect_rejected("[radio]\nbandwidth_mhz = -40\n", {"field 'radio.bandwidth_mhz' = -40: must be > 0 MHz"});
  expect_rejected("[radio]\ncarrier_ghz = 50\n", {"field 'radio.carrier_ghz' = 50: must be in (0, 40] GHz"});
  expect_rejected("[radio]\nmax_power_dbw = 61\n", {"radio.max_power_dbw", "in [-100, 60] dBW"});
  expect_rejected("[time]\nslots = 0\n", {"field 'time.slots' = 0: must be an integer in [1, 100000] slot"});
  expect_rejected("seed = -1\n", {"field 'seed' = -1: must be an integer >= 0"});
  // A rule between fields names the field and its unit, with the value in that unit.
  expect_rejected("[area]\ncross_track_offset_min_km = 50\ncross_track_offset_max_km = 10\n",
                  {"field 'area.cross_track_offset_max_km' = 10: must be >= area.cross_track_offset_min_km (km)"});
}

TEST(Config, RejectsPhysicallyImpossibleValues) {
  expect_rejected("[orbit]\naltitude_km = 0\n", {"orbit.altitude_km", "= 0", "must be in (0, 2000] km"});
  expect_rejected("[orbit]\naltitude_km = -5\n", {"orbit.altitude_km", "-5"});
  expect_rejected("[orbit]\nmin_elevation_deg = 95\n", {"orbit.min_elevation_deg", "95"});
  expect_rejected("[radio]\nbandwidth_mhz = -40\n", {"radio.bandwidth_mhz", "-40", "must be > 0"});
  expect_rejected("[radio]\nbandwidth_mhz = 0\n", {"radio.bandwidth_mhz"});
  expect_rejected("[radio]\nsubchannels = 0\n", {"radio.subchannels"});
  expect_rejected("[radio]\ncarrier_ghz = 10\n", {"radio.carrier_ghz", "TR 38.811"});
  expect_rejected("[radio]\ncarrier_ghz = -2\n", {"radio.carrier_ghz"});
  expect_rejected("[radio]\nsat_aperture_radius_m = 0\n", {"radio.sat_aperture_radius_m"});
  expect_rejected("[radio]\nnoise_figure_db = -1\n", {"radio.noise_figure_db"});
  expect_rejected("[radio]\nmax_power_dbw = 1e6\n", {"radio.max_power_dbw"});
  expect_rejected("[time]\nslot_duration_s = 0\n", {"time.slot_duration_s"});
  expect_rejected("[time]\nslots = 0\n", {"time.slots"});
  expect_rejected("[time]\nslots = 5000\n", {"time.slots", "half an orbit"});
  expect_rejected("[area]\nradius_km = -1\n", {"area.radius_km"});
  expect_rejected("[area]\ncross_track_offset_min_km = 50\ncross_track_offset_max_km = 10\n",
                  {"area.cross_track_offset_max_km", "cross_track_offset_min_km"});
}

TEST(Config, RejectsInconsistentDemand) {
  // K > N·T: 4 SCs x 2 slots cannot give each of 9 UEs a resource.
  expect_rejected("[radio]\nsubchannels = 4\n[time]\nslots = 2\n[users]\ncount = 9\ndeadline_mean_slots = 1\n"
                  "deadline_spread = 0\n",
                  {"users.count", "9", "subchannels x slots"});
  // Deadline beyond the window.
  expect_rejected("[time]\nslots = 60\n", {"users.deadline_mean_slots", "beyond the window"});
  expect_rejected("[users]\ndeadline_mean_slots = 300\n", {"users.deadline_mean_slots", "300"});
  expect_rejected("[users]\ndeadline_spread = 1.0\n", {"users.deadline_spread"});
  expect_rejected("[users]\nssim_mean = 1.2\n", {"users.ssim_mean", "1.2"});
  expect_rejected("[users]\nssim_mean = 0.97\nssim_halfwidth = 0.05\n", {"users.ssim_halfwidth"});
  expect_rejected("[users]\nimages_mean = 0\n", {"users.images_mean"});
  expect_rejected("[users]\ncount = 0\n", {"users.count"});
  expect_rejected("[users]\nimages_distribution = \"fixed\"\nimages_mean = 10.5\n", {"users.images_mean", "whole"});
  expect_rejected("[jscc]\ncompression_ratios = [0.2, 0.1]\n", {"jscc.compression_ratios", "ascending"});
  expect_rejected("[jscc]\ncompression_ratios = [0.1, 1.5]\n", {"jscc.compression_ratios", "1.5"});
  expect_rejected("[jscc]\ncompression_ratios = []\n", {"jscc.compression_ratios"});
  expect_rejected("[jscc]\nimage_values = 0\n", {"jscc.image_values"});
}

TEST(Config, SolverSettings) {
  const ScenarioConfig defaults = parse_scenario("");
  EXPECT_DOUBLE_EQ(defaults.solvers.greedy_rho, 1.0 / 12);
  EXPECT_DOUBLE_EQ(defaults.solvers.milp_time_limit_s, 10.0);
  EXPECT_EQ(defaults.solvers.jcrra.max_sca_iterations, 30);
  const ScenarioConfig c = parse_scenario(
      "[solvers]\ngreedy_jscc_rho = 0.25\nmilp_time_limit_s = 3\njcrra_max_iterations = 0\njcrra_tolerance = 0.01\n");
  EXPECT_DOUBLE_EQ(c.solvers.greedy_rho, 0.25);
  EXPECT_DOUBLE_EQ(c.solvers.milp_time_limit_s, 3.0);
  EXPECT_EQ(c.solvers.jcrra.max_sca_iterations, 0);
  EXPECT_DOUBLE_EQ(c.solvers.jcrra.tolerance, 0.01);
  expect_rejected("[solvers]\ngreedy_jscc_rho = 0\n", {"solvers.greedy_jscc_rho", "(0, 1]"});
  expect_rejected("[solvers]\nmilp_time_limit_s = -1\n", {"solvers.milp_time_limit_s"});
  expect_rejected("[solvers]\njcrra_max_iterations = 2.5\n", {"solvers.jcrra_max_iterations", "integer"});
  expect_rejected("[solvers]\njcrra_tolerance = 0\n", {"solvers.jcrra_tolerance"});
  expect_rejected("[solvers]\njcrra_precision = \"fp16\"\n", {"solvers.jcrra_precision", "fp64", "mixed"});
  EXPECT_TRUE(parse_scenario("[solvers]\njcrra_precision = \"mixed\"\n").solvers.jcrra.mixed_precision);
  EXPECT_FALSE(parse_scenario("").solvers.jcrra.mixed_precision);
  expect_rejected("[solvers]\nmethod = \"fast\"\n", {"solvers.method", "unknown key"});
}

TEST(Config, SyntaxErrorsNameTheLine) {
  expect_rejected("[orbit]\naltitude_km = = 3\n", {"<string>:2", "TOML syntax error"});
}

TEST(Config, MissingFileIsAClearError) {
  EXPECT_THROW(load_scenario_file("/nonexistent/leosem.toml"), ConfigError);
}

TEST(Config, ProfileFilesSetTheirProfile) {
  const std::string dir = std::string(LEOSEM_SOURCE_DIR) + "/sweeps/scenarios/";
  struct Case {
    const char* file;
    BeamPointing beam;
    PropagationScenario environment;
  };
  for (const Case& c : {Case{"default.toml", BeamPointing::Steered, PropagationScenario::Los},
                        Case{"suburban-earth-fixed.toml", BeamPointing::EarthFixed, PropagationScenario::SuburbanRural},
                        Case{"earth-fixed.toml", BeamPointing::EarthFixed, PropagationScenario::Los},
                        Case{"suburban.toml", BeamPointing::Steered, PropagationScenario::SuburbanRural}}) {
    const ScenarioParams p = load_scenario_file(dir + c.file).params;
    EXPECT_EQ(p.beam_pointing, c.beam) << c.file;
    EXPECT_EQ(p.propagation, c.environment) << c.file;
    EXPECT_EQ(p.users, default_scenario_params().users) << c.file;  // every other field at its default
  }
  EXPECT_EQ(parse_scenario("[area]\nbeam_pointing = \"nadir\"\n").params.beam_pointing, BeamPointing::Nadir);
}
