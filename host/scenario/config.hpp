// Scenario configuration: TOML -> validated ScenarioParams (field reference: docs/configuration.md).
// Every field is optional and takes its default; the fields, their units, defaults and ranges are
// one table (scenario/field_table.hpp). Unknown keys, wrong types and out-of-range or physically
// impossible values raise ConfigError naming field, value and reason.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "model/scenario_params.hpp"
#include "quality/quality_config.hpp"
#include "solvers/solver_options.hpp"

namespace leosem {

// parse_scenario() sets every field from the field table; a default-constructed one is zero.
struct ScenarioConfig {
  ScenarioParams params{};
  QualityConfig quality;  // [quality]: JSCC quality model, JPEG table (quality/quality_config.hpp)
  SolverOptions solvers;  // [solvers]: the solvers' own options struct and defaults (solvers/solver_options.hpp)
  uint64_t seed = 0;
  std::string source_text;  // the TOML as given
  std::string origin;       // file name, for messages
};

// The defaults of the field table (the values of an empty scenario file).
ScenarioParams default_scenario_params();

// `origin` names the source in error messages (a file path, or "<string>").
ScenarioConfig parse_scenario(const std::string& toml_text, const std::string& origin = "<string>");
ScenarioConfig load_scenario_file(const std::string& path);

// The inputs a scenario configures for the solvers (solvers/solve.hpp): its quality models, JPEG
// table and [solvers] options. The result points into `config`, which must outlive it.
struct SolverInputs;
SolverInputs make_solver_inputs(const ScenarioConfig& config);

}  // namespace leosem
