// leosem: the command-line entry point. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "core/build_info.hpp"

int main(int argc, char** argv) {
  CLI::App app{"leosem: GPU-accelerated parameter sweeps for semantic (JSCC) communication from LEO "
               "Earth-observation satellites"};
  app.set_version_flag("--version", std::string("leosem ") + leosem::kVersion + " (" + leosem::kGitCommit + ")");
  app.require_subcommand(1);
  leosem::cli::add_info_command(app);
  leosem::cli::add_scenario_command(app);
  leosem::cli::add_jpeg_table_command(app);
  leosem::cli::add_fit_quality_command(app);
  leosem::cli::add_quality_command(app);
  leosem::cli::add_solve_command(app);
  leosem::cli::add_run_command(app);
  leosem::cli::add_merge_command(app);
  leosem::cli::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "leosem: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
