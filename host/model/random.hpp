// Counter-based random numbers (Random123 Philox4x64-10), host-device.
// Key = (sweep seed, point << 32 | instance): any instance is regenerated alone, identically on
// every backend. Sweeps use point 0 in every key by default (common random numbers, MODEL §8:
// instance i is the same draw at every point); `independent_points = true` keys by the point. Counter = (stream, a, b, c): each draw has a fixed address, so no generator
// state is carried between draws and the draw order of a backend does not matter.
#pragma once
#include <Random123/philox.h>
#include <Random123/uniform.hpp>
#include <cmath>
#include <cstdint>

#include "core/constants.hpp"
#include "core/hostdev.hpp"
#include "model/scenario_params.hpp"

namespace leosem {

// Streams: the first counter word says what a draw is for.
enum RandomStream : uint64_t {
  kStreamInstance = 1,     // per instance: area centre offset
  kStreamUePosition = 2,   // per UE: position in the area
  kStreamUeDemand = 3,     // per UE: images, SSIM requirement, deadline
  kStreamUeLargeScale = 4, // per UE (held) or per (UE, slot): LOS state and shadow fading
  kStreamFading = 5,       // per (UE, SC, slot): small-scale fading
  kStreamPoisson = 6,      // per UE: the uniform behind the Poisson images draw (inverse CDF)
  kStreamFadingScatter = 7,  // per (UE, SC, slot): the diffuse part of shadowed-Rician fading
};

struct Uniform4 {
  double u[4];  // each in (0, 1]
};

LEOSEM_HD Uniform4 philox_uniform4(const InstanceKey& key, uint64_t stream, uint64_t a,
                                   uint64_t b, uint64_t c) {
  r123::Philox4x64 generator;
  r123::Philox4x64::ctr_type counter = {{stream, a, b, c}};
  r123::Philox4x64::key_type philox_key = {
      {key.seed, (static_cast<uint64_t>(key.point) << 32) | key.instance}};
  const r123::Philox4x64::ctr_type bits = generator(counter, philox_key);
  Uniform4 out;
  for (int i = 0; i < 4; ++i) out.u[i] = r123::u01<double>(bits.v[i]);
  return out;
}

struct NormalPair {
  double z0, z1;
};

// Box-Muller on two uniforms in (0, 1].
LEOSEM_HD NormalPair box_muller(double u_radius, double u_angle) {
  const double radius = sqrt(-2.0 * log(u_radius));
  const double angle = 2.0 * kPi * u_angle;
  return {radius * cos(angle), radius * sin(angle)};
}

// Poisson(mean) by inverse CDF of one uniform u (MODEL §8, common random numbers): the least k
// with P(X <= k) >= u. For a fixed u the draw is non-decreasing in the mean, so sweep points
// that differ in the mean move each UE's demand monotonically. The CDF is summed from 12
// standard deviations below the mean (the mass below, < 1e-30, is left out), the pmf by
// recursion from a log-space start: at most 24·sqrt(mean) + 20 steps.
LEOSEM_HD double poisson_inverse_cdf(double mean, double u) {
  if (mean <= 0.0) return 0.0;
  const double spread = 12.0 * sqrt(mean) + 10.0;
  const double first = fmax(0.0, floor(mean - spread));
  const double last = ceil(mean + spread);
  double pmf = exp(-mean + first * log(mean) - lgamma(first + 1.0));
  double cdf = pmf, k = first;
  while (cdf < u && k < last) {
    k += 1.0;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

// The Poisson draw of UE `ue`: the inverse CDF of the uniform at counter (kStreamPoisson, ue, 0, 0).
LEOSEM_HD double poisson_sample(const InstanceKey& key, uint64_t ue, double mean) {
  return poisson_inverse_cdf(mean, philox_uniform4(key, kStreamPoisson, ue, 0, 0).u[0]);
}

// Gamma(shape, 1) by Marsaglia-Tsang (2000), shape > 0; boosted for shape < 1.
// Uniforms come from counter (stream, a, b, draw).
LEOSEM_HD double gamma_sample(const InstanceKey& key, uint64_t stream, uint64_t a, uint64_t b,
                              double shape) {
  double boost = 1.0;
  uint64_t draw = 0;
  if (shape < 1.0) {
    const Uniform4 r = philox_uniform4(key, stream, a, b, draw++);
    boost = pow(r.u[0], 1.0 / shape);
    shape += 1.0;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  for (;; ++draw) {
    const Uniform4 r = philox_uniform4(key, stream, a, b, draw);
    const NormalPair z = box_muller(r.u[0], r.u[1]);
    const double v_root = 1.0 + c * z.z0;
    if (v_root <= 0.0) continue;
    const double v = v_root * v_root * v_root;
    const double u = r.u[2];
    if (log(u) < 0.5 * z.z0 * z.z0 + d - d * v + d * log(v)) return boost * d * v;
  }
}

}  // namespace leosem
