// The certified lower bound's block kernel without a device (cuda/lower_bound_block_layout.hpp,
// cuda/lower_bound_block_kernel.cuh): the kernel's carve of its shared memory and global scratch
// (sizes, alignment, no overlap, no gap), and lower_bound_team run SPMD by 3 and 8 real threads
// (tests/thread_team.hpp, items strided as on a block, barriers checked per call site) over that
// very carve, from heap buffers of exactly the computed sizes filled with garbage, against the
// sequential team (compute_lower_bound, what the CPU backends run): the same bits. The sweep
// path (the arena slot's bound, needs.bound) likewise. The device itself: tests/gpu/test_lower_bound_gpu.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cuda/lower_bound_block_layout.hpp"
#include "solver_test_util.hpp"
#include "solvers/lower_bound.hpp"
#include "thread_team.hpp"

namespace leosem {
namespace {

using testing::run_team_threads;
using testing::TeamFailure;
using testing::TeamSchedule;
using testing::ThreadTeam;

struct Shape {
  int K, N, T, L;
};
// Small, default-like, a prime-sized odd one, and the K = 32, N = 20, T = 600.
const std::vector<Shape> kShapes = {{1, 1, 1, 1}, {3, 2, 7, 4}, {10, 4, 300, 6}, {13, 5, 97, 3}, {32, 20, 600, 6}};

// One array of a carve: where it starts, how many elements, of what size and alignment.
struct Range {
  const char* name;
  uintptr_t begin;
  size_t count, size, align;
};
template <class T>
Range range(const char* name, const T* p, size_t count) {
  return {name, reinterpret_cast<uintptr_t>(p), count, sizeof(T), alignof(T)};
}

// The ranges lie inside [base, base + bytes), are aligned, do not overlap and leave no gap.
void expect_tiles(std::vector<Range> ranges, const void* base, size_t bytes, const std::string& what) {
  const uintptr_t b = reinterpret_cast<uintptr_t>(base);
  std::sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) { return x.begin < y.begin; });
  uintptr_t next = b;
  for (const Range& r : ranges) {
    EXPECT_EQ(r.begin % r.align, 0u) << what << ": " << r.name << " misaligned";
    EXPECT_EQ(r.begin, next) << what << ": " << r.name << (r.begin < next ? " overlaps the array before it" : " leaves a gap");
    next = r.begin + r.count * r.size;
  }
  EXPECT_EQ(next, b + bytes) << what << ": the arrays do not fill the counted size";
}

std::vector<Range> on_chip_ranges(const LowerBoundWorkspace& ws, const Shape& s) {
  const size_t N = s.N, T = s.T, K = s.K, L = s.L;
  return {range("lambda", ws.lambda, N * T),
          range("nu", ws.nu, T),
          range("grad_lambda", ws.grad_lambda, N * T),
          range("grad_nu", ws.grad_nu, T),
          range("option_value", ws.option_value, K * L),
          range("option_threshold", ws.option_threshold, K * L),
          range("option_base", ws.option_base, K * L),
          range("option_fresh", ws.option_fresh, K * L),
          range("ue_value", ws.ue_value, K),
          range("chunk_sum", ws.chunk_sum, static_cast<size_t>(chunks_for(s.N * s.T + s.T))),
          range("scalars", ws.scalars, kBoundScalars),
          range("slot_priced", ws.slot_priced, T),
          range("slot_changed", ws.slot_changed, T)};
}

TEST(LowerBoundBlockLayout, SharedMemoryHoldsTheOnChipPartExactly) {
  for (const Shape& s : kShapes) {
    const size_t count = lower_bound_block_shared_doubles(s.K, s.N, s.T, s.L);
    // The documented size (lower_bound_block_layout.hpp), independently of the carve.
    EXPECT_EQ(count, 2u * s.N * s.T + 4u * s.T + 4u * s.K * s.L + s.K + chunks_for(s.N * s.T + s.T) + kBoundScalars);
    std::vector<double> shared(count);
    LowerBoundWorkspace ws;
    carve_lower_bound_block_shared(shared.data(), s.K, s.N, s.T, s.L, ws);
    expect_tiles(on_chip_ranges(ws, s), shared.data(), count * sizeof(double),
                 "shared K" + std::to_string(s.K) + " T" + std::to_string(s.T));
    EXPECT_EQ(ws.slot_cost, nullptr);  // left global: not touched by the shared carve
    EXPECT_EQ(ws.cost_cache, nullptr);
    EXPECT_EQ(ws.chosen_sc, nullptr);
  }
  // The largest shape fits an H100/H200's 227 KB of opt-in shared memory per block.
  EXPECT_LE(lower_bound_block_shared_doubles(32, 20, 600, 6) * sizeof(double), 227u * 1024);
}

TEST(LowerBoundBlockLayout, GlobalScratchTilesItsCountedArrays) {
  for (const Shape& s : kShapes) {
    WorkspaceCarver counter;
    carve_lower_bound_block_scratch(s.K, s.N, s.T, s.L, counter);
    const size_t on_chip = lower_bound_block_shared_doubles(s.K, s.N, s.T, s.L);
    EXPECT_EQ(counter.used.doubles, on_chip + 2 * static_cast<size_t>(s.K) * s.L * s.T);
    EXPECT_EQ(counter.used.ints, static_cast<size_t>(s.K) + 2 * static_cast<size_t>(s.K) * s.T);
    EXPECT_EQ(counter.used.bytes, 0u);
    std::vector<double> doubles(counter.used.doubles);
    std::vector<int> ints(counter.used.ints);
    WorkspaceCarver global;
    global.doubles = doubles.data();
    global.ints = ints.data();
    const LowerBoundWorkspace ws = carve_lower_bound_block_scratch(s.K, s.N, s.T, s.L, global);
    std::vector<Range> d = on_chip_ranges(ws, s);
    d.push_back(range("slot_cost", ws.slot_cost, static_cast<size_t>(s.K) * s.L * s.T));
    d.push_back(range("cost_cache", ws.cost_cache, static_cast<size_t>(s.K) * s.L * s.T));
    const std::string what = "global K" + std::to_string(s.K) + " T" + std::to_string(s.T);
    expect_tiles(d, doubles.data(), doubles.size() * sizeof(double), what + " doubles");
    expect_tiles({range("ue_option", ws.ue_option, s.K), range("chosen_sc", ws.chosen_sc, static_cast<size_t>(s.K) * s.T),
                  range("best_sc", ws.best_sc, static_cast<size_t>(s.K) * s.T)},
                 ints.data(), ints.size() * sizeof(int), what + " ints");
  }
}

// The sweep's arena slot with needs.bound: the bound's arrays inside the slot, disjoint from the
// other cores' (the cuda backend hands them to the same kernel).
TEST(LowerBoundBlockLayout, ArenaSlotCarriesTheBoundsWorkspace) {
  const WorkspaceDims d{3, 4, 50, 6};
  const WorkspaceNeeds with{true, true, true}, without{true, true, false};
  const WorkspaceCounts a = instance_workspace_counts(d, with), b = instance_workspace_counts(d, without);
  WorkspaceCarver bound;
  carve_lower_bound_workspace(d.users, d.subchannels, d.slots, d.options, bound);
  EXPECT_EQ(a.doubles - b.doubles, bound.used.doubles);
  EXPECT_EQ(a.ints - b.ints, bound.used.ints);
  std::vector<double> doubles(a.doubles);
  std::vector<int> ints(a.ints);
  std::vector<unsigned char> bytes(a.bytes);
  const InstanceWorkspace ws = arena_slot(d, with, a, doubles.data(), ints.data(), bytes.data(), 0);
  // Carved last: its arrays are the slot's last elements.
  EXPECT_EQ(ws.bound.lambda, doubles.data() + b.doubles);
  EXPECT_EQ(ws.bound.best_sc + static_cast<size_t>(d.users) * d.slots, ints.data() + a.ints);
  EXPECT_EQ(arena_slot(d, without, b, doubles.data(), ints.data(), bytes.data(), 0).bound.lambda, nullptr);
}

// ---- the team code over the kernel's carve, on real threads ----

uint64_t bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

::testing::AssertionResult same(const LowerBoundResult& a, const LowerBoundResult& b) {
  if (a.status == b.status && bits(a.bound_w) == bits(b.bound_w) && bits(a.relaxed_w) == bits(b.relaxed_w) &&
      a.iterations == b.iterations && a.reason_ue == b.reason_ue)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "status " << static_cast<int>(a.status) << " vs " << static_cast<int>(b.status)
                                       << ", bound " << a.bound_w << " vs " << b.bound_w << ", iterations "
                                       << a.iterations << " vs " << b.iterations;
}

// One block's memory, as the kernel has it: the global scratch and (optionally) the shared
// part, each a heap buffer of exactly the counted size filled with garbage.
struct BlockMemory {
  std::unique_ptr<double[]> doubles, shared;
  std::unique_ptr<int[]> ints;
  LowerBoundWorkspace ws;
  BlockMemory(const Instance& inst, bool on_chip) {
    const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
    WorkspaceCarver counter;
    carve_lower_bound_block_scratch(K, N, T, L, counter);
    doubles.reset(new double[counter.used.doubles]);
    ints.reset(new int[counter.used.ints]);
    std::fill(doubles.get(), doubles.get() + counter.used.doubles, 12345.0);
    std::fill(ints.get(), ints.get() + counter.used.ints, 12345);
    WorkspaceCarver global;
    global.doubles = doubles.get();
    global.ints = ints.get();
    ws = carve_lower_bound_block_scratch(K, N, T, L, global);
    if (on_chip) {
      const size_t count = lower_bound_block_shared_doubles(K, N, T, L);
      shared.reset(new double[count]);
      std::fill(shared.get(), shared.get() + count, -3.0);
      carve_lower_bound_block_shared(shared.get(), K, N, T, L, ws);
    }
  }
};

void expect_threads_match_sequential(const std::vector<Instance>& instances, int min_moved) {
  const std::vector<TeamSchedule> schedules = {TeamSchedule::Free, TeamSchedule::LeaderLate, TeamSchedule::RandomDelays};
  const SolverInputs in;
  int moved = 0;
  long barriers = 0;
  for (size_t i = 0; i < instances.size(); ++i) {
    const Instance& inst = instances[i];
    const std::vector<double> snr = required_snr_table(inst, in.quality);
    const double upper_w = i % 2 == 0 ? 0.0 : 1e3;  // without and with a Polyak target
    const LowerBoundResult sequential = compute_lower_bound(inst, in.quality, upper_w);
    moved += sequential.iterations > 1;
    for (int threads : {3, 8}) {
      const bool on_chip = (i + static_cast<size_t>(threads)) % 2 == 0;
      const TeamSchedule schedule = schedules[(i + static_cast<size_t>(threads)) % schedules.size()];
      const std::string what = "instance " + std::to_string(i) + ", " + std::to_string(threads) + " threads, " +
                               testing::schedule_name(schedule) + (on_chip ? ", shared" : ", global");
      BlockMemory memory(inst, on_chip);
      std::vector<LowerBoundResult> per_thread(static_cast<size_t>(threads));
      const InstanceView view = make_instance_view(inst);
      try {
        barriers += run_team_threads(threads, schedule, 1000 * i + threads, [&](const ThreadTeam& team) {
          per_thread[static_cast<size_t>(team.rank)] =
              lower_bound_team(team, view, snr.data(), upper_w, LowerBoundOptions(), memory.ws);
        });
      } catch (const TeamFailure& e) {
        ADD_FAILURE() << what << ": " << e.what();
        continue;
      }
      for (const LowerBoundResult& r : per_thread) EXPECT_TRUE(same(sequential, r)) << what;  // every thread's
    }
  }
  std::printf("%zu instances, %d with multiplier updates, %ld barriers\n", instances.size(), moved, barriers);
  EXPECT_GE(moved, min_moved);  // the comparison covers the ascent, not only λ = ν = 0
}

TEST(LowerBoundBlockThreads, SmallAndBudgetBindingInstancesMatchTheSequentialTeamToTheBit) {
  std::vector<Instance> instances;
  for (uint32_t i = 0; i < 24; ++i) {
    instances.push_back(testing::small_instance(i));
    if (i % 3 == 0) {  // a binding budget: ν moves too
      Instance cut = instances.back();
      cut.params.max_power_w *= 1e-3;
      instances.push_back(cut);
    }
  }
  expect_threads_match_sequential(instances, 8);
}

TEST(LowerBoundBlockThreads, DefaultInstancesMatchTheSequentialTeamToTheBit) {
  std::vector<Instance> instances;
  for (uint32_t i = 0; i < 2; ++i) instances.push_back(generate_instance(default_scenario_params(), {1, 0, i}));
  expect_threads_match_sequential(instances, 0);
}

}  // namespace
}  // namespace leosem
