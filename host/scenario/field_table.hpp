// The one table of scenario fields: TOML path, unit, scale to SI, default, valid range or allowed
// values and a one-line doc per field. It drives parsing and range checks (scenario/config.cpp),
// the built-in defaults (default_scenario_params(); the [solvers] rows take theirs from SolverOptions), the reference tables
// of docs/configuration.md and sweeps/scenarios/default.toml (both printed by
// `leosem scenario --print-fields md|toml`; tests/scenario/test_defaults_docs.cpp keeps the committed files
// equal to them) and the units of sweep axes in output files. Rules that relate two fields are
// not rows: they are explicit code in scenario/config.cpp and quality/quality_config.cpp.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "scenario/config.hpp"

namespace leosem {

enum class FieldKind { Number, Integer, Choice, NumberList, Path };

// A field's value. Number: `number` (SI inside the program, the TOML unit in a row's default);
// Integer: `integer`; Choice: `choice` (index into the row's choices); NumberList: `list`;
// Path: `text` (empty: not given).
struct FieldValue {
  double number = 0.0;
  int64_t integer = 0;
  int choice = 0;
  std::vector<double> list;
  std::string text;
};

// TOML unit -> SI: value_si = factor * value, or factor * 10^(value/10) for a decibel unit.
struct FieldScale {
  double factor = 1.0;
  bool decibel = false;
  double to_si(double value) const;
  double from_si(double value_si) const;
};

// An interval in the TOML unit; an infinite end means no bound on that side.
struct FieldRange {
  double min, max;
  bool min_open, max_open;
  bool contains(double value) const;
  std::string text() const;  // "(0, 2000]", "> 0", "any"
};

struct ScenarioField {
  std::string section;  // TOML table; empty for a top-level key
  std::string key;
  std::string alias;    // a deprecated name also accepted for this key (empty: none)
  FieldKind kind = FieldKind::Number;
  std::string unit = "1";  // the TOML value's unit (udunits spelling; "1": dimensionless)
  FieldScale scale;
  FieldValue fallback;     // the default, in the TOML unit
  FieldRange range{};      // Number, Integer, and each NumberList element
  int list_min = 0, list_max = 0;    // NumberList: number of elements
  std::vector<std::string> choices;  // Choice: the allowed strings, in the order of the enum they map to
  std::string example;  // Path without a default: the value shown commented out in default.toml
  std::string doc;      // one line: default.toml's comment and the docs' meaning column
  std::string details;  // more for the docs only (may be empty)
  std::function<void(ScenarioConfig&, const FieldValue&)> set;  // value in SI
  std::function<FieldValue(const ScenarioConfig&)> get;          // value in SI

  std::string path() const { return section.empty() ? key : section + "." + key; }
  std::string default_text() const;  // the default as TOML writes it ("550.0", "\"los\"", "[0.025, ...]")
  std::string valid_text() const;    // the allowed values as the docs write them
};

struct ScenarioSection {
  std::string name;     // TOML table; empty for the top-level keys
  std::string comment;  // default.toml's comment on the table line (may be empty)
  std::string note;     // the docs' text after the section's table (may be empty)
};

const std::vector<ScenarioSection>& scenario_sections();
const std::vector<ScenarioField>& scenario_fields();  // grouped by section, in the order of scenario_sections()

// The row whose path (or deprecated alias path) is `path`, or nullptr.
const ScenarioField* find_scenario_field(const std::string& path);
// The unit of a field's TOML value, "1" for an unknown or dimensionless field (HDF5 `units`).
std::string scenario_field_unit(const std::string& path);

// Sets every field of `config` to its row's default (ScenarioParams::band is derived).
void apply_field_defaults(ScenarioConfig& config);

// The one way a value reaches a ScenarioConfig (scenario files, sweep axes, `run --set`; defined
// in scenario/config.cpp). read_scenario_table: every key of `root` (sections and keys as in a
// scenario file) through its row's setter, with the row's type, range and allowed-value checks;
// unknown keys and sections are rejected. Fields `root` does not name keep their value in `config`.
void read_scenario_table(const toml::table& root, ScenarioConfig& config);
// Then the rules between fields (scenario/limits.hpp, config.cpp) and the files [quality] names,
// resolved against `base_dir` (loaded only where `config` does not hold them already).
void finish_scenario(ScenarioConfig& config, const std::string& base_dir);
// The folder a scenario's relative paths resolve against ("" for "<string>").
std::string scenario_base_dir(const std::string& origin);

// Throws ConfigError naming the field `path`, `value_si` converted to the field's TOML unit, the
// reason and the unit.
[[noreturn]] void reject_field(const std::string& path, double value_si, const std::string& reason);

// `leosem scenario --print-fields toml|md`: the default scenario file, and the docs' reference
// tables (the block between the markers in docs/configuration.md).
std::string default_scenario_toml();
std::string scenario_fields_markdown();
inline constexpr const char* kFieldsMarkdownBegin =
    "<!-- begin: generated by `leosem scenario --print-fields md` from host/scenario/field_table.cpp; "
    "edit the table there, then run tools/update-config-reference.sh -->";
inline constexpr const char* kFieldsMarkdownEnd = "<!-- end: generated -->";

}  // namespace leosem
