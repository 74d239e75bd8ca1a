#include "scenario/config.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "model/channel.hpp"
#include "core/file_safety.hpp"
#include "scenario/field_table.hpp"
#include "scenario/limits.hpp"
#include "solvers/solve.hpp"
#include "core/toml_input_check.hpp"
#include "core/toml_reader.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {

namespace {

// Every field at its row's default (built once; the files [quality] names are not loaded).
const ScenarioConfig& table_defaults() {
  static const ScenarioConfig defaults = [] {
    ScenarioConfig c;
    apply_field_defaults(c);
    return c;
  }();
  return defaults;
}

}  // namespace

ScenarioParams default_scenario_params() { return table_defaults().params; }

SolverInputs make_solver_inputs(const ScenarioConfig& config) {
  SolverInputs inputs;
  inputs.quality = config.quality.model();
  inputs.jpeg = &config.quality.jpeg_table;
  inputs.jpeg_basis = config.quality.jpeg_rate_basis;
  inputs.options = config.solvers;
  return inputs;
}

namespace {

// Reads one row's key (or its deprecated alias) from `reader` into `config`, checking its type,
// range or allowed values in the unit the file uses. An absent key leaves the default.
void read_field(SectionReader& reader, const ScenarioField& f, ScenarioConfig& config) {
  std::string key = f.key;
  if (!f.alias.empty() && reader.has(f.alias)) {
    if (reader.has(f.key))
      reject(reader.field(f.alias), "(present)",
             "deprecated name of " + f.path() + ", which is given too: keep only " + f.path());
    key = f.alias;
  }
  if (!reader.has(key)) return;
  const std::string field = reader.field(key);
  const std::string unit = f.unit == "1" ? "" : " " + f.unit;
  FieldValue v;
  switch (f.kind) {
    case FieldKind::Number: {
      const double value = reader.number(key, 0.0);
      if (!f.range.contains(value)) reject(field, value, "must be " + f.range.text() + unit);
      v.number = f.scale.to_si(value);
      break;
    }
    case FieldKind::Integer: {
      v.integer = reader.integer(key, 0);
      if (!f.range.contains(static_cast<double>(v.integer)))
        reject(field, static_cast<double>(v.integer), "must be an integer " + f.range.text() + unit);
      break;
    }
    case FieldKind::Choice: {
      const std::string text = reader.text(key, "", f.choices);
      while (f.choices[v.choice] != text) ++v.choice;
      break;
    }
    case FieldKind::NumberList: {
      v.list = reader.number_list(key, {});
      const double count = static_cast<double>(v.list.size());
      if (count < f.list_min || count > f.list_max)
        reject(field, count,
               "must list between " + std::to_string(f.list_min) + " and " + std::to_string(f.list_max) + " values");
      for (double& value : v.list) {
        if (!f.range.contains(value)) reject(field, value, "every value must be " + f.range.text() + unit);
        value = f.scale.to_si(value);
      }
      break;
    }
    case FieldKind::Path:
      v.text = reader.string(key, "");
      break;
  }
  f.set(config, v);
}

// The rules between fields, which are no rows of the field table; values in SI.
void check_cross_field_rules(const ScenarioParams& p) {
  check_scenario_limits(p);  // first: the other checks are cheap, but an instance this size is not
  auto require = [](bool ok, const char* field, double value_si, const char* reason) {
    if (!ok) reject_field(field, value_si, reason);
  };
  require(p.cross_track_offset_max_m >= p.cross_track_offset_min_m, "area.cross_track_offset_max_km",
          p.cross_track_offset_max_m, "must be >= area.cross_track_offset_min_km");
  require(p.slots * p.slot_duration_s <= orbital_period_s(p.altitude_m) / 2, "time.slots", p.slots,
          "the window (slots x slot_duration_s) must be shorter than half an orbit");
  require(p.carrier_hz < 6e9 || p.carrier_hz >= 17e9, "radio.carrier_ghz", p.carrier_hz,
          "TR 38.811 tables exist for S band (< 6) and Ka band (17..40) only");
  require(static_cast<double>(p.users) <= static_cast<double>(p.subchannels) * p.slots, "users.count", p.users,
          "must be <= subchannels x slots (each UE needs at least one resource)");
  require(p.images_distribution != ImagesDistribution::Fixed || p.images_mean == std::floor(p.images_mean),
          "users.images_mean", p.images_mean, "must be a whole number when images_distribution = \"fixed\"");
  require(p.ssim_mean - p.ssim_halfwidth > 0.0 && p.ssim_mean + p.ssim_halfwidth < 1.0, "users.ssim_halfwidth",
          p.ssim_halfwidth, "ssim_mean +/- ssim_halfwidth must stay inside (0, 1)");
  require(deadline_origin_slot(p) + std::lround(p.deadline_mean_slots * (1.0 + p.deadline_spread)) <= p.slots,
          "users.deadline_mean_slots", p.deadline_mean_slots,
          p.deadline_origin == DeadlineOrigin::ClosestApproach
              ? "the latest deadline, slots/2 + mean x (1 + deadline_spread), is beyond the window (time.slots)"
              : "the latest deadline, mean x (1 + deadline_spread), is beyond the window (time.slots)");
  require(std::lround(p.deadline_mean_slots * (1.0 - p.deadline_spread)) >= 1, "users.deadline_mean_slots",
          p.deadline_mean_slots, "the earliest deadline, mean x (1 - deadline_spread), is below one slot");
  for (int l = 1; l < p.options; ++l)
    require(p.compression_ratios[l] > p.compression_ratios[l - 1], "jscc.compression_ratios",
            p.compression_ratios[l], "ratios must be strictly ascending");
}

}  // namespace

ScenarioConfig parse_scenario(const std::string& toml_text, const std::string& origin) {
  const toml::table root = parse_toml(toml_text, origin, "invalid configuration");

  ScenarioConfig config;
  config.source_text = toml_text;
  config.origin = origin;
  apply_field_defaults(config);

  // Every row of the field table, section by section; a section's unknown keys are errors.
  std::set<std::string> sections;
  for (const ScenarioSection& section : scenario_sections()) {
    SectionReader reader = section.name.empty() ? SectionReader(root) : SectionReader(root, section.name, sections);
    for (const ScenarioField& f : scenario_fields()) {
      if (f.section != section.name) continue;
      if (section.name.empty()) sections.insert(f.key);  // a top-level key, not an unknown section
      read_field(reader, f, config);
    }
    if (!section.name.empty()) reader.reject_unknown_keys();
  }
  for (const auto& [key, node] : root) {
    (void)node;
    const std::string name(key.str());
    if (!sections.count(name)) {
      if (name == "algorithms" || name == "instances" || name == "axis")
        reject(name, "(present)", "this looks like a sweep file: run it with `leosem run`");
      reject(name, "(present)", "unknown top-level key or section");
    }
  }

  ScenarioParams& p = config.params;
  p.band = p.carrier_hz < 10e9 ? Band::S : Band::Ka;
  check_cross_field_rules(p);
  // Relative paths in [quality] resolve against the configuration file's folder.
  const std::string base_dir = origin == "<string>" ? "" : std::filesystem::path(origin).parent_path().string();
  load_quality_files(config.quality, base_dir);
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
  if (!in) throw ConfigError("cannot read configuration file " + quoted_input(path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace leosem
