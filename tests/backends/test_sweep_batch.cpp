// Tier 3 on the host: the sweep's batched operation (backends/sweep_batch.hpp). The reference
// backend runs the device pipeline's per-item functions sequentially, with poisoned workspaces;
// the cpu backend runs OpenMP over reused workspaces. Both must equal solve() on the generated
// instance bit for bit (the independent path every other tool uses). Plus chunk planning,
// workspace carving and backend choice, which the cuda backend relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "backends/sweep_batch.hpp"
#include "model/instance.hpp"
#include "sweep_batch_test_util.hpp"

using namespace leosem;
using test::TempDir;

namespace {

// solve() on each generated instance: the truth. The lower bound's Polyak target is the least
// power JCRRA or Greedy JSCC found on the instance (none if neither is listed or served it), as a
// sweep gives it (backends/sweep_batch.hpp, bound_target_w); `targeted` counts the instances where
// that changes the bound's result from solve()'s own (no target), so that a backend that ignored
// the target would fail.
std::vector<StoredResult> solve_one_by_one(const ScenarioConfig& config, const std::vector<std::string>& names,
                                           const InstanceRange& range, size_t* targeted = nullptr) {
  const SolverInputs inputs = make_solver_inputs(config);
  std::vector<StoredResult> out(names.size() * range.count);
  if (targeted) *targeted = 0;
  for (uint32_t j = 0; j < range.count; ++j) {
    const Instance inst = generate_instance(config.params, {range.seed, range.point, range.first_instance + j});
    double target_w = HUGE_VAL;
    for (size_t a = 0; a < names.size(); ++a) {
      const Solution s = solve(parse_algorithm(names[a]), inst, inputs);
      const bool feasible = s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible;
      out[a * range.count + j] = {feasible ? s.total_power_w : std::nan(""), static_cast<int8_t>(s.status),
                                  s.iterations};
      if (feasible && (names[a] == "jcrra" || names[a] == "greedy-jscc")) target_w = std::min(target_w, s.total_power_w);
    }
    for (size_t a = 0; a < names.size(); ++a) {
      if (names[a] != "lower-bound" || !(target_w < HUGE_VAL)) continue;
      const LowerBoundResult b = compute_lower_bound(inst, inputs.quality, target_w);
      const StoredResult own = out[a * range.count + j];
      StoredResult& r = out[a * range.count + j];
      r.power_w = b.status == BoundStatus::Infeasible ? std::nan("") : b.bound_w;
      r.status = static_cast<int8_t>(b.status == BoundStatus::Infeasible ? SolveStatus::Infeasible
                                     : b.status == BoundStatus::Optimal  ? SolveStatus::Optimal
                                                                         : SolveStatus::Feasible);
      r.iterations = b.iterations;
      if (targeted) *targeted += own.iterations != r.iterations;
    }
  }
  return out;
}

void expect_backends_equal_solve(bool grid,
                                 const std::vector<std::string>& names = {"jcrra", "greedy-jscc", "greedy-jpeg", "mcf",
                                                                          "lower-bound"},
                                 bool target = true) {
  TempDir dir;
  const ScenarioConfig config = test::small_batch_config(dir, grid);
  const InstanceRange range{9, 2, 100, 48};
  size_t targeted = 0;
  const std::vector<StoredResult> truth = solve_one_by_one(config, names, range, &targeted);
  if (target) EXPECT_GT(targeted, 5u) << "the bound's target should change some of its results";
  const std::vector<size_t> counts = test::status_counts(truth);
  EXPECT_GT(counts[1], 10u) << "the case should have feasible instances (" << counts[2] << " infeasible)";
  EXPECT_GT(counts[2], 3u) << "the case should have infeasible instances (" << counts[1] << " feasible)";

  std::vector<std::unique_ptr<SweepBatchBackend>> backends;
  backends.push_back(make_reference_backend());
  backends.push_back(make_cpu_backend(2));
  for (const auto& backend : backends) {
    backend->prepare_point(config, names);
    std::vector<StoredResult> got;
    backend->evaluate(range, got);
    test::expect_identical_results(truth, got, names, range.count, backend->identity().backend);
  }
}

}  // namespace

TEST(SweepBatch, ReferenceAndCpuEqualSolveLogistic) { expect_backends_equal_solve(false); }
TEST(SweepBatch, ReferenceAndCpuEqualSolveGrid) { expect_backends_equal_solve(true); }
// The bound runs after the algorithms that give its target wherever it is listed; Greedy JPEG
// (another scheme) and mcf (a host algorithm) give none.
TEST(SweepBatch, TheBoundListedFirstStillGetsItsTarget) {
  expect_backends_equal_solve(false, {"lower-bound", "greedy-jpeg", "greedy-jscc"});
}
TEST(SweepBatch, GreedyJpegAndMcfGiveTheBoundNoTarget) {
  expect_backends_equal_solve(false, {"greedy-jpeg", "lower-bound", "mcf"}, false);
}

TEST(SweepBatch, ExactRunsOnTheHostInEveryBackend) {
  TempDir dir;
  const ScenarioConfig config = test::small_batch_config(dir, false, 2, 2, 24);
  const std::vector<std::string> names{"greedy-jscc", "exact"};
  const InstanceRange range{3, 0, 0, 6};
  const std::vector<StoredResult> truth = solve_one_by_one(config, names, range);
  auto backend = make_cpu_backend(2);
  backend->prepare_point(config, names);
  std::vector<StoredResult> got;
  backend->evaluate(range, got);
  // exact's time limit makes its result depend on the machine only when CBC hits it: not at this size.
  test::expect_identical_results(truth, got, names, range.count, "cpu with exact");
}

TEST(SweepBatch, SplittingARangeChangesNothing) {
  TempDir dir;
  const ScenarioConfig config = test::small_batch_config(dir, false);
  const std::vector<std::string> names{"greedy-jscc", "greedy-jpeg"};
  auto backend = make_reference_backend();
  backend->prepare_point(config, names);
  std::vector<StoredResult> whole, first, second;
  backend->evaluate({5, 1, 10, 30}, whole);
  backend->evaluate({5, 1, 10, 12}, first);
  backend->evaluate({5, 1, 22, 18}, second);
  std::vector<StoredResult> joined;
  for (size_t a = 0; a < names.size(); ++a) {
    joined.insert(joined.end(), first.begin() + a * 12, first.begin() + (a + 1) * 12);
    joined.insert(joined.end(), second.begin() + a * 18, second.begin() + (a + 1) * 18);
  }
  test::expect_identical_results(whole, joined, names, 30, "split range");
}

TEST(SweepBatch, NoJpegTableMakesGreedyJpegUnsolved) {
  TempDir dir;
  ScenarioConfig config = test::small_batch_config(dir, false);
  config.quality.jpeg_table = JpegTable{};
  auto backend = make_reference_backend();
  backend->prepare_point(config, {"greedy-jpeg"});
  std::vector<StoredResult> got;
  backend->evaluate({1, 0, 0, 4}, got);
  for (const StoredResult& r : got) EXPECT_EQ(r.status, static_cast<int8_t>(SolveStatus::Unsolved));
}

TEST(SweepBatch, UnknownAlgorithmIsRejected) {
  TempDir dir;
  const ScenarioConfig config = test::small_batch_config(dir, false);
  auto backend = make_cpu_backend(1);
  EXPECT_THROW(backend->prepare_point(config, {"simplex"}), std::invalid_argument);
  std::vector<StoredResult> out;
  EXPECT_THROW(make_reference_backend()->evaluate({1, 0, 0, 1}, out), std::logic_error);
}

TEST(Workspace, CarvedArraysAreDisjointAndFillTheSlot) {
  const WorkspaceDims d{3, 4, 50, 6};
  const WorkspaceNeeds needs{true, true};
  const WorkspaceCounts c = instance_workspace_counts(d, needs);
  // What the cores need at least: key, JCRRA's x and cost (K*N*T doubles each), order (K*N*T ints).
  EXPECT_GE(c.doubles, 3u * 3 * 4 * 50);
  EXPECT_GE(c.ints, 1u * 3 * 4 * 50);
  std::vector<double> doubles(2 * c.doubles);
  std::vector<int> ints(2 * c.ints);
  std::vector<unsigned char> bytes(2 * c.bytes);
  const InstanceWorkspace w0 = arena_slot(d, needs, c, doubles.data(), ints.data(), bytes.data(), 0);
  const InstanceWorkspace w1 = arena_slot(d, needs, c, doubles.data(), ints.data(), bytes.data(), 1);
  EXPECT_EQ(w0.snr_lin, doubles.data());
  EXPECT_EQ(w1.snr_lin, doubles.data() + c.doubles);
  EXPECT_EQ(w1.solution.option, ints.data() + c.ints);
  EXPECT_EQ(w0.jcrra.greedy.key, w0.jpeg.greedy.key);  // shared between the cores
  // Each double array starts at a distinct offset inside slot 0.
  const std::vector<const double*> arrays{w0.snr_lin, w0.slot_power_w, w0.solution.power_w, w0.jpeg.greedy.key,
                                          w0.jpeg.ue_gain, w0.jcrra.x, w0.jcrra.cost, w0.jcrra.s,
                                          w0.jcrra.dual_c1, w0.jcrra.candidate.power_w, w0.jcrra.scalars};
  std::set<const double*> distinct(arrays.begin(), arrays.end());
  EXPECT_EQ(distinct.size(), arrays.size());
  for (const double* p : arrays) EXPECT_TRUE(p >= doubles.data() && p < doubles.data() + c.doubles);
  // Without JCRRA, its arrays are not carved.
  const WorkspaceCounts greedy_only = instance_workspace_counts(d, {false, false});
  EXPECT_LT(greedy_only.doubles, c.doubles / 2);
}

TEST(ChunkPlan, MergesPendingBlocksUpToTheChunkSize) {
  std::vector<uint8_t> done(50, 0);
  // blocks of 8: [0,8) [8,16) [16,24) [24,32) [32,40) [40,48) [48,50)
  for (int j = 8; j < 16; ++j) done[j] = 1;   // block 1 done
  done[30] = 1;                               // block 3 only partly done: still to do
  for (int j = 40; j < 48; ++j) done[j] = 1;  // block 5 done
  const std::vector<ChunkRange> chunks = plan_chunks(done.data(), 50, 8, 16);
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].first, 0u);
  EXPECT_EQ(chunks[0].count, 8u);
  EXPECT_EQ(chunks[1].first, 16u);
  EXPECT_EQ(chunks[1].count, 16u);  // blocks 2 and 3
  EXPECT_EQ(chunks[2].first, 32u);
  EXPECT_EQ(chunks[2].count, 8u);
  EXPECT_EQ(chunks[3].first, 48u);
  EXPECT_EQ(chunks[3].count, 2u);  // the short last block
}

TEST(ChunkPlan, CoversEveryPendingInstanceOnce) {
  for (uint32_t instances : {0u, 1u, 7u, 64u, 1000u})
    for (uint32_t block : {1u, 5u, 64u})
      for (uint32_t chunk : {0u, 1u, 64u, 300u}) {
        std::vector<uint8_t> done(instances);
        for (uint32_t j = 0; j < instances; ++j) done[j] = (j / block) % 3 == 1;
        std::vector<int> seen(instances, 0);
        for (const ChunkRange& c : plan_chunks(done.data(), instances, block, chunk)) {
          EXPECT_EQ(c.first % block, 0u);
          EXPECT_LE(c.count, std::max(chunk, block));
          for (uint32_t j = c.first; j < c.first + c.count; ++j) ++seen[j];
        }
        for (uint32_t j = 0; j < instances; ++j) EXPECT_EQ(seen[j], done[j] ? 0 : 1) << instances << " " << block;
      }
}

TEST(ChunkPlan, ChunkSizeFollowsFreeMemory) {
  // 1 GB free, 1 MB per instance, 80 % usable: 800 instances, down to a multiple of 256.
  EXPECT_EQ(chunk_instances_for_memory(1000000000, 1000000, 256, 65536), 768u);
  EXPECT_EQ(chunk_instances_for_memory(size_t(140) << 30, 400000, 256, 65536), 65536u);  // capped
  EXPECT_EQ(chunk_instances_for_memory(1000, 1000000, 256, 65536), 256u);  // at least one block
  EXPECT_EQ(chunk_instances_for_memory(size_t(1) << 40, 1, 100, 1050), 1000u);  // cap rounded to blocks
  EXPECT_THROW(chunk_instances_for_memory(1000, 0, 256, 100), std::invalid_argument);
}

TEST(BackendChoice, NamesAndErrors) {
  EXPECT_EQ(choose_backend("cpu", 0).backend, "cpu");
  EXPECT_THROW(choose_backend("gpu", 0), std::invalid_argument);
  EXPECT_THROW(choose_backend("cpu", -1), std::invalid_argument);
  const bool device = cuda_compiled() && !cuda_device_names().empty();
  const BackendChoice automatic = choose_backend("auto", 0);
  EXPECT_EQ(automatic.backend, device ? "cuda" : "cpu");
  EXPECT_FALSE(automatic.reason.empty());
  if (!device) {
    try {
      choose_backend("cuda", 0);
      ADD_FAILURE() << "--backend cuda accepted without CUDA or a device";
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(cuda_compiled() ? "no CUDA device" : "built without CUDA"), std::string::npos) << what;
    }
    EXPECT_THROW(make_cuda_backend(0), std::runtime_error);
  } else {
    EXPECT_THROW(choose_backend("cuda", 1000), std::runtime_error);
  }
}
