// `leosem run SWEEP --out FILE.h5 [--backend auto|cpu|cuda] [--device N] [--instances N] [--set FIELD=VALUE]...
//  [--target-ci DB [--block-instances N]] [--threads N] [--shard I/N] [--resume] [--debug-sync]`.
#include <omp.h>
#include <unistd.h>

#include <iostream>
#include <regex>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "core/interrupt.hpp"
#include "sweep/runner.hpp"
#include "solvers/solve.hpp"
#include "core/text_excerpt.hpp"

namespace leosem::cli {
namespace {

Shard parse_shard(const std::string& text) {
  std::smatch match;
  static const std::regex pattern(R"((\d+)/(\d+))");
  if (!std::regex_match(text, match, pattern))
    throw CLI::ValidationError("--shard", quoted_input(text) + " must be I/N with 0 <= I < N, e.g. 0/4");
  const unsigned long index = std::stoul(match[1]), count = std::stoul(match[2]);
  if (count < 1 || index >= count || count > 1000000)
    throw CLI::ValidationError("--shard", quoted_input(text) + " must be I/N with 0 <= I < N");
  return {static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
}

}  // namespace

void add_run_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a sweep (points x instances x algorithms) on the GPU or the CPU, streaming results to HDF5");
  auto sweep = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(0);
  auto shard = std::make_shared<std::string>("0/1");
  auto resume = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto block = std::make_shared<uint32_t>(256);
  auto abort_after = std::make_shared<long>(-1);
  auto backend_name = std::make_shared<std::string>("auto");
  auto device = std::make_shared<int>(0);
  auto max_chunk = std::make_shared<uint32_t>(65536);
  auto debug_sync = std::make_shared<bool>(false);
  auto fail_after_chunks = std::make_shared<long>(-1);
  auto instances = std::make_shared<int64_t>(0);
  auto set = std::make_shared<std::vector<std::string>>();
  auto target_ci = std::make_shared<double>(0.0);
  auto block_instances = std::make_shared<int64_t>(0);
  auto target_ci_paired = std::make_shared<std::string>();
  cmd->add_option("SWEEP", *sweep, "Sweep TOML (see docs/sweeps.md)")->required()->check(regular_file());
  cmd->add_option("--out", *out, "HDF5 file to write (layout: docs/sweep-output.md); written as FILE.partial "
                                 "until complete")
      ->required();
  cmd->add_option("--instances", *instances,
                  "Instances per point (with --target-ci: the most per point), instead of the sweep file's "
                  "`instances` (recorded in the output and its configuration hash)")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000000}));
  cmd->add_option("--set", *set,
                  "FIELD=VALUE: set a scenario field (section.key, docs/configuration.md) in the base scenario "
                  "before it is validated; VALUE is TOML (10, 0.5, \"text\"), paths relative to the scenario file. "
                  "Repeatable; recorded in the output and its configuration hash")
      ->allow_extra_args(false);  // one FIELD=VALUE per --set: a SWEEP after it stays positional
  cmd->add_option("--target-ci", *target_ci,
                  "DB > 0: adaptive Monte Carlo: each point adds instances in blocks (--block-instances) until, for "
                  "every algorithm, the 95% CI of its mean power (over the instances it serves, at least 10) is at "
                  "most +-DB dB wide, i.e. (ci95_high_dbm - ci95_low_dbm)/2 <= DB, or `instances` (the cap, "
                  "--instances) are used. Deterministic and resumable; the file records each point's instances, "
                  "why it stopped and the half-widths (docs/sweeps.md#adaptive-monte-carlo). Not with --shard. "
                  "Instead of the sweep file's `target_ci_db`; recorded in the output and its configuration hash");
  cmd->add_option("--target-ci-paired", *target_ci_paired,
                  "A,B: with --target-ci (or target_ci_db) DB, stop each point on the paired difference of two of the "
                  "sweep's algorithms instead of every mean: once the 95% CI of the mean of 10 log10(P_A/P_B) over the "
                  "instances both serve (at least 10) is at most +-DB dB. Instances either does not serve are left out "
                  "(counted in the report). Instead of the sweep file's `target_ci_paired`; recorded in the output "
                  "(attribute target_ci_paired) and its configuration hash");
  cmd->add_option("--block-instances", *block_instances,
                  "Adaptive runs: instances a point adds between two stopping checks (default: the sweep file's "
                  "`block_instances`, else min(50, instances)); at most `instances`");
  cmd->add_option("--backend", *backend_name,
                  "auto: cuda when compiled in and a device is visible, else cpu (the log says which); "
                  "cpu: OpenMP; cuda: the device pipeline (exact and mcf still run on host threads). "
                  "Same statuses on both; powers equal within 1e-6 dB (device log/exp may differ in the last bit; docs/sweeps.md)")
      ->capture_default_str();
  cmd->add_option("--device", *device, "CUDA device index for the cuda backend (see `leosem info`)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1023));
  cmd->add_option("--max-chunk", *max_chunk,
                  "cuda: most instances per device chunk (chunks are otherwise sized from free device memory)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 10000000u));
  cmd->add_flag("--debug-sync", *debug_sync,
                "cuda: synchronise and check after every kernel, so that a device error names its kernel "
                "(slower; also LEOSEM_CUDA_DEBUG_SYNC=1)");
  cmd->add_option("--threads", *threads, "OpenMP threads (default: all cores): the cpu backend, and exact/mcf "
                                         "with the cuda backend")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--shard", *shard, "Run only slice I of N of the instances (0 <= I < N), e.g. a Slurm array task")
      ->capture_default_str();
  cmd->add_flag("--resume", *resume, "Continue FILE.partial left by an interrupted run of the same sweep and shard "
                                     "(its checksums are verified first)");
  cmd->add_flag("--force", *force, "Replace an existing --out file, and (without --resume) discard a leftover "
                                   "FILE.partial");
  cmd->add_option("--block", *block, "Instances written per block (the resume granularity)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--abort-after-blocks", *abort_after, "Testing aid: exit abruptly after N blocks, as if killed")
      ->group("");  // hidden
  cmd->add_option("--fail-after-chunks", *fail_after_chunks,
                  "Testing aid: the backend fails as on a device error after N chunks")
      ->group("");  // hidden
  cmd->callback([=]() {
    SweepSpec spec = load_sweep_file(*sweep, algorithm_names());
    apply_overrides(spec, *set, *instances,
                    cmd->count("--target-ci") ? std::optional<double>(*target_ci) : std::nullopt,
                    cmd->count("--block-instances") ? std::optional<int64_t>(*block_instances) : std::nullopt,
                    cmd->count("--target-ci-paired") ? std::optional<std::string>(*target_ci_paired) : std::nullopt,
                    algorithm_names());
    RunOptions options;
    options.shard = parse_shard(*shard);
    options.resume = *resume;
    options.force = *force;
    options.block_size = *block;
    options.abort_after_blocks = *abort_after;
    options.progress_bar = isatty(STDERR_FILENO) != 0;
    catch_interrupts();  // Ctrl-C / scancel: stop after the current block, leaving FILE.partial resumable
    const BackendChoice choice = choose_backend(*backend_name, *device);
    if (choice.backend != "cuda" && cmd->count("--device") > 0 && *backend_name == "cpu")
      throw CLI::ValidationError("--device", "applies to the cuda backend only (--backend cpu was given)");
    if (*debug_sync && *backend_name == "cpu")
      throw CLI::ValidationError("--debug-sync", "applies to the cuda backend only (--backend cpu was given)");
    if (*backend_name == "auto") std::cerr << "leosem run: backend " << choice.backend << " (" << choice.reason << ")\n";
    if (*threads > 0) omp_set_num_threads(*threads);
    std::unique_ptr<SweepBatchBackend> backend =
        choice.backend == "cuda" ? make_cuda_backend(*device, *max_chunk, *debug_sync) : make_cpu_backend(*threads);
    if (*fail_after_chunks >= 0) backend = make_failing_backend(std::move(backend), *fail_after_chunks);
    const RunStats stats = run_sweep(spec, *out, options, *backend, std::cerr);
    std::cerr << "leosem run: wrote " << *out << " (" << stats.evaluated << " instances evaluated, " << stats.skipped
              << " resumed) in " << stats.wall_time_s << " s\n";
  });
}

}  // namespace leosem::cli
