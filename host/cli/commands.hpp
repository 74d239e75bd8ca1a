// Registration of the leosem subcommands; each adds itself to the app and runs from its callback.
#pragma once
#include <CLI/CLI.hpp>

namespace leosem::cli {

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

}  // namespace leosem::cli
