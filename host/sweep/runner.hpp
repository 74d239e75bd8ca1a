// `leosem run`: evaluates every (point, instance, algorithm) of a sweep on the CPU backend
// (OpenMP over instances, the per-instance code of model/ and solvers/), streaming results to
// the sweep file block by block so memory stays bounded however many instances there are.
#pragma once
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "sweep/sweep_file.hpp"
#include "sweep/sweep_spec.hpp"

namespace leosem {

// Evaluates every algorithm of the sweep on one instance (must be thread-safe).
using InstanceEvaluator = std::function<std::vector<StoredResult>(const Instance&)>;
// Builds the evaluator of one sweep point from its scenario (quality models, tables, ...).
using EvaluatorFactory = std::function<InstanceEvaluator(const ScenarioConfig&, const std::vector<std::string>& algorithms)>;

struct RunOptions {
  Shard shard;
  bool resume = false;
  bool force = false;         // replace an existing output (and discard a leftover .partial unless resuming)
  int threads = 0;            // 0: OpenMP's default
  uint32_t block_size = 256;  // instances per write (and per resume granularity)
  bool progress_bar = false;  // a bar on a terminal, else periodic log lines
  double log_interval_s = 10.0;
  long abort_after_blocks = -1;  // testing aid: exit abruptly (as if killed) after this many blocks
};

struct RunStats {
  size_t evaluated = 0;  // (point, instance) pairs computed by this run
  size_t skipped = 0;    // already done in a resumed file
  double wall_time_s = 0.0;
};

RunStats run_sweep(const SweepSpec& spec, const std::string& out_path, const RunOptions& options,
                   const EvaluatorFactory& make_evaluator, std::ostream& log);

std::string cpu_device_description(int threads);

}  // namespace leosem
