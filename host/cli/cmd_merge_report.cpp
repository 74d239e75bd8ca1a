// `leosem merge OUT.h5 SHARD.h5...` and `leosem report FILE.h5 [--csv]`.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "sweep/merge_report.hpp"
#include "core/text_excerpt.hpp"

namespace leosem::cli {

void add_merge_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("merge", "Merge the shard files of one sweep into one file (refuses shards of "
                                              "another configuration, duplicates and gaps)");
  auto out = std::make_shared<std::string>();
  auto shards = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("OUT", *out, "Merged HDF5 file to write (must not exist unless --force)")->required();
  cmd->add_flag("--force", *force, "Replace OUT if it exists");
  cmd->add_option("SHARDS", *shards, "Complete shard files written by `leosem run --shard I/N` (their checksums are verified first)")
      ->required()
      ->check(regular_file());
  cmd->callback([=]() {
    merge_sweep_files(*out, *shards, *force);
    std::cout << "merged " << shards->size() << " shards into " << *out << "\n";
  });
}

void add_report_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("report", "Print the summary of a sweep file (after verifying its checksums): per "
                                               "point and algorithm the feasible fraction and mean power in dBm with "
                                               "its 95% CI");
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
    if (!std::filesystem::exists(file)) throw InputError("report: " + quoted_input(*path) + " does not exist (nor " + quoted_input(*path + ".partial") + ")");
    std::string note;
    const std::string table = sweep_report(file, *csv, &note);
    if (*csv && !note.empty()) std::cerr << "leosem report: " << file << ": " << note << "\n";
    std::cout << table;
  });
}

void add_verify_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check a leosem HDF5 file (sweep, shard, merged, solve or scenario export) for damage: read every "
                "byte back and check every checksum (metadata, Fletcher-32 on each dataset chunk, and the digest of all "
                "text, variable_length_sha256); exit 4 naming the damaged part");
  auto paths = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILES", *paths, "HDF5 files to check")->required()->check(regular_file());
  cmd->callback([=]() {
    for (const std::string& path : *paths) std::cout << verify_file(path) << "\n";
  });
}

}  // namespace leosem::cli
