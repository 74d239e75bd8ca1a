// Common random numbers (MODEL §8): by default instance i of a sweep is the same draw at every
// point, so the swept field changes only what it governs; demand draws are inverse-CDF
// transforms of the same uniforms, monotone in their means. `independent_points = true`
// restores keys by point.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/channel.hpp"
#include "model/instance.hpp"
#include "sweep/sweep_spec.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kAlgorithms{"alpha"};

struct SweepDir {
  fs::path path = fs::temp_directory_path() / ("leosem-crn-test-" + std::to_string(::getpid()));
  SweepDir() { fs::create_directories(path); }
  ~SweepDir() { fs::remove_all(path); }
  SweepSpec spec(const std::string& field, const std::string& values, const std::string& extra = "") const {
    std::ofstream(path / "base.toml") << "[users]\ncount = 4\n[radio]\nsubchannels = 2\n[time]\nslots = 200\n";
    std::ofstream(path / "sweep.toml") << "scenario = \"base.toml\"\ninstances = 30\nalgorithms = [\"alpha\"]\n"
                                          "seed = 9\n" << extra << "[[axis]]\nfield = \"" << field
                                       << "\"\nvalues = " << values << "\n";
    return load_sweep_file((path / "sweep.toml").string(), kAlgorithms);
  }
};

Instance instance_at(const SweepSpec& spec, size_t point, uint32_t i) {
  return generate_instance(point_scenario(spec, point).params, spec.instance_key(point, i));
}

}  // namespace

TEST(CommonRandomNumbers, OnlyWhatTheSweptFieldGovernsChanges) {
  SweepDir dir;
  // Deadline axis: positions, shadowing, fading, images and SSIM requirements are the same draw
  // at both points; every deadline moves up with its mean.
  const SweepSpec deadline = dir.spec("users.deadline_mean_slots", "[30, 90]");
  int moved = 0;
  for (uint32_t i = 0; i < 30; ++i) {
    const Instance a = instance_at(deadline, 0, i), b = instance_at(deadline, 1, i);
    EXPECT_EQ(a.gain_per_watt, b.gain_per_watt) << i;
    EXPECT_EQ(a.images, b.images) << i;
    EXPECT_EQ(a.ssim_requirement, b.ssim_requirement) << i;
    EXPECT_EQ(a.cross_track_offset_m, b.cross_track_offset_m) << i;
    for (int k = 0; k < a.users; ++k) {
      EXPECT_GT(b.deadline_slots[k], a.deadline_slots[k]) << i << " " << k;
      moved += b.deadline_slots[k] != a.deadline_slots[k];
    }
  }
  EXPECT_EQ(moved, 30 * 4);
  // Images axis: every UE's images move up with the mean, all else equal.
  const SweepSpec images = dir.spec("users.images_mean", "[20000, 20100, 80000]");
  for (uint32_t i = 0; i < 30; ++i) {
    const Instance a = instance_at(images, 0, i), b = instance_at(images, 1, i), c = instance_at(images, 2, i);
    EXPECT_EQ(a.gain_per_watt, c.gain_per_watt) << i;
    EXPECT_EQ(a.deadline_slots, c.deadline_slots) << i;
    for (int k = 0; k < a.users; ++k) {
      EXPECT_LE(a.images[k], b.images[k]) << i << " " << k;
      EXPECT_LT(b.images[k], c.images[k]) << i << " " << k;
    }
  }
  // Adding a value to an axis leaves the other points' instances unchanged.
  const SweepSpec longer = dir.spec("users.images_mean", "[20000, 50000, 20100, 80000]");
  for (uint32_t i = 0; i < 30; i += 7) {
    EXPECT_EQ(instance_at(images, 1, i).images, instance_at(longer, 2, i).images);
    EXPECT_EQ(instance_at(images, 2, i).gain_per_watt, instance_at(longer, 3, i).gain_per_watt);
  }
}

TEST(CommonRandomNumbers, IndependentPointsRestoreKeysByPoint) {
  SweepDir dir;
  const SweepSpec common = dir.spec("users.deadline_mean_slots", "[30, 90]");
  const SweepSpec independent = dir.spec("users.deadline_mean_slots", "[30, 90]", "independent_points = true\n");
  EXPECT_FALSE(common.independent_points);
  EXPECT_TRUE(independent.independent_points);
  EXPECT_NE(common.config_sha256(), independent.config_sha256());
  const InstanceKey key = independent.instance_key(1, 4);
  EXPECT_EQ(key.point, 1u);
  EXPECT_EQ(key.instance, 4u);
  EXPECT_EQ(common.instance_key(1, 4).point, 0u);
  EXPECT_NE(instance_at(independent, 0, 4).gain_per_watt, instance_at(independent, 1, 4).gain_per_watt);
  EXPECT_EQ(instance_at(independent, 0, 4).gain_per_watt, instance_at(common, 1, 4).gain_per_watt);
  try {
    dir.spec("users.deadline_mean_slots", "[30, 90]", "independent_points = 1\n");
    ADD_FAILURE() << "accepted a non-boolean independent_points";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("independent_points"), std::string::npos) << e.what();
  }
}

TEST(CommonRandomNumbers, PoissonInverseCdfIsExactAndMonotoneInItsMean) {
  // Small mean: the least k with CDF(k) >= u, against a direct sum.
  for (double u : {1e-9, 0.05, 0.3, 0.5, 0.77, 0.999, 1.0}) {
    double cdf = 0.0, pmf = std::exp(-3.0);
    int k = 0;
    for (cdf = pmf; cdf < u && k < 100; ) { ++k; pmf *= 3.0 / k; cdf += pmf; }
    EXPECT_EQ(poisson_inverse_cdf(3.0, u), k) << u;
  }
  // For a fixed uniform, the draw never falls as the mean grows (a fine grid of means and uniforms).
  for (int j = 1; j < 200; ++j) {
    const double u = j / 200.0;
    double previous = 0.0;
    for (double mean = 0.5; mean < 100000.0; mean *= 1.07) {
      const double k = poisson_inverse_cdf(mean, u);
      EXPECT_GE(k, previous) << "u " << u << " mean " << mean;
      previous = k;
    }
  }
  // The median of Poisson(50 000) is 50 000 (mean − ln 2 + 1/3 rounds up to it).
  EXPECT_EQ(poisson_inverse_cdf(50000.0, 0.5), 50000.0);
}
