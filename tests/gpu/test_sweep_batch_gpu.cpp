// Tier 3 on a device (label gpu): the cuda backend of the sweep's batched operation against the
// cpu backend (JCRRA there is the block kernel, one instance per thread block). Per algorithm
// and quality model, >= 2000 instances: identical status and iterations, power within 1e-9
// relative (1e-6 dB where JCRRA is among the algorithms) (and the count of results not bit-identical is
// printed: with --fmad=false it should be 0). Whole sweeps: --backend cuda equal to
// --backend cpu (statuses and iterations identical, powers within 1e-6 dB), and a cuda run
// interrupted after some chunks and resumed equal to an uninterrupted one bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "io/hdf5_util.hpp"
#include "sweep/runner.hpp"
#include "sweep/solver_evaluator.hpp"
#include "../sweep_batch_test_util.hpp"

using namespace leosem;
using test::TempDir;

namespace {

constexpr double kOneMicroDecibel = 2.302e-7;  // relative power difference of 1e-6 dB

void require_device() {
  ASSERT_TRUE(cuda_compiled());
  ASSERT_FALSE(cuda_device_names().empty()) << "no CUDA device visible";
}

void expect_cuda_equals_cpu(const ScenarioConfig& config, const std::vector<std::string>& names, uint32_t count,
                            uint32_t max_chunk, const std::string& what, double relative_tolerance = 1e-9) {
  const InstanceRange range{21, 0, 1000, count};
  auto cpu = make_cpu_backend(0);
  cpu->prepare_point(config, names);
  std::vector<StoredResult> expected;
  cpu->evaluate(range, expected);
  auto cuda = make_cuda_backend(0, max_chunk);
  cuda->prepare_point(config, names);
  std::vector<StoredResult> got;
  cuda->evaluate(range, got);
  ASSERT_EQ(got.size(), expected.size());
  size_t mismatches = 0, not_bit_identical = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const StoredResult& e = expected[i];
    const StoredResult& g = got[i];
    const bool both_nan = std::isnan(e.power_w) && std::isnan(g.power_w);
    const bool close = both_nan || std::fabs(e.power_w - g.power_w) <= relative_tolerance * std::fabs(e.power_w);
    if (!(e.status == g.status && e.iterations == g.iterations && close) && ++mismatches <= 5)
      ADD_FAILURE() << what << ": " << names[i / count] << " instance " << i % count << ": cpu (" << e.power_w
                    << ", " << int(e.status) << ", " << e.iterations << ") cuda (" << g.power_w << ", "
                    << int(g.status) << ", " << g.iterations << ")";
    if (!both_nan && !test::same_bits(e.power_w, g.power_w)) ++not_bit_identical;
  }
  EXPECT_EQ(mismatches, 0u) << what;
  const std::vector<size_t> counts = test::status_counts(expected);
  EXPECT_GT(counts[1], 0u) << what << ": no feasible instance";
  std::cout << what << ": " << count << " instances x " << names.size() << " algorithms, " << not_bit_identical
            << " powers not bit-identical (" << counts[1] << " feasible, " << counts[2] << " infeasible)\n";
  ::testing::Test::RecordProperty("not_bit_identical", static_cast<int>(not_bit_identical));
}

}  // namespace

TEST(SweepBatchGpu, EachAlgorithmLogisticMatchesCpu) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  TempDir dir;
  expect_cuda_equals_cpu(test::small_batch_config(dir, false), {"jcrra", "greedy-jscc", "greedy-jpeg"}, 2048,
                         65536, "logistic", kOneMicroDecibel);
}

TEST(SweepBatchGpu, EachAlgorithmGridMatchesCpu) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  TempDir dir;
  expect_cuda_equals_cpu(test::small_batch_config(dir, true), {"jcrra", "greedy-jscc", "greedy-jpeg"}, 2048, 65536,
                         "grid", kOneMicroDecibel);
}

TEST(SweepBatchGpu, DefaultScenarioGreedyMatchesCpu) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  expect_cuda_equals_cpu(parse_scenario(""), {"greedy-jscc", "greedy-jpeg"}, 4096, 65536, "default scenario");
}

// JCRRA runs one block per instance in sweeps (cuda/jcrra_block_kernel.cuh) and must give what
// the cpu backend's jcrra_core (the same phases over a sequential team) gives: same status and
// iterations, power within 1e-6 dB (the bound: log/exp of the two math libraries may
// differ in the last bit). The default scenario keeps its state in shared memory where the
// device allows it (H100/H200 in FP64, A100 only mixed); 480 slots never fit and run from
// global memory in the arena slot.

ScenarioConfig default_with_precision(const std::string& extra) {
  return parse_scenario("[solvers]\njcrra_precision = \"" + extra + "\"\n");
}

TEST(SweepBatchGpu, DefaultScenarioJcrraBlockKernelMatchesCpu) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  expect_cuda_equals_cpu(default_with_precision("fp64"), {"jcrra"}, 256, 65536, "default scenario, jcrra fp64",
                         kOneMicroDecibel);
  expect_cuda_equals_cpu(default_with_precision("mixed"), {"jcrra", "greedy-jscc"}, 256, 65536,
                         "default scenario, jcrra mixed", kOneMicroDecibel);
}

TEST(SweepBatchGpu, JcrraTooLargeForSharedMemoryRunsFromTheArena) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  expect_cuda_equals_cpu(parse_scenario("[time]\nslots = 480\n[users]\ndeadline_mean_slots = 120\n"), {"jcrra"}, 32,
                         65536, "480 slots (global memory), jcrra", kOneMicroDecibel);
}

TEST(SweepBatchGpu, MixedDeviceAndHostAlgorithmsInSmallChunks) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  TempDir dir;
  // mcf and the lower bound run on host threads alongside the device; a chunk cap below the count
  // is ignored by evaluate (the runner is what splits), so this checks the merge of both sources.
  expect_cuda_equals_cpu(test::small_batch_config(dir, false), {"greedy-jscc", "mcf", "jcrra", "lower-bound"}, 2000, 256,
                         "device + host algorithms", kOneMicroDecibel);
}

namespace {

template <typename T>
std::vector<T> read(const std::string& path, const std::string& dataset) {
  h5_quiet();
  H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return h5_read_all<T>(f.get(), dataset);
}

template <typename T>
void expect_same_dataset(const std::string& a, const std::string& b, const std::string& dataset) {
  const std::vector<T> va = read<T>(a, dataset), vb = read<T>(b, dataset);
  ASSERT_EQ(va.size(), vb.size()) << dataset;
  EXPECT_EQ(0, std::memcmp(va.data(), vb.data(), va.size() * sizeof(T))) << dataset << " differs";
}

// Powers within 1e-6 dB (NaN where the other is NaN), for files made on different backends.
void expect_close_dataset(const std::string& a, const std::string& b, const std::string& dataset, bool in_dbm) {
  const std::vector<double> va = read<double>(a, dataset), vb = read<double>(b, dataset);
  ASSERT_EQ(va.size(), vb.size()) << dataset;
  size_t far = 0;
  for (size_t i = 0; i < va.size(); ++i) {
    if (std::isnan(va[i]) || std::isnan(vb[i])) {
      far += std::isnan(va[i]) != std::isnan(vb[i]);
      continue;
    }
    far += in_dbm ? std::fabs(va[i] - vb[i]) > 1e-6 : std::fabs(va[i] - vb[i]) > kOneMicroDecibel * std::fabs(va[i]);
  }
  EXPECT_EQ(far, 0u) << dataset << ": entries further apart than 1e-6 dB";
}

// Bit for bit (`bitwise`: the same backend), or, across backends, powers within 1e-6 dB (the
// issue's bound for JCRRA, whose block kernel may see another last bit from the device's
// log/exp) and everything else identical.
void expect_same_sweep(const std::string& a, const std::string& b, bool bitwise) {
  if (bitwise) {
    expect_same_dataset<double>(a, b, "/power_w");
    expect_same_dataset<double>(a, b, "/mean_power_dbm");
  } else {
    expect_close_dataset(a, b, "/power_w", false);
    expect_close_dataset(a, b, "/mean_power_dbm", true);
  }
  expect_same_dataset<int8_t>(a, b, "/status");
  expect_same_dataset<int32_t>(a, b, "/iterations");
  expect_same_dataset<int32_t>(a, b, "/evaluated");
  expect_same_dataset<uint8_t>(a, b, "/done");
}

SweepSpec parity_sweep(const TempDir& dir) {
  dir.write("base.toml", "[users]\ncount = 3\ndeadline_mean_slots = 15\nssim_mean = 0.85\n[radio]\nsubchannels = 3\n"
                         "[time]\nslots = 40\n");
  return load_sweep_file(dir.write("sweep.toml", "name = \"gpu-parity\"\nscenario = \"base.toml\"\ninstances = 2500\n"
                                                 "algorithms = [\"jcrra\", \"greedy-jscc\", \"greedy-jpeg\", \"mcf\"]\n"
                                                 "seed = 8\n[[axis]]\nfield = \"users.ssim_mean\"\n"
                                                 "values = [0.75, 0.85]\n"),
                         sweep_algorithm_names());
}

// Delegates to another backend and fails after `chunks` evaluations, as a killed run would stop.
class FailingAfter final : public SweepBatchBackend {
 public:
  FailingAfter(SweepBatchBackend& inner, int chunks) : inner_(inner), left_(chunks) {}
  RunIdentity identity() const override { return inner_.identity(); }
  void prepare_point(const ScenarioConfig& c, const std::vector<std::string>& a) override { inner_.prepare_point(c, a); }
  uint32_t chunk_instances(uint32_t block) const override { return inner_.chunk_instances(block); }
  void evaluate(const InstanceRange& r, std::vector<StoredResult>& out) override {
    if (left_-- <= 0) throw std::runtime_error("stopped on purpose");
    inner_.evaluate(r, out);
  }

 private:
  SweepBatchBackend& inner_;
  int left_;
};

}  // namespace

TEST(SweepRunGpu, CudaSweepEqualsCpuSweepAndResumes) {
  ASSERT_NO_FATAL_FAILURE(require_device());
  TempDir dir;
  const SweepSpec spec = parity_sweep(dir);
  RunOptions options;
  options.block_size = 256;
  std::ostringstream log;
  auto cpu = make_cpu_backend(0);
  run_sweep(spec, (dir.path / "cpu.h5").string(), options, *cpu, log);
  auto cuda = make_cuda_backend(0, 1024);  // several chunks per point
  run_sweep(spec, (dir.path / "cuda.h5").string(), options, *cuda, log);
  expect_same_sweep((dir.path / "cpu.h5").string(), (dir.path / "cuda.h5").string(), false);

  // Interrupted after 3 chunks, then resumed on a fresh backend.
  auto first = make_cuda_backend(0, 1024);
  FailingAfter failing(*first, 3);
  EXPECT_THROW(run_sweep(spec, (dir.path / "resumed.h5").string(), options, failing, log), std::runtime_error);
  options.resume = true;
  auto second = make_cuda_backend(0, 1024);
  const RunStats stats = run_sweep(spec, (dir.path / "resumed.h5").string(), options, *second, log);
  EXPECT_GT(stats.skipped, 0u);
  EXPECT_LT(stats.evaluated, 5000u);
  expect_same_sweep((dir.path / "cuda.h5").string(), (dir.path / "resumed.h5").string(), true);
}
