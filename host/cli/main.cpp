// leosem: the command-line entry point. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <cstdlib>
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
  leosem::cli::add_verify_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "leosem: error: " << e.what() << std::endl;
    // Leave without the exit handlers: HDF5 1.10's (H5_term_library) crashes on a file whose
    // close failed, e.g. on a full disk (SIGSEGV in H5F__close_cb). Every file leosem owns is
    // closed or removed by now; the streams are flushed.
    std::cout.flush();
    std::_Exit(1);
  }
  return 0;
}
