// 3GPP TR 38.811 tables used by the path-loss model, as data (read through ns-3's
// three-gpp-propagation-loss-model.cc and OpenNTN's models/*.json, which agree; see
// shared/design/ntn-tables.md). Rows are elevations 10°, 20°, ..., 90°; between rows we
// interpolate linearly in elevation (the implementations round to the nearest row; the
// interpolation is our documented refinement), clamped outside 10°..90°.
#pragma once
#include "core/hostdev.hpp"
#include "model/scenario_params.hpp"

namespace leosem {

inline constexpr int kElevationRows = 9;

struct ElevationTable {
  double value[kElevationRows];  // at 10°, 20°, ..., 90°
};

// TR 38.811 Table 6.6.1-1: LOS probability.
struct LosProbabilityTables {
  ElevationTable dense_urban{{0.282, 0.331, 0.398, 0.468, 0.537, 0.612, 0.738, 0.820, 0.981}};
  ElevationTable urban{{0.246, 0.386, 0.493, 0.613, 0.726, 0.805, 0.919, 0.968, 0.992}};
  ElevationTable suburban_rural{{0.782, 0.869, 0.919, 0.929, 0.935, 0.940, 0.949, 0.952, 0.998}};
};

// TR 38.811 Tables 6.6.2-1 (dense urban), 6.6.2-2 (urban), 6.6.2-3 (suburban/rural):
// shadow-fading standard deviation σ_SF (LOS, NLOS) and clutter loss CL (NLOS), dB.
struct ShadowClutterTable {
  ElevationTable sigma_los_db;
  ElevationTable sigma_nlos_db;
  ElevationTable clutter_loss_db;
};

struct ShadowClutterTables {
  ShadowClutterTable suburban_rural_s{
      {{1.79, 1.14, 1.14, 0.92, 1.42, 1.56, 0.85, 0.72, 0.72}},
      {{8.93, 9.08, 8.78, 10.25, 10.56, 10.74, 10.17, 11.52, 11.52}},
      {{19.52, 18.17, 18.42, 18.28, 18.63, 17.68, 16.5, 16.3, 16.3}}};
  ShadowClutterTable suburban_rural_ka{
      {{1.9, 1.6, 1.9, 2.3, 2.7, 3.1, 3.0, 3.6, 0.4}},
      {{10.7, 10.0, 11.2, 11.6, 11.8, 10.8, 10.8, 10.8, 10.8}},
      {{29.5, 24.6, 21.9, 20.0, 18.7, 17.8, 17.2, 16.9, 16.8}}};
  ShadowClutterTable dense_urban_s{
      {{3.5, 3.4, 2.9, 3.0, 3.1, 2.7, 2.5, 2.3, 1.2}},
      {{15.5, 13.9, 12.4, 11.7, 10.6, 10.5, 10.1, 9.2, 9.2}},
      {{34.3, 30.9, 29.0, 27.7, 26.8, 26.2, 25.8, 25.5, 25.5}}};
  ShadowClutterTable dense_urban_ka{
      {{2.9, 2.4, 2.7, 2.4, 2.4, 2.7, 2.6, 2.8, 0.6}},
      {{17.1, 17.1, 15.6, 14.6, 14.2, 12.6, 12.1, 12.3, 12.3}},
      {{44.3, 39.9, 37.5, 35.8, 34.6, 33.8, 33.3, 33.0, 32.9}}};
  // Urban: σ_LOS = 4 dB, σ_NLOS = 6 dB at every elevation; CL as dense urban.
  ShadowClutterTable urban_s{{{4, 4, 4, 4, 4, 4, 4, 4, 4}},
                             {{6, 6, 6, 6, 6, 6, 6, 6, 6}},
                             {{34.3, 30.9, 29.0, 27.7, 26.8, 26.2, 25.8, 25.5, 25.5}}};
  ShadowClutterTable urban_ka{{{4, 4, 4, 4, 4, 4, 4, 4, 4}},
                              {{6, 6, 6, 6, 6, 6, 6, 6, 6}},
                              {{44.3, 39.9, 37.5, 35.8, 34.6, 33.8, 33.3, 33.0, 32.9}}};
};

// TR 38.811 §6.6.6.1: Ka-band (20 GHz) scintillation loss by elevation, dB.
struct KaScintillationTable {
  ElevationTable loss_db{{1.08, 0.48, 0.30, 0.22, 0.17, 0.13, 0.12, 0.12, 0.12}};
};

// TR 38.811 §6.6.4: zenith gas attenuation, dB (0.035 dB at 2 GHz, 0.25 dB at 20 GHz).
inline constexpr double kGasZenithS_db = 0.035;
inline constexpr double kGasZenithKa_db = 0.25;

LEOSEM_HD double interpolate_elevation(const ElevationTable& table, double elevation_deg) {
  double position = elevation_deg / 10.0 - 1.0;  // 0 at 10°, 8 at 90°
  if (position <= 0.0) return table.value[0];
  if (position >= kElevationRows - 1) return table.value[kElevationRows - 1];
  const int row = static_cast<int>(position);
  const double frac = position - row;
  return table.value[row] + frac * (table.value[row + 1] - table.value[row]);
}

LEOSEM_HD double los_probability(PropagationScenario scenario, double elevation_deg) {
  const LosProbabilityTables tables;
  switch (scenario) {
    case PropagationScenario::DenseUrban: return interpolate_elevation(tables.dense_urban, elevation_deg);
    case PropagationScenario::Urban: return interpolate_elevation(tables.urban, elevation_deg);
    case PropagationScenario::Los: return 1.0;
    default: return interpolate_elevation(tables.suburban_rural, elevation_deg);
  }
}

struct ShadowClutter {
  double sigma_db;         // shadow-fading standard deviation in this LOS state
  double clutter_loss_db;  // 0 in LOS
};

LEOSEM_HD ShadowClutter shadow_clutter(PropagationScenario scenario, Band band, bool los,
                                       double elevation_deg) {
  const ShadowClutterTables tables;
  const bool ka = band == Band::Ka;
  const ShadowClutterTable* table = nullptr;
  switch (scenario) {
    case PropagationScenario::DenseUrban: table = ka ? &tables.dense_urban_ka : &tables.dense_urban_s; break;
    case PropagationScenario::Urban: table = ka ? &tables.urban_ka : &tables.urban_s; break;
    default: table = ka ? &tables.suburban_rural_ka : &tables.suburban_rural_s; break;  // and Los
  }
  if (los) return {interpolate_elevation(table->sigma_los_db, elevation_deg), 0.0};
  return {interpolate_elevation(table->sigma_nlos_db, elevation_deg),
          interpolate_elevation(table->clutter_loss_db, elevation_deg)};
}

}  // namespace leosem
