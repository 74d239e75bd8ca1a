// Scenario configuration: TOML -> validated ScenarioParams (field reference: docs/configuration.md).
// Every field is optional and takes the MODEL.md §8 default; unknown keys, wrong types and
// out-of-range or physically impossible values raise ConfigError naming field, value and reason.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "model/scenario_params.hpp"
#include "quality/quality_config.hpp"

namespace leosem {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ScenarioConfig {
  ScenarioParams params;
  QualityConfig quality;  // [quality]: JSCC quality model, JPEG table (quality/quality_config.hpp)
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
