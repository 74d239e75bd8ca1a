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
#include "core/toml_reader.hpp"
#include "scenario/field_table.hpp"
#include "sweep/merge_report.hpp"
#include "sweep/runner.hpp"
#include "sweep_test_util.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

using test::expect_same_adaptive;
using test::expect_same_results;
using test::make_spec;
using test::read;
using test::sweep_text;
using test::TempDir;
using test::write_text;
const std::vector<std::string>& kAlgorithms = test::kSweepAlgorithms;
const char* const kBase = test::kSmallBase;

using test::StandIn;

RunStats run(const SweepSpec& spec, const std::string& out, const RunOptions& o, std::ostream& log,
             long fail_after = -1) {
  StandIn backend(fail_after);
  return run_sweep(spec, out, o, backend, log);
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

// A point is the base scenario with its axis values and the --set values set through the field
// table: every field equal to the scenario file that writes them in (parsed on its own).
TEST(SweepSpec, EveryPointEqualsItsScenarioFile) {
  TempDir dir;
  write_text(dir.file("base.toml"), std::string(kBase) + "[quality]\nlogistic_floor_base = 0.2\n");
  write_text(dir.file("s.toml"), "scenario = \"base.toml\"\ninstances = 2\nalgorithms = [\"alpha\"]\nseed = 3\n"
                                 "[[axis]]\nfield = \"users.count\"\nvalues = [1, 2]\n"
                                 "[[axis]]\nfield = \"radio.carrier_ghz\"\nvalues = [2, 20, 30.5]\n"
                                 "[[axis]]\nfield = \"quality.logistic_floor_base\"\nvalues = [0.1, 0.15]\n");
  SweepSpec spec = load_sweep_file(dir.file("s.toml"), kAlgorithms);
  apply_overrides(spec, {"channel.fading=\"none\"", "users.ssim_mean=0.75"}, 0);
  ASSERT_EQ(spec.point_count(), 12u);
  for (size_t p = 0; p < spec.point_count(); ++p) {
    const std::vector<double> v = spec.point_values(p);
    const ScenarioConfig expected = parse_scenario(
        "[users]\ncount = " + format_number(v[0]) + "\ndeadline_mean_slots = 20\nssim_mean = 0.75\n[radio]\n"
        "subchannels = 2\ncarrier_ghz = " + format_number(v[1]) + (v[1] == std::floor(v[1]) ? ".0" : "") +
        "\n[time]\nslots = 40\n[channel]\nfading = \"none\"\n[quality]\nlogistic_floor_base = " +
        format_number(v[2]) + "\n", dir.file("base.toml"));
    const ScenarioConfig point = point_scenario(spec, p);
    for (const ScenarioField& f : scenario_fields()) {
      if (f.path() == "seed") continue;  // the sweep's seed replaces the scenario's (checked below)
      const FieldValue a = f.get(point), b = f.get(expected);
      EXPECT_TRUE(a.number == b.number && a.integer == b.integer && a.choice == b.choice && a.list == b.list &&
                  a.text == b.text)
          << "point " << p << ": " << f.path();
    }
    EXPECT_EQ(point.params.band, expected.params.band) << p;
    EXPECT_EQ(point.seed, 3u);
  }
}

// Each data file is read once per sweep, not per point: a point made after the JPEG table is
// gone still has it (reading it per point, this failed), and a point's errors name the point.
TEST(SweepSpec, PointsReadNoDataFileAgain) {
  TempDir dir;
  fs::copy_file(std::string(LEOSEM_SOURCE_DIR) + "/results/data/jpeg_table_aerial64.csv", dir.file("table.csv"));
  write_text(dir.file("base.toml"), std::string(kBase) + "[quality]\njpeg_table = \"table.csv\"\n");
  write_text(dir.file("s.toml"), "scenario = \"base.toml\"\ninstances = 2\nalgorithms = [\"alpha\"]\nseed = 1\n"
                                 "[[axis]]\nfield = \"users.ssim_mean\"\nvalues = [0.6, 0.7, 0.8]\n");
  const SweepSpec spec = load_sweep_file(dir.file("s.toml"), kAlgorithms);
  const std::vector<double> table = point_scenario(spec, 0).quality.jpeg_table.mean_ssim;
  ASSERT_FALSE(table.empty());
  fs::remove(dir.file("table.csv"));
  EXPECT_EQ(point_scenario(spec, 2).quality.jpeg_table.mean_ssim, table);
  EXPECT_DOUBLE_EQ(point_scenario(spec, 2).params.ssim_mean, 0.8);
  // An axis value that breaks a rule between fields at one point only: named with the point.
  write_text(dir.file("s.toml"), "scenario = \"base.toml\"\ninstances = 2\nalgorithms = [\"alpha\"]\nseed = 1\n"
                                 "[[axis]]\nfield = \"users.deadline_mean_slots\"\nvalues = [20, 39]\n");
  fs::copy_file(std::string(LEOSEM_SOURCE_DIR) + "/results/data/jpeg_table_aerial64.csv", dir.file("table.csv"));
  try {
    load_sweep_file(dir.file("s.toml"), kAlgorithms);
    ADD_FAILURE() << "accepted a deadline beyond the window";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'users.deadline_mean_slots'"), std::string::npos) << message;
    EXPECT_NE(message.find("point 1: users.deadline_mean_slots = 39"), std::string::npos) << message;
  }
}

// The sweep key lower_bound (default true) appends the bound as the algorithm "lower-bound" where
// the caller can run it; false leaves the list as written; the key and its effect are part of
// the configuration; contradictions and non-booleans are refused naming the key.
TEST(SweepSpec, TheLowerBoundIsOnByDefaultAsAnAlgorithm) {
  TempDir dir;
  write_text(dir.file("base.toml"), kBase);
  const std::vector<std::string> known{"alpha", "beta", kLowerBoundAlgorithm};
  const std::string head = "scenario = \"base.toml\"\nseed = 1\ninstances = 4\n";
  const auto load = [&](const std::string& text, const std::vector<std::string>& names) {
    write_text(dir.file("s.toml"), text);
    return load_sweep_file(dir.file("s.toml"), names);
  };
  const SweepSpec by_default = load(head + "algorithms = [\"alpha\", \"beta\"]\n", known);
  EXPECT_EQ(by_default.algorithms, (std::vector<std::string>{"alpha", "beta", "lower-bound"}));
  EXPECT_TRUE(by_default.lower_bound_appended);
  EXPECT_NE(by_default.resolved_text().find("lower bound: on"), std::string::npos);
  const SweepSpec off = load(head + "algorithms = [\"alpha\", \"beta\"]\nlower_bound = false\n", known);
  EXPECT_EQ(off.algorithms, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_NE(off.config_sha256(), by_default.config_sha256());
  // Listed: kept where it was, not twice.
  const SweepSpec listed = load(head + "algorithms = [\"lower-bound\", \"alpha\"]\n", known);
  EXPECT_EQ(listed.algorithms, (std::vector<std::string>{"lower-bound", "alpha"}));
  EXPECT_FALSE(listed.lower_bound_appended);
  // A caller that cannot run it is not given it.
  EXPECT_EQ(load(head + "algorithms = [\"alpha\"]\n", kAlgorithms).algorithms, (std::vector<std::string>{"alpha"}));
  for (const std::string& bad : {std::string("algorithms = [\"lower-bound\"]\nlower_bound = false\n"),
                                 std::string("algorithms = [\"alpha\"]\nlower_bound = 1\n")}) {
    try {
      load(head + bad, known);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("lower_bound"), std::string::npos) << e.what();
    }
  }
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

// ---- Adaptive Monte Carlo (run --target-ci): per point, blocks of instances until every
// algorithm's 95 % CI half-width in dB is <= the target (with >= 10 served), or the cap.

namespace {

constexpr uint32_t kCap = 120;

SweepSpec adaptive_spec(const TempDir& dir, double target_ci_db, uint32_t block) {
  SweepSpec spec = make_spec(dir, kCap);
  apply_overrides(spec, {}, 0, target_ci_db, block);
  return spec;
}

// What an adaptive run must do at point p, worked out here (not by the engine) from a fixed run
// of kCap instances: the first multiple of `block` at which every algorithm serves >= 10 of the
// instances so far with (ci95_high_dbm - ci95_low_dbm)/2 <= target; else the cap.
// Per algorithm at point p over instances [0, n) of a fixed run of kCap instances: half the
// width of the 95 % interval in dB, and the served count.
std::vector<std::pair<double, size_t>> half_widths_at(const std::string& fixed_file, size_t p, uint32_t n) {
  const auto power = read<double>(fixed_file, "/power_w");  // [algorithm 2, point 2, instance kCap]
  const auto status = read<int8_t>(fixed_file, "/status");
  std::vector<std::pair<double, size_t>> out;
  for (size_t a = 0; a < 2; ++a) {
    std::vector<double> served;
    for (uint32_t j = 0; j < n; ++j) {
      const size_t at = (a * 2 + p) * kCap + j;
      if (status[at] == 0 || status[at] == 1) served.push_back(power[at]);
    }
    const double k = static_cast<double>(served.size());
    const double mean = std::accumulate(served.begin(), served.end(), 0.0) / k;
    double squares = 0;
    for (double v : served) squares += (v - mean) * (v - mean);
    const double h = 1.96 * std::sqrt(squares / (k - 1) / k);
    out.push_back({mean > h ? 5.0 * std::log10((mean + h) / (mean - h)) : INFINITY, served.size()});
  }
  return out;
}

struct ExpectedStop {
  uint32_t used = 0;
  bool reached = false;
  std::vector<double> half_width_db;
};
ExpectedStop expected_stop(const std::string& fixed_file, size_t p, uint32_t block, double target) {
  ExpectedStop e;
  for (uint32_t n = block;; n = std::min(n + block, kCap)) {
    e.used = n;
    e.half_width_db.clear();
    bool all = true;
    for (const auto& [db, served] : half_widths_at(fixed_file, p, n)) {
      e.half_width_db.push_back(db);
      all = all && served >= 10 && db <= target;
    }
    if (all || n == kCap) {
      e.reached = all;
      return e;
    }
  }
}

// instances_used per point (the same for both algorithms: [algorithm, point]).
std::vector<int32_t> used_per_point(const std::string& file) {
  const auto used = read<int32_t>(file, "/instances_used");
  EXPECT_EQ(used.size(), 4u);
  EXPECT_EQ(used[0], used[2]);
  EXPECT_EQ(used[1], used[3]);
  return {used[0], used[1]};
}

}  // namespace

TEST(AdaptiveRun, StopsWhereTheTargetIsFirstMetAndRecordsWhy) {
  TempDir dir;
  std::ostringstream log;
  const SweepSpec fixed = make_spec(dir, kCap);
  run(fixed, dir.file("fixed.h5"), options(), log);
  // A target met by point 0 after 4 blocks at the latest, and one never met (the cap).
  const uint32_t block = 15;
  const auto at_4_blocks = half_widths_at(dir.file("fixed.h5"), 0, 4 * block);
  ASSERT_GE(std::min(at_4_blocks[0].second, at_4_blocks[1].second), 10u);
  for (const double target : {std::max(at_4_blocks[0].first, at_4_blocks[1].first), 1e-6}) {
    SCOPED_TRACE("target " + std::to_string(target) + " dB");
    const std::string out = dir.file("adaptive-" + std::to_string(target) + ".h5");
    run(adaptive_spec(dir, target, block), out, options(), log);
    const std::vector<int32_t> used = used_per_point(out);
    const auto reason = read<int8_t>(out, "/stop_reason");
    const auto half = read<double>(out, "/ci95_half_width_db");
    const auto power = read<double>(out, "/power_w"), fixed_power = read<double>(dir.file("fixed.h5"), "/power_w");
    const auto status = read<int8_t>(out, "/status");
    const auto done = read<uint8_t>(out, "/done");
    const auto evaluated = read<int32_t>(out, "/evaluated");
    const auto low = read<double>(out, "/ci95_low_dbm"), high = read<double>(out, "/ci95_high_dbm");
    for (size_t p = 0; p < 2; ++p) {
      const ExpectedStop e = expected_stop(dir.file("fixed.h5"), p, block, target);
      EXPECT_EQ(used[p], static_cast<int32_t>(e.used)) << "point " << p;
      EXPECT_LE(used[p], static_cast<int32_t>(kCap));
      for (size_t a = 0; a < 2; ++a) {
        const size_t cell = a * 2 + p;
        EXPECT_EQ(reason[cell], e.reached ? 1 : 2) << "point " << p;
        EXPECT_NEAR(half[cell], e.half_width_db[a], 1e-9 * std::max(1.0, e.half_width_db[a]));
        EXPECT_NEAR(half[cell], (high[cell] - low[cell]) / 2, 1e-9);  // what the summary shows
        EXPECT_EQ(evaluated[cell], used[p]);
        // Common random numbers: the first n instances are those of the fixed-count run; none after.
        for (uint32_t j = 0; j < kCap; ++j) {
          const size_t at = cell * kCap + j;
          if (j < e.used) EXPECT_EQ(0, std::memcmp(&power[at], &fixed_power[at], sizeof(double))) << "instance " << j;
          else EXPECT_EQ(status[at], -1) << "instance " << j;
        }
      }
      for (uint32_t j = 0; j < kCap; ++j) EXPECT_EQ(done[p * kCap + j], j < e.used ? 1 : 0);
    }
    if (target < 1e-3) {
      EXPECT_EQ(used, (std::vector<int32_t>{kCap, kCap}));
    } else {
      EXPECT_LE(used[0], static_cast<int32_t>(4 * block));
      EXPECT_EQ(reason[0], 1);
    }
    const std::string report = sweep_report(out, true);
    EXPECT_NE(report.find(",ci95_half_width_db,stop_reason"), std::string::npos) << report;
    EXPECT_NE(report.find(target < 1e-3 ? ",cap" : ",target"), std::string::npos) << report;
  }
}

TEST(AdaptiveRun, TwoRunsAreIdentical) {
  TempDir dir;
  std::ostringstream log;
  const SweepSpec spec = adaptive_spec(dir, 0.05, 10);
  run(spec, dir.file("a.h5"), options(), log);
  run(spec, dir.file("b.h5"), options(3), log);  // another write block: the same stops
  expect_same_adaptive(dir.file("a.h5"), dir.file("b.h5"));
}

TEST(AdaptiveRun, AnInterruptedRunResumesToTheSameFile) {
  TempDir dir;
  std::ostringstream log;
  const SweepSpec spec = adaptive_spec(dir, 0.05, 10);
  run(spec, dir.file("whole.h5"), options(), log);
  const std::vector<int32_t> used = used_per_point(dir.file("whole.h5"));
  const long total = used[0] + used[1];
  // Interrupted inside the first point's blocks, at a point boundary, in the second point.
  for (const long fail_after : {3L, 17L, static_cast<long>(used[0]), total - 4}) {
    SCOPED_TRACE("failure after " + std::to_string(fail_after) + " instances");
    const std::string out = dir.file("out" + std::to_string(fail_after) + ".h5");
    EXPECT_THROW(run(spec, out, options(4), log, fail_after), std::runtime_error);
    ASSERT_TRUE(fs::exists(out + ".partial"));
    RunOptions resume = options(4);
    resume.resume = true;
    const RunStats stats = run(spec, out, resume, log);
    EXPECT_EQ(stats.evaluated + stats.skipped, static_cast<size_t>(total));
    expect_same_adaptive(dir.file("whole.h5"), out);
  }
}

TEST(AdaptiveRun, ATighterTargetNeverUsesFewerInstances) {
  TempDir dir;
  std::ostringstream log;
  std::vector<int32_t> previous{0, 0};
  int distinct = 0;
  for (const double target : {1.0, 0.3, 0.1, 0.05, 0.03, 0.02, 0.01}) {
    const std::string out = dir.file("t" + std::to_string(target) + ".h5");
    run(adaptive_spec(dir, target, 8), out, options(), log);
    const std::vector<int32_t> used = used_per_point(out);
    for (size_t p = 0; p < 2; ++p) {
      EXPECT_GE(used[p], previous[p]) << "target " << target << " point " << p;
      EXPECT_LE(used[p], static_cast<int32_t>(kCap));
      EXPECT_EQ(used[p] % 8 == 0 || used[p] == static_cast<int32_t>(kCap), true) << used[p];
    }
    distinct += used != previous;
    previous = used;
  }
  EXPECT_GE(distinct, 3) << "the targets should span several stopping counts";
}

TEST(AdaptiveRun, BadSettingsAreRejectedNamingTheField) {
  TempDir dir;
  const auto rejected = [&](const std::string& extra, std::optional<double> target, std::optional<int64_t> block,
                            const std::string& part) {
    write_text(dir.file("base.toml"), kBase);
    write_text(dir.file("sweep.toml"), extra + sweep_text(kCap));
    try {
      SweepSpec spec = load_sweep_file(dir.file("sweep.toml"), kAlgorithms);
      apply_overrides(spec, {}, 0, target, block);
      ADD_FAILURE() << "accepted: " << extra;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  rejected("target_ci_db = 0\n", {}, {}, "'target_ci_db' = 0");
  rejected("target_ci_db = -0.5\n", {}, {}, "'target_ci_db' = -0.5");
  rejected("target_ci_db = nan\n", {}, {}, "'target_ci_db' = nan");
  rejected("target_ci_db = \"0.1\"\n", {}, {}, "'target_ci_db'");
  rejected("", 0.0, {}, "'--target-ci' = 0");
  rejected("", std::nan(""), {}, "'--target-ci' = nan");
  rejected("", -1.0, {}, "'--target-ci' = -1");
  rejected("target_ci_db = 0.1\nblock_instances = 0\n", {}, {}, "'block_instances' = 0");
  rejected("target_ci_db = 0.1\nblock_instances = 121\n", {}, {}, "more than instances = 120");
  rejected("", 0.1, 121, "'--block-instances' = 121");
  rejected("", 0.1, 0, "'--block-instances' = 0");
  rejected("block_instances = 10\n", {}, {}, "applies only to an adaptive run");
  // The cap via --instances is checked against the block too.
  write_text(dir.file("sweep.toml"), "target_ci_db = 0.1\nblock_instances = 50\n" + sweep_text(kCap));
  SweepSpec spec = load_sweep_file(dir.file("sweep.toml"), kAlgorithms);
  EXPECT_THROW(apply_overrides(spec, {}, 40), ConfigError);
}

TEST(AdaptiveRun, ShardsAndMergeAreRefused) {
  TempDir dir;
  std::ostringstream log;
  const SweepSpec spec = adaptive_spec(dir, 0.1, 10);
  RunOptions o = options();
  o.shard = {0, 2};
  try {
    run(spec, dir.file("s0.h5"), o, log);
    ADD_FAILURE() << "an adaptive run was sharded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be sharded"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.file("s0.h5.partial")));
  run(spec, dir.file("whole.h5"), options(), log);
  EXPECT_THROW(merge_sweep_files(dir.file("m.h5"), {dir.file("whole.h5")}), InputError);
  EXPECT_FALSE(fs::exists(dir.file("m.h5")));
}

TEST(AdaptiveRun, TheSettingsArePartOfTheConfiguration) {
  TempDir dir;
  const std::string base = make_spec(dir, kCap).config_sha256();
  const SweepSpec a = adaptive_spec(dir, 0.1, 10), b = adaptive_spec(dir, 0.2, 10), c = adaptive_spec(dir, 0.1, 20);
  EXPECT_NE(a.config_sha256(), base);
  EXPECT_NE(a.config_sha256(), b.config_sha256());
  EXPECT_NE(a.config_sha256(), c.config_sha256());
  EXPECT_NE(a.resolved_text().find("target_ci_db = 0.1\nblock_instances = 10\n"), std::string::npos) << a.resolved_text();
  SweepSpec defaulted = make_spec(dir, kCap);
  apply_overrides(defaulted, {}, 0, 0.1);
  EXPECT_EQ(defaulted.adaptive_block(), 50u);  // min(50, instances)
  apply_overrides(defaulted, {}, 30);
  EXPECT_EQ(defaulted.adaptive_block(), 30u);
}

// ---- Paired stopping (run --target-ci-paired A,B): the target is on the mean paired difference
// 10 log10(P_A/P_B) over the instances both serve, not on each algorithm's mean.

namespace {

// Two highly correlated algorithms: alpha's power spreads over decades from instance to instance
// (its mean's interval is wide), beta is alpha times 1.01 (1 + 0.002 (i mod 5)) (their paired
// difference hardly varies); beta does not serve when UE 0's deadline is odd.
StandIn correlated() {
  return StandIn(-1, true, [](const Instance& inst, uint32_t i, StoredResult& alpha, StoredResult& beta) {
    const double total = std::accumulate(inst.gain_per_watt.begin(), inst.gain_per_watt.end(), 0.0);
    const double alpha_w = std::pow(total, 4.0);
    alpha = {alpha_w, 0, 1};
    const bool odd = inst.deadline_slots[0] % 2 == 1;
    beta = {odd ? std::nan("") : alpha_w * 1.01 * (1.0 + 0.002 * (i % 5)), static_cast<int8_t>(odd ? 2 : 0), 1};
  });
}

// Worked out here from a fixed run: the first multiple of `block` at which alpha - beta has >= 10
// pairs and a half-width <= target (returned with it), else the cap.
std::pair<uint32_t, double> expected_paired_stop(const std::string& fixed_file, size_t p, uint32_t block, double target) {
  const auto power = read<double>(fixed_file, "/power_w");  // [algorithm 2, point 2, instance kCap]
  const auto status = read<int8_t>(fixed_file, "/status");
  for (uint32_t n = block;; n = std::min(n + block, kCap)) {
    std::vector<double> d;
    for (uint32_t j = 0; j < n; ++j) {
      const size_t a = (0 * 2 + p) * kCap + j, b = (1 * 2 + p) * kCap + j;
      if (status[a] == 0 && status[b] == 0) d.push_back(10.0 * std::log10(power[a] / power[b]));
    }
    const double k = static_cast<double>(d.size()), mean = std::accumulate(d.begin(), d.end(), 0.0) / k;
    double squares = 0;
    for (double v : d) squares += (v - mean) * (v - mean);
    const double h = 1.96 * std::sqrt(squares / (k - 1) / k);
    if ((d.size() >= 10 && h <= target) || n == kCap) return {n, h};
  }
}

}  // namespace

TEST(PairedStopping, StopsOnThePairedDifferenceNotOnTheMeans) {
  TempDir dir;
  std::ostringstream log;
  StandIn backend = correlated();
  const uint32_t block = 15;
  const double target_db = 0.05;
  run_sweep(make_spec(dir, kCap), dir.file("fixed.h5"), options(), backend, log);
  // The means' rule at this target runs to the cap: alpha's mean is far from +-0.05 dB.
  run_sweep(adaptive_spec(dir, target_db, block), dir.file("means.h5"), options(), backend, log);
  EXPECT_EQ(used_per_point(dir.file("means.h5")), (std::vector<int32_t>{kCap, kCap}));

  SweepSpec spec = make_spec(dir, kCap);
  apply_overrides(spec, {}, 0, target_db, block, std::string("alpha,beta"), kAlgorithms);
  ASSERT_TRUE(spec.paired_stopping());
  const std::string out = dir.file("paired.h5");
  run_sweep(spec, out, options(), backend, log);
  const std::vector<int32_t> used = used_per_point(out);
  const auto reason = read<int8_t>(out, "/stop_reason");
  for (size_t p = 0; p < 2; ++p) {
    const auto [n, half_db] = expected_paired_stop(dir.file("fixed.h5"), p, block, target_db);
    EXPECT_EQ(used[p], static_cast<int32_t>(n)) << "point " << p;
    EXPECT_LT(used[p], static_cast<int32_t>(kCap)) << "point " << p;  // the paired target is met early
    EXPECT_LE(half_db, target_db);
    EXPECT_EQ(reason[p], 1);
  }
  // The rule and its pair are in the file, and the report prints the paired difference.
  h5_quiet();
  {
    H5Handle f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    EXPECT_EQ(read_sweep_header(f.get()).target_ci_paired, (std::vector<std::string>{"alpha", "beta"}));
  }
  const std::string report = sweep_report(out, false);
  EXPECT_NE(report.find("adaptive, paired"), std::string::npos) << report;
  EXPECT_NE(report.find("paired difference alpha - beta"), std::string::npos) << report;
  EXPECT_NE(report.find("-0.0"), std::string::npos) << report;  // about -10 log10(1.01 * 1.004) = -0.06 dB
  // A different pair (or none) is a different configuration.
  SweepSpec reversed = make_spec(dir, kCap), unpaired = make_spec(dir, kCap);
  apply_overrides(reversed, {}, 0, target_db, block, std::string("beta,alpha"), kAlgorithms);
  apply_overrides(unpaired, {}, 0, target_db, block);
  EXPECT_NE(spec.config_sha256(), reversed.config_sha256());
  EXPECT_NE(spec.config_sha256(), unpaired.config_sha256());
}

TEST(PairedStopping, SweepKeyEqualsTheOption) {
  TempDir dir;
  write_text(dir.file("base.toml"), kBase);
  write_text(dir.file("sweep.toml"),
             "target_ci_db = 0.05\nblock_instances = 15\ntarget_ci_paired = [\"alpha\", \"beta\"]\n" + sweep_text(kCap));
  const SweepSpec spec = load_sweep_file(dir.file("sweep.toml"), kAlgorithms);
  EXPECT_EQ(spec.target_ci_paired, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_FALSE(spec.target_ci_paired_overridden);
}

TEST(PairedStopping, BadPairsAreRejectedNamingTheField) {
  TempDir dir;
  const std::vector<std::string> known{"alpha", "beta", "gamma"};
  const auto rejected = [&](const std::string& extra, std::optional<double> target, std::optional<std::string> pair,
                            const std::string& part) {
    write_text(dir.file("base.toml"), kBase);
    write_text(dir.file("sweep.toml"), extra + sweep_text(kCap));
    try {
      SweepSpec spec = load_sweep_file(dir.file("sweep.toml"), known);
      apply_overrides(spec, {}, 0, target, {}, pair, known);
      ADD_FAILURE() << "accepted: " << extra << " " << pair.value_or("");
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  rejected("", 0.1, "alpha,delta", "'--target-ci-paired' = alpha,delta: 'delta' is not an algorithm leosem knows");
  rejected("", 0.1, "alpha,gamma", "'gamma' is not among the sweep's algorithms (alpha, beta)");
  rejected("", 0.1, "beta,beta", "names the same algorithm twice");
  rejected("", 0.1, "alpha", "must name exactly two algorithms");
  rejected("", 0.1, "alpha,beta,alpha", "must name exactly two algorithms");
  rejected("", {}, "alpha,beta", "applies only to an adaptive run");
  rejected("target_ci_db = 0.1\ntarget_ci_paired = \"alpha,beta\"\n", {}, {},
           "'target_ci_paired' = \"alpha,beta\": must be an array of strings");
  rejected("target_ci_db = 0.1\ntarget_ci_paired = [\"alpha\", 2]\n", {}, {},
           "'target_ci_paired' = 2: every element must be a string");
  rejected("target_ci_db = 0.1\ntarget_ci_paired = [\"alpha\", \"gamma\"]\n", {}, {},
           "'target_ci_paired' = alpha,gamma: 'gamma' is not among the sweep's algorithms");
  rejected("target_ci_paired = [\"alpha\", \"beta\"]\n", {}, {}, "'target_ci_paired' = alpha,beta: applies only");
}
