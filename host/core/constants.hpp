// Physical constants used by the model (MODEL.md §2-§3).
#pragma once

namespace leosem {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kSpeedOfLight_m_s = 299792458.0;
inline constexpr double kEarthRadius_m = 6371.0e3;            // MODEL §2, TR 38.811
inline constexpr double kEarthMu_m3_s2 = 3.986004418e14;      // standard gravitational parameter
inline constexpr double kDegToRad = kPi / 180.0;
inline constexpr double kRadToDeg = 180.0 / kPi;

}  // namespace leosem
