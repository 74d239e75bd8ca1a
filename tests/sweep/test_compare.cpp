// `leosem compare` (host/sweep/sweep_compare.hpp): two runs of one sweep are equal, shards merged
// equal a whole run, a perturbed value is counted and located unless the tolerance covers it, and
// files of different sweeps (or damaged, or unfinished) are refused naming why.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "backends/sweep_batch.hpp"
#include "io/hdf5_util.hpp"
#include "sweep/merge_report.hpp"
#include "sweep/sweep_compare.hpp"
#include "sweep/runner.hpp"
#include "solvers/solve.hpp"
#include "sweep_test_util.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

using test::TempDir;
using test::write_text;

const char* kBase = "[users]\ncount = 3\ndeadline_mean_slots = 20\n[radio]\nsubchannels = 3\n[time]\nslots = 40\n";
constexpr uint32_t kInstances = 24;

// The real solvers on the CPU backend over a small scenario: 3 algorithms x 2 points (the lower
// bound off: the counts below are of these three).
std::string sweep_text(uint32_t instances = kInstances, int seed = 4) {
  return "name = \"cmp\"\nscenario = \"base.toml\"\ninstances = " + std::to_string(instances) +
         "\nalgorithms = [\"jcrra\", \"greedy-jscc\", \"greedy-jpeg\"]\nlower_bound = false\nseed = " + std::to_string(seed) +
         "\n[[axis]]\nfield = \"users.ssim_mean\"\nvalues = [0.7, 0.8]\n";
}

SweepSpec spec_in(const TempDir& dir, const std::string& sweep = sweep_text(), const std::string& base = kBase) {
  write_text(dir.file("base.toml"), base);
  write_text(dir.file("sweep.toml"), sweep);
  return load_sweep_file(dir.file("sweep.toml"), algorithm_names());
}

void run(const SweepSpec& spec, const std::string& out, Shard shard = {}, int threads = 2) {
  RunOptions o;
  o.block_size = 5;
  o.shard = shard;
  std::ostringstream log;
  const auto backend = make_cpu_backend(threads);
  run_sweep(spec, out, o, *backend, log);
}

// Per-instance values: 3 algorithms x 2 points x 24 instances of power, status, iterations; 2 x 24
// done flags; 3 x 2 of evaluated, feasible and mean power.
constexpr uint64_t kValues = 3 * 2 * kInstances * 3 + 2 * kInstances + 3 * 2 * 3;

// Rewrites one value of a dataset in place through HDF5 (its chunk's checksum is recomputed, so
// the file still verifies: only the comparison can see the change).
template <typename T>
void poke(const std::string& path, const std::string& dataset, const std::vector<hsize_t>& at, T value) {
  h5_quiet();
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  ASSERT_GE(f.get(), 0);
  h5_write_slab<T>(f.get(), dataset, at, std::vector<hsize_t>(at.size(), 1), &value);
}

template <typename T>
T peek(const std::string& path, const std::string& dataset, const std::vector<hsize_t>& at) {
  h5_quiet();
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return h5_read_slab<T>(f.get(), dataset, at, std::vector<hsize_t>(at.size(), 1)).at(0);
}

void expect_refused(const std::string& a, const std::string& b, const std::string& part) {
  try {
    compare_sweep_files(a, b);
    ADD_FAILURE() << "compare accepted " << a << " and " << b;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Compare, TwoRunsOfOneSweepAreEqual) {
  TempDir dir;
  const SweepSpec spec = spec_in(dir);
  run(spec, dir.file("a.h5"), {}, 1);
  run(spec, dir.file("b.h5"), {}, 2);
  const SweepComparison c = compare_sweep_files(dir.file("a.h5"), dir.file("b.h5"));
  EXPECT_TRUE(c.equal()) << c.report;
  EXPECT_EQ(c.values_compared, kValues);
  EXPECT_EQ(c.power_inexact, 0u);
  EXPECT_TRUE(c.differences.empty());
  EXPECT_NE(c.report.find("EQUAL: " + std::to_string(kValues) + " values compared"), std::string::npos) << c.report;
}

TEST(Compare, ShardsMergedEqualAnUnshardedRun) {
  TempDir dir;
  const SweepSpec spec = spec_in(dir);
  run(spec, dir.file("whole.h5"));
  std::vector<std::string> shards;
  for (uint32_t i = 0; i < 3; ++i) {
    shards.push_back(dir.file("shard" + std::to_string(i) + ".h5"));
    run(spec, shards.back(), {i, 3});
  }
  merge_sweep_files(dir.file("merged.h5"), shards);
  const SweepComparison c = compare_sweep_files(dir.file("merged.h5"), dir.file("whole.h5"));
  EXPECT_TRUE(c.equal()) << c.report;
  EXPECT_EQ(c.values_compared, kValues);
  // A shard is not the whole run: refused, naming the instances each holds.
  expect_refused(shards[1], dir.file("whole.h5"), "A 8 instances 8..15 (shard 1/3), B 24 instances 0..23");
}

TEST(Compare, PerturbedPowersAreCountedAndLocatedBeyondTheTolerance) {
  TempDir dir;
  const SweepSpec spec = spec_in(dir);
  run(spec, dir.file("a.h5"));
  fs::copy_file(dir.file("a.h5"), dir.file("b.h5"));
  // Two served JCRRA instances at the second point (users.ssim_mean = 0.8), 0.1 % more power
  // (0.00434 dB) in B.
  std::vector<hsize_t> served;
  for (hsize_t j = 0; j < kInstances && served.size() < 2; ++j)
    if (peek<int8_t>(dir.file("a.h5"), "/status", {0, 1, j}) <= 1) served.push_back(j);
  ASSERT_EQ(served.size(), 2u) << "the scenario serves too few instances to perturb";
  for (hsize_t j : served) {
    const double power_w = peek<double>(dir.file("a.h5"), "/power_w", {0, 1, j});
    ASSERT_GT(power_w, 0.0);
    poke<double>(dir.file("b.h5"), "/power_w", {0, 1, j}, power_w * 1.001);
  }
  const double db = 10.0 * std::log10(1.001);

  SweepComparison c = compare_sweep_files(dir.file("a.h5"), dir.file("b.h5"));  // exact by default
  EXPECT_FALSE(c.equal());
  EXPECT_EQ(c.values_compared, kValues);
  EXPECT_EQ(c.values_differing, 2u);
  ASSERT_EQ(c.differences.size(), 1u) << c.report;
  const CompareDifference& d = c.differences[0];
  EXPECT_EQ(d.dataset, "power_w");
  EXPECT_EQ(d.algorithm, "jcrra");
  EXPECT_EQ(d.point, 1u);
  EXPECT_EQ(d.count, 2u);
  EXPECT_NEAR(d.max_db, db, 1e-9);
  EXPECT_EQ(d.first_instances, (std::vector<uint32_t>{static_cast<uint32_t>(served[0]), static_cast<uint32_t>(served[1])}));
  EXPECT_NE(c.report.find("DIFFERENT: 2 of " + std::to_string(kValues) + " values"), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("users.ssim_mean=0.8"), std::string::npos) << c.report;

  // Beyond 0.001 dB and 1e-4 relative: still different; within 0.005 dB or 2e-3 relative: equal,
  // with the inexact values still counted.
  EXPECT_FALSE(compare_sweep_files(dir.file("a.h5"), dir.file("b.h5"), {1e-4, 0.001}).equal());
  for (const CompareOptions& within : {CompareOptions{0.0, 0.005}, CompareOptions{2e-3, 0.0}}) {
    c = compare_sweep_files(dir.file("a.h5"), dir.file("b.h5"), within);
    EXPECT_TRUE(c.equal()) << c.report;
    EXPECT_EQ(c.power_inexact, 2u);
    EXPECT_NEAR(c.power_inexact_max_db, db, 1e-9);
    EXPECT_NE(c.report.find("EQUAL within the tolerance"), std::string::npos) << c.report;
  }
}

TEST(Compare, StatusIterationsDoneAndSummaryCompareExactly) {
  TempDir dir;
  const SweepSpec spec = spec_in(dir);
  run(spec, dir.file("a.h5"));
  fs::copy_file(dir.file("a.h5"), dir.file("b.h5"));
  const std::string b = dir.file("b.h5");
  // Greedy JPEG (algorithm 2), point 0, instance 5: served -> not served, power NaN.
  poke<int8_t>(b, "/status", {2, 0, 5}, 3);
  const double before = peek<double>(b, "/power_w", {2, 0, 5});
  poke<double>(b, "/power_w", {2, 0, 5}, std::nan(""));
  poke<int32_t>(b, "/iterations", {1, 1, 20}, peek<int32_t>(b, "/iterations", {1, 1, 20}) + 1);
  poke<uint8_t>(b, "/done", {1, 23}, 0);
  poke<int32_t>(b, "/feasible", {0, 0}, peek<int32_t>(b, "/feasible", {0, 0}) + 1);

  const SweepComparison c = compare_sweep_files(dir.file("a.h5"), b, {0.5, 100.0});  // tolerances apply to powers only
  EXPECT_FALSE(c.equal());
  std::vector<std::string> where;
  for (const CompareDifference& d : c.differences)
    where.push_back(d.dataset + "/" + d.algorithm + "/" + std::to_string(d.point) + ":" + std::to_string(d.count));
  const bool was_served = !std::isnan(before);
  std::vector<std::string> expected;
  if (was_served) expected.push_back("power_w/greedy-jpeg/0:1");  // NaN against a power: beyond any tolerance
  expected.insert(expected.end(), {"status/greedy-jpeg/0:1", "iterations/greedy-jscc/1:1", "done//1:1", "feasible/jcrra/0:1"});
  EXPECT_EQ(where, expected) << c.report;
  for (const CompareDifference& d : c.differences) {
    if (d.dataset == "power_w") EXPECT_TRUE(std::isinf(d.max_db));
    if (d.dataset == "done") EXPECT_EQ(d.first_instances, std::vector<uint32_t>{23});
    if (d.dataset == "feasible") EXPECT_TRUE(d.first_instances.empty());
  }
}

TEST(Compare, RefusesFilesOfAnotherSweepNamingWhatDiffers) {
  TempDir dir, seed, count, scenario, algorithms;
  run(spec_in(dir), dir.file("a.h5"));
  run(spec_in(seed, sweep_text(kInstances, 5)), seed.file("x.h5"));
  run(spec_in(count, sweep_text(kInstances + 1)), count.file("x.h5"));
  std::string base = kBase;
  base.replace(base.find("deadline_mean_slots = 20"), 24, "deadline_mean_slots = 25");
  run(spec_in(scenario, sweep_text(), base), scenario.file("x.h5"));
  std::string two = sweep_text();
  two.replace(two.find("\"jcrra\", "), 9, "");
  run(spec_in(algorithms, two), algorithms.file("x.h5"));

  expect_refused(dir.file("a.h5"), seed.file("x.h5"), "the seeds differ: A 4, B 5");
  expect_refused(dir.file("a.h5"), count.file("x.h5"), "the instances per point differ: A 24, B 25");
  expect_refused(dir.file("a.h5"), scenario.file("x.h5"),
                 "A 'deadline_mean_slots = 20', B 'deadline_mean_slots = 25'");
  expect_refused(dir.file("a.h5"), algorithms.file("x.h5"),
                 "the algorithms differ: A [jcrra, greedy-jscc, greedy-jpeg], B [greedy-jscc, greedy-jpeg]");
}

TEST(Compare, RefusesUnfinishedDamagedAndBadTolerances) {
  TempDir dir;
  const SweepSpec spec = spec_in(dir);
  run(spec, dir.file("a.h5"));
  // A run's unfinished file (complete = 0, as a .partial has).
  fs::copy_file(dir.file("a.h5"), dir.file("p.h5.partial"));
  {
    H5Handle f(H5Fopen(dir.file("p.h5.partial").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    ASSERT_GE(f.get(), 0);
    set_complete(f.get(), false);
  }
  expect_refused(dir.file("a.h5"), dir.file("p.h5.partial"), "is not complete");
  // Not HDF5 at all (damaged files: tests/cli/compare.sh, through the verification merge shares).
  write_text(dir.file("text.h5"), "not a sweep\n");
  expect_refused(dir.file("a.h5"), dir.file("text.h5"), "cannot open");
  EXPECT_THROW(compare_sweep_files(dir.file("a.h5"), dir.file("a.h5"), {-1.0, 0.0}), InputError);
  EXPECT_THROW(compare_sweep_files(dir.file("a.h5"), dir.file("a.h5"), {0.0, std::nan("")}), InputError);
}
