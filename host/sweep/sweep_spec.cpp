#include "sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "core/file_safety.hpp"
#include "core/sha256.hpp"
#include "scenario/limits.hpp"
#include "core/toml_input_check.hpp"
#include "core/toml_reader.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

std::string read_file(const std::string& path, const std::string& what) {
  try {
    require_regular_file(path, what);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + what + " " + quoted_input(path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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
  const QualityConfig quality = point_scenario(spec, 0).quality;
  std::string digests = "# jpeg_table " + sha256_hex(read_file(quality.jpeg_table_path, "JPEG table")) + "\n";
  if (!quality.grid_path.empty())
    digests += "# grid_file " + sha256_hex(read_file(quality.grid_path, "quality grid")) + "\n";
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

SweepSpec parse_sweep(const std::string& text, const std::string& origin, const std::string& base_dir,
                      const std::vector<std::string>& known_algorithms) {
  const toml::table root = parse_toml(text, origin, "invalid sweep");
  SweepSpec spec;
  spec.origin = origin;
  spec.sweep_text = text;
  const std::set<std::string> known{"name", "seed", "independent_points", "target_ci_db", "target_ci_paired",
                                    "block_instances", "scenario", "instances", "algorithms", "lower_bound", "axis"};
  for (const auto& [key, node] : root) {
    (void)node;
    if (!known.count(std::string(key.str())))
      reject(std::string(key.str()), "(present)", "unknown key in the sweep file (known: name, scenario, "
                                                  "instances, algorithms, lower_bound, seed, "
                                                  "independent_points, target_ci_db, target_ci_paired, block_instances, "
                                                  "[[axis]])");
  }

  if (const toml::node* name = root.get("name")) {
    if (!name->is_string()) reject("name", "(not a string)", "must be a string");
    spec.name = *name->value<std::string>();
  }
  const toml::node* scenario = root.get("scenario");
  if (!scenario || !scenario->is_string()) reject("scenario", "(missing)", "must name the base scenario file");
  const std::string scenario_path = *scenario->value<std::string>();
  if (scenario_path.empty()) reject("scenario", "\"\"", "must name the base scenario file, not be empty");
  spec.scenario_origin = (std::filesystem::path(base_dir) / scenario_path).string();
  try {
    require_regular_file(spec.scenario_origin, "base scenario");
  } catch (const std::exception& e) {
    reject("scenario", "\"" + scenario_path + "\"", e.what());
  }
  spec.scenario_text = read_file(spec.scenario_origin, "base scenario");

  const toml::node* instances = root.get("instances");
  if (!instances || !instances->value_exact<int64_t>()) reject("instances", "(missing)", "must be an integer");
  const int64_t count = *instances->value_exact<int64_t>();
  if (count < 1 || count > 1000000000) reject("instances", static_cast<double>(count), "must be in [1, 1e9]");
  spec.instances = static_cast<uint32_t>(count);

  if (const toml::node* seed = root.get("seed")) {
    auto v = seed->value_exact<int64_t>();
    if (!v || *v < 0) reject("seed", "(invalid)", "must be an integer >= 0");
    spec.seed = static_cast<uint64_t>(*v);
  } else {
    reject("seed", "(missing)", "a sweep must state its seed");
  }

  if (const toml::node* independent = root.get("independent_points")) {
    auto v = independent->value_exact<bool>();
    if (!v) reject("independent_points", "(not a boolean)", "must be true or false");
    spec.independent_points = *v;
  }

  if (const toml::node* target = root.get("target_ci_db")) {
    auto v = target->value<double>();  // an integer is accepted too
    if (!v || !(target->is_floating_point() || target->is_integer()))
      reject("target_ci_db", "(not a number)", "must be a number of dB > 0");
    if (!(*v > 0.0)) reject("target_ci_db", *v, "must be a number of dB > 0 (the 95% CI half-width to reach)");
    spec.target_ci_db = *v;
  }
  if (const toml::node* block = root.get("block_instances")) {
    auto v = block->value_exact<int64_t>();
    if (!v) reject("block_instances", "(not an integer)", "must be an integer >= 1");
    spec.block_instances = block_instances_value(*v, "block_instances");
  }

  const toml::array* algorithms = root.get("algorithms") ? root.get("algorithms")->as_array() : nullptr;
  if (!algorithms || algorithms->empty()) reject("algorithms", "(missing)", "must be a non-empty array of names");
  for (const toml::node& item : *algorithms) {
    auto name = item.value_exact<std::string>();
    if (!name) reject("algorithms", "(not a string)", "every element must be an algorithm name");
    bool found = false;
    std::string list;
    for (const std::string& k : known_algorithms) {
      found |= k == *name;
      list += (list.empty() ? "" : ", ") + k;
    }
    if (!found) reject("algorithms", "\"" + *name + "\"", "unknown algorithm (known: " + list + ")");
    for (const std::string& seen : spec.algorithms)
      if (seen == *name) reject("algorithms", "\"" + *name + "\"", "listed twice");
    spec.algorithms.push_back(*name);
  }
  if (const toml::node* bound = root.get("lower_bound")) {
    auto v = bound->value_exact<bool>();
    if (!v) reject("lower_bound", "(not a boolean)", "must be true or false");
    spec.lower_bound = *v;
  }
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

  const toml::node* axes_node = root.get("axis");
  const toml::array* axes = axes_node ? axes_node->as_array() : nullptr;
  if (axes_node && !axes) reject("axis", "(not an array of tables)", "write axes as [[axis]] tables");
  double points = 1.0;
  if (axes) {
    for (size_t a = 0; a < axes->size(); ++a) {
      const toml::table* table = (*axes)[a].as_table();
      const std::string where = "axis[" + std::to_string(a) + "]";
      if (!table) reject(where, "(not a table)", "write axes as [[axis]] tables");
      SweepAxis axis;
      for (const auto& [key, node] : *table) {
        (void)node;
        const std::string k(key.str());
        if (k != "field" && k != "values" && k != "range")
          reject(where + "." + k, "(present)", "unknown key in an axis (known: field, values, range)");
      }
      auto field = table->get("field") ? table->get("field")->value_exact<std::string>() : std::nullopt;
      if (!field) reject(where + ".field", "(missing)", "must name a scenario field, e.g. \"users.count\"");
      axis.field = *field;
      const toml::node* values = table->get("values");
      const toml::node* range = table->get("range");
      if ((values != nullptr) == (range != nullptr))
        reject(where, axis.field, "give exactly one of 'values' (a list) or 'range' ({start, stop, step})");
      bool all_integer = true;
      if (values) {
        const toml::array* list = values->as_array();
        if (!list) reject(where + ".values", "(not an array)", "must be an array of numbers");
        for (const toml::node& v : *list) {
          if (auto i = v.value_exact<int64_t>()) axis.values.push_back(static_cast<double>(*i));
          else if (auto d = v.value_exact<double>()) {
            axis.values.push_back(*d);
            all_integer = false;
          } else reject(where + ".values", "(non-number)", "every value must be a number");
        }
      } else {
        const toml::table* r = range->as_table();
        if (!r) reject(where + ".range", "(not a table)", "must be {start = .., stop = .., step = ..}");
        double bounds[3];
        const char* names[3] = {"start", "stop", "step"};
        for (int i = 0; i < 3; ++i) {
          const toml::node* b = r->get(names[i]);
          if (b && b->value_exact<int64_t>()) bounds[i] = static_cast<double>(*b->value_exact<int64_t>());
          else if (b && b->value_exact<double>()) {
            bounds[i] = *b->value_exact<double>();
            all_integer = false;
          } else reject(where + ".range." + names[i], "(missing)", "must be a number");
        }
        if (!(bounds[2] > 0)) reject(where + ".range.step", bounds[2], "must be > 0");
        const double steps = std::floor((bounds[1] - bounds[0]) / bounds[2] + 1e-9);
        if (steps > 100000) reject(where + ".range", steps, "more than 100000 values");
        for (double i = 0; i <= steps; ++i) axis.values.push_back(bounds[0] + i * bounds[2]);
      }
      if (axis.values.empty()) reject(where + ".values", axis.field, "the axis is empty");
      axis.integer = all_integer;
      for (const SweepAxis& seen : spec.axes)
        if (seen.field == axis.field) reject(where + ".field", axis.field, "the field has two axes");
      // Bounded as the axes come (not after: their product can overflow, and many long axes
      // would fill memory first).
      points *= static_cast<double>(axis.values.size());
      if (points > kMaxSweepPoints)
        reject(where, axis.field,
               "the axes make " + format_number(points) + " points, more than " + format_number(kMaxSweepPoints) +
                   " (every point is validated before the run, about 1 ms each)");
      spec.axes.push_back(axis);
    }
  }
  const double pairs = static_cast<double>(spec.point_count()) * spec.instances;
  if (pairs > kMaxSweepPairs)
    reject("instances", static_cast<double>(spec.instances),
           "points x instances = " + format_number(pairs) + " results per algorithm, more than " +
               format_number(kMaxSweepPairs) + " (the file would hold about " +
               format_number(pairs * (1 + 14.0 * static_cast<double>(spec.algorithms.size())) / 1e9) +
               " GB); reduce instances or the axes, or split the sweep");

  if (const toml::node* paired = root.get("target_ci_paired")) {
    const toml::array* list = paired->as_array();
    std::vector<std::string> names;
    if (list)
      for (const toml::node& item : *list) {
        auto n = item.value_exact<std::string>();
        if (!n) reject("target_ci_paired", "(not a string)", "must be two algorithm names, e.g. [\"jcrra\", \"greedy-jscc\"]");
        names.push_back(*n);
      }
    else
      reject("target_ci_paired", "(not an array)", "must be two algorithm names, e.g. [\"jcrra\", \"greedy-jscc\"]");
    spec.target_ci_paired = paired_names(names, "target_ci_paired", spec, known_algorithms);
  }
  check_adaptive(spec);
  // Every point must be a valid scenario (unknown axis fields and bad values fail here).
  for (size_t p = 0; p < spec.point_count(); ++p) point_scenario(spec, p);
  spec.data_digests = data_file_digests(spec);
  return spec;
}

SweepSpec load_sweep_file(const std::string& path, const std::vector<std::string>& known_algorithms) {
  const std::string text = read_file(path, "sweep file");
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
  // Validated as the file is: every point parsed with the overrides in place.
  for (size_t p = 0; p < spec.point_count(); ++p) point_scenario(spec, p);
  spec.data_digests = data_file_digests(spec);  // an override may name other data files
}

ScenarioConfig point_scenario(const SweepSpec& spec, size_t point) {
  toml::table root = parse_toml(spec.scenario_text, spec.scenario_origin, "invalid base scenario");
  std::string label;
  for (const FieldOverride& o : spec.overrides) {
    apply_override(root, o);
    label += (label.empty() ? "--set " : ", --set ") + o.field + "=" + o.value_toml;
  }
  const std::vector<double> values = spec.point_values(point);
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    set_dotted(root, spec.axes[a].field, values[a], spec.axes[a].integer);
    label += (label.empty() ? "" : ", ") + spec.axes[a].field + " = " + format_number(values[a]);
  }
  std::ostringstream text;
  text << root;
  try {
    ScenarioConfig config = parse_scenario(text.str(), spec.scenario_origin);
    config.seed = spec.seed;
    return config;
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + (label.empty() ? "" : " (sweep " + spec.origin + ", point " +
                                                                         std::to_string(point) + ": " + label + ")"));
  }
}

}  // namespace leosem
