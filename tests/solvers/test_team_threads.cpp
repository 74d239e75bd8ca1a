// JCRRA's cooperative code (jcrra_team: relaxed solve, rounding, cooperative sort, repair) run
// SPMD by real threads (tests/thread_team.hpp), as a CUDA block runs it: at 3 and 8 threads,
// under schedules that delay the leader or random threads, the result must equal the sequential
// team's to the bit. A missing barrier shows as a different result, as a ThreadSanitizer race
// (tools/test.sh runs this test under TSan), or, for a barrier not every thread reaches, as a
// call-site mismatch or deadlock reported by the team. The workspace is laid out by the block
// kernel's own carve (cuda/jcrra_block_layout.hpp) over heap buffers of exactly the computed
// sizes, the relaxed state in the kernel's "shared memory" too, so the sanitizer build's
// AddressSanitizer sees any overrun of the kernel's layout. Table of barrier deletions and what
// caught each: docs/testing.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "scenario/config.hpp"
#include "cuda/jcrra_block_layout.hpp"
#include "solver_test_util.hpp"
#include "solvers/jcrra.hpp"
#include "thread_team.hpp"

namespace leosem {
namespace {

using testing::run_team_threads;
using testing::TeamFailure;
using testing::TeamSchedule;
using testing::ThreadTeam;

// ---- the team itself ----

TEST(ThreadTeam, ExactlyOneLeaderAndEveryItemOnce) {
  for (int threads : {1, 3, 8}) {
    std::vector<int> leaders(threads, 0), hits(1000, 0);
    run_team_threads(threads, TeamSchedule::RandomDelays, 5, [&](const ThreadTeam& team) {
      leaders[team.rank] = team.leader() ? 1 : 0;
      team.for_each(1000, [&](int i) { ++hits[i]; });
      team.sync();
    });
    int count = 0;
    for (int l : leaders) count += l;
    EXPECT_EQ(count, 1) << threads;
    EXPECT_EQ(leaders[0], 1) << threads;  // thread 0 leads, as in BlockTeam
    for (int h : hits) EXPECT_EQ(h, 1) << threads;
  }
}

// Whether run_team_threads(body) fails with a message containing `what`.
template <class Body>
::testing::AssertionResult team_fails_with(const Body& body, const std::string& what, int timeout_ms = 20000) {
  try {
    run_team_threads(3, TeamSchedule::Free, 1, body, std::chrono::milliseconds(timeout_ms));
  } catch (const TeamFailure& e) {
    if (std::string(e.what()).find(what) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "failed with \"" << e.what() << "\", not \"" << what << "\"";
  }
  return ::testing::AssertionFailure() << "did not fail";
}

// (Call sites are file:line, so the body is not written inside the EXPECT macro: a macro's
// expansion is one line.)
TEST(ThreadTeam, ABarrierInsideLeaderOnlyCodeIsACallSiteMismatch) {
  const auto divergent = [](const ThreadTeam& team) {
    if (team.leader()) team.sync();
    team.sync();
  };
  EXPECT_TRUE(team_fails_with(divergent, "barrier call sites differ"));
}

TEST(ThreadTeam, ABarrierSomeThreadsNeverReachFailsInsteadOfHanging) {
  EXPECT_TRUE(team_fails_with(
      [](const ThreadTeam& team) {
        if (team.rank == 2) return;  // leaves while the others wait
        team.sync();
      },
      "left the team code"));
}

TEST(ThreadTeam, ABarrierThatWaitsTooLongIsADeadlock) {
  EXPECT_TRUE(team_fails_with(
      [](const ThreadTeam& team) {
        if (team.rank == 1) std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // stuck elsewhere
        team.sync();
      },
      "deadlock", 100));
}

// ---- JCRRA's team code ----

// One instance's scratch as the block kernel lays it out: the global scratch of
// carve_jcrra_block_scratch and (with `shared_state`) the relaxed state carved by
// carve_jcrra_block_shared, each from a heap buffer of exactly the counted size, filled with
// `garbage` (the solver must write before it reads).
struct BlockScratch {
  std::unique_ptr<double[]> doubles, shared;
  std::unique_ptr<int[]> ints;
  std::unique_ptr<unsigned char[]> bytes;
  JcrraWorkspace ws;

  BlockScratch(const Instance& inst, double garbage, bool shared_state, bool mixed_precision) {
    const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
    WorkspaceCarver counter;
    carve_jcrra_block_scratch(K, N, T, L, counter);
    doubles.reset(new double[counter.used.doubles]);
    ints.reset(new int[counter.used.ints]);
    bytes.reset(new unsigned char[counter.used.bytes]);
    for (size_t i = 0; i < counter.used.doubles; ++i) doubles[i] = garbage;
    for (size_t i = 0; i < counter.used.ints; ++i) ints[i] = static_cast<int>(garbage);
    for (size_t i = 0; i < counter.used.bytes; ++i) bytes[i] = static_cast<unsigned char>(static_cast<int>(garbage));
    WorkspaceCarver global;
    global.doubles = doubles.get();
    global.ints = ints.get();
    global.bytes = bytes.get();
    ws = carve_jcrra_block_scratch(K, N, T, L, global);
    if (shared_state) {
      const size_t count = jcrra_block_shared_doubles(K, N, T, L, mixed_precision);
      shared.reset(new double[count]);
      for (size_t i = 0; i < count; ++i) shared[i] = garbage;
      carve_jcrra_block_shared(shared.get(), K, N, T, L, mixed_precision, ws);
    }
  }
};

struct Outcome {
  CoreResult core;
  std::vector<int> option, resources, assigned_ue;
  std::vector<double> power_w;
  long barriers = 0;

  explicit Outcome(const Instance& inst)
      : option(inst.users, -1), resources(inst.users, -1), assigned_ue(static_cast<size_t>(inst.subchannels) * inst.slots, -1),
        power_w(static_cast<size_t>(inst.subchannels) * inst.slots, -1.0) {}
  SolutionBuffers buffers() { return {option.data(), resources.data(), assigned_ue.data(), power_w.data()}; }
};

uint64_t bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Equal to the bit: status, reason, power, iterations and every output array.
::testing::AssertionResult same_bits(const Outcome& a, const Outcome& b) {
  std::string diff;
  if (a.core.feasible != b.core.feasible) diff += " feasible";
  if (a.core.reason != b.core.reason || a.core.reason_ue != b.core.reason_ue || a.core.reason_slot != b.core.reason_slot)
    diff += " reason";
  if (bits(a.core.total_power_w) != bits(b.core.total_power_w)) diff += " total_power_w";
  if (a.core.iterations != b.core.iterations) diff += " iterations";
  if (a.option != b.option) diff += " option";
  if (a.resources != b.resources) diff += " resources";
  if (a.assigned_ue != b.assigned_ue) diff += " assigned_ue";
  for (size_t i = 0; i < a.power_w.size(); ++i)
    if (bits(a.power_w[i]) != bits(b.power_w[i])) {
      diff += " power_w[" + std::to_string(i) + "]";
      break;
    }
  if (diff.empty()) return ::testing::AssertionSuccess();
  char powers[96];
  std::snprintf(powers, sizeof powers, " (power %.17g vs %.17g, iterations %d vs %d)", a.core.total_power_w,
                b.core.total_power_w, a.core.iterations, b.core.iterations);
  return ::testing::AssertionFailure() << "differ in" << diff << powers;
}

struct Problem {
  Instance inst;
  std::vector<double> snr;
  JcrraOptions opt;
  Problem(Instance instance, bool mixed_precision) : inst(std::move(instance)) {
    const SolverInputs in;
    snr = required_snr_table(inst, in.quality);
    opt = in.options.jcrra;
    opt.base_option = option_index_for_ratio(inst.params, in.options.greedy_rho);
    opt.mixed_precision = mixed_precision;
  }
};

Outcome run_sequential(const Problem& p) {
  BlockScratch scratch(p.inst, -7.0, false, p.opt.mixed_precision);
  Outcome out(p.inst);
  out.core = jcrra_team(SequentialTeam(), make_instance_view(p.inst), p.snr.data(), p.opt, scratch.ws, out.buffers());
  return out;
}

Outcome run_threads(const Problem& p, int threads, TeamSchedule schedule, uint64_t seed, bool shared_state) {
  BlockScratch scratch(p.inst, 12345.0, shared_state, p.opt.mixed_precision);
  Outcome out(p.inst);
  const InstanceView view = make_instance_view(p.inst);
  const SolutionBuffers buffers = out.buffers();
  CoreResult leader_result;
  out.barriers = run_team_threads(threads, schedule, seed, [&](const ThreadTeam& team) {
    const CoreResult result = jcrra_team(team, view, p.snr.data(), p.opt, scratch.ws, buffers);
    if (team.leader()) leader_result = result;  // the result is the leader's (jcrra_team_in)
  });
  out.core = leader_result;
  return out;
}

// Every instance at 3 and 8 threads, under `schedules` in turn (instance i under schedule
// i mod count, random delays seeded by the instance), against the sequential team.
void expect_threads_match_sequential(const std::vector<Problem>& problems, const std::vector<TeamSchedule>& schedules,
                                     bool shared_state, int min_feasible) {
  int feasible = 0;
  long barriers = 0;
  for (size_t i = 0; i < problems.size(); ++i) {
    const Outcome sequential = run_sequential(problems[i]);
    feasible += sequential.core.feasible;
    for (int threads : {3, 8}) {
      const TeamSchedule schedule = schedules[(i + static_cast<size_t>(threads)) % schedules.size()];
      try {
        const Outcome threaded = run_threads(problems[i], threads, schedule, 1000 * i + threads, shared_state);
        barriers += threaded.barriers;
        EXPECT_TRUE(same_bits(sequential, threaded))
            << "instance " << i << ", " << threads << " threads, " << testing::schedule_name(schedule);
      } catch (const TeamFailure& e) {
        ADD_FAILURE() << "instance " << i << ", " << threads << " threads, " << testing::schedule_name(schedule)
                      << ": " << e.what();
      }
    }
  }
  std::printf("%zu instances, %d feasible, %ld barriers\n", problems.size(), feasible, barriers);
  EXPECT_GE(feasible, min_feasible);  // most results are real solutions, not early failures
}

const std::vector<TeamSchedule> kAllSchedules = {TeamSchedule::Free, TeamSchedule::LeaderLate,
                                                 TeamSchedule::RandomDelays};

std::vector<Problem> small_problems(bool mixed_precision) {
  std::vector<Problem> problems;
  for (uint32_t i = 0; i < 40; ++i) problems.emplace_back(testing::small_instance(i), mixed_precision);
  return problems;
}

std::vector<Problem> default_problems(bool mixed_precision) {
  std::vector<Problem> problems;
  for (uint32_t i = 0; i < 2; ++i)
    problems.emplace_back(generate_instance(default_scenario_params(), {1, 0, i}), mixed_precision);
  return problems;
}

TEST(JcrraThreads, SmallInstancesMatchTheSequentialTeamToTheBit) {
  expect_threads_match_sequential(small_problems(false), kAllSchedules, false, 25);
}

TEST(JcrraThreads, DefaultInstancesMatchTheSequentialTeamToTheBit) {
  expect_threads_match_sequential(default_problems(false), kAllSchedules, false, 2);
}

// Where the per-slot budget binds, JCRRA alone ends infeasible and its priced-repair fallback
// (solvers/priced_repair.hpp, team code too) runs: the set of tests/solvers/test_priced_repair.cpp at
// -1 dBW (K = 6, N = 3, T = 40, 60 000 images per UE).
TEST(JcrraThreads, PricedRepairFallbackMatchesTheSequentialTeamToTheBit) {
  ScenarioParams params = default_scenario_params();
  params.users = 6;
  params.subchannels = 3;
  params.slots = 40;
  params.images_mean = 60000.0;
  params.max_power_w = std::pow(10.0, -0.1);
  std::vector<Problem> problems;
  int rescued = 0;  // infeasible for JCRRA alone, feasible with the fallback: the path is run
  for (uint32_t i = 0; i < 3; ++i) {  // each ~10 s of pricing iterations here, more under TSan
    problems.emplace_back(generate_instance(params, {77, 0, i}), false);
    Problem alone = problems.back();
    alone.opt.priced_fallback = false;
    rescued += !run_sequential(alone).core.feasible && run_sequential(problems.back()).core.feasible;
  }
  std::printf("the priced repair rescued %d of %zu instances\n", rescued, problems.size());
  EXPECT_GE(rescued, 2);
  expect_threads_match_sequential(problems, kAllSchedules, false, 2);
}

// The iterate x stored in FP32 (Real = float: other instantiations of every phase).
TEST(JcrraThreads, MixedPrecisionMatchesTheSequentialTeamToTheBit) {
  expect_threads_match_sequential(small_problems(true), kAllSchedules, false, 25);
}

// The relaxed state in the kernel's shared-memory carve, over a buffer of exactly
// jcrra_block_shared_doubles(...) doubles (FP64 and FP32 x): the same results, and in the
// sanitizer build no access outside it.
TEST(JcrraThreads, BlockSharedMemoryCarveAtItsExactSize) {
  std::vector<Problem> problems;
  for (uint32_t i = 0; i < 10; ++i) problems.emplace_back(testing::small_instance(i), i % 2 == 1);
  problems.emplace_back(generate_instance(default_scenario_params(), {1, 0, 0}), false);
  problems.emplace_back(generate_instance(default_scenario_params(), {1, 0, 1}), true);
  expect_threads_match_sequential(problems, {TeamSchedule::RandomDelays}, true, 6);
}

// In builds without AddressSanitizer too: the carve writes nothing past its counted size (a
// guard zone after it keeps its fill).
TEST(JcrraThreads, BlockSharedMemoryCarveStaysInsideItsCount) {
  for (bool mixed : {false, true}) {
    const Problem p(generate_instance(default_scenario_params(), {1, 0, 0}), mixed);
    const int K = p.inst.users, N = p.inst.subchannels, T = p.inst.slots, L = p.inst.options;
    const size_t count = jcrra_block_shared_doubles(K, N, T, L, mixed), guard = 4096;
    std::vector<double> shared(count + guard, 777.0);
    BlockScratch scratch(p.inst, -7.0, false, mixed);
    carve_jcrra_block_shared(shared.data(), K, N, T, L, mixed, scratch.ws);
    Outcome out(p.inst);
    out.core = jcrra_team(SequentialTeam(), make_instance_view(p.inst), p.snr.data(), p.opt, scratch.ws, out.buffers());
    EXPECT_TRUE(same_bits(run_sequential(p), out)) << mixed;
    for (size_t i = count; i < shared.size(); ++i) ASSERT_EQ(shared[i], 777.0) << "written past the count at " << i;
  }
}

// ---- the rounding's cooperative sort alone ----

TEST(JcrraThreads, CooperativeSortMatchesTheHeapSort) {
  uint64_t state = 99;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int threads : {3, 8})
    for (int count : {0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 4801}) {
      for (int distinct : {3, 1 << 20}) {
        const int size = count + 17;  // indices spread over a larger array, as the rounding's are
        std::vector<double> key(static_cast<size_t>(size));
        for (double& k : key) k = static_cast<double>(next() % static_cast<uint64_t>(distinct)) - 1.5;
        std::vector<int> index;
        for (int i = 0; i < size && static_cast<int>(index.size()) < count; ++i)
          if (next() % 8 != 0 || size - i <= count - static_cast<int>(index.size())) index.push_back(i);
        std::vector<int> expected = index;
        std::sort(expected.begin(), expected.end(), [&](int a, int b) { return sort_before(key.data(), a, b); });
        for (TeamSchedule schedule : kAllSchedules) {
          std::vector<int> work = index, buffer(static_cast<size_t>(count) + 1, -1);
          work.push_back(-1);
          std::vector<const int*> sorted(static_cast<size_t>(threads));
          run_team_threads(threads, schedule, static_cast<uint64_t>(count), [&](const ThreadTeam& team) {
            sorted[team.rank] = team_sort_descending(team, work.data(), buffer.data(), count, key.data());
          });
          for (const int* s : sorted) ASSERT_EQ(s, sorted[0]) << "every thread names the same buffer";
          EXPECT_EQ(std::vector<int>(sorted[0], sorted[0] + count), expected)
              << threads << " threads, count " << count << ", distinct " << distinct << ", "
              << testing::schedule_name(schedule);
        }
      }
    }
}

}  // namespace
}  // namespace leosem
