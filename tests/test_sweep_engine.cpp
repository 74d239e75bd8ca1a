// Tier 4: the sweep engine with a stand-in evaluator (a deterministic function of the instance,
// so the machinery is tested apart from the solvers): sweep files, streaming to HDF5, shards
// merged equal to one run, an interrupted run resumed equal to an uninterrupted one, summaries.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "io/hdf5_util.hpp"
#include "io/merge_report.hpp"
#include "sweep/runner.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kAlgorithms{"alpha", "beta"};

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("leosem-sweep-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A small sweep over the deadline, 2 points x 37 instances.
std::string sweep_text(uint32_t instances = 37) {
  return "name = \"test\"\nscenario = \"base.toml\"\ninstances = " + std::to_string(instances) +
         "\nalgorithms = [\"alpha\", \"beta\"]\nseed = 5\n[[axis]]\nfield = \"users.deadline_mean_slots\"\n"
         "values = [20, 30]\n";
}
const char* kBase = "[users]\ncount = 3\ndeadline_mean_slots = 20\n[radio]\nsubchannels = 2\n[time]\nslots = 40\n";

SweepSpec make_spec(const TempDir& dir, uint32_t instances = 37) {
  write_text(dir.file("base.toml"), kBase);
  write_text(dir.file("sweep.toml"), sweep_text(instances));
  return load_sweep_file(dir.file("sweep.toml"), kAlgorithms);
}

// A stand-in backend. alpha: total gain of the UEs' usable resources (feasible); beta:
// infeasible when UE 0's deadline is odd. Deterministic in the instance, so runs can be
// compared bit for bit. Throws at the (fail_after + 1)-th instance when fail_after >= 0.
class StandIn final : public SweepBatchBackend {
 public:
  explicit StandIn(long fail_after = -1) : fail_after_(fail_after) {}
  RunIdentity identity() const override { return {"stand-in", "test", "", ""}; }
  void prepare_point(const ScenarioConfig& config, const std::vector<std::string>& algorithms) override {
    params_ = config.params;
    algorithms_ = algorithms.size();
  }
  void evaluate(const InstanceRange& range, std::vector<StoredResult>& out) override {
    out.assign(algorithms_ * range.count, StoredResult{0, -1, 0});
    for (uint32_t j = 0; j < range.count; ++j) {
      if (fail_after_ >= 0 && calls_++ >= fail_after_) throw std::runtime_error("stand-in failure");
      const Instance inst = generate_instance(params_, {range.seed, range.point, range.first_instance + j});
      const double total = std::accumulate(inst.gain_per_watt.begin(), inst.gain_per_watt.end(), 0.0);
      out[j] = {total, 1, 1};
      const bool odd = inst.deadline_slots[0] % 2 == 1;
      out[range.count + j] = {odd ? std::nan("") : 1.0 / total, static_cast<int8_t>(odd ? 2 : 0), 7};
    }
  }

 private:
  long fail_after_, calls_ = 0;
  ScenarioParams params_{};
  size_t algorithms_ = 0;
};

RunStats run(const SweepSpec& spec, const std::string& out, const RunOptions& o, std::ostream& log,
             long fail_after = -1) {
  StandIn backend(fail_after);
  return run_sweep(spec, out, o, backend, log);
}

template <typename T>
std::vector<T> read(const std::string& path, const std::string& dataset) {
  h5_quiet();
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return h5_read_all<T>(f.get(), dataset);
}

// Every per-instance and summary dataset of two files, compared bit for bit.
void expect_same_results(const std::string& a, const std::string& b) {
  // [algorithm, axes..., instance] and [algorithm, axes...]: every algorithm at once.
  const auto pa = read<double>(a, "/power_w"), pb = read<double>(b, "/power_w");
  ASSERT_EQ(pa.size(), pb.size());
  EXPECT_EQ(0, std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(double)));
  EXPECT_EQ(read<int8_t>(a, "/status"), read<int8_t>(b, "/status"));
  EXPECT_EQ(read<int32_t>(a, "/iterations"), read<int32_t>(b, "/iterations"));
  const auto ma = read<double>(a, "/mean_power_dbm"), mb = read<double>(b, "/mean_power_dbm");
  ASSERT_EQ(ma.size(), mb.size());
  EXPECT_EQ(0, std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(double)));
  EXPECT_EQ(read<int32_t>(a, "/evaluated"), read<int32_t>(b, "/evaluated"));
  EXPECT_EQ(read<uint8_t>(a, "/done"), read<uint8_t>(b, "/done"));
  EXPECT_EQ(read<uint32_t>(a, "/instance"), read<uint32_t>(b, "/instance"));
}

RunOptions options(uint32_t block = 8) {
  RunOptions o;
  o.block_size = block;
  return o;
}

}  // namespace

TEST(SweepSpec, PointsAreTheProductOfAxes) {
  TempDir dir;
  write_text(dir.file("base.toml"), kBase);
  write_text(dir.file("s.toml"), "scenario = \"base.toml\"\ninstances = 2\nalgorithms = [\"alpha\"]\nseed = 1\n"
                                 "[[axis]]\nfield = \"users.count\"\nvalues = [1, 2, 3]\n"
                                 "[[axis]]\nfield = \"users.ssim_mean\"\nrange = {start = 0.6, stop = 0.8, step = 0.1}\n");
  const SweepSpec spec = load_sweep_file(dir.file("s.toml"), kAlgorithms);
  ASSERT_EQ(spec.point_count(), 9u);
  EXPECT_EQ(spec.point_values(5), (std::vector<double>{2, 0.8}));
  const ScenarioConfig c = point_scenario(spec, 5);
  EXPECT_EQ(c.params.users, 2);
  EXPECT_DOUBLE_EQ(c.params.ssim_mean, 0.8);
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(spec.config_sha256().size(), 64u);
}

TEST(SweepSpec, TheHashCoversTheDataFilesRead) {
  TempDir dir;
  fs::copy_file(std::string(LEOSEM_SOURCE_DIR) + "/results/data/jpeg_table_aerial64.csv", dir.file("table.csv"));
  write_text(dir.file("base.toml"), std::string(kBase) + "[quality]\njpeg_table = \"table.csv\"\n");
  write_text(dir.file("sweep.toml"), sweep_text());
  const std::string before = load_sweep_file(dir.file("sweep.toml"), kAlgorithms).config_sha256();
  EXPECT_EQ(before, load_sweep_file(dir.file("sweep.toml"), kAlgorithms).config_sha256());
  std::ofstream(dir.file("table.csv"), std::ios::app) << "# an edited copy\n";
  EXPECT_NE(before, load_sweep_file(dir.file("sweep.toml"), kAlgorithms).config_sha256());
}

TEST(SweepSpec, BadSweepFilesAreRejectedNamingTheField) {
  TempDir dir;
  write_text(dir.file("base.toml"), kBase);
  const auto rejected = [&](const std::string& text, const std::string& part) {
    write_text(dir.file("bad.toml"), text);
    try {
      load_sweep_file(dir.file("bad.toml"), kAlgorithms);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what() << " lacks " << part;
    }
  };
  const std::string head = "scenario = \"base.toml\"\nseed = 1\n";
  rejected(head + "instances = 4\nalgorithms = [\"alpha\"]\n[[axis]]\nfield = \"users.nonsense\"\nvalues = [1]\n",
           "users.nonsense");
  rejected(head + "instances = 4\nalgorithms = [\"alpha\"]\n[[axis]]\nfield = \"users.count\"\nvalues = []\n",
           "axis is empty");
  rejected(head + "instances = 0\nalgorithms = [\"alpha\"]\n", "instances");
  rejected(head + "instances = 4\nalgorithms = [\"gamma\"]\n", "unknown algorithm");
  rejected(head + "instances = 4\nalgorithms = []\n", "algorithms");
  rejected(head + "instances = 4\nalgorithms = [\"alpha\"]\nextra = 1\n", "extra");
  rejected(head + "instances = 4\nalgorithms = [\"alpha\"]\n[[axis]]\nfield = \"users.count\"\nvalues = [0]\n",
           "users.count");
  rejected("scenario = \"missing.toml\"\nseed = 1\ninstances = 4\nalgorithms = [\"alpha\"]\n", "missing.toml");
  rejected("scenario = \"base.toml\"\ninstances = 4\nalgorithms = [\"alpha\"]\n", "seed");
}

TEST(SweepRun, WritesResultsAndSummary) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  std::ostringstream log;
  const RunStats stats = run(spec, dir.file("out.h5"), options(), log);
  EXPECT_EQ(stats.evaluated, 2u * 37u);
  ASSERT_TRUE(fs::exists(dir.file("out.h5")));
  EXPECT_FALSE(fs::exists(dir.file("out.h5.partial")));
  const auto power = read<double>(dir.file("out.h5"), "/power_w");  // [algorithm 2, point 2, instance 37]
  ASSERT_EQ(power.size(), 2u * 74u);
  // Each stored value is the stand-in's value on the regenerated instance.
  const ScenarioConfig c = point_scenario(spec, 1);
  const Instance inst = generate_instance(c.params, spec.instance_key(1, 13));  // (5, 0, 13): common random numbers
  EXPECT_EQ(power[37 + 13], std::accumulate(inst.gain_per_watt.begin(), inst.gain_per_watt.end(), 0.0));
  // Summary: the mean over feasible instances and the feasible fraction.
  const auto status = read<int8_t>(dir.file("out.h5"), "/status");
  double sum = 0;
  int feasible = 0;
  for (int j = 0; j < 37; ++j)  // beta (algorithm 1), point 0
    if (status[74 + j] == 0) {
      sum += power[74 + j];
      ++feasible;
    }
  const auto fraction = read<double>(dir.file("out.h5"), "/feasible_fraction");  // [algorithm 2, point 2]
  const auto mean_dbm = read<double>(dir.file("out.h5"), "/mean_power_dbm");
  ASSERT_EQ(fraction.size(), 4u);
  EXPECT_GT(feasible, 0);
  EXPECT_LT(feasible, 37);
  EXPECT_DOUBLE_EQ(fraction[2], feasible / 37.0);
  EXPECT_NEAR(mean_dbm[2], 10 * std::log10(sum / feasible) + 30, 1e-9);
  const std::string report = sweep_report(dir.file("out.h5"), true);
  EXPECT_NE(report.find("algorithm,users.deadline_mean_slots,instances"), std::string::npos);
  EXPECT_NE(report.find("beta,20,37,"), std::string::npos);
}

TEST(SweepRun, ShardsMergedEqualOneRunBitForBit) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  std::ostringstream log;
  run(spec, dir.file("single.h5"), options(), log);
  std::vector<std::string> shards;
  for (uint32_t i = 0; i < 3; ++i) {
    RunOptions o = options(5);
    o.shard = {i, 3};
    shards.push_back(dir.file("shard" + std::to_string(i) + ".h5"));
    run(spec, shards.back(), o, log);
  }
  merge_sweep_files(dir.file("merged.h5"), {shards[2], shards[0], shards[1]});  // any order
  expect_same_results(dir.file("single.h5"), dir.file("merged.h5"));
}

TEST(SweepRun, MergeRefusesMismatchedDuplicateOrMissingShards) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  std::ostringstream log;
  std::vector<std::string> shards;
  for (uint32_t i = 0; i < 2; ++i) {
    RunOptions o = options();
    o.shard = {i, 2};
    shards.push_back(dir.file("s" + std::to_string(i) + ".h5"));
    run(spec, shards.back(), o, log);
  }
  // Another configuration: same base, other instance count.
  TempDir other_dir;
  const SweepSpec other = make_spec(other_dir, 38);
  RunOptions o = options();
  o.shard = {1, 2};
  run(other, other_dir.file("o1.h5"), o, log);

  const auto refused = [&](const std::vector<std::string>& files, const std::string& part) {
    try {
      merge_sweep_files(dir.file("m.h5"), files);
      ADD_FAILURE() << "merge accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir.file("m.h5")));
  };
  refused({shards[0], other_dir.file("o1.h5")}, "configuration hash");
  refused({shards[0], shards[0], shards[1]}, "appears twice");
  refused({shards[1]}, "missing");
  refused({shards[0]}, "missing");
}

TEST(SweepRun, InterruptedRunResumesToTheSameResult) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  std::ostringstream log;
  run(spec, dir.file("whole.h5"), options(), log);
  // Fails after 30 instances: blocks written before the failure stay in out.h5.partial.
  EXPECT_THROW(run(spec, dir.file("out.h5"), options(), log, 30), std::runtime_error);
  ASSERT_TRUE(fs::exists(dir.file("out.h5.partial")));
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
  // Without --resume the leftover is not silently overwritten.
  EXPECT_THROW(run(spec, dir.file("out.h5"), options(), log), std::runtime_error);
  RunOptions resume = options();
  resume.resume = true;
  const RunStats stats = run(spec, dir.file("out.h5"), resume, log);
  EXPECT_GT(stats.skipped, 0u);
  EXPECT_LT(stats.evaluated, 74u);
  expect_same_results(dir.file("whole.h5"), dir.file("out.h5"));
}

TEST(SweepRun, ResumeRefusesAnotherConfiguration) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  std::ostringstream log;
  EXPECT_THROW(run(spec, dir.file("out.h5"), options(), log, 3), std::runtime_error);
  write_text(dir.file("sweep.toml"), sweep_text(40));
  const SweepSpec changed = load_sweep_file(dir.file("sweep.toml"), kAlgorithms);
  RunOptions resume = options();
  resume.resume = true;
  try {
    run(changed, dir.file("out.h5"), resume, log);
    ADD_FAILURE() << "resumed another configuration";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos) << e.what();
  }
}

TEST(SweepRun, SummaryStatistics) {
  const PointSummary s = summarize({1.0, 3.0, std::nan(""), 5.0, 0.0, std::nan("")}, {0, 1, 2, 1, -1, 3});
  EXPECT_EQ(s.instances, 5u);
  EXPECT_EQ(s.feasible, 3u);
  EXPECT_DOUBLE_EQ(s.mean_power_w, 3.0);
  EXPECT_NEAR(s.ci95_half_w, 1.96 * 2.0 / std::sqrt(3.0), 1e-12);  // sample sd 2
}
