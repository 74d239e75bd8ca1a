// A batch of host instances packed into flat arrays, instance after instance, for the block
// solvers' test and benchmark entries (jcrra_block_solve, lower_bound_block_solve): one copy to
// the device each. Host only.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "solvers/solve.hpp"

namespace leosem {

struct PackedInstances {
  int K = 0, N = 0, T = 0, L = 0;
  std::vector<double> gains, images, ssim, snr;  // [B][K][N][T], [B][K], [B][K], [B][K*L]
  std::vector<int> deadlines, required;          // [B][K], [B][K*L]
};

// Every instance must have the first one's K, N, T, L; `caller` names the entry in the error.
inline PackedInstances pack_instances(const std::vector<Instance>& instances, const QualityModel& quality,
                                      const char* caller) {
  PackedInstances p;
  if (instances.empty()) return p;
  const Instance& first = instances.front();
  p.K = first.users, p.N = first.subchannels, p.T = first.slots, p.L = first.options;
  for (const Instance& inst : instances) {
    if (inst.users != p.K || inst.subchannels != p.N || inst.slots != p.T || inst.options != p.L)
      throw std::invalid_argument(std::string(caller) + ": every instance of a batch must have the same K, N, T, L");
    p.gains.insert(p.gains.end(), inst.gain_per_watt.begin(), inst.gain_per_watt.end());
    p.deadlines.insert(p.deadlines.end(), inst.deadline_slots.begin(), inst.deadline_slots.end());
    p.required.insert(p.required.end(), inst.required_resources.begin(), inst.required_resources.end());
    p.images.insert(p.images.end(), inst.images.begin(), inst.images.end());
    p.ssim.insert(p.ssim.end(), inst.ssim_requirement.begin(), inst.ssim_requirement.end());
    const std::vector<double> table = required_snr_table(inst, quality);
    p.snr.insert(p.snr.end(), table.begin(), table.end());
  }
  return p;
}

}  // namespace leosem
