// `leosem compare A.h5 B.h5`: are two sweep files (runs on different backends, shards merged
// against one run, two versions of leosem) the same results, within a stated tolerance?
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace leosem {

struct CompareOptions {
  // Two powers a, b (W) are equal when both are NaN, a == b, |a - b| <= rtol * max(|a|, |b|), or
  // both are > 0 and |10 log10(a / b)| <= atol_db. Both 0 (the default): exact equality.
  double rtol = 0.0;
  double atol_db = 0.0;
  size_t listed_instances = 5;  // instance indices listed per differing (dataset, algorithm, point)
};

// One (dataset, algorithm, point) with values that differ beyond the tolerance.
struct CompareDifference {
  std::string dataset;    // "power_w", "status", "iterations", "done", "evaluated", ...
  std::string algorithm;  // "" for per-point datasets (done)
  size_t point = 0;
  uint64_t count = 0;                   // values differing
  double max_db = 0.0;                  // power datasets: the largest |10 log10(a/b)| among them (inf: one side NaN or 0)
  std::vector<uint32_t> first_instances;  // global instance indices of the first few (per-instance datasets)
};

struct SweepComparison {
  uint64_t values_compared = 0;   // every value of every compared dataset
  uint64_t values_differing = 0;  // of which beyond the tolerance
  // Power values (per instance and mean) not exactly equal, within the tolerance or not, and the
  // largest |10 log10(a/b)| among those with both sides > 0: how close "equal" was.
  uint64_t power_inexact = 0;
  double power_inexact_max_db = 0.0;
  std::vector<CompareDifference> differences;
  std::string report;  // the text `leosem compare` prints
  bool equal() const { return values_differing == 0; }
};

// Verifies both files' checksums, refuses (InputError naming what differs) files that are not
// results of the same sweep: configuration (its SHA-256, with the first differing line of the
// configuration text), algorithms, axes, seed, instance count, instance indices (a shard against
// a whole run), or a file that is not complete. Then compares, per algorithm and point, /power_w
// within the tolerance and /status, /iterations, /done exactly, and the summary's /evaluated and
// /feasible exactly and /mean_power_w within the tolerance (an adaptive run's /instances_used and
// /stop_reason exactly). The other summary arrays are computed from these by the same code.
SweepComparison compare_sweep_files(const std::string& path_a, const std::string& path_b,
                                    const CompareOptions& options = {});

}  // namespace leosem
