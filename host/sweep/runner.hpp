// `leosem run`: evaluates every (point, instance, algorithm) of a sweep through a batched
// backend (backends/sweep_batch.hpp: reference, cpu, cuda) and streams the results to the sweep
// file block by block. The runner keeps only streaming, resume and progress: it plans each
// point's chunks (the instances not yet done, after preparing the point: at most the backend's
// chunk size for it, and about chunk_target_s of work), has the backend evaluate them, and writes chunk i while the backend works on chunk i + 1, so memory stays
// bounded however many instances there are.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "backends/sweep_batch.hpp"
#include "sweep/sweep_file.hpp"
#include "sweep/sweep_spec.hpp"

namespace leosem {

struct RunOptions {
  Shard shard;
  bool resume = false;
  bool force = false;         // replace an existing output (and discard a leftover .partial unless resuming)
  uint32_t block_size = 256;  // instances per write (and per resume granularity)
  bool progress_bar = false;  // a bar on a terminal, else periodic log lines
  double log_interval_s = 10.0;
  long abort_after_blocks = -1;  // testing aid: exit abruptly (as if killed) after this many blocks
  // Seconds of work per chunk the runner aims at (ChunkSizer): an interrupt, honoured between
  // chunks, waits about this long. <= 0: one block per chunk. Results never depend on it.
  double chunk_target_s = 2.0;
};

struct RunStats {
  size_t evaluated = 0;  // (point, instance) pairs computed by this run
  size_t skipped = 0;    // already done in a resumed file
  double wall_time_s = 0.0;
};

RunStats run_sweep(const SweepSpec& spec, const std::string& out_path, const RunOptions& options,
                   SweepBatchBackend& backend, std::ostream& log);

}  // namespace leosem
