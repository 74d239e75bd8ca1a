// Counter-based random numbers (Random123 Philox4x64-10), host-device.
// Key = (sweep seed, point << 32 | instance): any instance is regenerated alone, identically on
// every backend. Counter = (stream, a, b, c): each draw has a fixed address, so no generator
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
  kStreamPoisson = 6,      // per UE: Poisson rejection sampler
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

// Poisson(mean) by inversion for small means and Hörmann's PTRS (transformed rejection with
// squeeze, 1993) otherwise, as numpy does. Uniforms come from counter (stream, ue, draw, 0).
LEOSEM_HD double poisson_sample(const InstanceKey& key, uint64_t ue, double mean) {
  if (mean <= 0.0) return 0.0;
  if (mean < 10.0) {
    const Uniform4 u = philox_uniform4(key, kStreamPoisson, ue, 0, 0);
    double p = exp(-mean), cdf = p, x = 0.0;
    const double target = 1.0 - u.u[0];  // in [0, 1)
    while (cdf <= target && x < 1000.0) {
      x += 1.0;
      p *= mean / x;
      cdf += p;
    }
    return x;
  }
  const double slam = sqrt(mean), loglam = log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (uint64_t draw = 0;; ++draw) {
    const Uniform4 r = philox_uniform4(key, kStreamPoisson, ue, draw, 0);
    for (int pair = 0; pair < 2; ++pair) {
      const double U = r.u[2 * pair] - 0.5;
      const double V = r.u[2 * pair + 1];
      const double us = 0.5 - fabs(U);
      const double k = floor((2.0 * a / us + b) * U + mean + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0.0 || (us < 0.013 && V > us)) continue;
      if (log(V) + log(invalpha) - log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1.0))
        return k;
    }
  }
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
