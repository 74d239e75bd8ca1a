// Tier 1/3: whole instances. Determinism (any instance regenerated alone equals its value in a
// batch), the CPU batch backend against the reference, and the demand model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "model/channel.hpp"
#include "model/instance.hpp"
#include "scenario/config.hpp"

using namespace leosem;

namespace {
ScenarioParams small_params() {
  ScenarioParams p = default_scenario_params();
  p.users = 4;
  p.subchannels = 3;
  p.slots = 50;
  p.deadline_mean_slots = 30;
  return p;
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
}  // namespace

TEST(Instance, SameKeySameInstanceDifferentKeyDifferent) {
  const ScenarioParams p = small_params();
  const Instance a = generate_instance(p, {5, 0, 3});
  const Instance b = generate_instance(p, {5, 0, 3});
  const Instance c = generate_instance(p, {5, 0, 4});
  EXPECT_TRUE(std::equal(a.gain_per_watt.begin(), a.gain_per_watt.end(), b.gain_per_watt.begin(), same_bits));
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.deadline_slots, b.deadline_slots);
  EXPECT_NE(a.gain_per_watt, c.gain_per_watt);
}

TEST(Instance, UnusableSlotsHaveZeroGain) {
  ScenarioParams p = small_params();
  p.slots = 600;  // 10 minutes: the pass is above 10° for less than 8
  p.users = 2;
  const Instance inst = generate_instance(p, {1, 0, 0});
  int unusable = 0;
  for (int k = 0; k < inst.users; ++k)
    for (int t = 0; t < inst.slots; ++t) {
      const bool usable = inst.elevation_deg[inst.kt(k, t)] >= p.min_elevation_deg;
      unusable += !usable;
      for (int n = 0; n < inst.subchannels; ++n) {
        const double g = inst.gain_per_watt[inst.knt(k, n, t)];
        if (usable) EXPECT_GT(g, 0.0);
        else EXPECT_EQ(g, 0.0);
      }
    }
  EXPECT_GT(unusable, 0);
}

TEST(Instance, ElevationPeaksAtClosestApproach) {
  const ScenarioParams p = default_scenario_params();
  const Instance inst = generate_instance(p, {1, 0, 0});
  for (int k = 0; k < inst.users; ++k) {
    const auto begin = inst.elevation_deg.begin() + inst.kt(k, 0);
    const long peak = std::max_element(begin, begin + inst.slots) - begin;
    // UEs are within 100 km of the centre; closest approach moves by at most ~100 km / 7.6 km/s.
    EXPECT_NEAR(static_cast<double>(peak), 119.5, 20.0) << "UE " << k;
  }
}

TEST(Demand, DrawsFollowTheConfiguration) {
  ScenarioParams p = default_scenario_params();
  double images = 0, ssim_min = 1, ssim_max = 0;
  int deadline_min = 1000, deadline_max = 0;
  const int count = 4000;
  for (int i = 0; i < count; ++i) {
    const UeDemand d = draw_ue_demand(p, {8, 0, static_cast<uint32_t>(i)}, i % 8);
    images += d.images;
    ssim_min = std::min(ssim_min, d.ssim_requirement);
    ssim_max = std::max(ssim_max, d.ssim_requirement);
    deadline_min = std::min(deadline_min, d.deadline_slots);
    deadline_max = std::max(deadline_max, d.deadline_slots);
  }
  EXPECT_NEAR(images / count, 50000.0, 4.0 * std::sqrt(50000.0 / count));
  EXPECT_GE(ssim_min, 0.70);
  EXPECT_LE(ssim_max, 0.80);
  EXPECT_LT(ssim_min, 0.701);
  EXPECT_GT(ssim_max, 0.799);
  EXPECT_EQ(deadline_min, 48);  // 60 · (1 ± 0.2)
  EXPECT_EQ(deadline_max, 72);
  p.images_distribution = ImagesDistribution::Fixed;
  EXPECT_EQ(draw_ue_demand(p, {8, 0, 1}, 0).images, 50000.0);
}

TEST(Demand, DeadlinesFromClosestApproachAreShiftedToTheWindowsCentre) {
  // Same draws, counted from slot slots/2 (closest approach lies between slots 119 and 120 of
  // 240): every deadline is exactly 120 slots later, and the bound on live slots follows.
  ScenarioParams from_start = default_scenario_params();
  ScenarioParams from_approach = from_start;
  from_approach.deadline_origin = DeadlineOrigin::ClosestApproach;
  ASSERT_EQ(from_start.slots, 240);
  EXPECT_LT(slot_centre_time_s(from_start, 119), 0.0);
  EXPECT_GT(slot_centre_time_s(from_start, 120), 0.0);
  for (uint32_t i = 0; i < 200; ++i) {
    const InstanceKey key{3, 1, i};
    EXPECT_EQ(draw_ue_demand(from_approach, key, static_cast<int>(i % 8)).deadline_slots,
              120 + draw_ue_demand(from_start, key, static_cast<int>(i % 8)).deadline_slots);
  }
  EXPECT_EQ(deadline_slots_bound(from_start), 72);
  EXPECT_EQ(deadline_slots_bound(from_approach), 192);
  // The scenario key, and the window check that counts the origin in.
  EXPECT_EQ(parse_scenario("[users]\ndeadline_origin = \"closest-approach\"\n").params.deadline_origin,
            DeadlineOrigin::ClosestApproach);
  try {
    parse_scenario("[users]\ndeadline_origin = \"closest-approach\"\ndeadline_mean_slots = 110\n");
    FAIL() << "accepted deadlines up to 120 + 132 slots in a 240-slot window";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("slots/2 + mean"), std::string::npos) << e.what();
  }
}
