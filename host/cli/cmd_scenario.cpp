#include <iostream>

#include "cli/commands.hpp"

namespace leosem::cli {

void add_scenario_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("scenario", "Generate one instance of a scenario and print its link summary");
  (void)cmd;
}

}  // namespace leosem::cli
