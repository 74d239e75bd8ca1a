// `leosem merge` (shards of one sweep into one file) and `leosem report` (its summary table).
#pragma once
#include <string>
#include <vector>

namespace leosem {

// Refuses shards that are incomplete, from a different configuration (SHA-256) or engine
// commit, or whose instances overlap or leave gaps. Writes OUT.partial, renamed when complete.
void merge_sweep_files(const std::string& out_path, const std::vector<std::string>& shard_paths);

// The summary (per point and algorithm: axis values, instances, feasible fraction, mean power in
// dBm and its 95 % confidence interval) as an aligned table or as CSV.
std::string sweep_report(const std::string& path, bool csv);

}  // namespace leosem
