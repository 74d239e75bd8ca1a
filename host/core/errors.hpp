// The error kinds the `leosem` command maps to distinct exit codes (docs/exit-codes in README,
// host/cli/main.cpp): invalid input (a file or value the user gave is wrong), I/O (a file cannot
// be read, written or renamed), and an interrupted run (SIGINT/SIGTERM; its .partial resumes).
#pragma once
#include <stdexcept>

namespace leosem {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace leosem
