// One generated scenario instance: everything the solvers need, on the host.
// Array layouts: per (k, t) index k*T + t; per (k, n, t) index (k*N + n)*T + t;
// per (k, l) index k*L + l.
#pragma once
#include <vector>

#include "model/scenario_params.hpp"

namespace leosem {

struct Instance {
  ScenarioParams params;
  InstanceKey key;
  double cross_track_offset_m = 0.0;
  int users = 0, subchannels = 0, slots = 0, options = 0;  // K, N, T, L

  // Per UE
  std::vector<double> images;             // |I_k|
  std::vector<double> ssim_requirement;   // ξ_k
  std::vector<int> deadline_slots;        // T_k
  std::vector<int> required_resources;    // D_k(ρ_l), [k*L + l]

  // Per (UE, slot)
  std::vector<double> elevation_deg;
  std::vector<double> slant_range_m;
  std::vector<double> off_boresight_deg;
  std::vector<double> path_loss_db;
  std::vector<unsigned char> line_of_sight;

  // Per (UE, SC, slot): SNR per watt, 0 where unusable
  std::vector<double> gain_per_watt;

  int kt(int k, int t) const { return k * slots + t; }
  int knt(int k, int n, int t) const { return (k * subchannels + n) * slots + t; }
  int kl(int k, int l) const { return k * options + l; }
};

// The reference backend: sequential, the truth every other backend is tested against.
Instance generate_instance(const ScenarioParams& params, const InstanceKey& key);

}  // namespace leosem
