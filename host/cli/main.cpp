// leosem: the command-line entry point. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "core/build_info.hpp"
#include "core/errors.hpp"

int main(int argc, char** argv) {
  using leosem::cli::ExitCode;
  CLI::App app{"leosem: GPU-accelerated parameter sweeps for semantic (JSCC) communication from LEO "
               "Earth-observation satellites"};
  app.set_version_flag("--version", std::string("leosem ") + leosem::kVersion + " (" + leosem::kGitCommit + ")");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 success; 1 internal error (a bug), a device error (a run's FILE.partial resumes), or for `compare` files that differ; 2 usage (unknown option, missing argument); 3 invalid "
      "input (a scenario, sweep or data file, or an option value, is wrong); 4 I/O (a file cannot be read, "
      "written or renamed); 5 interrupted (SIGINT/SIGTERM; a run's FILE.partial resumes with --resume).");
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
  leosem::cli::add_compare_command(app);
  const auto fail = [](ExitCode code, const std::string& message) -> int {
    std::cerr << "leosem: error: " << message << std::endl;
    // Leave without the exit handlers: HDF5 1.10's (H5_term_library) crashes on a file whose
    // close failed, e.g. on a full disk (SIGSEGV in H5F__close_cb). Every file leosem owns is
    // closed or removed by now; the streams are flushed.
    std::cout.flush();
    std::_Exit(static_cast<int>(code));
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and the hint to --help
    return static_cast<int>(ExitCode::usage);
  } catch (const leosem::cli::CommandAnswer& answer) {
    std::cout.flush();
    std::_Exit(static_cast<int>(answer.status));  // as fail(): no HDF5 exit handlers
  } catch (const leosem::InputError& e) {
    return fail(ExitCode::invalid_input, e.what());
  } catch (const leosem::IoError& e) {
    return fail(ExitCode::io, e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return fail(ExitCode::io, e.what());
  } catch (const leosem::Interrupted& e) {
    return fail(ExitCode::interrupted, e.what());
  } catch (const std::exception& e) {
    return fail(ExitCode::internal, e.what());
  }
  return static_cast<int>(ExitCode::success);
}
