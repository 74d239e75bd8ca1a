// `leosem merge` (shards of one sweep into one file) and `leosem report` (its summary table).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "io/hdf5_util.hpp"
#include "sweep/sweep_file.hpp"

namespace leosem {

// A sweep file opened read-only (without HDF5's file lock: it may be a .partial a run holds)
// after every checksum in it was verified (merge, report, compare). Throws IoError naming the
// damage, InputError when it is not a leosem sweep file.
struct VerifiedSweepFile {
  std::string path;
  std::unique_ptr<H5Handle> handle;
  SweepHeader header;
};
VerifiedSweepFile open_verified_sweep_file(const std::string& path);

// Refuses shards that are damaged (checksums), incomplete, from a different configuration
// (SHA-256) or engine commit, or whose instances overlap or leave gaps; refuses an existing OUT
// unless `force`. Writes a temporary file of its own (never OUT.partial, which may be a run's
// resumable work), synced and renamed to OUT when complete.
void merge_sweep_files(const std::string& out_path, const std::vector<std::string>& shard_paths, bool force = false);

// The summary (per point and algorithm: axis values, instances, feasible fraction, mean power in
// dBm and its 95 % confidence interval) as an aligned table or as CSV. A .partial file (a run going
// on or interrupted) is summarised over its finished (point, instance) pairs; the table then says
// PARTIAL with the count done, and `partial_note` (if given) receives that line ("" when complete).
// The file is verified (every checksum) first.
std::string sweep_report(const std::string& path, bool csv, std::string* partial_note = nullptr);

// `leosem verify`: reads every byte of a sweep (or any leosem HDF5) file back, checking every
// checksum; throws naming the damaged object, or a dataset without a checksum. Returns a
// one-line account of what was checked.
std::string verify_file(const std::string& path);

}  // namespace leosem
