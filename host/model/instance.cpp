#include "model/instance.hpp"

#include "model/channel.hpp"

namespace leosem {

Instance generate_instance(const ScenarioParams& params, const InstanceKey& key) {
  Instance inst;
  inst.params = params;
  inst.key = key;
  const int K = params.users, N = params.subchannels, T = params.slots, L = params.options;
  inst.users = K;
  inst.subchannels = N;
  inst.slots = T;
  inst.options = L;
  inst.cross_track_offset_m = draw_cross_track_offset_m(params, key);

  inst.images.resize(K);
  inst.ssim_requirement.resize(K);
  inst.deadline_slots.resize(K);
  inst.required_resources.resize(static_cast<size_t>(K) * L);
  inst.elevation_deg.resize(static_cast<size_t>(K) * T);
  inst.slant_range_m.resize(static_cast<size_t>(K) * T);
  inst.off_boresight_deg.resize(static_cast<size_t>(K) * T);
  inst.path_loss_db.resize(static_cast<size_t>(K) * T);
  inst.line_of_sight.resize(static_cast<size_t>(K) * T);
  inst.gain_per_watt.resize(static_cast<size_t>(K) * N * T);

  for (int k = 0; k < K; ++k) {
    const UeDemand demand = draw_ue_demand(params, key, k);
    inst.images[k] = demand.images;
    inst.ssim_requirement[k] = demand.ssim_requirement;
    inst.deadline_slots[k] = demand.deadline_slots;
    for (int l = 0; l < L; ++l)
      inst.required_resources[inst.kl(k, l)] =
          required_resources(params, demand.images, params.compression_ratios[l]);

    const Vec3 ue_m = draw_ue_position_m(params, key, k, inst.cross_track_offset_m);
    for (int t = 0; t < T; ++t) {
      const LinkState link = link_state(params, key, k, t, inst.cross_track_offset_m, ue_m);
      const int kt = inst.kt(k, t);
      inst.elevation_deg[kt] = link.geometry.elevation_deg;
      inst.slant_range_m[kt] = link.geometry.slant_range_m;
      inst.off_boresight_deg[kt] = link.geometry.off_boresight_deg;
      inst.path_loss_db[kt] = link.path_loss_db;
      inst.line_of_sight[kt] = link.line_of_sight ? 1 : 0;
      for (int n = 0; n < N; ++n)
        inst.gain_per_watt[inst.knt(k, n, t)] =
            gain_per_watt(params, link, fading_power(params, key, k, n, t));
    }
  }
  return inst;
}

}  // namespace leosem
