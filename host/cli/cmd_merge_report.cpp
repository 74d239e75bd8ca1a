// `leosem merge OUT.h5 SHARD.h5...` and `leosem report FILE.h5 [--csv]`.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "sweep/merge_report.hpp"

namespace leosem::cli {

void add_merge_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("merge", "Merge the shard files of one sweep into one file (refuses shards of "
                                              "another configuration, duplicates and gaps)");
  auto out = std::make_shared<std::string>();
  auto shards = std::make_shared<std::vector<std::string>>();
  cmd->add_option("OUT", *out, "Merged HDF5 file to write (must not exist)")->required();
  cmd->add_option("SHARDS", *shards, "Complete shard files written by `leosem run --shard I/N`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([=]() {
    merge_sweep_files(*out, *shards);
    std::cout << "merged " << shards->size() << " shards into " << *out << "\n";
  });
}

void add_report_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("report", "Print the summary of a sweep file: per point and algorithm the "
                                               "feasible fraction and mean power in dBm with its 95% CI");
  auto path = std::make_shared<std::string>();
  auto csv = std::make_shared<bool>(false);
  cmd->add_option("FILE", *path,
                  "Sweep HDF5 file (from `leosem run` or `leosem merge`); also FILE.partial, or FILE when only "
                  "FILE.partial exists: the instances done so far, marked PARTIAL")
      ->required();
  cmd->add_flag("--csv", *csv, "Print CSV instead of a table (for a partial file, the PARTIAL line goes to stderr)");
  cmd->callback([=]() {
    std::string file = *path;
    if (!std::filesystem::exists(file) && std::filesystem::exists(file + ".partial")) file += ".partial";
    if (!std::filesystem::exists(file)) throw InputError("report: '" + *path + "' does not exist (nor " + *path + ".partial)");
    std::string note;
    const std::string table = sweep_report(file, *csv, &note);
    if (*csv && !note.empty()) std::cerr << "leosem report: " << file << ": " << note << "\n";
    std::cout << table;
  });
}

}  // namespace leosem::cli
