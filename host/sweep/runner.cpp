#include "sweep/runner.hpp"

#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
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

std::string cpu_device_description(int threads) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return model + ", " + std::to_string(threads) + " OpenMP threads";
}

RunStats run_sweep(const SweepSpec& spec, const std::string& out_path, const RunOptions& options,
                   const EvaluatorFactory& make_evaluator, std::ostream& log) {
  const auto start = Clock::now();
  if (options.threads > 0) omp_set_num_threads(options.threads);
  const int threads = omp_get_max_threads();
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

  SweepFile file = options.resume && partial_exists
                       ? SweepFile::resume(out_path, spec, options.shard)
                       : SweepFile::create(out_path, spec, options.shard, {"cpu", cpu_device_description(threads)});
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
      << options.shard.count << ", " << slice << ") x "
      << spec.algorithms.size() << " algorithms, " << threads << " threads"
      << (already ? ", resuming with " + std::to_string(already) + " done" : "") << std::endl;
  Progress progress(points * instances, already, options.progress_bar, options.log_interval_s, log);

  long blocks_written = 0;
  for (size_t p = 0; p < points; ++p) {
    const ScenarioConfig config = point_scenario(spec, p);
    const InstanceEvaluator evaluate = make_evaluator(config, spec.algorithms);
    for (uint32_t j0 = 0; j0 < instances; j0 += options.block_size) {
      const uint32_t n = std::min(options.block_size, instances - j0);
      bool all_done = true;
      for (uint32_t j = 0; j < n; ++j) all_done &= done[p * instances + j0 + j] != 0;
      if (all_done) continue;

      std::vector<std::vector<StoredResult>> results(spec.algorithms.size(), std::vector<StoredResult>(n));
      std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1)
      for (long j = 0; j < static_cast<long>(n); ++j) {
        try {
          const InstanceKey key = spec.instance_key(p, first + j0 + static_cast<uint32_t>(j));
          const std::vector<StoredResult> r = evaluate(generate_instance(config.params, key));
          for (size_t a = 0; a < r.size(); ++a) results[a][j] = r[a];
        } catch (...) {
#pragma omp critical
          failure = std::current_exception();
        }
      }
      if (failure) std::rethrow_exception(failure);
      file.write_block(p, j0, results);
      stats.evaluated += n;
      progress.advance(n);
      if (const int signal_number = pending_interrupt_signal())
        throw Interrupted("interrupted by signal " + std::to_string(signal_number) + " after " +
                          std::to_string(stats.evaluated) + " instances: '" + out_path +
                          ".partial' holds the finished blocks; run again with --resume to continue");
      if (options.abort_after_blocks >= 0 && ++blocks_written >= options.abort_after_blocks) {
        log << "leosem run: aborting after " << blocks_written << " blocks (--abort-after-blocks)" << std::endl;
        std::_Exit(137);  // as if killed: no cleanup, no destructors
      }
    }
  }
  file.finalize();
  stats.wall_time_s = std::chrono::duration<double>(Clock::now() - start).count();
  return stats;
}

}  // namespace leosem
