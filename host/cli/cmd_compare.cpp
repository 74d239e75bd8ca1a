// `leosem compare A.h5 B.h5 [--rtol R] [--atol-db D]`: the results of two sweep files, compared.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "sweep/sweep_compare.hpp"

namespace leosem::cli {

void add_compare_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare the results of two sweep files of the same sweep (other backend, shards merged against one run, "
      "another leosem), after verifying both files' checksums: /status, /iterations, /done and the summary's counts "
      "exactly, /power_w and /mean_power_w within the tolerance; prints where they differ (per dataset, algorithm and "
      "point: count, largest difference in dB, first instances). Exit 0 equal within the tolerance, 1 different, 3 "
      "not results of the same sweep (naming what differs) or not a complete sweep file, 4 damaged or unreadable");
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto options = std::make_shared<CompareOptions>();
  cmd->add_option("A", *a, "Sweep HDF5 file (complete: from `leosem run` or `leosem merge`)")->required()->check(regular_file());
  cmd->add_option("B", *b, "Sweep HDF5 file of the same sweep")->required()->check(regular_file());
  cmd->add_option("--rtol", options->rtol,
                  "Relative tolerance on powers: a, b equal when |a - b| <= R * max(|a|, |b|) (default 0: exact "
                  "equality, unless --atol-db)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--atol-db", options->atol_db,
                  "Tolerance on powers in dB: a, b > 0 equal when |10 log10(a/b)| <= D (default 0). With both "
                  "tolerances 0, powers must be exactly equal (NaN, not served, equals NaN)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([=]() {
    const SweepComparison comparison = compare_sweep_files(*a, *b, *options);
    std::cout << comparison.report << std::flush;
    if (!comparison.equal()) throw CommandAnswer{ExitCode::differ};
  });
}

}  // namespace leosem::cli
