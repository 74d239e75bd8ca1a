// The error kinds the `leosem` command maps to distinct exit codes (docs/exit-codes in README,
// host/cli/main.cpp): invalid input (a file or value the user gave is wrong), I/O (a file cannot
// be read, written or renamed), and an interrupted run (SIGINT/SIGTERM; its .partial resumes).
#pragma once
#include <stdexcept>

namespace leosem {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A configuration (scenario, sweep, quality section) that is malformed or out of range; a kind of
// invalid input. Thrown by the TOML readers (core/toml_reader.hpp) and every configuration parser.
struct ConfigError : InputError {
  using InputError::InputError;
};

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace leosem
