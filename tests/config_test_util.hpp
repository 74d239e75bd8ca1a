// Shared helper of the configuration tests: the error a scenario text raises.
#pragma once
#include <string>

#include "scenario/config.hpp"

namespace leosem::test {

// parse_scenario(toml)'s ConfigError message, or "(no error)" when the text is accepted.
inline std::string error_of(const std::string& toml) {
  try {
    parse_scenario(toml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace leosem::test
