// Reading the [quality] section of a scenario TOML (see quality/quality_config.hpp).
#pragma once
#include <set>
#include <string>
#include <toml++/toml.h>

#include "quality/quality_config.hpp"

namespace leosem {

// Reads [quality] from `root` (registering the section in `sections`), loads the files it names
// and checks everything; relative paths resolve against `base_dir` (the configuration file's
// folder; empty: the working directory). Errors are ConfigError naming field, value and reason.
QualityConfig read_quality_config(const toml::table& root, std::set<std::string>& sections,
                                  const std::string& base_dir);

}  // namespace leosem
