#include "sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <toml++/toml.h>

#include "core/file_safety.hpp"
#include "core/sha256.hpp"
#include "scenario/field_table.hpp"
#include "scenario/limits.hpp"
#include "core/toml_input_check.hpp"
#include "core/toml_reader.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

// The table that holds the last part of `dotted` inside `root` (created on the way), and that part.
std::pair<toml::table*, std::string> dotted_parent(toml::table& root, const std::string& dotted,
                                                   const std::string& what) {
  if (std::count(dotted.begin(), dotted.end(), '.') >= kMaxTomlKeyParts)  // as in a TOML file (toml_input_check.hpp)
    throw ConfigError(what + " '" + text_excerpt(dotted) + "': more than " + std::to_string(kMaxTomlKeyParts) +
                      " dotted parts (a scenario field is section.key)");
  toml::table* table = &root;
  size_t start = 0;
  for (size_t dot = dotted.find('.'); dot != std::string::npos; dot = dotted.find('.', start)) {
    const std::string part = dotted.substr(start, dot - start);
    if (!table->contains(part)) table->insert(part, toml::table{});
    table = (*table)[part].as_table();
    if (!table) throw ConfigError(what + " " + quoted_input(dotted) + ": " + quoted_input(part) + " is not a table in the scenario");
    start = dot + 1;
  }
  return {table, dotted.substr(start)};
}

// Sets `value` at the dotted path inside `root`, creating tables on the way.
void set_dotted(toml::table& root, const std::string& dotted, double value, bool integer) {
  auto [table, key] = dotted_parent(root, dotted, "sweep axis");
  if (integer) table->insert_or_assign(key, static_cast<int64_t>(std::llround(value)));
  else table->insert_or_assign(key, value);
}

// The TOML value of `--set FIELD=VALUE` (a table holding it under "value"), or a ConfigError.
toml::table parse_override_value(const std::string& field, const std::string& value_text) {
  try {
    toml::table holder = parse_toml("value = " + value_text, "--set " + field, "invalid --set");
    if (holder.size() != 1 || !holder.contains("value")) throw ConfigError("");
    return holder;
  } catch (const ConfigError&) {
  }
  throw ConfigError("invalid --set " + field + "=" + value_text +
                    ": the value is not a TOML value (numbers as 10 or 0.5, strings in quotes: '\"text\"')");
}

void apply_override(toml::table& root, const FieldOverride& o) {
  toml::table holder = parse_override_value(o.field, o.value_toml);
  auto [table, key] = dotted_parent(root, o.field, "--set");
  table->insert_or_assign(key, *holder.get("value"));
}

// What a point's errors add: " (sweep S, point p: --set F=V, axis.field = v)", or "" for a
// scenario with neither.
std::string point_error_label(const SweepSpec& spec, size_t point) {
  std::string label;
  for (const FieldOverride& o : spec.overrides) label += (label.empty() ? "--set " : ", --set ") + o.field + "=" + o.value_toml;
  const std::vector<double> values = spec.point_values(point);
  for (size_t a = 0; a < spec.axes.size(); ++a)
    label += (label.empty() ? "" : ", ") + spec.axes[a].field + " = " + format_number(values[a]);
  return label.empty() ? "" : " (sweep " + spec.origin + ", point " + std::to_string(point) + ": " + label + ")";
}

// SweepSpec::base, the scenario of point 0, built from its parts: the base scenario's TOML
// (parsed once), the --set values and point 0's axis values, read through the field table (every
// other point is this one with its own axis values set: point_scenario).
void build_base(SweepSpec& spec) {
  toml::table root = parse_toml(spec.scenario_text, spec.scenario_origin, "invalid base scenario");
  const std::vector<double> values = spec.point_values(0);
  ScenarioConfig config;
  config.source_text = spec.scenario_text;
  config.origin = spec.scenario_origin;
  apply_field_defaults(config);
  try {
    for (const FieldOverride& o : spec.overrides) apply_override(root, o);
    for (size_t a = 0; a < spec.axes.size(); ++a) set_dotted(root, spec.axes[a].field, values[a], spec.axes[a].integer);
    read_scenario_table(root, config);
    finish_scenario(config, scenario_base_dir(spec.scenario_origin));
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + point_error_label(spec, 0));
  }
  config.seed = spec.seed;  // the sweep's, not the base scenario's
  spec.base = std::move(config);
}

}  // namespace

size_t SweepSpec::point_count() const {
  size_t count = 1;
  for (const SweepAxis& axis : axes) count *= axis.values.size();
  return count;
}

uint32_t SweepSpec::adaptive_block() const {
  return block_instances ? block_instances : std::min(kDefaultBlockInstances, instances);
}

std::vector<double> SweepSpec::point_values(size_t point) const {
  std::vector<double> values(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    values[a] = axes[a].values[point % axes[a].values.size()];
    point /= axes[a].values.size();
  }
  return values;
}

std::string SweepSpec::resolved_text() const {
  // The keying of random numbers is part of the identity: files from before common random
  // numbers (keyed by point) never merge with or resume into files made after.
  std::string text = "# leosem sweep\n" + sweep_text + "\n# leosem base scenario\n" + scenario_text +
                     "\n# leosem data files (SHA-256)\n" + data_digests + "# leosem random keys: " +
                     (independent_points ? "(seed, point, instance)" : "(seed, 0, instance): common random numbers") +
                     "\n";
  // Files from before the key (no bound unless listed) never merge with or resume into files made
  // after, whose algorithm list gains the bound by default.
  if (lower_bound_appended) text += "# leosem lower bound: on (sweep key lower_bound, default true), algorithm lower-bound\n";
  if (!overrides.empty() || instances_overridden || target_ci_overridden || block_instances_overridden ||
      target_ci_paired_overridden) {
    text += "# leosem command-line overrides (run --set, --instances, --target-ci, --block-instances)\n";
    if (instances_overridden) text += "instances = " + std::to_string(instances) + "\n";
    if (target_ci_overridden) text += "target_ci_db = " + format_number(target_ci_db) + "\n";
    if (block_instances_overridden) text += "block_instances = " + std::to_string(block_instances) + "\n";
    if (target_ci_paired_overridden)
      text += "target_ci_paired = [\"" + target_ci_paired[0] + "\", \"" + target_ci_paired[1] + "\"]\n";
    for (const FieldOverride& o : overrides) text += o.field + " = " + o.value_toml + "\n";
  }
  return text;
}

std::string SweepSpec::config_sha256() const { return sha256_hex(resolved_text()); }


namespace {

// SHA-256 of the data files the sweep reads. Axes are numeric, so every point reads the same
// data files as point 0.
std::string data_file_digests(const SweepSpec& spec) {
  const QualityConfig& quality = spec.base.quality;
  std::string digests = "# jpeg_table " + sha256_hex(read_config_file(quality.jpeg_table_path, "JPEG table")) + "\n";
  if (!quality.grid_path.empty())
    digests += "# grid_file " + sha256_hex(read_config_file(quality.grid_path, "quality grid")) + "\n";
  return digests;
}

// Checks the adaptive settings together (they come from the file and the command line); errors
// name where the value came from.
void check_adaptive(SweepSpec& spec) {
  const std::string target_name = spec.target_ci_overridden ? "--target-ci" : "target_ci_db";
  const std::string block_name = spec.block_instances_overridden ? "--block-instances" : "block_instances";
  const std::string instances_name = spec.instances_overridden ? "--instances" : "instances";
  if (!std::isfinite(spec.target_ci_db) || spec.target_ci_db < 0.0 ||
      (spec.target_ci_db == 0.0 && spec.target_ci_overridden))
    reject(target_name, spec.target_ci_db, "must be a number of dB > 0 (the 95% CI half-width to reach)");
  if (!spec.adaptive()) {
    if (spec.block_instances != 0)
      reject(block_name, static_cast<double>(spec.block_instances),
             "applies only to an adaptive run: give target_ci_db (or --target-ci) too");
    if (!spec.target_ci_paired.empty())
      reject(spec.target_ci_paired_overridden ? "--target-ci-paired" : "target_ci_paired",
             spec.target_ci_paired[0] + "," + spec.target_ci_paired[1],
             "applies only to an adaptive run: give target_ci_db (or --target-ci) too, the half-width to reach");
    return;
  }
  if (spec.target_ci_db > 100.0) reject(target_name, spec.target_ci_db, "must be <= 100 dB");
  if (spec.instances > kMaxAdaptiveInstances)
    reject(instances_name, static_cast<double>(spec.instances),
           "is the most instances per point of an adaptive run, at most " + format_number(kMaxAdaptiveInstances) +
               " (a point's results are held in memory while it runs)");
  if (spec.adaptive_block() > spec.instances)
    reject(block_name, static_cast<double>(spec.adaptive_block()),
           "is more than " + instances_name + " = " + std::to_string(spec.instances) +
               ", the most instances per point of an adaptive run (the cap must hold at least one block)");
}

// The two algorithms of paired stopping, as given in `name` (the sweep key or the option): each
// one a known algorithm, in the sweep, and not the same twice.
std::vector<std::string> paired_names(const std::vector<std::string>& names, const std::string& name,
                                      const SweepSpec& spec, const std::vector<std::string>& known_algorithms) {
  std::string given;
  for (const std::string& n : names) given += (given.empty() ? "" : ",") + n;
  if (names.size() != 2) reject(name, given, "must name exactly two algorithms A,B (the difference A - B)");
  for (const std::string& n : names) {
    const auto in = [&](const std::vector<std::string>& list) { return std::find(list.begin(), list.end(), n) != list.end(); };
    std::string listed;
    for (const std::string& a : spec.algorithms) listed += (listed.empty() ? "" : ", ") + a;
    if (!in(spec.algorithms)) {
      if (!known_algorithms.empty() && !in(known_algorithms))
        reject(name, given, "'" + n + "' is not an algorithm leosem knows (the sweep runs: " + listed + ")");
      reject(name, given, "'" + n + "' is not among the sweep's algorithms (" + listed + ")");
    }
  }
  if (names[0] == names[1]) reject(name, given, "names the same algorithm twice: give two different algorithms");
  return names;
}

// `block_instances` as given (0 = the default); the range is checked with the cap in check_adaptive.
uint32_t block_instances_value(int64_t value, const std::string& name) {
  if (value < 1 || value > 1000000000) reject(name, static_cast<double>(value), "must be an integer in [1, 1e9]");
  return static_cast<uint32_t>(value);
}

}  // namespace

namespace {

// One [[axis]] table: its field and values (a list, or a range {start, stop, step}).
SweepAxis read_axis(const toml::node& node, const std::string& where) {
  const toml::table* table = node.as_table();
  if (!table) reject(where, "(not a table)", "write axes as [[axis]] tables");
  SectionReader reader(*table, where);
  for (const char* key : {"field", "values", "range"}) reader.node(key);
  reader.reject_unknown_keys("unknown key in an axis (known: field, values, range)");
  SweepAxis axis;
  if (!reader.has("field")) reject(where + ".field", "(missing)", "must name a scenario field, e.g. \"users.count\"");
  axis.field = reader.string("field", "", true);
  if (reader.has("values") == reader.has("range"))
    reject(where, axis.field, "give exactly one of 'values' (a list) or 'range' ({start, stop, step})");
  if (reader.has("values")) {
    axis.values = reader.number_list("values", {}, &axis.integer);
  } else {
    const toml::table* range = reader.node("range")->as_table();
    if (!range) reject(where + ".range", "(not a table)", "must be {start = .., stop = .., step = ..}");
    SectionReader bounds(*range, where + ".range");
    double value[3];
    axis.integer = true;
    const char* names[3] = {"start", "stop", "step"};
    for (int i = 0; i < 3; ++i) {
      if (!bounds.has(names[i])) reject(bounds.field(names[i]), "(missing)", "must be a number");
      axis.integer &= bounds.is_integer(names[i]);
      value[i] = bounds.number(names[i], 0.0);
    }
    bounds.reject_unknown_keys("unknown key in an axis range (known: start, stop, step)");
    if (!(value[2] > 0)) reject(where + ".range.step", value[2], "must be > 0");
    const double steps = std::floor((value[1] - value[0]) / value[2] + 1e-9);
    if (steps > 100000) reject(where + ".range", steps, "more than 100000 values");
    for (double i = 0; i <= steps; ++i) axis.values.push_back(value[0] + i * value[2]);
  }
  if (axis.values.empty()) reject(where + ".values", axis.field, "the axis is empty");
  return axis;
}

}  // namespace

SweepSpec parse_sweep(const std::string& text, const std::string& origin, const std::string& base_dir,
                      const std::vector<std::string>& known_algorithms) {
  const toml::table root = parse_toml(text, origin, "invalid sweep");
  SectionReader reader(root);
  SweepSpec spec;
  spec.origin = origin;
  spec.sweep_text = text;
  for (const char* key : {"name", "seed", "independent_points", "target_ci_db", "target_ci_paired", "block_instances",
                          "scenario", "instances", "algorithms", "lower_bound", "axis"})
    reader.node(key);
  reader.reject_unknown_keys("unknown key in the sweep file (known: name, scenario, instances, algorithms, "
                             "lower_bound, seed, independent_points, target_ci_db, target_ci_paired, block_instances, "
                             "[[axis]])");
  const auto require = [&](const char* key, const char* reason) {
    if (!reader.has(key)) reject(key, "(missing)", reason);
  };

  spec.name = reader.string("name", "", true);
  require("scenario", "must name the base scenario file");
  const std::string scenario_path = reader.string("scenario", "");
  spec.scenario_origin = (std::filesystem::path(base_dir) / scenario_path).string();
  try {
    require_regular_file(spec.scenario_origin, "base scenario");
  } catch (const std::exception& e) {
    reject("scenario", "\"" + scenario_path + "\"", e.what());
  }
  spec.scenario_text = read_config_file(spec.scenario_origin, "base scenario");

  require("instances", "must be an integer");
  const int64_t count = reader.integer("instances", 0);
  if (count < 1 || count > 1000000000) reject("instances", static_cast<double>(count), "must be in [1, 1e9]");
  spec.instances = static_cast<uint32_t>(count);

  require("seed", "a sweep must state its seed");
  const int64_t seed = reader.integer("seed", 0);
  if (seed < 0) reject("seed", static_cast<double>(seed), "must be an integer >= 0");
  spec.seed = static_cast<uint64_t>(seed);
  spec.independent_points = reader.boolean("independent_points", false);

  if (reader.has("target_ci_db")) {
    spec.target_ci_db = reader.number("target_ci_db", 0.0);  // an integer is accepted too
    if (!(spec.target_ci_db > 0.0))
      reject("target_ci_db", spec.target_ci_db, "must be a number of dB > 0 (the 95% CI half-width to reach)");
  }
  if (reader.has("block_instances"))
    spec.block_instances = block_instances_value(reader.integer("block_instances", 0), "block_instances");

  require("algorithms", "must be a non-empty array of names");
  const std::vector<std::string> algorithms = reader.string_list("algorithms");
  if (algorithms.empty()) reject("algorithms", "[]", "must be a non-empty array of names");
  std::string known_list;
  for (const std::string& k : known_algorithms) known_list += (known_list.empty() ? "" : ", ") + k;
  for (const std::string& name : algorithms) {
    if (std::find(known_algorithms.begin(), known_algorithms.end(), name) == known_algorithms.end())
      reject("algorithms", "\"" + name + "\"", "unknown algorithm (known: " + known_list + ")");
    if (std::find(spec.algorithms.begin(), spec.algorithms.end(), name) != spec.algorithms.end())
      reject("algorithms", "\"" + name + "\"", "listed twice");
    spec.algorithms.push_back(name);
  }
  spec.lower_bound = reader.boolean("lower_bound", true);
  {
    const bool listed = std::find(spec.algorithms.begin(), spec.algorithms.end(), kLowerBoundAlgorithm) !=
                        spec.algorithms.end();
    const bool runnable = std::find(known_algorithms.begin(), known_algorithms.end(), kLowerBoundAlgorithm) !=
                          known_algorithms.end();
    if (!spec.lower_bound && listed)
      reject("lower_bound", "false",
             "contradicts \"lower-bound\" in algorithms (remove one: the key is the switch, listing it is the "
             "same as true)");
    // Appended only where the caller can run it (a caller with a fixed list of its own, e.g. a
    // test, is not given an algorithm it did not ask for).
    if (spec.lower_bound && !listed && runnable) {
      spec.algorithms.push_back(kLowerBoundAlgorithm);
      spec.lower_bound_appended = true;
    }
  }

  const toml::node* axes_node = reader.node("axis");
  const toml::array* axes = axes_node ? axes_node->as_array() : nullptr;
  if (axes_node && !axes) reject("axis", "(not an array of tables)", "write axes as [[axis]] tables");
  double points = 1.0;
  for (size_t a = 0; axes && a < axes->size(); ++a) {
    const std::string where = "axis[" + std::to_string(a) + "]";
    SweepAxis axis = read_axis((*axes)[a], where);
    for (const SweepAxis& seen : spec.axes)
      if (seen.field == axis.field) reject(where + ".field", axis.field, "the field has two axes");
    // Bounded as the axes come (not after: their product can overflow, and many long axes
    // would fill memory first).
    points *= static_cast<double>(axis.values.size());
    if (points > kMaxSweepPoints)
      reject(where, axis.field,
             "the axes make " + format_number(points) + " points, more than " + format_number(kMaxSweepPoints) +
                 " (every point is validated before the run)");
    spec.axes.push_back(std::move(axis));
  }
  const double pairs = static_cast<double>(spec.point_count()) * spec.instances;
  if (pairs > kMaxSweepPairs)
    reject("instances", static_cast<double>(spec.instances),
           "points x instances = " + format_number(pairs) + " results per algorithm, more than " +
               format_number(kMaxSweepPairs) + " (the file would hold about " +
               format_number(pairs * (1 + 14.0 * static_cast<double>(spec.algorithms.size())) / 1e9) +
               " GB); reduce instances or the axes, or split the sweep");

  if (reader.has("target_ci_paired"))
    spec.target_ci_paired = paired_names(reader.string_list("target_ci_paired"), "target_ci_paired", spec, known_algorithms);
  check_adaptive(spec);
  // Every point must be a valid scenario (unknown axis fields and bad values fail here).
  build_base(spec);
  for (size_t p = 1; p < spec.point_count(); ++p) point_scenario(spec, p);
  spec.data_digests = data_file_digests(spec);
  return spec;
}

SweepSpec load_sweep_file(const std::string& path, const std::vector<std::string>& known_algorithms) {
  const std::string text = read_config_file(path, "sweep file");
  return parse_sweep(text, path, std::filesystem::path(path).parent_path().string(), known_algorithms);
}

void apply_overrides(SweepSpec& spec, const std::vector<std::string>& set, int64_t instances,
                     std::optional<double> target_ci_db, std::optional<int64_t> block_instances,
                     std::optional<std::string> target_ci_paired, const std::vector<std::string>& known_algorithms) {
  if (instances != 0) {
    if (instances < 1 || instances > 1000000000) reject("--instances", static_cast<double>(instances), "must be in [1, 1e9]");
    spec.instances = static_cast<uint32_t>(instances);
    spec.instances_overridden = true;
  }
  if (target_ci_db) {
    spec.target_ci_db = *target_ci_db;
    spec.target_ci_overridden = true;
  }
  if (block_instances) {
    spec.block_instances = block_instances_value(*block_instances, "--block-instances");
    spec.block_instances_overridden = true;
  }
  if (target_ci_paired) {
    std::vector<std::string> names;
    for (size_t begin = 0;;) {
      const size_t comma = target_ci_paired->find(',', begin);
      names.push_back(target_ci_paired->substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
      if (comma == std::string::npos) break;
      begin = comma + 1;
    }
    spec.target_ci_paired = paired_names(names, "--target-ci-paired", spec, known_algorithms);
    spec.target_ci_paired_overridden = true;
  }
  check_adaptive(spec);
  for (const std::string& item : set) {
    const size_t equals = item.find('=');
    const auto trim = [](std::string s) {
      const size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    const std::string field = trim(item.substr(0, equals));
    if (equals == std::string::npos || field.empty())
      throw ConfigError("invalid --set " + quoted_input(item) + ": write FIELD=VALUE, e.g. --set users.count=10");
    if (field.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
            std::string::npos ||
        field.front() == '.' || field.back() == '.' || field.find("..") != std::string::npos)
      throw ConfigError("invalid --set " + quoted_input(item) + ": " + quoted_input(field) + " is not a dotted scenario field (section.key)");
    for (const SweepAxis& axis : spec.axes)
      if (axis.field == field)
        throw ConfigError("invalid --set " + field + ": the field is an axis of sweep " + spec.origin +
                          " (its values come from the axis)");
    for (const FieldOverride& seen : spec.overrides)
      if (seen.field == field) throw ConfigError("invalid --set " + field + ": the field is set twice");
    const toml::table holder = parse_override_value(field, trim(item.substr(equals + 1)));
    std::ostringstream normalised;
    normalised << toml::toml_formatter(holder);  // "value = <v>"
    std::string text = normalised.str();
    text = trim(text.substr(text.find('=') + 1));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    spec.overrides.push_back({field, text});
  }
  if (set.empty()) return;  // the points are those parse_sweep built and validated
  // Validated as the file is: every point built again with the overrides in place.
  build_base(spec);
  for (size_t p = 1; p < spec.point_count(); ++p) point_scenario(spec, p);
  spec.data_digests = data_file_digests(spec);  // an override may name other data files
}

ScenarioConfig point_scenario(const SweepSpec& spec, size_t point) {
  if (point == 0) return spec.base;
  ScenarioConfig config = spec.base;
  toml::table axes;
  const std::vector<double> values = spec.point_values(point);
  for (size_t a = 0; a < spec.axes.size(); ++a) set_dotted(axes, spec.axes[a].field, values[a], spec.axes[a].integer);
  try {
    read_scenario_table(axes, config);
    finish_scenario(config, scenario_base_dir(spec.scenario_origin));
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + point_error_label(spec, point));
  }
  config.seed = spec.seed;
  return config;
}

}  // namespace leosem
