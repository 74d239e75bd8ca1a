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

#include "core/file_safety.hpp"
#include "core/text_excerpt.hpp"
#include "core/errors.hpp"
#include "core/interrupt.hpp"

namespace leosem {
namespace {

using Clock = std::chrono::steady_clock;

// "time.slots=120, users.count=3": the axis values of point p, for messages.
std::string point_label(const SweepSpec& spec, size_t p) {
  const std::vector<double> values = spec.point_values(p);
  std::ostringstream text;
  for (size_t i = 0; i < spec.axes.size() && i < values.size(); ++i)
    text << (i ? ", " : "") << spec.axes[i].field << "=" << std::setprecision(10) << values[i];
  return spec.axes.empty() ? std::string("no axes") : text.str();
}

// Progress on stderr: a redrawn bar on a terminal, a log line every interval otherwise (Slurm).
class Progress {
 public:
  Progress(size_t total, size_t already, bool bar, double interval_s, std::ostream& log)
      : total_(total), done_(already), start_done_(already), bar_(bar), interval_s_(interval_s), log_(log) {}

  // An adaptive point that stopped before its cap: the instances it will not use.
  void drop(size_t count) { total_ -= std::min(count, total_ - done_); }

  void advance(size_t count) {
    done_ += count;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
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
  size_t total_, done_, start_done_;
  bool bar_;
  double interval_s_, last_log_ = -1e9;
  Clock::time_point start_ = Clock::now();
  std::ostream& log_;
};

// One point of an adaptive run: blocks of spec.adaptive_block() instances, in index order, until
// every algorithm serves at least kMinServedToStop instances with a 95 % CI half-width (dB) <=
// the target (with paired stopping: until the two named algorithms both serve at least
// kMinServedToStop instances and their paired difference's half-width is <= the target), or the
// cap (spec.instances) is used. The decision after each block reads only the
// results of the instances so far, so a resumed run (whose done instances are read back from the
// file) makes the same decisions and stops at the same counts.
template <typename EvaluatePending, typename WaitForWriter>
void run_adaptive_point(const SweepSpec& spec, SweepFile& file, size_t p, const uint8_t* point_done,
                        const EvaluatePending& evaluate_pending, const WaitForWriter& wait_for_writer,
                        Progress& progress, std::ostream& log, bool log_stops) {
  const size_t algorithms = spec.algorithms.size();
  const uint32_t cap = spec.instances, block = spec.adaptive_block();
  std::vector<std::vector<double>> power(algorithms);
  std::vector<std::vector<int8_t>> status(algorithms);
  wait_for_writer();  // the file is read here: no write may be in flight
  for (size_t a = 0; a < algorithms; ++a) file.read_point(p, a, power[a], status[a]);  // a resumed run's work
  const auto keep = [&](const ChunkRange& chunk, const std::vector<StoredResult>& results) {
    for (size_t a = 0; a < algorithms; ++a)
      for (uint32_t j = 0; j < chunk.count; ++j) {
        power[a][chunk.first + j] = results[a * chunk.count + j].power_w;
        status[a][chunk.first + j] = results[a * chunk.count + j].status;
      }
  };
  bool prepared = false;
  PointStop stop;
  PairedSummary paired;
  const auto index_of = [&](const std::string& name) {
    return static_cast<size_t>(std::find(spec.algorithms.begin(), spec.algorithms.end(), name) - spec.algorithms.begin());
  };
  const size_t paired_a = spec.paired_stopping() ? index_of(spec.target_ci_paired[0]) : 0;
  const size_t paired_b = spec.paired_stopping() ? index_of(spec.target_ci_paired[1]) : 0;
  for (uint32_t used = 0;;) {
    const uint32_t next = used + std::min(block, cap - used);
    evaluate_pending(p, point_done, used, next, prepared, keep);
    used = next;
    stop.instances_used = used;
    stop.ci95_half_width_db.clear();
    bool reached = true;
    for (size_t a = 0; a < algorithms; ++a) {
      const PointSummary s = summarize(power[a].data(), status[a].data(), used);
      stop.ci95_half_width_db.push_back(ci95_half_width_db(s));
      // NaN and +inf (too few served, an interval reaching 0 W) never meet the target.
      // The lower bound is not a solution whose mean is studied: it never holds a point (so that
      // turning it on, the default, leaves the stopping counts as they were).
      if (spec.algorithms[a] == kLowerBoundAlgorithm || spec.paired_stopping()) continue;
      reached &= s.feasible >= kMinServedToStop && stop.ci95_half_width_db.back() <= spec.target_ci_db;
    }
    if (spec.paired_stopping()) {  // the target is on the paired difference A - B alone
      paired = summarize_paired(power[paired_a].data(), status[paired_a].data(), power[paired_b].data(),
                                status[paired_b].data(), used);
      reached = paired.pairs >= kMinServedToStop && paired.ci95_half_width_db <= spec.target_ci_db;
    }
    if (reached || used == cap) {
      stop.reason = reached ? StopReason::target_reached : StopReason::cap_reached;
      break;
    }
  }
  wait_for_writer();  // the record follows the point's results into the file, never precedes them
  file.write_point_stop(p, stop);
  progress.drop(cap - stop.instances_used);
  if (log_stops) {
    std::ostringstream line;
    line << "leosem run: point " << p << " stopped after " << stop.instances_used << " instances ("
         << (stop.reason == StopReason::target_reached ? "target reached" : "cap reached") << "; 95% CI half-width dB:";
    for (size_t a = 0; a < algorithms; ++a)
      line << " " << spec.algorithms[a] << " " << std::setprecision(3) << stop.ci95_half_width_db[a];
    if (spec.paired_stopping())
      line << "; paired " << spec.target_ci_paired[0] << " - " << spec.target_ci_paired[1] << " "
           << std::setprecision(3) << paired.mean_db << " +- " << paired.ci95_half_width_db << " dB over " << paired.pairs
           << " instances both serve";
    log << line.str() << ")" << std::endl;
  }
}

}  // namespace

RunStats run_sweep(const SweepSpec& spec, const std::string& out_path, const RunOptions& options,
                   SweepBatchBackend& backend, std::ostream& log) {
  const auto start = Clock::now();
  if (options.block_size == 0) throw std::invalid_argument("run_sweep: block_size must be > 0");
  if (spec.adaptive() && options.shard.count > 1)
    throw ConfigError("--shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) +
                      ": an adaptive run (target_ci_db, --target-ci) cannot be sharded: when a point stops depends "
                      "on all its instances so far, which no shard sees; run it unsharded, or split the axes "
                      "into several sweeps");
  if (std::filesystem::exists(out_path) && options.resume && !options.force) {
    // e.g. a requeued Slurm task whose run had finished
    log << "leosem run: " << quoted_input(out_path) << " is complete already; nothing to resume" << std::endl;
    return {};
  }
  check_output_path(out_path, options.force, "--out");
  const std::string partial = partial_path_for(out_path);
  const bool partial_exists = std::filesystem::exists(partial);
  if (partial_exists && !options.resume) {
    if (!options.force)
      throw IoError(quoted_input(partial) + " is left from an unfinished run: add --resume to continue it, or "
                               "--force to discard it and start again");
    require_regular_file(partial, "the unfinished run's file");
    std::filesystem::remove(partial);
  }

  const RunIdentity who = backend.identity();
  SweepFile file = options.resume && std::filesystem::exists(partial)
                       ? SweepFile::resume(out_path, spec, options.shard)
                       : SweepFile::create(out_path, spec, options.shard, who);
  if (!file.repair_note().empty()) log << "leosem run: '" << partial << "': " << file.repair_note() << std::endl;
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
  log << "leosem run: " << points << " points x " << (spec.adaptive() ? "up to " : "") << instances
      << " instances (shard " << options.shard.index << "/"
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
                       std::to_string(instances_written) + " instances: " + quoted_input(partial) +
                       " holds the finished blocks; run again with --resume to continue");
  };
  const auto write_chunk = [&](size_t p, ChunkRange chunk, std::vector<StoredResult> results) {
    for (uint32_t j0 = 0; j0 < chunk.count; j0 += options.block_size) {
      const uint32_t n = std::min(options.block_size, chunk.count - j0);
      file.write_block(p, chunk.first + j0, n, results.data() + j0, chunk.count);
      progress.advance(n);
      instances_written += n;
      if (const int signal_number = pending_interrupt_signal()) throw interrupted(signal_number);
      if (options.abort_after_blocks >= 0 && ++blocks_written >= options.abort_after_blocks) {
        log << "leosem run: aborting after " << blocks_written << " blocks (--abort-after-blocks)" << std::endl;
        std::_Exit(137);  // as if killed: no cleanup, no destructors
      }
    }
  };
  // Evaluates point p's instances [from, to) not yet done, chunk by chunk, each written while the
  // next is evaluated; `seen(chunk, results)` gets each chunk's results before they go to the writer.
  // The point is prepared before its first chunk is sized (the backend sizes for the prepared
  // point: backends/sweep_batch.hpp, "The contract"); each chunk is then the pending blocks that
  // follow, as many as the backend's memory and the work target allow.
  ChunkSizer sizer(options.block_size, options.chunk_target_s);
  const auto evaluate_pending = [&](size_t p, const uint8_t* point_done, uint32_t from, uint32_t to, bool& prepared,
                                    const auto& seen) {
    const std::vector<ChunkRange> blocks =
        plan_chunks(point_done + from, to - from, options.block_size, options.block_size);  // one block each
    for (size_t next_block = 0; next_block < blocks.size();) {
      if (const int signal_number = pending_interrupt_signal()) {
        wait_for_writer();  // the writer may have stopped on it already (and thrown)
        throw interrupted(signal_number);
      }
      if (!prepared) {
        backend.prepare_point(point_scenario(spec, p), spec.algorithms);
        sizer.start_point();
      }
      prepared = true;
      const uint32_t limit = sizer.limit(backend.chunk_instances(options.block_size));
      ChunkRange chunk = blocks[next_block++];
      while (next_block < blocks.size() && blocks[next_block].first == chunk.first + chunk.count &&
             chunk.count + blocks[next_block].count <= limit)
        chunk.count += blocks[next_block++].count;
      chunk.first += from;
      std::vector<StoredResult> results;
      // Keys of consecutive instances differ in .instance only (the point part is the sweep's choice).
      const InstanceKey key = spec.instance_key(p, first + chunk.first);
      const auto started = Clock::now();
      try {
        backend.evaluate({key.seed, key.point, key.instance, chunk.count}, results);
      } catch (const InputError&) {
        throw;
      } catch (const IoError&) {
        throw;
      } catch (const std::exception& e) {
        // A device or solver failure: said with the sweep point (the backend names the step).
        throw std::runtime_error("sweep point " + std::to_string(p) + " (" + point_label(spec, p) + "), instances " +
                                 std::to_string(key.instance) + ".." + std::to_string(key.instance + chunk.count - 1) +
                                 ": " + e.what());
      }
      sizer.record(chunk.count, std::chrono::duration<double>(Clock::now() - started).count());
      seen(chunk, results);
      wait_for_writer();
      writing = std::async(std::launch::async, write_chunk, p, chunk, std::move(results));
      stats.evaluated += chunk.count;
    }
  };
  const auto ignore = [](const ChunkRange&, const std::vector<StoredResult>&) {};
  try {
    for (size_t p = 0; p < points; ++p) {
      const uint8_t* point_done = done.data() + p * instances;
      bool prepared = false;
      if (spec.adaptive()) run_adaptive_point(spec, file, p, point_done, evaluate_pending, wait_for_writer, progress, log,
                                              !options.progress_bar);
      else evaluate_pending(p, point_done, 0, instances, prepared, ignore);
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
