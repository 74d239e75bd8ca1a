// dB <-> linear conversions, host-device.
#pragma once
#include <cmath>

#include "core/hostdev.hpp"

namespace leosem {

LEOSEM_HD double db_to_linear(double value_db) { return pow(10.0, value_db / 10.0); }
LEOSEM_HD double linear_to_db(double value) { return 10.0 * log10(value); }
LEOSEM_HD double watts_to_dbm(double watts) { return 10.0 * log10(watts) + 30.0; }
LEOSEM_HD double dbm_to_watts(double dbm) { return pow(10.0, (dbm - 30.0) / 10.0); }

}  // namespace leosem
