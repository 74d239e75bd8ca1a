// Registration of the leosem subcommands; each adds itself to the app and runs from its callback.
#pragma once
#include <CLI/CLI.hpp>

#include "core/errors.hpp"

namespace leosem::cli {

// `leosem`'s exit status (also in `leosem --help` and README.md).
enum class ExitCode : int {
  success = 0,
  internal = 1,       // an unexpected error: a bug
  differ = 1,         // `compare`: the files differ beyond the tolerance (as diff and cmp)
  usage = 2,          // the command line is malformed (CLI11 parse errors)
  invalid_input = 3,  // InputError: a scenario, sweep or data file, or an option value, is wrong
  io = 4,             // IoError: a file cannot be read, written or renamed
  interrupted = 5,    // Interrupted: SIGINT/SIGTERM during a run (FILE.partial resumes)
};

// Thrown by a command whose answer is a status rather than an error (`compare`: the files
// differ): main exits with it and prints nothing more.
struct CommandAnswer {
  ExitCode status;
};

void add_info_command(CLI::App& app);
void add_scenario_command(CLI::App& app);
void add_jpeg_table_command(CLI::App& app);
void add_fit_quality_command(CLI::App& app);
void add_quality_command(CLI::App& app);
void add_solve_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_compare_command(CLI::App& app);

}  // namespace leosem::cli
