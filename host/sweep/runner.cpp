#include "sweep/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <iomanip>
#include <sstream>

#include "core/errors.hpp"
#include "core/interrupt.hpp"

namespace leosem {
namespace {

using Clock = std::chrono::steady_clock;

// Progress on stderr: a redrawn bar on a terminal, a log line every interval otherwise (Slurm).
class Progress {
 public:
  Progress(size_t total, size_t already, bool bar, double interval_s, std::ostream& log)
      : total_(total), done_(already), start_done_(already), bar_(bar), interval_s_(interval_s), log_(log) {}

  void advance(size_t count) {
    done_ += count;
    const double elapsed = seconds_since(start_);
    if (!bar_ && done_ < total_ && elapsed - last_log_ < interval_s_) return;
    last_log_ = elapsed;
    const double rate = static_cast<double>(done_ - start_done_) / std::max(elapsed, 1e-9);
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
    const double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    std::ostringstream line;
    line << std::fixed << std::setprecision(1) << 100.0 * fraction << "% " << done_ << "/" << total_
         << " instances, " << rate << " inst/s, ETA " << static_cast<long>(eta) << " s";
    if (bar_) {
      const int width = 30, filled = static_cast<int>(fraction * width);
      log_ << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << line.str() << std::flush;
      if (done_ >= total_) log_ << "\n";
    } else {
      log_ << "leosem run: " << line.str() << std::endl;
    }
  }

 private:
  static double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
  size_t total_, done_, start_done_;
  bool bar_;
  double interval_s_, last_log_ = -1e9;
  Clock::time_point start_ = Clock::now();
  std::ostream& log_;
};

}  // namespace

RunStats run_sweep(const SweepSpec& spec, const std::string& out_path, const RunOptions& options,
                   SweepBatchBackend& backend, std::ostream& log) {
  const auto start = Clock::now();
  if (options.block_size == 0) throw std::invalid_argument("run_sweep: block_size must be > 0");
  if (std::filesystem::exists(out_path)) {
    if (options.resume) {  // e.g. a requeued Slurm task whose run had finished
      log << "leosem run: '" << out_path << "' is complete already; nothing to resume" << std::endl;
      return {};
    }
    throw IoError("'" + out_path + "' exists already: remove it or choose another --out");
  }
  const std::filesystem::path directory = std::filesystem::path(out_path).parent_path();
  if (!directory.empty() && !std::filesystem::is_directory(directory))
    throw IoError("cannot write '" + out_path + "': the directory '" + directory.string() +
                             "' does not exist");
  const std::string partial = out_path + ".partial";
  const bool partial_exists = std::filesystem::exists(partial);
  if (partial_exists && !options.resume)
    throw IoError("'" + partial + "' is left from an unfinished run: add --resume to continue it, or delete it");

  const RunIdentity who = backend.identity();
  SweepFile file = options.resume && partial_exists ? SweepFile::resume(out_path, spec, options.shard)
                                                    : SweepFile::create(out_path, spec, options.shard, who);
  const size_t points = file.points();
  const uint32_t instances = file.shard_instances();
  const uint32_t first = options.shard.first(spec.instances);
  const std::vector<uint8_t> done = file.read_done();
  size_t already = 0;
  for (uint8_t d : done) already += d;

  RunStats stats;
  stats.skipped = already;
  const std::string slice = instances ? "instances " + std::to_string(first) + ".." +
                                          std::to_string(first + instances - 1)
                                    : "no instances";
  log << "leosem run: " << points << " points x " << instances << " instances (shard " << options.shard.index << "/"
      << options.shard.count << ", " << slice << ") x " << spec.algorithms.size() << " algorithms, backend "
      << who.backend << " (" << who.device << ")"
      << (already ? ", resuming with " + std::to_string(already) + " done" : "") << std::endl;
  Progress progress(points * instances, already, options.progress_bar, options.log_interval_s, log);

  // Writing chunk i (HDF5, this thread's helper) overlaps evaluating chunk i + 1 (the backend):
  // at most two chunks' results are held, so host memory stays bounded.
  std::future<void> writing;
  const auto wait_for_writer = [&]() {
    if (writing.valid()) writing.get();  // rethrows a write error
  };
  long blocks_written = 0;
  size_t instances_written = 0;  // by this run (the writer's count)
  const auto interrupted = [&](int signal_number) {
    return Interrupted("interrupted by signal " + std::to_string(signal_number) + " after " +
                       std::to_string(instances_written) + " instances: '" + out_path +
                       ".partial' holds the finished blocks; run again with --resume to continue");
  };
  const auto write_chunk = [&](size_t p, ChunkRange chunk, std::vector<StoredResult> results) {
    const size_t algorithms = spec.algorithms.size();
    for (uint32_t j0 = 0; j0 < chunk.count; j0 += options.block_size) {
      const uint32_t n = std::min(options.block_size, chunk.count - j0);
      std::vector<std::vector<StoredResult>> block(algorithms, std::vector<StoredResult>(n));
      for (size_t a = 0; a < algorithms; ++a)
        for (uint32_t j = 0; j < n; ++j) block[a][j] = results[a * chunk.count + j0 + j];
      file.write_block(p, chunk.first + j0, block);
      progress.advance(n);
      instances_written += n;
      if (const int signal_number = pending_interrupt_signal()) throw interrupted(signal_number);
      if (options.abort_after_blocks >= 0 && ++blocks_written >= options.abort_after_blocks) {
        log << "leosem run: aborting after " << blocks_written << " blocks (--abort-after-blocks)" << std::endl;
        std::_Exit(137);  // as if killed: no cleanup, no destructors
      }
    }
  };
  try {
    for (size_t p = 0; p < points; ++p) {
      const uint8_t* point_done = done.data() + p * instances;
      if (std::all_of(point_done, point_done + instances, [](uint8_t d) { return d != 0; })) continue;
      backend.prepare_point(point_scenario(spec, p), spec.algorithms);
      const std::vector<ChunkRange> chunks =
          plan_chunks(point_done, instances, options.block_size, backend.chunk_instances(options.block_size));
      for (const ChunkRange& chunk : chunks) {
        if (const int signal_number = pending_interrupt_signal()) {
          wait_for_writer();  // the writer may have stopped on it already (and thrown)
          throw interrupted(signal_number);
        }
        std::vector<StoredResult> results;
        // Keys of consecutive instances differ in .instance only (the point part is the sweep's choice).
        const InstanceKey key = spec.instance_key(p, first + chunk.first);
        backend.evaluate({key.seed, key.point, key.instance, chunk.count}, results);
        wait_for_writer();
        writing = std::async(std::launch::async, write_chunk, p, chunk, std::move(results));
        stats.evaluated += chunk.count;
      }
    }
    wait_for_writer();
  } catch (...) {
    // What was evaluated before the failure is written (the resume starts after it).
    if (writing.valid()) writing.wait();
    throw;
  }
  file.finalize();
  stats.wall_time_s = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace leosem
