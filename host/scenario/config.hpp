// Scenario configuration: TOML -> validated ScenarioParams (field reference: docs/configuration.md).
// Every field is optional and takes the MODEL.md §8 default; unknown keys, wrong types and
// out-of-range or physically impossible values raise ConfigError naming field, value and reason.
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
struct SolverConfig {
  double greedy_jscc_rho = 1.0 / 12;  // Greedy JSCC's single ρ (next larger option if ξ_k is unreachable)
  double milp_time_limit_s = 10.0;    // exact: CBC's wall-clock limit per instance
  int jcrra_max_iterations = 30;      // JCRRA: SCA iterations at most
  double jcrra_tolerance = 1e-4;      // JCRRA: stop when the relaxed objective changes by less (relative)
  bool jcrra_mixed_precision = false; // JCRRA: jcrra_precision = "mixed" (x in FP32) or "fp64"
};

struct ScenarioConfig {
  ScenarioParams params;
  QualityConfig quality;  // [quality]: JSCC quality model, JPEG table (quality/quality_config.hpp)
  SolverConfig solvers;   // [solvers]
  uint64_t seed = 1;
  std::string source_text;  // the TOML as given
  std::string origin;       // file name, for messages
};

ScenarioParams default_scenario_params();

// `origin` names the source in error messages (a file path, or "<string>").
ScenarioConfig parse_scenario(const std::string& toml_text, const std::string& origin = "<string>");
ScenarioConfig load_scenario_file(const std::string& path);

// Checks a parameter set as parse_scenario does (for sweeps that change fields after parsing).
void validate_scenario(const ScenarioParams& params);

}  // namespace leosem
