// Validators for command-line paths shared by the subcommands.
#pragma once
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

#include "core/file_safety.hpp"

namespace leosem::cli {

// An input that must be a regular file: a directory, /dev/zero, /dev/urandom or a FIFO would be
// read forever or as garbage (CLI::ExistingFile lets devices through).
inline CLI::Validator regular_file() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        try {
          require_regular_file(path, "input");
        } catch (const std::exception& e) {
          return e.what();
        }
        return {};
      },
      "FILE", "regular file");
}

}  // namespace leosem::cli
