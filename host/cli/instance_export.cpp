#include "cli/instance_export.hpp"

#include "core/build_info.hpp"
#include "core/units.hpp"
#include "io/hdf5_writer.hpp"
#include "model/channel.hpp"

namespace leosem {

void export_instance_hdf5(const Instance& inst, const ScenarioConfig& config, const std::string& path) {
  const ScenarioParams& p = inst.params;
  const hsize_t K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  Hdf5Writer out(path);

  out.attribute("/", "format", std::string("leosem-instance-1"));
  out.attribute("/", "leosem_version", std::string(kVersion));
  out.attribute("/", "git_commit", std::string(kGitCommit));
  out.attribute("/", "config_text", config.source_text);
  out.attribute("/", "seed", static_cast<int64_t>(inst.key.seed));
  out.attribute("/", "point", static_cast<int64_t>(inst.key.point));
  out.attribute("/", "instance", static_cast<int64_t>(inst.key.instance));
  out.attribute("/", "users", static_cast<int64_t>(K));
  out.attribute("/", "subchannels", static_cast<int64_t>(N));
  out.attribute("/", "slots", static_cast<int64_t>(T));
  out.attribute("/", "options", static_cast<int64_t>(L));
  out.attribute("/", "cross_track_offset_m", inst.cross_track_offset_m);

  // The resolved numeric parameters, in SI units.
  out.create_group("/parameters");
  const struct {
    const char* name;
    double value;
  } numbers[] = {
      {"altitude_m", p.altitude_m},
      {"min_elevation_deg", p.min_elevation_deg},
      {"area_radius_m", p.area_radius_m},
      {"cross_track_offset_min_m", p.cross_track_offset_min_m},
      {"cross_track_offset_max_m", p.cross_track_offset_max_m},
      {"slot_duration_s", p.slot_duration_s},
      {"carrier_hz", p.carrier_hz},
      {"bandwidth_hz", p.bandwidth_hz},
      {"subchannel_bandwidth_hz", p.bandwidth_hz / p.subchannels},
      {"sat_max_gain_dbi", p.sat_max_gain_dbi},
      {"sat_aperture_radius_m", p.sat_aperture_radius_m},
      {"ue_gain_dbi", p.ue_gain_dbi},
      {"noise_psd_dbm_hz", p.noise_psd_dbm_hz},
      {"noise_figure_db", p.noise_figure_db},
      {"noise_power_w", noise_power_w(p)},
      {"max_power_w", p.max_power_w},
      {"rician_k_db", p.rician_k_db},
      {"images_mean", p.images_mean},
      {"ssim_mean", p.ssim_mean},
      {"ssim_halfwidth", p.ssim_halfwidth},
      {"deadline_mean_slots", p.deadline_mean_slots},
      {"deadline_spread", p.deadline_spread},
      {"image_values", p.image_values},
  };
  for (const auto& n : numbers) out.attribute("/parameters", n.name, n.value);
  out.write("/parameters/compression_ratios", std::vector<double>(p.compression_ratios, p.compression_ratios + L), {L});

  out.create_group("/ue");
  out.write("/ue/images", inst.images, {K});
  out.write("/ue/ssim_requirement", inst.ssim_requirement, {K});
  out.write("/ue/deadline_slots", std::vector<int32_t>(inst.deadline_slots.begin(), inst.deadline_slots.end()), {K});
  out.write("/ue/required_resources",
            std::vector<int32_t>(inst.required_resources.begin(), inst.required_resources.end()), {K, L});

  out.create_group("/link");
  out.write("/link/elevation_deg", inst.elevation_deg, {K, T});
  out.write("/link/slant_range_m", inst.slant_range_m, {K, T});
  out.write("/link/off_boresight_deg", inst.off_boresight_deg, {K, T});
  out.write("/link/path_loss_db", inst.path_loss_db, {K, T});
  out.write("/link/line_of_sight", std::vector<uint8_t>(inst.line_of_sight.begin(), inst.line_of_sight.end()), {K, T});

  out.create_group("/channel");
  out.write("/channel/gain_per_watt", inst.gain_per_watt, {K, N, T});
  out.commit();
}

}  // namespace leosem
