// The runner against the backend contract (host/backends/sweep_batch.hpp, "The contract"): a
// strict fake backend records every call and fails the test (ADD_FAILURE, then throws, so the
// run stops at the first breach) on any call the contract forbids; its results are a fixed
// function of (seed, point, instance, algorithm), so the files the runner writes are checked
// value by value. Every runner path goes through it: fixed, adaptive, resume, shard, interrupt,
// a device error, and several chunkings that must give the same file.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/errors.hpp"
#include "core/interrupt.hpp"
#include "sweep/merge_report.hpp"
#include "sweep/runner.hpp"
#include "sweep_test_util.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

using test::expect_same_adaptive;
using test::expect_same_results;
using test::read;
using test::TempDir;
using test::write_text;

// Two points whose instances differ in size (40 and 120 slots): a backend sized from another
// point's figures would give a chunk that does not fit.
SweepSpec slots_spec(const TempDir& dir, uint32_t instances, const std::string& extra = "") {
  write_text(dir.file("base.toml"), test::kSmallBase);
  write_text(dir.file("sweep.toml"),
             "name = \"contract\"\nscenario = \"base.toml\"\ninstances = " + std::to_string(instances) +
                 "\nalgorithms = [\"alpha\", \"beta\"]\nseed = 11\n" + extra +
                 "[[axis]]\nfield = \"time.slots\"\nvalues = [40, 120]\n");
  return load_sweep_file(dir.file("sweep.toml"), test::kSweepAlgorithms);
}

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The fake's result for algorithm a of instance `instance` at sweep point p: about 1 in 5
// infeasible (NaN power, status 2), else feasible with a power in (0, 1] W.
StoredResult expected_result(uint64_t seed, size_t p, uint32_t instance, size_t a) {
  const uint64_t h = mix(seed ^ mix(p * 1000003ull + a) ^ mix(instance + 0x5151ull));
  if (h % 5 == 0) return {std::nan(""), 2, static_cast<int32_t>(h % 97)};
  return {static_cast<double>((h >> 11) | 1) * 0x1p-53, 1, static_cast<int32_t>(h % 89)};
}

// Thrown on a breach, after ADD_FAILURE: the run stops there.
struct ContractBreach : std::logic_error {
  using std::logic_error::logic_error;
};

// The strict fake. `memory_bytes` plays the device memory: chunk_instances() is what fits of it
// at the prepared point's bytes per instance (8 per gain, K·N·T gains), so the 120-slot point
// gets a third of the 40-slot point's chunk.
struct Faults {
  long device_error_at_call = -1;  // evaluate() call (0-based) that throws a device error
  long interrupt_at_call = -1;     // evaluate() call after which SIGINT is pending
};

class StrictFake final : public SweepBatchBackend {
 public:
  StrictFake(const SweepSpec& spec, const RunOptions& options, size_t memory_bytes, Faults faults = Faults())
      : spec_(spec), options_(options), memory_bytes_(memory_bytes), faults_(faults) {
    for (size_t p = 0; p < spec.point_count(); ++p) point_params_.push_back(point_scenario(spec, p).params);
  }

  RunIdentity identity() const override { return {"strict-fake", "test", "", ""}; }

  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    log("prepare_point");
    require(!failed_, "prepare_point() after evaluate() threw (only destruction may follow)");
    require(algorithms == spec_.algorithms, "prepare_point() with algorithms other than the sweep's");
    size_t p = point_params_.size();
    for (size_t q = 0; q < point_params_.size(); ++q)
      if (point_params_[q].slots == config.params.slots && point_params_[q].users == config.params.users &&
          point_params_[q].deadline_mean_slots == config.params.deadline_mean_slots)
        p = q;
    require(p < point_params_.size(), "prepare_point() with a scenario that is no point of the sweep");
    require(!prepared_ || evaluated_since_prepare_,
            "prepare_point() again before any evaluate() of the point prepared before (point " +
                std::to_string(point_) + ")");
    require(prepared_points_.insert(p).second, "prepare_point() of point " + std::to_string(p) + " twice in one run");
    point_ = p;
    prepared_ = true;
    sized_ = false;
    evaluated_since_prepare_ = false;
  }

  uint32_t chunk_instances(uint32_t block_size) const override {
    log("chunk_instances");
    require(!failed_, "chunk_instances() after evaluate() threw");
    require(prepared_, "chunk_instances() called before prepare_point(): the chunk size depends on the point");
    require(block_size == options_.block_size, "chunk_instances() with a block size other than the run's");
    const ScenarioParams& q = point_params_[point_];
    const size_t bytes_per_instance = static_cast<size_t>(q.users) * q.subchannels * q.slots * sizeof(double);
    const uint32_t fit = static_cast<uint32_t>(memory_bytes_ / bytes_per_instance);
    cap_ = std::max(block_size, fit / block_size * block_size);
    sized_ = true;
    return cap_;
  }

  void evaluate(const InstanceRange& range, std::vector<StoredResult>& results) override {
    log("evaluate " + std::to_string(range.first_instance) + "+" + std::to_string(range.count));
    const long call = calls_++;
    require(!failed_, "evaluate() after evaluate() threw");
    require(!interrupted_, "evaluate() after an interrupt was pending (the runner must stop between chunks)");
    require(prepared_, "evaluate() before prepare_point()");
    require(sized_, "evaluate() of a chunk not sized for the prepared point (no chunk_instances() since its "
                    "prepare_point())");
    require(range.seed == spec_.seed, "evaluate() with another seed");
    require(range.point == spec_.instance_key(point_, 0).point,
            "evaluate() of a range that is not in the prepared point " + std::to_string(point_));
    require(range.count > 0, "evaluate() of an empty range");
    require(range.count <= cap_, "evaluate() of " + std::to_string(range.count) + " instances, more than the " +
                                     std::to_string(cap_) + " chunk_instances() allows at point " +
                                     std::to_string(point_));
    const uint32_t first = options_.shard.first(spec_.instances), size = options_.shard.size(spec_.instances);
    require(range.first_instance >= first && range.first_instance + range.count <= first + size,
            "evaluate() of instances outside the shard");
    // Whole blocks: blocks start at the shard's first instance (adaptive runs: at each adaptive
    // step's first instance); only a chunk ending the shard or the step may end in a short block.
    const uint32_t local = range.first_instance - first, end = local + range.count, block = options_.block_size;
    const uint32_t step = spec_.adaptive() ? spec_.adaptive_block() : size;
    require(local % step % block == 0, "a chunk that does not start on a block boundary");
    require(range.count % block == 0 || end == size || end % step == 0, "a chunk not made of whole blocks");
    for (uint32_t j = 0; j < range.count; ++j)
      require(evaluated_.insert({point_, range.first_instance + j}).second,
              "instance " + std::to_string(range.first_instance + j) + " of point " + std::to_string(point_) +
                  " evaluated twice");
    evaluated_since_prepare_ = true;
    if (call == faults_.device_error_at_call) {
      failed_ = true;
      throw std::runtime_error("fake device error in fake_kernel (instances " + std::to_string(range.first_instance) +
                               ".." + std::to_string(range.first_instance + range.count - 1) + ")");
    }
    const size_t algorithms = spec_.algorithms.size();
    results.assign(algorithms * range.count, StoredResult{0.0, -1, 0});
    for (size_t a = 0; a < algorithms; ++a)
      for (uint32_t j = 0; j < range.count; ++j)
        results[a * range.count + j] = expected_result(spec_.seed, point_, range.first_instance + j, a);
    chunk_sizes_.push_back(range.count);
    if (call == faults_.interrupt_at_call) {
      interrupted_ = true;
      pending_interrupt_signal() = SIGINT;
    }
  }

  size_t evaluated() const { return evaluated_.size(); }
  const std::vector<uint32_t>& chunk_sizes() const { return chunk_sizes_; }
  const std::vector<std::string>& calls() const { return calls_log_; }

 private:
  void require(bool ok, const std::string& what) const {
    if (ok) return;
    ADD_FAILURE() << "backend contract breach: " << what;
    throw ContractBreach("backend contract breach: " + what);
  }
  void log(const std::string& call) const { calls_log_.push_back(call); }

  const SweepSpec& spec_;
  RunOptions options_;
  size_t memory_bytes_;
  Faults faults_;
  std::vector<ScenarioParams> point_params_;
  size_t point_ = 0;
  bool prepared_ = false, evaluated_since_prepare_ = false, failed_ = false, interrupted_ = false;
  mutable bool sized_ = false;
  mutable uint32_t cap_ = 0;
  long calls_ = 0;
  std::set<size_t> prepared_points_;
  std::set<std::pair<size_t, uint32_t>> evaluated_;
  std::vector<uint32_t> chunk_sizes_;
  mutable std::vector<std::string> calls_log_;
};

// 3 UEs x 2 SCs: 40 slots are 1 920 B per instance, 120 slots 5 760 B. 40 000 B hold 20 and 6
// instances: chunks of 16 and 4 with blocks of 4.
constexpr size_t kMemoryBytes = 40000;

RunOptions options(uint32_t block = 4) {
  RunOptions o;
  o.block_size = block;
  return o;
}

// Every value of a complete file against the fake's function ([algorithm, point, instance]).
void expect_fake_results(const SweepSpec& spec, const std::string& file) {
  const auto power = read<double>(file, "/power_w");
  const auto status = read<int8_t>(file, "/status");
  const auto iterations = read<int32_t>(file, "/iterations");
  const size_t points = spec.point_count(), algorithms = spec.algorithms.size(), n = spec.instances;
  ASSERT_EQ(power.size(), algorithms * points * n);
  size_t wrong = 0;
  for (size_t a = 0; a < algorithms; ++a)
    for (size_t p = 0; p < points; ++p)
      for (uint32_t i = 0; i < n; ++i) {
        const size_t at = (a * points + p) * n + i;
        const StoredResult e = expected_result(spec.seed, p, i, a);
        const bool same_power = std::isnan(e.power_w) ? std::isnan(power[at]) : power[at] == e.power_w;
        if (!(same_power && status[at] == e.status && iterations[at] == e.iterations) && ++wrong <= 3)
          ADD_FAILURE() << "algorithm " << a << " point " << p << " instance " << i << ": stored " << power[at]
                        << "/" << int(status[at]) << "/" << iterations[at] << ", expected " << e.power_w << "/"
                        << int(e.status) << "/" << e.iterations;
      }
  EXPECT_EQ(wrong, 0u);
}

std::string calls_text(const StrictFake& fake) {
  std::string text;
  for (const std::string& c : fake.calls()) text += "  " + c + "\n";
  return text;
}

}  // namespace

TEST(BackendContract, FixedRunKeepsTheContractAndStoresTheBackendsResults) {
  TempDir dir;
  const SweepSpec spec = slots_spec(dir, 37);
  const RunOptions o = options();
  StrictFake fake(spec, o, kMemoryBytes);
  std::ostringstream log;
  const RunStats stats = run_sweep(spec, dir.file("out.h5"), o, fake, log);
  EXPECT_EQ(stats.evaluated, 74u) << calls_text(fake);
  EXPECT_EQ(fake.evaluated(), 74u);
  expect_fake_results(spec, dir.file("out.h5"));
}

TEST(BackendContract, ChunkingNeverChangesTheFile) {
  TempDir dir;
  const SweepSpec spec = slots_spec(dir, 37);
  std::ostringstream log;
  struct Case {
    const char* name;
    uint32_t block;
    double target_s;
  };
  // One block per chunk; the default work target; work unbounded (memory alone); another block.
  const Case cases[] = {{"one-block", 4, 0.0}, {"default", 4, 2.0}, {"memory", 4, 1e9}, {"block3", 3, 1e9}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    RunOptions o = options(c.block);
    o.chunk_target_s = c.target_s;
    StrictFake fake(spec, o, kMemoryBytes);
    run_sweep(spec, dir.file(std::string(c.name) + ".h5"), o, fake, log);
    const std::vector<uint32_t>& sizes = fake.chunk_sizes();
    ASSERT_FALSE(sizes.empty());
    EXPECT_EQ(sizes.front(), c.block) << "a point starts with one block (its cost is unknown)";
    if (c.target_s <= 0.0)
      for (uint32_t n : sizes) EXPECT_LE(n, c.block);
    if (c.target_s >= 1e9) EXPECT_GT(*std::max_element(sizes.begin(), sizes.end()), c.block) << calls_text(fake);
    expect_fake_results(spec, dir.file(std::string(c.name) + ".h5"));
    if (std::string(c.name) != "one-block") expect_same_results(dir.file("one-block.h5"), dir.file(std::string(c.name) + ".h5"));
  }
}

TEST(BackendContract, ChunkSizerStartsSmallFollowsTheMeasuredRateAndStaysInMemory) {
  ChunkSizer sizer(256, 2.0);
  sizer.start_point();
  EXPECT_EQ(sizer.limit(65536), 256u);  // unknown cost: one block
  sizer.record(256, 0.001);             // 4 us per instance: 2 s would be 512 000, growth caps it at 8x
  EXPECT_EQ(sizer.limit(65536), 2048u);
  sizer.record(2048, 4.096);            // 2 ms per instance: 1 000 instances in 2 s, whole blocks: 768
  EXPECT_EQ(sizer.limit(65536), 768u);
  sizer.record(768, 100.0);             // slower than the target for one block: still one block
  EXPECT_EQ(sizer.limit(65536), 256u);
  sizer.record(256, 0.0);               // too fast to time: growth alone, and memory
  EXPECT_EQ(sizer.limit(1024), 1024u);
  sizer.start_point();                  // a new point's cost is unknown again
  EXPECT_EQ(sizer.limit(65536), 256u);
  ChunkSizer off(4, 0.0);
  off.record(4, 1e-6);
  EXPECT_EQ(off.limit(64), 4u);
}

TEST(BackendContract, ADeviceErrorEndsTheRunNamingThePointAndTheFileResumesToTheSameResult) {
  TempDir dir;
  const SweepSpec spec = slots_spec(dir, 37);
  const RunOptions o = options();
  std::ostringstream log;
  {
    StrictFake whole(spec, o, kMemoryBytes);
    run_sweep(spec, dir.file("whole.h5"), o, whole, log);
  }
  // In point 0, and in point 1 (point 0 complete: the resumed run must not prepare it).
  for (const long call : {2L, 7L}) {
    SCOPED_TRACE("device error at evaluate() call " + std::to_string(call));
    const std::string out = dir.file("out" + std::to_string(call) + ".h5");
    Faults faults;
    faults.device_error_at_call = call;
    StrictFake failing(spec, o, kMemoryBytes, faults);
    try {
      run_sweep(spec, out, o, failing, log);
      ADD_FAILURE() << "the device error did not end the run";
    } catch (const ContractBreach& e) {
      ADD_FAILURE() << e.what();
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("sweep point "), std::string::npos) << what;
      EXPECT_NE(what.find("time.slots="), std::string::npos) << what;
      EXPECT_NE(what.find("fake device error in fake_kernel (instances "), std::string::npos) << what;
      std::cout << "  the run ended with: " << what << "\n";
    }
    ASSERT_TRUE(fs::exists(out + ".partial"));
    EXPECT_FALSE(fs::exists(out));
    RunOptions resume = o;
    resume.resume = true;
    StrictFake fresh(spec, resume, kMemoryBytes);
    const RunStats stats = run_sweep(spec, out, resume, fresh, log);
    EXPECT_GT(stats.skipped, 0u);
    EXPECT_EQ(stats.evaluated + stats.skipped, 74u);
    EXPECT_EQ(fresh.evaluated(), stats.evaluated);
    const long prepares = std::count(fresh.calls().begin(), fresh.calls().end(), std::string("prepare_point"));
    EXPECT_EQ(prepares, call < 4 ? 2 : 1) << calls_text(fresh);
    expect_same_results(dir.file("whole.h5"), out);
    expect_fake_results(spec, out);
  }
}

TEST(BackendContract, AnInterruptStopsBeforeTheNextChunkAndTheFileResumes) {
  TempDir dir;
  const SweepSpec spec = slots_spec(dir, 37);
  const RunOptions o = options();
  std::ostringstream log;
  {
    StrictFake whole(spec, o, kMemoryBytes);
    run_sweep(spec, dir.file("whole.h5"), o, whole, log);
  }
  for (const long call : {0L, 3L, 6L}) {
    SCOPED_TRACE("SIGINT during evaluate() call " + std::to_string(call));
    const std::string out = dir.file("out" + std::to_string(call) + ".h5");
    Faults faults;
    faults.interrupt_at_call = call;
    StrictFake interrupted(spec, o, kMemoryBytes, faults);  // fails on any evaluate() after the signal
    EXPECT_THROW(run_sweep(spec, out, o, interrupted, log), Interrupted);
    pending_interrupt_signal() = 0;
    ASSERT_TRUE(fs::exists(out + ".partial"));
    RunOptions resume = o;
    resume.resume = true;
    StrictFake fresh(spec, resume, kMemoryBytes);
    const RunStats stats = run_sweep(spec, out, resume, fresh, log);
    EXPECT_EQ(stats.evaluated + stats.skipped, 74u);
    expect_same_results(dir.file("whole.h5"), out);
  }
}

TEST(BackendContract, ShardsKeepTheContractAndMergeToTheWholeRun) {
  TempDir dir;
  const SweepSpec spec = slots_spec(dir, 37);
  std::ostringstream log;
  {
    const RunOptions o = options();
    StrictFake whole(spec, o, kMemoryBytes);
    run_sweep(spec, dir.file("whole.h5"), o, whole, log);
  }
  std::vector<std::string> shards;
  for (uint32_t i = 0; i < 3; ++i) {
    RunOptions o = options();
    o.shard = {i, 3};
    StrictFake fake(spec, o, kMemoryBytes);  // checks the chunks stay in the shard, blocks from its start
    shards.push_back(dir.file("shard" + std::to_string(i) + ".h5"));
    const RunStats stats = run_sweep(spec, shards.back(), o, fake, log);
    EXPECT_EQ(stats.evaluated, 2u * o.shard.size(37));
  }
  merge_sweep_files(dir.file("merged.h5"), shards);
  expect_same_results(dir.file("whole.h5"), dir.file("merged.h5"));
}

TEST(BackendContract, AdaptiveRunsKeepTheContractThroughAFailureAndResume) {
  TempDir dir;
  SweepSpec spec = slots_spec(dir, 60);
  apply_overrides(spec, {}, 0, 1.5, 6);  // steps of 6 instances: blocks of 4 and 2
  const RunOptions o = options();
  std::ostringstream log;
  {
    StrictFake whole(spec, o, kMemoryBytes);
    run_sweep(spec, dir.file("whole.h5"), o, whole, log);
  }
  const auto used = read<int32_t>(dir.file("whole.h5"), "/instances_used");  // [algorithm, point]
  ASSERT_EQ(used.size(), 4u);
  std::cout << "  adaptive: instances used per point " << used[0] << ", " << used[1] << "\n";
  for (const long call : {1L, 5L}) {
    SCOPED_TRACE("device error at evaluate() call " + std::to_string(call));
    const std::string out = dir.file("out" + std::to_string(call) + ".h5");
    Faults faults;
    faults.device_error_at_call = call;
    StrictFake failing(spec, o, kMemoryBytes, faults);
    EXPECT_THROW(run_sweep(spec, out, o, failing, log), std::runtime_error);
    RunOptions resume = o;
    resume.resume = true;
    StrictFake fresh(spec, resume, kMemoryBytes);
    run_sweep(spec, out, resume, fresh, log);
    expect_same_adaptive(dir.file("whole.h5"), out);
  }
}
