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

namespace leosem {

struct ConfigError : InputError {
  using InputError::InputError;
};

// [solvers]: the algorithms' settings (MODEL §7), plain values; solvers/solve.hpp applies them.
// No in-class defaults: the field table (scenario/field_table.cpp) is their one source, through
// parse_scenario() and default_solver_config().
struct SolverConfig {
  double greedy_jscc_rho;     // Greedy JSCC's single ρ (next larger option if ξ_k is unreachable)
  double milp_time_limit_s;   // exact: CBC's wall-clock limit per instance
  int jcrra_max_iterations;   // JCRRA: SCA iterations at most
  double jcrra_tolerance;     // JCRRA: stop when the relaxed objective changes by less (relative)
  bool jcrra_mixed_precision; // JCRRA: jcrra_precision = "mixed" (x in FP32) or "fp64"
};

// parse_scenario() sets every field from the field table; a default-constructed one is zero.
struct ScenarioConfig {
  ScenarioParams params{};
  QualityConfig quality;  // [quality]: JSCC quality model, JPEG table (quality/quality_config.hpp)
  SolverConfig solvers{}; // [solvers]
  uint64_t seed = 0;
  std::string source_text;  // the TOML as given
  std::string origin;       // file name, for messages
};

// The defaults of the field table (the values of an empty scenario file).
ScenarioParams default_scenario_params();
SolverConfig default_solver_config();

// `origin` names the source in error messages (a file path, or "<string>").
ScenarioConfig parse_scenario(const std::string& toml_text, const std::string& origin = "<string>");
ScenarioConfig load_scenario_file(const std::string& path);

}  // namespace leosem
