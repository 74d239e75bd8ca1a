#include "backends/channel_batch.hpp"
#include "model/channel.hpp"

namespace leosem {

std::vector<double> channel_gains_cpu(const ScenarioParams& params, const InstanceRange& range) {
  const long K = params.users, N = params.subchannels, T = params.slots;
  std::vector<double> gains(static_cast<size_t>(range.count) * K * N * T);
  const long work = static_cast<long>(range.count) * K * T;
#pragma omp parallel for schedule(static)
  for (long item = 0; item < work; ++item) {
    const long b = item / (K * T), k = (item / T) % K, t = item % T;
    const InstanceKey key{range.seed, range.point, range.first_instance + static_cast<uint32_t>(b)};
    gains_for_ue_slot(params, key, static_cast<int>(k), static_cast<int>(t),
                      gains.data() + ((b * K + k) * N) * T + t);
  }
  return gains;
}

}  // namespace leosem
