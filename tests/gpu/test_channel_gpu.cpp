// Tier 3 (label gpu): the CUDA channel-gain kernel against the CPU backend on the same keys.
// Device transcendentals (exp, log, sin, j1, ...) may differ from glibc's in the last ulps, so
// gains are compared to a relative 1e-9; usable/unusable (exact zeros) must agree exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/channel_batch.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
void expect_backends_agree(const ScenarioParams& p, const InstanceRange& range) {
  ASSERT_TRUE(cuda_compiled());
  ASSERT_FALSE(cuda_device_names().empty()) << "no CUDA device visible";
  const std::vector<double> cpu = channel_gains_cpu(p, range);
  const std::vector<double> gpu = channel_gains_cuda(p, range);
  ASSERT_EQ(cpu.size(), gpu.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    const bool ok = (cpu[i] == 0.0) == (gpu[i] == 0.0) && std::fabs(cpu[i] - gpu[i]) <= 1e-9 * std::fabs(cpu[i]);
    if (!ok && ++mismatches <= 5) ADD_FAILURE() << "index " << i << ": cpu " << cpu[i] << " gpu " << gpu[i];
  }
  EXPECT_EQ(mismatches, 0u);
}
}  // namespace

TEST(ChannelGpu, DefaultScenarioMatchesCpu) {
  expect_backends_agree(default_scenario_params(), InstanceRange{1, 0, 0, 64});
}

TEST(ChannelGpu, ShadowedRicianKaPerSlotMatchesCpu) {
  ScenarioParams p = default_scenario_params();
  p.fading = FadingModel::ShadowedRician;
  p.sr_b0 = 0.063;
  p.sr_m = 0.739;
  p.sr_omega = 8.97e-4;
  p.carrier_hz = 20e9;
  p.band = Band::Ka;
  p.sat_aperture_radius_m = 0.1;
  p.large_scale_hold = LargeScaleHold::PerSlot;
  p.propagation = PropagationScenario::DenseUrban;
  p.slots = 600;  // includes unusable slots
  expect_backends_agree(p, InstanceRange{7, 3, 100, 16});
}
