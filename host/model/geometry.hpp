// Orbit and pass geometry (MODEL.md §2): circular orbit over a non-rotating spherical Earth.
// Frame: Earth-centred; the orbit lies in the x-y plane, the satellite passes the x axis at
// t = 0 moving along +y. The service-area centre C lies at angular offset β = offset/R_E
// north of the ground track on the meridian of x, so closest approach to C is at t = 0.
#pragma once
#include <cmath>

#include "core/constants.hpp"
#include "core/hostdev.hpp"

namespace leosem {

struct Vec3 {
  double x, y, z;
};

LEOSEM_HD Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
LEOSEM_HD Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
LEOSEM_HD Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
LEOSEM_HD double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
LEOSEM_HD Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
LEOSEM_HD double norm(Vec3 a) { return sqrt(dot(a, a)); }
// Angle between two vectors, accurate near 0 and π.
LEOSEM_HD double angle_between_rad(Vec3 a, Vec3 b) { return atan2(norm(cross(a, b)), dot(a, b)); }

LEOSEM_HD double orbital_speed_m_s(double altitude_m) {
  return sqrt(kEarthMu_m3_s2 / (kEarthRadius_m + altitude_m));
}

LEOSEM_HD double orbital_period_s(double altitude_m) {
  return 2.0 * kPi * (kEarthRadius_m + altitude_m) / orbital_speed_m_s(altitude_m);
}

// TR 38.811 eq. 6.6-3: slant range from the UE at elevation ε.
LEOSEM_HD double slant_range_m(double altitude_m, double elevation_rad) {
  const double sin_e = sin(elevation_rad);
  return sqrt(kEarthRadius_m * kEarthRadius_m * sin_e * sin_e + altitude_m * altitude_m +
              2.0 * altitude_m * kEarthRadius_m) -
         kEarthRadius_m * sin_e;
}

LEOSEM_HD Vec3 satellite_position_m(double altitude_m, double time_s) {
  const double orbit_radius_m = kEarthRadius_m + altitude_m;
  const double phase = orbital_speed_m_s(altitude_m) / orbit_radius_m * time_s;
  return {orbit_radius_m * cos(phase), orbit_radius_m * sin(phase), 0.0};
}

LEOSEM_HD Vec3 area_centre_m(double cross_track_offset_m) {
  const double beta = cross_track_offset_m / kEarthRadius_m;
  return {kEarthRadius_m * cos(beta), 0.0, kEarthRadius_m * sin(beta)};
}

// A ground point at great-circle distance `distance_m` from the centre, bearing `azimuth_rad`
// measured from local east (the along-track direction) towards local north.
LEOSEM_HD Vec3 ground_point_m(double cross_track_offset_m, double distance_m, double azimuth_rad) {
  const double beta = cross_track_offset_m / kEarthRadius_m;
  const Vec3 up{cos(beta), 0.0, sin(beta)};
  const Vec3 east{0.0, 1.0, 0.0};
  const Vec3 north{-sin(beta), 0.0, cos(beta)};
  const Vec3 direction = cos(azimuth_rad) * east + sin(azimuth_rad) * north;
  const double alpha = distance_m / kEarthRadius_m;
  return kEarthRadius_m * (cos(alpha) * up + sin(alpha) * direction);
}

struct LinkGeometry {
  double slant_range_m;
  double elevation_deg;
  double off_boresight_deg;  // angle at the satellite between boresight and the UE
};

// Geometry of the link satellite -> UE, with the beam pointing at `boresight_target_m`
// (the area centre for an earth-fixed beam, the Earth's centre for nadir pointing).
LEOSEM_HD LinkGeometry link_geometry(Vec3 satellite_m, Vec3 ue_m, Vec3 boresight_target_m) {
  const Vec3 to_satellite = satellite_m - ue_m;
  const double range_m = norm(to_satellite);
  const double sin_elevation = dot(to_satellite, ue_m) / (range_m * norm(ue_m));
  LinkGeometry g;
  g.slant_range_m = range_m;
  g.elevation_deg = asin(fmin(1.0, fmax(-1.0, sin_elevation))) * kRadToDeg;
  g.off_boresight_deg =
      angle_between_rad(boresight_target_m - satellite_m, ue_m - satellite_m) * kRadToDeg;
  return g;
}

}  // namespace leosem
