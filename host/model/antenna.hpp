// Satellite antenna: the circular-aperture pattern of TR 38.811 §6.4.1.
#pragma once
#include <cmath>

#include "core/constants.hpp"
#include "core/hostdev.hpp"
#include "core/units.hpp"

namespace leosem {

// Normalised pattern G(θ)/G_max = 4·|J1(ka·sinθ)/(ka·sinθ)|², 1 at θ = 0, k = 2πf/c.
LEOSEM_HD double aperture_pattern(double aperture_radius_m, double carrier_hz, double theta_rad) {
  const double wavenumber = 2.0 * kPi * carrier_hz / kSpeedOfLight_m_s;
  const double x = wavenumber * aperture_radius_m * sin(theta_rad);
  if (fabs(x) < 1e-8) return 1.0;
  const double ratio = j1(x) / x;  // glibc's j1 on the host, CUDA's j1 on the device
  return 4.0 * ratio * ratio;
}

LEOSEM_HD double satellite_gain_linear(double max_gain_dbi, double aperture_radius_m,
                                       double carrier_hz, double theta_rad) {
  return db_to_linear(max_gain_dbi) * aperture_pattern(aperture_radius_m, carrier_hz, theta_rad);
}

}  // namespace leosem
